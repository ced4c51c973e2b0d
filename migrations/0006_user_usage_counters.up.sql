-- The monthly quota counter and the warning level already sent this month (0, 80 or 100), named
-- as the seeds name them; the monthly reset sets both back to 0.
ALTER TABLE users ADD COLUMN api_calls_used BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN rate_limit_warning_sent BIGINT NOT NULL DEFAULT 0;
CREATE INDEX users_plan_idx ON users (plan);
