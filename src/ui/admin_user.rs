//! The admin's page about one account (`/admin/users/{id}`): profile, plan and status with the
//! same actions as the list, a password reset, the Exact connections, keys and connected apps
//! (revocable), this month's usage with the 30-day chart, the tickets and recent audit rows.

use super::account::error_text;
use super::admin_users::{RowActions, action_menu, plan_form};
use crate::api::admin::{
    AdminRevokeApp, AdminRevokeKey, AdminSendPasswordReset, AdminUserDetail, admin_user,
};
use crate::domain::format_utc;
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

const TH: &str = "px-3 py-2 text-left font-semibold";
const TD: &str = "px-3 py-2 align-top";
const BUTTON: &str = "rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900";

/// The page's own actions, beside the list's.
#[derive(Clone, Copy)]
struct Extra {
    revoke_key: ServerAction<AdminRevokeKey>,
    revoke_app: ServerAction<AdminRevokeApp>,
    send_reset: ServerAction<AdminSendPasswordReset>,
}

#[component]
pub fn AdminUserPage() -> impl IntoView {
    let t = use_texts();
    let id = move || use_params_map().with(|p| p.get("id").unwrap_or_default());
    let actions = RowActions::new();
    let extra = Extra {
        revoke_key: ServerAction::new(),
        revoke_app: ServerAction::new(),
        send_reset: ServerAction::new(),
    };
    let detail = Resource::new(
        move || {
            (
                id(),
                actions.version(),
                extra.revoke_key.version().get(),
                extra.revoke_app.version().get(),
            )
        },
        |(id, ..)| admin_user(id),
    );
    let outcome = move || {
        let err = [
            extra.revoke_key.value().get().and_then(Result::err),
            extra.revoke_app.value().get().and_then(Result::err),
            extra.send_reset.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next();
        if let Some(e) = err {
            return Some(view! { <p id="user-result" role="alert" class="mt-4 text-sm text-red-600">{error_text(t, &e)}</p> }.into_any());
        }
        if extra.send_reset.value().get().is_some() {
            return Some(view! { <super::toast::Toast id="user-result" text=t.admin_panel.user_reset_sent/> }.into_any());
        }
        (extra.revoke_key.value().get().is_some() || extra.revoke_app.value().get().is_some()).then(
            || {
                view! { <super::toast::Toast id="user-result" text=t.admin_panel.user_revoked/> }
                    .into_any()
            },
        )
    };
    view! {
        <a href="/admin/users" class="text-sm underline">{t.admin_panel.user_back}</a>
        {move || actions.outcome(t)}
        {outcome}
        <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
            {move || detail.get().map(|r| match r {
                Ok(d) => details(t, d, actions, extra).into_any(),
                Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

fn section(id: &'static str, heading: &'static str, body: AnyView) -> impl IntoView {
    view! {
        <section id=id class="mt-8">
            <h2 class="text-lg font-semibold">{heading}</h2>
            <div class="mt-3">{body}</div>
        </section>
    }
}

fn when(t: &'static Texts, at: Option<i64>) -> String {
    at.map_or_else(|| t.admin_panel.user_never.to_string(), format_utc)
}

fn details(t: &'static Texts, d: AdminUserDetail, a: RowActions, x: Extra) -> impl IntoView {
    let p = &t.admin_panel;
    let u = d.user.clone();
    let (email, name, user_id) = (u.email.clone(), u.display_name.clone(), u.id.clone());
    let data_email = email.clone();
    let (role, status, created, used) = (
        u.role.as_str(),
        u.status.as_str(),
        u.created_at,
        u.calls_used,
    );
    let verified = if u.verified {
        p.user_verified
    } else {
        p.user_not_verified
    };
    let hovered = RwSignal::new(None::<usize>);
    view! {
        <section id="user-profile" class="mt-4 rounded-xl border border-slate-200 p-4 dark:border-slate-800" data-email=data_email>
            <h2 class="text-xl font-semibold">{email}</h2>
            <p class="text-sm text-slate-600 dark:text-slate-400">{name}</p>
            <dl class="mt-3 grid gap-2 text-sm sm:grid-cols-3">
                <div><dt class="text-slate-500">{t.admin.col_role}</dt><dd>{role}</dd></div>
                <div><dt class="text-slate-500">{t.admin.col_status}</dt><dd class="status">{status}</dd></div>
                <div><dt class="text-slate-500">{t.admin.col_email}</dt>
                    <dd>{verified}</dd></div>
                <div><dt class="text-slate-500">{t.admin.col_created}</dt><dd>{format_utc(created)}</dd></div>
                <div><dt class="text-slate-500">{p.user_last_login}</dt><dd>{when(t, d.last_login)}</dd></div>
                <div><dt class="text-slate-500">{t.admin.col_usage}</dt><dd class="usage">{used}</dd></div>
            </dl>
            <div class="mt-4 flex flex-wrap items-start gap-6">
                {plan_form(t, u.clone(), a)}
                <div>{action_menu(t, u, a)}</div>
                <ActionForm action=x.send_reset>
                    <input type="hidden" name="user_id" value=user_id/>
                    <button id="send-reset" type="submit" class=BUTTON>{p.user_send_reset}</button>
                </ActionForm>
            </div>
        </section>
        {section("user-usage", p.user_usage, view! {
            <div class="space-y-6">
                <super::usage::MonthCard s=d.usage.summary.clone() t/>
                <super::usage::Chart days=d.usage.days.clone() hovered t/>
            </div>
        }.into_any())}
        {section("user-connections", p.user_connections, connections(t, &d))}
        {section("user-keys", p.user_keys, keys(t, &d, x))}
        {section("user-apps", p.user_apps, apps(t, &d, x))}
        {section("user-tickets", p.user_tickets, tickets(t, &d))}
        {section("user-audit", p.user_audit, audit(t, &d))}
    }
}

fn none(t: &'static Texts) -> AnyView {
    view! { <p class="text-slate-500">{t.admin_panel.user_none}</p> }.into_any()
}

fn connections(t: &'static Texts, d: &AdminUserDetail) -> AnyView {
    let p = &t.admin_panel;
    if d.connections.is_empty() {
        return none(t);
    }
    view! {
        <table class="min-w-full text-sm">
            <thead><tr>
                <th scope="col" class=TH>{p.col_name}</th>
                <th scope="col" class=TH>{p.col_region}</th>
                <th scope="col" class=TH>{t.admin.col_status}</th>
                <th scope="col" class=TH>{p.col_refresh_expires}</th>
                <th scope="col" class=TH>{p.col_divisions}</th>
                <th scope="col" class=TH>{p.col_last_used}</th>
            </tr></thead>
            <tbody>
                {d.connections.iter().map(|c| view! {
                    <tr class="border-t border-slate-200 dark:border-slate-800">
                        <td class=TD>{c.exact_user_name.clone()}<p class="text-xs text-slate-500">{c.exact_email.clone()}</p></td>
                        <td class=TD>{c.region.code()}</td>
                        <td class=TD>{c.status.as_str()}</td>
                        <td class=TD>{when(t, c.refresh_token_expires_at)}</td>
                        <td class=TD>{c.divisions.iter().map(|v| v.name.clone()).collect::<Vec<_>>().join(", ")}</td>
                        <td class=TD>{when(t, c.last_used_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn keys(t: &'static Texts, d: &AdminUserDetail, x: Extra) -> AnyView {
    let p = &t.admin_panel;
    if d.keys.is_empty() {
        return none(t);
    }
    let user_id = d.user.id.clone();
    view! {
        <table class="min-w-full text-sm">
            <thead><tr>
                <th scope="col" class=TH>{p.col_name}</th>
                <th scope="col" class=TH>{p.col_prefix}</th>
                <th scope="col" class=TH>{t.admin.col_created}</th>
                <th scope="col" class=TH>{p.col_last_used}</th>
                <th scope="col" class=TH></th>
            </tr></thead>
            <tbody>
                {d.keys.clone().into_iter().map(|k| { let (user_id, row) = (user_id.clone(), k.id.clone()); view! {
                    <tr class="border-t border-slate-200 dark:border-slate-800" data-key=row>
                        <td class=TD>{k.name.clone()}</td>
                        <td class=TD><code>{k.prefix.clone()}</code></td>
                        <td class=TD>{format_utc(k.created_at)}</td>
                        <td class=TD>{when(t, k.last_used_at)}</td>
                        <td class=TD>
                            <ActionForm action=x.revoke_key>
                                <input type="hidden" name="user_id" value=user_id/>
                                <input type="hidden" name="key_id" value=k.id.clone()/>
                                <button type="submit" class=format!("revoke-key {BUTTON}")>{p.user_revoke}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn apps(t: &'static Texts, d: &AdminUserDetail, x: Extra) -> AnyView {
    let p = &t.admin_panel;
    if d.apps.is_empty() {
        return none(t);
    }
    let user_id = d.user.id.clone();
    view! {
        <table class="min-w-full text-sm">
            <tbody>
                {d.apps.clone().into_iter().map(|g| { let (user_id, row) = (user_id.clone(), g.id.clone()); view! {
                    <tr class="border-t border-slate-200 dark:border-slate-800" data-grant=row>
                        <td class=TD>{g.client_name.clone()}<p class="text-xs text-slate-500">{g.client_host.clone()}</p></td>
                        <td class=TD>{format_utc(g.created_at)}</td>
                        <td class=TD>{when(t, g.last_used_at)}</td>
                        <td class=TD>
                            <ActionForm action=x.revoke_app>
                                <input type="hidden" name="user_id" value=user_id/>
                                <input type="hidden" name="grant_id" value=g.id.clone()/>
                                <button type="submit" class=format!("revoke-app {BUTTON}")>{p.user_revoke}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn tickets(t: &'static Texts, d: &AdminUserDetail) -> AnyView {
    if d.tickets.is_empty() {
        return none(t);
    }
    view! {
        <ul class="space-y-2 text-sm">
            {d.tickets.iter().map(|k| view! {
                <li><a class="underline" href="/admin/tickets">{k.subject.clone()}</a>
                    " · "{t.support.status(k.status)}" · "{format_utc(k.created_at)}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn audit(t: &'static Texts, d: &AdminUserDetail) -> AnyView {
    if d.audit.is_empty() {
        return none(t);
    }
    view! {
        <ul class="space-y-1 font-mono text-xs">
            {d.audit.iter().map(|r| view! {
                <li data-action=r.action.clone()>{format_utc(r.created_at)}" "{r.action.clone()}" "{r.actor.clone()}" "{r.ip.clone()}</li>
            }).collect_view()}
        </ul>
        <a class="mt-2 inline-block text-sm underline" href=format!("/admin/audit?subject={}", super::query::query_value(&d.user.email))>{t.admin_panel.nav_audit}</a>
    }
    .into_any()
}
