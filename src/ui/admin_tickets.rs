//! The admin panel's tickets: every ticket (or those of one status), newest first, a page at a
//! time; per ticket its messages, a form for status, assignee and internal note, and a reply
//! that reaches the person by mail and notification.

use super::account::error_text;
use crate::api::tickets::{AdminReplyTicket, AdminTriageTicket, TicketList, admin_tickets};
use crate::domain::{TicketStatus, TicketView, format_utc};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const BUTTON: &str = "rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900";
const FIELD: &str = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/// The two actions every ticket card shares.
#[derive(Clone, Copy)]
struct TicketActions {
    triage: ServerAction<AdminTriageTicket>,
    reply: ServerAction<AdminReplyTicket>,
}

#[component]
pub fn AdminTickets() -> impl IntoView {
    let t = use_texts();
    let initial = use_query_map().with_untracked(|q| q.get("status").unwrap_or_default());
    let status = RwSignal::new(initial);
    let page = RwSignal::new(0u32);
    let actions = TicketActions {
        triage: ServerAction::<AdminTriageTicket>::new(),
        reply: ServerAction::<AdminReplyTicket>::new(),
    };
    let tickets = Resource::new(
        move || {
            (
                status.get(),
                page.get(),
                actions.triage.version().get(),
                actions.reply.version().get(),
            )
        },
        |(s, p, _, _)| admin_tickets(Some(p), (!s.is_empty()).then_some(s)),
    );
    let outcome = move || {
        let triaged = actions.triage.value().get();
        let replied = actions.reply.value().get();
        let err = [
            triaged.clone().and_then(Result::err),
            replied.clone().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next();
        match (err, replied, triaged) {
            (Some(e), _, _) => Some(view! { <p id="ticket-result" role="alert" class="mt-4 text-sm text-red-600">{error_text(t, &e)}</p> }.into_any()),
            (None, Some(_), _) => Some(view! { <super::toast::Toast id="ticket-result" text=t.admin_panel.ticket_replied/> }.into_any()),
            (None, None, Some(_)) => Some(view! { <super::toast::Toast id="ticket-result" text=t.admin_panel.ticket_saved/> }.into_any()),
            _ => None,
        }
    };
    view! {
        <div class="flex flex-wrap items-center gap-3">
            <select id="ticket-filter-status" class="rounded-md border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
                aria-label=t.admin.col_status prop:value=move || status.get()
                on:change=move |ev| { page.set(0); status.set(event_target_value(&ev)); }>
                <option value="">{t.admin_panel.tickets_any_status}</option>
                {TicketStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{t.support.status(s)}</option> }).collect_view()}
            </select>
        </div>
        {outcome}
        <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
            {move || tickets.get().map(|r| match r {
                Ok(list) => ticket_list(t, list, page, actions).into_any(),
                Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

fn ticket_list(
    t: &'static Texts,
    list: TicketList,
    page: RwSignal<u32>,
    actions: TicketActions,
) -> impl IntoView {
    let (at, pages) = (list.page, list.pages.max(1));
    let cards = if list.tickets.is_empty() {
        view! { <p class="mt-4 text-slate-500">{t.admin_panel.tickets_none}</p> }.into_any()
    } else {
        view! {
            <ul id="admin-tickets" class="mt-4 space-y-4">
                {list.tickets.into_iter().map(|k| ticket_card(t, k, actions)).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        {cards}
        <nav class="mt-3 flex items-center gap-3 text-sm" aria-label=t.admin_panel.nav_tickets>
            <button class=BUTTON disabled={at == 0} on:click=move |_| page.set(at.saturating_sub(1))>{t.admin.previous}</button>
            <span>{t.admin_panel.rows_of(at + 1, pages, list.total)}</span>
            <button class=BUTTON disabled={at + 1 >= pages} on:click=move |_| page.set(at + 1)>{t.admin.next}</button>
        </nav>
    }
}

fn ticket_card(t: &'static Texts, k: TicketView, a: TicketActions) -> impl IntoView {
    let p = &t.admin_panel;
    let (triage_id, reply_id) = (k.id.clone(), k.id.clone());
    let user_link = format!(
        "/admin/users?search={}",
        super::query::query_value(&k.user_email)
    );
    view! {
        <li class="ticket rounded-xl border border-slate-200 p-4 dark:border-slate-800"
            data-subject=k.subject.clone() data-status=k.status.as_str() data-kind=k.kind.clone()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h3 class="font-medium">{k.subject.clone()}</h3>
                <span class="text-xs text-slate-500">{k.kind.clone()}" · "{t.support.status(k.status)}" · "{format_utc(k.created_at)}</span>
            </div>
            <p class="mt-1 text-sm">{p.ticket_from}": "<a class="underline" href=user_link>{k.user_email.clone()}</a></p>
            <p class="mt-2 whitespace-pre-wrap text-sm">{k.body.clone()}</p>
            {k.replies.into_iter().map(|r| view! {
                <div class="reply mt-3 rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-900">
                    <p class="text-xs text-slate-500">{t.support.reply_from}" "{r.author}" · "{format_utc(r.created_at)}</p>
                    <p class="mt-1 whitespace-pre-wrap">{r.body}</p>
                </div>
            }).collect_view()}
            <div class="mt-4 grid gap-4 md:grid-cols-2">
                <ActionForm action=a.triage attr:class="triage space-y-2">
                    <input type="hidden" name="ticket_id" value=triage_id/>
                    <label class="block text-sm">{t.admin.col_status}
                        <select name="ticket_status" class=FIELD>
                            {TicketStatus::ALL.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=s == k.status>{t.support.status(s)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="block text-sm">{p.ticket_assignee}
                        <input name="assignee" type="email" class=FIELD placeholder=p.ticket_assignee_hint
                            value=k.assigned_to.clone().unwrap_or_default()/>
                    </label>
                    <label class="block text-sm">{p.ticket_note}
                        <textarea name="note" rows="2" class=FIELD>{k.internal_note.clone()}</textarea>
                    </label>
                    <button type="submit" class=format!("save-ticket {BUTTON}")>{p.ticket_save}</button>
                </ActionForm>
                <ActionForm action=a.reply attr:class="reply-form space-y-2">
                    <input type="hidden" name="ticket_id" value=reply_id/>
                    <label class="block text-sm">{p.ticket_reply}
                        <textarea name="text" rows="4" required class=FIELD></textarea>
                    </label>
                    <button type="submit" class="send-reply rounded-md bg-emerald-600 px-3 py-1 text-sm font-medium text-white hover:bg-emerald-700">{p.ticket_send_reply}</button>
                </ActionForm>
            </div>
        </li>
    }
}
