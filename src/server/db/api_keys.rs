//! The `api_keys` and `demo_keys` tables. Only SHA-256 hashes of keys are stored.

use super::{Backend, Db, DbError, users};
use crate::domain::ApiKeySummary;
use sqlx::Row;

pub struct NewKey<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
}

/// Stores a key unless the user already holds `cap` live keys; returns whether it was stored.
/// The count and the insert happen under the write lock (SQLite) or the user's row lock
/// (Postgres), so two replicas cannot both slip past the cap.
pub async fn insert_within_cap(
    db: &Db,
    key: NewKey<'_>,
    cap: Option<u32>,
    now: i64,
) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(key.user_id)
            .fetch_optional(&mut *tx)
            .await?;
    }
    if let Some(cap) = cap {
        let live: i64 =
            sqlx::query("SELECT COUNT(*) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL")
                .bind(key.user_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
        if live >= i64::from(cap) {
            return Ok(false);
        }
    }
    sqlx::query(
        "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(key.id)
    .bind(key.user_id)
    .bind(key.name)
    .bind(key.prefix)
    .bind(key.key_hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The user's live keys, newest first.
pub async fn list_for_user(db: &Db, user_id: &str) -> Result<Vec<ApiKeySummary>, DbError> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, created_at, last_used_at FROM api_keys \
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiKeySummary {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                prefix: r.try_get(2)?,
                created_at: r.try_get(3)?,
                last_used_at: r.try_get(4)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Revokes one of the user's keys; false when the user has no such live key.
pub async fn revoke(db: &Db, user_id: &str, key_id: &str, now: i64) -> Result<bool, DbError> {
    let result = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(key_id)
    .bind(user_id)
    .execute(db.pool())
    .await?;
    db.callers_changed().await;
    Ok(result.rows_affected() == 1)
}

/// A live key and the account it belongs to.
#[derive(Debug, Clone)]
pub struct KeyOwner {
    /// The API key's id, or the grant's for a connected app's access token.
    pub key_id: String,
    pub last_used_at: Option<i64>,
    pub user: users::UserRow,
    /// A connected app's name (its access tokens are not API keys); `None` for an API key.
    pub app: Option<String>,
}

/// The owner of the live key with this hash.
pub async fn owner_of(db: &Db, key_hash: &str) -> Result<Option<KeyOwner>, DbError> {
    let row = sqlx::query(
        "SELECT k.id AS key_id, k.last_used_at AS key_last_used_at, u.id, u.email, \
         u.password_hash, u.display_name, u.role, u.plan, u.status, u.locale, u.created_at, u.email_verified_at \
         FROM api_keys k JOIN users u ON u.id = k.user_id \
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
    )
    .bind(key_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(KeyOwner {
        key_id: r.try_get("key_id")?,
        last_used_at: r.try_get("key_last_used_at")?,
        user: users::from_row(&r)?,
        app: None,
    }))
}

/// Records a key's last use.
pub async fn touch(db: &Db, key_id: &str, now: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(key_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Stores a demo key that stops working at `expires_at`.
pub async fn insert_demo(
    db: &Db,
    id: &str,
    prefix: &str,
    key_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO demo_keys (id, prefix, key_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(prefix)
    .bind(key_hash)
    .bind(now)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The id and expiry of the unexpired demo key with this hash.
pub async fn demo_key(db: &Db, key_hash: &str, now: i64) -> Result<Option<(String, i64)>, DbError> {
    let row =
        sqlx::query("SELECT id, expires_at FROM demo_keys WHERE key_hash = $1 AND expires_at > $2")
            .bind(key_hash)
            .bind(now)
            .fetch_optional(db.pool())
            .await?;
    Ok(row
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?)
}

/// Adds one hit to a fixed window shared by every replica and returns the window's total.
pub async fn hit_window(db: &Db, subject: &str, window_start: i64) -> Result<i64, DbError> {
    let row = sqlx::query(
        "INSERT INTO rate_windows (subject, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (subject, window_start) DO UPDATE SET hits = rate_windows.hits + 1 \
         RETURNING hits",
    )
    .bind(subject)
    .bind(window_start)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get(0)?)
}

/// Deletes the demo keys expired at `now`.
pub async fn delete_expired_demo_keys(db: &Db, now: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM demo_keys WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// Revokes every live key of the user (an account recovery); how many were revoked.
pub async fn revoke_all_for_user(db: &Db, user_id: &str, now: i64) -> Result<u64, DbError> {
    let r = sqlx::query(
        "UPDATE api_keys SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    db.callers_changed().await;
    Ok(r.rows_affected())
}
