//! The shape of a language's texts: one struct per part of the product, so a page asks for
//! `t.keys.heading` and a reader finds every text of a page together. Texts with values in them
//! are [`Template`]s behind a method of the same name (`t.keys.limit_reached(5)`): the catalogue
//! stays plain data, and the rule around a text (which of two sentences a level needs) is written
//! once here, not once per language.

use crate::domain::{KeyNameProblem, PasswordProblem, Plan, Problem, TicketProblem, TicketStatus};
use std::fmt::Display;

/// A text with named holes such as `{name}`, filled by the method that owns it. Holes it does not
/// know stay as they are, which the catalogue test catches.
#[derive(Debug, Clone, Copy)]
pub struct Template(pub(super) &'static str);

impl Template {
    pub(super) fn fill(self, holes: &[(&str, &dyn Display)]) -> String {
        let mut out = String::with_capacity(self.0.len() + 32);
        let mut rest = self.0;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let hole = after.find('}').and_then(|close| {
                holes
                    .iter()
                    .find(|(n, _)| *n == &after[..close])
                    .map(|h| (close, h))
            });
            match hole {
                Some((close, (_, value))) => {
                    out.push_str(&value.to_string());
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// One language's texts, grouped by the part of the product that shows them.
#[derive(Debug)]
pub struct Texts {
    pub shell: ShellTexts,
    pub common: CommonTexts,
    pub landing: LandingTexts,
    pub auth: AuthTexts,
    pub dashboard: DashboardTexts,
    pub settings: SettingsTexts,
    pub problems: ProblemsTexts,
    pub mail: MailTexts,
    pub oauth: OauthTexts,
    pub consent: ConsentTexts,
    pub apps: AppsTexts,
    pub connections: ConnectionsTexts,
    pub keys: KeysTexts,
    pub setup: SetupTexts,
    pub usage: UsageTexts,
    pub quota: QuotaTexts,
    pub notifications: NotificationsTexts,
    pub admin: AdminTexts,
    pub admin_panel: AdminPanelTexts,
    pub support: SupportTexts,
    pub glance: GlanceTexts,
    pub expiry: ExpiryTexts,
    pub error_pages: ErrorPagesTexts,
}

/// The page shell: skip link, navigation, footer, theme and language switches.
#[derive(Debug)]
pub struct ShellTexts {
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
    pub my_dashboard: &'static str,
    pub admin_link: &'static str,
    pub account_menu: &'static str,
}

/// Words many pages share.
#[derive(Debug)]
pub struct CommonTexts {
    pub loading: &'static str,
    pub saved: &'static str,
    pub cancel: &'static str,
    pub never: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub something_went_wrong: &'static str,
    pub please_sign_in: &'static str,
    pub admins_only: &'static str,
    pub dismiss: &'static str,
}

/// The landing page: hero, how it works, tools, plans, security and the demo.
#[derive(Debug)]
pub struct LandingTexts {
    pub title: &'static str,
    pub description: &'static str,
    pub hero_kicker: &'static str,
    pub hero_heading: &'static str,
    pub hero_lead: &'static str,
    pub hero_cta_how: &'static str,
    pub hero_cta_pricing: &'static str,
    pub hero_cta_try: &'static str,
    pub how_heading: &'static str,
    pub how_steps: [(&'static str, &'static str); 3],
    pub tools_heading: &'static str,
    pub(super) tools_count: Template,
    pub tools_lead: &'static str,
    pub tools: [(&'static str, &'static str); 6],
    pub plans_heading: &'static str,
    pub(super) calls_per_month: Template,
    pub unlimited_calls: &'static str,
    pub(super) calls_per_minute: Template,
    pub(super) active_divisions: Template,
    pub unlimited_divisions: &'static str,
    pub estimator_label: &'static str,
    pub recommended_plan: &'static str,
    pub security_heading: &'static str,
    pub security_points: [(&'static str, &'static str); 3],
    pub try_heading: &'static str,
    pub try_lead: &'static str,
    pub try_button: &'static str,
    pub demo_key_label: &'static str,
    pub demo_note: &'static str,
    pub demo_valid_until: &'static str,
    pub demo_key_limit: &'static str,
}

impl LandingTexts {
    pub fn calls_per_month(&self, n: u64) -> String {
        self.calls_per_month.fill(&[("n", &n)])
    }

    pub fn calls_per_minute(&self, n: u32) -> String {
        self.calls_per_minute.fill(&[("n", &n)])
    }

    pub fn active_divisions(&self, n: u32) -> String {
        self.active_divisions.fill(&[("n", &n)])
    }

    pub fn tools_count(&self, n: usize) -> String {
        self.tools_count.fill(&[("n", &n)])
    }
}

/// Sign-in, registration and password-reset forms and their server messages.
#[derive(Debug)]
pub struct AuthTexts {
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
    pub login_failed: &'static str,
    pub login_throttled: &'static str,
    /// Registration or another throttled account form: too many tries this hour.
    pub throttled: &'static str,
    /// Every password-hashing slot is taken.
    pub busy: &'static str,
    pub email_taken: &'static str,
    pub no_such_account: &'static str,
    pub reset_sent: &'static str,
    pub sign_in_with_exact: &'static str,
}

/// The dashboard frame: its sections and the signed-in header.
#[derive(Debug)]
pub struct DashboardTexts {
    pub nav: &'static str,
    pub section_overview: &'static str,
    pub section_connections: &'static str,
    pub section_keys: &'static str,
    pub section_usage: &'static str,
    pub section_settings: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub plan_word: &'static str,
    pub admin_panel_link: &'static str,
}

/// Account settings: email, password, sessions, data export, deletion, email verification.
#[derive(Debug)]
pub struct SettingsTexts {
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
    pub password_changed: &'static str,
    pub(super) email_change_sent: Template,
    pub verify_email_title: &'static str,
    pub verify_email_lead: &'static str,
    pub verify_email_button: &'static str,
    pub email_changed: &'static str,
}

impl SettingsTexts {
    pub fn email_change_sent(&self, to: &str) -> String {
        self.email_change_sent.fill(&[("to", &to)])
    }
}

/// What is wrong with what the person typed.
#[derive(Debug)]
pub struct ProblemsTexts {
    pub invalid_email: &'static str,
    pub password_short: &'static str,
    pub password_long: &'static str,
    pub password_common: &'static str,
    pub name_long: &'static str,
    pub wrong_current_password: &'static str,
    pub reset_link: &'static str,
    pub confirm_email: &'static str,
    pub email_link: &'static str,
    pub same_email: &'static str,
}

/// Account mails: password reset, email verification, email changed.
#[derive(Debug)]
pub struct MailTexts {
    pub reset_subject: &'static str,
    pub(super) reset_body: Template,
    pub verify_subject: &'static str,
    pub(super) verify_body: Template,
    pub email_changed_subject: &'static str,
    pub(super) email_changed_body: Template,
    /// Sign-up with an address `ADMIN_EMAILS` lists: prove it by choosing the password.
    pub confirm_admin_subject: &'static str,
    pub(super) confirm_admin_body: Template,
}

impl MailTexts {
    pub fn reset_body(&self, link: &str) -> String {
        self.reset_body.fill(&[("link", &link)])
    }

    pub fn verify_body(&self, new_email: &str, link: &str) -> String {
        self.verify_body
            .fill(&[("new_email", &new_email), ("link", &link)])
    }

    pub fn email_changed_body(&self, new_email: &str) -> String {
        self.email_changed_body.fill(&[("new_email", &new_email)])
    }

    pub fn confirm_admin_body(&self, link: &str) -> String {
        self.confirm_admin_body.fill(&[("link", &link)])
    }
}

/// The Exact consent callback page (connect and sign in with Exact).
#[derive(Debug)]
pub struct OauthTexts {
    pub connect_success: &'static str,
    pub error_heading: &'static str,
    pub error_state: &'static str,
    pub error_denied: &'static str,
    pub error_exchange: &'static str,
    pub error_region: &'static str,
    pub error_email_taken: &'static str,
    pub error_account: &'static str,
    pub back_connections: &'static str,
    pub back_login: &'static str,
}

/// The consent page of the authorization server, and its error page.
#[derive(Debug)]
pub struct ConsentTexts {
    pub title: &'static str,
    pub unverified: &'static str,
    pub returns_to: &'static str,
    pub signed_in_as: &'static str,
    pub can_read: &'static str,
    pub no_connections: &'static str,
    pub read_only: &'static str,
    pub allow: &'static str,
    pub deny: &'static str,
    pub error_heading: &'static str,
    pub error_missing_client: &'static str,
    pub error_unknown_client: &'static str,
    pub error_client_metadata: &'static str,
    pub error_redirect_uri: &'static str,
    pub error_throttled: &'static str,
    pub error_internal: &'static str,
    pub back_dashboard: &'static str,
}

/// "Connected apps" on the keys page: apps authorized through OAuth.
#[derive(Debug)]
pub struct AppsTexts {
    pub heading: &'static str,
    pub lead: &'static str,
    pub empty: &'static str,
    pub first_used: &'static str,
    pub last_used: &'static str,
    pub never: &'static str,
    pub scopes: &'static str,
    pub revoke_button: &'static str,
    pub revoke_confirm: &'static str,
    pub revoked: &'static str,
    pub not_found: &'static str,
}

/// The Exact connections panel, its divisions and its messages.
#[derive(Debug)]
pub struct ConnectionsTexts {
    pub lead: &'static str,
    pub empty: &'static str,
    pub connect_button: &'static str,
    pub region_label: &'static str,
    pub status_active: &'static str,
    pub status_needs_reauth: &'static str,
    pub exact_user: &'static str,
    pub token_expiry: &'static str,
    pub refresh_expiry: &'static str,
    pub last_used: &'static str,
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
    pub check_button: &'static str,
    pub check_failed: &'static str,
    pub needs_reauth_message: &'static str,
    pub not_found: &'static str,
    pub disconnected: &'static str,
    pub(super) ok: Template,
    pub(super) division_cap_reached: Template,
    pub reconnect_notification_title: &'static str,
    pub(super) reconnect_notification_body: Template,
}

impl ConnectionsTexts {
    pub fn ok(&self, name: &str) -> String {
        self.ok.fill(&[("name", &name)])
    }

    pub fn division_cap_reached(&self, n: u32) -> String {
        self.division_cap_reached.fill(&[("n", &n)])
    }

    pub fn reconnect_notification_body(&self, name: &str) -> String {
        self.reconnect_notification_body.fill(&[("name", &name)])
    }
}

/// The API keys panel and its messages.
#[derive(Debug)]
pub struct KeysTexts {
    pub lead: &'static str,
    pub name_label: &'static str,
    pub name_placeholder: &'static str,
    pub create_button: &'static str,
    pub new_key_heading: &'static str,
    pub new_key_warning: &'static str,
    pub heading: &'static str,
    pub empty: &'static str,
    pub created: &'static str,
    pub last_used: &'static str,
    pub revoke_button: &'static str,
    pub revoke_confirm: &'static str,
    pub name_empty: &'static str,
    pub name_long: &'static str,
    pub name_control: &'static str,
    pub not_found: &'static str,
    pub revoked: &'static str,
    pub(super) limit_reached: Template,
}

impl KeysTexts {
    pub fn limit_reached(&self, n: u32) -> String {
        self.limit_reached.fill(&[("n", &n)])
    }
}

/// The MCP client set-up help with its snippets.
#[derive(Debug)]
pub struct SetupTexts {
    pub heading: &'static str,
    pub lead: &'static str,
    pub lead_with_key: &'static str,
    pub create_key_link: &'static str,
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
    pub oauth_heading: &'static str,
    pub oauth_lead: &'static str,
    pub snippet_claude_ai_title: &'static str,
    pub snippet_claude_ai_hint: &'static str,
    pub snippet_chatgpt_title: &'static str,
    pub snippet_chatgpt_hint: &'static str,
    pub snippet_claude_code_oauth_title: &'static str,
    pub snippet_claude_code_oauth_hint: &'static str,
    pub keys_heading: &'static str,
}

/// The usage dashboard and its overview glance.
#[derive(Debug)]
pub struct UsageTexts {
    pub lead: &'static str,
    pub month_heading: &'static str,
    pub calls_this_month: &'static str,
    pub(super) of_quota: Template,
    pub unlimited: &'static str,
    pub(super) resets_on: Template,
    pub warning_marker: &'static str,
    pub upgrade_hint: &'static str,
    pub rate_heading: &'static str,
    pub(super) rate_state: Template,
    pub rate_resets: &'static str,
    pub chart_heading: &'static str,
    pub chart_label: &'static str,
    pub(super) day_summary: Template,
    pub by_tool_heading: &'static str,
    pub by_client_heading: &'static str,
    pub col_tool: &'static str,
    pub col_client: &'static str,
    pub col_calls: &'static str,
    pub col_errors: &'static str,
    pub col_latency: &'static str,
    pub col_time: &'static str,
    pub col_request: &'static str,
    pub col_status: &'static str,
    pub col_division: &'static str,
    pub recent_heading: &'static str,
    pub none: &'static str,
    pub unknown_client: &'static str,
    pub status_ok: &'static str,
    pub status_pending: &'static str,
    pub status_tool_error: &'static str,
    pub status_error: &'static str,
    pub status_rejected: &'static str,
    pub reason_rate_limit: &'static str,
    pub reason_quota: &'static str,
    pub reason_flood: &'static str,
    pub glance_heading: &'static str,
    pub glance_link: &'static str,
}

impl UsageTexts {
    pub fn of_quota(&self, n: u64) -> String {
        self.of_quota.fill(&[("n", &n)])
    }

    pub fn resets_on(&self, day: &str) -> String {
        self.resets_on.fill(&[("day", &day)])
    }

    pub fn rate_state(&self, remaining: u32, limit: u32) -> String {
        self.rate_state
            .fill(&[("remaining", &remaining), ("limit", &limit)])
    }

    pub fn day_summary(&self, day: &str, calls: u64, errors: u64, rejected: u64) -> String {
        self.day_summary.fill(&[
            ("day", &day),
            ("calls", &calls),
            ("errors", &errors),
            ("rejected", &rejected),
        ])
    }
}

/// Monthly quota warnings (notification and mail) at 80 and 100 %.
#[derive(Debug)]
pub struct QuotaTexts {
    pub(super) used_up_title: &'static str,
    pub(super) warning_title: Template,
    pub(super) used_up_body: Template,
    pub(super) warning_body: Template,
}

impl QuotaTexts {
    /// The title for a warning at `level` % of the monthly quota (100 means used up).
    pub fn warning_title(&self, level: i64) -> String {
        if level >= 100 {
            self.used_up_title.to_string()
        } else {
            self.warning_title.fill(&[("level", &level)])
        }
    }

    /// The body for a warning at `level` %: the plan's name, its monthly quota and the day the
    /// count starts again (YYYY-MM-DD).
    pub fn warning_body(&self, level: i64, plan: &str, quota: u64, resets: &str) -> String {
        let holes: [(&str, &dyn Display); 4] = [
            ("level", &level),
            ("plan", &plan),
            ("quota", &quota),
            ("resets", &resets),
        ];
        if level >= 100 {
            self.used_up_body.fill(&holes)
        } else {
            self.warning_body.fill(&holes)
        }
    }
}

/// The notifications bell.
#[derive(Debug)]
pub struct NotificationsTexts {
    pub button: &'static str,
    pub empty: &'static str,
    pub mark_read: &'static str,
    pub open: &'static str,
}

/// The admin panel: users, scheduled jobs, tickets.
#[derive(Debug)]
pub struct AdminTexts {
    pub title: &'static str,
    pub lead: &'static str,
    pub users_heading: &'static str,
    pub col_email: &'static str,
    pub col_name: &'static str,
    pub col_role: &'static str,
    pub col_plan: &'static str,
    pub col_status: &'static str,
    pub col_apps: &'static str,
    pub jobs_heading: &'static str,
    pub jobs_lead: &'static str,
    pub jobs_col_job: &'static str,
    pub jobs_col_schedule: &'static str,
    pub jobs_col_slot: &'static str,
    pub jobs_col_status: &'static str,
    pub jobs_col_started: &'static str,
    pub jobs_col_counts: &'static str,
    pub jobs_col_message: &'static str,
    pub jobs_never_run: &'static str,
    pub jobs_run_now: &'static str,
    pub(super) jobs_ran: Template,
    pub jobs_unknown: &'static str,
    pub job_token_keepalive: &'static str,
    pub job_token_expiry_check: &'static str,
    pub job_monthly_reset: &'static str,
    pub job_cleanup: &'static str,
    pub tickets_heading: &'static str,
    pub tickets_col_subject: &'static str,
    pub tickets_col_user: &'static str,
    pub tickets_none: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub any_plan: &'static str,
    pub any_status: &'static str,
    pub any_role: &'static str,
    pub needs_reconsent_filter: &'static str,
    pub sort_label: &'static str,
    pub sort_newest: &'static str,
    pub sort_oldest: &'static str,
    pub sort_email: &'static str,
    pub sort_usage: &'static str,
    pub col_usage: &'static str,
    pub col_created: &'static str,
    pub col_actions: &'static str,
    pub reconsent_badge: &'static str,
    pub change_plan: &'static str,
    pub reset_usage: &'static str,
    pub suspend: &'static str,
    pub reactivate: &'static str,
    pub delete: &'static str,
    pub delete_confirm_label: &'static str,
    pub confirm_reset: &'static str,
    pub confirm_suspend: &'static str,
    pub done: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub no_users: &'static str,
    pub(super) page_of: Template,
}

impl AdminTexts {
    pub fn jobs_ran(&self, slot: &str, status: &str) -> String {
        self.jobs_ran.fill(&[("slot", &slot), ("status", &status)])
    }

    /// "Page 2 of 7 (321 accounts)"; pages count from 1 here.
    pub fn page_of(&self, page: u32, pages: u32, total: i64) -> String {
        self.page_of
            .fill(&[("page", &page), ("pages", &pages), ("total", &total)])
    }
}

/// The admin panel's sections beyond the user list: navigation, overview, tickets, audit log.
#[derive(Debug)]
pub struct AdminPanelTexts {
    pub nav: &'static str,
    pub nav_overview: &'static str,
    pub nav_users: &'static str,
    pub nav_tickets: &'static str,
    pub nav_audit: &'static str,
    pub nav_jobs: &'static str,
    pub users_total: &'static str,
    pub users_new_week: &'static str,
    pub users_on_plan: &'static str,
    pub connections_active: &'static str,
    pub connections_reconsent: &'static str,
    pub calls_today: &'static str,
    pub calls_month: &'static str,
    pub error_rate_today: &'static str,
    pub rate_limited_today: &'static str,
    pub refresh_failures: &'static str,
    pub open_tickets: &'static str,
    pub jobs_last_runs: &'static str,
    pub never_ran: &'static str,
    pub tickets_any_status: &'static str,
    pub ticket_from: &'static str,
    pub ticket_assignee: &'static str,
    pub ticket_assignee_hint: &'static str,
    pub ticket_note: &'static str,
    pub ticket_save: &'static str,
    pub ticket_reply: &'static str,
    pub ticket_send_reply: &'static str,
    pub ticket_saved: &'static str,
    pub ticket_replied: &'static str,
    pub ticket_assignee_not_admin: &'static str,
    pub tickets_none: &'static str,
    pub audit_actor: &'static str,
    pub audit_subject: &'static str,
    pub audit_action: &'static str,
    pub audit_from: &'static str,
    pub audit_until: &'static str,
    pub audit_filter: &'static str,
    pub audit_export: &'static str,
    pub audit_col_time: &'static str,
    pub audit_col_target: &'static str,
    pub audit_col_detail: &'static str,
    pub audit_col_ip: &'static str,
    pub audit_none: &'static str,
    pub audit_retention_label: &'static str,
    pub audit_retention_save: &'static str,
    pub user_details: &'static str,
    pub user_back: &'static str,
    pub user_verified: &'static str,
    pub user_not_verified: &'static str,
    pub user_last_login: &'static str,
    pub user_connections: &'static str,
    pub user_keys: &'static str,
    pub user_apps: &'static str,
    pub user_usage: &'static str,
    pub user_tickets: &'static str,
    pub user_audit: &'static str,
    pub user_revoke: &'static str,
    pub user_send_reset: &'static str,
    pub user_reset_sent: &'static str,
    pub user_revoked: &'static str,
    pub user_none: &'static str,
    pub user_never: &'static str,
    pub col_region: &'static str,
    pub col_refresh_expires: &'static str,
    pub col_divisions: &'static str,
    pub col_last_used: &'static str,
    pub col_prefix: &'static str,
    pub col_name: &'static str,
    pub(super) audit_retention_now: Template,
    pub(super) rows_of: Template,
}

impl AdminPanelTexts {
    /// "Rows are kept 365 days."
    pub fn audit_retention_now(&self, days: u32) -> String {
        self.audit_retention_now.fill(&[("days", &days)])
    }

    /// "Page 2 of 7 (321 rows)"; pages count from 1 here.
    pub fn rows_of(&self, page: u32, pages: u32, total: i64) -> String {
        self.rows_of
            .fill(&[("page", &page), ("pages", &pages), ("total", &total)])
    }
}

/// The dashboard's Support page, and the reply that reaches a person by notification and mail.
#[derive(Debug)]
pub struct SupportTexts {
    pub section: &'static str,
    pub lead: &'static str,
    pub subject_label: &'static str,
    pub text_label: &'static str,
    pub send: &'static str,
    pub sent: &'static str,
    pub throttled: &'static str,
    pub mine_heading: &'static str,
    pub none: &'static str,
    pub reply_from: &'static str,
    pub status_open: &'static str,
    pub status_in_progress: &'static str,
    pub status_resolved: &'static str,
    pub empty_subject: &'static str,
    pub subject_too_long: &'static str,
    pub empty_text: &'static str,
    pub text_too_long: &'static str,
    pub no_such_ticket: &'static str,
    pub(super) reply_notification: Template,
    pub(super) reply_mail_body: Template,
}

impl SupportTexts {
    pub fn status(&self, s: TicketStatus) -> &'static str {
        match s {
            TicketStatus::Open => self.status_open,
            TicketStatus::InProgress => self.status_in_progress,
            TicketStatus::Resolved => self.status_resolved,
        }
    }

    pub fn problem(&self, p: TicketProblem) -> &'static str {
        match p {
            TicketProblem::EmptySubject => self.empty_subject,
            TicketProblem::SubjectTooLong => self.subject_too_long,
            TicketProblem::EmptyText => self.empty_text,
            TicketProblem::TextTooLong => self.text_too_long,
            TicketProblem::UnknownStatus => self.no_such_ticket,
        }
    }

    /// The notification's title and the mail's subject.
    pub fn reply_notification(&self, subject: &str) -> String {
        self.reply_notification.fill(&[("subject", &subject)])
    }

    pub fn reply_mail_body(&self, subject: &str, reply: &str, link: &str) -> String {
        self.reply_mail_body
            .fill(&[("subject", &subject), ("reply", &reply), ("link", &link)])
    }
}

/// The dashboard overview's cards for connections and keys.
#[derive(Debug)]
pub struct GlanceTexts {
    pub connections_heading: &'static str,
    pub no_connections: &'static str,
    pub connect: &'static str,
    pub status_active: &'static str,
    pub status_needs_consent: &'static str,
    pub needs_consent_note: &'static str,
    pub reconnect: &'static str,
    pub connections_link: &'static str,
    pub keys_heading: &'static str,
    pub keys_active: &'static str,
    pub last_used: &'static str,
    pub apps_connected: &'static str,
    pub keys_link: &'static str,
    pub(super) divisions: Template,
}

impl GlanceTexts {
    /// "3 active administrations"
    pub fn divisions(&self, n: usize) -> String {
        self.divisions.fill(&[("n", &n)])
    }
}

/// The warning that an Exact connection expires soon (ticket, notification, mail).
#[derive(Debug)]
pub struct ExpiryTexts {
    pub ticket_subject: &'static str,
    pub notification_title: &'static str,
    pub(super) body: Template,
    pub mail_subject: &'static str,
    pub(super) mail_body: Template,
}

impl ExpiryTexts {
    pub fn body(&self, name: &str, date: &str) -> String {
        self.body.fill(&[("name", &name), ("date", &date)])
    }

    pub fn mail_body(&self, name: &str, date: &str, link: &str) -> String {
        self.mail_body
            .fill(&[("name", &name), ("date", &date), ("link", &link)])
    }
}

/// The 404 page and the hand-written 500 page.
#[derive(Debug)]
pub struct ErrorPagesTexts {
    pub not_found_title: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_text: &'static str,
    pub back_to_start: &'static str,
    pub error_500_title: &'static str,
    pub error_500_heading: &'static str,
    pub error_500_text: &'static str,
}

impl ProblemsTexts {
    /// The message for a problem with what the person typed.
    pub fn describe(&self, p: Problem) -> &'static str {
        match p {
            Problem::InvalidEmail => self.invalid_email,
            Problem::Password(p) => self.password(p),
            Problem::NameTooLong => self.name_long,
            Problem::WrongCurrentPassword => self.wrong_current_password,
            Problem::ResetLinkInvalid => self.reset_link,
            Problem::ConfirmEmailMismatch => self.confirm_email,
            Problem::EmailLinkInvalid => self.email_link,
            Problem::SameEmail => self.same_email,
        }
    }

    pub fn password(&self, p: PasswordProblem) -> &'static str {
        match p {
            PasswordProblem::TooShort => self.password_short,
            PasswordProblem::TooLong => self.password_long,
            PasswordProblem::TooCommon => self.password_common,
        }
    }
}

impl KeysTexts {
    /// The message for a key name the person typed that cannot be used.
    pub fn name_problem(&self, p: KeyNameProblem) -> &'static str {
        match p {
            KeyNameProblem::Empty => self.name_empty,
            KeyNameProblem::TooLong => self.name_long,
            KeyNameProblem::ControlCharacters => self.name_control,
        }
    }
}

impl LandingTexts {
    /// "N tool calls a month", or "unlimited" for a plan without a quota.
    pub fn plan_quota(&self, plan: Plan) -> String {
        match plan.monthly_quota() {
            Some(q) => self.calls_per_month(q),
            None => self.unlimited_calls.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_template_fills_its_holes_and_leaves_the_rest() {
        let t = Template("{a} and {b}, {a} again; {unknown} and a { brace");
        assert_eq!(
            t.fill(&[("a", &1), ("b", &"two")]),
            "1 and two, 1 again; {unknown} and a { brace"
        );
    }

    /// Every template of every language, filled through its method, shows each value it was
    /// given and keeps no hole: a typo in a hole's name in one language fails here.
    #[test]
    fn every_template_in_every_language_fills_completely() {
        for lang in Lang::ALL {
            let t = lang.texts();
            let cases: Vec<(String, &[&str])> = vec![
                (t.landing.calls_per_month(9101), &["9101"]),
                (t.landing.calls_per_minute(9102), &["9102"]),
                (t.landing.active_divisions(9103), &["9103"]),
                (t.settings.email_change_sent("m1@x.nl"), &["m1@x.nl"]),
                (t.mail.reset_body("L1"), &["L1"]),
                (t.mail.verify_body("m2@x.nl", "L2"), &["m2@x.nl", "L2"]),
                (t.mail.email_changed_body("m3@x.nl"), &["m3@x.nl"]),
                (t.mail.confirm_admin_body("L4"), &["L4"]),
                (t.connections.ok("N1"), &["N1"]),
                (t.connections.division_cap_reached(9104), &["9104"]),
                (t.connections.reconnect_notification_body("N2"), &["N2"]),
                (t.keys.limit_reached(9105), &["9105"]),
                (t.quota.warning_title(80), &["80"]),
                (t.quota.warning_title(100), &[]),
                (
                    t.quota.warning_body(80, "P1", 9106, "D1"),
                    &["80", "P1", "9106", "D1"],
                ),
                (
                    t.quota.warning_body(100, "P2", 9107, "D2"),
                    &["P2", "9107", "D2"],
                ),
                (t.usage.of_quota(9108), &["9108"]),
                (t.usage.resets_on("D3"), &["D3"]),
                (t.usage.rate_state(9109, 9110), &["9109", "9110"]),
                (
                    t.usage.day_summary("D4", 9111, 9112, 9113),
                    &["D4", "9111", "9112", "9113"],
                ),
                (t.admin.jobs_ran("S1", "S2"), &["S1", "S2"]),
                (t.admin.page_of(9114, 9115, 9116), &["9114", "9115", "9116"]),
                (t.expiry.body("N3", "D5"), &["N3", "D5"]),
                (t.admin_panel.audit_retention_now(9117), &["9117"]),
                (
                    t.admin_panel.rows_of(9118, 9119, 9120),
                    &["9118", "9119", "9120"],
                ),
                (t.support.reply_notification("S3"), &["S3"]),
                (t.glance.divisions(9121), &["9121"]),
                (
                    t.support.reply_mail_body("S4", "R1", "L5"),
                    &["S4", "R1", "L5"],
                ),
                (t.expiry.mail_body("N4", "D6", "L3"), &["N4", "D6", "L3"]),
            ];
            for (text, values) in cases {
                assert!(
                    !text.contains('{') && !text.contains('}'),
                    "{lang:?}: {text}"
                );
                for v in values {
                    assert!(text.contains(v), "{lang:?}: {v} missing in {text}");
                }
            }
        }
    }
}
