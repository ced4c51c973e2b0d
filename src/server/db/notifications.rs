//! In-app notifications: what the service tells a person on their dashboard.

use super::DbError;

pub struct NewNotification<'a> {
    pub user_id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
}

pub async fn insert<'e, E>(e: E, n: NewNotification<'_>, now: i64) -> Result<(), DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO notifications (id, user_id, kind, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(n.user_id)
    .bind(n.kind)
    .bind(n.title)
    .bind(n.body)
    .bind(n.link)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

/// A user's latest notifications, newest first, and how many are unread in all.
pub async fn latest(
    db: &super::Db,
    user_id: &str,
    limit: i64,
) -> Result<(i64, Vec<crate::domain::Notification>), DbError> {
    use sqlx::Row;
    let unread: i64 =
        sqlx::query("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?
            .try_get(0)?;
    let rows = sqlx::query(
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            let read_at: Option<i64> = r.try_get(6)?;
            Ok(crate::domain::Notification {
                id: r.try_get(0)?,
                kind: r.try_get(1)?,
                title: r.try_get(2)?,
                body: r.try_get(3)?,
                link: r.try_get(4)?,
                created_at: r.try_get(5)?,
                read: read_at.is_some(),
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok((unread, items))
}

/// Marks every unread notification of the user as read; returns how many changed.
pub async fn mark_all_read(db: &super::Db, user_id: &str, now: i64) -> Result<u64, DbError> {
    Ok(
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}
