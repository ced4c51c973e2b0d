//! Request ids and the security headers every response carries.

use crate::server::{client_addr::ClientAddr, request_id::REQUEST_ID, state::AppState};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Client-supplied request ids are kept only when short and plain, so a caller cannot inject
/// odd text into our logs; anything else is replaced by a fresh id.
pub async fn sanitize_request_id(mut req: Request, next: Next) -> Response {
    let acceptable = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        });
    if !acceptable {
        req.headers_mut().remove(&REQUEST_ID);
    }
    next.run(req).await
}

/// The span of one request, with the client's address (the one the throttles and the audit log
/// use). The path is logged, the query string never is: OAuth callbacks carry codes there.
pub fn request_span(req: &Request) -> tracing::Span {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let client = ClientAddr::of(req.extensions());
    tracing::info_span!("request", request_id = %id, client = %client, method = %req.method(), path = %req.uri().path())
}

/// The policy for responses that are not pages (JSON, files, error bodies): nothing may run.
const DEFAULT_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    // Pages set their own policy with the render's nonce; everything else gets the strict one.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        );
    }
    if state.settings.is_production() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

/// The policy for server-rendered pages: scripts only from this origin or carrying this render's
/// nonce, wasm allowed to compile, nothing may frame us. Forms post here only, except that the
/// "connect Exact" form's redirect may continue to Exact's sites (`exact_origins`): browsers
/// apply `form-action` to the redirects after a submission too.
pub fn page_csp(nonce: &str, reload_websocket: Option<&str>, exact_origins: &str) -> String {
    let connect = match reload_websocket {
        Some(ws) => format!("'self' {ws}"),
        None => "'self'".to_string(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; \
         connect-src {connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self' {exact_origins}; \
         object-src 'none'"
    )
}
