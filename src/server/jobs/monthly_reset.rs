//! `monthly_reset`: at 00:00 UTC on the 1st, every user's monthly quota counter and quota
//! warning level go back to 0, in one transaction (all users or none). Its slot is the month, so
//! a replica that starts on the 3rd after downtime still resets that month, once.

use super::{JobError, Outcome};
use crate::server::{db::usage, state::AppState};

pub const NAME: &str = "monthly_reset";
/// sec min hour day-of-month month day-of-week (UTC).
pub const SCHEDULE: &str = "0 0 0 1 * *";

pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    let usage::MonthReset { users, changed } =
        usage::reset_month(&state.db, state.clock.now()).await?;
    tracing::info!(users, changed, "monthly counters reset");
    Ok(Outcome {
        processed: users,
        failed: 0,
        message: format!("{users} users, {changed} counters reset"),
    })
}
