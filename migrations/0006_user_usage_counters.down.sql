DROP INDEX users_plan_idx;
ALTER TABLE users DROP COLUMN rate_limit_warning_sent;
ALTER TABLE users DROP COLUMN api_calls_used;
