//! The counts behind the admin overview: accounts by plan, connections by status, calls and
//! errors from the daily rollups, rate-limit refusals from today's events. Each is one aggregate
//! query over an indexed column.

use super::{Db, DbError};

/// (value, count) pairs of a `GROUP BY`.
async fn grouped(db: &Db, sql: &'static str) -> Result<Vec<(String, i64)>, DbError> {
    Ok(sqlx::query_as(sql).fetch_all(db.pool()).await?)
}

/// Accounts per stored plan name.
pub async fn users_by_plan(db: &Db) -> Result<Vec<(String, i64)>, DbError> {
    grouped(db, "SELECT plan, COUNT(*) FROM users GROUP BY plan").await
}

/// Accounts created at or after `since`.
pub async fn users_created_since(db: &Db, since: i64) -> Result<i64, DbError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE created_at >= $1")
        .bind(since)
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// Connections per stored status.
pub async fn connections_by_status(db: &Db) -> Result<Vec<(String, i64)>, DbError> {
    grouped(
        db,
        "SELECT status, COUNT(*) FROM connections GROUP BY status",
    )
    .await
}

/// Counted calls and failed ones over the rollup days `[first_day, last_day]` (`YYYY-MM-DD`).
pub async fn calls_between(
    db: &Db,
    first_day: &str,
    last_day: &str,
) -> Result<(i64, i64), DbError> {
    let (calls, errors): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT CAST(SUM(calls) AS BIGINT), CAST(SUM(errors) AS BIGINT) FROM usage_daily \
         WHERE day >= $1 AND day <= $2",
    )
    .bind(first_day)
    .bind(last_day)
    .fetch_one(db.pool())
    .await?;
    Ok((calls.unwrap_or(0), errors.unwrap_or(0)))
}

/// Requests refused for `reason` (`rate_limit`, `quota`, `flood`) at or after `since`.
pub async fn refusals_since(db: &Db, reason: &str, since: i64) -> Result<i64, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM usage_events WHERE created_at >= $1 AND status = 'rejected' \
         AND reason = $2",
    )
    .bind(since)
    .bind(reason)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}
