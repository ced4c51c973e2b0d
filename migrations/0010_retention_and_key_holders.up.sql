-- Which token keys each running replica holds, by key id (the first 8 hex digits of the key's
-- SHA-256, as in stored tokens; never the key), so `vault rotate` can refuse while a live replica
-- could not read tokens encrypted with the key it rotates to. Rows are refreshed every minute
-- while a replica serves; the clean-up job removes those of replicas gone for a day.
CREATE TABLE vault_replicas (
    replica_id      TEXT PRIMARY KEY,
    current_kid     TEXT NOT NULL,
    key_ids         TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    seen_at         BIGINT NOT NULL
);
CREATE INDEX vault_replicas_seen_at_idx ON vault_replicas (seen_at);
-- The clean-up job prunes these tables by age.
CREATE INDEX rate_windows_window_start_idx ON rate_windows (window_start);
CREATE INDEX login_attempts_created_at_idx ON login_attempts (created_at);
