//! The API keys section of the dashboard: create a key (its text is shown this once), the list of
//! keys by name and prefix with their dates, revoke after a confirmation; the apps connected
//! through OAuth, revocable the same way; and the MCP setup help with copy-ready snippets for the
//! common clients (by URL with sign-in, or with a key), shown here and on the overview.

use super::account::{INPUT, LABEL, error_text};
use super::connections::{BUTTON, PRIMARY};
use super::copy::CopyButton;
use crate::api::keys::{CreateKey, RevokeApp, RevokeKey, list_apps, list_keys, mcp_setup};
use crate::domain::{
    ApiKeySummary, ConnectedApp, CreatedKey, MAX_KEY_NAME_CHARS, claude_code_oauth_snippet,
    claude_code_snippet, claude_desktop_snippet, cursor_snippet, format_utc, inspector_snippet,
};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;

const SNIPPET: &str = "mt-2 overflow-x-auto whitespace-pre rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100 select-all";

#[component]
pub fn KeysPanel() -> impl IntoView {
    let t = use_texts();
    let create = ServerAction::<CreateKey>::new();
    let revoke = ServerAction::<RevokeKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_keys(),
    );
    // The key created on this page, kept apart from the action's value so that a later failed
    // attempt (say, the plan's limit) does not take it off the screen before it was copied.
    let fresh = RwSignal::new(None::<CreatedKey>);
    // The name field empties once its key exists, so a second click does not make a twin.
    let name = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            fresh.set(Some(created));
            name.set(String::new());
        }
    });
    // The key whose revocation was last confirmed: once that succeeds, a fresh key that is now
    // dead leaves the screen and the snippets.
    let revoking = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = revoke.value().get() {
            let gone = revoking.get_untracked();
            if gone.is_some()
                && fresh.with_untracked(|f| f.as_ref().map(|c| &c.summary.id) == gone.as_ref())
            {
                fresh.set(None);
            }
        }
    });
    let fresh_key = Signal::derive(move || fresh.with(|f| f.as_ref().map(|c| c.key.clone())));
    let confirming = RwSignal::new(None::<String>);
    let create_error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p id="key-message" role="alert" class="text-sm text-red-600">{error_text(t, &e)}</p> })
    };
    let revoke_outcome = move || {
        revoke.value().get().map(|r| match r {
            Ok(msg) => view! { <super::toast::Toast id="revoke-message" text=msg/> }.into_any(),
            Err(e) => view! { <p id="revoke-message" role="alert" class="text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
        })
    };
    view! {
        <div class="mt-8 space-y-10">
            <p class="text-slate-600 dark:text-slate-400">{t.keys.lead}</p>
            <div class="space-y-4">
                <ActionForm action=create attr:class="flex flex-wrap items-end gap-3">
                    <div class="min-w-64 flex-1">
                        <label class=LABEL for="key-name">{t.keys.name_label}</label>
                        <input class=INPUT id="key-name" name="name" type="text" required autocomplete="off"
                            maxlength=MAX_KEY_NAME_CHARS.to_string() placeholder=t.keys.name_placeholder
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <button id="create-key" type="submit" class=PRIMARY>{t.keys.create_button}</button>
                </ActionForm>
                {create_error}
                {move || fresh.get().map(|created| view! { <NewKey created t/> })}
            </div>
            <section aria-labelledby="keys-heading">
                <h2 id="keys-heading" class="text-lg font-semibold">{t.keys.heading}</h2>
                <div class="mt-4 space-y-4">
                    {revoke_outcome}
                    <Suspense fallback=move || view! { <p class="text-slate-500">{t.common.loading}</p> }>
                        {move || keys.get().map(|r| match r {
                            Ok(list) if list.is_empty() => view! { <p id="no-keys" class="text-slate-500">{t.keys.empty}</p> }.into_any(),
                            Ok(list) => view! {
                                <ul id="keys" class="divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
                                    {list.into_iter().map(|k| view! { <KeyRow k t revoke confirming revoking/> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <p role="alert" class="text-red-600">{error_text(t, &e)}</p> }.into_any(),
                        })}
                    </Suspense>
                </div>
            </section>
            <ConnectedApps/>
            <McpSetupHelp key=fresh_key/>
        </div>
    }
}

/// The key just created, shown once with a copy button and the warning that it will not return.
#[component]
fn NewKey(created: CreatedKey, t: &'static Texts) -> impl IntoView {
    let key = created.key;
    let copy_text = Signal::derive({
        let key = key.clone();
        move || key.clone()
    });
    view! {
        <div id="new-key" role="status" class="rounded-xl border border-emerald-300 bg-emerald-50 p-6 dark:border-emerald-800 dark:bg-emerald-950">
            <h2 class="font-semibold text-emerald-900 dark:text-emerald-100">
                {t.keys.new_key_heading} " · " {created.summary.name}
            </h2>
            <div class="mt-3 flex flex-wrap items-center gap-3">
                <code id="new-key-value" class="break-all rounded-md bg-white px-3 py-2 font-mono text-sm text-slate-900 select-all dark:bg-slate-900 dark:text-slate-100">{key}</code>
                <CopyButton text=copy_text id="copy-key" copy_for="new-key-value"/>
            </div>
            <p class="mt-3 text-sm font-medium text-amber-800 dark:text-amber-300">{t.keys.new_key_warning}</p>
        </div>
    }
}

#[component]
fn KeyRow(
    k: ApiKeySummary,
    t: &'static Texts,
    revoke: ServerAction<RevokeKey>,
    confirming: RwSignal<Option<String>>,
    revoking: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = k.id;
    let last_used = k
        .last_used_at
        .map_or_else(|| t.common.never.to_string(), format_utc);
    let confirm_id = id.clone();
    let is_confirming = move || confirming.get().as_deref() == Some(confirm_id.as_str());
    let ask_id = id.clone();
    let dialog_id = id.clone();
    let dt = "text-xs uppercase tracking-wide text-slate-500";
    view! {
        <li class="api-key flex flex-col gap-3 p-4" data-key-id=id>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <span class="key-name font-medium">{k.name}</span>
                    " "
                    <code class="key-prefix rounded bg-slate-100 px-1.5 font-mono text-xs dark:bg-slate-800">{k.prefix} "…"</code>
                </div>
                <button type="button" class=format!("revoke-key {BUTTON}") on:click=move |_| confirming.set(Some(ask_id.clone()))>{t.keys.revoke_button}</button>
            </div>
            <dl class="grid grid-cols-1 gap-2 text-sm sm:grid-cols-2">
                <div><dt class=dt>{t.keys.created}</dt><dd class="key-created">{format_utc(k.created_at)}</dd></div>
                <div><dt class=dt>{t.keys.last_used}</dt><dd class="key-last-used">{last_used}</dd></div>
            </dl>
            {move || is_confirming().then(|| {
                let kid = dialog_id.clone();
                let clicked = dialog_id.clone();
                view! {
                    <div role="alertdialog" class="rounded-md border border-red-200 p-4 dark:border-red-900">
                        <p class="text-sm">{t.keys.revoke_confirm}</p>
                        <div class="mt-3 flex gap-3">
                            <ActionForm action=revoke>
                                <input type="hidden" name="key_id" value=kid/>
                                <button type="submit" class="confirm-revoke rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700"
                                    on:click=move |_| revoking.set(Some(clicked.clone()))>{t.keys.revoke_button}</button>
                            </ActionForm>
                            <button type="button" class=BUTTON on:click=move |_| confirming.set(None)>{t.common.cancel}</button>
                        </div>
                    </div>
                }
            })}
        </li>
    }
}

/// The apps connected through OAuth, each revocable after a confirmation.
#[component]
fn ConnectedApps() -> impl IntoView {
    let t = use_texts();
    let revoke = ServerAction::<RevokeApp>::new();
    let apps = Resource::new(move || revoke.version().get(), |_| list_apps());
    let confirming = RwSignal::new(None::<String>);
    let outcome = move || {
        revoke.value().get().map(|r| match r {
            Ok(msg) => view! { <super::toast::Toast id="revoke-app-message" text=msg/> }.into_any(),
            Err(e) => view! { <p id="revoke-app-message" role="alert" class="text-sm text-red-600">{error_text(t, &e)}</p> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="apps-heading">
            <h2 id="apps-heading" class="text-lg font-semibold">{t.apps.heading}</h2>
            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{t.apps.lead}</p>
            <div class="mt-4 space-y-4">
                {outcome}
                <Suspense fallback=move || view! { <p class="text-slate-500">{t.common.loading}</p> }>
                    {move || apps.get().map(|r| match r {
                        Ok(list) if list.is_empty() => view! { <p id="no-apps" class="text-slate-500">{t.apps.empty}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul id="apps" class="divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
                                {list.into_iter().map(|app| view! { <AppRow app t revoke confirming/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p role="alert" class="text-red-600">{error_text(t, &e)}</p> }.into_any(),
                    })}
                </Suspense>
            </div>
        </section>
    }
}

#[component]
fn AppRow(
    app: ConnectedApp,
    t: &'static Texts,
    revoke: ServerAction<RevokeApp>,
    confirming: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = app.id;
    let last_used = app
        .last_used_at
        .map_or_else(|| t.apps.never.to_string(), format_utc);
    let confirm_id = id.clone();
    let is_confirming = move || confirming.get().as_deref() == Some(confirm_id.as_str());
    let ask_id = id.clone();
    let dialog_id = id.clone();
    let dt = "text-xs uppercase tracking-wide text-slate-500";
    view! {
        <li class="connected-app flex flex-col gap-3 p-4" data-app-id=id>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <span class="app-name font-medium">{app.client_name}</span>
                    " "
                    <span class="app-host text-sm text-slate-500">{app.client_host}</span>
                </div>
                <button type="button" class=format!("revoke-app {BUTTON}") on:click=move |_| confirming.set(Some(ask_id.clone()))>{t.apps.revoke_button}</button>
            </div>
            <dl class="grid grid-cols-1 gap-2 text-sm sm:grid-cols-3">
                <div><dt class=dt>{t.apps.first_used}</dt><dd class="app-created">{format_utc(app.created_at)}</dd></div>
                <div><dt class=dt>{t.apps.last_used}</dt><dd class="app-last-used">{last_used}</dd></div>
                <div><dt class=dt>{t.apps.scopes}</dt><dd class="app-scopes font-mono text-xs">{app.scopes.join(" ")}</dd></div>
            </dl>
            {move || is_confirming().then(|| {
                let gid = dialog_id.clone();
                view! {
                    <div role="alertdialog" class="rounded-md border border-red-200 p-4 dark:border-red-900">
                        <p class="text-sm">{t.apps.revoke_confirm}</p>
                        <div class="mt-3 flex gap-3">
                            <ActionForm action=revoke>
                                <input type="hidden" name="grant_id" value=gid/>
                                <button type="submit" class="confirm-revoke-app rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700">{t.apps.revoke_button}</button>
                            </ActionForm>
                            <button type="button" class=BUTTON on:click=move |_| confirming.set(None)>{t.common.cancel}</button>
                        </div>
                    </div>
                }
            })}
        </li>
    }
}

/// Where the MCP endpoint is and how to add it to Claude Code, Claude Desktop, Cursor and the MCP
/// Inspector. With `key` (a key just created on this page) the snippets carry it; otherwise a
/// placeholder. `link_to_keys` adds a link to the keys section (for the overview).
#[component]
pub fn McpSetupHelp(
    #[prop(into, optional)] key: MaybeProp<String>,
    #[prop(optional)] link_to_keys: bool,
) -> impl IntoView {
    let t = use_texts();
    let setup = Resource::new(|| (), |_| mcp_setup());
    let has_key = move || key.with(Option::is_some);
    let key_text = Signal::derive(move || {
        key.get()
            .unwrap_or_else(|| t.setup.key_placeholder.to_string())
    });
    view! {
        <section id="mcp-setup" aria-labelledby="mcp-setup-heading" class="rounded-xl border border-slate-200 p-6 dark:border-slate-800">
            <h2 id="mcp-setup-heading" class="text-lg font-semibold">{t.setup.heading}</h2>
            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                {move || if has_key() { t.setup.lead_with_key } else { t.setup.lead }}
            </p>
            {link_to_keys.then(|| view! {
                <a id="setup-keys-link" href="/dashboard/keys" class="mt-2 inline-block text-sm text-emerald-700 underline dark:text-emerald-400">{t.setup.create_key_link}</a>
            })}
            <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
                {move || setup.get().map(|r| match r {
                    Ok(info) => view! { <SetupSnippets url=info.mcp_url key=key_text t/> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SetupSnippets(url: String, key: Signal<String>, t: &'static Texts) -> impl IntoView {
    let snippet = |build: fn(&str, &str) -> String| {
        let url = url.clone();
        Signal::derive(move || key.with(|k| build(&url, k)))
    };
    let claude_code = snippet(claude_code_snippet);
    let claude_desktop = snippet(claude_desktop_snippet);
    let cursor = snippet(cursor_snippet);
    let inspector = snippet(inspector_snippet);
    let url_text = Signal::derive({
        let url = url.clone();
        move || url.clone()
    });
    let claude_code_oauth = Signal::derive({
        let url = url.clone();
        move || claude_code_oauth_snippet(&url)
    });
    view! {
        <div class="mt-4 space-y-6">
            <div>
                <p class=LABEL>{t.setup.mcp_url_label}</p>
                <div class="mt-1 flex flex-wrap items-center gap-3">
                    <code id="mcp-url" class="break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm select-all dark:bg-slate-900">{url.clone()}</code>
                    <CopyButton text=url_text copy_for="mcp-url"/>
                </div>
            </div>
            <h3 class="text-base font-semibold">{t.setup.oauth_heading}</h3>
            <p class="text-sm text-slate-600 dark:text-slate-400">{t.setup.oauth_lead}</p>
            <Snippet id="snippet-claude-ai" title=t.setup.snippet_claude_ai_title hint=t.setup.snippet_claude_ai_hint text=url_text/>
            <Snippet id="snippet-chatgpt" title=t.setup.snippet_chatgpt_title hint=t.setup.snippet_chatgpt_hint text=url_text/>
            <Snippet id="snippet-claude-code-oauth" title=t.setup.snippet_claude_code_oauth_title hint=t.setup.snippet_claude_code_oauth_hint text=claude_code_oauth/>
            <h3 class="text-base font-semibold">{t.setup.keys_heading}</h3>
            <Snippet id="snippet-claude-code" title=t.setup.snippet_claude_code_title hint=t.setup.snippet_claude_code_hint text=claude_code/>
            <Snippet id="snippet-claude-desktop" title=t.setup.snippet_claude_desktop_title hint=t.setup.snippet_claude_desktop_hint text=claude_desktop/>
            <Snippet id="snippet-cursor" title=t.setup.snippet_cursor_title hint=t.setup.snippet_cursor_hint text=cursor/>
            <Snippet id="snippet-inspector" title=t.setup.snippet_inspector_title hint=t.setup.snippet_inspector_hint text=inspector/>
        </div>
    }
}

/// One client's snippet: a title, where it goes, the text in a `<pre>` and its copy button.
#[component]
pub fn Snippet(
    id: &'static str,
    title: &'static str,
    hint: &'static str,
    text: Signal<String>,
) -> impl IntoView {
    view! {
        <div>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h3 class="text-sm font-semibold">{title}</h3>
                <CopyButton text copy_for=id/>
            </div>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{hint}</p>
            <pre id=id class=SNIPPET>{move || text.get()}</pre>
        </div>
    }
}
