-- Exact Online connections. Tokens are stored only in the vault's encrypted form
-- (`v1.<kid>.<base64>`); the expiry fields drive refresh, keep-alive and expiry alerts.
CREATE TABLE connections (
    id                        TEXT PRIMARY KEY,
    user_id                   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region                    TEXT NOT NULL,
    exact_user_id             TEXT NOT NULL,
    exact_user_name           TEXT NOT NULL DEFAULT '',
    exact_email               TEXT NOT NULL DEFAULT '',
    access_token              TEXT,
    refresh_token             TEXT,
    token_issued_at           BIGINT,
    token_expires_at          BIGINT,
    refresh_token_expires_at  BIGINT,
    status                    TEXT NOT NULL DEFAULT 'active',
    expiry_alert_sent         BIGINT NOT NULL DEFAULT 0,
    last_refreshed_at         BIGINT,
    last_used_at              BIGINT,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL
);
CREATE UNIQUE INDEX connections_user_exact_key ON connections (user_id, region, exact_user_id);
CREATE INDEX connections_status_idx ON connections (status);
CREATE INDEX connections_refresh_expiry_idx ON connections (refresh_token_expires_at);

CREATE TABLE divisions (
    connection_id   TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    code            BIGINT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    is_default      BIGINT NOT NULL DEFAULT 0,
    is_active       BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (connection_id, code)
);
CREATE INDEX divisions_code_idx ON divisions (code);

-- OAuth `state` values: single-use, bound to the browser session, short-lived.
CREATE TABLE oauth_states (
    state_hash      TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL,
    user_id         TEXT REFERENCES users (id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    region          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);
