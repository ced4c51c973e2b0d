//! The admin overview's figures, gathered from the counts the database layer keeps: accounts,
//! connections, today's and this month's calls, refusals, refresh failures in the last day, open
//! tickets and each job's last run.

use super::{
    db::{Db, DbError, admin_figures, audit_log, tickets},
    jobs::{self, JobName},
    usage::day_of,
};
use crate::domain::{AdminOverview, ConnectionStatus, JobLastRun, Plan, RejectReason};

const DAY: i64 = 24 * 60 * 60;
/// The audit actions of a token refresh that failed (Exact refused the token, or it could not
/// be traded after the retries).
pub const REFRESH_FAILURE_ACTIONS: [&str; 2] =
    ["connection.refresh_refused", "connection.refresh_failed"];

pub async fn gather(db: &Db, now: i64) -> Result<AdminOverview, DbError> {
    let by_plan = admin_figures::users_by_plan(db).await?;
    let users_by_plan: Vec<(Plan, i64)> = Plan::ALL
        .into_iter()
        .map(|p| {
            let n = by_plan
                .iter()
                .filter(|(stored, _)| stored == p.as_str())
                .map(|(_, n)| n)
                .sum();
            (p, n)
        })
        .collect();
    let by_status = admin_figures::connections_by_status(db).await?;
    let connections = |s: ConnectionStatus| {
        by_status
            .iter()
            .filter(|(stored, _)| stored == s.as_str())
            .map(|(_, n)| n)
            .sum()
    };
    let today = day_of(now);
    let month_start = format!("{}-01", &today[..7]);
    let today_start = now - now.rem_euclid(DAY);
    let (calls_today, errors_today) = admin_figures::calls_between(db, &today, &today).await?;
    let (calls_month, _) = admin_figures::calls_between(db, &month_start, &today).await?;
    let mut jobs_last = Vec::new();
    for job in JobName::ALL {
        let last = jobs::recent_runs(db, job, 1).await?.into_iter().next();
        jobs_last.push(JobLastRun {
            job: job.as_str().to_string(),
            status: last.as_ref().map(|r| r.status.clone()),
            started_at: last.map(|r| r.started_at),
        });
    }
    Ok(AdminOverview {
        users_total: by_plan.iter().map(|(_, n)| n).sum(),
        users_new_week: admin_figures::users_created_since(db, now - 7 * DAY).await?,
        users_by_plan,
        connections_active: connections(ConnectionStatus::Active),
        connections_needing_consent: connections(ConnectionStatus::NeedsReauth),
        calls_today,
        calls_month,
        errors_today,
        rate_limited_today: admin_figures::refusals_since(
            db,
            RejectReason::RateLimit.as_str(),
            today_start,
        )
        .await?,
        refresh_failures_day: audit_log::count_actions_since(
            db,
            &REFRESH_FAILURE_ACTIONS,
            now - DAY,
        )
        .await?,
        open_tickets: tickets::count_unresolved(db).await?,
        jobs: jobs_last,
    })
}
