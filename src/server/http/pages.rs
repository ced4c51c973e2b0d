//! The HTML document around every page, and the 500 page, which must work even when rendering
//! itself is what failed.

use super::headers::page_csp;
use crate::ui::{App, theme_bootstrap_js};
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use leptos::{nonce::use_nonce, prelude::*};
use leptos_meta::{MetaTags, Stylesheet};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let nonce = use_nonce();
    if let (Some(response), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        nonce.as_ref(),
    ) {
        // cargo-leptos' live reload talks over a websocket on the reload port; only in watch mode.
        let reload = std::env::var_os("LEPTOS_WATCH")
            .map(|_| format!("ws://{}:{}", options.site_addr.ip(), options.reload_port));
        let exact_origins = use_context::<crate::server::state::AppState>()
            .map(|s| s.exact.origins().join(" "))
            .unwrap_or_default();
        if let Ok(value) =
            HeaderValue::from_str(&page_csp(nonce, reload.as_deref(), exact_origins.trim()))
        {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    let lang = crate::server::locale::current_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <script nonce=nonce inner_html=theme_bootstrap_js()></script>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <Stylesheet id="leptos" href=css/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="antialiased">
                <App/>
            </body>
        </html>
    }
}

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
