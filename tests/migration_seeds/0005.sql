-- Valid at schema 0004: a notification, tickets and mail in the outbox.
INSERT INTO notifications (id, user_id, kind, title, body, link, created_at)
VALUES ('n-1', 'u-anna', 'connection_expiring', 'Your Exact connection expires soon', 'Reconnect within 5 days.', '/dashboard/connections', 1790000000);
INSERT INTO tickets (id, user_id, connection_id, kind, subject, body, status, created_at, updated_at)
VALUES ('t-1', 'u-anna', 'c-1', 'connection_expiring', 'Connection expires soon', '', 'open', 1790000000, 1790000000);
INSERT INTO tickets (id, kind, subject, created_at, updated_at)
VALUES ('t-2', 'support', 'Question about plans', 1790000000, 1790000000);
INSERT INTO email_outbox (id, to_address, subject, body_text, created_at)
VALUES ('m-1', 'anna@bakkerij.example', 'Reset your password', 'Open the link to choose a new password.', 1790000000)
