-- Keys for the built-in demo: no account behind them, answered from the simulator's fictional
-- companies, and short-lived. Stored like API keys: only the SHA-256 and a visible prefix.
CREATE TABLE demo_keys (
    id              TEXT PRIMARY KEY,
    prefix          TEXT NOT NULL,
    key_hash        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    last_used_at    BIGINT
);
CREATE UNIQUE INDEX demo_keys_key_hash_key ON demo_keys (key_hash);
CREATE INDEX demo_keys_expires_at_idx ON demo_keys (expires_at);
