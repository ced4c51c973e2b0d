//! Authentication of `/mcp`, in front of any MCP processing: an API key from
//! `Authorization: Bearer …` or `X-API-Key`, looked up by its hash, or a connected app's access
//! token (a JWT of the authorization server, `Authorization: Bearer` only), verified and resolved
//! to its grant. Both become the same [`Caller`]: same plan, limits, quota and usage. Missing or
//! unknown credentials get 401 with a `WWW-Authenticate` challenge naming the protected-resource
//! metadata (RFC 9728), so OAuth clients can discover how to sign in; a suspended account's key
//! gets 403 (its access tokens are invalid: 401). The caller rides along in the request's extensions, where the tool handlers read it.

use super::caller::{Caller, Subject};
use crate::server::{
    api_keys::{self, KeyHolder, PresentedKey, Resolved},
    authorization::{TokenAuth, tokens::looks_like_jwt},
    db::DbError,
    state::AppState,
    timings::{self, Step},
};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::json;
use std::sync::Arc;

/// A key's last use is written at most this often (and never on the request's path).
const TOUCH_EVERY_SECONDS: i64 = 60;

/// JSON-RPC's code for "the server refused the caller" (implementation-defined range).
const UNAUTHORIZED_CODE: i64 = -32001;

/// The credential the request carries, if any, and whether it came as a bearer token.
fn presented_key(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = value.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| (token.trim().to_string(), true));
    }
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| (v.trim().to_string(), false))
}

/// A JSON-RPC error body with an HTTP status.
pub fn rpc_error(status: StatusCode, code: i64, message: &str) -> Response {
    let body = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Where OAuth clients read how to get a token for `/mcp` (RFC 9728, path-suffixed form).
pub fn resource_metadata_url(state: &AppState) -> String {
    format!(
        "{}/.well-known/oauth-protected-resource/mcp",
        state.settings.public_base()
    )
}

fn unauthorized(state: &AppState, presented: bool) -> Response {
    let metadata = resource_metadata_url(state);
    let scope = crate::domain::OAUTH_SCOPE;
    let (challenge, message) = if presented {
        (
            format!(
                r#"Bearer resource_metadata="{metadata}", scope="{scope}", error="invalid_token", error_description="The access token or API key is invalid, expired or revoked""#
            ),
            "Unauthorized: the access token or API key is invalid, expired or has been revoked. Sign in again, or create a new key on the dashboard.",
        )
    } else {
        (
            format!(r#"Bearer resource_metadata="{metadata}", scope="{scope}""#),
            "Unauthorized: sign in through OAuth, or send your API key as 'Authorization: Bearer emcp_…' or 'X-API-Key: emcp_…'.",
        )
    };
    let mut res = rpc_error(StatusCode::UNAUTHORIZED, UNAUTHORIZED_CODE, message);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    res
}

pub fn unavailable() -> Response {
    rpc_error(
        StatusCode::SERVICE_UNAVAILABLE,
        -32603,
        "The service is temporarily unavailable. Try again in a moment.",
    )
}

/// What the request's API key turned out to be.
pub enum KeyAuth {
    Missing,
    /// Malformed, unknown, revoked or expired.
    Invalid,
    Suspended,
    /// An active account's key (its holder is [`KeyHolder::User`]).
    User(Arc<Resolved>),
    Demo(String),
}

/// Resolves the request's key (by its hash, from this process's memory of keys when current) or
/// access token. Database trouble is an error for the caller to answer with 503.
pub async fn resolve_key(state: &AppState, headers: &HeaderMap) -> Result<KeyAuth, DbError> {
    let Some((text, bearer)) = presented_key(headers) else {
        return Ok(KeyAuth::Missing);
    };
    let resolved = if let Ok(key) = PresentedKey::parse(&text) {
        api_keys::resolve(&state.db, state.clock.as_ref(), &state.keys, &key).await?
    } else if bearer && looks_like_jwt(&text) {
        let auth = state
            .authorization
            .resolve_access_token(&state.db, state.clock.as_ref(), &text)
            .await?;
        match auth {
            TokenAuth::Resolved(resolved) => resolved,
            TokenAuth::Invalid => return Ok(KeyAuth::Invalid),
        }
    } else {
        return Ok(KeyAuth::Invalid);
    };
    Ok(match &resolved.holder {
        KeyHolder::User(_) => KeyAuth::User(resolved),
        KeyHolder::Suspended => KeyAuth::Suspended,
        KeyHolder::Demo { id, .. } => KeyAuth::Demo(id.clone()),
        KeyHolder::Unknown => KeyAuth::Invalid,
    })
}

/// The refusal for a key that is missing, invalid or suspended, as JSON-RPC error bodies.
pub fn refusal(state: &AppState, auth: &KeyAuth) -> Option<Response> {
    match auth {
        KeyAuth::Missing => Some(unauthorized(state, false)),
        KeyAuth::Invalid => Some(unauthorized(state, true)),
        KeyAuth::Suspended => Some(rpc_error(
            StatusCode::FORBIDDEN,
            UNAUTHORIZED_CODE,
            "Forbidden: this account is suspended. Contact support.",
        )),
        KeyAuth::User(_) | KeyAuth::Demo(_) => None,
    }
}

/// Resolves the key to a caller, or answers the request itself.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let auth = match resolve_key(&state, req.headers()).await {
        Ok(auth) => auth,
        Err(e) => {
            tracing::error!(error = %e, "API key lookup failed");
            return unavailable();
        }
    };
    if let Some(refused) = refusal(&state, &auth) {
        return refused;
    }
    let now = state.clock.now();
    let caller = match auth {
        KeyAuth::User(resolved) => {
            let Some(owner) = resolved.owner() else {
                return unauthorized(&state, true);
            };
            if resolved.claim_touch(now, TOUCH_EVERY_SECONDS) {
                let db = state.db.clone();
                let key_id = owner.key_id.clone();
                let app = owner.app.is_some();
                tokio::spawn(async move {
                    let touched = if app {
                        crate::server::authorization::touch_grant(&db, &key_id, now).await
                    } else {
                        api_keys::touch(&db, &key_id, now).await
                    };
                    if let Err(e) = touched {
                        tracing::warn!(error = %e, "recording a key's or app's last use failed");
                    }
                });
            }
            Caller {
                subject: Subject::User {
                    user_id: owner.user.id.clone(),
                    email: owner.user.email.clone(),
                    plan: owner.user.plan,
                    key_id: owner.key_id.clone(),
                    app: owner.app.clone(),
                    locale: owner.user.locale.clone(),
                },
                connections: resolved.connections.clone(),
            }
        }
        KeyAuth::Demo(id) => Caller::demo(id),
        KeyAuth::Missing | KeyAuth::Invalid | KeyAuth::Suspended => {
            return unauthorized(&state, true);
        }
    };
    req.extensions_mut().insert(Arc::new(caller));
    timings::since(Step::Authenticate, started);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_either_header() {
        let mut h = HeaderMap::new();
        assert_eq!(presented_key(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  emcp_x "),
        );
        assert_eq!(presented_key(&h), Some(("emcp_x".into(), true)));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(presented_key(&h), None);
        let mut h = HeaderMap::new();
        h.insert("x-api-key", HeaderValue::from_static("emcp_y"));
        assert_eq!(presented_key(&h), Some(("emcp_y".into(), false)));
    }
}
