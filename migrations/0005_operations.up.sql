-- Scheduled job runs: one row per job and slot, claimed atomically so a slot runs once across
-- replicas; the lease lets another replica take over a crashed run.
CREATE TABLE job_runs (
    id               TEXT PRIMARY KEY,
    job              TEXT NOT NULL,
    slot             TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'running',
    runner           TEXT NOT NULL DEFAULT '',
    lease_expires_at BIGINT NOT NULL,
    started_at       BIGINT NOT NULL,
    finished_at      BIGINT,
    processed        BIGINT NOT NULL DEFAULT 0,
    failed           BIGINT NOT NULL DEFAULT 0,
    message          TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX job_runs_job_slot_key ON job_runs (job, slot);
CREATE INDEX job_runs_started_at_idx ON job_runs (started_at);

-- Who did what: admin actions and security events.
CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    actor_user_id   TEXT,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL DEFAULT '',
    target_id       TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '{}',
    ip              TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX audit_log_created_at_idx ON audit_log (created_at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, created_at);
