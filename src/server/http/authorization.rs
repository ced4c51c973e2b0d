//! The authorization server's machine-facing endpoints: discovery (RFC 9728 protected-resource
//! metadata, RFC 8414 server metadata, the JWKS), client registration (RFC 7591), the token
//! endpoint and revocation (RFC 7009). They take no cookies, so any origin may call them (CORS)
//! and the browser guard's same-origin rule does not apply; the consent page is `consent.rs`.

use super::consent;
use crate::domain::OAUTH_SCOPE;
use crate::server::{
    authorization::{
        TokenParams,
        clients::{self, RegistrationRequest},
    },
    client_addr::ClientAddr,
    state::AppState,
};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{Form, State, rejection::FormRejection},
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};
use tower_http::cors::{Any, CorsLayer};

/// Every route of the authorization server.
pub fn routes() -> Router<AppState> {
    let open = Router::new()
        .route(
            "/.well-known/oauth-protected-resource",
            get(resource_metadata),
        )
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(resource_metadata),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(server_metadata),
        )
        .route("/.well-known/jwks.json", get(jwks))
        .route("/oauth/register", post(register))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .max_age(std::time::Duration::from_secs(3600)),
        );
    open.merge(consent::routes())
}

/// RFC 9728: what `/mcp` is and who issues its tokens.
async fn resource_metadata(State(state): State<AppState>) -> Response {
    let a = &state.authorization;
    cached_json(json!({
        "resource": a.resource(),
        "authorization_servers": [a.issuer()],
        "scopes_supported": [OAUTH_SCOPE],
        "bearer_methods_supported": ["header"],
        "resource_name": "exact-mcp",
        "resource_documentation": format!("{}/", state.settings.public_base()),
    }))
}

/// RFC 8414: the endpoints and what they support.
async fn server_metadata(State(state): State<AppState>) -> Response {
    let issuer = state.authorization.issuer();
    cached_json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "registration_endpoint": format!("{issuer}/oauth/register"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "scopes_supported": [OAUTH_SCOPE],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "client_id_metadata_document_supported": true,
        "authorization_response_iss_parameter_supported": true,
    }))
}

async fn jwks(State(state): State<AppState>) -> Response {
    cached_json(state.authorization.tokens.jwks().clone())
}

/// Discovery documents change only with a deploy: clients may keep them an hour.
fn cached_json(body: Value) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    res
}

/// An OAuth error body (`error`, `error_description`) that is never cached.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    no_store(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

fn no_store(status: StatusCode, body: Value) -> Response {
    let mut res = (status, Json(body)).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}

/// RFC 7591 registration of a public client, throttled per address.
async fn register(State(state): State<AppState>, client: ClientAddr, body: Bytes) -> Response {
    let ip = client.to_string();
    let hour = state.clock.now().div_euclid(3600) * 3600;
    match clients::count_registration(&state.db, &ip, hour).await {
        Ok(n) if n > clients::REGISTRATIONS_PER_HOUR => {
            tracing::warn!(target: "security", %ip, "client registration throttled");
            return oauth_error(
                StatusCode::TOO_MANY_REQUESTS,
                "slow_down",
                "too many registrations from this address; try again in an hour",
            );
        }
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "counting a client registration failed");
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "try again",
            );
        }
    }
    let Ok(request) = serde_json::from_slice::<RegistrationRequest>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            "the body must be a JSON object with redirect_uris (a list of strings)",
        );
    };
    let valid = match request.validate() {
        Ok(valid) => valid,
        Err(refused) => {
            return oauth_error(StatusCode::BAD_REQUEST, refused.error, &refused.description);
        }
    };
    match clients::register(&state.db, state.clock.as_ref(), &ip, valid).await {
        Ok(row) => no_store(
            StatusCode::CREATED,
            json!({
                "client_id": row.id,
                "client_id_issued_at": state.clock.now(),
                "client_name": row.name,
                "redirect_uris": row.redirect_uris,
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "scope": OAUTH_SCOPE,
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "storing a client registration failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "try again",
            )
        }
    }
}

/// The token endpoint: form-encoded, answers JSON, never cached.
async fn token(
    State(state): State<AppState>,
    form: Result<Form<TokenParams>, FormRejection>,
) -> Response {
    let Ok(Form(params)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "send the parameters as application/x-www-form-urlencoded, each once",
        );
    };
    match state
        .authorization
        .token(&state.db, state.clock.as_ref(), &params)
        .await
    {
        Ok(tokens) => no_store(StatusCode::OK, json!(tokens)),
        Err(e) if e.internal => {
            oauth_error(StatusCode::INTERNAL_SERVER_ERROR, e.error, e.description)
        }
        Err(e) => oauth_error(StatusCode::BAD_REQUEST, e.error, e.description),
    }
}

#[derive(Deserialize)]
struct RevokeParams {
    token: Option<String>,
    client_id: Option<String>,
}

/// RFC 7009: 200 whether or not the token was known.
async fn revoke(
    State(state): State<AppState>,
    form: Result<Form<RevokeParams>, FormRejection>,
) -> Response {
    let Ok(Form(RevokeParams {
        token: Some(token),
        client_id,
    })) = form
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    match state
        .authorization
        .revoke(
            &state.db,
            state.clock.as_ref(),
            &token,
            client_id.as_deref(),
        )
        .await
    {
        Ok(()) => no_store(StatusCode::OK, json!({})),
        Err(e) => {
            tracing::error!(error = %e, "revoking a token failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "try again",
            )
        }
    }
}
