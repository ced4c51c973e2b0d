//! The `job_runs` table: one row per job and slot. The row is the claim: whoever inserts
//! `(job, slot)` first runs it; everyone else sees the conflict and does nothing. A run whose
//! runner died (still `running`, lease expired) or that failed as a whole (`failed`, retry
//! lease expired) may be taken over by one conditional UPDATE, which again only one replica wins.

use super::{Db, DbError};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub id: String,
    pub job: String,
    pub slot: String,
    pub status: String,
    pub runner: String,
    pub lease_expires_at: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub processed: i64,
    pub failed: i64,
    pub message: String,
}

/// How a run ended.
pub struct Finished<'a> {
    pub status: &'a str,
    pub processed: i64,
    pub failed: i64,
    pub message: &'a str,
    /// `failed` runs may be retried in the same slot after this moment; others never are.
    pub retry_after: i64,
}

/// Claims `(job, slot)` for `runner` with a lease until `lease_until`; the run's id when this
/// caller won, `None` when another runner has (or had) it.
pub async fn claim(
    db: &Db,
    job: &str,
    slot: &str,
    runner: &str,
    now: i64,
    lease_until: i64,
) -> Result<Option<String>, DbError> {
    let _turn = db.write_turn().await;
    let id = uuid::Uuid::now_v7().to_string();
    let inserted = sqlx::query(
        "INSERT INTO job_runs (id, job, slot, status, runner, lease_expires_at, started_at) \
         VALUES ($1, $2, $3, 'running', $4, $5, $6) ON CONFLICT (job, slot) DO NOTHING",
    )
    .bind(&id)
    .bind(job)
    .bind(slot)
    .bind(runner)
    .bind(lease_until)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Some(id));
    }
    // A crashed runner's run, or a failed run whose retry time has come: one replica takes it.
    let taken: Option<String> = sqlx::query_scalar(
        "UPDATE job_runs SET status = 'running', runner = $1, lease_expires_at = $2, \
         started_at = $3, finished_at = NULL, processed = 0, failed = 0, message = '' \
         WHERE job = $4 AND slot = $5 AND status IN ('running', 'failed') AND lease_expires_at < $3 \
         RETURNING id",
    )
    .bind(runner)
    .bind(lease_until)
    .bind(now)
    .bind(job)
    .bind(slot)
    .fetch_optional(db.pool())
    .await?;
    Ok(taken)
}

/// Whether `(job, slot)` needs nobody: it exists and is neither a crashed nor a retryable run.
/// A cheap read before [`claim`], so idle sweeps do not write.
pub async fn settled(db: &Db, job: &str, slot: &str, now: i64) -> Result<bool, DbError> {
    let row =
        sqlx::query("SELECT status, lease_expires_at FROM job_runs WHERE job = $1 AND slot = $2")
            .bind(job)
            .bind(slot)
            .fetch_optional(db.pool())
            .await?;
    Ok(match row {
        None => false,
        Some(r) => {
            let status: String = r.try_get(0)?;
            let lease: i64 = r.try_get(1)?;
            !(matches!(status.as_str(), "running" | "failed") && lease < now)
        }
    })
}

/// Records the end of the run `id` (only while `runner` still holds it).
pub async fn finish(
    db: &Db,
    id: &str,
    runner: &str,
    now: i64,
    f: Finished<'_>,
) -> Result<bool, DbError> {
    let _turn = db.write_turn().await;
    let updated = sqlx::query(
        "UPDATE job_runs SET status = $1, finished_at = $2, processed = $3, failed = $4, \
         message = $5, lease_expires_at = $6 WHERE id = $7 AND runner = $8",
    )
    .bind(f.status)
    .bind(now)
    .bind(f.processed)
    .bind(f.failed)
    .bind(f.message)
    .bind(f.retry_after)
    .bind(id)
    .bind(runner)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(updated == 1)
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<JobRun, sqlx::Error> {
    Ok(JobRun {
        id: r.try_get(0)?,
        job: r.try_get(1)?,
        slot: r.try_get(2)?,
        status: r.try_get(3)?,
        runner: r.try_get(4)?,
        lease_expires_at: r.try_get(5)?,
        started_at: r.try_get(6)?,
        finished_at: r.try_get(7)?,
        processed: r.try_get(8)?,
        failed: r.try_get(9)?,
        message: r.try_get(10)?,
    })
}

const COLUMNS: &str = "id, job, slot, status, runner, lease_expires_at, started_at, finished_at, \
                       processed, failed, message";

/// The newest runs of one job, newest first.
pub async fn recent(db: &Db, job: &str, limit: i64) -> Result<Vec<JobRun>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM job_runs WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(job)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(from_row)
        .collect::<Result<_, _>>()
        .map_err(Into::into)
}

/// One run by id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<JobRun>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM job_runs WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose().map_err(Into::into)
}

/// Deletes finished runs (anything but `running`) started before `before`.
pub async fn delete_finished_before(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM job_runs WHERE started_at < $1 AND status <> 'running'")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
