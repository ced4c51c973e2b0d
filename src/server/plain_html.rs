//! HTML written by hand, for answers that must not depend on the page framework: one plain page
//! shell (the same stylesheet and language as the framework's pages), the 500 page (also the
//! answer to a handler that panicked) and the escaping of text put into such pages.
//! Low in the house on purpose: the guards, the HTTP edge and the OAuth pages all use it.

use crate::i18n::Lang;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use leptos::config::LeptosOptions;

/// The stylesheet the build produces, as the page shell links it.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
}

/// The site options' built-in defaults (what `app::leptos_options` falls back to without
/// `Leptos.toml`), for pages produced where no options are at hand.
pub fn default_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("exact-mcp")
        .site_pkg_dir("pkg")
        .build()
}

/// A whole page around `body` (HTML, already escaped): language, viewport, title, stylesheet.
pub fn plain_page(options: &LeptosOptions, lang: Lang, title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · exact-mcp</title><link rel="stylesheet" href="{css}"></head><body class="antialiased">{body}</body></html>"#,
        lang = lang.code(),
        title = escape_html(title),
        css = stylesheet_href(options),
    )
}

/// Marks a response as the 500 page, so [`localize_internal_error`] can render it again in the
/// request's language.
#[derive(Clone, Copy)]
struct InternalErrorPage;

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
/// is what support asks for. Without request context it is English with the default stylesheet;
/// [`localize_internal_error`] renders it again for the request on its way out.
pub fn internal_error_page() -> Response {
    let html = internal_error_html(&default_options(), Lang::default());
    let mut res = (StatusCode::INTERNAL_SERVER_ERROR, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.extensions_mut().insert(InternalErrorPage);
    res
}

fn internal_error_html(options: &LeptosOptions, lang: Lang) -> String {
    let t = lang.texts();
    let body = format!(
        r#"<main class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center px-4 text-center">
<p class="text-sm font-semibold text-emerald-600">500</p>
<h1 class="mt-2 text-3xl font-bold">{heading}</h1>
<p class="mt-4 text-slate-600">{text}</p>
<a href="/" class="mt-8 rounded-md bg-emerald-600 px-4 py-2 font-medium text-white">{back}</a>
</main>"#,
        heading = escape_html(t.error_pages.error_500_heading),
        text = escape_html(t.error_pages.error_500_text),
        back = escape_html(t.error_pages.back_to_start),
    );
    plain_page(options, lang, t.error_pages.error_500_title, &body)
}

/// Middleware outside the panic catcher: a 500 page made without request context (a panic, a
/// failed lookup deep in a handler) gets the request's language and the build's stylesheet.
pub async fn localize_internal_error(
    State(options): State<LeptosOptions>,
    req: Request,
    next: Next,
) -> Response {
    let lang = crate::server::locale::lang_of(req.headers());
    let res = next.run(req).await;
    if res.extensions().get::<InternalErrorPage>().is_none() {
        return res;
    }
    let (parts, _) = res.into_parts();
    Response::from_parts(parts, Body::from(internal_error_html(&options, lang)))
}

/// Escapes text for HTML written by hand (pages that render without the framework).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
