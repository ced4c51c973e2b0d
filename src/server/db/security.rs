//! Login attempts (for throttling), password-reset tokens, the mail outbox and the audit log.

use super::{Db, DbError};
use sqlx::Row;

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub async fn record_failed_login(db: &Db, email: &str, ip: &str, now: i64) -> Result<(), DbError> {
    sqlx::query("INSERT INTO login_attempts (id, email, ip, succeeded, created_at) VALUES ($1, $2, $3, 0, $4)")
        .bind(new_id())
        .bind(email)
        .bind(ip)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Failed attempts since `since` for this email and for this IP address.
pub async fn failed_logins(
    db: &Db,
    email: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, i64), DbError> {
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
pub async fn clear_failed_logins(db: &Db, email: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_attempts WHERE email = $1")
        .bind(email)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// After a password reset the account's owner is back in control: clear its failures.
pub async fn clear_failed_logins_for_user(db: &Db, user_id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_attempts WHERE email = (SELECT email FROM users WHERE id = $1)")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn insert_password_reset(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Marks a reset token used, atomically; returns its user when it was unused and unexpired.
pub async fn consume_password_reset(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, DbError> {
    let row = sqlx::query(
        "UPDATE password_resets SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Deletes the reset tokens expired at `now` (used or not).
pub async fn delete_expired_password_resets(db: &Db, now: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM password_resets WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

pub async fn insert_email_change(
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
pub async fn consume_email_change(
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
pub async fn delete_expired_email_changes(db: &Db, now: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM email_changes WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

pub async fn set_password_hash(
    db: &Db,
    user_id: &str,
    hash: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn queue_mail(
    db: &Db,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<String, DbError> {
    queue_mail_with(db.pool(), to, subject, body, now).await
}

/// [`queue_mail`] on any executor: inside a transaction, the mail is queued exactly when the
/// change it reports commits.
pub async fn queue_mail_with<'e, E>(
    e: E,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<String, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id = new_id();
    sqlx::query("INSERT INTO email_outbox (id, to_address, subject, body_text, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(now)
        .execute(e)
        .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: i64,
}

pub async fn latest_mail(db: &Db, limit: i64) -> Result<Vec<OutboxMail>, DbError> {
    let rows = sqlx::query(
        "SELECT id, to_address, subject, body_text, created_at FROM email_outbox ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxMail {
                id: r.try_get(0)?,
                to_address: r.try_get(1)?,
                subject: r.try_get(2)?,
                body_text: r.try_get(3)?,
                created_at: r.try_get(4)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub struct AuditEntry<'a> {
    pub actor_user_id: Option<&'a str>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub detail: serde_json::Value,
    pub ip: &'a str,
}

pub async fn audit(db: &Db, e: AuditEntry<'_>, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_log (id, actor_user_id, action, target_type, target_id, detail, ip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
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
