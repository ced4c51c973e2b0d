//! Scheduled jobs: one file per job (name, cron schedule, slot, `run`), the exactly-once claim
//! around every run, and the scheduler that drives them inside `serve`.
//!
//! **Slots.** Each job's schedule defines periods: `token_keepalive@2026-12-01T18` (hour),
//! `cleanup@2026-12-01` (day), `monthly_reset@2026-12` (month), computed from the injected
//! clock. A slot runs once across all replicas: the run is a `job_runs` row, and the row is the
//! claim (see [`crate::server::db::job_runs`]). **Catch-up**: at start and every
//! `JOBS_TICK_SECONDS` each replica runs every job whose current slot has no run yet, so a
//! replica that was down at 00:00 on the 1st still resets that month, once. **Manual runs**
//! (admin "run now", `exact-mcp jobs run`) use their own slot, `manual@<unix seconds>-<random>`,
//! and never consume the scheduled one.

pub mod cleanup;
pub mod monthly_reset;
pub mod scheduler;
pub mod token_expiry_check;
pub mod token_keepalive;

use crate::server::{
    audit,
    db::{DbError, job_runs},
    state::AppState,
};
use std::sync::OnceLock;

pub use crate::server::db::job_runs::JobRun;

/// A job's newest runs, newest first.
pub async fn recent_runs(
    db: &crate::server::db::Db,
    job: JobName,
    limit: i64,
) -> Result<Vec<JobRun>, DbError> {
    job_runs::recent(db, job.as_str(), limit).await
}

/// How long a runner holds a claimed run before another replica may take it over.
pub const LEASE_SECONDS: i64 = 30 * 60;
/// A run that failed as a whole is retried in the same slot after this long.
pub const RETRY_FAILED_AFTER_SECONDS: i64 = 30 * 60;
/// Runs older than this are deleted by the clean-up job.
pub const RUN_RETENTION_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobName {
    TokenKeepalive,
    TokenExpiryCheck,
    MonthlyReset,
    Cleanup,
}

impl JobName {
    /// Every job, in the order a sweep runs them (keep-alive before the expiry check, so a
    /// connection that can still be refreshed is refreshed before anyone is alerted).
    pub const ALL: [JobName; 4] = [
        JobName::TokenKeepalive,
        JobName::TokenExpiryCheck,
        JobName::MonthlyReset,
        JobName::Cleanup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobName::TokenKeepalive => token_keepalive::NAME,
            JobName::TokenExpiryCheck => token_expiry_check::NAME,
            JobName::MonthlyReset => monthly_reset::NAME,
            JobName::Cleanup => cleanup::NAME,
        }
    }

    pub fn parse(s: &str) -> Option<JobName> {
        JobName::ALL.into_iter().find(|j| j.as_str() == s.trim())
    }

    /// The cron schedule (seconds first, UTC).
    pub fn schedule(self) -> &'static str {
        match self {
            JobName::TokenKeepalive => token_keepalive::SCHEDULE,
            JobName::TokenExpiryCheck => token_expiry_check::SCHEDULE,
            JobName::MonthlyReset => monthly_reset::SCHEDULE,
            JobName::Cleanup => cleanup::SCHEDULE,
        }
    }

    /// The scheduled slot that `now` falls in.
    pub fn slot(self, now: i64) -> String {
        match self {
            JobName::TokenKeepalive | JobName::TokenExpiryCheck => hour_slot(now),
            JobName::MonthlyReset => month_slot(now),
            JobName::Cleanup => day_slot(now),
        }
    }

    /// Does the job's work once; the claim is the caller's business. A manual run never waits
    /// (the keep-alive leaves tokens too young to refresh for the next scheduled run).
    pub async fn run(self, state: &AppState, trigger: Trigger) -> Result<Outcome, JobError> {
        match self {
            JobName::TokenKeepalive => {
                let max_wait = match trigger {
                    Trigger::Scheduled => token_keepalive::MAX_WAIT_SECONDS,
                    Trigger::Manual => 0,
                };
                token_keepalive::run_with(state, max_wait).await
            }
            JobName::TokenExpiryCheck => token_expiry_check::run(state).await,
            JobName::MonthlyReset => monthly_reset::run(state).await,
            JobName::Cleanup => cleanup::run(state).await,
        }
    }
}

impl std::fmt::Display for JobName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a run did: items handled, items that failed, and a short summary for the admin view
/// (counts and error kinds only: never a token, a code or an address).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub processed: i64,
    pub failed: i64,
    pub message: String,
}

impl Outcome {
    pub fn status(&self) -> &'static str {
        match (self.processed, self.failed) {
            (_, 0) => "ok",
            (0, _) => "failed",
            _ => "partial",
        }
    }
}

/// A job that could not do its work at all.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database error")]
    Db(#[from] DbError),
    /// The job panicked; the panic stopped at its run, not at the sweep.
    #[error("the job panicked")]
    Panicked,
}

/// How a run was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The job's slot from the clock (cron moment, start-up catch-up or sweep).
    Scheduled,
    /// "Run now" or `exact-mcp jobs run`: a slot of its own.
    Manual,
}

/// What [`run_slot`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotResult {
    /// This runner ran the slot; the run as recorded.
    Ran(job_runs::JobRun),
    /// Someone else has (or had) the slot.
    Taken,
}

/// This process's runner id (kept in `job_runs.runner`): pid and a random part.
pub fn runner_id() -> &'static str {
    static RUNNER: OnceLock<String> = OnceLock::new();
    RUNNER.get_or_init(|| {
        let random = uuid::Uuid::new_v4().simple().to_string();
        format!("pid{}-{}", std::process::id(), &random[..8])
    })
}

/// The slot a manual run uses: never a scheduled one, unique per call.
pub fn manual_slot(now: i64) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("manual@{now}-{}", &random[..8])
}

/// Runs `job` for its current scheduled slot if nobody has: the sweep's and the cron's entry.
pub async fn run_due(state: &AppState, job: JobName) -> Result<SlotResult, JobError> {
    let now = state.clock.now();
    let slot = job.slot(now);
    if job_runs::settled(&state.db, job.as_str(), &slot, now).await? {
        return Ok(SlotResult::Taken);
    }
    run_slot(state, job, &slot, Trigger::Scheduled).await
}

/// Runs `job` now in a manual slot.
pub async fn run_now(state: &AppState, job: JobName) -> Result<job_runs::JobRun, JobError> {
    let slot = manual_slot(state.clock.now());
    match run_slot(state, job, &slot, Trigger::Manual).await? {
        SlotResult::Ran(run) => Ok(run),
        // A fresh random slot cannot be taken; treat it as the database misbehaving.
        SlotResult::Taken => Err(JobError::Db(DbError::row_missing())),
    }
}

/// Claims `(job, slot)`, runs the job, records the outcome. The claim is what makes a slot
/// run once across replicas.
pub async fn run_slot(
    state: &AppState,
    job: JobName,
    slot: &str,
    trigger: Trigger,
) -> Result<SlotResult, JobError> {
    let runner = runner_id();
    let started = state.clock.now();
    let Some(id) = job_runs::claim(
        &state.db,
        job.as_str(),
        slot,
        runner,
        started,
        started + LEASE_SECONDS,
    )
    .await?
    else {
        tracing::debug!(job = %job, slot, "slot already claimed elsewhere");
        return Ok(SlotResult::Taken);
    };
    tracing::info!(job = %job, slot, run_id = %id, runner, "job run claimed");
    let run_state = state.clone();
    let outcome = guarded(async move { job.run(&run_state, trigger).await }).await;
    let now = state.clock.now();
    let (status, outcome) = match outcome {
        Ok(o) => (o.status(), o),
        Err(e) => {
            tracing::error!(job = %job, slot, run_id = %id, error = %e, detail = ?e, "job failed");
            (
                "failed",
                Outcome {
                    processed: 0,
                    failed: 1,
                    message: format!("job failed: {e}"),
                },
            )
        }
    };
    let recorded = job_runs::finish(
        &state.db,
        &id,
        runner,
        now,
        job_runs::Finished {
            status,
            processed: outcome.processed,
            failed: outcome.failed,
            message: &outcome.message,
            retry_after: now + RETRY_FAILED_AFTER_SECONDS,
        },
    )
    .await?;
    if !recorded {
        tracing::warn!(job = %job, slot, run_id = %id, "job run was taken over before it finished");
    }
    tracing::info!(
        job = %job,
        slot,
        run_id = %id,
        status,
        processed = outcome.processed,
        failed = outcome.failed,
        "job run finished"
    );
    if trigger == Trigger::Scheduled {
        record_scheduled_run(state, job, slot, status, &outcome, now).await;
    }
    let run = job_runs::by_id(&state.db, &id)
        .await?
        .ok_or(JobError::Db(DbError::row_missing()))?;
    Ok(SlotResult::Ran(run))
}

/// A scheduled run in the audit trail, by the service itself (a manual run is recorded by
/// whoever asked for it); a failure to write it is logged, the run stands.
async fn record_scheduled_run(
    state: &AppState,
    job: JobName,
    slot: &str,
    status: &str,
    outcome: &Outcome,
    now: i64,
) {
    let change = audit::Change {
        action: "job.run",
        target_type: "job",
        target_id: job.as_str(),
        detail: serde_json::json!({
            "slot": slot,
            "status": status,
            "processed": outcome.processed,
            "failed": outcome.failed,
            "trigger": "scheduled",
        }),
    };
    if let Err(e) = audit::record(&state.db, now, audit::Actor::Service, change).await {
        tracing::warn!(job = %job, slot, error = %e, "could not record the job run in the audit log");
    }
}

/// Runs a job's future so that a panic in it ends that run only (recorded as failed, retried
/// later) and never the sweep or the cron task that called it.
pub async fn guarded<F>(run: F) -> Result<Outcome, JobError>
where
    F: Future<Output = Result<Outcome, JobError>> + Send + 'static,
{
    match tokio::spawn(run).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(panicked = e.is_panic(), "job run ended abnormally");
            Err(JobError::Panicked)
        }
    }
}

fn utc(now: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(now, 0).unwrap_or_default()
}

pub fn hour_slot(now: i64) -> String {
    utc(now).format("%Y-%m-%dT%H").to_string()
}

pub fn day_slot(now: i64) -> String {
    utc(now).format("%Y-%m-%d").to_string()
}

pub fn month_slot(now: i64) -> String {
    utc(now).format("%Y-%m").to_string()
}

/// A summary line of counts by kind: `"3 refreshed, 1 failed (unavailable)"`-style pieces.
pub(crate) fn summary(parts: &[(&str, i64)]) -> String {
    parts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_schedule_periods_in_utc() {
        // 2026-12-01T18:30:00Z
        let t = 1_796_149_800;
        assert_eq!(JobName::TokenKeepalive.slot(t), "2026-12-01T18");
        assert_eq!(JobName::TokenExpiryCheck.slot(t), "2026-12-01T18");
        assert_eq!(JobName::Cleanup.slot(t), "2026-12-01");
        assert_eq!(JobName::MonthlyReset.slot(t), "2026-12");
        assert_eq!(
            JobName::MonthlyReset.slot(t - 18 * 3600 - 1800 - 1),
            "2026-11"
        );
    }

    #[test]
    fn names_parse_and_manual_slots_differ_from_scheduled_ones() {
        for job in JobName::ALL {
            assert_eq!(JobName::parse(job.as_str()), Some(job));
        }
        assert_eq!(JobName::parse("nope"), None);
        let a = manual_slot(5);
        assert!(a.starts_with("manual@5-"));
        assert_ne!(a, manual_slot(5));
    }

    #[test]
    fn status_from_counts() {
        let o = |processed, failed| Outcome {
            processed,
            failed,
            message: String::new(),
        };
        assert_eq!(o(0, 0).status(), "ok");
        assert_eq!(o(3, 0).status(), "ok");
        assert_eq!(o(3, 1).status(), "partial");
        assert_eq!(o(0, 2).status(), "failed");
    }

    #[test]
    fn every_schedule_is_valid_cron() {
        for job in JobName::ALL {
            tokio_cron_scheduler::Job::new_async(job.schedule(), |_, _| Box::pin(async {}))
                .unwrap_or_else(|e| panic!("{job}: {e:?}"));
        }
    }
}
