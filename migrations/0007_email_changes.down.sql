ALTER TABLE email_outbox DROP COLUMN next_attempt_at;
DROP TABLE email_changes;
