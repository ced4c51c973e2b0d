//! `cleanup` (daily): deletes what has expired: sessions, OAuth states, password-reset and
//! email-change tokens, demo keys; raw usage events older than `USAGE_RETENTION_DAYS` (the daily
//! rollups in `usage_daily` stay); job runs older than 90 days. Each table is its own statement,
//! so one failing table does not keep the others from being cleaned.

use super::{JobError, Outcome, RUN_RETENTION_DAYS};
use crate::server::state::AppState;

pub const NAME: &str = "cleanup";
/// Daily at 03:00 UTC.
pub const SCHEDULE: &str = "0 0 3 * * *";

const DAY: i64 = 24 * 60 * 60;

pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    let db = &state.db;
    let now = state.clock.now();
    let usage_before = now - i64::from(state.settings.usage.retention_days) * DAY;
    let runs_before = now - RUN_RETENTION_DAYS * DAY;
    // (what, statement, bound time): every statement deletes rows older than its bound.
    let steps: [(&str, &'static str, i64); 7] = [
        (
            "sessions",
            "DELETE FROM sessions WHERE idle_expires_at < $1 OR absolute_expires_at < $1",
            now,
        ),
        (
            "oauth states",
            "DELETE FROM oauth_states WHERE expires_at < $1",
            now,
        ),
        (
            "password resets",
            "DELETE FROM password_resets WHERE expires_at < $1",
            now,
        ),
        (
            "email changes",
            "DELETE FROM email_changes WHERE expires_at < $1",
            now,
        ),
        (
            "demo keys",
            "DELETE FROM demo_keys WHERE expires_at < $1",
            now,
        ),
        (
            "usage events",
            "DELETE FROM usage_events WHERE created_at < $1",
            usage_before,
        ),
        (
            "job runs",
            "DELETE FROM job_runs WHERE started_at < $1 AND status <> 'running'",
            runs_before,
        ),
    ];
    let mut outcome = Outcome::default();
    let mut parts = Vec::new();
    let mut failed_tables = Vec::new();
    for (what, sql, before) in steps {
        let _turn = db.write_turn().await;
        match sqlx::query(sql).bind(before).execute(db.pool()).await {
            Ok(done) => {
                let n = done.rows_affected() as i64;
                outcome.processed += n;
                parts.push(format!("{n} {what}"));
            }
            Err(e) => {
                tracing::error!(table = what, error = %e, "clean-up step failed");
                outcome.failed += 1;
                failed_tables.push(what);
            }
        }
    }
    outcome.message = format!("deleted {}", parts.join(", "));
    if !failed_tables.is_empty() {
        outcome
            .message
            .push_str(&format!("; failed: {}", failed_tables.join(", ")));
    }
    Ok(outcome)
}
