//! A pending authorization request across sign-in: when a signed-out person follows an app's
//! authorization link, its query waits in a short-lived HttpOnly cookie while they sign in (with a
//! password, a new account or Sign in with Exact), and every way of signing in then sends them to
//! [`CONTINUE_PATH`], which resumes the request. The cookie can only ever lead back to
//! `/oauth/authorize`, where the request is checked again: it is not an open redirect.

use crate::server::state::AppState;
use axum::http::{HeaderMap, HeaderValue};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

pub const COOKIE: &str = "emcp_authorize";
/// Where signing in continues when an authorization request waits.
pub const CONTINUE_PATH: &str = "/oauth/authorize/continue";
/// How long the request waits.
const SECONDS: i64 = 600;
/// The longest query kept (the cookie must stay under browsers' 4 KiB).
const MAX_QUERY_BYTES: usize = 2048;

/// The `Set-Cookie` value that keeps `query` (the authorization request's) while the person
/// signs in; `None` when the query is too long to keep.
pub fn cookie(state: &AppState, query: &str) -> Option<HeaderValue> {
    if query.len() > MAX_QUERY_BYTES {
        return None;
    }
    Some(value(state, &URL_SAFE_NO_PAD.encode(query), SECONDS))
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear(state: &AppState) -> HeaderValue {
    value(state, "", 0)
}

fn value(state: &AppState, text: &str, max_age: i64) -> HeaderValue {
    let secure = if state.settings.is_production() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={text}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("cookie text is ASCII")
}

/// The waiting authorization request's query, if the request carries one.
pub fn pending(headers: &HeaderMap) -> Option<String> {
    // Base64 makes 4 characters of every 3 bytes.
    let encoded = super::session::cookie_text(headers, COOKIE, MAX_QUERY_BYTES.div_ceil(3) * 4)?;
    let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|q| q.len() <= MAX_QUERY_BYTES && !q.contains(['\r', '\n', '#']))
}

/// Where a person who has just signed in goes: back to the waiting authorization request, or
/// `default`.
pub fn after_sign_in(headers: &HeaderMap, default: &'static str) -> &'static str {
    if pending(headers).is_some() {
        CONTINUE_PATH
    } else {
        default
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn a_kept_query_is_read_back_and_junk_is_ignored() {
        let mut h = HeaderMap::new();
        assert_eq!(pending(&h), None);
        let q = "response_type=code&client_id=https%3A%2F%2Fa.example%2Fc&state=x";
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=1; {COOKIE}={}", URL_SAFE_NO_PAD.encode(q))).unwrap(),
        );
        assert_eq!(pending(&h).as_deref(), Some(q));
        assert_eq!(after_sign_in(&h, "/dashboard"), CONTINUE_PATH);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("emcp_authorize=%%%"),
        );
        assert_eq!(pending(&h), None);
        assert_eq!(after_sign_in(&h, "/dashboard"), "/dashboard");
    }
}
