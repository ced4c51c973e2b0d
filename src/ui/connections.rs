//! The connections section of the dashboard: connect Exact Online (per region), and for each
//! connection its Exact user, status, token expiry, last use and divisions, with default and
//! activation choices, a connection test, reconnect and disconnect.

use super::account::{LABEL, error_text};
use crate::api::connections::{
    CheckConnection, Disconnect, SetDefaultDivision, SetDivisionActive, list_connections,
};
use crate::domain::{ConnectionStatus, ConnectionSummary, Region, format_utc};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub(super) const BUTTON: &str = "rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900";
pub(super) const PRIMARY: &str =
    "rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700";

#[component]
pub fn ConnectionsPanel() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let just_connected = move || query.read().get("connected").is_some();
    let set_default = ServerAction::<SetDefaultDivision>::new();
    let set_active = ServerAction::<SetDivisionActive>::new();
    let disconnect = ServerAction::<Disconnect>::new();
    let check = ServerAction::<CheckConnection>::new();
    let connections = Resource::new(
        move || {
            (
                set_default.version().get(),
                set_active.version().get(),
                disconnect.version().get(),
                check.version().get(),
            )
        },
        |_| list_connections(),
    );
    // The newest outcome of any action on this page.
    let message = move || {
        [
            set_default.value().get(),
            set_active.value().get(),
            disconnect.value().get(),
            check.value().get(),
        ]
        .into_iter()
        .flatten()
        .last()
    };
    let confirming = RwSignal::new(None::<String>);
    view! {
        <div class="mt-8 space-y-8">
            <p class="text-slate-600 dark:text-slate-400">{t.connections.lead}</p>
            {move || just_connected().then(|| view! {
                <p id="connect-success" role="status" class="rounded-md bg-emerald-50 px-4 py-3 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">{t.oauth.connect_success}</p>
            })}
            <form method="get" action="/connect/exact" class="flex flex-wrap items-end gap-3">
                <div>
                    <label class=LABEL for="connect-region">{t.connections.region_label}</label>
                    <select id="connect-region" name="region" class="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-950">
                        {Region::ALL.into_iter().map(|r| view! { <option value=r.code()>{r.code().to_uppercase()}</option> }).collect_view()}
                    </select>
                </div>
                <button id="connect-exact" type="submit" class=PRIMARY>{t.connections.connect_button}</button>
            </form>
            {move || message().map(|r| match r {
                Ok(msg) => view! { <super::toast::Toast id="connection-message" text=msg/> }.into_any(),
                Err(e) => view! { <p id="connection-message" role="alert" class="text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
            <Suspense fallback=move || view! { <p class="text-slate-500">{t.common.loading}</p> }>
                {move || connections.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p id="no-connections" class="text-slate-500">{t.connections.empty}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul id="connections" class="space-y-6">
                            {list.into_iter().map(|c| view! {
                                <ConnectionCard c=c t=t set_default set_active disconnect check confirming/>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="text-red-600">{error_text(t, &e)}</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn ConnectionCard(
    c: ConnectionSummary,
    t: &'static Texts,
    set_default: ServerAction<SetDefaultDivision>,
    set_active: ServerAction<SetDivisionActive>,
    disconnect: ServerAction<Disconnect>,
    check: ServerAction<CheckConnection>,
    confirming: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = c.id.clone();
    let status = match c.status {
        ConnectionStatus::Active => {
            view! { <span class="connection-status rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800" data-status="active">{t.connections.status_active}</span> }
        }
        ConnectionStatus::NeedsReauth => {
            view! { <span class="connection-status rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-900" data-status="needs_reauth">{t.connections.status_needs_reauth}</span> }
        }
    };
    let when = move |v: Option<i64>| {
        v.map(format_utc)
            .unwrap_or_else(|| t.common.never.to_string())
    };
    let reconnect = format!("/connect/exact?region={}", c.region.code());
    let confirm_id = id.clone();
    let is_confirming = move || confirming.get().as_deref() == Some(confirm_id.as_str());
    let ask_id = id.clone();
    let dialog_id = id.clone();
    let check_id = id.clone();
    let card_id = id.clone();
    let dt = "text-xs uppercase tracking-wide text-slate-500";
    view! {
        <li class="connection rounded-xl border border-slate-200 p-6 dark:border-slate-800" data-connection-id=card_id>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 class="text-lg font-semibold">
                    {c.region.code().to_uppercase()} " · " {c.exact_user_name.clone()}
                </h2>
                {status}
            </div>
            <dl class="mt-4 grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
                <div><dt class=dt>{t.connections.exact_user}</dt><dd class="connection-user">{c.exact_user_name.clone()} " <" {c.exact_email.clone()} ">"</dd></div>
                <div><dt class=dt>{t.connections.token_expiry}</dt><dd>{when(c.token_expires_at)}</dd></div>
                <div><dt class=dt>{t.connections.refresh_expiry}</dt><dd>{when(c.refresh_token_expires_at)}</dd></div>
                <div><dt class=dt>{t.connections.last_used}</dt><dd>{when(c.last_used_at)}</dd></div>
            </dl>
            <h3 class="mt-6 text-sm font-semibold">{t.connections.divisions_heading}</h3>
            <ul class="divisions mt-2 divide-y divide-slate-200 dark:divide-slate-800">
                {c.divisions.into_iter().map(move |d| {
                    let (cid1, cid2) = (id.clone(), id.clone());
                    view! {
                        <li class="division flex flex-wrap items-center justify-between gap-3 py-2" data-code=d.code>
                            <span>
                                <span class="font-mono text-xs text-slate-500">{d.code}</span> " " {d.name.clone()}
                                {d.is_default.then(|| view! { " " <span class="division-default rounded bg-slate-100 px-1.5 text-xs dark:bg-slate-800">{t.connections.division_default}</span> })}
                                " " <span class="division-state text-xs text-slate-500">{if d.is_active { t.connections.division_active } else { t.connections.division_inactive }}</span>
                            </span>
                            <span class="flex gap-2">
                                {(!d.is_default).then(|| view! {
                                    <ActionForm action=set_default>
                                        <input type="hidden" name="connection_id" value=cid1.clone()/>
                                        <input type="hidden" name="code" value=d.code/>
                                        <button type="submit" class=format!("make-default {BUTTON}")>{t.connections.division_make_default}</button>
                                    </ActionForm>
                                })}
                                <ActionForm action=set_active>
                                    <input type="hidden" name="connection_id" value=cid2/>
                                    <input type="hidden" name="code" value=d.code/>
                                    <input type="hidden" name="active" value=if d.is_active { "false" } else { "true" }/>
                                    <button type="submit" class=format!("toggle-active {BUTTON}")>{if d.is_active { t.connections.division_deactivate } else { t.connections.division_activate }}</button>
                                </ActionForm>
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="mt-6 flex flex-wrap gap-3">
                <ActionForm action=check>
                    <input type="hidden" name="connection_id" value=check_id/>
                    <button type="submit" class=format!("check-connection {BUTTON}")>{t.connections.check_button}</button>
                </ActionForm>
                <a rel="external" href=reconnect class=format!("reconnect {BUTTON}")>{t.connections.reconnect_button}</a>
                <button type="button" class=format!("disconnect {BUTTON}") on:click=move |_| confirming.set(Some(ask_id.clone()))>{t.connections.disconnect_button}</button>
            </div>
            {move || is_confirming().then(|| {
                let cid = dialog_id.clone();
                view! {
                    <div role="alertdialog" class="mt-4 rounded-md border border-red-200 p-4 dark:border-red-900">
                        <p class="text-sm">{t.connections.disconnect_confirm}</p>
                        <div class="mt-3 flex gap-3">
                            <ActionForm action=disconnect>
                                <input type="hidden" name="connection_id" value=cid/>
                                <button type="submit" class="confirm-disconnect rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700">{t.connections.disconnect_button}</button>
                            </ActionForm>
                            <button type="button" class=BUTTON on:click=move |_| confirming.set(None)>{t.common.cancel}</button>
                        </div>
                    </div>
                }
            })}
        </li>
    }
}
