//! The scheduler inside `serve` (tokio-cron-scheduler): every job at its cron moment, plus a
//! sweep at start and every `JOBS_TICK_SECONDS` that runs any job whose current slot has no run
//! yet (catch-up after downtime, a lost cron moment, a failed run's retry). Both only ever run a
//! slot through the claim in [`super::run_slot`], so replicas, cron moments and sweeps never run
//! a slot twice. `JOBS_ENABLED=false` keeps a replica's scheduler off.

use super::{JobName, run_due};
use crate::server::state::AppState;
use tokio_cron_scheduler::{Job, JobScheduler};

pub struct Scheduler(JobScheduler);

impl Scheduler {
    pub async fn shutdown(mut self) {
        if let Err(e) = self.0.shutdown().await {
            tracing::warn!(error = ?e, "scheduler did not stop cleanly");
        }
    }
}

/// Starts the scheduler (when enabled) and the start-up catch-up.
pub async fn start(state: &AppState) -> anyhow::Result<Option<Scheduler>> {
    if !state.settings.jobs.enabled {
        tracing::info!("scheduled jobs are off in this process (JOBS_ENABLED=false)");
        return Ok(None);
    }
    let scheduler = JobScheduler::new().await?;
    for job in JobName::ALL {
        let state = state.clone();
        let cron = Job::new_async(job.schedule(), move |_, _| {
            let state = state.clone();
            Box::pin(async move { due(&state, job).await })
        })?;
        scheduler.add(cron).await?;
    }
    let sweep_state = state.clone();
    let ticker = Job::new_repeated_async(state.settings.jobs.tick, move |_, _| {
        let state = sweep_state.clone();
        Box::pin(async move { sweep(&state).await })
    })?;
    scheduler.add(ticker).await?;
    scheduler.start().await?;
    tracing::info!(
        tick_seconds = state.settings.jobs.tick.as_secs(),
        jobs = ?JobName::ALL.map(JobName::as_str),
        "scheduler started"
    );
    let catch_up = state.clone();
    tokio::spawn(async move { sweep(&catch_up).await });
    Ok(Some(Scheduler(scheduler)))
}

/// Every job's current slot, in order, if nobody ran it yet.
pub async fn sweep(state: &AppState) {
    for job in JobName::ALL {
        due(state, job).await;
    }
    // At debug level: lets an operator (and the two-replica test) see the sweeps go by.
    tracing::debug!("catch-up sweep finished");
}

async fn due(state: &AppState, job: JobName) {
    if let Err(e) = run_due(state, job).await {
        tracing::error!(job = %job, error = %e, detail = ?e, "scheduled job could not run");
    }
}
