//! The `sessions` table. Rows are keyed by the SHA-256 of the cookie token, so a copy of the
//! database does not hold live session cookies.

use super::{
    Db, DbError,
    users::{self, UserRow},
};
use sqlx::Row;

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: &'a str,
    pub now: i64,
    pub idle_expires_at: i64,
    pub absolute_expires_at: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert(db: &Db, s: NewSession<'_>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7)",
    )
    .bind(s.id_hash)
    .bind(s.user_id)
    .bind(s.now)
    .bind(s.idle_expires_at)
    .bind(s.absolute_expires_at)
    .bind(s.ip)
    .bind(s.user_agent)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub struct LiveSession {
    pub id_hash: String,
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
    pub user: UserRow,
}

/// The session and its user, when the session has not expired (idle or absolute) at `now`.
pub async fn live(db: &Db, id_hash: &str, now: i64) -> Result<Option<LiveSession>, DbError> {
    let row = sqlx::query(
        "SELECT s.id AS sid, s.last_seen_at, s.absolute_expires_at, \
                u.id, u.email, u.password_hash, u.display_name, u.role, u.plan, u.status, u.locale, u.created_at, u.email_verified_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2",
    )
    .bind(id_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(LiveSession {
        id_hash: r.try_get("sid")?,
        last_seen_at: r.try_get("last_seen_at")?,
        absolute_expires_at: r.try_get("absolute_expires_at")?,
        user: users::from_row(&r)?,
    }))
}

/// Slides the idle expiry forward (never past the absolute one).
pub async fn touch(db: &Db, id_hash: &str, now: i64, idle_expires_at: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, idle_expires_at = $2 WHERE id = $3")
        .bind(now)
        .bind(idle_expires_at)
        .bind(id_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, id_hash: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends every session of a user ("sign out everywhere", password change, deletion).
pub async fn delete_for_user(db: &Db, user_id: &str) -> Result<u64, DbError> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// Ends every session of a user but the one in use.
pub async fn delete_others_for_user(
    db: &Db,
    user_id: &str,
    keep_id_hash: &str,
) -> Result<u64, DbError> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep_id_hash)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// Deletes the sessions expired (idle or absolute) at `now`; how many went.
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r =
        sqlx::query("DELETE FROM sessions WHERE idle_expires_at < $1 OR absolute_expires_at < $1")
            .bind(now)
            .execute(db.pool())
            .await?;
    Ok(r.rows_affected())
}
