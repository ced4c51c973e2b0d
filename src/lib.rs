//! exact-mcp: the crate is built twice by cargo-leptos, as the server (`ssr`) and as the wasm
//! module that hydrates the pages (`hydrate`). `domain` and `ui` are shared; `server` is ssr-only.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod i18n;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the wasm build: attaches the reactive runtime to the server-rendered page and
/// marks `<body data-hydrated="true">`, which E2E tests wait for before they click anything.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::App);
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
