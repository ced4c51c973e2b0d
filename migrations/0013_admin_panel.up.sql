-- The admin panel: tickets are worked on (assigned to an admin, an internal note, replies that
-- reach the person), the audit log is searched by action and subject, and settings an admin
-- changes at run time (the audit retention) are kept in the database, over the environment's
-- defaults.
-- No foreign key on assigned_to: SQLite cannot drop such a column; a departed admin reads as
-- unassigned.
ALTER TABLE tickets ADD COLUMN assigned_to TEXT;
ALTER TABLE tickets ADD COLUMN internal_note TEXT NOT NULL DEFAULT '';
CREATE TABLE ticket_replies (
    id              TEXT PRIMARY KEY,
    ticket_id       TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_user_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ticket_replies_ticket_idx ON ticket_replies (ticket_id, created_at);
CREATE INDEX tickets_user_time_idx ON tickets (user_id, created_at);
CREATE INDEX audit_log_action_idx ON audit_log (action, created_at);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, created_at);
CREATE TABLE service_settings (
    name            TEXT PRIMARY KEY,
    value           TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);
