DROP TABLE service_settings;
DROP INDEX audit_log_target_idx;
DROP INDEX audit_log_action_idx;
DROP INDEX tickets_user_time_idx;
DROP INDEX ticket_replies_ticket_idx;
DROP TABLE ticket_replies;
ALTER TABLE tickets DROP COLUMN internal_note;
ALTER TABLE tickets DROP COLUMN assigned_to;
