//! The admin panel's audit log: every admin action and security event, filtered by actor,
//! subject, action and days, a page at a time; the CSV export of what the filter finds; and the
//! retention setting.

use super::account::error_text;
use super::query::query_value;
use crate::api::admin::{AdminSetAuditRetention, admin_audit};
use crate::domain::{AUDIT_RETENTION_RANGE, AuditPage, format_utc};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const BUTTON: &str = "rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900";
const FIELD: &str = "mt-1 block rounded-md border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/// The filter form's values.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filter {
    actor: String,
    subject: String,
    action: String,
    from: String,
    until: String,
}

impl Filter {
    /// The export's address for these filters.
    fn export_href(&self) -> String {
        format!(
            "/admin/audit/export.csv?actor={}&subject={}&action={}&from={}&until={}",
            query_value(&self.actor),
            query_value(&self.subject),
            query_value(&self.action),
            query_value(&self.from),
            query_value(&self.until),
        )
    }
}

fn given(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

#[component]
pub fn AdminAudit() -> impl IntoView {
    let t = use_texts();
    let p = &t.admin_panel;
    let initial = use_query_map().with_untracked(|q| Filter {
        actor: q.get("actor").unwrap_or_default(),
        subject: q.get("subject").unwrap_or_default(),
        action: q.get("action").unwrap_or_default(),
        from: q.get("from").unwrap_or_default(),
        until: q.get("until").unwrap_or_default(),
    });
    let filter = RwSignal::new(initial.clone());
    let draft = RwSignal::new(initial);
    let page = RwSignal::new(0u32);
    let retention = ServerAction::<AdminSetAuditRetention>::new();
    let rows = Resource::new(
        move || (filter.get(), page.get(), retention.version().get()),
        |(f, p, _)| {
            admin_audit(
                p,
                given(&f.actor),
                given(&f.subject),
                given(&f.action),
                given(&f.from),
                given(&f.until),
            )
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(0);
        filter.set(draft.get());
    };
    let edit = move |f: fn(&mut Filter, String)| {
        move |ev: leptos::ev::Event| draft.update(|d| f(d, event_target_value(&ev)))
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      get: fn(&Filter) -> String,
                      set: fn(&mut Filter, String)| {
        view! {
            <label class="text-sm">{label}
                <input id=id type=kind class=FIELD maxlength="200"
                    prop:value=move || draft.with(get) on:input=edit(set)/>
            </label>
        }
    };
    let retention_result = move || {
        retention.value().get().and_then(Result::err).map(|e| view! {
            <p id="retention-result" role="alert" class="mt-2 text-sm text-red-600">{error_text(t, &e)}</p>
        })
    };
    view! {
        <form id="audit-filter" class="flex flex-wrap items-end gap-3" on:submit=submit>
            {field("audit-actor", p.audit_actor, "search", |f| f.actor.clone(), |f, v| f.actor = v)}
            {field("audit-subject", p.audit_subject, "search", |f| f.subject.clone(), |f, v| f.subject = v)}
            {field("audit-action", p.audit_action, "search", |f| f.action.clone(), |f, v| f.action = v)}
            {field("audit-from", p.audit_from, "date", |f| f.from.clone(), |f, v| f.from = v)}
            {field("audit-until", p.audit_until, "date", |f| f.until.clone(), |f, v| f.until = v)}
            <button id="audit-filter-button" type="submit" class="rounded-md bg-emerald-600 px-3 py-1 text-sm font-medium text-white hover:bg-emerald-700">{p.audit_filter}</button>
            <a id="audit-export" class=BUTTON href=move || filter.with(Filter::export_href) download="exact-mcp-audit.csv">{p.audit_export}</a>
        </form>
        <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
            {move || rows.get().map(|r| match r {
                Ok(found) => audit_table(t, found, page, retention).into_any(),
                Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Suspense>
        {retention_result}
    }
}

fn audit_table(
    t: &'static Texts,
    found: AuditPage,
    page: RwSignal<u32>,
    retention: ServerAction<AdminSetAuditRetention>,
) -> impl IntoView {
    let p = &t.admin_panel;
    let th = "px-3 py-2 text-left font-semibold";
    let td = "px-3 py-2 align-top";
    let (at, pages) = (found.page, found.pages.max(1));
    let table = if found.rows.is_empty() {
        view! { <p class="mt-4 text-slate-500">{p.audit_none}</p> }.into_any()
    } else {
        view! {
            <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
                <table id="audit-rows" class="min-w-full text-xs">
                    <thead class="bg-slate-50 dark:bg-slate-900">
                        <tr>
                            <th scope="col" class=th>{p.audit_col_time}</th>
                            <th scope="col" class=th>{p.audit_actor}</th>
                            <th scope="col" class=th>{p.audit_action}</th>
                            <th scope="col" class=th>{p.audit_col_target}</th>
                            <th scope="col" class=th>{p.audit_col_detail}</th>
                            <th scope="col" class=th>{p.audit_col_ip}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {found.rows.into_iter().map(|r| { let action = r.action.clone(); view! {
                            <tr class="border-t border-slate-200 dark:border-slate-800" data-action=action>
                                <td class=td>{format_utc(r.created_at)}</td>
                                <td class=td>{r.actor}</td>
                                <td class="px-3 py-2 align-top font-mono">{r.action}</td>
                                <td class=td>{r.target_type}" "<span class="font-mono">{r.target_id}</span></td>
                                <td class="px-3 py-2 align-top font-mono break-all">{r.detail}</td>
                                <td class=td>{r.ip}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        {table}
        <nav class="mt-3 flex items-center gap-3 text-sm" aria-label=p.nav_audit>
            <button class=BUTTON disabled={at == 0} on:click=move |_| page.set(at.saturating_sub(1))>{t.admin.previous}</button>
            <span id="audit-page">{p.rows_of(at + 1, pages, found.total)}</span>
            <button class=BUTTON disabled={at + 1 >= pages} on:click=move |_| page.set(at + 1)>{t.admin.next}</button>
        </nav>
        <ActionForm action=retention attr:id="retention-form" attr:class="mt-8 flex flex-wrap items-end gap-3">
            <label class="text-sm">{p.audit_retention_label}
                <input id="retention-days" name="days" type="number" required class=FIELD
                    min=AUDIT_RETENTION_RANGE.start().to_string() max=AUDIT_RETENTION_RANGE.end().to_string()
                    value=found.retention_days.to_string()/>
            </label>
            <button type="submit" class=BUTTON>{p.audit_retention_save}</button>
            <span id="retention-now" class="text-sm text-slate-600 dark:text-slate-400">{p.audit_retention_now(found.retention_days)}</span>
        </ActionForm>
    }
}
