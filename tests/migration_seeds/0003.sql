-- Valid at schema 0002: a connection with encrypted tokens, its divisions, a pending OAuth state.
INSERT INTO connections (id, user_id, region, exact_user_id, exact_user_name, exact_email, access_token, refresh_token,
    token_issued_at, token_expires_at, refresh_token_expires_at, status, created_at, updated_at)
VALUES ('c-1', 'u-anna', 'nl', 'e-anna', 'Anna de Bakker', 'anna@bakkerij.example', 'v1.k1.AAAA', 'v1.k1.BBBB',
    1790000000, 1790000600, 1792592000, 'active', 1790000000, 1790000000);
INSERT INTO connections (id, user_id, region, exact_user_id, status, created_at, updated_at)
VALUES ('c-2', 'u-exact', 'be', 'e-piet', 'needs_reauth', 1790000000, 1790000000);
INSERT INTO divisions (connection_id, code, name, is_default, is_active, created_at)
VALUES ('c-1', 1001, 'Bakkerij De Gouden Korst', 1, 1, 1790000000);
INSERT INTO divisions (connection_id, code, name, created_at)
VALUES ('c-1', 1002, 'Bakkerij Filiaal', 1790000000);
INSERT INTO oauth_states (state_hash, session_id, user_id, purpose, region, created_at, expires_at)
VALUES ('st-1', 's-1', 'u-anna', 'connect', 'nl', 1790000000, 1790000600)
