//! The `tickets` and `ticket_replies` tables: problems the service raises for a person (a
//! connection whose refresh token is about to expire, …) and questions people ask, worked on by
//! the admins (status, assignment, an internal note) and answered with replies.

use super::{Db, DbError};
use sqlx::{Row, any::AnyRow};

pub struct NewTicket<'a> {
    pub user_id: &'a str,
    pub connection_id: Option<&'a str>,
    pub kind: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Opens a ticket and returns its id; on any executor, so it can join the transaction of the
/// change it reports.
pub async fn insert<'e, E>(e: E, t: NewTicket<'_>, now: i64) -> Result<String, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO tickets (id, user_id, connection_id, kind, subject, body, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7)",
    )
    .bind(&id)
    .bind(t.user_id)
    .bind(t.connection_id)
    .bind(t.kind)
    .bind(t.subject)
    .bind(t.body)
    .bind(now)
    .execute(e)
    .await?;
    Ok(id)
}

/// How many tickets of this kind the person opened after `since`.
pub async fn count_opened_since<'e, E>(
    e: E,
    user_id: &str,
    kind: &str,
    since: i64,
) -> Result<i64, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE user_id = $1 AND kind = $2 AND created_at > $3",
    )
    .bind(user_id)
    .bind(kind)
    .bind(since)
    .fetch_one(e)
    .await?;
    Ok(n)
}

/// A ticket with its owner's and assignee's addresses (empty when the account is gone).
#[derive(Debug, Clone)]
pub struct TicketRow {
    pub id: String,
    pub user_id: String,
    pub user_email: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub assigned_to: Option<String>,
    pub assigned_email: Option<String>,
    pub internal_note: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT_TICKETS: &str = "SELECT t.id, COALESCE(t.user_id, '') AS user_id, \
     COALESCE(u.email, '') AS user_email, t.kind, t.subject, t.body, t.status, t.assigned_to, \
     a.email AS assigned_email, t.internal_note, t.created_at, t.updated_at FROM tickets t \
     LEFT JOIN users u ON u.id = t.user_id LEFT JOIN users a ON a.id = t.assigned_to ";

fn ticket_of(r: &AnyRow) -> Result<TicketRow, sqlx::Error> {
    Ok(TicketRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        user_email: r.try_get("user_email")?,
        kind: r.try_get("kind")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        status: r.try_get("status")?,
        assigned_to: r.try_get("assigned_to")?,
        assigned_email: r.try_get("assigned_email")?,
        internal_note: r.try_get("internal_note")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn tickets_of(rows: &[AnyRow]) -> Result<Vec<TicketRow>, DbError> {
    rows.iter()
        .map(ticket_of)
        .collect::<Result<_, _>>()
        .map_err(Into::into)
}

/// Which tickets a list shows: a status (`''` for any) and an owner (`''` for anyone).
pub struct TicketFilter<'a> {
    pub status: &'a str,
    pub user_id: &'a str,
}

/// One page of the tickets the filter finds, newest first.
pub async fn list(
    db: &Db,
    f: &TicketFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<TicketRow>, DbError> {
    let sql = format!(
        "{SELECT_TICKETS} WHERE ($1 = '' OR t.status = $1) AND ($2 = '' OR t.user_id = $2) \
         ORDER BY t.created_at DESC, t.id DESC LIMIT $3 OFFSET $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(f.status)
        .bind(f.user_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.pool())
        .await?;
    tickets_of(&rows)
}

/// How many tickets the filter finds.
pub async fn count(db: &Db, f: &TicketFilter<'_>) -> Result<i64, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets t WHERE ($1 = '' OR t.status = $1) \
         AND ($2 = '' OR t.user_id = $2)",
    )
    .bind(f.status)
    .bind(f.user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

/// Tickets not yet resolved.
pub async fn count_unresolved(db: &Db) -> Result<i64, DbError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE status <> 'resolved'")
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<TicketRow>, DbError> {
    let sql = format!("{SELECT_TICKETS} WHERE t.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(ticket_of).transpose()?)
}

/// What an admin sets on a ticket.
pub struct TicketUpdate<'a> {
    pub status: &'a str,
    pub internal_note: &'a str,
    pub assigned_to: Option<&'a str>,
}

/// Sets a ticket's status, note and assignee; false when it is gone.
pub async fn update<'e, E>(e: E, id: &str, u: TicketUpdate<'_>, now: i64) -> Result<bool, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let changed = sqlx::query(
        "UPDATE tickets SET status = $1, internal_note = $2, assigned_to = $3, updated_at = $4 \
         WHERE id = $5",
    )
    .bind(u.status)
    .bind(u.internal_note)
    .bind(u.assigned_to)
    .bind(now)
    .bind(id)
    .execute(e)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Adds a reply by `author_user_id` and marks the ticket as touched.
pub async fn insert_reply<'e, E>(
    e: E,
    ticket_id: &str,
    author_user_id: &str,
    body: &str,
    now: i64,
) -> Result<(), DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO ticket_replies (id, ticket_id, author_user_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(ticket_id)
    .bind(author_user_id)
    .bind(body)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

/// A reply with its author's name or address (empty when the account is gone).
#[derive(Debug, Clone)]
pub struct ReplyRow {
    pub ticket_id: String,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// The replies to these tickets, oldest first.
pub async fn replies(db: &Db, ticket_ids: &[String]) -> Result<Vec<ReplyRow>, DbError> {
    let mut out = Vec::new();
    // One query per ticket keeps the SQL static; a page holds at most a few dozen tickets.
    for id in ticket_ids {
        let rows = sqlx::query(
            "SELECT r.ticket_id, COALESCE(NULLIF(u.display_name, ''), u.email, '') AS author, \
             r.body, r.created_at FROM ticket_replies r LEFT JOIN users u ON u.id = r.author_user_id \
             WHERE r.ticket_id = $1 ORDER BY r.created_at, r.id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        for r in rows {
            out.push(ReplyRow {
                ticket_id: r.try_get(0)?,
                author: r.try_get(1)?,
                body: r.try_get(2)?,
                created_at: r.try_get(3)?,
            });
        }
    }
    Ok(out)
}

/// The newest open tickets, newest first.
pub async fn open(db: &Db, limit: i64) -> Result<Vec<TicketRow>, DbError> {
    list(
        db,
        &TicketFilter {
            status: "open",
            user_id: "",
        },
        limit,
        0,
    )
    .await
}
