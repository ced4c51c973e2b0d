//! The connections page: list the caller's Exact connections, choose the default division,
//! activate divisions within the plan's cap, test and disconnect. Every function checks the
//! session first and touches only the caller's own rows (the queries filter on the user).

use crate::domain::ConnectionSummary;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{audit, context, internal};

#[server(prefix = "/api", endpoint = "connections")]
pub async fn list_connections() -> Result<Vec<ConnectionSummary>, ServerFnError> {
    use crate::server::{auth::guard::require_user, db::connections};
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    connections::list_for_user(&state.db, &signed_in.user.id)
        .await
        .map_err(internal)
}

#[server(prefix = "/api", endpoint = "connections/default-division")]
pub async fn set_default_division(
    connection_id: String,
    code: i64,
) -> Result<String, ServerFnError> {
    use crate::server::{
        auth::guard::{refuse, require_user},
        db::connections,
        locale::current_texts,
    };
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    let t = current_texts();
    let done =
        connections::set_default_division(&state.db, &signed_in.user.id, &connection_id, code)
            .await
            .map_err(internal)?;
    if !done {
        return Err(refuse(http::StatusCode::NOT_FOUND, t.connection_not_found));
    }
    Ok(t.saved.to_string())
}

#[server(prefix = "/api", endpoint = "connections/division-active")]
pub async fn set_division_active(
    connection_id: String,
    code: i64,
    active: bool,
) -> Result<String, ServerFnError> {
    use crate::server::{
        auth::guard::{refuse, require_user},
        db::connections::{self, Activation},
        locale::current_texts,
    };
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    let t = current_texts();
    let outcome = connections::set_division_active(
        &state.db,
        &signed_in.user.id,
        &connection_id,
        code,
        active,
        signed_in.user.plan.max_active_divisions(),
    )
    .await
    .map_err(internal)?;
    match outcome {
        Activation::Done => Ok(t.saved.to_string()),
        Activation::NotFound => Err(refuse(http::StatusCode::NOT_FOUND, t.connection_not_found)),
        Activation::OverCap(cap) => Err(refuse(
            http::StatusCode::CONFLICT,
            &(t.division_cap_reached)(cap),
        )),
    }
}

/// Deletes the connection and its tokens.
#[server(prefix = "/api", endpoint = "connections/disconnect")]
pub async fn disconnect(connection_id: String) -> Result<String, ServerFnError> {
    use crate::server::{
        auth::guard::{refuse, require_user},
        db::connections,
        locale::current_texts,
    };
    let signed_in = require_user().await?;
    let (state, parts) = context()?;
    let t = current_texts();
    let deleted = connections::delete_for_user(&state.db, &signed_in.user.id, &connection_id)
        .await
        .map_err(internal)?;
    if !deleted {
        return Err(refuse(http::StatusCode::NOT_FOUND, t.connection_not_found));
    }
    audit(
        &state,
        &parts,
        &signed_in.user.id,
        "connection.disconnected",
        ("connection", &connection_id),
        serde_json::json!({}),
    )
    .await?;
    Ok(t.disconnected.to_string())
}

/// Calls Exact's `current/Me` through the connection (refreshing its token when due): proof
/// that the connection works.
#[server(prefix = "/api", endpoint = "connections/check")]
pub async fn check_connection(connection_id: String) -> Result<String, ServerFnError> {
    use crate::server::{
        auth::guard::{refuse, require_user},
        db::connections,
        exact::ExactError,
        locale::current_texts,
    };
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    let t = current_texts();
    // Ownership first: the connection must be the caller's.
    if connections::region_for_user(&state.db, &signed_in.user.id, &connection_id)
        .await
        .map_err(internal)?
        .is_none()
    {
        return Err(refuse(http::StatusCode::NOT_FOUND, t.connection_not_found));
    }
    match state
        .exact
        .get_json(&connection_id, "current/Me", &[])
        .await
    {
        Ok(me) => {
            let name = me
                .pointer("/d/results/0/FullName")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            Ok((t.connection_ok)(&name))
        }
        Err(ExactError::NeedsReauth { .. }) => Err(refuse(
            http::StatusCode::CONFLICT,
            t.connection_needs_reauth_message,
        )),
        Err(ExactError::NotConnected) => {
            Err(refuse(http::StatusCode::NOT_FOUND, t.connection_not_found))
        }
        Err(e) => {
            tracing::warn!(%connection_id, kind = e.kind(), error = %e, "connection check failed");
            Err(refuse(
                http::StatusCode::BAD_GATEWAY,
                t.connection_check_failed,
            ))
        }
    }
}
