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

use crate::domain::{PasswordProblem, Plan, Problem};
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

/// One language's texts. Fields are grouped by where they appear.
#[derive(Debug)]
pub struct Texts {
    // Shell and navigation
    pub skip_to_content: &'static str,
    pub nav_main: &'static str,
    pub nav_how: &'static str,
    pub nav_tools: &'static str,
    pub nav_pricing: &'static str,
    pub nav_security: &'static str,
    pub sign_in: &'static str,
    pub get_started: &'static str,
    pub open_menu: &'static str,
    pub footer_tagline: &'static str,
    pub footer_note: &'static str,
    pub theme_toggle_label: &'static str,
    pub theme_toggle_title: &'static str,
    pub language_label: &'static str,

    // Landing page
    pub landing_title: &'static str,
    pub landing_description: &'static str,
    pub hero_kicker: &'static str,
    pub hero_heading: &'static str,
    pub hero_lead: &'static str,
    pub hero_cta_how: &'static str,
    pub hero_cta_pricing: &'static str,
    pub hero_cta_try: &'static str,
    pub how_heading: &'static str,
    pub how_steps: [(&'static str, &'static str); 3],
    pub tools_heading: &'static str,
    pub tools_lead: &'static str,
    pub tools: [(&'static str, &'static str); 6],
    pub plans_heading: &'static str,
    pub calls_per_month: fn(u64) -> String,
    pub unlimited_calls: &'static str,
    pub calls_per_minute: fn(u32) -> String,
    pub active_divisions: fn(u32) -> String,
    pub unlimited_divisions: &'static str,
    pub estimator_label: &'static str,
    pub recommended_plan: &'static str,
    pub security_heading: &'static str,
    pub security_points: [(&'static str, &'static str); 3],

    // Account forms
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub name_label: &'static str,
    pub login_title: &'static str,
    pub forgot_link: &'static str,
    pub no_account: &'static str,
    pub create_one: &'static str,
    pub register_title: &'static str,
    pub password_hint: &'static str,
    pub create_account: &'static str,
    pub have_account: &'static str,
    pub forgot_title: &'static str,
    pub forgot_email_label: &'static str,
    pub send_link: &'static str,
    pub outbox_before: &'static str,
    pub outbox_link: &'static str,
    pub reset_title: &'static str,
    pub new_password_label: &'static str,
    pub reset_hint: &'static str,
    pub save_new_password: &'static str,
    pub password_was_reset: &'static str,

    // Dashboard
    pub dashboard_nav: &'static str,
    pub section_overview: &'static str,
    pub section_connections: &'static str,
    pub section_keys: &'static str,
    pub section_usage: &'static str,
    pub section_settings: &'static str,
    pub sign_out: &'static str,
    pub loading: &'static str,
    pub signed_in_as: &'static str,
    pub plan_word: &'static str,
    pub admin_panel_link: &'static str,

    // Settings
    pub change_email_heading: &'static str,
    pub change_email_lead: &'static str,
    pub new_email_label: &'static str,
    pub current_password_label: &'static str,
    pub change_email_button: &'static str,
    pub change_password_heading: &'static str,
    pub change_password_button: &'static str,
    pub sessions_heading: &'static str,
    pub sessions_lead: &'static str,
    pub sign_out_everywhere: &'static str,
    pub data_heading: &'static str,
    pub data_lead: &'static str,
    pub download_data: &'static str,
    pub delete_heading: &'static str,
    pub delete_lead: &'static str,
    pub delete_confirm_label: &'static str,
    pub delete_button: &'static str,

    // Email verification page
    pub verify_email_title: &'static str,
    pub verify_email_lead: &'static str,
    pub verify_email_button: &'static str,
    pub email_changed: &'static str,

    // Admin
    pub admin_title: &'static str,
    pub admin_lead: &'static str,
    pub admin_users_heading: &'static str,
    pub admin_col_email: &'static str,
    pub admin_col_name: &'static str,
    pub admin_col_role: &'static str,
    pub admin_col_plan: &'static str,
    pub admin_col_status: &'static str,

    // Admin: scheduled jobs
    pub admin_jobs_heading: &'static str,
    pub admin_jobs_lead: &'static str,
    pub admin_jobs_col_job: &'static str,
    pub admin_jobs_col_schedule: &'static str,
    pub admin_jobs_col_slot: &'static str,
    pub admin_jobs_col_status: &'static str,
    pub admin_jobs_col_started: &'static str,
    pub admin_jobs_col_counts: &'static str,
    pub admin_jobs_col_message: &'static str,
    pub admin_jobs_never_run: &'static str,
    pub admin_jobs_run_now: &'static str,
    pub admin_jobs_ran: fn(&str, &str) -> String,
    pub admin_jobs_unknown: &'static str,
    pub admin_job_token_keepalive: &'static str,
    pub admin_job_token_expiry_check: &'static str,
    pub admin_job_monthly_reset: &'static str,
    pub admin_job_cleanup: &'static str,
    pub token_expiry_ticket_subject: &'static str,
    pub token_expiry_notification_title: &'static str,
    pub token_expiry_body: fn(&str, &str) -> String,
    pub token_expiry_mail_subject: &'static str,
    pub token_expiry_mail_body: fn(&str, &str, &str) -> String,
    pub admin_tickets_heading: &'static str,
    pub admin_tickets_col_subject: &'static str,
    pub admin_tickets_col_user: &'static str,
    pub admin_tickets_none: &'static str,

    // 404
    pub not_found_title: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_text: &'static str,
    pub back_to_start: &'static str,

    // 500 (the hand-written page)
    pub error_500_title: &'static str,
    pub error_500_heading: &'static str,
    pub error_500_text: &'static str,

    // Messages from the server
    pub something_went_wrong: &'static str,
    pub please_sign_in: &'static str,
    pub admins_only: &'static str,
    pub login_failed: &'static str,
    pub login_throttled: &'static str,
    pub email_taken: &'static str,
    pub no_such_account: &'static str,
    pub reset_sent: &'static str,
    pub password_changed: &'static str,
    pub email_change_sent: fn(&str) -> String,
    pub problem_invalid_email: &'static str,
    pub problem_password_short: &'static str,
    pub problem_password_long: &'static str,
    pub problem_password_common: &'static str,
    pub problem_name_long: &'static str,
    pub problem_wrong_current_password: &'static str,
    pub problem_reset_link: &'static str,
    pub problem_confirm_email: &'static str,
    pub problem_email_link: &'static str,
    pub problem_same_email: &'static str,

    // Mail
    pub mail_reset_subject: &'static str,
    pub mail_reset_body: fn(&str) -> String,
    pub mail_verify_subject: &'static str,
    pub mail_verify_body: fn(&str, &str) -> String,
    pub mail_email_changed_subject: &'static str,
    pub mail_email_changed_body: fn(&str) -> String,

    // Exact connections
    pub connect_success: &'static str,
    pub oauth_error_heading: &'static str,
    pub oauth_error_state: &'static str,
    pub oauth_error_denied: &'static str,
    pub oauth_error_exchange: &'static str,
    pub oauth_error_region: &'static str,
    pub oauth_error_email_taken: &'static str,
    pub oauth_error_account: &'static str,
    pub oauth_back_connections: &'static str,
    pub oauth_back_login: &'static str,
    pub reconnect_notification_title: &'static str,
    pub sign_in_with_exact: &'static str,
    pub connections_lead: &'static str,
    pub connections_empty: &'static str,
    pub connect_button: &'static str,
    pub region_label: &'static str,
    pub connection_status_active: &'static str,
    pub connection_status_needs_reauth: &'static str,
    pub connection_exact_user: &'static str,
    pub connection_token_expiry: &'static str,
    pub connection_refresh_expiry: &'static str,
    pub connection_last_used: &'static str,
    pub never: &'static str,
    pub divisions_heading: &'static str,
    pub division_default: &'static str,
    pub division_make_default: &'static str,
    pub division_active: &'static str,
    pub division_inactive: &'static str,
    pub division_activate: &'static str,
    pub division_deactivate: &'static str,
    pub reconnect_button: &'static str,
    pub disconnect_button: &'static str,
    pub disconnect_confirm: &'static str,
    pub check_connection_button: &'static str,
    pub connection_check_failed: &'static str,
    pub connection_needs_reauth_message: &'static str,
    pub connection_not_found: &'static str,
    pub disconnected: &'static str,
    pub saved: &'static str,
    pub cancel: &'static str,
    pub reconnect_notification_body: fn(&str) -> String,
    pub connection_ok: fn(&str) -> String,
    pub division_cap_reached: fn(u32) -> String,
    // API keys and the demo
    pub key_name_empty: &'static str,
    pub key_name_long: &'static str,
    pub key_name_control: &'static str,
    pub key_not_found: &'static str,
    pub key_revoked: &'static str,
    pub demo_key_limit: &'static str,
    pub key_limit_reached: fn(u32) -> String,
    // Monthly quota warnings (notification and mail): level 80 or 100
    pub quota_warning_title: fn(i64) -> String,
    /// (level, plan name, monthly quota, reset date YYYY-MM-DD)
    pub quota_warning_body: fn(i64, &str, u64, &str) -> String,

    // The API keys panel, the MCP setup help and the landing page's demo
    pub keys_lead: &'static str,
    pub key_name_label: &'static str,
    pub key_name_placeholder: &'static str,
    pub create_key_button: &'static str,
    pub new_key_heading: &'static str,
    pub new_key_warning: &'static str,
    pub keys_heading: &'static str,
    pub keys_empty: &'static str,
    pub key_created: &'static str,
    pub key_last_used: &'static str,
    pub revoke_button: &'static str,
    pub revoke_confirm: &'static str,
    pub copy_button: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub setup_heading: &'static str,
    pub setup_lead: &'static str,
    pub setup_lead_with_key: &'static str,
    pub setup_create_key_link: &'static str,
    pub mcp_url_label: &'static str,
    pub key_placeholder: &'static str,
    pub snippet_claude_code_title: &'static str,
    pub snippet_claude_code_hint: &'static str,
    pub snippet_claude_desktop_title: &'static str,
    pub snippet_claude_desktop_hint: &'static str,
    pub snippet_cursor_title: &'static str,
    pub snippet_cursor_hint: &'static str,
    pub snippet_inspector_title: &'static str,
    pub snippet_inspector_hint: &'static str,
    pub try_heading: &'static str,
    pub try_lead: &'static str,
    pub try_button: &'static str,
    pub demo_key_label: &'static str,
    pub demo_note: &'static str,
    pub demo_valid_until: &'static str,

    // The usage dashboard and the notifications bell
    pub usage_lead: &'static str,
    pub usage_month_heading: &'static str,
    pub usage_calls_this_month: &'static str,
    pub usage_of_quota: fn(u64) -> String,
    pub usage_unlimited: &'static str,
    pub usage_resets_on: fn(&str) -> String,
    pub usage_warning_marker: &'static str,
    pub usage_upgrade_hint: &'static str,
    pub usage_rate_heading: &'static str,
    pub usage_rate_state: fn(u32, u32) -> String,
    pub usage_rate_resets: &'static str,
    pub usage_chart_heading: &'static str,
    pub usage_chart_label: &'static str,
    pub usage_day_summary: fn(&str, u64, u64, u64) -> String,
    pub usage_by_tool_heading: &'static str,
    pub usage_by_client_heading: &'static str,
    pub usage_col_tool: &'static str,
    pub usage_col_client: &'static str,
    pub usage_col_calls: &'static str,
    pub usage_col_errors: &'static str,
    pub usage_col_latency: &'static str,
    pub usage_col_time: &'static str,
    pub usage_col_request: &'static str,
    pub usage_col_status: &'static str,
    pub usage_col_division: &'static str,
    pub usage_recent_heading: &'static str,
    pub usage_none: &'static str,
    pub usage_unknown_client: &'static str,
    pub usage_status_ok: &'static str,
    pub usage_status_pending: &'static str,
    pub usage_status_tool_error: &'static str,
    pub usage_status_error: &'static str,
    pub usage_status_rejected: &'static str,
    pub usage_reason_rate_limit: &'static str,
    pub usage_reason_quota: &'static str,
    pub usage_reason_flood: &'static str,
    pub usage_glance_heading: &'static str,
    pub usage_glance_link: &'static str,
    pub notifications_button: &'static str,
    pub notifications_empty: &'static str,
    pub notifications_mark_read: &'static str,
    pub notifications_open: &'static str,
}

impl Texts {
    pub fn password_problem(&self, p: PasswordProblem) -> &'static str {
        match p {
            PasswordProblem::TooShort => self.problem_password_short,
            PasswordProblem::TooLong => self.problem_password_long,
            PasswordProblem::TooCommon => self.problem_password_common,
        }
    }

    /// The message for a problem with what the person typed.
    pub fn key_name_problem(&self, p: crate::domain::KeyNameProblem) -> &'static str {
        use crate::domain::KeyNameProblem;
        match p {
            KeyNameProblem::Empty => self.key_name_empty,
            KeyNameProblem::TooLong => self.key_name_long,
            KeyNameProblem::ControlCharacters => self.key_name_control,
        }
    }

    pub fn problem(&self, p: Problem) -> &'static str {
        match p {
            Problem::InvalidEmail => self.problem_invalid_email,
            Problem::Password(p) => self.password_problem(p),
            Problem::NameTooLong => self.problem_name_long,
            Problem::WrongCurrentPassword => self.problem_wrong_current_password,
            Problem::ResetLinkInvalid => self.problem_reset_link,
            Problem::ConfirmEmailMismatch => self.problem_confirm_email,
            Problem::EmailLinkInvalid => self.problem_email_link,
            Problem::SameEmail => self.problem_same_email,
        }
    }

    pub fn plan_quota(&self, plan: Plan) -> String {
        match plan.monthly_quota() {
            Some(q) => (self.calls_per_month)(q),
            None => self.unlimited_calls.to_string(),
        }
    }
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
        assert_ne!(en.sign_in, nl.sign_in);
        assert_ne!(en.hero_heading, nl.hero_heading);
        assert_ne!((en.calls_per_month)(200), (nl.calls_per_month)(200));
        assert!(
            (nl.mail_reset_body)("https://x/reset?token=t").contains("https://x/reset?token=t")
        );
        assert!((en.mail_verify_body)("a@b.nl", "https://x/v?t=1").contains("https://x/v?t=1"));
    }
}
