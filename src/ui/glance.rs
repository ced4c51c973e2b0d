//! The dashboard overview's cards beside usage: the Exact connections (each one's status, and
//! anything that needs a new consent, with the way to give it) and the API keys and connected
//! apps, each linking to its page.

use super::account::error_text;
use crate::api::{
    connections::list_connections,
    keys::{list_apps, list_keys},
};
use crate::domain::{ConnectionStatus, format_utc};
use crate::i18n::use_texts;
use leptos::prelude::*;

const CARD: &str = "rounded-xl border border-slate-200 p-6 dark:border-slate-800";
const LINK: &str = "mt-3 inline-block text-sm text-emerald-700 underline dark:text-emerald-400";

#[component]
pub fn ConnectionsGlance() -> impl IntoView {
    let t = use_texts();
    let g = &t.glance;
    let connections = Resource::new(|| (), |_| list_connections());
    view! {
        <section id="connections-glance" aria-labelledby="connections-glance-heading" class=CARD>
            <h2 id="connections-glance-heading" class="text-lg font-semibold">{g.connections_heading}</h2>
            <Suspense fallback=move || view! { <p class="mt-3 text-slate-500">{t.common.loading}</p> }>
                {move || connections.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! {
                        <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">{g.no_connections}</p>
                        <a href="/dashboard/connections" class=LINK>{g.connect}</a>
                    }.into_any(),
                    Ok(list) => {
                        let stale = list.iter().filter(|c| c.status == ConnectionStatus::NeedsReauth).count();
                        view! {
                            <ul class="mt-3 space-y-1 text-sm">
                                {list.into_iter().map(|c| {
                                    let ok = c.status == ConnectionStatus::Active;
                                    let active = c.divisions.iter().filter(|d| d.is_active).count();
                                    view! {
                                        <li class="glance-connection" data-status=c.status.as_str()>
                                            <span class="font-medium">{c.exact_user_name}</span>" · "
                                            <span class:text-emerald-700=ok class:text-amber-700=!ok>
                                                {if ok { g.status_active } else { g.status_needs_consent }}
                                            </span>
                                            " · "{g.divisions(active)}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(stale > 0).then(|| view! {
                                <p id="glance-reconsent" role="alert" class="mt-3 text-sm text-amber-700">{g.needs_consent_note}
                                    " "<a class="underline" href="/dashboard/connections">{g.reconnect}</a></p>
                            })}
                            <a href="/dashboard/connections" class=LINK>{g.connections_link}</a>
                        }.into_any()
                    }
                    Err(e) => view! { <p role="alert" class="mt-3 text-red-600">{error_text(t, &e)}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn KeysGlance() -> impl IntoView {
    let t = use_texts();
    let g = &t.glance;
    let keys = Resource::new(|| (), |_| list_keys());
    let apps = Resource::new(|| (), |_| list_apps());
    view! {
        <section id="keys-glance" aria-labelledby="keys-glance-heading" class=CARD>
            <h2 id="keys-glance-heading" class="text-lg font-semibold">{g.keys_heading}</h2>
            <Suspense fallback=move || view! { <p class="mt-3 text-slate-500">{t.common.loading}</p> }>
                {move || keys.get().map(|r| match r {
                    Ok(list) => {
                        let last = list.iter().filter_map(|k| k.last_used_at).max();
                        view! {
                            <p class="mt-3 text-sm">
                                <span id="glance-keys" class="text-2xl font-bold text-slate-900 dark:text-white">{list.len()}</span>
                                " "{g.keys_active}
                            </p>
                            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                                {g.last_used}" "{last.map_or_else(|| t.common.never.to_string(), format_utc)}
                            </p>
                        }.into_any()
                    }
                    Err(e) => view! { <p role="alert" class="mt-3 text-red-600">{error_text(t, &e)}</p> }.into_any(),
                })}
                {move || apps.get().and_then(Result::ok).map(|list| view! {
                    <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                        <span id="glance-apps">{list.len()}</span>" "{g.apps_connected}
                    </p>
                })}
            </Suspense>
            <a href="/dashboard/keys" class=LINK>{g.keys_link}</a>
        </section>
    }
}
