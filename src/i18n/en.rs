//! English texts.

use super::Texts;

fn reconnect_notification_body(name: &str) -> String {
    format!(
        "Exact Online no longer accepts the connection of {name}. Reconnect it so your assistants can keep reading your administrations."
    )
}
fn connection_ok(name: &str) -> String {
    format!("Exact Online answered for {name}.")
}
fn quota_warning_title(level: i64) -> String {
    if level >= 100 {
        "You have used all of this month's tool calls".to_string()
    } else {
        format!("You have used {level} % of this month's tool calls")
    }
}
fn quota_warning_body(level: i64, plan: &str, quota: u64, resets: &str) -> String {
    if level >= 100 {
        format!(
            "Your {plan} plan includes {quota} tool calls a month and all of them are used. Your assistants get an error until the quota starts again on {resets} (UTC), unless you choose a larger plan."
        )
    } else {
        format!(
            "Your {plan} plan includes {quota} tool calls a month and {level} % of them are used. The quota starts again on {resets} (UTC); a larger plan gives more."
        )
    }
}
fn key_limit_reached(n: u32) -> String {
    format!("Your plan allows {n} API keys. Revoke one first, or choose a larger plan.")
}

fn division_cap_reached(n: u32) -> String {
    format!(
        "Your plan allows {n} active administrations. Deactivate one first, or choose a larger plan."
    )
}

fn calls_per_month(n: u64) -> String {
    format!("{n} tool calls a month")
}
fn calls_per_minute(n: u32) -> String {
    format!("{n} calls per minute")
}
fn active_divisions(n: u32) -> String {
    format!("{n} active administrations")
}
fn email_change_sent(to: &str) -> String {
    format!(
        "We sent a confirmation link to {to}. Your address changes when you open it (within 24 hours)."
    )
}
fn mail_reset_body(link: &str) -> String {
    format!(
        "Someone (hopefully you) asked to reset the password of your exact-mcp account.\n\n\
         Choose a new password here within 30 minutes:\n{link}\n\n\
         If this was not you, ignore this mail: your password stays as it is."
    )
}
fn mail_verify_body(new_email: &str, link: &str) -> String {
    format!(
        "Someone (hopefully you) asked to change the email address of an exact-mcp account to {new_email}.\n\n\
         Confirm the change within 24 hours:\n{link}\n\n\
         If this was not you, ignore this mail: nothing changes."
    )
}
fn mail_email_changed_body(new_email: &str) -> String {
    format!(
        "The email address of your exact-mcp account was changed to {new_email}.\n\n\
         If you did not do this, reset your password at once and contact support."
    )
}

fn usage_of_quota(n: u64) -> String {
    format!("of {n} calls included in your plan")
}
fn usage_resets_on(day: &str) -> String {
    format!("The count starts again on {day} (00:00 UTC).")
}
fn usage_rate_state(remaining: u32, limit: u32) -> String {
    format!("{remaining} of {limit} calls left this minute")
}
fn usage_day_summary(day: &str, calls: u64, errors: u64, rejected: u64) -> String {
    format!("{day}: {calls} calls, {errors} failed, {rejected} refused")
}
pub static TEXTS: Texts = Texts {
    skip_to_content: "Skip to content",
    nav_main: "Main",
    nav_how: "How it works",
    nav_tools: "Tools",
    nav_pricing: "Pricing",
    nav_security: "Security",
    sign_in: "Sign in",
    get_started: "Get started",
    open_menu: "Open menu",
    footer_tagline: "exact-mcp — read-only access to Exact Online for AI assistants.",
    footer_note: "Not affiliated with Exact. Your tokens are encrypted at rest.",
    theme_toggle_label: "Switch between light and dark theme",
    theme_toggle_title: "Switch theme",
    language_label: "Language",

    landing_title: "Exact Online for your AI assistant",
    landing_description: "Connect Exact Online to Claude, ChatGPT, Cursor and any MCP client. Read-only, encrypted, and metered per plan.",
    hero_kicker: "Model Context Protocol server for Exact Online",
    hero_heading: "Ask your AI assistant about your books — and get answers from Exact Online.",
    hero_lead: "exact-mcp connects Claude, ChatGPT, Cursor and every other MCP client to your Exact Online administrations. Outstanding invoices, profit and loss, a customer's payment history: your assistant reads them through a key you control, and never writes a thing.",
    hero_cta_how: "See how it works",
    hero_cta_pricing: "Plans and pricing",
    hero_cta_try: "Try it now",
    how_heading: "How it works",
    how_steps: [
        (
            "Create an account",
            "Sign up with your email address, or sign in with your Exact Online login.",
        ),
        (
            "Connect Exact Online",
            "Give consent on Exact's own page and choose the administrations your assistant may read.",
        ),
        (
            "Paste a snippet",
            "Create an API key and paste the ready-made snippet into Claude, Cursor or ChatGPT.",
        ),
    ],
    tools_heading: "What your assistant can read",
    tools_lead: "Every tool is read-only. Results come with totals and continue where a long list left off, so nothing is silently cut.",
    tools: [
        (
            "Relations",
            "Find customers and suppliers, with a 360° view of one customer.",
        ),
        (
            "Invoices",
            "Sales and purchase invoices, outstanding items and ageing.",
        ),
        (
            "Ledger",
            "Chart of accounts, transaction lines and journal entries.",
        ),
        (
            "Reports",
            "Profit and loss, a financial snapshot and cash-flow overview.",
        ),
        ("Items", "Articles, prices and stock positions."),
        (
            "Prompts",
            "Ready-made analyses: health check, debtor collection, VAT preparation.",
        ),
    ],
    plans_heading: "Plans",
    calls_per_month,
    unlimited_calls: "Unlimited tool calls",
    calls_per_minute,
    active_divisions,
    unlimited_divisions: "Unlimited administrations",
    estimator_label: "How many questions will your assistant ask Exact each month?",
    recommended_plan: "Recommended plan:",
    security_heading: "Built for the keys to your books",
    security_points: [
        (
            "Read-only",
            "The tools only read. Nothing in your administration is created, changed or deleted.",
        ),
        (
            "Encrypted tokens",
            "Exact's tokens are stored with AES-256-GCM and refreshed safely; they never reach your assistant.",
        ),
        (
            "Your keys, your limits",
            "Every call is authenticated with your API key, rate limited and shown on your dashboard.",
        ),
    ],

    email_label: "Email address",
    password_label: "Password",
    name_label: "Your name",
    login_title: "Sign in",
    forgot_link: "Forgot your password?",
    no_account: "No account yet?",
    create_one: "Create one",
    register_title: "Create your account",
    password_hint: "At least 12 characters. A few unrelated words work well.",
    create_account: "Create account",
    have_account: "Already have an account?",
    forgot_title: "Reset your password",
    forgot_email_label: "Email address of your account",
    send_link: "Send me a link",
    outbox_before: "Development: no mail server is set, so the mail is in the",
    outbox_link: "outbox",
    reset_title: "Choose a new password",
    new_password_label: "New password",
    reset_hint: "At least 12 characters. Signing in elsewhere ends when you save.",
    save_new_password: "Save the new password",
    password_was_reset: "Your password was changed. Sign in with the new one.",

    dashboard_nav: "Dashboard",
    section_overview: "Overview",
    section_connections: "Connections",
    section_keys: "API keys",
    section_usage: "Usage",
    section_settings: "Settings",
    sign_out: "Sign out",
    loading: "Loading…",
    signed_in_as: "Signed in as",
    plan_word: "plan",
    admin_panel_link: "admin panel",

    change_email_heading: "Change email address",
    change_email_lead: "We send a link to the new address; the change takes effect when you open it.",
    new_email_label: "New email address",
    current_password_label: "Current password",
    change_email_button: "Send confirmation link",
    change_password_heading: "Change password",
    change_password_button: "Change password",
    sessions_heading: "Sessions",
    sessions_lead: "Signed in on a computer you no longer use? End every session, this one included.",
    sign_out_everywhere: "Sign out everywhere",
    data_heading: "Your data",
    data_lead: "Everything we store about you, as JSON (passwords, keys and tokens excluded).",
    download_data: "Download my data",
    delete_heading: "Delete account",
    delete_lead: "This removes your sessions, API keys, Exact connections and their tokens. Usage totals are kept without your name. It cannot be undone.",
    delete_confirm_label: "Type your email address to confirm",
    delete_button: "Delete my account",

    verify_email_title: "Confirm your new email address",
    verify_email_lead: "Press the button to make this your account's email address.",
    verify_email_button: "Confirm the new address",
    email_changed: "Your email address was changed.",

    admin_title: "Admin panel",
    admin_lead: "Users, plans, usage, tickets, jobs and the audit log are managed here.",
    admin_users_heading: "Users",
    admin_col_email: "Email",
    admin_col_name: "Name",
    admin_col_role: "Role",
    admin_col_plan: "Plan",
    admin_col_status: "Status",

    // Admin: scheduled jobs
    admin_jobs_heading: "Scheduled jobs",
    admin_jobs_lead: "Each job runs once per slot across all servers. Run now uses a slot of its own and leaves the scheduled one alone.",
    admin_jobs_col_job: "Job",
    admin_jobs_col_schedule: "Schedule (cron, UTC)",
    admin_jobs_col_slot: "Slot",
    admin_jobs_col_status: "Outcome",
    admin_jobs_col_started: "Started",
    admin_jobs_col_counts: "Processed / failed",
    admin_jobs_col_message: "Summary",
    admin_jobs_never_run: "Not run yet.",
    admin_jobs_run_now: "Run now",
    admin_jobs_ran: |slot, status| format!("Ran in slot {slot}: {status}."),
    admin_jobs_unknown: "There is no job with that name.",
    admin_job_token_keepalive: "Refreshes Exact tokens before they expire.",
    admin_job_token_expiry_check: "Warns owners whose connection expires within 5 days.",
    admin_job_monthly_reset: "Resets every account's monthly call counter and warnings.",
    admin_job_cleanup: "Deletes expired sessions, links and keys, and old usage events and runs.",
    token_expiry_ticket_subject: "Exact Online connection expires soon",
    token_expiry_notification_title: "Your Exact Online connection expires soon",
    token_expiry_body: |name, date| {
        format!(
            "The connection of {name} to Exact Online could not be renewed and expires on {date} (UTC). Reconnect it so your assistants can keep reading your administrations."
        )
    },
    token_expiry_mail_subject: "Your Exact Online connection expires soon",
    token_expiry_mail_body: |name, date, link| {
        format!(
            "Hello,\n\nThe connection of {name} to Exact Online could not be renewed and expires on {date} (UTC). After that your assistants can no longer read your administrations.\n\nReconnect it here: {link}\n\nexact-mcp\n"
        )
    },
    admin_tickets_heading: "Open tickets",
    admin_tickets_col_subject: "Subject",
    admin_tickets_col_user: "Account",
    admin_tickets_none: "No open tickets.",

    not_found_title: "Page not found",
    not_found_heading: "This page does not exist",
    not_found_text: "The link may be old, or the address mistyped. Nothing is lost: your data and connections are where you left them.",
    error_500_title: "Something went wrong",
    error_500_heading: "Something went wrong on our side",
    error_500_text: "We have logged the problem. Please try again in a moment; nothing you saved is lost.\nIf it keeps happening, contact support and mention the request id from this response.",
    back_to_start: "Back to the start page",

    something_went_wrong: "Something went wrong; please try again.",
    please_sign_in: "Please sign in first.",
    admins_only: "This is for administrators only.",
    login_failed: "That email address and password do not match an account.",
    login_throttled: "Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your password.",
    email_taken: "An account with this email address already exists.",
    no_such_account: "There is no account with this email address.",
    reset_sent: "If an account exists for that address, we have sent it a link to choose a new password. The link works once, for 30 minutes.",
    password_changed: "Password changed. You were signed out everywhere else.",
    email_change_sent,
    problem_invalid_email: "Enter a valid email address, like name@company.nl.",
    problem_password_short: "Use at least 12 characters for the password.",
    problem_password_long: "Use at most 256 characters for the password.",
    problem_password_common: "This password is too common; choose one that is hard to guess.",
    problem_name_long: "Use at most 100 characters for your name.",
    problem_wrong_current_password: "That is not your current password.",
    problem_reset_link: "This reset link is invalid, used or expired. Ask for a new one.",
    problem_confirm_email: "Type your account's email address to confirm.",
    problem_email_link: "This confirmation link is invalid, used or expired. Change your address again in the settings.",
    problem_same_email: "That is already your email address.",

    mail_reset_subject: "Reset your exact-mcp password",
    mail_reset_body,
    mail_verify_subject: "Confirm your new exact-mcp email address",
    mail_verify_body,
    mail_email_changed_subject: "Your exact-mcp email address was changed",
    mail_email_changed_body,

    connect_success: "Exact Online is connected.",
    oauth_error_heading: "Exact Online was not connected",
    oauth_error_state: "This connection attempt has expired or was already used. Please start again.",
    oauth_error_denied: "You declined access in Exact Online, so nothing was connected.",
    oauth_error_exchange: "Exact Online did not complete the connection. Please try again in a moment.",
    oauth_error_region: "That is not an Exact Online region we know.",
    oauth_error_email_taken: "An exact-mcp account with this Exact user's email address already exists. Sign in with your password first, then connect Exact Online from your dashboard.",
    oauth_error_account: "This account cannot be used right now. Please contact support.",
    oauth_back_connections: "Back to your connections",
    oauth_back_login: "Back to sign in",
    reconnect_notification_title: "Reconnect Exact Online",
    sign_in_with_exact: "Sign in with Exact Online",
    connections_lead: "Connect the Exact Online administrations your assistants may read. Tokens are stored encrypted and you can disconnect at any time.",
    connections_empty: "No Exact Online connection yet.",
    connect_button: "Connect Exact Online",
    region_label: "Region",
    connection_status_active: "Active",
    connection_status_needs_reauth: "Needs a new consent",
    connection_exact_user: "Exact user",
    connection_token_expiry: "Access token valid until",
    connection_refresh_expiry: "Authorization valid until",
    connection_last_used: "Last used",
    never: "never",
    divisions_heading: "Administrations",
    division_default: "Default",
    division_make_default: "Make default",
    division_active: "Active",
    division_inactive: "Inactive",
    division_activate: "Activate",
    division_deactivate: "Deactivate",
    reconnect_button: "Reconnect",
    disconnect_button: "Disconnect",
    disconnect_confirm: "Disconnect this Exact Online connection? Its tokens are deleted and your assistants lose access to its administrations.",
    check_connection_button: "Test connection",
    connection_check_failed: "Exact Online did not answer as expected. Try again in a minute.",
    connection_needs_reauth_message: "Exact Online no longer accepts this connection. Reconnect it to continue.",
    connection_not_found: "That connection no longer exists.",
    disconnected: "Disconnected. The tokens were deleted.",
    saved: "Saved.",
    cancel: "Cancel",
    reconnect_notification_body,
    connection_ok,
    division_cap_reached,
    key_name_empty: "Give the key a name, e.g. the app you will use it in.",
    key_name_long: "Key names can be at most 60 characters.",
    key_name_control: "Key names cannot contain line breaks or control characters.",
    key_not_found: "That API key does not exist or was already revoked.",
    key_revoked: "The key is revoked; apps using it are refused from now on.",
    demo_key_limit: "Too many demo keys from your address. Try again in an hour.",
    key_limit_reached,
    quota_warning_title,
    quota_warning_body,
    keys_lead: "An API key lets an AI assistant use exact-mcp on your behalf. Give every app its own key, so you can revoke one without touching the others.",
    key_name_label: "Name of the new key",
    key_name_placeholder: "e.g. Claude Desktop on my laptop",
    create_key_button: "Create key",
    new_key_heading: "Your new API key",
    new_key_warning: "Copy it now and keep it somewhere safe: it will not be shown again. We store only a fingerprint of it.",
    keys_heading: "Your keys",
    keys_empty: "No API keys yet. Create one to connect an assistant.",
    key_created: "Created",
    key_last_used: "Last used",
    revoke_button: "Revoke",
    revoke_confirm: "Revoke this key? Apps that use it are refused from now on. This cannot be undone.",
    copy_button: "Copy",
    copied: "Copied",
    copy_failed: "Copying did not work here; select the text and copy it yourself.",
    setup_heading: "Connect your AI assistant",
    setup_lead: "Add exact-mcp to your assistant with one of the snippets below, then replace the placeholder with one of your API keys.",
    setup_lead_with_key: "The snippets below contain the key you just created. Copy what you need now: the key is not shown again.",
    setup_create_key_link: "Create an API key",
    mcp_url_label: "MCP server URL",
    key_placeholder: "<YOUR_KEY>",
    snippet_claude_code_title: "Claude Code",
    snippet_claude_code_hint: "Run this in a terminal.",
    snippet_claude_desktop_title: "Claude Desktop",
    snippet_claude_desktop_hint: "Add this to claude_desktop_config.json (Settings → Developer → Edit Config) and restart Claude Desktop. The mcp-remote bridge needs Node.js.",
    snippet_cursor_title: "Cursor",
    snippet_cursor_hint: "Add this to ~/.cursor/mcp.json, or to .cursor/mcp.json in one project.",
    snippet_inspector_title: "MCP Inspector",
    snippet_inspector_hint: "Start the Inspector, choose the transport Streamable HTTP, paste the URL and add the Authorization header.",
    try_heading: "Try it without an account",
    try_lead: "Get a demo key and ask your assistant about the books of four fictional companies.",
    try_button: "Get a demo key",
    demo_key_label: "Your demo key",
    demo_note: "This key answers from four fictional companies, never from real books, and expires in 24 hours.",
    demo_valid_until: "Valid until",
    usage_lead: "Every tool call your assistants make, as it happens. The figures update by themselves while this page is open.",
    usage_month_heading: "This month",
    usage_calls_this_month: "Calls this month",
    usage_of_quota,
    usage_unlimited: "Unlimited on your plan",
    usage_resets_on,
    usage_warning_marker: "80 % warning",
    usage_upgrade_hint: "Need more? Ask us about a larger plan.",
    usage_rate_heading: "Rate limit",
    usage_rate_state,
    usage_rate_resets: "This minute's window ends at",
    usage_chart_heading: "Last 30 days",
    usage_chart_label: "Tool calls per day over the last 30 days",
    usage_day_summary,
    usage_by_tool_heading: "By tool (30 days)",
    usage_by_client_heading: "By client (30 days)",
    usage_col_tool: "Tool",
    usage_col_client: "Client",
    usage_col_calls: "Calls",
    usage_col_errors: "Failed",
    usage_col_latency: "Average time",
    usage_col_time: "Time (UTC)",
    usage_col_request: "Request",
    usage_col_status: "Outcome",
    usage_col_division: "Administration",
    usage_recent_heading: "Latest calls",
    usage_none: "No calls yet. Create an API key and connect your assistant to see them here.",
    usage_unknown_client: "unknown client",
    usage_status_ok: "ok",
    usage_status_pending: "running",
    usage_status_tool_error: "tool error",
    usage_status_error: "error",
    usage_status_rejected: "refused",
    usage_reason_rate_limit: "rate limit",
    usage_reason_quota: "monthly quota",
    usage_reason_flood: "too many messages",
    usage_glance_heading: "Usage at a glance",
    usage_glance_link: "See all usage",
    notifications_button: "Notifications",
    notifications_empty: "No notifications.",
    notifications_mark_read: "Mark all as read",
    notifications_open: "Open",
};
