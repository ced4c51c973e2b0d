//! The `tickets` table: problems the service raises for a person and the admins to act on (a
//! connection whose refresh token is about to expire, …).

use super::{Db, DbError};

pub struct NewTicket<'a> {
    pub user_id: &'a str,
    pub connection_id: Option<&'a str>,
    pub kind: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Opens a ticket; on any executor, so it can join the transaction of the change it reports.
pub async fn insert<'e, E>(e: E, t: NewTicket<'_>, now: i64) -> Result<(), DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO tickets (id, user_id, connection_id, kind, subject, body, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(t.user_id)
    .bind(t.connection_id)
    .bind(t.kind)
    .bind(t.subject)
    .bind(t.body)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

/// An open ticket with its owner's address (empty when the account is gone).
#[derive(Debug, Clone)]
pub struct OpenTicket {
    pub kind: String,
    pub subject: String,
    pub user_email: String,
    pub created_at: i64,
}

/// The newest open tickets, newest first.
pub async fn open(db: &Db, limit: i64) -> Result<Vec<OpenTicket>, DbError> {
    let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT t.kind, t.subject, u.email, t.created_at FROM tickets t \
         LEFT JOIN users u ON u.id = t.user_id WHERE t.status = 'open' \
         ORDER BY t.created_at DESC, t.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, subject, email, created_at)| OpenTicket {
            kind,
            subject,
            user_email: email.unwrap_or_default(),
            created_at,
        })
        .collect())
}
