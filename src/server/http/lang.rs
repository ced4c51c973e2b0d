//! `GET /lang/{code}?next=/path`: remembers a language choice in a cookie and goes back to the
//! page. A full page load, so every text (server-rendered and hydrated) switches at once, and it
//! works without JavaScript. `next` must be a path on this site: never an open redirect.

use crate::{i18n::Lang, server::state::AppState};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

#[derive(serde::Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn switch(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Next>,
) -> Response {
    let Some(lang) = Lang::parse(&code).filter(|l| l.code() == code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let target = q
        .next
        .as_deref()
        .filter(|n| is_local_path(n))
        .unwrap_or("/");
    let mut res = Redirect::to(target).into_response();
    let cookie = crate::server::locale::lang_cookie(lang, state.settings.is_production());
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// A path on this origin: starts with one `/`, no scheme-relative `//`, no backslash tricks, no
/// control characters.
fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 2048
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/dashboard/settings?x=1#y"));
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
