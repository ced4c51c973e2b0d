//! The connections page: list the caller's Exact connections, choose the default division,
//! activate divisions within the plan's cap, test and disconnect. Every function checks the
//! session first; the rules (only the caller's own rows, the plan's cap, the audit row) are the
//! connections service's.

use crate::domain::ConnectionSummary;
use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::guard::require_user;

#[cfg(feature = "ssr")]
use super::support::{client_ip, context};

#[server(prefix = "/api", endpoint = "connections")]
pub async fn list_connections() -> Result<Vec<ConnectionSummary>, ApiError> {
    use crate::server::connections;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    connections::list(&state, &signed_in.user.id)
        .await
        .map_err(Into::into)
}

#[server(prefix = "/api", endpoint = "connections/default-division")]
pub async fn set_default_division(connection_id: String, code: i64) -> Result<String, ApiError> {
    use crate::server::{connections, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    connections::set_default_division(&state, &signed_in.user.id, &connection_id, code).await?;
    Ok(current_texts().common.saved.to_string())
}

#[server(prefix = "/api", endpoint = "connections/division-active")]
pub async fn set_division_active(
    connection_id: String,
    code: i64,
    active: bool,
) -> Result<String, ApiError> {
    use crate::server::{connections, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    connections::set_division_active(&state, &signed_in.user, &connection_id, code, active).await?;
    Ok(current_texts().common.saved.to_string())
}

/// Deletes the connection and its tokens.
#[server(prefix = "/api", endpoint = "connections/disconnect")]
pub async fn disconnect(connection_id: String) -> Result<String, ApiError> {
    use crate::server::{connections, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, parts) = context()?;
    let ip = client_ip(&parts);
    connections::disconnect(&state, &signed_in.user.id, &ip, &connection_id).await?;
    Ok(current_texts().connections.disconnected.to_string())
}

/// Calls Exact's `current/Me` through the connection (refreshing its token when due): proof
/// that the connection works.
#[server(prefix = "/api", endpoint = "connections/check")]
pub async fn check_connection(connection_id: String) -> Result<String, ApiError> {
    use crate::server::{connections, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    let name = connections::check(&state, &signed_in.user.id, &connection_id).await?;
    Ok(current_texts().connections.ok(&name))
}
