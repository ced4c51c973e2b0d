-- Valid at schema 0003: an API key, usage events, a rate window and a daily rollup.
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, last_used_at)
VALUES ('k-1', 'u-anna', 'Claude Desktop', 'emcp_ab12', 'sha256-aaaa', 1790000000, 1790000500);
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, revoked_at)
VALUES ('k-2', 'u-anna', 'old laptop', 'emcp_cd34', 'sha256-bbbb', 1790000000, 1790000400);
INSERT INTO usage_events (id, user_id, api_key_id, connection_id, division, method, tool, status, latency_ms, client_name, client_version, created_at)
VALUES ('ev-1', 'u-anna', 'k-1', 'c-1', 1001, 'tools/call', 'get_relations', 'ok', 120, 'claude-ai', '0.1.0', 1790000500);
INSERT INTO usage_events (id, user_id, method, status, reason, created_at)
VALUES ('ev-2', 'u-anna', 'tools/call', 'rejected', 'rate_limited', 1790000501);
INSERT INTO rate_windows (subject, window_start, hits) VALUES ('user:u-anna', 1790000460, 2);
INSERT INTO usage_daily (user_id, day, tool, client_name, calls, errors, rejected, latency_ms_sum)
VALUES ('u-anna', '2026-09-21', 'get_relations', 'claude-ai', 1, 0, 1, 120)
