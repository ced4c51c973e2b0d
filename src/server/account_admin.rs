//! What an administrator does to someone's account, from the admin panel or the command line:
//! find accounts, reset this month's usage, delete an account, revoke its keys and apps, send it
//! a password reset. One function per action writes
//! the change and its audit row (actor, subject, old and new values), so both edges record the
//! same row. Plan and status changes live beside the other account rules in `accounts`.

use super::{
    accounts::{self, AccountError},
    api_keys::{self, KeyError},
    audit::{self, Actor, Change},
    authorization::{self, AppError},
    clock::Clock,
    db::{
        Db, DbError, account_data, audit_log,
        users::{self, ListedUser, UsageBefore, UserRow},
    },
};
use crate::domain::{Email, Problem, USERS_PER_PAGE, UserSearch};
use serde_json::json;

/// One page of a search, and how many accounts it finds in all.
#[derive(Debug, Clone)]
pub struct UserPage {
    pub users: Vec<ListedUser>,
    pub total: i64,
}

/// The accounts `search` finds: its page ([`USERS_PER_PAGE`] at most) and the total.
pub async fn search(
    db: &Db,
    admin_emails: &[String],
    search: &UserSearch,
) -> Result<UserPage, DbError> {
    let users = users::search(db, search, admin_emails, i64::from(USERS_PER_PAGE)).await?;
    let total = users::count(db, search, admin_emails).await?;
    Ok(UserPage { users, total })
}

/// Sets the account's calls this month and its quota warning level back to 0 (it can call again
/// at once), and records the values it had.
pub async fn reset_usage(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor<'_>,
    user: &UserRow,
) -> Result<UsageBefore, AccountError> {
    let now = clock.now();
    let before = users::reset_usage(db, &user.id, now)
        .await?
        .ok_or(AccountError::NotFound)?;
    audit::record(
        db,
        now,
        actor,
        Change {
            action: "user.reset_usage",
            target_type: "user",
            target_id: &user.email,
            detail: json!({
                "calls_used": { "old": before.calls_used, "new": 0 },
                "warning_level": { "old": before.warning_level, "new": 0 },
            }),
        },
    )
    .await?;
    tracing::info!(target: "security", user_id = %user.id, "monthly usage reset by an administrator");
    Ok(before)
}

/// Deletes the account once the administrator typed its address, with the cascade of a
/// person's own deletion (their data goes, usage totals stay anonymised). The audit row names
/// the account by its id, as its address goes with it.
pub async fn delete(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor<'_>,
    user: &UserRow,
    typed_email: &Email,
) -> Result<(), AccountError> {
    if typed_email.as_str() != user.email {
        return Err(AccountError::Validation(Problem::ConfirmEmailMismatch));
    }
    account_data::delete_user(db, &user.id, &user.email).await?;
    audit::record(
        db,
        clock.now(),
        actor,
        Change {
            action: "user.delete",
            target_type: "user",
            target_id: &user.id,
            detail: json!({
                "plan": { "old": user.plan.as_str(), "new": null },
                "status": { "old": user.status.as_str(), "new": "deleted" },
            }),
        },
    )
    .await?;
    tracing::info!(target: "security", user_id = %user.id, "account deleted by an administrator");
    Ok(())
}

/// When the account last signed in (its newest `login.succeeded` row), if the audit trail still
/// holds one.
pub async fn last_login(db: &Db, user: &UserRow) -> Result<Option<i64>, DbError> {
    audit_log::latest_at(db, "login.succeeded", &user.id).await
}

/// Revokes one of the account's API keys; the next request with it gets 401. The audit row is
/// the one a person's own revocation writes, with the admin as actor.
pub async fn revoke_key(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor<'_>,
    user: &UserRow,
    key_id: &str,
) -> Result<(), KeyError> {
    api_keys::revoke(db, clock, &user.id, key_id).await?;
    let change = Change {
        action: "api_key.revoke",
        target_type: "api_key",
        target_id: key_id,
        detail: json!({ "user": user.email, "by_admin": true }),
    };
    audit::record(db, clock.now(), actor, change).await?;
    Ok(())
}

/// Revokes one of the account's connected apps (an OAuth grant); its tokens stop working.
pub async fn revoke_app(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor<'_>,
    user: &UserRow,
    grant_id: &str,
) -> Result<(), AppError> {
    authorization::revoke_app(db, clock, &user.id, grant_id).await?;
    let change = Change {
        action: "oauth_grant.revoke",
        target_type: "oauth_grant",
        target_id: grant_id,
        detail: json!({ "user": user.email, "by_admin": true }),
    };
    audit::record(db, clock.now(), actor, change).await?;
    Ok(())
}

/// Mails the account a password-reset link in its language (the same link and limits as "forgot
/// password"), and records who asked.
pub async fn send_password_reset(
    db: &Db,
    clock: &dyn Clock,
    public_base: &str,
    actor: Actor<'_>,
    ip: &str,
    user: &UserRow,
) -> Result<(), AccountError> {
    let email = Email::parse(&user.email).map_err(|e| AccountError::Validation(e.into()))?;
    let texts = crate::i18n::Lang::parse(&user.locale)
        .unwrap_or_default()
        .texts();
    accounts::request_password_reset(db, clock, public_base, texts, &email, ip).await?;
    let change = Change {
        action: "user.password_reset_sent",
        target_type: "user",
        target_id: &user.id,
        detail: json!({ "email": user.email }),
    };
    audit::record(db, clock.now(), actor, change).await?;
    Ok(())
}
