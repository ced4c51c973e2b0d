//! The `audit_log` table: who changed what, from where. Rows are only ever added.

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
