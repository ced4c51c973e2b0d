//! HTML written by hand, for answers that must not depend on the page framework: the 500 page
//! (also the answer to a handler that panicked) and the escaping of text put into such pages.
//! Low in the house on purpose: the guards, the HTTP edge and the OAuth pages all use it.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// A panic inside a handler becomes this page; the panic itself goes to the log only.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(non-text panic payload)");
    tracing::error!(panic = detail, "handler panicked");
    internal_error_page()
}

/// The generic 500 page: no internals, a way back, and the request id (in the response header)
/// is what support asks for.
pub fn internal_error_page() -> Response {
    let mut res = (StatusCode::INTERNAL_SERVER_ERROR, Html(INTERNAL_ERROR_HTML)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

const INTERNAL_ERROR_HTML: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Something went wrong · exact-mcp</title><link rel="stylesheet" href="/pkg/exact-mcp.css"></head>
<body class="antialiased"><main class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center px-4 text-center">
<p class="text-sm font-semibold text-emerald-600">500</p>
<h1 class="mt-2 text-3xl font-bold">Something went wrong on our side</h1>
<p class="mt-4 text-slate-600">We have logged the problem. Please try again in a moment; nothing you saved is lost.
If it keeps happening, contact support and mention the request id from this response.</p>
<a href="/" class="mt-8 rounded-md bg-emerald-600 px-4 py-2 font-medium text-white">Back to the start page</a>
</main></body></html>"#;

/// Escapes text for HTML written by hand (pages that render without the framework).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
