//! Authorization for browser requests, checked on the server: `protect_pages` for page routes
//! and `same_origin_only` in front of every state-changing browser request. Server functions
//! check through `api::guard`, which resolves the session the same way.

use super::session;
use crate::domain::Role;
use crate::server::state::AppState;
use axum::{
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

/// Page routes under `/dashboard` need a session (else a redirect to `/login`), those under
/// `/admin` an admin (else 403). The signed-in user rides along in the request extensions.
pub async fn protect_pages(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let needs_admin = path == "/admin" || path.starts_with("/admin/");
    let needs_user = needs_admin || path == "/dashboard" || path.starts_with("/dashboard/");
    if !needs_user {
        return next.run(req).await;
    }
    match session::resolve(&state, req.headers()).await {
        Ok(Some(signed_in)) => {
            let role =
                crate::server::accounts::role_of(&state.settings.admin_emails, &signed_in.user);
            if needs_admin && role != Role::Admin {
                let lang = crate::server::locale::lang_of(req.headers());
                return (
                    StatusCode::FORBIDDEN,
                    axum::response::Html(forbidden_html(&state, lang)),
                )
                    .into_response();
            }
            req.extensions_mut().insert(signed_in);
            next.run(req).await
        }
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            crate::server::plain_html::internal_error_page()
        }
    }
}

/// The 403 page for signed-in non-admins (no framework involved, so it cannot fail to render).
fn forbidden_html(state: &AppState, lang: crate::i18n::Lang) -> String {
    let t = lang.texts();
    let body = format!(
        r#"<main class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center px-4 text-center"><p class="text-sm font-semibold text-emerald-600">403</p><h1 class="mt-2 text-3xl font-bold">{heading}</h1><a href="/dashboard" class="mt-8 rounded-md bg-emerald-600 px-4 py-2 font-medium text-white">{back}</a></main>"#,
        heading = crate::server::plain_html::escape_html(t.common.admins_only),
        back = crate::server::plain_html::escape_html(t.dashboard.section_overview),
    );
    crate::server::plain_html::plain_page(&state.leptos_options, lang, "403", &body)
}

/// The OAuth endpoints apps call from anywhere (registration, token, revocation): they never
/// read cookies, so a cross-site POST to them carries no ambient authority.
pub const CROSS_ORIGIN_POSTS: &[&str] = &["/oauth/register", "/oauth/token", "/oauth/revoke"];

/// Refuses state-changing requests that a browser marks as cross-site, or that carry no proof of
/// origin at all (on top of SameSite cookies). `/mcp` is exempt: it authenticates with API keys,
/// never cookies; so are the OAuth endpoints apps call (registration, token, revocation), and the embedded Exact simulator (development only), which stands for another
/// site and is called server to server.
pub async fn same_origin_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path();
    if !unsafe_method
        || path.starts_with("/mcp")
        || path.starts_with("/sim/exact/")
        || CROSS_ORIGIN_POSTS.contains(&path)
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let allowed = match (fetch_site, origin) {
        (Some(site), _) if site != "same-origin" && site != "none" => false,
        (_, Some(origin)) => origin_matches(&state, headers, origin),
        (Some(_), None) => true,
        (None, None) => false,
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(?fetch_site, ?origin, "cross-site request refused");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

fn origin_matches(state: &AppState, headers: &axum::http::HeaderMap, origin: &str) -> bool {
    let public = state.settings.public_url.origin().ascii_serialization();
    if origin == public {
        return true;
    }
    // Our own address as the browser used it (e.g. a second hostname for the same service).
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|h| origin == format!("http://{h}") || origin == format!("https://{h}"))
}
