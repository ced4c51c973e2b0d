//! Texts in English and Dutch. Every word a page or a server function shows comes from a [`Texts`]
//! catalogue; components never hold their own strings.
//!
//! Why a typed struct and not a translation crate: each language is a value of one struct, so a
//! text missing in one language is a compile error, not a runtime fallback, and both catalogues
//! compile into the wasm module without a build step or a runtime parser. The language is chosen
//! per request (the `lang` cookie, else `Accept-Language`, else English) and switching reloads the
//! page through `/lang/{code}`, so server-rendered and hydrated text always agree.

mod en;
mod nl;
mod texts;

pub use texts::*;

use serde::{Deserialize, Serialize};

/// The cookie that remembers a visitor's language.
pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    /// The BCP 47 tag, as used in `<html lang>`, the cookie and `/lang/{code}`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::TEXTS,
            Lang::Nl => &nl::TEXTS,
        }
    }

    /// The language for a request: the `lang` cookie if it names a known language, else the best
    /// known language in `Accept-Language` (by q-value), else English.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        let from_cookie = cookie_header.and_then(|h| {
            h.split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim() == LANG_COOKIE)
                .and_then(|(_, value)| Lang::parse(value))
        });
        from_cookie
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }

    fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }
}

/// The language of the page being rendered (provided by the app root) and its texts.
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_wins_over_the_browser_language() {
        assert_eq!(
            Lang::negotiate(Some("a=b; lang=nl"), Some("en-US,en;q=0.9")),
            Lang::Nl
        );
        assert_eq!(Lang::negotiate(Some("lang=en"), Some("nl")), Lang::En);
    }

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(
            Lang::negotiate(None, Some("nl-NL,nl;q=0.9,en;q=0.8")),
            Lang::Nl
        );
        assert_eq!(
            Lang::negotiate(None, Some("de-DE,en;q=0.5,nl;q=0.7")),
            Lang::Nl
        );
        assert_eq!(Lang::negotiate(None, Some("fr, en;q=0.1")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("nl;q=0")), Lang::En);
    }

    #[test]
    fn unknown_or_garbage_falls_back_to_english() {
        assert_eq!(Lang::negotiate(Some("lang=xx"), Some("de")), Lang::En);
        assert_eq!(Lang::negotiate(Some(";;=;"), Some(";q=abc,,")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }

    #[test]
    fn the_two_languages_really_differ() {
        let (en, nl) = (Lang::En.texts(), Lang::Nl.texts());
        assert_ne!(en.shell.sign_in, nl.shell.sign_in);
        assert_ne!(en.landing.hero_heading, nl.landing.hero_heading);
        assert_ne!(
            en.landing.calls_per_month(200),
            nl.landing.calls_per_month(200)
        );
        assert!(
            nl.mail
                .reset_body("https://x/reset?token=t")
                .contains("https://x/reset?token=t")
        );
        assert!(
            en.mail
                .verify_body("a@b.nl", "https://x/v?t=1")
                .contains("https://x/v?t=1")
        );
    }
}
