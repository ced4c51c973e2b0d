-- Valid at schema 0010: a connection whose refresh is due, to carry the new lease columns (both
-- empty: no refresh under way).
INSERT INTO users (id, email, display_name, created_at, updated_at)
VALUES ('u-lease', 'lease@bakkerij.example', 'Lease', 1790000300, 1790000300);
INSERT INTO connections (id, user_id, region, exact_user_id, exact_user_name, exact_email, access_token, refresh_token,
    token_issued_at, token_expires_at, refresh_token_expires_at, status, created_at, updated_at)
VALUES ('c-lease', 'u-lease', 'nl', 'e-lease', 'Lease', 'lease@bakkerij.example', 'v1.k1.CCCC', 'v1.k1.DDDD',
    1790000300, 1790000900, 1792592300, 'active', 1790000300, 1790000300)
