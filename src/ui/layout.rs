//! The app shell: header with navigation, main content, footer. Responsive: the navigation
//! collapses into a menu button on small screens.

use super::theme::ThemeToggle;
use crate::i18n::{Lang, use_lang, use_texts};
use leptos::prelude::*;

/// The header's account links: "Sign in" and "Get started" for a visitor; the dashboard (and
/// the admin panel for an admin) for someone signed in, asked of the server on each navigation.
#[component]
fn AccountLinks() -> impl IntoView {
    let t = use_texts();
    // Asked again on every navigation: signing in or out moves to another page without a reload.
    let location = leptos_router::hooks::use_location();
    let me = Resource::new(
        move || location.pathname.get(),
        |_| crate::api::auth::header_account(),
    );
    let link = "hidden rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 sm:inline-block dark:text-slate-200 dark:hover:bg-slate-800";
    let primary = "hidden rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-700 sm:inline-block";
    let visitor = move || {
        view! {
            <a id="header-sign-in" href="/login" class=link>{t.shell.sign_in}</a>
            <a href="/register" class=primary>{t.shell.get_started}</a>
        }
    };
    view! {
        <Transition fallback=visitor>
            {move || me.get().map(|r| match r {
                Ok(Some(me)) => view! {
                    <span id="account-menu" class="contents" aria-label=t.shell.account_menu>
                        {(me.role == crate::domain::Role::Admin).then(|| view! {
                            <a id="header-admin" href="/admin" class=link>{t.shell.admin_link}</a>
                        })}
                        <a id="header-dashboard" href="/dashboard" class=primary title=me.email>{t.shell.my_dashboard}</a>
                    </span>
                }.into_any(),
                Ok(None) | Err(_) => visitor().into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    let t = use_texts();
    view! {
        <div class="flex min-h-screen flex-col bg-white text-slate-800 dark:bg-slate-950 dark:text-slate-200">
            <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-emerald-600 focus:px-3 focus:py-2 focus:text-white">
                {t.shell.skip_to_content}
            </a>
            <header class="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
                <nav class="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3" aria-label=t.shell.nav_main>
                    <a href="/" class="flex items-center gap-2 font-semibold text-slate-900 dark:text-white">
                        <span class="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-emerald-600 text-sm font-bold text-white">"e"</span>
                        <span>"exact-mcp"</span>
                    </a>
                    <div class="hidden items-center gap-6 text-sm md:flex">
                        <NavLinks/>
                    </div>
                    <div class="flex items-center gap-1">
                        <AccountLinks/>
                        <LanguageSwitch/>
                        <ThemeToggle/>
                        <button
                            type="button"
                            class="rounded-md p-2 md:hidden hover:bg-slate-100 dark:hover:bg-slate-800"
                            aria-label=t.shell.open_menu
                            aria-controls="mobile-menu"
                            aria-expanded=move || menu_open.get().to_string()
                            on:click=move |_| set_menu_open.update(|o| *o = !*o)
                        >
                            <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
                                <path stroke-linecap="round" d="M4 6h16M4 12h16M4 18h16"/>
                            </svg>
                        </button>
                    </div>
                </nav>
                <div id="mobile-menu" class="border-t border-slate-200 px-4 py-3 text-sm md:hidden dark:border-slate-800" class:hidden=move || !menu_open.get()>
                    <div class="flex flex-col gap-3"><NavLinks/></div>
                </div>
            </header>
            <main id="main" class="flex-1">{children()}</main>
            <footer class="border-t border-slate-200 py-8 text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400">
                <div class="mx-auto flex max-w-6xl flex-col gap-2 px-4 md:flex-row md:items-center md:justify-between">
                    <p>{t.shell.footer_tagline}</p>
                    <p>{t.shell.footer_note}</p>
                </div>
            </footer>
        </div>
    }
}

#[component]
fn NavLinks() -> impl IntoView {
    let link = "text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white";
    let t = use_texts();
    view! {
        <a class=link href="/#how-it-works">{t.shell.nav_how}</a>
        <a class=link href="/#tools">{t.shell.nav_tools}</a>
        <a class=link href="/#pricing">{t.shell.nav_pricing}</a>
        <a class=link href="/#security">{t.shell.nav_security}</a>
    }
}

/// Links to the other languages. A full page load through `/lang/{code}` (hence `rel=external`,
/// which keeps the client-side router out), back to the page the person was on.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let current = use_lang();
    let t = use_texts();
    let location = leptos_router::hooks::use_location();
    let here = move || format!("{}{}", location.pathname.get(), location.search.get());
    Lang::ALL
        .into_iter()
        .filter(move |l| *l != current)
        .map(|other| {
            let href = move || format!("/lang/{}?next={}", other.code(), encode_component(&here()));
            view! {
                <a id="lang-switch" rel="external" href=href hreflang=other.code() lang=other.code()
                    title=other.native_name()
                    aria-label=format!("{}: {}", t.shell.language_label, other.native_name())
                    class="rounded-md px-2 py-1.5 text-sm font-medium uppercase text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white">
                    {other.code()}
                </a>
            }
        })
        .collect_view()
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters and `/` stay).
fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_paths_are_encoded() {
        assert_eq!(
            super::encode_component("/a b?x=1&y=é"),
            "/a%20b%3Fx%3D1%26y%3D%C3%A9"
        );
    }
}
