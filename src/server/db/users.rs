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
}

pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: Option<&'a str>,
    pub display_name: &'a str,
    pub role: Role,
    pub plan: Plan,
}

/// `SELECT <every column> FROM users <filter>` as one static string: no text is ever spliced in.
macro_rules! select_users {
    ($filter:literal) => {
        concat!(
            "SELECT id, email, password_hash, display_name, role, plan, status, locale, created_at FROM users ",
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
    })
}

/// Inserts a user; `Ok(None)` when the email is already taken.
pub async fn insert(db: &Db, new: NewUser<'_>, now: i64) -> Result<Option<UserRow>, DbError> {
    let id = uuid::Uuid::now_v7().to_string();
    let result = sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, role, plan, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $7) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&id)
    .bind(new.email.as_str())
    .bind(new.password_hash)
    .bind(new.display_name)
    .bind(new.role.as_str())
    .bind(new.plan.as_str())
    .bind(now)
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
    Ok(result.rows_affected() > 0)
}
