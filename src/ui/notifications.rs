//! The notifications bell in the dashboard's header: the unread count, the latest notifications
//! (quota warnings, reconnect requests, expiry alerts) and "mark all as read". It polls, so a
//! warning raised by an assistant's call shows up while the page is open.

use super::usage::use_poll;
use crate::api::usage::{MarkNotificationsRead, list_notifications};
use crate::domain::format_utc;
use crate::i18n::use_texts;
use leptos::prelude::*;
use std::time::Duration;

const ITEM: &str =
    "notification rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800";
const UNREAD: &str = "bg-emerald-50 dark:bg-emerald-950";

/// A link from a notification is followed only if it stays on this site.
fn local_link(link: &str) -> Option<String> {
    if link.starts_with('/') && !link.starts_with("//") {
        return Some(link.to_string());
    }
    // Links written by the server carry PUBLIC_URL; keep their path only.
    let rest = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))?;
    let path = &rest[rest.find('/')?..];
    (!path.starts_with("//")).then(|| path.to_string())
}

#[component]
pub fn NotificationBell() -> impl IntoView {
    let t = use_texts();
    let tick = use_poll(Duration::from_secs(5));
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new(
        move || (tick.get(), mark.version().get()),
        |_| list_notifications(),
    );
    let open = RwSignal::new(false);
    let unread = move || {
        list.get()
            .and_then(Result::ok)
            .map(|l| l.unread)
            .unwrap_or(0)
    };
    view! {
        <div class="relative">
            <button id="notifications-button" type="button" aria-label=t.notifications.button
                aria-expanded=move || open.get().to_string() aria-controls="notifications-panel"
                class="relative rounded-md border border-slate-300 p-1.5 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
                on:click=move |_| open.update(|o| *o = !*o)>
                <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
                    <path stroke-linecap="round" stroke-linejoin="round" d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2a2 2 0 0 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0"/>
                </svg>
                <Transition fallback=|| ()>
                    {move || (unread() > 0).then(|| view! {
                        <span id="notifications-unread" class="absolute -right-1.5 -top-1.5 rounded-full bg-red-600 px-1.5 text-xs font-semibold text-white">{unread().to_string()}</span>
                    })}
                </Transition>
            </button>
            <div id="notifications-panel" role="region" aria-label=t.notifications.button
                class="absolute right-0 z-30 mt-2 w-80 rounded-xl border border-slate-200 bg-white p-4 shadow-lg dark:border-slate-800 dark:bg-slate-950"
                class:hidden=move || !open.get()>
                <div class="flex items-center justify-between gap-2">
                    <h2 class="font-semibold">{t.notifications.button}</h2>
                    <ActionForm action=mark>
                        <button id="notifications-read" type="submit" class="text-xs text-emerald-700 underline dark:text-emerald-400">{t.notifications.mark_read}</button>
                    </ActionForm>
                </div>
                <Transition fallback=move || view! { <p class="mt-3 text-sm text-slate-500">{t.common.loading}</p> }>
                    {move || list.get().map(|r| match r {
                        Ok(l) if l.items.is_empty() => view! { <p class="mt-3 text-sm text-slate-500">{t.notifications.empty}</p> }.into_any(),
                        Ok(l) => view! {
                            <ul class="mt-3 max-h-96 space-y-3 overflow-y-auto">
                                {l.items.into_iter().map(|n| {
                                    let link = n.link.as_deref().and_then(local_link);
                                    let class = if n.read { ITEM.to_string() } else { format!("{ITEM} {UNREAD}") };
                                    view! {
                                        <li class=class data-kind=n.kind.clone() data-read=n.read.to_string()>
                                            <p class="font-medium">{n.title}</p>
                                            <p class="mt-1 text-slate-600 dark:text-slate-400">{n.body}</p>
                                            <p class="mt-1 flex justify-between text-xs text-slate-500">
                                                <span>{format_utc(n.created_at)}</span>
                                                {link.map(|href| view! { <a class="underline" href=href>{t.notifications.open}</a> })}
                                            </p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(_) => view! { <p class="mt-3 text-sm text-slate-500">{t.notifications.empty}</p> }.into_any(),
                    })}
                </Transition>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::local_link;

    #[test]
    fn only_links_on_this_site_are_followed() {
        assert_eq!(
            local_link("/dashboard/usage").as_deref(),
            Some("/dashboard/usage")
        );
        assert_eq!(
            local_link("https://mcp.example.com/dashboard/connections").as_deref(),
            Some("/dashboard/connections")
        );
        assert_eq!(local_link("//evil.example/x"), None);
        assert_eq!(local_link("javascript:alert(1)"), None);
        assert_eq!(local_link("https://host-only"), None);
    }
}
