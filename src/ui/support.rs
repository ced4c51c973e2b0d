//! The dashboard's Support page: open a ticket (subject and text), and read your own tickets
//! with the admins' replies. The server only ever returns the caller's tickets.

use super::account::{INPUT, LABEL, error_text};
use crate::api::tickets::{OpenTicket, my_tickets};
use crate::domain::{MAX_TICKET_SUBJECT_CHARS, MAX_TICKET_TEXT_CHARS, TicketView, format_utc};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;

#[component]
pub fn SupportPanel() -> impl IntoView {
    let t = use_texts();
    let open = ServerAction::<OpenTicket>::new();
    let tickets = Resource::new(move || open.version().get(), |_| my_tickets());
    let result = move || {
        open.value().get().map(|r| match r {
            Ok(()) => view! { <super::toast::Toast id="support-result" text=t.support.sent/> }.into_any(),
            Err(e) => view! { <p id="support-result" role="alert" class="mt-3 text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
        })
    };
    view! {
        <div class="mt-8 space-y-8">
            <section>
                <p class="text-slate-600 dark:text-slate-400">{t.support.lead}</p>
                <ActionForm action=open attr:id="support-form" attr:class="mt-4 max-w-xl space-y-3">
                    <label class=LABEL>{t.support.subject_label}
                        <input id="support-subject" name="subject" type="text" required
                            maxlength=MAX_TICKET_SUBJECT_CHARS.to_string() class=INPUT/>
                    </label>
                    <label class=LABEL>{t.support.text_label}
                        <textarea id="support-text" name="text" rows="5" required
                            maxlength=MAX_TICKET_TEXT_CHARS.to_string() class=INPUT></textarea>
                    </label>
                    <button id="support-send" type="submit" class="rounded-md bg-emerald-600 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-700">{t.support.send}</button>
                </ActionForm>
                {result}
            </section>
            <section>
                <h2 class="text-lg font-semibold">{t.support.mine_heading}</h2>
                <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
                    {move || tickets.get().map(|r| match r {
                        Ok(list) if list.is_empty() => view! { <p class="mt-4 text-slate-500">{t.support.none}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul id="my-tickets" class="mt-4 space-y-4">
                                {list.into_iter().map(|k| ticket_card(t, k)).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
                    })}
                </Suspense>
            </section>
        </div>
    }
}

/// A ticket with its replies, as its owner sees it.
fn ticket_card(t: &'static Texts, k: TicketView) -> impl IntoView {
    view! {
        <li class="ticket rounded-xl border border-slate-200 p-4 dark:border-slate-800" data-status=k.status.as_str()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h3 class="font-medium">{k.subject}</h3>
                <span class="text-xs text-slate-500">{t.support.status(k.status)}" · "{format_utc(k.created_at)}</span>
            </div>
            <p class="mt-2 whitespace-pre-wrap text-sm">{k.body}</p>
            {k.replies.into_iter().map(|r| view! {
                <div class="reply mt-3 rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-900">
                    <p class="text-xs text-slate-500">{t.support.reply_from}" "{r.author}" · "{format_utc(r.created_at)}</p>
                    <p class="mt-1 whitespace-pre-wrap">{r.body}</p>
                </div>
            }).collect_view()}
        </li>
    }
}
