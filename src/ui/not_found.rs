//! The friendly 404 page. During server rendering it also sets the HTTP status.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = crate::i18n::use_texts();
    view! {
        <Title text=t.error_pages.not_found_title/>
        <section class="mx-auto flex max-w-xl flex-col items-center px-4 py-24 text-center">
            <p class="text-sm font-semibold text-emerald-600">"404"</p>
            <h1 class="mt-2 text-3xl font-bold text-slate-900 dark:text-white">{t.error_pages.not_found_heading}</h1>
            <p class="mt-4 text-slate-600 dark:text-slate-400">
                {t.error_pages.not_found_text}
            </p>
            <a href="/" class="mt-8 rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700">{t.error_pages.back_to_start}</a>
        </section>
    }
}
