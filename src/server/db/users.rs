//! The `users` table.

use super::{Db, DbError};
use crate::domain::{AccountStatus, Email, Plan, Role, UserSearch};
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

/// One account in the admin list: the user, this month's counted calls, and whether one of its
/// connections needs a new Exact consent.
#[derive(Debug, Clone)]
pub struct ListedUser {
    pub user: UserRow,
    pub calls_used: i64,
    pub needs_reconsent: bool,
}

/// The filter of [`search`] and [`count`], one static text with every value bound:
/// $1 text ('' for any) and $2 its LIKE pattern, $3 plan, $4 status, $5 role ('admin', 'user' or
/// ''), $6 the `ADMIN_EMAILS` list as `,a@x,b@y,` (the role rule of `accounts::role_of`: granted
/// in the row, or listed and verified), $7 1 for "needs a new consent only".
macro_rules! users_where {
    () => {
        "WHERE ($1 = '' OR lower(email) LIKE $2 ESCAPE '\\' OR lower(display_name) LIKE $2 ESCAPE '\\') \
         AND ($3 = '' OR plan = $3) \
         AND ($4 = '' OR status = $4) \
         AND ($5 = '' OR $5 = CASE WHEN role = 'admin' OR (email_verified_at IS NOT NULL AND $6 LIKE \
             '%,' || REPLACE(REPLACE(REPLACE(email, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || ',%' ESCAPE '\\') \
             THEN 'admin' ELSE 'user' END) \
         AND ($7 = 0 OR EXISTS (SELECT 1 FROM connections c WHERE c.user_id = users.id AND c.status = 'needs_reauth')) "
    };
}

/// The bound values of [`users_where!`] for a search.
struct Filter {
    text: String,
    pattern: String,
    plan: String,
    status: String,
    role: String,
    admins: String,
    reconsent: i64,
}

impl Filter {
    fn of(search: &UserSearch, admin_emails: &[String]) -> Filter {
        let text = search.text.clone().unwrap_or_default();
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Filter {
            pattern: format!("%{escaped}%"),
            text,
            plan: search
                .plan
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            status: search
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            role: search
                .role
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
            admins: format!(",{},", admin_emails.join(",").to_lowercase()),
            reconsent: i64::from(search.needs_reconsent),
        }
    }
}

/// One page of the accounts a search finds, in its order.
pub async fn search(
    db: &Db,
    search: &UserSearch,
    admin_emails: &[String],
    per_page: i64,
) -> Result<Vec<ListedUser>, DbError> {
    let f = Filter::of(search, admin_emails);
    let rows = sqlx::query(concat!(
        "SELECT id, email, password_hash, display_name, role, plan, status, locale, created_at, \
         email_verified_at, api_calls_used, \
         CASE WHEN EXISTS (SELECT 1 FROM connections c WHERE c.user_id = users.id \
         AND c.status = 'needs_reauth') THEN 1 ELSE 0 END AS needs_reconsent FROM users ",
        users_where!(),
        "ORDER BY CASE WHEN $8 = 'email' THEN email END ASC, \
         CASE WHEN $8 = 'usage' THEN api_calls_used END DESC, \
         CASE WHEN $8 = 'oldest' THEN created_at END ASC, \
         created_at DESC, id DESC LIMIT $9 OFFSET $10"
    ))
    .bind(&f.text)
    .bind(&f.pattern)
    .bind(&f.plan)
    .bind(&f.status)
    .bind(&f.role)
    .bind(&f.admins)
    .bind(f.reconsent)
    .bind(search.sort.as_str())
    .bind(per_page)
    .bind(i64::from(search.page) * per_page)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ListedUser {
                user: from_row(r)?,
                calls_used: r.try_get("api_calls_used")?,
                needs_reconsent: r.try_get::<i64, _>("needs_reconsent")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// How many accounts a search finds in all.
pub async fn count(db: &Db, search: &UserSearch, admin_emails: &[String]) -> Result<i64, DbError> {
    let f = Filter::of(search, admin_emails);
    Ok(
        sqlx::query_scalar(concat!("SELECT COUNT(*) FROM users ", users_where!()))
            .bind(&f.text)
            .bind(&f.pattern)
            .bind(&f.plan)
            .bind(&f.status)
            .bind(&f.role)
            .bind(&f.admins)
            .bind(f.reconsent)
            .fetch_one(db.pool())
            .await?,
    )
}

/// This month's counter and quota warning level before a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageBefore {
    pub calls_used: i64,
    pub warning_level: i64,
}

/// Sets one account's monthly counter and warning level back to 0 and returns what they were
/// (read and written in one transaction, the row locked on Postgres); `None` without the account.
pub async fn reset_usage(db: &Db, id: &str, now: i64) -> Result<Option<UsageBefore>, DbError> {
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    if !lock(db, &mut tx, id).await? {
        return Ok(None);
    }
    let row =
        sqlx::query("SELECT api_calls_used, rate_limit_warning_sent FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let before = UsageBefore {
        calls_used: row.try_get(0)?,
        warning_level: row.try_get(1)?,
    };
    sqlx::query(
        "UPDATE users SET api_calls_used = 0, rate_limit_warning_sent = 0, updated_at = $1 \
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(before))
}

/// Holds the account's row until the transaction ends, so checks and writes made about this
/// account inside it are not interleaved with another request's (on SQLite the write
/// transaction already excludes every other writer). False when the account is gone.
pub async fn lock(db: &Db, tx: &mut super::Tx, id: &str) -> Result<bool, DbError> {
    let sql = match db.backend() {
        super::Backend::Postgres => "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        super::Backend::Sqlite => "SELECT id FROM users WHERE id = $1",
    };
    let found: Option<String> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}
