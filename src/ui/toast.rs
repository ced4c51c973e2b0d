//! A toast: the short confirmation of an action, in the corner of the screen, that goes away by
//! itself after a few seconds or when dismissed. Errors stay inline beside the form instead, so
//! they cannot vanish before they are read.

use crate::i18n::use_texts;
use leptos::prelude::*;
use std::time::Duration;

/// How long a toast stays.
const SHOWN_FOR: Duration = Duration::from_secs(8);

#[component]
pub fn Toast(id: &'static str, #[prop(into)] text: String) -> impl IntoView {
    let t = use_texts();
    let visible = RwSignal::new(true);
    // Effects run only in the browser: the server renders the toast, the browser times it out.
    Effect::new(move |_| {
        set_timeout(
            move || {
                let _ = visible.try_set(false);
            },
            SHOWN_FOR,
        );
    });
    view! {
        <Show when=move || visible.get()>
            <div id=id role="status" aria-live="polite"
                class="toast pointer-events-none fixed bottom-4 right-4 z-50 flex max-w-sm items-start gap-3 rounded-lg bg-emerald-700 px-4 py-3 text-sm text-white shadow-lg">
                <span>{text.clone()}</span>
                <button type="button" class="pointer-events-auto ml-auto text-white/80 hover:text-white" aria-label=t.common.dismiss
                    on:click=move |_| visible.set(false)>"×"</button>
            </div>
        </Show>
    }
}
