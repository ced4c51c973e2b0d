-- Valid at schema 0005: job runs and audit entries, and one more user to carry the new counters.
INSERT INTO job_runs (id, job, slot, status, runner, lease_expires_at, started_at, finished_at, processed, failed, message)
VALUES ('j-1', 'monthly_reset', 'monthly_reset@2026-11', 'succeeded', 'replica-a', 1790000300, 1790000000, 1790000010, 3, 0, '');
INSERT INTO audit_log (id, actor_user_id, action, target_type, target_id, detail, ip, created_at)
VALUES ('a-1', 'u-admin', 'user.set_plan', 'user', 'u-anna', '{"plan":"starter"}', '127.0.0.1', 1790000000);
INSERT INTO users (id, email, plan, created_at, updated_at)
VALUES ('u-lawyer', 'mr.jansen@advocaat.example', 'pro', 1790000003, 1790000003)
