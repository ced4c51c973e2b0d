//! The shared version numbers behind the per-process caches (`cache_versions`): a writer bumps
//! one after its change is committed; each replica polls them and drops what it remembered.

use super::{Db, DbError};
use sqlx::Row;

/// The row of the authenticated-caller cache (keys, accounts, connections, divisions).
pub const CALLERS: &str = "callers";

/// The current version of `name` (0 when the row is missing).
pub async fn read(db: &Db, name: &str) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT version FROM cache_versions WHERE name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
}

/// Moves `name` on, so that every replica drops what it remembered under it.
pub async fn bump(db: &Db, name: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE cache_versions SET version = version + 1 WHERE name = $1")
        .bind(name)
        .execute(db.pool())
        .await?;
    Ok(())
}
