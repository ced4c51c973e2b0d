//! `cleanup` (daily): deletes what has expired: sessions, OAuth states (signed in or not),
//! password-reset and email-change tokens, demo keys; raw usage events older than
//! `USAGE_RETENTION_DAYS` (the daily rollups in `usage_daily` stay); job runs older than 90 days;
//! rate windows older than a day; failed sign-ins older than a week; audit rows older than
//! the audit retention (the admin panel's setting, else `AUDIT_RETENTION_DAYS`); sent mail older than a week and unsent mail older than 30 days; the key
//! announcements of replicas gone for a day; the authorization server's expired codes and refresh
//! tokens, and registered clients unused for 30 days. Every table that grows with traffic is here. Each
//! table is one DELETE bounded by time, its own statement, so one failing table does not keep the
//! others from being cleaned.

use super::{JobError, Outcome, RUN_RETENTION_DAYS};
use crate::server::{
    audit_review, authorization,
    db::{
        DbError, api_keys, audit_log, email_changes, job_runs, login_attempts, oauth, oauth_states,
        outbox, password_resets, sessions, usage, vault_replicas,
    },
    state::AppState,
};
use std::pin::Pin;

pub const NAME: &str = "cleanup";
/// Daily at 03:00 UTC.
pub const SCHEDULE: &str = "0 0 3 * * *";

const DAY: i64 = 24 * 60 * 60;
/// Rate windows are a minute (an hour for demo-key creation): a day-old one is never read again.
const RATE_WINDOW_RETENTION_DAYS: i64 = 1;
/// Failed sign-ins, far beyond any throttle window.
const LOGIN_ATTEMPT_RETENTION_DAYS: i64 = 7;
/// Sent mail (its body is already emptied when sent).
const SENT_MAIL_RETENTION_DAYS: i64 = 7;
/// Mail never sent: given up after its attempts, or never deliverable.
const UNSENT_MAIL_RETENTION_DAYS: i64 = 30;
/// Key announcements of replicas that stopped.
const REPLICA_RETENTION_DAYS: i64 = 1;

/// One table's deletion, not yet started.
type Step<'a> = Pin<Box<dyn Future<Output = Result<u64, DbError>> + Send + 'a>>;

pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    let db = &state.db;
    let now = state.clock.now();
    let usage_before = now - i64::from(state.settings.usage.retention_days) * DAY;
    let runs_before = now - RUN_RETENTION_DAYS * DAY;
    // An admin's setting, over the environment's default; read at every run.
    let audit_days =
        audit_review::retention_days(db, state.settings.jobs.audit_retention_days).await?;
    let audit_before = now - i64::from(audit_days) * DAY;
    // (what, deletion): futures start when awaited, so the tables are cleaned one at a time.
    let steps: [(&str, Step<'_>); 15] = [
        (
            "oauth clients",
            Box::pin(oauth::delete_unused_clients(
                db,
                now - authorization::UNUSED_CLIENT_DAYS * DAY,
            )),
        ),
        (
            "oauth codes",
            Box::pin(oauth::delete_expired_codes(
                db,
                now - authorization::CODE_SECONDS,
            )),
        ),
        (
            "oauth refresh tokens",
            Box::pin(oauth::delete_expired_refresh(db, now)),
        ),
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
        (
            "rate windows",
            Box::pin(usage::delete_windows_before(
                db,
                now - RATE_WINDOW_RETENTION_DAYS * DAY,
            )),
        ),
        (
            "failed sign-ins",
            Box::pin(login_attempts::delete_before(
                db,
                now - LOGIN_ATTEMPT_RETENTION_DAYS * DAY,
            )),
        ),
        (
            "audit rows",
            Box::pin(audit_log::delete_before(db, audit_before)),
        ),
        (
            "mails",
            Box::pin(outbox::delete_old(
                db,
                now - SENT_MAIL_RETENTION_DAYS * DAY,
                now - UNSENT_MAIL_RETENTION_DAYS * DAY,
            )),
        ),
        (
            "replica key announcements",
            Box::pin(vault_replicas::delete_seen_before(
                db,
                now - REPLICA_RETENTION_DAYS * DAY,
            )),
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
