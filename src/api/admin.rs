//! Admin server functions, all under `/api/admin/`. Each calls `require_admin` first; anyone else
//! gets 401 (signed out) or 403 (signed in, not an admin). Every change is audited.

use crate::domain::{
    AccountStatus, AdminOverview, ApiKeySummary, AuditPage, AuditRow, ConnectedApp,
    ConnectionSummary, Plan, Role, TicketView, UsageOverview,
};
use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::{
    error::{internal, refuse},
    guard::require_admin,
};

#[cfg(feature = "ssr")]
use super::support::{client_ip, context, parse_email};

/// One row of the admin user list. No hashes, no secrets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub plan: Plan,
    pub status: AccountStatus,
    /// Whether the address was proven.
    pub verified: bool,
    pub created_at: i64,
    /// Counted calls this month.
    pub calls_used: i64,
    /// A connection needs a new Exact consent.
    pub needs_reconsent: bool,
    /// Apps connected through OAuth (live grants).
    pub connected_apps: i64,
}

/// A page of the admin user list and how many accounts the search finds in all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserList {
    pub users: Vec<UserSummary>,
    pub total: i64,
    /// From 0.
    pub page: u32,
    pub pages: u32,
}

/// Searches the accounts: text in the address or name, plan, status, role, only those needing a
/// new Exact consent; sorted newest (default), oldest, email or usage; a page of
/// [`crate::domain::USERS_PER_PAGE`]. Empty values mean "any".
#[server(prefix = "/api/admin", endpoint = "users")]
pub async fn list_users(
    page: u32,
    search: Option<String>,
    plan: Option<String>,
    status: Option<String>,
    role: Option<String>,
    needs_reconsent: Option<bool>,
    sort: Option<String>,
) -> Result<UserList, ApiError> {
    use crate::domain::{RawSearch, USERS_PER_PAGE, UserSearch};
    use crate::server::account_admin;
    require_admin().await?;
    let (state, _) = context()?;
    let query = UserSearch::parse(RawSearch {
        text: search.as_deref().unwrap_or_default(),
        plan: plan.as_deref().unwrap_or_default(),
        status: status.as_deref().unwrap_or_default(),
        role: role.as_deref().unwrap_or_default(),
        needs_reconsent: needs_reconsent.unwrap_or(false),
        sort: sort.as_deref().unwrap_or_default(),
        page,
    })
    .map_err(|e| refuse(http::StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()))?;
    let admins = &state.settings.admin_emails;
    let found = account_admin::search(&state.db, admins, &query)
        .await
        .map_err(internal)?;
    let ids: Vec<String> = found.users.iter().map(|u| u.user.id.clone()).collect();
    let apps = crate::server::authorization::connected_app_counts(&state.db, &ids)
        .await
        .map_err(internal)?;
    let users = found
        .users
        .into_iter()
        .map(|l| {
            let figures = Figures {
                calls_used: l.calls_used,
                needs_reconsent: l.needs_reconsent,
                connected_apps: apps.get(&l.user.id).copied().unwrap_or(0),
            };
            summary_of(admins, l.user, figures)
        })
        .collect();
    let per_page = i64::from(USERS_PER_PAGE);
    Ok(UserList {
        users,
        total: found.total,
        page: query.page,
        pages: u32::try_from((found.total + per_page - 1) / per_page).unwrap_or(u32::MAX),
    })
}

/// An account's calls this month and quota warning level before a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UsageWas {
    pub calls_used: i64,
    pub warning_level: i64,
}

/// Sets an account's calls this month and its quota warning back to 0; audited with the old
/// values.
#[server(prefix = "/api/admin", endpoint = "reset-usage")]
pub async fn admin_reset_usage(user_id: String) -> Result<UsageWas, ApiError> {
    use crate::server::{account_admin, audit::Actor};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let user = existing_user(&state, &user_id).await?;
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    let before = account_admin::reset_usage(&state.db, state.clock.as_ref(), actor, &user).await?;
    Ok(UsageWas {
        calls_used: before.calls_used,
        warning_level: before.warning_level,
    })
}

/// Deletes an account once its address is typed again (the cascade of a person's own deletion).
#[server(prefix = "/api/admin", endpoint = "delete-user")]
pub async fn admin_delete_user(user_id: String, confirm_email: String) -> Result<(), ApiError> {
    use crate::server::{account_admin, audit::Actor};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let user = existing_user(&state, &user_id).await?;
    let typed = parse_email(&confirm_email)?;
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    account_admin::delete(&state.db, state.clock.as_ref(), actor, &user, &typed)
        .await
        .map_err(Into::into)
}

/// What a summary counts beside the account row.
#[cfg(feature = "ssr")]
struct Figures {
    calls_used: i64,
    needs_reconsent: bool,
    connected_apps: i64,
}

/// One account as the admin list and the account's page show it, with the role it has now, as
/// every guard sees it.
#[cfg(feature = "ssr")]
fn summary_of(
    admins: &[String],
    user: crate::server::db::users::UserRow,
    f: Figures,
) -> UserSummary {
    UserSummary {
        role: crate::server::accounts::role_of(admins, &user),
        verified: user.email_verified_at.is_some(),
        calls_used: f.calls_used,
        needs_reconsent: f.needs_reconsent,
        connected_apps: f.connected_apps,
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        plan: user.plan,
        status: user.status,
        created_at: user.created_at,
    }
}

/// The account with this id (a UUID), or 404.
#[cfg(feature = "ssr")]
async fn existing_user(
    state: &crate::server::state::AppState,
    user_id: &str,
) -> Result<crate::server::db::users::UserRow, ApiError> {
    use crate::server::{accounts::AccountError, db::users};
    let id = uuid::Uuid::try_parse(user_id.trim())
        .map_err(|_| ApiError::from(AccountError::NotFound))?
        .hyphenated()
        .to_string();
    users::by_id(&state.db, &id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AccountError::NotFound.into())
}

#[server(prefix = "/api/admin", endpoint = "set-plan")]
pub async fn admin_set_plan(email: String, plan: String) -> Result<(), ApiError> {
    use crate::server::{accounts, audit::Actor, locale::current_texts};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let Ok(plan) = plan.parse::<Plan>() else {
        return Err(refuse(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            current_texts().common.something_went_wrong,
        ));
    };
    let email = parse_email(&email)?;
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    accounts::set_plan(&state.db, state.clock.as_ref(), actor, &email, plan)
        .await
        .map_err(Into::into)
}

#[server(prefix = "/api/admin", endpoint = "set-status")]
pub async fn admin_set_status(email: String, suspended: bool) -> Result<(), ApiError> {
    use crate::server::{accounts, audit::Actor};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let email = parse_email(&email)?;
    let status = if suspended {
        AccountStatus::Suspended
    } else {
        AccountStatus::Active
    };
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    accounts::set_status(&state.db, state.clock.as_ref(), actor, &email, status)
        .await
        .map_err(Into::into)
}

/// The overview's figures.
#[server(prefix = "/api/admin", endpoint = "overview")]
pub async fn admin_figures() -> Result<AdminOverview, ApiError> {
    require_admin().await?;
    let (state, _) = context()?;
    crate::server::admin_overview::gather(&state.db, state.clock.now())
        .await
        .map_err(internal)
}

/// A page of the audit log: rows by an actor's address, about a subject (an address or id),
/// of one action, between two days (`YYYY-MM-DD`, inclusive); empty values mean "any".
#[server(prefix = "/api/admin", endpoint = "audit")]
pub async fn admin_audit(
    page: u32,
    actor: Option<String>,
    subject: Option<String>,
    action: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> Result<AuditPage, ApiError> {
    use crate::domain::{AUDIT_PER_PAGE, AuditSearch, RawAuditSearch};
    use crate::server::audit_review;
    require_admin().await?;
    let (state, _) = context()?;
    let search = AuditSearch::parse(RawAuditSearch {
        actor: actor.as_deref().unwrap_or_default(),
        subject: subject.as_deref().unwrap_or_default(),
        action: action.as_deref().unwrap_or_default(),
        from: from.as_deref().unwrap_or_default(),
        until: until.as_deref().unwrap_or_default(),
        page,
    })
    .map_err(|e| refuse(http::StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()))?;
    let (rows, total) = audit_review::search(&state.db, &search)
        .await
        .map_err(internal)?;
    let retention_days =
        audit_review::retention_days(&state.db, state.settings.jobs.audit_retention_days)
            .await
            .map_err(internal)?;
    let per_page = i64::from(AUDIT_PER_PAGE);
    Ok(AuditPage {
        rows,
        total,
        page,
        pages: u32::try_from((total + per_page - 1) / per_page).unwrap_or(u32::MAX),
        retention_days,
    })
}

/// Sets how many days audit rows are kept (the clean-up job deletes older ones).
#[server(prefix = "/api/admin", endpoint = "audit/retention")]
pub async fn admin_set_audit_retention(days: u32) -> Result<(), ApiError> {
    use crate::server::{
        audit::Actor,
        audit_review::{self, RetentionError},
    };
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    let default = state.settings.jobs.audit_retention_days;
    match audit_review::set_retention_days(&state.db, state.clock.as_ref(), actor, default, days)
        .await
    {
        Ok(()) => Ok(()),
        Err(e @ RetentionError::OutOfRange) => Err(refuse(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            &e.to_string(),
        )),
        Err(RetentionError::Db(e)) => Err(internal(e)),
    }
}

/// Everything the admin's page about one account shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdminUserDetail {
    pub user: UserSummary,
    pub last_login: Option<i64>,
    pub connections: Vec<ConnectionSummary>,
    pub keys: Vec<ApiKeySummary>,
    pub apps: Vec<ConnectedApp>,
    /// This month against the quota, and the last 30 days.
    pub usage: UsageOverview,
    pub tickets: Vec<TicketView>,
    /// The newest audit rows about the account (by address or id).
    pub audit: Vec<AuditRow>,
}

/// The admin's page about one account.
#[server(prefix = "/api/admin", endpoint = "user")]
pub async fn admin_user(user_id: String) -> Result<AdminUserDetail, ApiError> {
    use crate::domain::{AuditSearch, RawAuditSearch};
    use crate::server::{
        account_admin, api_keys, audit_review, authorization, connections, tickets, usage,
    };
    require_admin().await?;
    let (state, _) = context()?;
    let user = existing_user(&state, &user_id).await?;
    let db = &state.db;
    let admins = &state.settings.admin_emails;
    let now = state.clock.now();
    let usage = usage::overview(db, &state.settings.usage, &user.id, user.plan, now)
        .await
        .map_err(internal)?;
    let connections = connections::list(&state, &user.id).await?;
    let keys = api_keys::list_for_user(db, &user.id)
        .await
        .map_err(internal)?;
    let apps = authorization::list_apps(db, &user.id)
        .await
        .map_err(internal)?;
    let tickets = tickets::of_user(db, &user.id).await.map_err(internal)?;
    let about = AuditSearch::parse(RawAuditSearch {
        subject: &user.email,
        ..Default::default()
    })
    .map_err(internal)?;
    let (audit, _) = audit_review::search(db, &about).await.map_err(internal)?;
    let last_login = account_admin::last_login(db, &user)
        .await
        .map_err(internal)?;
    let needs_reconsent = connections
        .iter()
        .any(|c| c.status == crate::domain::ConnectionStatus::NeedsReauth);
    let figures = Figures {
        calls_used: i64::try_from(usage.summary.calls_this_month).unwrap_or(i64::MAX),
        needs_reconsent,
        connected_apps: i64::try_from(apps.len()).unwrap_or(i64::MAX),
    };
    let summary = summary_of(admins, user, figures);
    Ok(AdminUserDetail {
        user: summary,
        last_login,
        connections,
        keys,
        apps,
        usage,
        tickets,
        audit,
    })
}

/// Revokes one of an account's API keys.
#[server(prefix = "/api/admin", endpoint = "revoke-key")]
pub async fn admin_revoke_key(user_id: String, key_id: String) -> Result<(), ApiError> {
    use crate::server::{account_admin, audit::Actor};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let user = existing_user(&state, &user_id).await?;
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    account_admin::revoke_key(&state.db, state.clock.as_ref(), actor, &user, key_id.trim())
        .await
        .map_err(Into::into)
}

/// Revokes one of an account's connected apps (OAuth grants).
#[server(prefix = "/api/admin", endpoint = "revoke-app")]
pub async fn admin_revoke_app(user_id: String, grant_id: String) -> Result<(), ApiError> {
    use crate::server::{
        account_admin, audit::Actor, authorization::AppError, locale::current_texts,
    };
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let user = existing_user(&state, &user_id).await?;
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    account_admin::revoke_app(
        &state.db,
        state.clock.as_ref(),
        actor,
        &user,
        grant_id.trim(),
    )
    .await
    .map_err(|e| match e {
        AppError::NotFound => refuse(http::StatusCode::NOT_FOUND, current_texts().apps.not_found),
        AppError::Internal(e) => internal(e),
    })
}

/// Mails the account a password-reset link.
#[server(prefix = "/api/admin", endpoint = "send-password-reset")]
pub async fn admin_send_password_reset(user_id: String) -> Result<(), ApiError> {
    use crate::server::{account_admin, audit::Actor};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let user = existing_user(&state, &user_id).await?;
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    let base = state.settings.public_base();
    account_admin::send_password_reset(&state.db, state.clock.as_ref(), &base, actor, &ip, &user)
        .await
        .map_err(Into::into)
}
