//! Reversible schema migrations (`migrations/NNNN_name.up.sql` / `.down.sql`), embedded in the
//! binary. They run at start and from `exact-mcp migrate`. sqlx takes an advisory lock on
//! Postgres, so replicas starting together apply each migration once.

use super::{Db, DbError};
use sqlx::migrate::{Migrate, MigrationType, Migrator};
use std::collections::HashSet;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub version: i64,
    pub description: String,
    pub applied: bool,
}

/// Versions of the up migrations known to this binary, oldest first.
pub fn known_versions() -> Vec<i64> {
    MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| m.version)
        .collect()
}

pub async fn status(db: &Db) -> Result<Vec<MigrationStatus>, DbError> {
    let applied = applied_versions(db).await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| MigrationStatus {
            version: m.version,
            description: m.description.to_string(),
            applied: applied.contains(&m.version),
        })
        .collect())
}

/// Applies every pending migration; returns the versions applied now.
pub async fn up(db: &Db) -> Result<Vec<i64>, DbError> {
    let before = applied_versions(db).await?;
    MIGRATOR.run(db.pool()).await?;
    let after = applied_versions(db).await?;
    let mut now: Vec<i64> = after.difference(&before).copied().collect();
    now.sort_unstable();
    Ok(now)
}

/// Applies pending migrations up to and including `target`.
pub async fn up_to(db: &Db, target: i64) -> Result<(), DbError> {
    MIGRATOR.run_to(target, db.pool()).await?;
    Ok(())
}

/// Reverts the newest `steps` applied migrations; returns the versions reverted, newest first.
pub async fn down(db: &Db, steps: usize) -> Result<Vec<i64>, DbError> {
    let mut applied: Vec<i64> = applied_versions(db).await?.into_iter().collect();
    applied.sort_unstable();
    let keep = applied.len().saturating_sub(steps);
    let target = if keep == 0 { 0 } else { applied[keep - 1] };
    let reverted: Vec<i64> = applied[keep..].iter().rev().copied().collect();
    if !reverted.is_empty() {
        MIGRATOR.undo(db.pool(), target).await?;
    }
    Ok(reverted)
}

/// Reverts every migration newer than `target` (0 reverts all).
pub async fn down_to(db: &Db, target: i64) -> Result<(), DbError> {
    MIGRATOR.undo(db.pool(), target).await?;
    Ok(())
}

async fn applied_versions(db: &Db) -> Result<HashSet<i64>, DbError> {
    let mut conn = db.pool().acquire().await?;
    conn.ensure_migrations_table(MIGRATOR.table_name.as_ref())
        .await?;
    let applied = conn
        .list_applied_migrations(MIGRATOR.table_name.as_ref())
        .await?;
    Ok(applied.into_iter().map(|m| m.version).collect())
}

/// Every up migration has its down: checked here so a forgotten file fails the build's tests.
pub fn every_up_has_a_down() -> Result<(), String> {
    let ups: HashSet<i64> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type == MigrationType::ReversibleUp)
        .map(|m| m.version)
        .collect();
    let downs: HashSet<i64> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type == MigrationType::ReversibleDown)
        .map(|m| m.version)
        .collect();
    let simple: Vec<i64> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type == MigrationType::Simple)
        .map(|m| m.version)
        .collect();
    if !simple.is_empty() {
        return Err(format!("irreversible migrations: {simple:?}"));
    }
    if ups != downs {
        return Err(format!("up/down mismatch: ups {ups:?}, downs {downs:?}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_is_reversible() {
        super::every_up_has_a_down().unwrap();
        assert!(!super::known_versions().is_empty());
    }
}
