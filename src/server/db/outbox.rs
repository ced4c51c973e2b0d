//! The `email_outbox` table: mail queued by whatever has something to say (in the same request,
//! or the same transaction, as the change it reports), and the background sender's work on it:
//! the due mails, the claim of one delivery attempt (one conditional UPDATE, so only one replica
//! sends it), and the result. A sent mail's body is emptied when it is marked sent; the clean-up
//! job deletes old rows.

use super::{Db, DbError};
use sqlx::Row;

/// A mail waiting for its next attempt.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    /// Attempts made so far.
    pub attempts: i64,
}

/// Unsent mails with fewer than `max_attempts` attempts whose next attempt is due at `now`,
/// oldest first.
pub async fn due(
    db: &Db,
    max_attempts: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<DueMail>, DbError> {
    let rows = sqlx::query(
        "SELECT id, to_address, subject, body_text, attempts FROM email_outbox \
         WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= $2 \
         ORDER BY created_at, id LIMIT $3",
    )
    .bind(max_attempts)
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DueMail {
                id: r.try_get("id")?,
                to_address: r.try_get("to_address")?,
                subject: r.try_get("subject")?,
                body_text: r.try_get("body_text")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Claims the next attempt of `mail` (as read) until `claim_until`; false when another replica
/// claimed it first or it changed meanwhile.
pub async fn claim_attempt(
    db: &Db,
    mail: &DueMail,
    now: i64,
    claim_until: i64,
) -> Result<bool, DbError> {
    let claimed = sqlx::query(
        "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id = $2 AND sent_at IS NULL AND attempts = $3 AND next_attempt_at <= $4",
    )
    .bind(claim_until)
    .bind(&mail.id)
    .bind(mail.attempts)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Marks the mail sent and forgets its body in the same statement: the links it carried
/// (password resets, email changes) do not stay readable in the table.
pub async fn mark_sent(db: &Db, id: &str, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE email_outbox SET sent_at = $1, last_error = NULL, body_text = '' WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records a failed attempt and when the next one may be made.
pub async fn mark_failed(
    db: &Db,
    id: &str,
    error: &str,
    next_attempt_at: i64,
) -> Result<(), DbError> {
    sqlx::query("UPDATE email_outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3")
        .bind(error)
        .bind(next_attempt_at)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes mails sent before `sent_before` and mails never sent that were queued before
/// `queued_before` (given up, or never deliverable).
pub async fn delete_old(db: &Db, sent_before: i64, queued_before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query(
        "DELETE FROM email_outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) \
         OR (sent_at IS NULL AND created_at < $2)",
    )
    .bind(sent_before)
    .bind(queued_before)
    .execute(db.pool())
    .await?;
    Ok(r.rows_affected())
}

/// Queues a mail for the sender; its id.
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
    let id = uuid::Uuid::now_v7().to_string();
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

/// A queued mail as development's `/dev/outbox` shows it.
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: i64,
}

/// The newest mails, sent or not, newest first.
pub async fn latest(db: &Db, limit: i64) -> Result<Vec<OutboxMail>, DbError> {
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
