-- Valid at schema 0006: a user with a pending reset, to sit beside the new email_changes table.
INSERT INTO users (id, email, display_name, created_at, updated_at)
VALUES ('u-notary', 'notaris@kantoor.example', 'Notaris de Vries', 1790000100, 1790000100);
INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
VALUES ('hash-notary', 'u-notary', 1790000100, 1790001900)
;
INSERT INTO email_outbox (id, to_address, subject, body_text, created_at)
VALUES ('m-notary', 'notaris@kantoor.example', 'Reset your exact-mcp password', 'A link, once.', 1790000100)
