//! Light/dark theme toggle. The initial class is set by a tiny inline script in the document head
//! (before first paint, so no flash); this button flips it and remembers the choice.

use leptos::prelude::*;

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let toggle = move |_| {
        #[cfg(feature = "hydrate")]
        toggle_dark_class();
    };
    let t = crate::i18n::use_texts();
    view! {
        <button
            id="theme-toggle"
            type="button"
            on:click=toggle
            class="rounded-md p-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-500 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
            aria-label=t.shell.theme_toggle_label
            title=t.shell.theme_toggle_title
        >
            // Both icons are rendered; CSS shows the one that fits, so server and client agree.
            <svg class="h-5 w-5 dark:hidden" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
                <path stroke-linecap="round" stroke-linejoin="round" d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"/>
            </svg>
            <svg class="hidden h-5 w-5 dark:block" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
                <circle cx="12" cy="12" r="4"/>
                <path stroke-linecap="round" d="M12 2v2m0 16v2M4.9 4.9l1.4 1.4m11.4 11.4 1.4 1.4M2 12h2m16 0h2M4.9 19.1l1.4-1.4m11.4-11.4 1.4-1.4"/>
            </svg>
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn toggle_dark_class() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(root) = window.document().and_then(|d| d.document_element()) else {
        return;
    };
    let dark = root.class_list().toggle("dark").unwrap_or(false);
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item("theme", if dark { "dark" } else { "light" });
    }
}

/// The head script that applies the stored (or the system's) theme before the first paint.
pub fn theme_bootstrap_js() -> &'static str {
    THEME_BOOTSTRAP_JS
}

const THEME_BOOTSTRAP_JS: &str = "try{var t=localStorage.getItem('theme');if(t==='dark'||(!t&&matchMedia('(prefers-color-scheme: dark)').matches)){document.documentElement.classList.add('dark')}}catch(e){}";
