//! Sign-up and sign-in pages. The forms work without JavaScript (plain POSTs to the server
//! functions) and, once hydrated, submit in place and show errors inline.

use crate::api::auth::{Login, Register, RequestPasswordReset, ResetPassword};
use crate::domain::{Email, MIN_PASSWORD_CHARS, check_password};
use leptos::prelude::*;
use leptos_meta::Title;

/// The message of a server function error, without the framework's prefix.
pub fn error_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(msg) => msg.clone(),
        _ => "Something went wrong; please try again.".to_string(),
    }
}

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:border-emerald-500 focus:outline-none focus:ring-2 focus:ring-emerald-500 dark:border-slate-700 dark:bg-slate-950 dark:text-white";
const LABEL: &str = "block text-sm font-medium text-slate-700 dark:text-slate-300";
const BUTTON: &str = "w-full rounded-md bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700 disabled:opacity-60";

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

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_text(&e))
    };
    view! {
        <Card title="Sign in">
            <ActionForm action=action attr:class="space-y-4" attr:novalidate="true">
                <div>
                    <label class=LABEL for="login-email">"Email address"</label>
                    <input class=INPUT id="login-email" name="email" type="email" autocomplete="email" required/>
                </div>
                <div>
                    <label class=LABEL for="login-password">"Password"</label>
                    <input class=INPUT id="login-password" name="password" type="password" autocomplete="current-password" required/>
                </div>
                {move || error().map(|e| view! { <p id="form-error" role="alert" class="text-sm text-red-600 dark:text-red-400">{e}</p> })}
                <button class=BUTTON type="submit" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">
                <a class="text-emerald-700 underline dark:text-emerald-400" href="/forgot-password">"Forgot your password?"</a>
            </p>
            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                "No account yet? " <a class="text-emerald-700 underline dark:text-emerald-400" href="/register">"Create one"</a>
            </p>
        </Card>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let server_error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_text(&e))
    };
    // Inline validation with the server's own rules; the server checks again regardless.
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let email_problem = move || {
        let v = email.get();
        (!v.is_empty())
            .then(|| Email::parse(&v).err().map(|e| e.to_string()))
            .flatten()
    };
    let password_problem = move || {
        let v = password.get();
        (!v.is_empty())
            .then(|| check_password(&v).err().map(|e| e.to_string()))
            .flatten()
    };
    view! {
        <Card title="Create your account">
            <ActionForm action=action attr:class="space-y-4" attr:novalidate="true">
                <div>
                    <label class=LABEL for="register-name">"Your name"</label>
                    <input class=INPUT id="register-name" name="display_name" type="text" autocomplete="name" maxlength="100"/>
                </div>
                <div>
                    <label class=LABEL for="register-email">"Email address"</label>
                    <input class=INPUT id="register-email" name="email" type="email" autocomplete="email" required
                        aria-describedby="register-email-problem"
                        on:input=move |ev| email.set(event_target_value(&ev))/>
                    <p id="register-email-problem" class="mt-1 text-sm text-red-600 dark:text-red-400">{email_problem}</p>
                </div>
                <div>
                    <label class=LABEL for="register-password">"Password"</label>
                    <input class=INPUT id="register-password" name="password" type="password" autocomplete="new-password" required
                        minlength=MIN_PASSWORD_CHARS.to_string()
                        aria-describedby="register-password-problem"
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                    <p id="register-password-problem" class="mt-1 text-sm text-red-600 dark:text-red-400">{password_problem}</p>
                    <p class="mt-1 text-xs text-slate-500">"At least 12 characters. A few unrelated words work well."</p>
                </div>
                {move || server_error().map(|e| view! { <p id="form-error" role="alert" class="text-sm text-red-600 dark:text-red-400">{e}</p> })}
                <button class=BUTTON type="submit" disabled=move || action.pending().get()>"Create account"</button>
            </ActionForm>
            <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">
                "Already have an account? " <a class="text-emerald-700 underline dark:text-emerald-400" href="/login">"Sign in"</a>
            </p>
        </Card>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Card title="Reset your password">
            <ActionForm action=action attr:class="space-y-4">
                <div>
                    <label class=LABEL for="forgot-email">"Email address of your account"</label>
                    <input class=INPUT id="forgot-email" name="email" type="email" autocomplete="email" required/>
                </div>
                <button class=BUTTON type="submit" disabled=move || action.pending().get()>"Send me a link"</button>
            </ActionForm>
            {move || action.value().get().map(|r| match r {
                Ok(sent) => view! {
                    <p id="reset-sent" role="status" class="mt-4 text-sm text-slate-700 dark:text-slate-300">{sent.message}</p>
                    {sent.outbox_url.map(|url| view! {
                        <p class="mt-2 text-sm">"Development: no mail server is set, so the mail is in the "
                            <a id="outbox-link" class="text-emerald-700 underline dark:text-emerald-400" href=url rel="external">"outbox"</a>"."</p>
                    })}
                }.into_any(),
                Err(e) => view! { <p id="form-error" role="alert" class="mt-4 text-sm text-red-600">{error_text(&e)}</p> }.into_any(),
            })}
        </Card>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let query = leptos_router::hooks::use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_text(&e))
    };
    view! {
        <Card title="Choose a new password">
            <ActionForm action=action attr:class="space-y-4">
                <input type="hidden" name="token" prop:value=token/>
                <div>
                    <label class=LABEL for="reset-password">"New password"</label>
                    <input class=INPUT id="reset-password" name="password" type="password" autocomplete="new-password" required
                        minlength=MIN_PASSWORD_CHARS.to_string()/>
                    <p class="mt-1 text-xs text-slate-500">"At least 12 characters. Signing in elsewhere ends when you save."</p>
                </div>
                {move || error().map(|e| view! { <p id="form-error" role="alert" class="text-sm text-red-600 dark:text-red-400">{e}</p> })}
                <button class=BUTTON type="submit" disabled=move || action.pending().get()>"Save the new password"</button>
            </ActionForm>
        </Card>
    }
}
