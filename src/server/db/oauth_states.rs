//! OAuth `state` values: stored hashed, bound to one browser, single-use, short-lived.

use super::{Db, DbError};
use sqlx::Row;

pub struct NewState<'a> {
    pub state_hash: &'a str,
    /// Hash of the browser's binding cookie.
    pub binding_hash: &'a str,
    /// Set when the flow adds a connection to a signed-in account.
    pub user_id: Option<&'a str>,
    pub purpose: &'a str,
    pub region: &'a str,
    pub expires_at: i64,
}

pub async fn insert(db: &Db, s: NewState<'_>, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO oauth_states (state_hash, session_id, user_id, purpose, region, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.state_hash)
    .bind(s.binding_hash)
    .bind(s.user_id)
    .bind(s.purpose)
    .bind(s.region)
    .bind(now)
    .bind(s.expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct StateRow {
    pub binding_hash: String,
    pub user_id: Option<String>,
    pub purpose: String,
    pub region: String,
    pub expires_at: i64,
}

/// Removes and returns the state: whatever happens next, it can never be used again.
pub async fn take(db: &Db, state_hash: &str) -> Result<Option<StateRow>, DbError> {
    let row = sqlx::query(
        "DELETE FROM oauth_states WHERE state_hash = $1 \
         RETURNING session_id, user_id, purpose, region, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| -> Result<StateRow, DbError> {
        Ok(StateRow {
            binding_hash: r.try_get(0)?,
            user_id: r.try_get(1)?,
            purpose: r.try_get(2)?,
            region: r.try_get(3)?,
            expires_at: r.try_get(4)?,
        })
    })
    .transpose()
}

/// Deletes the states of flows that were never finished and have expired at `now`.
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM oauth_states WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
