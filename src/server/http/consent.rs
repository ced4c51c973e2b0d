//! The authorization endpoint in the browser: `GET /oauth/authorize` checks the request, sends a
//! signed-out person to sign in (the request waits in a cookie, see
//! [`crate::server::auth::return_to`]) and shows the consent page; `POST /oauth/authorize` is the
//! person's answer. Problems with the client or its redirect URI are shown here and never
//! redirected; every other problem goes back to the client's verified redirect URI.
//!
//! The page is plain HTML (no framework), so it renders the same with or without JavaScript. The
//! client's name is untrusted text: escaped, and labelled as unverified.

use crate::domain::ConnectionSummary;
use crate::i18n::{Lang, Texts};
use crate::server::{
    audit::{self, Actor, Change},
    auth::{
        return_to,
        secret_token::hash_token,
        session::{self, SignedIn},
    },
    authorization::{AuthorizeError, AuthorizeParams, AuthorizeRequest, PageProblem},
    client_addr::ClientAddr,
    locale::lang_of,
    plain_html::{self, escape_html},
    state::AppState,
};
use axum::{
    Router,
    extract::{Form, Query, RawQuery, State, rejection::FormRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize).post(answer))
        .route(return_to::CONTINUE_PATH, get(resume))
}

/// Checks the request; then sign-in, or the consent page.
async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    RawQuery(raw): RawQuery,
    query: Result<Query<AuthorizeParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = lang_of(&headers);
    let Ok(Query(params)) = query else {
        return error_page(&state, lang, PageProblem::MissingClient);
    };
    let ip = client.to_string();
    let checked = state
        .authorization
        .check_request(&state.db, state.clock.as_ref(), &params, &ip)
        .await;
    let request = match checked {
        Ok(request) => request,
        Err(refused) => return refusal(&state, lang, refused),
    };
    let signed_in = match session::resolve(&state, &headers).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            return plain_html::internal_error_page();
        }
    };
    let Some(signed_in) = signed_in else {
        return sign_in_first(&state, lang, raw.as_deref().unwrap_or(""));
    };
    let connections = match crate::server::connections::list(&state, &signed_in.user.id).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "listing connections failed");
            return plain_html::internal_error_page();
        }
    };
    let html = consent_page(&state, lang, &signed_in, &request, &params, &connections);
    let mut res = Html(html).into_response();
    no_store(&mut res);
    if let Ok(csp) = HeaderValue::from_str(&consent_csp(&request.redirect_uri)) {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    res
}

/// The consent page runs no script; its form posts here, and browsers apply `form-action` to
/// the redirect that follows too, so the client's redirect origin is allowed as well.
fn consent_csp(redirect_uri: &str) -> String {
    let origin = url::Url::parse(redirect_uri)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    format!(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self' {origin}"
    )
}

/// The request waits in a cookie while the person signs in.
fn sign_in_first(state: &AppState, lang: Lang, query: &str) -> Response {
    let Some(cookie) = return_to::cookie(state, query) else {
        return error_page(state, lang, PageProblem::MissingClient);
    };
    let mut res = Redirect::to("/login?authorize=1").into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    no_store(&mut res);
    res
}

/// After signing in: back to the waiting request (its query is checked again there).
async fn resume(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let target = match return_to::pending(&headers) {
        Some(query) => format!("/oauth/authorize?{query}"),
        None => "/dashboard".to_string(),
    };
    let mut res = Redirect::to(&target).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, return_to::clear(&state));
    no_store(&mut res);
    res
}

/// The consent form as posted: the request again, the person's answer and the form's token.
#[derive(Deserialize)]
struct Answer {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    scope: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    resource: Option<String>,
    decision: Option<String>,
    csrf: Option<String>,
}

impl Answer {
    fn params(&self) -> AuthorizeParams {
        AuthorizeParams {
            response_type: self.response_type.clone(),
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            state: self.state.clone(),
            scope: self.scope.clone(),
            code_challenge: self.code_challenge.clone(),
            code_challenge_method: self.code_challenge_method.clone(),
            resource: self.resource.clone(),
        }
    }
}

async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    form: Result<Form<Answer>, FormRejection>,
) -> Response {
    let lang = lang_of(&headers);
    let Ok(Form(answer)) = form else {
        return error_page(&state, lang, PageProblem::MissingClient);
    };
    let request = match state
        .authorization
        .check_request(
            &state.db,
            state.clock.as_ref(),
            &answer.params(),
            &client.to_string(),
        )
        .await
    {
        Ok(request) => request,
        Err(refused) => return refusal(&state, lang, refused),
    };
    let signed_in = match session::resolve(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            return plain_html::internal_error_page();
        }
    };
    if answer.csrf.as_deref() != Some(form_token(&signed_in).as_str()) {
        tracing::warn!(target: "security", "a consent answer without this session's form token was refused");
        return (
            StatusCode::FORBIDDEN,
            "The form has expired; go back and try again.",
        )
            .into_response();
    }
    let location = if answer.decision.as_deref() == Some("allow") {
        match allow(&state, &signed_in, client, &request).await {
            Ok(location) => location,
            Err(e) => {
                tracing::error!(error = %e, "issuing an authorization code failed");
                return plain_html::internal_error_page();
            }
        }
    } else {
        state.authorization.deny(&request)
    };
    let mut res = Redirect::to(&location).into_response();
    no_store(&mut res);
    res
}

/// Issues the code for an allowed request and records the authorization in the audit log.
async fn allow(
    state: &AppState,
    signed_in: &SignedIn,
    client: ClientAddr,
    request: &AuthorizeRequest,
) -> Result<String, crate::server::db::DbError> {
    let user_id = &signed_in.user.id;
    let location = state
        .authorization
        .allow(&state.db, state.clock.as_ref(), user_id, request)
        .await?;
    let ip = client.to_string();
    audit::record(
        &state.db,
        state.clock.now(),
        Actor::User { id: user_id, ip: &ip },
        Change {
            action: "oauth.authorize",
            target_type: "oauth_client",
            target_id: &request.client.id,
            detail: serde_json::json!({
                "client_name": request.client.name,
                "redirect_host": crate::server::authorization::clients::host_of(&request.redirect_uri),
            }),
        },
    )
    .await?;
    Ok(location)
}

/// The consent form's token: bound to the session, so a form from another session is refused
/// (on top of the same-origin check every browser POST passes).
fn form_token(signed_in: &SignedIn) -> String {
    hash_token(&format!("oauth-consent:{}", signed_in.session_hash))
}

fn refusal(state: &AppState, lang: Lang, refused: AuthorizeError) -> Response {
    match refused {
        AuthorizeError::Page(problem) => error_page(state, lang, problem),
        AuthorizeError::Redirect { location } => {
            let mut res = Redirect::to(&location).into_response();
            no_store(&mut res);
            res
        }
    }
}

fn no_store(res: &mut Response) {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

const BUTTON: &str = "rounded-md px-4 py-2 font-medium";

fn consent_page(
    state: &AppState,
    lang: Lang,
    signed_in: &SignedIn,
    request: &AuthorizeRequest,
    params: &AuthorizeParams,
    connections: &[ConnectionSummary],
) -> String {
    let t: &Texts = lang.texts();
    let c = &t.consent;
    let redirect_host = crate::server::authorization::clients::host_of(&request.redirect_uri);
    let administrations = administrations(t, connections);
    let hidden: String = [
        ("response_type", params.response_type.as_deref()),
        ("client_id", params.client_id.as_deref()),
        ("redirect_uri", params.redirect_uri.as_deref()),
        ("state", params.state.as_deref()),
        ("scope", params.scope.as_deref()),
        ("code_challenge", params.code_challenge.as_deref()),
        (
            "code_challenge_method",
            params.code_challenge_method.as_deref(),
        ),
        ("resource", params.resource.as_deref()),
        ("csrf", Some(form_token(signed_in).as_str())),
    ]
    .iter()
    .filter_map(|(name, value)| {
        value.map(|v| {
            format!(
                r#"<input type="hidden" name="{name}" value="{}">"#,
                escape_html(v)
            )
        })
    })
    .collect();
    let body = format!(
        r#"<main id="consent" class="mx-auto max-w-xl px-4 py-16"><h1 class="text-2xl font-bold">{title}</h1>
<div class="mt-6 rounded-xl border border-slate-200 p-6"><p id="consent-client" class="text-lg font-semibold">{name}</p><p class="text-sm text-slate-500">{host}</p><p class="mt-2 text-sm text-amber-700">{unverified}</p>
<p class="mt-4 text-sm">{returns_to} <strong id="consent-redirect-host">{redirect_host}</strong></p></div>
<p class="mt-6">{can_read}</p>{administrations}<p class="mt-4 text-sm text-slate-600">{read_only}</p>
<p class="mt-4 text-sm text-slate-500">{signed_in_as} <strong>{email}</strong></p>
<form method="post" action="/oauth/authorize" class="mt-8 flex gap-3">{hidden}<button id="consent-allow" type="submit" name="decision" value="allow" class="{BUTTON} bg-emerald-600 text-white">{allow}</button><button id="consent-deny" type="submit" name="decision" value="deny" class="{BUTTON} border border-slate-300">{deny}</button></form></main>"#,
        title = escape_html(c.title),
        name = escape_html(&request.client.name),
        host = escape_html(&request.client.host),
        unverified = escape_html(c.unverified),
        returns_to = escape_html(c.returns_to),
        redirect_host = escape_html(&redirect_host),
        can_read = escape_html(c.can_read),
        read_only = escape_html(c.read_only),
        signed_in_as = escape_html(c.signed_in_as),
        email = escape_html(&signed_in.user.email),
        allow = escape_html(c.allow),
        deny = escape_html(c.deny),
    );
    plain_html::plain_page(&state.leptos_options, lang, c.title, &body)
}

/// The person's administrations, as a list (or a note that there are none yet).
fn administrations(t: &Texts, connections: &[ConnectionSummary]) -> String {
    let items: String = connections
        .iter()
        .flat_map(|c| c.divisions.iter().filter(|d| d.is_active))
        .map(|d| format!("<li>{} ({})</li>", escape_html(&d.name), d.code))
        .collect();
    if items.is_empty() {
        format!(
            r#"<p id="consent-no-connections" class="mt-2 text-sm">{}</p>"#,
            escape_html(t.consent.no_connections)
        )
    } else {
        format!(r#"<ul id="consent-administrations" class="mt-2 list-disc pl-6">{items}</ul>"#)
    }
}

fn error_page(state: &AppState, lang: Lang, problem: PageProblem) -> Response {
    let t: &Texts = lang.texts();
    let c = &t.consent;
    let (status, message) = match problem {
        PageProblem::MissingClient => (StatusCode::BAD_REQUEST, c.error_missing_client),
        PageProblem::UnknownClient => (StatusCode::BAD_REQUEST, c.error_unknown_client),
        PageProblem::ClientMetadata => (StatusCode::BAD_REQUEST, c.error_client_metadata),
        PageProblem::RedirectUri => (StatusCode::BAD_REQUEST, c.error_redirect_uri),
        PageProblem::Throttled => (StatusCode::TOO_MANY_REQUESTS, c.error_throttled),
        PageProblem::Internal => (StatusCode::INTERNAL_SERVER_ERROR, c.error_internal),
    };
    let body = format!(
        r#"<main id="authorize-error" class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center px-4 text-center"><h1 class="text-3xl font-bold">{heading}</h1><p id="authorize-error-message" class="mt-4 text-slate-600">{message}</p><a href="/dashboard" class="mt-8 rounded-md bg-emerald-600 px-4 py-2 font-medium text-white">{back}</a></main>"#,
        heading = escape_html(c.error_heading),
        message = escape_html(message),
        back = escape_html(c.back_dashboard),
    );
    let html = plain_html::plain_page(&state.leptos_options, lang, c.error_heading, &body);
    let mut res = (status, Html(html)).into_response();
    no_store(&mut res);
    res
}
