-- API keys are stored only as a hash; the short prefix is for lookup and display.
CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    key_hash        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

-- One row per MCP request. No foreign keys: usage history outlives revoked keys, and deleting an
-- account anonymises its rows instead of losing the totals.
CREATE TABLE usage_events (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL,
    api_key_id      TEXT,
    connection_id   TEXT,
    division        BIGINT,
    method          TEXT NOT NULL,
    tool            TEXT,
    status          TEXT NOT NULL,
    reason          TEXT,
    latency_ms      BIGINT NOT NULL DEFAULT 0,
    client_name     TEXT NOT NULL DEFAULT '',
    client_version  TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX usage_events_user_time_idx ON usage_events (user_id, created_at);
CREATE INDEX usage_events_created_at_idx ON usage_events (created_at);

-- Fixed-window counters shared by all replicas (rate limits, flood limits).
CREATE TABLE rate_windows (
    subject         TEXT NOT NULL,
    window_start    BIGINT NOT NULL,
    hits            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, window_start)
);

-- Daily rollups keep the dashboard fast however many raw events there are.
CREATE TABLE usage_daily (
    user_id         TEXT NOT NULL,
    day             TEXT NOT NULL,
    tool            TEXT NOT NULL DEFAULT '',
    client_name     TEXT NOT NULL DEFAULT '',
    calls           BIGINT NOT NULL DEFAULT 0,
    errors          BIGINT NOT NULL DEFAULT 0,
    rejected        BIGINT NOT NULL DEFAULT 0,
    latency_ms_sum  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, tool, client_name)
);
