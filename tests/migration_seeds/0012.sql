-- Valid at schema 0011: an account with an API key. The authorization server's tables are new
-- and touch no existing row.
INSERT INTO users (id, email, password_hash, display_name, role, plan, status, locale, created_at, updated_at)
VALUES ('u-0012', 'oauth-0012@bakkerij.example', 'x', 'Seed', 'user', 'free', 'active', 'en', 1790000400, 1790000400);
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at)
VALUES ('k-0012', 'u-0012', 'seed', 'emcp_seed001', 'hash-0012', 1790000400)
