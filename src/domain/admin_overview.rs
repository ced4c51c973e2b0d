//! The figures on the admin panel's first page: how many accounts and on which plans, the Exact
//! connections and those needing a new consent, today's and this month's calls, errors and
//! refusals, refresh failures, open tickets and each job's last run.

use super::Plan;
use serde::{Deserialize, Serialize};

/// The last run of one scheduled job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobLastRun {
    pub job: String,
    /// `None` when the job never ran.
    pub status: Option<String>,
    pub started_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub users_total: i64,
    /// Created in the last 7 days.
    pub users_new_week: i64,
    /// Every plan, with its count (0 included).
    pub users_by_plan: Vec<(Plan, i64)>,
    pub connections_active: i64,
    pub connections_needing_consent: i64,
    /// Counted calls admitted today (UTC) and this month.
    pub calls_today: i64,
    pub calls_month: i64,
    /// Admitted calls today that failed (tool or protocol error).
    pub errors_today: i64,
    /// Requests refused today by the per-minute rate limit.
    pub rate_limited_today: i64,
    /// Token refreshes that failed in the last 24 hours.
    pub refresh_failures_day: i64,
    /// Tickets not resolved.
    pub open_tickets: i64,
    pub jobs: Vec<JobLastRun>,
}

impl AdminOverview {
    /// Errors per admitted call today, as a whole percentage with one decimal ("2.5"); "0.0"
    /// without calls.
    pub fn error_rate_today(&self) -> String {
        if self.calls_today == 0 {
            return "0.0".to_string();
        }
        let per_mille = (self.errors_today * 1000 + self.calls_today / 2) / self.calls_today;
        format!("{}.{}", per_mille / 10, per_mille % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_rate_is_rounded_to_a_tenth_of_a_percent() {
        let mut o = AdminOverview {
            users_total: 0,
            users_new_week: 0,
            users_by_plan: vec![],
            connections_active: 0,
            connections_needing_consent: 0,
            calls_today: 0,
            calls_month: 0,
            errors_today: 0,
            rate_limited_today: 0,
            refresh_failures_day: 0,
            open_tickets: 0,
            jobs: vec![],
        };
        assert_eq!(o.error_rate_today(), "0.0");
        o.calls_today = 40;
        o.errors_today = 1;
        assert_eq!(o.error_rate_today(), "2.5");
        o.calls_today = 3;
        assert_eq!(o.error_rate_today(), "33.3");
    }
}
