//! The app shell: header with navigation, main content, footer. Responsive: the navigation
//! collapses into a menu button on small screens.

use super::theme::ThemeToggle;
use leptos::prelude::*;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <div class="flex min-h-screen flex-col bg-white text-slate-800 dark:bg-slate-950 dark:text-slate-200">
            <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-emerald-600 focus:px-3 focus:py-2 focus:text-white">
                "Skip to content"
            </a>
            <header class="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
                <nav class="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3" aria-label="Main">
                    <a href="/" class="flex items-center gap-2 font-semibold text-slate-900 dark:text-white">
                        <span class="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-emerald-600 text-sm font-bold text-white">"e"</span>
                        <span>"exact-mcp"</span>
                    </a>
                    <div class="hidden items-center gap-6 text-sm md:flex">
                        <NavLinks/>
                    </div>
                    <div class="flex items-center gap-1">
                        <a href="/login" class="hidden rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 sm:inline-block dark:text-slate-200 dark:hover:bg-slate-800">"Sign in"</a>
                        <a href="/register" class="hidden rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-700 sm:inline-block">"Get started"</a>
                        <ThemeToggle/>
                        <button
                            type="button"
                            class="rounded-md p-2 md:hidden hover:bg-slate-100 dark:hover:bg-slate-800"
                            aria-label="Open menu"
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
                    <p>"exact-mcp — read-only access to Exact Online for AI assistants."</p>
                    <p>"Not affiliated with Exact. Your tokens are encrypted at rest."</p>
                </div>
            </footer>
        </div>
    }
}

#[component]
fn NavLinks() -> impl IntoView {
    let link = "text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white";
    view! {
        <a class=link href="/#how-it-works">"How it works"</a>
        <a class=link href="/#tools">"Tools"</a>
        <a class=link href="/#pricing">"Pricing"</a>
        <a class=link href="/#security">"Security"</a>
    }
}
