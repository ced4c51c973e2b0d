//! The `users` table.

use super::{Db, DbError};
use crate::domain::{AccountStatus, Email, Plan, Role};
use sqlx::{Row, any::AnyRow};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub role: Role,
    pub plan: Plan,
    pub status: AccountStatus,
    pub locale: String,
    pub created_at: i64,
    /// When the address was last proven to be the account's (a mailed link was used, Exact
    /// vouched for it, or an operator created the account); `None` while it is only claimed.
    pub email_verified_at: Option<i64>,
}

pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: Option<&'a str>,
    pub display_name: &'a str,
    pub role: Role,
    pub plan: Plan,
    pub email_verified_at: Option<i64>,
}

/// `SELECT <every column> FROM users <filter>` as one static string: no text is ever spliced in.
macro_rules! select_users {
    ($filter:literal) => {
        concat!(
            "SELECT id, email, password_hash, display_name, role, plan, status, locale, created_at, email_verified_at FROM users ",
            $filter
        )
    };
}

/// Reads a user from any row that has the user columns under their own names.
pub(super) fn from_row(r: &AnyRow) -> Result<UserRow, sqlx::Error> {
    let plan: String = r.try_get("plan")?;
    Ok(UserRow {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        password_hash: r.try_get("password_hash")?,
        display_name: r.try_get("display_name")?,
        role: Role::from_stored(&r.try_get::<String, _>("role")?),
        // A plan this binary does not know gets the smallest limits rather than none.
        plan: plan.parse().unwrap_or(Plan::Free),
        status: AccountStatus::from_stored(&r.try_get::<String, _>("status")?),
        locale: r.try_get("locale")?,
        created_at: r.try_get("created_at")?,
        email_verified_at: r.try_get("email_verified_at")?,
    })
}

/// Inserts a user; `Ok(None)` when the email is already taken.
pub async fn insert(db: &Db, new: NewUser<'_>, now: i64) -> Result<Option<UserRow>, DbError> {
    let id = uuid::Uuid::now_v7().to_string();
    let result = sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, role, plan, status, created_at, updated_at, email_verified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $7, $8) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&id)
    .bind(new.email.as_str())
    .bind(new.password_hash)
    .bind(new.display_name)
    .bind(new.role.as_str())
    .bind(new.plan.as_str())
    .bind(now)
    .bind(new.email_verified_at)
    .execute(db.pool())
    .await?;
    if result.rows_affected() == 0 {
        return Ok(None);
    }
    by_id(db, &id).await
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<UserRow>, DbError> {
    let row = sqlx::query(select_users!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub async fn by_email(db: &Db, email: &Email) -> Result<Option<UserRow>, DbError> {
    let row = sqlx::query(select_users!("WHERE email = $1"))
        .bind(email.as_str())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Returns false when no user has that email.
pub async fn set_plan(db: &Db, email: &Email, plan: Plan, now: i64) -> Result<bool, DbError> {
    let result = sqlx::query("UPDATE users SET plan = $1, updated_at = $2 WHERE email = $3")
        .bind(plan.as_str())
        .bind(now)
        .bind(email.as_str())
        .execute(db.pool())
        .await?;
    db.callers_changed().await;
    Ok(result.rows_affected() > 0)
}

/// Stores a new password hash (after a reset or a change).
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

pub async fn email_of(db: &Db, id: &str) -> Result<Option<String>, DbError> {
    let row = sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Gives a user a new (verified) address. Returns false when another account has it.
pub async fn set_email(db: &Db, id: &str, email: &Email, now: i64) -> Result<bool, DbError> {
    let result = sqlx::query(
        "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 \
         WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM users WHERE email = $1)",
    )
    .bind(email.as_str())
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await;
    db.callers_changed().await;
    match result {
        Ok(r) => Ok(r.rows_affected() > 0),
        // Lost a race with a registration of the same address.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Every user, newest first, for the admin panel.
pub async fn list(db: &Db, limit: i64, offset: i64) -> Result<Vec<UserRow>, DbError> {
    let rows = sqlx::query(select_users!(
        "ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// Sets a user's status; returns their id, or `None` when no user has that email.
pub async fn set_status(
    db: &Db,
    email: &Email,
    status: AccountStatus,
    now: i64,
) -> Result<Option<String>, DbError> {
    let row =
        sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE email = $3 RETURNING id")
            .bind(status.as_str())
            .bind(now)
            .bind(email.as_str())
            .fetch_optional(db.pool())
            .await?;
    db.callers_changed().await;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The account bound to an Exact user ("Sign in with Exact").
pub async fn by_exact_user_id(db: &Db, exact_user_id: &str) -> Result<Option<UserRow>, DbError> {
    let row = sqlx::query(select_users!("WHERE exact_user_id = $1"))
        .bind(exact_user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Binds an Exact user to the account unless the account already has one or another account
/// holds that Exact user. True when the binding was made.
pub async fn bind_exact_user(
    db: &Db,
    id: &str,
    exact_user_id: &str,
    now: i64,
) -> Result<bool, DbError> {
    let changed = sqlx::query(
        "UPDATE users SET exact_user_id = $1, updated_at = $2 WHERE id = $3 AND exact_user_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM users o WHERE o.exact_user_id = $1)",
    )
    .bind(exact_user_id)
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Records that the account's current address was proven now (kept when it already was).
pub async fn mark_verified(db: &Db, id: &str, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Removes the account's "Sign in with Exact" binding. True when there was one.
pub async fn unbind_exact_user(db: &Db, id: &str, now: i64) -> Result<bool, DbError> {
    let changed = sqlx::query(
        "UPDATE users SET exact_user_id = NULL, updated_at = $2 \
         WHERE id = $1 AND exact_user_id IS NOT NULL",
    )
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Removes the "Sign in with Exact" binding when the account no longer holds a connection of
/// that Exact user. True when it was removed.
pub async fn unbind_exact_user_without_connection(
    db: &Db,
    id: &str,
    now: i64,
) -> Result<bool, DbError> {
    let changed = sqlx::query(
        "UPDATE users SET exact_user_id = NULL, updated_at = $2 \
         WHERE id = $1 AND exact_user_id IS NOT NULL AND NOT EXISTS \
           (SELECT 1 FROM connections c WHERE c.user_id = users.id AND c.exact_user_id = users.exact_user_id)",
    )
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(changed == 1)
}
