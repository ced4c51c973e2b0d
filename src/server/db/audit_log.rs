//! The `audit_log` table: who changed what, from where. Rows are only ever added, and deleted
//! by the clean-up job after the audit retention; searched and exported by the admin panel.

use super::{Db, DbError};
use crate::domain::{AuditRow, AuditSearch};
use sqlx::Row;

pub struct AuditEntry<'a> {
    pub actor_user_id: Option<&'a str>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub detail: serde_json::Value,
    pub ip: &'a str,
}

/// Adds a row; on any executor, so it can join the transaction of the change it records.
pub async fn insert<'e, X>(x: X, e: AuditEntry<'_>, now: i64) -> Result<(), DbError>
where
    X: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (id, actor_user_id, action, target_type, target_id, detail, ip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(e.actor_user_id)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(e.detail.to_string())
    .bind(e.ip)
    .bind(now)
    .execute(x)
    .await?;
    Ok(())
}

/// Whether a row with this action and target was added after `since`.
pub async fn recorded_since(
    db: &Db,
    action: &str,
    target_id: &str,
    since: i64,
) -> Result<bool, DbError> {
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND target_id = $2 AND created_at > $3",
    )
    .bind(action)
    .bind(target_id)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok(found > 0)
}

/// Deletes the rows added before `before`.
pub async fn delete_before(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM audit_log WHERE created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// `FROM audit_log a LEFT JOIN users u … WHERE <the search>`: $1 the actor's address ('' for
/// anyone), $2 the subject ('' for any: a target id, or an address that also matches rows naming
/// that account by id), $3 the action ('' for any), $4/$5 the time range [from, until).
macro_rules! audit_where {
    () => {
        "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
         WHERE ($1 = '' OR u.email = $1) \
         AND ($2 = '' OR a.target_id = $2 OR a.target_id IN (SELECT id FROM users WHERE email = $2)) \
         AND ($3 = '' OR a.action = $3) AND a.created_at >= $4 AND a.created_at < $5 "
    };
}

/// The bound values of [`audit_where!`].
struct Filter<'a> {
    actor: &'a str,
    subject: &'a str,
    action: &'a str,
    from: i64,
    until: i64,
}

impl<'a> Filter<'a> {
    fn of(s: &'a AuditSearch) -> Filter<'a> {
        Filter {
            actor: s.actor.as_deref().unwrap_or_default(),
            subject: s.subject.as_deref().unwrap_or_default(),
            action: s.action.as_deref().unwrap_or_default(),
            from: s.from.unwrap_or(i64::MIN),
            until: s.until.unwrap_or(i64::MAX),
        }
    }
}

/// Up to `limit` rows the search finds from `offset`, newest first.
pub async fn search(
    db: &Db,
    s: &AuditSearch,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, DbError> {
    let f = Filter::of(s);
    let rows = sqlx::query(concat!(
        "SELECT a.created_at, COALESCE(u.email, '') AS actor, a.action, a.target_type, \
         a.target_id, a.detail, a.ip ",
        audit_where!(),
        "ORDER BY a.created_at DESC, a.id DESC LIMIT $6 OFFSET $7"
    ))
    .bind(f.actor)
    .bind(f.subject)
    .bind(f.action)
    .bind(f.from)
    .bind(f.until)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRow {
                created_at: r.try_get(0)?,
                actor: r.try_get(1)?,
                action: r.try_get(2)?,
                target_type: r.try_get(3)?,
                target_id: r.try_get(4)?,
                detail: r.try_get(5)?,
                ip: r.try_get(6)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// How many rows the search finds.
pub async fn count(db: &Db, s: &AuditSearch) -> Result<i64, DbError> {
    let f = Filter::of(s);
    let n: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*) ", audit_where!()))
        .bind(f.actor)
        .bind(f.subject)
        .bind(f.action)
        .bind(f.from)
        .bind(f.until)
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// Rows with one of these actions added at or after `since`.
pub async fn count_actions_since(db: &Db, actions: &[&str], since: i64) -> Result<i64, DbError> {
    let mut total = 0;
    for action in actions {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND created_at >= $2",
        )
        .bind(action)
        .bind(since)
        .fetch_one(db.pool())
        .await?;
        total += n;
    }
    Ok(total)
}

/// When the newest row with this action and target was added.
pub async fn latest_at(db: &Db, action: &str, target_id: &str) -> Result<Option<i64>, DbError> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(created_at) FROM audit_log WHERE action = $1 AND target_id = $2",
    )
    .bind(action)
    .bind(target_id)
    .fetch_one(db.pool())
    .await?;
    Ok(at)
}
