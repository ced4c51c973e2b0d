//! The signed-in area: the dashboard shell with its sections, and the admin panel. Access is
//! enforced on the server (the page guard and every server function), never by hiding links.

use super::account::{INPUT, LABEL, OutboxHint, error_of, error_text};
use crate::api::auth::{Logout, whoami};
use crate::api::settings::{ChangeEmail, ChangePassword, DeleteAccount, SignOutEverywhere};
use crate::domain::Role;
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn SignOut() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Logout>::new();
    view! {
        <ActionForm action=action>
            <button id="sign-out" type="submit" class="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">{t.dashboard.sign_out}</button>
        </ActionForm>
    }
}

/// The sections of the signed-in area, one route each: the page renders exactly one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardSection {
    Overview,
    Connections,
    Keys,
    Usage,
    Support,
    Settings,
}

impl DashboardSection {
    /// In the order of the navigation.
    pub const ALL: [DashboardSection; 6] = [
        DashboardSection::Overview,
        DashboardSection::Connections,
        DashboardSection::Keys,
        DashboardSection::Usage,
        DashboardSection::Support,
        DashboardSection::Settings,
    ];

    pub fn href(self) -> &'static str {
        match self {
            DashboardSection::Overview => "/dashboard",
            DashboardSection::Connections => "/dashboard/connections",
            DashboardSection::Keys => "/dashboard/keys",
            DashboardSection::Usage => "/dashboard/usage",
            DashboardSection::Support => "/dashboard/support",
            DashboardSection::Settings => "/dashboard/settings",
        }
    }

    fn label(self, t: &'static Texts) -> &'static str {
        match self {
            DashboardSection::Overview => t.dashboard.section_overview,
            DashboardSection::Connections => t.dashboard.section_connections,
            DashboardSection::Keys => t.dashboard.section_keys,
            DashboardSection::Usage => t.dashboard.section_usage,
            DashboardSection::Support => t.support.section,
            DashboardSection::Settings => t.dashboard.section_settings,
        }
    }
}

#[component]
pub fn DashboardPage(section: DashboardSection) -> impl IntoView {
    let t = use_texts();
    let me = Resource::new(|| (), |_| whoami());
    let title = section.label(t);
    view! {
        <Title text=title/>
        <div class="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-10 md:flex-row">
            <nav class="md:w-48" aria-label=t.dashboard.nav>
                <ul class="flex gap-2 overflow-x-auto md:flex-col">
                    {DashboardSection::ALL
                        .into_iter()
                        .map(|item| {
                            let active = item == section;
                            view! {
                                <li>
                                    <a href=item.href() aria-current=active.then_some("page")
                                        class="block rounded-md px-3 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                                        class:font-semibold=active>{item.label(t)}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <section class="flex-1">
                <div class="flex items-center justify-between gap-4">
                    <h1 class="text-2xl font-bold text-slate-900 dark:text-white">{title}</h1>
                    <div class="flex items-center gap-3">
                        <super::notifications::NotificationBell/>
                        <SignOut/>
                    </div>
                </div>
                <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
                    {move || me.get().map(|r| match r {
                        Ok(me) => view! {
                            <p id="signed-in-as" class="mt-4 text-slate-600 dark:text-slate-400">
                                {t.dashboard.signed_in_as}" " <strong>{me.email.clone()}</strong>
                                {(!me.display_name.is_empty()).then(|| format!(" ({})", me.display_name))}
                                " · "{t.dashboard.plan_word}" " {me.plan.display_name()}
                                {(me.role == Role::Admin).then(|| view! { " · " <a class="underline" href="/admin">{t.dashboard.admin_panel_link}</a> })}
                            </p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
                    })}
                </Suspense>
                {match section {
                    DashboardSection::Settings => view! { <SettingsPanel/> }.into_any(),
                    DashboardSection::Support => view! { <super::support::SupportPanel/> }.into_any(),
                    DashboardSection::Connections => view! { <super::connections::ConnectionsPanel/> }.into_any(),
                    DashboardSection::Keys => view! { <super::keys::KeysPanel/> }.into_any(),
                    DashboardSection::Usage => view! { <super::usage::UsagePanel/> }.into_any(),
                    DashboardSection::Overview => view! {
                        <div class="mt-8 space-y-8">
                            <div class="grid gap-6 lg:grid-cols-3">
                                <super::usage::UsageGlance/>
                                <super::glance::ConnectionsGlance/>
                                <super::glance::KeysGlance/>
                            </div>
                            <super::keys::McpSetupHelp link_to_keys=true/>
                        </div>
                    }.into_any(),
                }}
            </section>
        </div>
    }
}

/// Change email, change password, sign out everywhere, download my data, delete the account.
#[component]
fn SettingsPanel() -> impl IntoView {
    let t = use_texts();
    let change_email = ServerAction::<ChangeEmail>::new();
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let change_email_result = move || {
        change_email.value().get().map(|r| match r {
            Ok(done) => view! {
                <super::toast::Toast id="change-email-result" text=done.message/>
                <OutboxHint url=done.outbox_url/>
            }.into_any(),
            Err(e) => view! { <p id="change-email-result" role="alert" class="text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
        })
    };
    let change_result = move || {
        change.value().get().map(|r| match r {
            Ok(msg) => view! { <super::toast::Toast id="change-password-result" text=msg/> }.into_any(),
            Err(e) => view! { <p id="change-password-result" role="alert" class="text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
        })
    };
    let delete_error = move || error_of(t, delete.value().get());
    let primary = "rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700";
    let secondary = "rounded-md border border-slate-300 px-4 py-2 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900";
    view! {
        <div class="mt-8 space-y-10">
            <section aria-labelledby="email-heading">
                <h2 id="email-heading" class="text-lg font-semibold">{t.settings.change_email_heading}</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{t.settings.change_email_lead}</p>
                <ActionForm action=change_email attr:class="mt-4 max-w-md space-y-4">
                    <div>
                        <label class=LABEL for="new-email">{t.settings.new_email_label}</label>
                        <input class=INPUT id="new-email" name="new_email" type="email" autocomplete="email" required/>
                    </div>
                    <div>
                        <label class=LABEL for="email-current-password">{t.settings.current_password_label}</label>
                        <input class=INPUT id="email-current-password" name="current_password" type="password" autocomplete="current-password" required/>
                    </div>
                    {change_email_result}
                    <button id="change-email" type="submit" class=primary>{t.settings.change_email_button}</button>
                </ActionForm>
            </section>
            <section aria-labelledby="pw-heading">
                <h2 id="pw-heading" class="text-lg font-semibold">{t.settings.change_password_heading}</h2>
                <ActionForm action=change attr:class="mt-4 max-w-md space-y-4">
                    <div>
                        <label class=LABEL for="current-password">{t.settings.current_password_label}</label>
                        <input class=INPUT id="current-password" name="current_password" type="password" autocomplete="current-password" required/>
                    </div>
                    <div>
                        <label class=LABEL for="new-password">{t.auth.new_password_label}</label>
                        <input class=INPUT id="new-password" name="new_password" type="password" autocomplete="new-password" required minlength="12"/>
                    </div>
                    {change_result}
                    <button type="submit" class=primary>{t.settings.change_password_button}</button>
                </ActionForm>
            </section>
            <section aria-labelledby="sessions-heading">
                <h2 id="sessions-heading" class="text-lg font-semibold">{t.settings.sessions_heading}</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{t.settings.sessions_lead}</p>
                <ActionForm action=everywhere attr:class="mt-4">
                    <button id="sign-out-everywhere" type="submit" class=secondary>{t.settings.sign_out_everywhere}</button>
                </ActionForm>
            </section>
            <section aria-labelledby="data-heading">
                <h2 id="data-heading" class="text-lg font-semibold">{t.settings.data_heading}</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{t.settings.data_lead}</p>
                <a id="download-data" rel="external" download="exact-mcp-my-data.json" href="/dashboard/settings/export.json" class=format!("mt-4 inline-block {secondary}")>{t.settings.download_data}</a>
            </section>
            <section aria-labelledby="delete-heading" class="rounded-xl border border-red-200 p-6 dark:border-red-900">
                <h2 id="delete-heading" class="text-lg font-semibold text-red-700 dark:text-red-400">{t.settings.delete_heading}</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{t.settings.delete_lead}</p>
                <ActionForm action=delete attr:class="mt-4 max-w-md space-y-4">
                    <div>
                        <label class=LABEL for="confirm-email">{t.settings.delete_confirm_label}</label>
                        <input class=INPUT id="confirm-email" name="confirm_email" type="email" autocomplete="off" required/>
                    </div>
                    {move || delete_error().map(|e| view! { <p role="alert" class="text-sm text-red-600">{e}</p> })}
                    <button id="delete-account" type="submit" class="rounded-md bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-700">{t.settings.delete_button}</button>
                </ActionForm>
            </section>
        </div>
    }
}
