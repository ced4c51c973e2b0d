//! The usage record's writes: admitting a counted call (rate window, monthly counter, quota
//! warning, event and daily rollup in one transaction), and the outcomes and uncounted requests
//! the recorder writes in batches.
//!
//! Tables (migration 0003/0006):
//! - `rate_windows (subject, window_start, hits)`: fixed one-minute windows; subjects are
//!   `user:<id>` (accounts' counted calls; the flood limit and demo keys are counted in memory,
//!   see `usage::local_windows`).
//! - `users.api_calls_used`: counted calls admitted this month; `users.rate_limit_warning_sent`:
//!   the warning level (0, 80, 100) already sent this month.
//! - `usage_events`: one row per authenticated `/mcp` request of an account. `status` is one of
//!   [`CallStatus`](crate::domain::CallStatus); `reason` says why a request was rejected
//!   (`rate_limit`, `quota`, `flood`) or which JSON-RPC error code it got.
//! - `usage_daily (user_id, day, tool, client_name)`: `calls` counted calls admitted, `errors`
//!   those that failed, `rejected` counted calls refused by a limit, `latency_ms_sum` over the
//!   admitted ones. Only counted methods appear here; `tool` is the tool name, the resource URI
//!   or `prompt:<name>`.

use super::{Db, DbError};
use crate::domain::CallStatus;
use sqlx::Row;

/// A usage event as first written.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: String,
    pub user_id: String,
    pub api_key_id: String,
    pub connection_id: Option<String>,
    pub division: Option<i64>,
    pub method: String,
    pub tool: Option<String>,
    pub status: CallStatus,
    pub reason: Option<String>,
    pub latency_ms: i64,
    pub client_name: String,
    pub client_version: String,
    pub created_at: i64,
}

/// The in-app notification and the mail of a quota warning.
pub struct Warning {
    pub title: String,
    pub body: String,
    pub link: String,
    pub email: String,
    pub mail_subject: String,
    pub mail_body: String,
}

/// A counted call asking to be let in.
pub struct Admission {
    pub subject: String,
    pub window_start: i64,
    pub limit: u32,
    /// `None` when the plan is unlimited (the call is still counted).
    pub quota: Option<u64>,
    pub event: NewEvent,
    /// The rollup day (`YYYY-MM-DD`) of the event.
    pub day: String,
    /// Builds the warning for a level (80 or 100) reached for the first time this month.
    pub warning: Box<dyn Fn(i64) -> Warning + Send + Sync>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admitted {
    /// Counted: `hits` in this window and `used` this month, both including this call.
    Yes { hits: i64, used: i64 },
    /// The window is full; nothing was counted.
    RateLimited,
    /// The monthly quota is used up; nothing was counted.
    QuotaExhausted { used: i64 },
}

/// Counts a call against the rate window and the monthly quota, atomically and across replicas:
/// both counters move only when both have room, so a refused call changes nothing. The event
/// (status `pending`) and the daily rollup are written in the same transaction, so counters and
/// events can never disagree, whatever happens to the process afterwards.
pub async fn admit(db: &Db, a: &Admission) -> Result<Admitted, DbError> {
    let mut admitted = admit_batch(db, std::slice::from_ref(a)).await?;
    admitted.pop().ok_or_else(DbError::row_missing)
}

/// [`admit`] for several calls in one transaction (group commit): each is decided as if alone,
/// in the order given, and all commit together or not at all. Callers order the batch by subject
/// so that concurrent batches on Postgres lock rows in the same order.
pub async fn admit_batch(db: &Db, batch: &[Admission]) -> Result<Vec<Admitted>, DbError> {
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    let mut out = Vec::with_capacity(batch.len());
    for a in batch {
        out.push(admit_one(&mut tx, a).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// One admission inside an open write transaction. A refusal undoes what this admission changed
/// (the window's hit), so it leaves the transaction as it found it.
async fn admit_one(tx: &mut super::Tx, a: &Admission) -> Result<Admitted, DbError> {
    let user_id = a.event.user_id.as_str();
    let now = a.event.created_at;
    let Some(hits) = hit_in(&mut **tx, &a.subject, a.window_start, a.limit).await? else {
        return Ok(Admitted::RateLimited);
    };
    let used: Option<i64> = match a.quota {
        Some(quota) => {
            sqlx::query(
                "UPDATE users SET api_calls_used = api_calls_used + 1 \
             WHERE id = $1 AND api_calls_used < $2 RETURNING api_calls_used",
            )
            .bind(user_id)
            .bind(quota as i64)
            .fetch_optional(&mut **tx)
            .await?
        }
        None => {
            sqlx::query(
                "UPDATE users SET api_calls_used = api_calls_used + 1 WHERE id = $1 \
             RETURNING api_calls_used",
            )
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?
        }
    }
    .map(|r| r.try_get(0))
    .transpose()?;
    let Some(used) = used else {
        sqlx::query(
            "UPDATE rate_windows SET hits = hits - 1 WHERE subject = $1 AND window_start = $2",
        )
        .bind(&a.subject)
        .bind(a.window_start)
        .execute(&mut **tx)
        .await?;
        let used: Option<i64> =
            sqlx::query_scalar("SELECT api_calls_used FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut **tx)
                .await?;
        return Ok(Admitted::QuotaExhausted {
            used: used.unwrap_or(0),
        });
    };
    if let Some(level) = crate::domain::warning_level(used, a.quota) {
        let raised = sqlx::query(
            "UPDATE users SET rate_limit_warning_sent = $1 \
             WHERE id = $2 AND rate_limit_warning_sent < $1",
        )
        .bind(level)
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if raised == 1 {
            let w = (a.warning)(level);
            super::notifications::insert(
                &mut **tx,
                super::notifications::NewNotification {
                    user_id,
                    kind: if level >= 100 {
                        "quota_exhausted"
                    } else {
                        "quota_warning"
                    },
                    title: &w.title,
                    body: &w.body,
                    link: Some(&w.link),
                },
                now,
            )
            .await?;
            super::outbox::queue_mail_with(&mut **tx, &w.email, &w.mail_subject, &w.mail_body, now)
                .await?;
        }
    }
    insert_event(&mut **tx, &a.event).await?;
    sqlx::query(
        "INSERT INTO usage_daily (user_id, day, tool, client_name, calls) VALUES ($1, $2, $3, $4, 1) \
         ON CONFLICT (user_id, day, tool, client_name) DO UPDATE SET calls = usage_daily.calls + 1",
    )
    .bind(user_id)
    .bind(&a.day)
    .bind(a.event.tool.as_deref().unwrap_or(""))
    .bind(&a.event.client_name)
    .execute(&mut **tx)
    .await?;
    Ok(Admitted::Yes { hits, used })
}

async fn insert_event<'e, E>(e: E, ev: &NewEvent) -> Result<(), DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO usage_events (id, user_id, api_key_id, connection_id, division, method, tool, \
         status, reason, latency_ms, client_name, client_version, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&ev.id)
    .bind(&ev.user_id)
    .bind(&ev.api_key_id)
    .bind(ev.connection_id.as_deref())
    .bind(ev.division)
    .bind(&ev.method)
    .bind(ev.tool.as_deref())
    .bind(ev.status.as_str())
    .bind(ev.reason.as_deref())
    .bind(ev.latency_ms)
    .bind(&ev.client_name)
    .bind(&ev.client_version)
    .bind(ev.created_at)
    .execute(e)
    .await?;
    Ok(())
}

/// How an admitted call ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub event_id: String,
    pub user_id: String,
    pub day: String,
    pub tool: String,
    pub client_name: String,
    pub status: CallStatus,
    pub reason: Option<String>,
    pub latency_ms: i64,
    pub connection_id: Option<String>,
    pub division: Option<i64>,
}

/// What the recorder writes in batches.
#[derive(Debug, Clone)]
pub enum Record {
    /// The outcome of an admitted (counted) call.
    Outcome(Outcome),
    /// A request that was not admitted as a counted call: a protocol message, or a counted call
    /// refused by a limit (which also adds to the day's `rejected`).
    Event { event: NewEvent, day: String },
}

/// Writes a batch in one transaction.
pub async fn write_batch(db: &Db, batch: &[Record]) -> Result<(), DbError> {
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    for record in batch {
        match record {
            Record::Outcome(o) => {
                sqlx::query(
                    "UPDATE usage_events SET status = $1, reason = $2, latency_ms = $3, \
                     connection_id = COALESCE($4, connection_id), division = COALESCE($5, division) \
                     WHERE id = $6",
                )
                .bind(o.status.as_str())
                .bind(o.reason.as_deref())
                .bind(o.latency_ms)
                .bind(o.connection_id.as_deref())
                .bind(o.division)
                .bind(&o.event_id)
                .execute(&mut *tx)
                .await?;
                let failed = matches!(o.status, CallStatus::ToolError | CallStatus::Error);
                sqlx::query(
                    "UPDATE usage_daily SET errors = errors + $1, latency_ms_sum = latency_ms_sum + $2 \
                     WHERE user_id = $3 AND day = $4 AND tool = $5 AND client_name = $6",
                )
                .bind(i64::from(failed))
                .bind(o.latency_ms)
                .bind(&o.user_id)
                .bind(&o.day)
                .bind(&o.tool)
                .bind(&o.client_name)
                .execute(&mut *tx)
                .await?;
            }
            Record::Event { event, day } => {
                insert_event(&mut *tx, event).await?;
                if event.status == CallStatus::Rejected
                    && crate::domain::is_counted_method(&event.method)
                {
                    sqlx::query(
                        "INSERT INTO usage_daily (user_id, day, tool, client_name, rejected) \
                         VALUES ($1, $2, $3, $4, 1) \
                         ON CONFLICT (user_id, day, tool, client_name) \
                         DO UPDATE SET rejected = usage_daily.rejected + 1",
                    )
                    .bind(&event.user_id)
                    .bind(day)
                    .bind(event.tool.as_deref().unwrap_or(""))
                    .bind(&event.client_name)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The conditional upsert: its WHERE makes the increment conditional, and a full window returns
/// no row. On Postgres the conflicting row is locked and the condition re-checked on its latest
/// version, so concurrent calls cannot overshoot.
async fn hit_in<'e, E>(
    e: E,
    subject: &str,
    window_start: i64,
    limit: u32,
) -> Result<Option<i64>, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query(
        "INSERT INTO rate_windows (subject, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (subject, window_start) DO UPDATE SET hits = rate_windows.hits + 1 \
         WHERE rate_windows.hits < $3 RETURNING hits",
    )
    .bind(subject)
    .bind(window_start)
    .bind(i64::from(limit))
    .fetch_optional(e)
    .await?
    .map(|r| r.try_get(0))
    .transpose()?)
}

/// Hits counted in a window so far.
pub async fn window_hits(db: &Db, subject: &str, window_start: i64) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT hits FROM rate_windows WHERE subject = $1 AND window_start = $2")
        .bind(subject)
        .bind(window_start)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
}

/// A user's usage events of one method (the benchmark's accounting check).
pub async fn count_events(db: &Db, user_id: &str, method: &str) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND method = $2")
            .bind(user_id)
            .bind(method)
            .fetch_one(db.pool())
            .await?,
    )
}

/// Counted calls this month.
pub async fn calls_used(db: &Db, user_id: &str) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT api_calls_used FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
}

/// The 30-day chart's days, from the rollups: `(day, calls, errors, rejected)` for every day from
/// `from_day` on that has any row, oldest first. Sums are cast so Postgres answers BIGINT, not
/// NUMERIC.
pub async fn daily_totals(
    db: &Db,
    user_id: &str,
    from_day: &str,
) -> Result<Vec<(String, i64, i64, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT day, CAST(SUM(calls) AS BIGINT), CAST(SUM(errors) AS BIGINT), \
         CAST(SUM(rejected) AS BIGINT) FROM usage_daily \
         WHERE user_id = $1 AND day >= $2 GROUP BY day ORDER BY day",
    )
    .bind(user_id)
    .bind(from_day)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// Which rollup column a breakdown groups by. A closed set, so no caller text reaches the SQL.
#[derive(Debug, Clone, Copy)]
pub enum BreakdownBy {
    Tool,
    Client,
}

/// One breakdown row: `(label, calls, errors, latency_ms_sum)`.
pub type BreakdownRow = (String, i64, i64, i64);

/// Counted calls since `from_day` grouped by tool or by client, busiest first (at most 20 rows).
pub async fn breakdown(
    db: &Db,
    user_id: &str,
    from_day: &str,
    by: BreakdownBy,
) -> Result<Vec<BreakdownRow>, DbError> {
    let sql = match by {
        BreakdownBy::Tool => {
            "SELECT tool, CAST(SUM(calls) AS BIGINT), CAST(SUM(errors) AS BIGINT), \
             CAST(SUM(latency_ms_sum) AS BIGINT) FROM usage_daily \
             WHERE user_id = $1 AND day >= $2 GROUP BY tool HAVING SUM(calls) > 0 \
             ORDER BY 2 DESC, 1 LIMIT 20"
        }
        BreakdownBy::Client => {
            "SELECT client_name, CAST(SUM(calls) AS BIGINT), CAST(SUM(errors) AS BIGINT), \
             CAST(SUM(latency_ms_sum) AS BIGINT) FROM usage_daily \
             WHERE user_id = $1 AND day >= $2 GROUP BY client_name HAVING SUM(calls) > 0 \
             ORDER BY 2 DESC, 1 LIMIT 20"
        }
    };
    let rows = sqlx::query(sql)
        .bind(user_id)
        .bind(from_day)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// A raw event as the dashboard lists it.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub created_at: i64,
    pub method: String,
    pub tool: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub latency_ms: i64,
    pub client_name: String,
    pub division: Option<i64>,
}

/// The user's latest `limit` requests, newest first (ids are time-ordered UUIDv7, so they break
/// ties within a second).
pub async fn recent_events(db: &Db, user_id: &str, limit: i64) -> Result<Vec<EventRow>, DbError> {
    let rows = sqlx::query(
        "SELECT created_at, method, tool, status, reason, latency_ms, client_name, division \
         FROM usage_events WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EventRow {
                created_at: r.try_get(0)?,
                method: r.try_get(1)?,
                tool: r.try_get(2)?,
                status: r.try_get(3)?,
                reason: r.try_get(4)?,
                latency_ms: r.try_get(5)?,
                client_name: r.try_get(6)?,
                division: r.try_get(7)?,
            })
        })
        .collect()
}

/// What [`reset_month`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthReset {
    /// Every user at the time.
    pub users: i64,
    /// Users whose counter or warning level went back to 0.
    pub changed: u64,
}

/// Sets every user's monthly counter and quota warning level back to 0, in one transaction
/// (all users or none).
pub async fn reset_month(db: &Db, now: i64) -> Result<MonthReset, DbError> {
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
    Ok(MonthReset { users, changed })
}

/// Deletes raw usage events older than `before` (the daily rollups stay); how many went.
pub async fn delete_events_before(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let done = sqlx::query("DELETE FROM usage_events WHERE created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// Deletes rate windows that started before `before` (every window is an hour or shorter).
pub async fn delete_windows_before(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM rate_windows WHERE window_start < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
