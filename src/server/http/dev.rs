//! Development helpers, mounted only in development without SMTP: the mail outbox, so password
//! reset links can be followed without a mail server. It holds live reset links, so it answers
//! only on this machine, even when a development server listens on a public address, and never
//! through a proxy (a proxy on this machine would make every visitor look local).

use crate::i18n::Lang;
use crate::server::{
    client_addr::ClientAddr,
    mail,
    plain_html::{escape_html as escape, plain_page},
    state::AppState,
};
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
};

/// Headers a proxy adds; their presence means the request may come from anywhere.
const FORWARDING_HEADERS: [&str; 6] = [
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "forwarded",
    "x-real-ip",
    "via",
];

/// Only callers on this machine that talk to us directly may read the outbox.
fn outbox_visible_to(client: ClientAddr, headers: &HeaderMap) -> bool {
    client.ip().is_loopback() && !FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h))
}

pub async fn outbox(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
) -> Response {
    if !outbox_visible_to(client, &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    outbox_page(&state).await.into_response()
}

async fn outbox_page(state: &AppState) -> Html<String> {
    let mails = mail::latest(&state.db, 50).await.unwrap_or_default();
    // A development page: English only, like its log lines.
    let mut html = String::from(
        r#"<main class="mx-auto max-w-3xl px-4 py-10"><h1 class="text-2xl font-bold">Outbox (development)</h1><p class="mt-2 text-slate-600">Mail that would have been sent. Without SMTP_URL it stays here.</p>"#,
    );
    if mails.is_empty() {
        html.push_str(r#"<p class="mt-6">No mail yet.</p>"#);
    }
    for m in mails {
        html.push_str(&format!(
            r#"<article class="mt-6 rounded-lg border p-4"><p class="text-sm text-slate-500">To {} · {}</p><h2 class="font-semibold">{}</h2><div class="mt-2 whitespace-pre-wrap">{}</div></article>"#,
            escape(&m.to_address),
            m.created_at,
            escape(&m.subject),
            linkify(&escape(&m.body_text)),
        ));
    }
    html.push_str("</main>");
    Html(plain_page(
        &state.leptos_options,
        Lang::En,
        "Outbox (development)",
        &html,
    ))
}

/// Turns (already escaped) http(s) URLs on their own into links.
fn linkify(escaped: &str) -> String {
    escaped
        .lines()
        .map(|line| {
            let l = line.trim();
            if (l.starts_with("http://") || l.starts_with("https://")) && !l.contains(' ') {
                format!(r#"<a class="outbox-link text-emerald-700 underline" href="{l}">{l}</a>"#)
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `GET /dev/panic` (development with the simulator only): a deliberate fault, to show the 500
/// page the panic layer gives; the panic is logged, never shown.
#[cfg(feature = "simulator")]
pub async fn panic() -> Response {
    panic!("a deliberate fault at /dev/panic (development only)")
}

#[cfg(test)]
mod tests {
    use crate::server::{client_addr, config::TrustedProxies};
    use axum::http::{HeaderMap, HeaderValue};

    fn visible(peer: &str, header: Option<&'static str>) -> bool {
        let mut headers = HeaderMap::new();
        if let Some(h) = header {
            headers.insert(h, HeaderValue::from_static("127.0.0.1"));
        }
        let client = client_addr::resolve(peer.parse().unwrap(), &headers, &TrustedProxies::none());
        super::outbox_visible_to(client, &headers)
    }

    #[test]
    fn the_outbox_is_for_this_machine_only_and_never_through_a_proxy() {
        assert!(visible("127.0.0.1", None));
        assert!(visible("::1", None));
        assert!(!visible("192.0.2.7", None));
        for h in super::FORWARDING_HEADERS {
            assert!(!visible("127.0.0.1", Some(h)), "{h}");
        }
    }

    #[test]
    fn mail_text_is_escaped_and_links_kept() {
        let out = super::linkify(&super::escape(
            "<b>hi</b>\nhttps://x.example/reset?token=a&b=c",
        ));
        assert!(out.starts_with("&lt;b&gt;hi&lt;/b&gt;\n<a "));
        assert!(out.contains(r#"href="https://x.example/reset?token=a&amp;b=c""#));
    }
}
