//! The `login_attempts` table: failed password sign-ins, counted per email and per IP address
//! to throttle guessing.

use super::{Db, DbError};
use sqlx::Row;

/// A sign-in attempt counted before its password is checked.
pub struct Reservation {
    pub id: String,
    /// Attempts in the window for this email and for this IP address, this one included.
    pub by_email: i64,
    pub by_ip: i64,
}

/// Records an attempt as failed *before* its password is checked, then counts the window. The
/// row is committed before the count, so of any number of concurrent attempts the n-th to
/// commit sees at least n: no more than the limit can see a count within it. A success clears
/// the email's rows ([`clear_for_email`]); a refused attempt takes its row back ([`release`]).
pub async fn reserve(
    db: &Db,
    email: &str,
    ip: &str,
    now: i64,
    since: i64,
) -> Result<Reservation, DbError> {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query("INSERT INTO login_attempts (id, email, ip, succeeded, created_at) VALUES ($1, $2, $3, 0, $4)")
        .bind(&id)
        .bind(email)
        .bind(ip)
        .bind(now)
        .execute(db.pool())
        .await?;
    let (by_email, by_ip) = failed_since(db, email, ip, since).await?;
    Ok(Reservation {
        id,
        by_email,
        by_ip,
    })
}

/// Takes back a reservation that was refused without checking a password, so hammering a
/// throttled account does not keep it locked beyond its window.
pub async fn release(db: &Db, id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_attempts WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Failed attempts since `since` for this email and for this IP address.
async fn failed_since(db: &Db, email: &str, ip: &str, since: i64) -> Result<(i64, i64), DbError> {
    let row = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND succeeded = 0 AND created_at > $3), \
           (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND succeeded = 0 AND created_at > $3)",
    )
    .bind(email)
    .bind(ip)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// A successful login clears the email's failures (not the IP's: one good account must not
/// unlock guessing at others from the same address).
pub async fn clear_for_email(db: &Db, email: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_attempts WHERE email = $1")
        .bind(email)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// After a password reset the account's owner is back in control: clear its failures.
pub async fn clear_for_user(db: &Db, user_id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_attempts WHERE email = (SELECT email FROM users WHERE id = $1)")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes failures recorded before `before` (long past any throttle window).
pub async fn delete_before(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM login_attempts WHERE created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
