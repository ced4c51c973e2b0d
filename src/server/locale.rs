//! The language of a request, for server-rendered pages, server function messages and mail.

use crate::i18n::{Lang, Texts};
use http::{HeaderMap, header};

pub fn lang_of(headers: &HeaderMap) -> Lang {
    let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
    Lang::negotiate(get(header::COOKIE), get(header::ACCEPT_LANGUAGE))
}

/// The language of the request being handled (server functions and page renders), else English.
pub fn current_lang() -> Lang {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|parts| lang_of(&parts.headers))
        .unwrap_or_default()
}

pub fn current_texts() -> &'static Texts {
    current_lang().texts()
}

/// `Set-Cookie` for a language choice: a preference, readable by scripts, kept for a year.
pub fn lang_cookie(lang: Lang, secure: bool) -> String {
    format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        crate::i18n::LANG_COOKIE,
        lang.code(),
        if secure { "; Secure" } else { "" }
    )
}
