//! The HTML document around every page: the nonce'd Content-Security-Policy, the stylesheet, the
//! hydration scripts and the app.

use super::headers::page_csp;
use crate::ui::{App, theme_bootstrap_js};
use axum::http::{HeaderValue, header};
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
    let css = crate::server::plain_html::stylesheet_href(&options);
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
