//! Sign-up and sign-in pages. The forms work without JavaScript (plain POSTs to the server
//! functions) and, once hydrated, submit in place and show errors inline.

use crate::api::auth::{Login, Register, RequestPasswordReset, ResetPassword};
use crate::api::error::ApiError;
use crate::api::settings::ConfirmEmail;
use crate::domain::{Email, MIN_PASSWORD_CHARS, Problem, check_password};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_meta::Title;

/// The message of a server function error, without the framework's prefix. Server messages are
/// already in the page's language.
pub fn error_text(t: &'static Texts, e: &ApiError) -> String {
    match e {
        ApiError::Refused(msg) | ApiError::Failed(msg) => msg.clone(),
        ApiError::Transport => t.common.something_went_wrong.to_string(),
    }
}

pub const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:border-emerald-500 focus:outline-none focus:ring-2 focus:ring-emerald-500 dark:border-slate-700 dark:bg-slate-950 dark:text-white";
pub const LABEL: &str = "block text-sm font-medium text-slate-700 dark:text-slate-300";
const BUTTON: &str = "w-full rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700 disabled:opacity-60";
const LINK: &str = "text-emerald-700 underline dark:text-emerald-400";

#[component]
fn Card(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=title/>
        <section class="mx-auto max-w-md px-4 py-16">
            <h1 class="text-2xl font-bold text-slate-900 dark:text-white">{title}</h1>
            <div class="mt-6 rounded-xl border border-slate-200 p-6 dark:border-slate-800">{children()}</div>
        </section>
    }
}

/// The error of an action's last result, as text.
pub fn error_of<T>(t: &'static Texts, result: Option<Result<T, ApiError>>) -> Option<String> {
    result.and_then(|r| r.err()).map(|e| error_text(t, &e))
}

#[component]
fn FormError(message: Option<String>) -> impl IntoView {
    message.map(|e| view! { <p id="form-error" role="alert" class="text-sm text-red-600 dark:text-red-400">{e}</p> })
}

/// After signing in with an app's authorization request waiting, the server names the page that
/// resumes it; it is loaded in full (the browser's router does not know server-only paths).
fn continue_after_sign_in(
    result: impl Fn() -> Option<Result<Option<String>, ApiError>> + Send + Sync + 'static,
) {
    Effect::new(move |_| {
        if let Some(Ok(Some(next))) = result() {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(&next);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = next;
        }
    });
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Login>::new();
    let error = move || error_of(t, action.value().get());
    continue_after_sign_in(move || action.value().get());
    let query = leptos_router::hooks::use_query_map();
    let was_reset = move || query.with(|q| q.get("reset").is_some());
    view! {
        <Card title=t.auth.login_title>
            {move || was_reset().then(|| view! { <p id="reset-done" role="status" class="mb-4 text-sm text-emerald-700 dark:text-emerald-400">{t.auth.password_was_reset}</p> })}
            <ActionForm action=action attr:class="space-y-4" attr:novalidate="true">
                <div>
                    <label class=LABEL for="login-email">{t.auth.email_label}</label>
                    <input class=INPUT id="login-email" name="email" type="email" autocomplete="email" required/>
                </div>
                <div>
                    <label class=LABEL for="login-password">{t.auth.password_label}</label>
                    <input class=INPUT id="login-password" name="password" type="password" autocomplete="current-password" required/>
                </div>
                {move || view! { <FormError message=error()/> }}
                <button id="login-submit" class=BUTTON type="submit" disabled=move || action.pending().get()>{t.shell.sign_in}</button>
            </ActionForm>
            <form method="get" action="/connect/exact" class="mt-6 flex gap-2 border-t border-slate-200 pt-6 dark:border-slate-800">
                <select name="region" aria-label=t.connections.region_label class="rounded-md border border-slate-300 bg-white px-2 py-2 text-sm dark:border-slate-700 dark:bg-slate-950">
                    {crate::domain::Region::ALL.into_iter().map(|r| view! { <option value=r.code()>{r.code().to_uppercase()}</option> }).collect_view()}
                </select>
                <button id="sign-in-with-exact" type="submit" class="flex-1 rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">{t.auth.sign_in_with_exact}</button>
            </form>
            <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">
                <a class=LINK href="/forgot-password">{t.auth.forgot_link}</a>
            </p>
            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                {t.auth.no_account}" " <a class=LINK href="/register">{t.auth.create_one}</a>
            </p>
        </Card>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Register>::new();
    let server_error = move || error_of(t, action.value().get());
    continue_after_sign_in(move || action.value().get());
    // Inline validation with the server's own rules; the server checks again regardless.
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let email_problem = move || {
        let v = email.get();
        (!v.is_empty())
            .then(|| {
                Email::parse(&v)
                    .err()
                    .map(|e| t.problems.describe(Problem::from(e)))
            })
            .flatten()
    };
    let password_problem = move || {
        let v = password.get();
        (!v.is_empty())
            .then(|| check_password(&v).err().map(|p| t.problems.password(p)))
            .flatten()
    };
    view! {
        <Card title=t.auth.register_title>
            <ActionForm action=action attr:class="space-y-4" attr:novalidate="true">
                <div>
                    <label class=LABEL for="register-name">{t.auth.name_label}</label>
                    <input class=INPUT id="register-name" name="display_name" type="text" autocomplete="name" maxlength="100"/>
                </div>
                <div>
                    <label class=LABEL for="register-email">{t.auth.email_label}</label>
                    <input class=INPUT id="register-email" name="email" type="email" autocomplete="email" required
                        aria-describedby="register-email-problem"
                        on:input=move |ev| email.set(event_target_value(&ev))/>
                    <p id="register-email-problem" class="mt-1 text-sm text-red-600 dark:text-red-400">{email_problem}</p>
                </div>
                <div>
                    <label class=LABEL for="register-password">{t.auth.password_label}</label>
                    <input class=INPUT id="register-password" name="password" type="password" autocomplete="new-password" required
                        minlength=MIN_PASSWORD_CHARS.to_string()
                        aria-describedby="register-password-problem register-password-hint"
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                    <p id="register-password-problem" class="mt-1 text-sm text-red-600 dark:text-red-400">{password_problem}</p>
                    <p id="register-password-hint" class="mt-1 text-xs text-slate-500">{t.auth.password_hint}</p>
                </div>
                {move || view! { <FormError message=server_error()/> }}
                <button class=BUTTON type="submit" disabled=move || action.pending().get()>{t.auth.create_account}</button>
            </ActionForm>
            <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">
                {t.auth.have_account}" " <a class=LINK href="/login">{t.shell.sign_in}</a>
            </p>
        </Card>
    }
}

/// In development without SMTP, where the mail can be read.
#[component]
pub fn OutboxHint(url: Option<String>) -> impl IntoView {
    let t = use_texts();
    url.map(|url| {
        view! {
            <p class="mt-2 text-sm">{t.auth.outbox_before}" "
                <a id="outbox-link" class=LINK href=url rel="external">{t.auth.outbox_link}</a>"."</p>
        }
    })
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Card title=t.auth.forgot_title>
            <ActionForm action=action attr:class="space-y-4">
                <div>
                    <label class=LABEL for="forgot-email">{t.auth.forgot_email_label}</label>
                    <input class=INPUT id="forgot-email" name="email" type="email" autocomplete="email" required/>
                </div>
                <button class=BUTTON type="submit" disabled=move || action.pending().get()>{t.auth.send_link}</button>
            </ActionForm>
            {move || action.value().get().map(|r| match r {
                Ok(sent) => view! {
                    <p id="reset-sent" role="status" class="mt-4 text-sm text-slate-700 dark:text-slate-300">{sent.message}</p>
                    <OutboxHint url=sent.outbox_url/>
                }.into_any(),
                Err(e) => view! { <p id="form-error" role="alert" class="mt-4 text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Card>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<ResetPassword>::new();
    let query = leptos_router::hooks::use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let error = move || error_of(t, action.value().get());
    view! {
        <Card title=t.auth.reset_title>
            <ActionForm action=action attr:class="space-y-4">
                <input type="hidden" name="token" prop:value=token/>
                <div>
                    <label class=LABEL for="reset-password">{t.auth.new_password_label}</label>
                    <input class=INPUT id="reset-password" name="password" type="password" autocomplete="new-password" required
                        minlength=MIN_PASSWORD_CHARS.to_string()/>
                    <p class="mt-1 text-xs text-slate-500">{t.auth.reset_hint}</p>
                </div>
                {move || view! { <FormError message=error()/> }}
                <button class=BUTTON type="submit" disabled=move || action.pending().get()>{t.auth.save_new_password}</button>
            </ActionForm>
        </Card>
    }
}

/// The target of the link in the email-change mail. Confirming is a button (a POST), so a mail
/// scanner that follows links cannot use the token by itself.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<ConfirmEmail>::new();
    let query = leptos_router::hooks::use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    view! {
        <Card title=t.settings.verify_email_title>
            <p class="text-sm text-slate-600 dark:text-slate-400">{t.settings.verify_email_lead}</p>
            <ActionForm action=action attr:class="mt-4 space-y-4">
                <input type="hidden" name="token" prop:value=token/>
                <button id="confirm-email" class=BUTTON type="submit" disabled=move || action.pending().get()>{t.settings.verify_email_button}</button>
            </ActionForm>
            {move || action.value().get().map(|r| match r {
                Ok(msg) => view! {
                    <p id="email-confirmed" role="status" class="mt-4 text-sm text-emerald-700 dark:text-emerald-400">{msg}" "
                        <a class=LINK href="/dashboard/settings">{t.dashboard.section_settings}</a></p>
                }.into_any(),
                Err(e) => view! { <p id="form-error" role="alert" class="mt-4 text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Card>
    }
}
