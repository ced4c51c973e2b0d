//! Admin server functions, all under `/api/admin/`. Each calls `require_admin` first; anyone else
//! gets 401 (signed out) or 403 (signed in, not an admin). Every change is audited.

use crate::domain::{AccountStatus, Plan, Role};
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
    pub created_at: i64,
    /// Apps connected through OAuth (live grants).
    pub connected_apps: i64,
}

pub const USERS_PAGE_SIZE: i64 = 50;

#[server(prefix = "/api/admin", endpoint = "users")]
pub async fn list_users(page: u32) -> Result<Vec<UserSummary>, ApiError> {
    use crate::server::accounts;
    require_admin().await?;
    let (state, _) = context()?;
    let rows = accounts::list(
        &state.db,
        USERS_PAGE_SIZE,
        i64::from(page) * USERS_PAGE_SIZE,
    )
    .await
    .map_err(internal)?;
    let ids: Vec<String> = rows.iter().map(|u| u.id.clone()).collect();
    let apps = crate::server::authorization::connected_app_counts(&state.db, &ids)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|u| UserSummary {
            connected_apps: apps.get(&u.id).copied().unwrap_or(0),
            // The role the account has now, as every guard sees it.
            role: accounts::role_of(&state.settings.admin_emails, &u),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            plan: u.plan,
            status: u.status,
            created_at: u.created_at,
        })
        .collect())
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
