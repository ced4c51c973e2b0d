//! The Exact OAuth flow in the browser: `GET /connect/exact?region=` starts it (signed in: adds
//! a connection; signed out: "Sign in with Exact"), `GET /oauth/exact/callback` finishes it.
//!
//! The `state` is random, stored hashed, single-use and lives 10 minutes; it is bound to the
//! browser by a separate HttpOnly cookie (so a state link sent to someone else is worthless) and,
//! when the flow adds a connection, to the signed-in account. Any failure shows a friendly page
//! with a way back, stores nothing, and is logged with context but never with the code, a
//! token or the state itself.

use crate::domain::Region;
use crate::i18n::{Lang, Texts};
use crate::server::{
    accounts::{self, AccountError},
    audit::{self, Actor, Change},
    auth::session::{self, hash_token, random_token},
    db::{connections, oauth_states, users},
    exact::REFRESH_TOKEN_SECONDS,
    locale::lang_of,
    plain_html::{self, escape_html},
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;
use std::net::SocketAddr;

/// The cookie that binds a flow to the browser that started it.
pub const BINDING_COOKIE: &str = "emcp_oauth";
/// How long a started flow may take.
pub const STATE_SECONDS: i64 = 10 * 60;

const PURPOSE_CONNECT: &str = "connect";
const PURPOSE_SIGN_IN: &str = "signin";

#[derive(Deserialize)]
pub struct ConnectQuery {
    region: Option<String>,
}

pub async fn connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ConnectQuery>,
) -> Response {
    let lang = lang_of(&headers);
    let Some(region) = Region::parse(q.region.as_deref().unwrap_or("nl")) else {
        return error_page(lang, StatusCode::BAD_REQUEST, Failure::Region, false);
    };
    let signed_in = match session::resolve(&state, &headers).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            return plain_html::internal_error_page();
        }
    };
    // One binding per browser: reuse the cookie so two tabs can connect at once.
    let binding = binding_from(&headers).unwrap_or_else(random_token);
    let state_token = random_token();
    let now = state.clock.now();
    let purpose = if signed_in.is_some() {
        PURPOSE_CONNECT
    } else {
        PURPOSE_SIGN_IN
    };
    let stored = oauth_states::insert(
        &state.db,
        oauth_states::NewState {
            state_hash: &hash_token(&state_token),
            binding_hash: &hash_token(&binding),
            user_id: signed_in.as_ref().map(|s| s.user.id.as_str()),
            purpose,
            region: region.code(),
            expires_at: now + STATE_SECONDS,
        },
        now,
    )
    .await;
    if let Err(e) = stored {
        tracing::error!(error = %e, "could not store an OAuth state");
        return plain_html::internal_error_page();
    }
    let target = match state.exact.authorize_url(region, &state_token) {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "could not build Exact's authorize URL");
            return plain_html::internal_error_page();
        }
    };
    tracing::info!(region = region.code(), purpose, "Exact consent started");
    let mut res = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, target.as_str().to_string())],
    )
        .into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, binding_cookie(&state, &binding));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn binding_cookie(state: &AppState, value: &str) -> HeaderValue {
    let secure = if state.settings.is_production() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{BINDING_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={STATE_SECONDS}{secure}"
    ))
    .expect("cookie text is ASCII")
}

fn binding_from(headers: &HeaderMap) -> Option<String> {
    session::cookie_value(headers, BINDING_COOKIE).filter(|v| v.len() >= 32)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Why a flow ended on the error page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Region,
    State,
    Denied,
    Exchange,
    EmailTaken,
    Account,
}

pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let lang = lang_of(&headers);
    match finish(&state, &headers, &peer, q).await {
        Ok(res) => res,
        Err((failure, signed_in)) => {
            let status = match failure {
                Failure::Exchange => StatusCode::BAD_GATEWAY,
                Failure::EmailTaken => StatusCode::CONFLICT,
                Failure::Account => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            error_page(lang, status, failure, signed_in)
        }
    }
}

type Failed = (Failure, bool);

async fn finish(
    state: &AppState,
    headers: &HeaderMap,
    peer: &SocketAddr,
    q: CallbackQuery,
) -> Result<Response, Failed> {
    let now = state.clock.now();
    let signed_in = session::resolve(state, headers).await.map_err(|e| {
        tracing::error!(error = %e, "session lookup failed");
        (Failure::Exchange, false)
    })?;
    let is_signed_in = signed_in.is_some();
    let fail = |f: Failure| (f, is_signed_in);

    let Some(state_param) = q.state.filter(|s| !s.is_empty() && s.len() <= 256) else {
        tracing::warn!("Exact callback without a state");
        return Err(fail(Failure::State));
    };
    let row = oauth_states::take(&state.db, &hash_token(&state_param))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "OAuth state lookup failed");
            fail(Failure::Exchange)
        })?;
    let Some(row) = row else {
        tracing::warn!("Exact callback with an unknown or already used state");
        return Err(fail(Failure::State));
    };
    if row.expires_at <= now {
        tracing::warn!(purpose = %row.purpose, "Exact callback with an expired state");
        return Err(fail(Failure::State));
    }
    let bound = binding_from(headers).is_some_and(|b| hash_token(&b) == row.binding_hash);
    if !bound {
        tracing::warn!(purpose = %row.purpose, "Exact callback from a browser that did not start the flow");
        return Err(fail(Failure::State));
    }
    let Some(region) = Region::parse(&row.region) else {
        return Err(fail(Failure::Region));
    };
    if let Some(error) = q.error {
        let error: String = error
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(40)
            .collect();
        tracing::info!(region = region.code(), %error, "Exact consent declined");
        return Err(fail(Failure::Denied));
    }
    // Adding a connection: the same account must still be signed in.
    if row.purpose == PURPOSE_CONNECT {
        let same = matches!((&signed_in, &row.user_id), (Some(s), Some(id)) if &s.user.id == id);
        if !same {
            tracing::warn!("Exact callback for an account that is no longer signed in");
            return Err(fail(Failure::State));
        }
    }
    let Some(code) = q.code.filter(|c| !c.is_empty() && c.len() <= 4096) else {
        tracing::warn!("Exact callback without a code");
        return Err(fail(Failure::Exchange));
    };

    let grant = state
        .exact
        .exchange_code(region, &code)
        .await
        .map_err(|e| {
            tracing::warn!(region = region.code(), error = ?e, "Exact code exchange failed");
            fail(Failure::Exchange)
        })?;
    let identity = state
        .exact
        .identity(region, &grant.access_token)
        .await
        .map_err(|e| {
            tracing::warn!(region = region.code(), error = %e, "reading the Exact user failed");
            fail(Failure::Exchange)
        })?;

    // Whose connection is this?
    let (user, new_session) = match signed_in {
        Some(s) if row.purpose == PURPOSE_CONNECT => (s.user, false),
        _ => {
            let user = sign_in_user(state, &identity)
                .await
                .map_err(|f| (f, false))?;
            (user, true)
        }
    };
    if user.status != crate::domain::AccountStatus::Active {
        return Err(fail(Failure::Account));
    }
    if let Err(e) = users::bind_exact_user(&state.db, &user.id, &identity.user_id, now).await {
        tracing::warn!(error = %e, "could not bind the Exact user to the account");
    }
    let connection_id = connections::upsert_connected(
        &state.db,
        state.exact.vault(),
        connections::Connected {
            user_id: &user.id,
            region,
            exact_user_id: &identity.user_id,
            exact_user_name: &identity.full_name,
            exact_email: &identity.email,
            access_token: &grant.access_token,
            refresh_token: &grant.refresh_token,
            issued_at: now,
            expires_in: grant.expires_in,
            refresh_token_seconds: REFRESH_TOKEN_SECONDS,
            divisions: &identity.divisions,
            current_division: identity.current_division,
            max_active_divisions: user.plan.max_active_divisions(),
        },
    )
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "storing the Exact connection failed");
        fail(Failure::Exchange)
    })?;
    let ip = peer.ip().to_string();
    let audited = audit::record(
        &state.db,
        now,
        Actor::User {
            id: &user.id,
            ip: &ip,
        },
        Change {
            action: "connection.connected",
            target_type: "connection",
            target_id: &connection_id,
            detail: serde_json::json!({ "region": region.code(), "divisions": identity.divisions.len() }),
        },
    )
    .await;
    if let Err(e) = audited {
        tracing::error!(error = %e, "audit entry failed");
    }
    tracing::info!(region = region.code(), %connection_id, divisions = identity.divisions.len(), "Exact connected");

    let mut res = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/dashboard/connections?connected=1")],
    )
        .into_response();
    if new_session {
        let ua = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let cookie = session::start(state, &user.id, &ip, ua)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "starting a session failed");
                fail(Failure::Exchange)
            })?;
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(res)
}

/// "Sign in with Exact" (see [`accounts::sign_in_with_exact`]), its refusals as error pages.
async fn sign_in_user(
    state: &AppState,
    identity: &crate::server::exact::Identity,
) -> Result<users::UserRow, Failure> {
    let exact_user = accounts::ExactUser {
        user_id: &identity.user_id,
        email: &identity.email,
        full_name: &identity.full_name,
    };
    accounts::sign_in_with_exact(
        &state.db,
        state.clock.as_ref(),
        &state.settings.admin_emails,
        exact_user,
    )
    .await
    .map_err(|e| match e {
        AccountError::Validation(_) => Failure::Account,
        AccountError::EmailTaken => Failure::EmailTaken,
        AccountError::Internal(e) => {
            tracing::error!(error = %format!("{e:#}"), "account lookup failed");
            Failure::Exchange
        }
        // Not an answer Sign in with Exact gives; a failed exchange all the same.
        AccountError::NotFound => Failure::Exchange,
    })
}

fn error_page(lang: Lang, status: StatusCode, failure: Failure, signed_in: bool) -> Response {
    let t: &Texts = lang.texts();
    let message = match failure {
        Failure::Region => t.oauth_error_region,
        Failure::State => t.oauth_error_state,
        Failure::Denied => t.oauth_error_denied,
        Failure::Exchange => t.oauth_error_exchange,
        Failure::EmailTaken => t.oauth_error_email_taken,
        Failure::Account => t.oauth_error_account,
    };
    let (href, back) = if signed_in {
        ("/dashboard/connections", t.oauth_back_connections)
    } else {
        ("/login", t.oauth_back_login)
    };
    let html = format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{heading} · exact-mcp</title><link rel="stylesheet" href="/pkg/exact-mcp.css"></head><body class="antialiased"><main id="oauth-error" class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center px-4 text-center"><h1 class="text-3xl font-bold">{heading}</h1><p id="oauth-error-message" class="mt-4 text-slate-600">{message}</p><a id="oauth-error-back" href="{href}" class="mt-8 rounded-md bg-emerald-600 px-4 py-2 font-medium text-white">{back}</a></main></body></html>"#,
        lang = lang.code(),
        heading = escape_html(t.oauth_error_heading),
        message = escape_html(message),
        back = escape_html(back),
    );
    let mut res = (status, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
