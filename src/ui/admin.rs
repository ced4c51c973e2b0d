//! The admin panel's shell: one route per section (overview, users, tickets, audit log, jobs)
//! with its navigation, and the overview's figures, each linking to the list behind it. The
//! page guard answers 403 to non-admins before this renders, and every server function checks
//! again on its own.

use super::account::error_text;
use crate::api::admin::admin_figures;
use crate::domain::{AdminOverview, format_utc};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_meta::Title;

/// The sections of the admin panel, one route each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminSection {
    Overview,
    Users,
    /// One account's page; under Users in the navigation.
    User,
    Tickets,
    Audit,
    Jobs,
}

impl AdminSection {
    pub const ALL: [AdminSection; 5] = [
        AdminSection::Overview,
        AdminSection::Users,
        AdminSection::Tickets,
        AdminSection::Audit,
        AdminSection::Jobs,
    ];

    pub fn href(self) -> &'static str {
        match self {
            AdminSection::Overview => "/admin",
            AdminSection::Users | AdminSection::User => "/admin/users",
            AdminSection::Tickets => "/admin/tickets",
            AdminSection::Audit => "/admin/audit",
            AdminSection::Jobs => "/admin/jobs",
        }
    }

    fn label(self, t: &'static Texts) -> &'static str {
        match self {
            AdminSection::Overview => t.admin_panel.nav_overview,
            AdminSection::Users => t.admin_panel.nav_users,
            AdminSection::User => t.admin_panel.user_details,
            AdminSection::Tickets => t.admin_panel.nav_tickets,
            AdminSection::Audit => t.admin_panel.nav_audit,
            AdminSection::Jobs => t.admin_panel.nav_jobs,
        }
    }
}

#[component]
pub fn AdminPage(section: AdminSection) -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=format!("{} · {}", section.label(t), t.admin.title)/>
        <section class="mx-auto max-w-6xl px-4 py-10">
            <h1 class="text-2xl font-bold text-slate-900 dark:text-white">{t.admin.title}</h1>
            <nav class="mt-4 border-b border-slate-200 dark:border-slate-800" aria-label=t.admin_panel.nav>
                <ul class="flex gap-1 overflow-x-auto">
                    {AdminSection::ALL.into_iter().map(|item| {
                        let active = item == section || (item == AdminSection::Users && section == AdminSection::User);
                        view! {
                            <li>
                                <a href=item.href() aria-current=active.then_some("page")
                                    class="block rounded-t-md px-3 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                                    class:font-semibold=active
                                    class:border-b-2=active
                                    class:border-emerald-600=active>{item.label(t)}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <div class="mt-6">
                {match section {
                    AdminSection::Overview => view! { <Overview/> }.into_any(),
                    AdminSection::Users => view! { <super::admin_users::AdminUsers/> }.into_any(),
                    AdminSection::User => view! { <super::admin_user::AdminUserPage/> }.into_any(),
                    AdminSection::Tickets => view! { <super::admin_tickets::AdminTickets/> }.into_any(),
                    AdminSection::Audit => view! { <super::admin_audit::AdminAudit/> }.into_any(),
                    AdminSection::Jobs => view! { <super::admin_jobs::AdminJobs/> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// One figure: its label, its value, and the list it stands for.
fn figure(id: &'static str, label: &'static str, value: String, href: String) -> impl IntoView {
    view! {
        <a id=id href=href class="block rounded-xl border border-slate-200 p-4 hover:border-emerald-500 dark:border-slate-800">
            <span class="block text-sm text-slate-600 dark:text-slate-400">{label}</span>
            <span class="figure mt-1 block text-2xl font-semibold">{value}</span>
        </a>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let t = use_texts();
    let figures = Resource::new(|| (), |_| admin_figures());
    view! {
        <p class="text-slate-600 dark:text-slate-400">{t.admin.lead}</p>
        <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
            {move || figures.get().map(|r| match r {
                Ok(o) => overview_grid(t, o).into_any(),
                Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

fn overview_grid(t: &'static Texts, o: AdminOverview) -> impl IntoView {
    let p = &t.admin_panel;
    let rate = o.error_rate_today();
    view! {
        <div id="admin-overview" class="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {figure("fig-users", p.users_total, o.users_total.to_string(), "/admin/users".into())}
            {figure("fig-users-new", p.users_new_week, o.users_new_week.to_string(), "/admin/users?sort=newest".into())}
            {figure("fig-connections", p.connections_active, o.connections_active.to_string(), "/admin/users".into())}
            {figure("fig-reconsent", p.connections_reconsent, o.connections_needing_consent.to_string(), "/admin/users?reconsent=1".into())}
            {figure("fig-calls-today", p.calls_today, o.calls_today.to_string(), "/admin/users?sort=usage".into())}
            {figure("fig-calls-month", p.calls_month, o.calls_month.to_string(), "/admin/users?sort=usage".into())}
            {figure("fig-error-rate", p.error_rate_today, rate, "/admin/users?sort=usage".into())}
            {figure("fig-rate-limited", p.rate_limited_today, o.rate_limited_today.to_string(), "/admin/users?sort=usage".into())}
            {figure("fig-refresh-failures", p.refresh_failures, o.refresh_failures_day.to_string(), "/admin/audit?action=connection.refresh_refused".into())}
            {figure("fig-open-tickets", p.open_tickets, o.open_tickets.to_string(), "/admin/tickets?status=open".into())}
        </div>
        <h2 class="mt-8 text-lg font-semibold">{p.users_on_plan}</h2>
        <ul id="fig-plans" class="mt-2 flex flex-wrap gap-3 text-sm">
            {o.users_by_plan.into_iter().map(|(plan, n)| view! {
                <li><a class="rounded-md border border-slate-200 px-3 py-1 hover:border-emerald-500 dark:border-slate-800"
                    href=format!("/admin/users?plan={}", plan.as_str()) data-plan=plan.as_str()>
                    {plan.display_name()}": "<strong>{n}</strong></a></li>
            }).collect_view()}
        </ul>
        <h2 class="mt-8 text-lg font-semibold"><a class="hover:underline" href="/admin/jobs">{p.jobs_last_runs}</a></h2>
        <ul id="fig-jobs" class="mt-2 space-y-1 text-sm">
            {o.jobs.into_iter().map(|j| {
                let when = match (j.status.clone(), j.started_at) {
                    (Some(s), Some(at)) => format!("{s} · {}", format_utc(at)),
                    _ => p.never_ran.to_string(),
                };
                view! { <li data-job=j.job.clone()><span class="font-mono">{j.job.clone()}</span>": "{when}</li> }
            }).collect_view()}
        </ul>
    }
}
