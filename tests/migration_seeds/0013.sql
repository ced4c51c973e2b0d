-- Valid at schema 0012: an account with a ticket raised by the expiry check and an audit row.
-- The ticket gains an empty note and no assignee; replies and settings are new tables.
INSERT INTO users (id, email, password_hash, display_name, role, plan, status, locale, created_at, updated_at)
VALUES ('u-0013', 'tickets-0013@bakkerij.example', 'x', 'Seed', 'user', 'free', 'active', 'en', 1790000500, 1790000500);
INSERT INTO tickets (id, user_id, kind, subject, body, status, created_at, updated_at)
VALUES ('t-0013', 'u-0013', 'token_expiry', 'Expires soon', 'Reconnect', 'open', 1790000500, 1790000500);
INSERT INTO audit_log (id, actor_user_id, action, target_type, target_id, detail, ip, created_at)
VALUES ('a-0013', 'u-0013', 'login.succeeded', 'user', 'u-0013', '{}', '192.0.2.1', 1790000500)
