-- Versions of what replicas keep in memory. A replica that changes an API key, an account's
-- status, plan or address, or a connection or its divisions bumps `callers`; every replica reads
-- the row once a second and forgets the callers it remembered when the number moved.
CREATE TABLE cache_versions (
    name            TEXT PRIMARY KEY,
    version         BIGINT NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('callers', 0);
