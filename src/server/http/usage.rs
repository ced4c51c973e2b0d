//! `GET /api/usage`: the caller's usage as JSON, for scripts. Authenticated by API key (as `/mcp`)
//! or by the session cookie (as the dashboard). A key's requests pass its flood window, as on
//! `/mcp`.

use crate::domain::Plan;
use crate::server::{
    auth::session,
    mcp::{
        auth::{KeyAuth, refusal, resolve_key, rpc_error, unavailable},
        meter,
    },
    state::AppState,
    usage,
};
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

pub async fn usage(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let has_key = headers.contains_key(header::AUTHORIZATION) || headers.contains_key("x-api-key");
    let account: Option<(String, Plan)> = if has_key {
        let auth = match resolve_key(&state, &headers).await {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "API key lookup failed");
                return unavailable();
            }
        };
        if let Some(refused) = refusal(&state, &auth) {
            return refused;
        }
        let key_id = match &auth {
            KeyAuth::User(resolved) => resolved.owner().map_or("", |o| o.key_id.as_str()),
            KeyAuth::Demo(id) => id.as_str(),
            // Answered by `refusal` above.
            KeyAuth::Missing | KeyAuth::Invalid | KeyAuth::Suspended => "",
        };
        // A key's requests here count against its flood window, as on `/mcp`.
        if let Some(refused) = meter::flood_gate(&state, key_id, state.clock.now()).await {
            return refused;
        }
        match auth {
            KeyAuth::User(resolved) => resolved.owner().map(|o| (o.user.id.clone(), o.user.plan)),
            _ => {
                return rpc_error(
                    StatusCode::FORBIDDEN,
                    -32001,
                    "Demo keys have no account and no usage to show.",
                );
            }
        }
    } else {
        match session::resolve(&state, &headers).await {
            Ok(signed_in) => signed_in.map(|s| (s.user.id, s.user.plan)),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return unavailable();
            }
        }
    };
    let Some((user_id, plan)) = account else {
        let mut res = rpc_error(
            StatusCode::UNAUTHORIZED,
            -32001,
            "Unauthorized: send an API key ('Authorization: Bearer emcp_…') or sign in.",
        );
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer realm="exact-mcp""#),
        );
        return res;
    };
    match usage::summary(
        &state.db,
        &state.settings.usage,
        &user_id,
        plan,
        state.clock.now(),
    )
    .await
    {
        Ok(summary) => {
            let mut res = Json(summary).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "reading usage failed");
            unavailable()
        }
    }
}
