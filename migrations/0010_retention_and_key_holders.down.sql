DROP INDEX login_attempts_created_at_idx;
DROP INDEX rate_windows_window_start_idx;
DROP INDEX vault_replicas_seen_at_idx;
DROP TABLE vault_replicas;
