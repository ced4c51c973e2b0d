//! The `service_settings` table: settings an admin changes while the service runs (the audit
//! retention), by name, over the defaults the environment gives. Read where they apply, so every
//! replica follows a change at its next use.

use super::{Db, DbError};

/// The stored value of a setting, if an admin set one.
pub async fn get(db: &Db, name: &str) -> Result<Option<String>, DbError> {
    let v: Option<String> =
        sqlx::query_scalar("SELECT value FROM service_settings WHERE name = $1")
            .bind(name)
            .fetch_optional(db.pool())
            .await?;
    Ok(v)
}

/// Stores a setting's value, in the caller's transaction; returns the value it replaced.
pub async fn set(
    tx: &mut super::Tx,
    name: &str,
    value: &str,
    now: i64,
) -> Result<Option<String>, DbError> {
    let old: Option<String> =
        sqlx::query_scalar("SELECT value FROM service_settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query(
        "INSERT INTO service_settings (name, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(value)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(old)
}
