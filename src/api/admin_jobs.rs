//! Admin server functions for the scheduled jobs: `POST /api/admin/jobs` (every job, its
//! schedule and last runs), `POST /api/admin/jobs/run` (run one now, in a manual slot,
//! audited).
//! `require_admin` first: 401 signed out, 403 for non-admins.

use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::{
    error::{internal, refuse},
    guard::require_admin,
};

#[cfg(feature = "ssr")]
use super::support::{audit, context};

/// How many recent runs the admin view shows per job.
pub const RUNS_SHOWN: i64 = 5;

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobRunView {
    pub slot: String,
    pub status: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub processed: i64,
    pub failed: i64,
    pub message: String,
}

/// One job with its newest runs, newest first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobSummary {
    pub name: String,
    pub schedule: String,
    pub runs: Vec<JobRunView>,
}

#[cfg(feature = "ssr")]
fn view_of(r: crate::server::jobs::JobRun) -> JobRunView {
    JobRunView {
        slot: r.slot,
        status: r.status,
        started_at: r.started_at,
        finished_at: r.finished_at,
        processed: r.processed,
        failed: r.failed,
        message: r.message,
    }
}

#[server(prefix = "/api/admin", endpoint = "jobs")]
pub async fn list_jobs() -> Result<Vec<JobSummary>, ApiError> {
    use crate::server::jobs::{self, JobName};
    require_admin().await?;
    let (state, _) = context()?;
    let mut out = Vec::new();
    for job in JobName::ALL {
        let runs = jobs::recent_runs(&state.db, job, RUNS_SHOWN)
            .await
            .map_err(internal)?;
        out.push(JobSummary {
            name: job.as_str().to_string(),
            schedule: job.schedule().to_string(),
            runs: runs.into_iter().map(view_of).collect(),
        });
    }
    Ok(out)
}

#[server(prefix = "/api/admin", endpoint = "jobs/run")]
pub async fn run_job(name: String) -> Result<JobRunView, ApiError> {
    use crate::server::{jobs, locale::current_texts};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let Some(job) = jobs::JobName::parse(&name) else {
        return Err(refuse(
            http::StatusCode::NOT_FOUND,
            current_texts().admin.jobs_unknown,
        ));
    };
    let run = jobs::run_now(&state, job).await.map_err(internal)?;
    audit(
        &state,
        &parts,
        &admin.user.id,
        "job.run",
        ("job", job.as_str()),
        serde_json::json!({
            "slot": run.slot,
            "status": run.status,
            "processed": run.processed,
            "failed": run.failed,
        }),
    )
    .await?;
    Ok(view_of(run))
}
