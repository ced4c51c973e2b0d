//! The `audit_log` table: who changed what, from where. Rows are only ever added, and deleted
//! by the clean-up job after `AUDIT_RETENTION_DAYS`.

use super::{Db, DbError};

pub struct AuditEntry<'a> {
    pub actor_user_id: Option<&'a str>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub detail: serde_json::Value,
    pub ip: &'a str,
}

pub async fn insert(db: &Db, e: AuditEntry<'_>, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_log (id, actor_user_id, action, target_type, target_id, detail, ip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(e.actor_user_id)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(e.detail.to_string())
    .bind(e.ip)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Whether a row with this action and target was added after `since`.
pub async fn recorded_since(
    db: &Db,
    action: &str,
    target_id: &str,
    since: i64,
) -> Result<bool, DbError> {
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND target_id = $2 AND created_at > $3",
    )
    .bind(action)
    .bind(target_id)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok(found > 0)
}

/// Deletes the rows added before `before`.
pub async fn delete_before(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM audit_log WHERE created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
