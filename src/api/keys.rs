//! API keys on the dashboard, and demo keys from the landing page. Every function checks the
//! session first (except the demo, which needs none and is limited per address) and touches only
//! the caller's own keys.

use crate::domain::{ApiKeySummary, ConnectedApp, CreatedKey};
use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::{
    error::{internal, refuse},
    guard::require_user,
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::support::{audit, context};

/// What the setup help shows: where the MCP endpoint is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupInfo {
    pub mcp_url: String,
}

/// A demo key for the landing page's "Try it".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoKey {
    pub key: String,
    pub expires_at: i64,
    pub mcp_url: String,
}

/// Demo keys one address may create per hour.
pub const DEMO_KEYS_PER_HOUR: i64 = 5;

#[cfg(feature = "ssr")]
fn mcp_url(state: &crate::server::state::AppState) -> String {
    format!(
        "{}{}",
        state.settings.public_url.as_str().trim_end_matches('/'),
        crate::server::mcp::PATH
    )
}

#[server(prefix = "/api", endpoint = "keys")]
pub async fn list_keys() -> Result<Vec<ApiKeySummary>, ApiError> {
    use crate::server::api_keys;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    api_keys::list_for_user(&state.db, &signed_in.user.id)
        .await
        .map_err(internal)
}

#[server(prefix = "/api", endpoint = "keys/setup")]
pub async fn mcp_setup() -> Result<SetupInfo, ApiError> {
    require_user().await?;
    let (state, _) = context()?;
    Ok(SetupInfo {
        mcp_url: mcp_url(&state),
    })
}

/// Creates a key; its text is in the answer and nowhere else, ever.
#[server(prefix = "/api", endpoint = "keys/create")]
pub async fn create_key(name: String) -> Result<CreatedKey, ApiError> {
    use crate::server::api_keys;
    let signed_in = require_user().await?;
    let (state, parts) = context()?;
    let created = api_keys::create(&state.db, state.clock.as_ref(), &signed_in.user, &name).await?;
    audit(
        &state,
        &parts,
        &signed_in.user.id,
        "api_key.create",
        ("api_key", &created.summary.id),
        serde_json::json!({ "name": created.summary.name, "prefix": created.summary.prefix }),
    )
    .await?;
    Ok(created)
}

/// Revokes a key at once: the next request with it gets 401.
#[server(prefix = "/api", endpoint = "keys/revoke")]
pub async fn revoke_key(key_id: String) -> Result<String, ApiError> {
    use crate::server::{api_keys, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, parts) = context()?;
    let t = current_texts();
    api_keys::revoke(&state.db, state.clock.as_ref(), &signed_in.user.id, &key_id).await?;
    audit(
        &state,
        &parts,
        &signed_in.user.id,
        "api_key.revoke",
        ("api_key", &key_id),
        serde_json::Value::Null,
    )
    .await?;
    Ok(t.keys.revoked.to_string())
}

/// The apps the person connected through OAuth.
#[server(prefix = "/api", endpoint = "apps")]
pub async fn list_apps() -> Result<Vec<ConnectedApp>, ApiError> {
    use crate::server::authorization;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    authorization::list_apps(&state.db, &signed_in.user.id)
        .await
        .map_err(internal)
}

/// Revokes a connected app at once: its access token is refused at the next request and its
/// refresh token no longer works.
#[server(prefix = "/api", endpoint = "apps/revoke")]
pub async fn revoke_app(grant_id: String) -> Result<String, ApiError> {
    use crate::server::{authorization, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, parts) = context()?;
    let t = current_texts();
    authorization::revoke_app(
        &state.db,
        state.clock.as_ref(),
        &signed_in.user.id,
        &grant_id,
    )
    .await
    .map_err(|e| match e {
        authorization::AppError::NotFound => refuse(http::StatusCode::NOT_FOUND, t.apps.not_found),
        authorization::AppError::Internal(e) => internal(e),
    })?;
    audit(
        &state,
        &parts,
        &signed_in.user.id,
        "oauth_grant.revoke",
        ("oauth_grant", &grant_id),
        serde_json::Value::Null,
    )
    .await?;
    Ok(t.apps.revoked.to_string())
}

/// A short-lived key for the built-in demo companies; no account needed. Limited per address.
#[server(prefix = "/api", endpoint = "demo-key")]
pub async fn create_demo_key() -> Result<DemoKey, ApiError> {
    use crate::server::{api_keys, locale::current_texts};
    let (state, parts) = context()?;
    let t = current_texts();
    let ip = super::support::client_ip(&parts);
    let now = state.clock.now();
    let hour = now - now.rem_euclid(3600);
    let hits = api_keys::count_demo_request(&state.db, &ip, hour)
        .await
        .map_err(internal)?;
    if hits > DEMO_KEYS_PER_HOUR {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            options.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from(hour + 3600 - now),
            );
        }
        return Err(refuse(
            http::StatusCode::TOO_MANY_REQUESTS,
            t.landing.demo_key_limit,
        ));
    }
    let (key, expires_at) = api_keys::create_demo(&state.db, state.clock.as_ref())
        .await
        .map_err(internal)?;
    Ok(DemoKey {
        key,
        expires_at,
        mcp_url: mcp_url(&state),
    })
}
