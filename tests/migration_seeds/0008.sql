-- Valid at schema 0007: an account with an API key and a demo-key throttle window, to sit beside
-- the new demo_keys table.
INSERT INTO users (id, email, display_name, created_at, updated_at)
VALUES ('u-keys', 'sleutels@bakkerij.example', 'Sleutelbeheer', 1790000200, 1790000200);
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at)
VALUES ('k-desktop', 'u-keys', 'Claude Desktop', 'emcp_AbC1234', 'hash-of-a-key', 1790000200)
;
INSERT INTO rate_windows (subject, window_start, hits)
VALUES ('demo-key:127.0.0.1', 1789999200, 3)
