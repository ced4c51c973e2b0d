//! The Exact OAuth flow in the browser: `GET /connect/exact?region=` starts it (signed in: adds
//! a connection; signed out: "Sign in with Exact"), `GET /oauth/exact/callback` finishes it.
//!
//! The flow's rules (the single-use `state`, the account it lands on, what is stored) are the
//! connections service's ([`crate::server::connections`]). Here are the browser's parts: the
//! HttpOnly cookie that binds a flow to the browser that started it (so a state link sent to
//! someone else is worthless), the redirects, the session a Sign in with Exact starts, and the
//! friendly error page with a way back that any failure ends on.

use crate::domain::Region;
use crate::i18n::{Lang, Texts};
use crate::server::{
    auth::{secret_token::random_token, session},
    client_addr::ClientAddr,
    connections::{self, Callback, ConsentFailure, Refused, STATE_SECONDS},
    locale::lang_of,
    plain_html::{self, escape_html},
    state::AppState,
};
use axum::{
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

/// The cookie that binds a flow to the browser that started it.
pub const BINDING_COOKIE: &str = "emcp_oauth";

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
        return error_page(
            &state,
            lang,
            StatusCode::BAD_REQUEST,
            ConsentFailure::Region,
            false,
        );
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
    let user = signed_in.as_ref().map(|s| &s.user);
    let target = match connections::start_consent(&state, user, region, &binding).await {
        Ok(target) => target,
        Err(e) => {
            tracing::error!(error = %e, "starting a consent failed");
            return plain_html::internal_error_page();
        }
    };
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response();
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

pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let lang = lang_of(&headers);
    match finish(&state, &headers, client, q).await {
        Ok(res) => res,
        Err(Refused { failure, signed_in }) => {
            let status = match failure {
                ConsentFailure::Exchange => StatusCode::BAD_GATEWAY,
                ConsentFailure::EmailTaken => StatusCode::CONFLICT,
                ConsentFailure::Account => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            error_page(&state, lang, status, failure, signed_in)
        }
    }
}

/// The flow's own rules are the connections service's; here are the browser's parts: the
/// session, the binding cookie, the redirect and, for a Sign in with Exact, the new session.
async fn finish(
    state: &AppState,
    headers: &HeaderMap,
    client: ClientAddr,
    q: CallbackQuery,
) -> Result<Response, Refused> {
    let signed_in = session::resolve(state, headers).await.map_err(|e| {
        tracing::error!(error = %e, "session lookup failed");
        Refused {
            failure: ConsentFailure::Exchange,
            signed_in: false,
        }
    })?;
    let is_signed_in = signed_in.is_some();
    let ip = client.to_string();
    let connected = connections::finish_consent(
        state,
        Callback {
            state: q.state,
            code: q.code,
            error: q.error,
            binding: binding_from(headers),
            signed_in: signed_in.map(|s| s.user),
            ip: &ip,
        },
    )
    .await?;

    // Signed in with Exact while an app's authorization request waited: back to it.
    let next = crate::server::auth::return_to::after_sign_in(
        headers,
        "/dashboard/connections?connected=1",
    );
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
    if connected.signs_in {
        let ua = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let cookie = session::start(state, &connected.user.id, &ip, ua)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "starting a session failed");
                Refused {
                    failure: ConsentFailure::Exchange,
                    signed_in: is_signed_in,
                }
            })?;
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(res)
}

fn error_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    failure: ConsentFailure,
    signed_in: bool,
) -> Response {
    let t: &Texts = lang.texts();
    let message = match failure {
        ConsentFailure::Region => t.oauth.error_region,
        ConsentFailure::State => t.oauth.error_state,
        ConsentFailure::Denied => t.oauth.error_denied,
        ConsentFailure::Exchange => t.oauth.error_exchange,
        ConsentFailure::EmailTaken => t.oauth.error_email_taken,
        ConsentFailure::Account => t.oauth.error_account,
    };
    let (href, back) = if signed_in {
        ("/dashboard/connections", t.oauth.back_connections)
    } else {
        ("/login", t.oauth.back_login)
    };
    let body = format!(
        r#"<main id="oauth-error" class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center px-4 text-center"><h1 class="text-3xl font-bold">{heading}</h1><p id="oauth-error-message" class="mt-4 text-slate-600">{message}</p><a id="oauth-error-back" href="{href}" class="mt-8 rounded-md bg-emerald-600 px-4 py-2 font-medium text-white">{back}</a></main>"#,
        heading = escape_html(t.oauth.error_heading),
        message = escape_html(message),
        back = escape_html(back),
    );
    let html = plain_html::plain_page(&state.leptos_options, lang, t.oauth.error_heading, &body);
    let mut res = (status, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
