//! Account services: the rules around creating and changing accounts, independent of whether the
//! request came from a form, a server function or the command line.

use super::{
    audit::{self, Actor, Change},
    auth::password,
    clock::Clock,
    db::{Db, DbError, users},
};
use crate::domain::{Email, Plan, Problem, Role, check_password};
use crate::i18n::Texts;
use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Something the person typed; shown in their language (in English on the command line).
    #[error("{}", crate::i18n::Lang::En.texts().problems.describe(*.0))]
    Validation(Problem),
    #[error("an account with this email address already exists")]
    EmailTaken,
    #[error("no account with this email address")]
    NotFound,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<DbError> for AccountError {
    fn from(e: DbError) -> Self {
        AccountError::Internal(e.into())
    }
}

pub struct CreateAccount<'a> {
    pub email: &'a Email,
    pub password: SecretString,
    pub display_name: &'a str,
    pub admin: bool,
    pub plan: Plan,
}

/// Creates a password account. Addresses listed in `ADMIN_EMAILS` become admins too.
pub async fn create(
    db: &Db,
    clock: &dyn Clock,
    admin_emails: &[String],
    req: CreateAccount<'_>,
) -> Result<users::UserRow, AccountError> {
    let email = req.email;
    check_password(req.password.expose_secret()).map_err(|p| AccountError::Validation(p.into()))?;
    let display_name = req.display_name.trim();
    if display_name.chars().count() > 100 {
        return Err(AccountError::Validation(Problem::NameTooLong));
    }
    let hash = password::hash(req.password)
        .await
        .map_err(|e| AccountError::Internal(e.into()))?;
    insert_account(
        db,
        admin_emails,
        NewAccount {
            email,
            password_hash: Some(&hash),
            display_name,
            admin: req.admin,
            plan: req.plan,
        },
        clock.now(),
    )
    .await?
    .ok_or(AccountError::EmailTaken)
}

/// The role of an account: admin when asked for (the command line's `--admin`) or when
/// `ADMIN_EMAILS` lists its address, however the account came to be.
pub fn role_for(admin_emails: &[String], email: &Email, asked_admin: bool) -> Role {
    if asked_admin || admin_emails.iter().any(|a| a == email.as_str()) {
        Role::Admin
    } else {
        Role::User
    }
}

/// A new account, whichever way it comes in (the sign-up form, the command line, Sign in with
/// Exact).
struct NewAccount<'a> {
    email: &'a Email,
    password_hash: Option<&'a str>,
    display_name: &'a str,
    admin: bool,
    plan: Plan,
}

/// The one place accounts are inserted, so every way in gets its role by [`role_for`]. `None`
/// when the address is taken.
async fn insert_account(
    db: &Db,
    admin_emails: &[String],
    new: NewAccount<'_>,
    now: i64,
) -> Result<Option<users::UserRow>, DbError> {
    users::insert(
        db,
        users::NewUser {
            email: new.email,
            password_hash: new.password_hash,
            display_name: new.display_name,
            role: role_for(admin_emails, new.email, new.admin),
            plan: new.plan,
        },
        now,
    )
    .await
}

/// The Exact user behind a "Sign in with Exact".
pub struct ExactUser<'a> {
    /// Exact's id of the user: what binds the account.
    pub user_id: &'a str,
    /// `None` when Exact's address for the user is not a usable one; it matters only when an
    /// account has to be created.
    pub email: Option<Email>,
    pub full_name: &'a str,
}

/// "Sign in with Exact": the account bound to this Exact user, or a new one (free plan, no
/// password) with the Exact user's email, bound to it. A password account that merely has the
/// same email is never taken over: that is [`AccountError::EmailTaken`]; an Exact user without a
/// usable address is a [`AccountError::Validation`].
pub async fn sign_in_with_exact(
    db: &Db,
    clock: &dyn Clock,
    admin_emails: &[String],
    exact: ExactUser<'_>,
) -> Result<users::UserRow, AccountError> {
    if let Some(user) = users::by_exact_user_id(db, exact.user_id).await? {
        return Ok(user);
    }
    let Some(email) = exact.email else {
        tracing::warn!("the Exact user has no usable email address");
        return Err(AccountError::Validation(Problem::InvalidEmail));
    };
    if users::by_email(db, &email).await?.is_some() {
        tracing::info!("Sign in with Exact refused: an unbound account has that email");
        return Err(AccountError::EmailTaken);
    }
    let now = clock.now();
    let created = insert_account(
        db,
        admin_emails,
        NewAccount {
            email: &email,
            password_hash: None,
            display_name: exact.full_name,
            admin: false,
            plan: Plan::Free,
        },
        now,
    )
    .await?
    // Registered with that email a moment ago: the same refusal as above.
    .ok_or(AccountError::EmailTaken)?;
    users::bind_exact_user(db, &created.id, exact.user_id, now).await?;
    tracing::info!(user_id = %created.id, "account created by Sign in with Exact");
    Ok(created)
}

/// Moves an account to another plan, and records who did it (the same audit row whether an admin
/// did it on the admin page or an operator at the command line).
pub async fn set_plan(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor<'_>,
    email: &Email,
    plan: Plan,
) -> Result<(), AccountError> {
    let now = clock.now();
    if !users::set_plan(db, email, plan, now).await? {
        return Err(AccountError::NotFound);
    }
    audit::record(
        db,
        now,
        actor,
        Change {
            action: "user.set_plan",
            target_type: "user",
            target_id: email.as_str(),
            detail: serde_json::json!({ "plan": plan.as_str() }),
        },
    )
    .await?;
    Ok(())
}

/// Suspends or reactivates an account, and records who did it. Suspension ends every session at
/// once; a suspended account cannot sign in (see [`login`]) and its API keys stop working.
pub async fn set_status(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor<'_>,
    email: &Email,
    status: crate::domain::AccountStatus,
) -> Result<(), AccountError> {
    let now = clock.now();
    let Some(user_id) = users::set_status(db, email, status, now).await? else {
        return Err(AccountError::NotFound);
    };
    if status == crate::domain::AccountStatus::Suspended {
        super::db::sessions::delete_for_user(db, &user_id).await?;
    }
    tracing::info!(target: "security", user_id = %user_id, status = status.as_str(), "account status changed");
    audit::record(
        db,
        now,
        actor,
        Change {
            action: "user.set_status",
            target_type: "user",
            target_id: email.as_str(),
            detail: serde_json::json!({ "status": status.as_str() }),
        },
    )
    .await?;
    Ok(())
}

/// Throttling: this many failures within [`THROTTLE_WINDOW_SECONDS`] refuse further attempts.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_IP: i64 = 20;
pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("That email address and password do not match an account.")]
    Failed,
    #[error(
        "Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your password."
    )]
    Throttled,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<DbError> for LoginError {
    fn from(e: DbError) -> Self {
        LoginError::Internal(e.into())
    }
}

/// What was typed as the address of a sign-in: an address, or something that is not one. Both
/// are counted for throttling, so a malformed address cannot be tried without limit.
pub enum LoginName {
    Email(Email),
    /// Kept in its trimmed, lower-case form (at most 254 characters), the key its failures are
    /// counted under.
    Malformed(String),
}

impl LoginName {
    pub fn parse(raw: &str) -> LoginName {
        match Email::parse(raw) {
            Ok(email) => LoginName::Email(email),
            Err(_) => LoginName::Malformed(raw.trim().to_lowercase().chars().take(254).collect()),
        }
    }

    /// The key failures are counted under.
    fn key(&self) -> &str {
        match self {
            LoginName::Email(e) => e.as_str(),
            LoginName::Malformed(k) => k,
        }
    }
}

/// Checks a password login. Every failure looks the same (one message, one timing); failures
/// are counted per email and per IP address and logged as security events.
pub async fn login(
    db: &Db,
    clock: &dyn Clock,
    name: &LoginName,
    password: SecretString,
    ip: &str,
) -> Result<users::UserRow, LoginError> {
    use super::db::login_attempts;
    use crate::domain::AccountStatus;
    let now = clock.now();
    let key = name.key();

    let (by_email, by_ip) =
        login_attempts::failed_since(db, key, ip, now - THROTTLE_WINDOW_SECONDS).await?;
    if by_email >= MAX_FAILURES_PER_EMAIL || by_ip >= MAX_FAILURES_PER_IP {
        tracing::warn!(target: "security", by_email, by_ip, "login throttled");
        let detail =
            serde_json::json!({ "failures_for_email": by_email, "failures_for_ip": by_ip });
        let change = Change {
            action: "login.throttled",
            target_type: "email",
            target_id: key,
            detail,
        };
        // One row per address per window, however many attempts the throttle refuses.
        let since = now - THROTTLE_WINDOW_SECONDS;
        if !super::db::audit_log::recorded_since(db, change.action, key, since).await? {
            audit::record(db, now, Actor::Anonymous { ip }, change).await?;
        }
        return Err(LoginError::Throttled);
    }

    let user = match name {
        LoginName::Email(e) => users::by_email(db, e).await?,
        LoginName::Malformed(_) => None,
    };
    let matches = password::verify(
        user.as_ref().and_then(|u| u.password_hash.clone()),
        password,
    )
    .await;
    match user {
        Some(u) if matches && u.status == AccountStatus::Active => {
            login_attempts::clear_for_email(db, key).await?;
            let change = Change {
                action: "login.succeeded",
                target_type: "user",
                target_id: &u.id,
                detail: serde_json::json!({}),
            };
            audit::record(db, now, Actor::User { id: &u.id, ip }, change).await?;
            Ok(u)
        }
        _ => {
            login_attempts::record_failed(db, key, ip, now).await?;
            tracing::warn!(target: "security", "login failed");
            let change = Change {
                action: "login.failed",
                target_type: "email",
                target_id: key,
                detail: serde_json::json!({}),
            };
            audit::record(db, now, Actor::Anonymous { ip }, change).await?;
            Err(LoginError::Failed)
        }
    }
}

pub const RESET_TOKEN_SECONDS: i64 = 30 * 60;

/// Sends a single-use, 30-minute reset link to an active password account. Says nothing about
/// whether the account exists: the caller shows the same message either way.
pub async fn request_password_reset(
    db: &Db,
    clock: &dyn Clock,
    public_base: &str,
    texts: &Texts,
    email: &Email,
) -> Result<(), AccountError> {
    use super::db::{outbox, password_resets};
    let Some(user) = users::by_email(db, email).await? else {
        return Ok(());
    };
    if user.status != crate::domain::AccountStatus::Active {
        return Ok(());
    }
    let now = clock.now();
    let token = super::auth::session::random_token();
    password_resets::insert(
        db,
        &super::auth::session::hash_token(&token),
        &user.id,
        now,
        now + RESET_TOKEN_SECONDS,
    )
    .await?;
    let body = texts
        .mail
        .reset_body(&format!("{public_base}/reset-password?token={token}"));
    let id = outbox::queue_mail(db, email.as_str(), texts.mail.reset_subject, &body, now).await?;
    // The outbox row holds the link; the log line never does.
    tracing::info!(mail_id = %id, "password reset mail queued");
    Ok(())
}

/// Sets a new password with a reset token (once), and ends every session of that account.
pub async fn reset_password(
    db: &Db,
    clock: &dyn Clock,
    token: &str,
    new_password: SecretString,
) -> Result<(), AccountError> {
    use super::db::{login_attempts, password_resets, sessions};
    check_password(new_password.expose_secret()).map_err(|p| AccountError::Validation(p.into()))?;
    let now = clock.now();
    let Some(user_id) =
        password_resets::consume(db, &super::auth::session::hash_token(token), now).await?
    else {
        return Err(AccountError::Validation(Problem::ResetLinkInvalid));
    };
    let hash = password::hash(new_password)
        .await
        .map_err(|e| AccountError::Internal(e.into()))?;
    users::set_password_hash(db, &user_id, &hash, now).await?;
    login_attempts::clear_for_user(db, &user_id).await?;
    sessions::delete_for_user(db, &user_id).await?;
    Ok(())
}

/// Changes the password after checking the current one; every other session of the account ends.
pub async fn change_password(
    db: &Db,
    clock: &dyn Clock,
    user: &users::UserRow,
    current_session_hash: &str,
    current: SecretString,
    new: SecretString,
) -> Result<(), AccountError> {
    use super::db::sessions;
    if !password::verify(user.password_hash.clone(), current).await {
        return Err(AccountError::Validation(Problem::WrongCurrentPassword));
    }
    check_password(new.expose_secret()).map_err(|p| AccountError::Validation(p.into()))?;
    let hash = password::hash(new)
        .await
        .map_err(|e| AccountError::Internal(e.into()))?;
    users::set_password_hash(db, &user.id, &hash, clock.now()).await?;
    sessions::delete_others_for_user(db, &user.id, current_session_hash).await?;
    Ok(())
}

/// Deletes the account after the person typed its email address to confirm.
pub async fn delete_account(
    db: &Db,
    user: &users::UserRow,
    typed_email: &Email,
) -> Result<(), AccountError> {
    if typed_email.as_str() != user.email {
        return Err(AccountError::Validation(Problem::ConfirmEmailMismatch));
    }
    super::db::account_data::delete_user(db, &user.id, &user.email).await?;
    tracing::info!(target: "security", user_id = %user.id, "account deleted");
    Ok(())
}

/// One page of all accounts, newest first (the admin user list).
pub async fn list(db: &Db, limit: i64, offset: i64) -> Result<Vec<users::UserRow>, DbError> {
    users::list(db, limit, offset).await
}

/// The account with this address, if any.
pub async fn by_email(db: &Db, email: &Email) -> Result<Option<users::UserRow>, DbError> {
    users::by_email(db, email).await
}

/// Everything stored about one person ("Download my data"), as JSON.
pub async fn export(db: &Db, user_id: &str) -> Result<serde_json::Value, DbError> {
    super::db::account_data::export(db, user_id).await
}

pub const EMAIL_CHANGE_SECONDS: i64 = 24 * 60 * 60;

/// Starts a change of email address: checks the current password and that the new address is
/// free, then mails a single-use, 24-hour confirmation link to the new address. The address
/// changes only when that link is used ([`confirm_email_change`]).
pub async fn request_email_change(
    db: &Db,
    clock: &dyn Clock,
    public_base: &str,
    texts: &Texts,
    user: &users::UserRow,
    new_email: Email,
    current_password: SecretString,
) -> Result<Email, AccountError> {
    use super::db::{email_changes, outbox};
    if !password::verify(user.password_hash.clone(), current_password).await {
        return Err(AccountError::Validation(Problem::WrongCurrentPassword));
    }
    if new_email.as_str() == user.email {
        return Err(AccountError::Validation(Problem::SameEmail));
    }
    if users::by_email(db, &new_email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let now = clock.now();
    let token = super::auth::session::random_token();
    email_changes::insert(
        db,
        &super::auth::session::hash_token(&token),
        &user.id,
        new_email.as_str(),
        now,
        now + EMAIL_CHANGE_SECONDS,
    )
    .await?;
    let link = format!("{public_base}/verify-email?token={token}");
    let body = texts.mail.verify_body(new_email.as_str(), &link);
    let id = outbox::queue_mail(
        db,
        new_email.as_str(),
        texts.mail.verify_subject,
        &body,
        now,
    )
    .await?;
    tracing::info!(user_id = %user.id, mail_id = %id, "email change requested");
    Ok(new_email)
}

/// Uses an email-change link (once): the account takes the new address, which counts as
/// verified, and the old address is told about the change.
pub async fn confirm_email_change(
    db: &Db,
    clock: &dyn Clock,
    texts: &Texts,
    token: &str,
) -> Result<(), AccountError> {
    use super::db::{email_changes, outbox};
    let now = clock.now();
    let Some((user_id, new_email)) =
        email_changes::consume(db, &super::auth::session::hash_token(token), now).await?
    else {
        return Err(AccountError::Validation(Problem::EmailLinkInvalid));
    };
    let Some(old_email) = users::email_of(db, &user_id).await? else {
        return Err(AccountError::Validation(Problem::EmailLinkInvalid));
    };
    let new_email = Email::parse(&new_email).map_err(|e| AccountError::Validation(e.into()))?;
    if !users::set_email(db, &user_id, &new_email, now).await? {
        // Someone registered the address after the link was sent.
        return Err(AccountError::EmailTaken);
    }
    let body = texts.mail.email_changed_body(new_email.as_str());
    outbox::queue_mail(db, &old_email, texts.mail.email_changed_subject, &body, now).await?;
    let change = Change {
        action: "user.email_changed",
        target_type: "user",
        target_id: &user_id,
        detail: serde_json::json!({}),
    };
    let actor = Actor::User {
        id: &user_id,
        ip: "",
    };
    audit::record(db, now, actor, change).await?;
    tracing::info!(target: "security", user_id = %user_id, "email address changed");
    Ok(())
}
