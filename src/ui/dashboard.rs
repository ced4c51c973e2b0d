//! The signed-in area: the dashboard shell with its sections, and the admin panel stub. Access is
//! enforced on the server (the page guard and every server function), never by hiding links.

use super::account::error_text;
use crate::api::auth::{Logout, whoami};
use crate::api::settings::{ChangePassword, DeleteAccount, SignOutEverywhere};
use crate::domain::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn SignOut() -> impl IntoView {
    let action = ServerAction::<Logout>::new();
    view! {
        <ActionForm action=action>
            <button id="sign-out" type="submit" class="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">"Sign out"</button>
        </ActionForm>
    }
}

#[component]
pub fn DashboardPage(#[prop(into)] section: String) -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let sections = [
        ("", "Overview"),
        ("connections", "Connections"),
        ("keys", "API keys"),
        ("usage", "Usage"),
        ("settings", "Settings"),
    ];
    let current = section.clone();
    let title = sections
        .iter()
        .find(|(s, _)| *s == section)
        .map(|(_, t)| *t)
        .unwrap_or("Overview");
    view! {
        <Title text=title/>
        <div class="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-10 md:flex-row">
            <nav class="md:w-48" aria-label="Dashboard">
                <ul class="flex gap-2 overflow-x-auto md:flex-col">
                    {sections
                        .into_iter()
                        .map(|(slug, label)| {
                            let href = if slug.is_empty() { "/dashboard".to_string() } else { format!("/dashboard/{slug}") };
                            let active = slug == current;
                            view! {
                                <li>
                                    <a href=href aria-current=active.then_some("page")
                                        class="block rounded-md px-3 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                                        class:font-semibold=active>{label}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <section class="flex-1">
                <div class="flex items-center justify-between gap-4">
                    <h1 class="text-2xl font-bold text-slate-900 dark:text-white">{title}</h1>
                    <SignOut/>
                </div>
                <Suspense fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
                    {move || me.get().map(|r| match r {
                        Ok(me) => view! {
                            <p id="signed-in-as" class="mt-4 text-slate-600 dark:text-slate-400">
                                "Signed in as " <strong>{me.email.clone()}</strong>
                                {(!me.display_name.is_empty()).then(|| format!(" ({})", me.display_name))}
                                " · plan " {me.plan.display_name()}
                                {(me.role == Role::Admin).then(|| view! { " · " <a class="underline" href="/admin">"admin panel"</a> })}
                            </p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(&e)}</p> }.into_any(),
                    })}
                </Suspense>
                {if section == "settings" {
                    view! { <SettingsPanel/> }.into_any()
                } else {
                    view! {
                        <div class="mt-8 rounded-xl border border-dashed border-slate-300 p-8 text-slate-500 dark:border-slate-700">
                            "This section fills in as exact-mcp grows: Exact connections, API keys and live usage arrive next."
                        </div>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="Admin"/>
        <section class="mx-auto max-w-6xl px-4 py-10">
            <h1 class="text-2xl font-bold text-slate-900 dark:text-white">"Admin panel"</h1>
            <p class="mt-4 text-slate-600 dark:text-slate-400">"Users, plans, usage, tickets, jobs and the audit log will be managed here."</p>
        </section>
    }
}

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:border-emerald-500 focus:outline-none focus:ring-2 focus:ring-emerald-500 dark:border-slate-700 dark:bg-slate-950 dark:text-white";
const LABEL: &str = "block text-sm font-medium text-slate-700 dark:text-slate-300";

/// Change password, sign out everywhere, download my data, delete the account.
#[component]
fn SettingsPanel() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let change_result = move || {
        change.value().get().map(|r| match r {
            Ok(msg) => view! { <p id="change-password-result" role="status" class="text-sm text-emerald-700">{msg}</p> }.into_any(),
            Err(e) => view! { <p id="change-password-result" role="alert" class="text-sm text-red-600">{error_text(&e)}</p> }.into_any(),
        })
    };
    let delete_error = move || {
        delete
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_text(&e))
    };
    view! {
        <div class="mt-8 space-y-10">
            <section aria-labelledby="pw-heading">
                <h2 id="pw-heading" class="text-lg font-semibold">"Change password"</h2>
                <ActionForm action=change attr:class="mt-4 max-w-md space-y-4">
                    <div>
                        <label class=LABEL for="current-password">"Current password"</label>
                        <input class=INPUT id="current-password" name="current_password" type="password" autocomplete="current-password" required/>
                    </div>
                    <div>
                        <label class=LABEL for="new-password">"New password"</label>
                        <input class=INPUT id="new-password" name="new_password" type="password" autocomplete="new-password" required minlength="12"/>
                    </div>
                    {change_result}
                    <button type="submit" class="rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700">"Change password"</button>
                </ActionForm>
            </section>
            <section aria-labelledby="sessions-heading">
                <h2 id="sessions-heading" class="text-lg font-semibold">"Sessions"</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">"Signed in on a computer you no longer use? End every session, this one included."</p>
                <ActionForm action=everywhere attr:class="mt-4">
                    <button id="sign-out-everywhere" type="submit" class="rounded-md border border-slate-300 px-4 py-2 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">"Sign out everywhere"</button>
                </ActionForm>
            </section>
            <section aria-labelledby="data-heading">
                <h2 id="data-heading" class="text-lg font-semibold">"Your data"</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">"Everything we store about you, as JSON (passwords, keys and tokens excluded)."</p>
                <a id="download-data" rel="external" download="exact-mcp-my-data.json" href="/dashboard/settings/export.json" class="mt-4 inline-block rounded-md border border-slate-300 px-4 py-2 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">"Download my data"</a>
            </section>
            <section aria-labelledby="delete-heading" class="rounded-xl border border-red-200 p-6 dark:border-red-900">
                <h2 id="delete-heading" class="text-lg font-semibold text-red-700 dark:text-red-400">"Delete account"</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">"This removes your sessions, API keys, Exact connections and their tokens. Usage totals are kept without your name. It cannot be undone."</p>
                <ActionForm action=delete attr:class="mt-4 max-w-md space-y-4">
                    <div>
                        <label class=LABEL for="confirm-email">"Type your email address to confirm"</label>
                        <input class=INPUT id="confirm-email" name="confirm_email" type="email" autocomplete="off" required/>
                    </div>
                    {move || delete_error().map(|e| view! { <p role="alert" class="text-sm text-red-600">{e}</p> })}
                    <button id="delete-account" type="submit" class="rounded-md bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-700">"Delete my account"</button>
                </ActionForm>
            </section>
        </div>
    }
}
