-- Valid at schema 0001: accounts, a session, a reset token, login attempts.
INSERT INTO users (id, email, password_hash, display_name, role, plan, status, locale, created_at, updated_at)
VALUES ('u-anna', 'anna@bakkerij.example', '$argon2id$stub', 'Anna <b>de Bakker</b>', 'user', 'starter', 'active', 'nl', 1790000000, 1790000000);
INSERT INTO users (id, email, password_hash, role, plan, created_at, updated_at)
VALUES ('u-admin', 'admin@exact-mcp.example', '$argon2id$stub', 'admin', 'enterprise', 1790000001, 1790000001);
INSERT INTO users (id, email, exact_user_id, created_at, updated_at)
VALUES ('u-exact', 'piet@bouw.example', 'a1b2c3d4-0000-0000-0000-000000000001', 1790000002, 1790000002);
INSERT INTO sessions (id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, ip, user_agent)
VALUES ('s-1', 'u-anna', 1790000000, 1790000100, 1790604900, 1792592000, '127.0.0.1', 'Firefox');
INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
VALUES ('hash-1', 'u-anna', 1790000000, 1790001800);
INSERT INTO login_attempts (id, email, ip, succeeded, created_at)
VALUES ('la-1', 'anna@bakkerij.example', '127.0.0.1', 0, 1790000000)
