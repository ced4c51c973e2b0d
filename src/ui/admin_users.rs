//! The admin panel's user list: search by email or name, filter by plan, status, role and
//! "needs a new Exact consent", sort, page through; per account change the plan, reset this
//! month's usage, suspend or reactivate, delete (typing the address). Every action asks the
//! server, which checks the admin again and writes the audit row; destructive ones ask first.

use super::account::error_text;
use crate::api::admin::{
    AdminDeleteUser, AdminResetUsage, AdminSetPlan, AdminSetStatus, UserList, UserSummary,
    list_users,
};
use crate::domain::{AccountStatus, Plan, format_utc};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What the list shows: the search form's values and the page.
#[derive(Debug, Clone, Default, PartialEq)]
struct Query {
    search: String,
    plan: String,
    status: String,
    role: String,
    needs_reconsent: bool,
    sort: String,
    page: u32,
}

const BUTTON: &str = "rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900";
const FIELD: &str =
    "rounded-md border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/// Some(text) of a non-empty field, for the server function's optional arguments.
fn given(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

#[component]
pub fn AdminUsers() -> impl IntoView {
    let t = use_texts();
    // The overview's figures link here with their filter in the address.
    let initial = use_query_map().with_untracked(|q| Query {
        search: q.get("search").unwrap_or_default(),
        plan: q.get("plan").unwrap_or_default(),
        status: q.get("status").unwrap_or_default(),
        role: q.get("role").unwrap_or_default(),
        needs_reconsent: q.get("reconsent").is_some_and(|v| v == "1"),
        sort: q.get("sort").unwrap_or_default(),
        page: 0,
    });
    let query = RwSignal::new(initial.clone());
    let draft = RwSignal::new(initial);
    let actions = RowActions::new();
    let users = Resource::new(
        move || (query.get(), actions.version()),
        |(q, _)| {
            list_users(
                q.page,
                given(&q.search),
                given(&q.plan),
                given(&q.status),
                given(&q.role),
                Some(q.needs_reconsent),
                given(&q.sort),
            )
        },
    );
    let outcome = move || actions.outcome(t);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(Query {
            page: 0,
            ..draft.get()
        });
    };
    let edit = move |f: fn(&mut Query, String)| {
        move |ev: leptos::ev::Event| draft.update(|d| f(d, event_target_value(&ev)))
    };
    view! {
        <form id="admin-user-search" class="flex flex-wrap items-end gap-3" on:submit=search>
            <label class="text-sm">
                <span class="block text-slate-600 dark:text-slate-400">{t.admin.search_label}</span>
                <input id="admin-search" class=FIELD type="search" maxlength="100"
                    prop:value=move || draft.with(|d| d.search.clone())
                    on:input=edit(|d, v| d.search = v)/>
            </label>
            <select id="admin-filter-plan" class=FIELD aria-label=t.admin.col_plan prop:value=move || draft.with(|d| d.plan.clone()) on:change=edit(|d, v| d.plan = v)>
                <option value="">{t.admin.any_plan}</option>
                {Plan::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.display_name()}</option> }).collect_view()}
            </select>
            <select id="admin-filter-status" class=FIELD aria-label=t.admin.col_status prop:value=move || draft.with(|d| d.status.clone()) on:change=edit(|d, v| d.status = v)>
                <option value="">{t.admin.any_status}</option>
                <option value="active">"active"</option>
                <option value="suspended">"suspended"</option>
            </select>
            <select id="admin-filter-role" class=FIELD aria-label=t.admin.col_role prop:value=move || draft.with(|d| d.role.clone()) on:change=edit(|d, v| d.role = v)>
                <option value="">{t.admin.any_role}</option>
                <option value="user">"user"</option>
                <option value="admin">"admin"</option>
            </select>
            <label class="flex items-center gap-1 text-sm">
                <input id="admin-filter-reconsent" type="checkbox" prop:checked=move || draft.with(|d| d.needs_reconsent)
                    on:change=move |ev| draft.update(|d| d.needs_reconsent = event_target_checked(&ev))/>
                {t.admin.needs_reconsent_filter}
            </label>
            <select id="admin-sort" class=FIELD aria-label=t.admin.sort_label prop:value=move || draft.with(|d| if d.sort.is_empty() { "newest".to_string() } else { d.sort.clone() }) on:change=edit(|d, v| d.sort = v)>
                <option value="newest">{t.admin.sort_newest}</option>
                <option value="oldest">{t.admin.sort_oldest}</option>
                <option value="email">{t.admin.sort_email}</option>
                <option value="usage">{t.admin.sort_usage}</option>
            </select>
            <button id="admin-search-button" type="submit" class="rounded-md bg-emerald-600 px-3 py-1 text-sm font-medium text-white hover:bg-emerald-700">{t.admin.search_button}</button>
        </form>
        {outcome}
        <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
            {move || users.get().map(|r| match r {
                Ok(list) => user_table(t, list, query, actions).into_any(),
                Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// The account actions' server actions, shared by every row (and the account's own page).
#[derive(Clone, Copy)]
pub(super) struct RowActions {
    pub set_plan: ServerAction<AdminSetPlan>,
    pub set_status: ServerAction<AdminSetStatus>,
    pub reset: ServerAction<AdminResetUsage>,
    pub delete: ServerAction<AdminDeleteUser>,
}

impl RowActions {
    pub fn new() -> RowActions {
        RowActions {
            set_plan: ServerAction::new(),
            set_status: ServerAction::new(),
            reset: ServerAction::new(),
            delete: ServerAction::new(),
        }
    }

    /// Changes whenever one of the actions completes.
    pub fn version(self) -> (usize, usize, usize, usize) {
        (
            self.set_plan.version().get(),
            self.set_status.version().get(),
            self.reset.version().get(),
            self.delete.version().get(),
        )
    }

    /// The latest outcome, as a status line (`#admin-result`).
    pub fn outcome(self, t: &'static Texts) -> Option<AnyView> {
        let errors = [
            self.set_plan.value().get().and_then(Result::err),
            self.set_status.value().get().and_then(Result::err),
            self.reset.value().get().and_then(Result::err),
            self.delete.value().get().and_then(Result::err),
        ];
        let any_done = self.set_plan.value().get().is_some()
            || self.set_status.value().get().is_some()
            || self.reset.value().get().is_some()
            || self.delete.value().get().is_some();
        match errors.into_iter().flatten().next() {
            Some(e) => Some(view! { <p id="admin-result" role="alert" class="mt-4 text-sm text-red-600">{error_text(t, &e)}</p> }.into_any()),
            None if any_done => Some(view! { <super::toast::Toast id="admin-result" text=t.admin.done/> }.into_any()),
            None => None,
        }
    }
}

fn user_table(
    t: &'static Texts,
    list: UserList,
    query: RwSignal<Query>,
    actions: RowActions,
) -> impl IntoView {
    let th = "px-3 py-2 text-left font-semibold";
    let (page, pages) = (list.page, list.pages.max(1));
    let turn = move |to: u32| move |_| query.update(|q| q.page = to);
    let rows = if list.users.is_empty() {
        view! { <p class="mt-4 text-slate-500">{t.admin.no_users}</p> }.into_any()
    } else {
        view! {
            <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
                <table id="admin-users" class="min-w-full text-sm">
                    <thead class="bg-slate-50 dark:bg-slate-900">
                        <tr>
                            <th scope="col" class=th>{t.admin.col_email}</th>
                            <th scope="col" class=th>{t.admin.col_role}</th>
                            <th scope="col" class=th>{t.admin.col_plan}</th>
                            <th scope="col" class=th>{t.admin.col_status}</th>
                            <th scope="col" class=th>{t.admin.col_usage}</th>
                            <th scope="col" class=th>{t.admin.col_apps}</th>
                            <th scope="col" class=th>{t.admin.col_created}</th>
                            <th scope="col" class=th>{t.admin.col_actions}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.users.into_iter().map(|u| user_row(t, u, actions)).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        {rows}
        <nav class="mt-3 flex items-center gap-3 text-sm" aria-label=t.admin.users_heading>
            <button id="admin-prev" class=BUTTON disabled={page == 0} on:click=turn(page.saturating_sub(1))>{t.admin.previous}</button>
            <span id="admin-page">{t.admin.page_of(page + 1, pages, list.total)}</span>
            <button id="admin-next" class=BUTTON disabled={page + 1 >= pages} on:click=turn(page + 1)>{t.admin.next}</button>
        </nav>
    }
}

fn user_row(t: &'static Texts, u: UserSummary, a: RowActions) -> impl IntoView {
    let td = "px-3 py-2 align-top";
    let details = format!("/admin/users/{}", u.id);
    view! {
        <tr class="border-t border-slate-200 dark:border-slate-800" data-email=u.email.clone()>
            <td class=td>
                <a class="user-link font-medium underline" href=details>{u.email.clone()}</a>
                <p class="text-xs text-slate-500">{u.display_name.clone()}</p>
                {u.needs_reconsent.then(|| view! { <span class="reconsent text-xs text-amber-700">{t.admin.reconsent_badge}</span> })}
            </td>
            <td class=td>{u.role.as_str()}</td>
            <td class=td>{plan_form(t, u.clone(), a)}</td>
            <td class="status px-3 py-2 align-top">{u.status.as_str()}</td>
            <td class="usage px-3 py-2 align-top">{u.calls_used}</td>
            <td class="admin-apps px-3 py-2 align-top">{u.connected_apps}</td>
            <td class=td>{format_utc(u.created_at)}</td>
            <td class=td>{action_menu(t, u.clone(), a)}</td>
        </tr>
    }
}

/// Change the account's plan.
pub(super) fn plan_form(t: &'static Texts, u: UserSummary, a: RowActions) -> impl IntoView {
    let current = u.plan;
    let email = u.email;
    view! {
        <ActionForm action=a.set_plan attr:class="flex gap-1">
            <input type="hidden" name="email" value=email/>
            <select name="plan" class=FIELD aria-label=t.admin.change_plan>
                {Plan::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=p == current>{p.display_name()}</option> }).collect_view()}
            </select>
            <button type="submit" class=format!("set-plan {BUTTON}")>{t.admin.change_plan}</button>
        </ActionForm>
    }
}

/// Reset usage, suspend or reactivate, delete: each behind a disclosure that asks first.
pub(super) fn action_menu(t: &'static Texts, u: UserSummary, a: RowActions) -> impl IntoView {
    let suspended = u.status == AccountStatus::Suspended;
    let (reset_id, delete_id, email) = (u.id.clone(), u.id, u.email);
    let toggle = if suspended {
        t.admin.reactivate
    } else {
        t.admin.suspend
    };
    view! {
        <details class="mb-1">
            <summary class="cursor-pointer text-xs">{t.admin.reset_usage}</summary>
            <ActionForm action=a.reset>
                <p class="text-xs text-slate-600">{t.admin.confirm_reset}</p>
                <input type="hidden" name="user_id" value=reset_id/>
                <button type="submit" class=format!("reset-usage {BUTTON}")>{t.admin.reset_usage}</button>
            </ActionForm>
        </details>
        <details class="mb-1">
            <summary class="cursor-pointer text-xs">{toggle}</summary>
            <ActionForm action=a.set_status>
                {(!suspended).then(|| view! { <p class="text-xs text-slate-600">{t.admin.confirm_suspend}</p> })}
                <input type="hidden" name="email" value=email/>
                <input type="hidden" name="suspended" value=(!suspended).to_string()/>
                <button type="submit" class=format!("set-status {BUTTON}")>{toggle}</button>
            </ActionForm>
        </details>
        <details>
            <summary class="cursor-pointer text-xs text-red-700">{t.admin.delete}</summary>
            <ActionForm action=a.delete>
                <input type="hidden" name="user_id" value=delete_id/>
                <label class="block text-xs">{t.admin.delete_confirm_label}
                    <input name="confirm_email" type="email" autocomplete="off" required class=FIELD/>
                </label>
                <button type="submit" class="delete-user mt-1 rounded-md bg-red-600 px-2 py-1 text-xs text-white hover:bg-red-700">{t.admin.delete}</button>
            </ActionForm>
        </details>
    }
}
