-- exact-mcp as an OAuth 2.1 authorization server for MCP clients (issue 17).
-- Clients registered through RFC 7591 (public clients only). Clients that identify themselves by a
-- metadata document URL are not stored: their documents are fetched and cached in memory.
-- Pruned when unused for 30 days.
CREATE TABLE oauth_clients (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    redirect_uris   TEXT NOT NULL,
    registered_ip   TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT
);
CREATE INDEX oauth_clients_last_used_idx ON oauth_clients (created_at, last_used_at);

-- One row per app a user authorized: what "Connected apps" lists and revokes. Its access tokens
-- name it (claim `gid`); its refresh tokens belong to it (the rotation family).
CREATE TABLE oauth_grants (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id       TEXT NOT NULL,
    client_name     TEXT NOT NULL,
    client_host     TEXT NOT NULL,
    scope           TEXT NOT NULL,
    resource        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
);
CREATE INDEX oauth_grants_user_idx ON oauth_grants (user_id);

-- Authorization codes, stored as SHA-256; single use, 60 s, bound to client, redirect URI,
-- PKCE challenge, resource and user. `grant_id` is set when the code is exchanged, so a second
-- use can revoke what the first one issued.
CREATE TABLE oauth_codes (
    code_hash       TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id       TEXT NOT NULL,
    client_name     TEXT NOT NULL,
    client_host     TEXT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    code_challenge  TEXT NOT NULL,
    resource        TEXT NOT NULL,
    scope           TEXT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT,
    grant_id        TEXT
);
CREATE INDEX oauth_codes_expires_idx ON oauth_codes (expires_at);

-- Refresh tokens, stored as SHA-256; 30 days, rotated on use. A used one presented again revokes
-- its grant (the whole family).
CREATE TABLE oauth_refresh_tokens (
    token_hash      TEXT PRIMARY KEY,
    grant_id        TEXT NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT
);
CREATE INDEX oauth_refresh_tokens_grant_idx ON oauth_refresh_tokens (grant_id);
CREATE INDEX oauth_refresh_tokens_expires_idx ON oauth_refresh_tokens (expires_at);
