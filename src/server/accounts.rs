//! Account services: the rules around creating and changing accounts, independent of whether the
//! request came from a form, a server function or the command line.
//!
//! Who is an admin is decided here ([`role_of`]), on every request: an operator's grant, or an
//! address that `ADMIN_EMAILS` lists *and* that was proven to be the account's. Anything that
//! costs a password hash is throttled before it hashes, and an account recovery (a password
//! reset) leaves nothing behind of whoever held the account before.

use super::{
    audit::{self, Actor, Change},
    auth::password::{self, HashError},
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
    /// Too many attempts from this client address or for this email address in the hour.
    #[error("too many attempts, try again later")]
    Throttled,
    /// Every password-hashing slot is taken: try again in a moment.
    #[error("busy, try again")]
    Busy,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<DbError> for AccountError {
    fn from(e: DbError) -> Self {
        AccountError::Internal(e.into())
    }
}

impl From<HashError> for AccountError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => AccountError::Busy,
            HashError::Failed => AccountError::Internal(e.into()),
        }
    }
}

/// The fixed one-hour windows that bound registrations and reset mails (shared by replicas).
const HOUR: i64 = 3600;
/// Registrations a client address may try per hour.
pub const REGISTRATIONS_PER_IP_PER_HOUR: i64 = 10;
/// Registrations of one email address that may be tried per hour.
pub const REGISTRATIONS_PER_EMAIL_PER_HOUR: i64 = 5;
/// Reset (or address-confirmation) mails one address receives per hour at most.
pub const RESET_MAILS_PER_EMAIL_PER_HOUR: i64 = 3;
/// Forgot-password requests a client address may make per hour.
pub const RESET_REQUESTS_PER_IP_PER_HOUR: i64 = 10;

/// Counts one hit in this hour's window for `subject`; true while within `max`.
async fn within_hourly_limit(db: &Db, subject: &str, now: i64, max: i64) -> Result<bool, DbError> {
    let hits = super::db::api_keys::hit_window(db, subject, now - now.rem_euclid(HOUR)).await?;
    Ok(hits <= max)
}

pub struct CreateAccount<'a> {
    pub email: &'a Email,
    pub password: SecretString,
    pub display_name: &'a str,
    pub admin: bool,
    pub plan: Plan,
}

/// Creates a password account at the command line: the operator vouches for the address, so it
/// counts as verified (and a listed one is an admin at once). `admin` is the operator's grant.
pub async fn create(
    db: &Db,
    clock: &dyn Clock,
    admin_emails: &[String],
    req: CreateAccount<'_>,
) -> Result<users::UserRow, AccountError> {
    let now = clock.now();
    let user = new_password_account(db, req, Some(now), now).await?;
    Ok(with_current_role(admin_emails, user))
}

/// What the sign-up form sends.
pub struct Registration<'a> {
    pub email: &'a Email,
    pub password: SecretString,
    pub display_name: &'a str,
}

/// Where a sign-up came from and where its mails point.
pub struct RegistrationContext<'a> {
    pub admin_emails: &'a [String],
    pub public_base: &'a str,
    pub texts: &'a Texts,
    pub ip: &'a str,
}

/// The sign-up form: a free account whose address is only claimed, not proven. Throttled per
/// client address and per email before any hashing. An address that `ADMIN_EMAILS` lists gets
/// a link to prove it (it sets the password, like a reset): only then is the account an admin.
pub async fn register(
    db: &Db,
    clock: &dyn Clock,
    ctx: RegistrationContext<'_>,
    req: Registration<'_>,
) -> Result<users::UserRow, AccountError> {
    let now = clock.now();
    let by_ip = within_hourly_limit(
        db,
        &format!("register-ip:{}", ctx.ip),
        now,
        REGISTRATIONS_PER_IP_PER_HOUR,
    )
    .await?;
    let by_email = within_hourly_limit(
        db,
        &format!("register-email:{}", req.email.as_str()),
        now,
        REGISTRATIONS_PER_EMAIL_PER_HOUR,
    )
    .await?;
    if !(by_ip && by_email) {
        tracing::warn!(target: "security", by_ip, by_email, "registration throttled");
        return Err(AccountError::Throttled);
    }
    let create = CreateAccount {
        email: req.email,
        password: req.password,
        display_name: req.display_name,
        admin: false,
        plan: Plan::Free,
    };
    let user = new_password_account(db, create, None, now).await?;
    if is_listed(ctx.admin_emails, req.email) {
        let mail = ResetMail::ConfirmAdmin;
        send_reset_link(db, now, ctx.public_base, ctx.texts, &user, mail).await?;
        tracing::info!(target: "security", user_id = %user.id, "listed admin address registered; confirmation mailed");
    }
    Ok(user)
}

/// A password account, checked before anything is hashed: the password's rules, the name's
/// length, and that the address is free.
async fn new_password_account(
    db: &Db,
    req: CreateAccount<'_>,
    email_verified_at: Option<i64>,
    now: i64,
) -> Result<users::UserRow, AccountError> {
    let email = req.email;
    check_password(req.password.expose_secret()).map_err(|p| AccountError::Validation(p.into()))?;
    let display_name = req.display_name.trim();
    if display_name.chars().count() > 100 {
        return Err(AccountError::Validation(Problem::NameTooLong));
    }
    // No hashing for an address that is taken anyway.
    if users::by_email(db, email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let hash = password::hash(req.password).await?;
    insert_account(
        db,
        NewAccount {
            email,
            password_hash: Some(&hash),
            display_name,
            admin: req.admin,
            plan: req.plan,
            email_verified_at,
        },
        now,
    )
    .await?
    .ok_or(AccountError::EmailTaken)
}

fn is_listed(admin_emails: &[String], email: &Email) -> bool {
    admin_emails.iter().any(|a| a == email.as_str())
}

/// The role an account has now: admin when an operator granted it (stored in the row), or when
/// `ADMIN_EMAILS` lists its address *and* the address is verified. Asked on every request, never
/// stored, so a listed address that is only claimed gets nothing and an address taken off the
/// list loses its rights with the next configuration the service runs with.
pub fn role_of(admin_emails: &[String], user: &users::UserRow) -> Role {
    let verified_listed = user.email_verified_at.is_some()
        && Email::parse(&user.email).is_ok_and(|e| is_listed(admin_emails, &e));
    if user.role == Role::Admin || verified_listed {
        Role::Admin
    } else {
        Role::User
    }
}

/// `user` with the role [`role_of`] gives it now (what every guard looks at).
pub fn with_current_role(admin_emails: &[String], mut user: users::UserRow) -> users::UserRow {
    user.role = role_of(admin_emails, &user);
    user
}

/// A new account, whichever way it comes in (the sign-up form, the command line, Sign in with
/// Exact).
struct NewAccount<'a> {
    email: &'a Email,
    password_hash: Option<&'a str>,
    display_name: &'a str,
    /// An operator's grant; `ADMIN_EMAILS` is never stored (see [`role_of`]).
    admin: bool,
    plan: Plan,
    email_verified_at: Option<i64>,
}

/// The one place accounts are inserted. `None` when the address is taken.
async fn insert_account(
    db: &Db,
    new: NewAccount<'_>,
    now: i64,
) -> Result<Option<users::UserRow>, DbError> {
    let role = if new.admin { Role::Admin } else { Role::User };
    users::insert(
        db,
        users::NewUser {
            email: new.email,
            password_hash: new.password_hash,
            display_name: new.display_name,
            role,
            plan: new.plan,
            email_verified_at: new.email_verified_at,
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
/// password) with the Exact user's email, bound to it. Exact confirms its users' addresses
/// before they can sign in there, so a created account's address counts as verified. A password account that merely has the
/// same email is never taken over: that is [`AccountError::EmailTaken`]; an Exact user without a
/// usable address is a [`AccountError::Validation`].
pub async fn sign_in_with_exact(
    db: &Db,
    clock: &dyn Clock,
    admin_emails: &[String],
    exact: ExactUser<'_>,
) -> Result<users::UserRow, AccountError> {
    if let Some(user) = users::by_exact_user_id(db, exact.user_id).await? {
        return Ok(with_current_role(admin_emails, user));
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
        NewAccount {
            email: &email,
            password_hash: None,
            display_name: exact.full_name,
            admin: false,
            plan: Plan::Free,
            email_verified_at: Some(now),
        },
        now,
    )
    .await?
    // Registered with that email a moment ago: the same refusal as above.
    .ok_or(AccountError::EmailTaken)?;
    users::bind_exact_user(db, &created.id, exact.user_id, now).await?;
    tracing::info!(user_id = %created.id, "account created by Sign in with Exact");
    Ok(with_current_role(admin_emails, created))
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
    let old = users::by_email(db, email)
        .await?
        .ok_or(AccountError::NotFound)?
        .plan;
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
            detail: serde_json::json!({ "plan": { "old": old.as_str(), "new": plan.as_str() } }),
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
    let old = users::by_email(db, email)
        .await?
        .ok_or(AccountError::NotFound)?
        .status;
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
            detail: serde_json::json!({ "status": { "old": old.as_str(), "new": status.as_str() } }),
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
    /// Every password-hashing slot is taken: try again in a moment.
    #[error("busy, try again")]
    Busy,
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
/// are counted per email and per IP address and logged as security events. The attempt is
/// counted *before* the password is checked (see [`login_attempts::reserve`]), so however many
/// guesses arrive at once, at most [`MAX_FAILURES_PER_EMAIL`] of them are verified per window.
///
/// [`login_attempts::reserve`]: super::db::login_attempts::reserve
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

    let reserved = login_attempts::reserve(db, key, ip, now, now - THROTTLE_WINDOW_SECONDS).await?;
    let (by_email, by_ip) = (reserved.by_email, reserved.by_ip);
    if by_email > MAX_FAILURES_PER_EMAIL || by_ip > MAX_FAILURES_PER_IP {
        login_attempts::release(db, &reserved.id).await?;
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
    let verified = password::verify(
        user.as_ref().and_then(|u| u.password_hash.clone()),
        password,
    )
    .await;
    let matches = match verified {
        Ok(matches) => matches,
        Err(e) => {
            // Nothing was checked: the reservation goes back.
            login_attempts::release(db, &reserved.id).await?;
            return Err(match e {
                HashError::Busy => LoginError::Busy,
                HashError::Failed => LoginError::Internal(e.into()),
            });
        }
    };
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
            // The reservation stays: it is this failure's row.
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

/// Sends a single-use, 30-minute reset link to an active account. Says nothing about whether the
/// account exists, nor about throttling: the caller shows the same message either way. At most
/// [`RESET_MAILS_PER_EMAIL_PER_HOUR`] mails per address (nobody's inbox can be flooded) and
/// [`RESET_REQUESTS_PER_IP_PER_HOUR`] requests per client address.
pub async fn request_password_reset(
    db: &Db,
    clock: &dyn Clock,
    public_base: &str,
    texts: &Texts,
    email: &Email,
    ip: &str,
) -> Result<(), AccountError> {
    let now = clock.now();
    let subject = format!("reset-ip:{ip}");
    if !within_hourly_limit(db, &subject, now, RESET_REQUESTS_PER_IP_PER_HOUR).await? {
        tracing::warn!(target: "security", "password reset requests throttled for a client address");
        return Ok(());
    }
    let Some(user) = users::by_email(db, email).await? else {
        return Ok(());
    };
    if user.status != crate::domain::AccountStatus::Active {
        return Ok(());
    }
    send_reset_link(db, now, public_base, texts, &user, ResetMail::Reset).await
}

/// Which mail carries a reset link.
enum ResetMail {
    /// "Forgot password".
    Reset,
    /// A sign-up with an address `ADMIN_EMAILS` lists: prove it by choosing the password.
    ConfirmAdmin,
}

/// Queues a reset link to the account's address, within the per-address hourly cap (over it,
/// nothing is sent and nothing said).
async fn send_reset_link(
    db: &Db,
    now: i64,
    public_base: &str,
    texts: &Texts,
    user: &users::UserRow,
    mail: ResetMail,
) -> Result<(), AccountError> {
    use super::db::{outbox, password_resets};
    let subject = format!("reset-email:{}", user.email);
    if !within_hourly_limit(db, &subject, now, RESET_MAILS_PER_EMAIL_PER_HOUR).await? {
        tracing::warn!(target: "security", user_id = %user.id, "reset mails throttled for an address");
        return Ok(());
    }
    let token = super::auth::secret_token::random_token();
    password_resets::insert(
        db,
        &super::auth::secret_token::hash_token(&token),
        &user.id,
        now,
        now + RESET_TOKEN_SECONDS,
    )
    .await?;
    let link = format!("{public_base}/reset-password?token={token}");
    let (subject, body) = match mail {
        ResetMail::Reset => (texts.mail.reset_subject, texts.mail.reset_body(&link)),
        ResetMail::ConfirmAdmin => (
            texts.mail.confirm_admin_subject,
            texts.mail.confirm_admin_body(&link),
        ),
    };
    let id = outbox::queue_mail(db, &user.email, subject, &body, now).await?;
    // The outbox row holds the link; the log line never does.
    tracing::info!(mail_id = %id, "password reset mail queued");
    Ok(())
}

/// Sets a new password with a reset token (once). The link reached the address, so the address
/// is verified from now on; and whoever held the account before (someone who registered the
/// address first, or who learnt the password) keeps nothing: every session, every pending
/// email change, every API key and the "Sign in with Exact" binding end. Keys are revoked
/// whether or not the address was verified before: a reset is a recovery, and the owner makes
/// new keys in a minute (the page after the reset says so).
pub async fn reset_password(
    db: &Db,
    clock: &dyn Clock,
    token: &str,
    new_password: SecretString,
) -> Result<(), AccountError> {
    use super::db::{api_keys, email_changes, login_attempts, password_resets, sessions};
    check_password(new_password.expose_secret()).map_err(|p| AccountError::Validation(p.into()))?;
    let now = clock.now();
    let token_hash = super::auth::secret_token::hash_token(token);
    // Only a live link is worth a hash; it is used up only once the hash is there.
    if password_resets::user_of_live(db, &token_hash, now)
        .await?
        .is_none()
    {
        return Err(AccountError::Validation(Problem::ResetLinkInvalid));
    }
    let hash = password::hash(new_password).await?;
    let Some(user_id) = password_resets::consume(db, &token_hash, now).await? else {
        return Err(AccountError::Validation(Problem::ResetLinkInvalid));
    };
    let was_verified = users::by_id(db, &user_id)
        .await?
        .is_some_and(|u| u.email_verified_at.is_some());
    users::set_password_hash(db, &user_id, &hash, now).await?;
    users::mark_verified(db, &user_id, now).await?;
    login_attempts::clear_for_user(db, &user_id).await?;
    let sessions_ended = sessions::delete_for_user(db, &user_id).await?;
    let email_changes_ended = email_changes::delete_for_user(db, &user_id).await?;
    let keys_revoked = api_keys::revoke_all_for_user(db, &user_id, now).await?;
    let exact_unbound = users::unbind_exact_user(db, &user_id, now).await?;
    tracing::info!(target: "security", %user_id, keys_revoked, exact_unbound, "password reset");
    let change = Change {
        action: "user.password_reset",
        target_type: "user",
        target_id: &user_id,
        detail: serde_json::json!({
            "was_verified": was_verified,
            "sessions_ended": sessions_ended,
            "email_changes_ended": email_changes_ended,
            "keys_revoked": keys_revoked,
            "exact_unbound": exact_unbound,
        }),
    };
    let actor = Actor::User {
        id: &user_id,
        ip: "",
    };
    audit::record(db, now, actor, change).await?;
    Ok(())
}

/// "Sign out everywhere": ends every session of the account and every pending email change
/// (a link mailed earlier must not change the address after the owner took back control).
pub async fn sign_out_everywhere(
    db: &Db,
    clock: &dyn Clock,
    user_id: &str,
    ip: &str,
) -> Result<(), AccountError> {
    use super::db::{email_changes, sessions};
    let sessions_ended = sessions::delete_for_user(db, user_id).await?;
    let email_changes_ended = email_changes::delete_for_user(db, user_id).await?;
    let change = Change {
        action: "user.signed_out_everywhere",
        target_type: "user",
        target_id: user_id,
        detail: serde_json::json!({
            "sessions_ended": sessions_ended,
            "email_changes_ended": email_changes_ended,
        }),
    };
    audit::record(db, clock.now(), Actor::User { id: user_id, ip }, change).await?;
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
    if !password::verify(user.password_hash.clone(), current).await? {
        return Err(AccountError::Validation(Problem::WrongCurrentPassword));
    }
    check_password(new.expose_secret()).map_err(|p| AccountError::Validation(p.into()))?;
    let hash = password::hash(new).await?;
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
    if !password::verify(user.password_hash.clone(), current_password).await? {
        return Err(AccountError::Validation(Problem::WrongCurrentPassword));
    }
    if new_email.as_str() == user.email {
        return Err(AccountError::Validation(Problem::SameEmail));
    }
    if users::by_email(db, &new_email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let now = clock.now();
    let token = super::auth::secret_token::random_token();
    email_changes::insert(
        db,
        &super::auth::secret_token::hash_token(&token),
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
        email_changes::consume(db, &super::auth::secret_token::hash_token(token), now).await?
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
