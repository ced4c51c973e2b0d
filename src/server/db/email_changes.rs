//! The `email_changes` table: single-use links that confirm a new email address, stored as
//! hashes with the address they confirm.

use super::{Db, DbError};
use sqlx::Row;

pub async fn insert(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    new_email: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(user_id)
        .bind(new_email)
        .bind(now)
        .bind(expires_at)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Marks an email-change token used, atomically; returns (user id, new address) when it was
/// unused and unexpired.
pub async fn consume(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<(String, String)>, DbError> {
    let row = sqlx::query(
        "UPDATE email_changes SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id, new_email",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(row
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?)
}

/// Deletes the email-change tokens expired at `now` (used or not).
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM email_changes WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// Deletes every pending email change of the user (sign out everywhere, a password reset).
pub async fn delete_for_user(db: &Db, user_id: &str) -> Result<u64, DbError> {
    let r = sqlx::query("DELETE FROM email_changes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
