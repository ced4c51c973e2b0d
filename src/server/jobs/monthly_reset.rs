//! `monthly_reset`: at 00:00 UTC on the 1st, every user's monthly quota counter and quota
//! warning level go back to 0, in one transaction (all users or none). Its slot is the month, so
//! a replica that starts on the 3rd after downtime still resets that month, once.

use super::{JobError, Outcome};
use crate::server::state::AppState;

pub const NAME: &str = "monthly_reset";
/// sec min hour day-of-month month day-of-week (UTC).
pub const SCHEDULE: &str = "0 0 0 1 * *";

pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    let db = &state.db;
    let now = state.clock.now();
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    let changed = sqlx::query(
        "UPDATE users SET api_calls_used = 0, rate_limit_warning_sent = 0, updated_at = $1 \
         WHERE api_calls_used <> 0 OR rate_limit_warning_sent <> 0",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    tracing::info!(users, changed, "monthly counters reset");
    Ok(Outcome {
        processed: users,
        failed: 0,
        message: format!("{users} users, {changed} counters reset"),
    })
}
