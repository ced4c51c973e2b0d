//! `cleanup` (daily): deletes what has expired: sessions, OAuth states, password-reset and
//! email-change tokens, demo keys; raw usage events older than `USAGE_RETENTION_DAYS` (the daily
//! rollups in `usage_daily` stay); job runs older than 90 days. Each table is its own statement,
//! so one failing table does not keep the others from being cleaned.

use super::{JobError, Outcome, RUN_RETENTION_DAYS};
use crate::server::{
    db::{
        DbError, api_keys, email_changes, job_runs, oauth_states, password_resets, sessions, usage,
    },
    state::AppState,
};
use std::pin::Pin;

pub const NAME: &str = "cleanup";
/// Daily at 03:00 UTC.
pub const SCHEDULE: &str = "0 0 3 * * *";

const DAY: i64 = 24 * 60 * 60;

/// One table's deletion, not yet started.
type Step<'a> = Pin<Box<dyn Future<Output = Result<u64, DbError>> + Send + 'a>>;

pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    let db = &state.db;
    let now = state.clock.now();
    let usage_before = now - i64::from(state.settings.usage.retention_days) * DAY;
    let runs_before = now - RUN_RETENTION_DAYS * DAY;
    // (what, deletion): futures start when awaited, so the tables are cleaned one at a time.
    let steps: [(&str, Step<'_>); 7] = [
        ("sessions", Box::pin(sessions::delete_expired(db, now))),
        (
            "oauth states",
            Box::pin(oauth_states::delete_expired(db, now)),
        ),
        (
            "password resets",
            Box::pin(password_resets::delete_expired(db, now)),
        ),
        (
            "email changes",
            Box::pin(email_changes::delete_expired(db, now)),
        ),
        (
            "demo keys",
            Box::pin(api_keys::delete_expired_demo_keys(db, now)),
        ),
        (
            "usage events",
            Box::pin(usage::delete_events_before(db, usage_before)),
        ),
        (
            "job runs",
            Box::pin(job_runs::delete_finished_before(db, runs_before)),
        ),
    ];
    let mut outcome = Outcome::default();
    let mut parts = Vec::new();
    let mut failed_tables = Vec::new();
    for (what, step) in steps {
        match step.await {
            Ok(n) => {
                let n = n as i64;
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
