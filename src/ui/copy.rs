//! A button that copies a text through the browser's Clipboard API and says whether that worked.
//! Until the wasm has loaded it does nothing; the text beside it stays selectable either way.

use crate::i18n::use_texts;
use leptos::prelude::*;

const BUTTON: &str = "rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Idle,
    Copied,
    Failed,
}

/// Copies `text` (read when clicked). `id` names the button for tests; `copy_for` names the
/// element whose text it copies, as `data-copy-for`.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] copy_for: Option<&'static str>,
) -> impl IntoView {
    let t = use_texts();
    let outcome = RwSignal::new(Outcome::Idle);
    // A new text has not been copied yet.
    Effect::new(move |_| {
        text.track();
        outcome.set(Outcome::Idle);
    });
    let on_click = move |_| {
        let value = text.get_untracked();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let copied = write_to_clipboard(&value).await;
            // The button may be gone by now (e.g. the key was revoked); then there is nothing to say.
            let _ = outcome.try_set(if copied {
                Outcome::Copied
            } else {
                Outcome::Failed
            });
        });
        // The server renders the button but never runs its handler.
        #[cfg(not(feature = "hydrate"))]
        let _ = value;
    };
    view! {
        <span class="inline-flex flex-wrap items-center gap-2">
            <button type="button" id=id data-copy-for=copy_for class=format!("copy-button {BUTTON}") on:click=on_click>
                {move || if outcome.get() == Outcome::Copied { t.common.copied } else { t.common.copy }}
            </button>
            {move || (outcome.get() == Outcome::Failed).then(|| view! {
                <span role="alert" class="text-xs text-red-600">{t.common.copy_failed}</span>
            })}
        </span>
    }
}

/// Whether the browser took the text. Outside a secure context (plain http to a host other than
/// localhost) there is no `navigator.clipboard`, and a denied permission rejects the promise.
#[cfg(feature = "hydrate")]
async fn write_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    if clipboard.is_undefined() {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}
