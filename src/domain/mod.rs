//! Plain types shared by the UI and the server. Compiles to wasm: no tokio, sqlx or leptos here,
//! and never a secret or a hash.

mod account;
mod admin_overview;
mod api_key;
mod audit_search;
mod connected_app;
mod connection;
mod mcp_setup;
mod plan;
mod ticket;
mod usage;
mod user_search;

pub use account::{
    AccountStatus, Email, InvalidEmail, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Me,
    PasswordProblem, Problem, Role, check_password,
};
pub use admin_overview::{AdminOverview, JobLastRun};
pub use api_key::{
    ApiKeySummary, CreatedKey, KEY_PREFIX, KeyNameProblem, MAX_KEY_NAME_CHARS,
    VISIBLE_PREFIX_CHARS, check_key_name,
};
pub use audit_search::{
    AUDIT_PER_PAGE, AUDIT_RETENTION_RANGE, AuditPage, AuditRow, AuditSearch, AuditSearchProblem,
    RawAuditSearch, parse_day,
};
pub use connected_app::{ConnectedApp, OAUTH_SCOPE};
pub use connection::{ConnectionStatus, ConnectionSummary, DivisionSummary, Region, format_utc};
pub use mcp_setup::{
    SERVER_NAME, TOOL_COUNT, claude_code_oauth_snippet, claude_code_snippet,
    claude_desktop_snippet, cursor_snippet, inspector_snippet,
};
pub use plan::{Plan, UnknownPlan};
pub use ticket::{
    MAX_TICKET_SUBJECT_CHARS, MAX_TICKET_TEXT_CHARS, TICKETS_PER_PAGE, TicketDraft, TicketProblem,
    TicketReply, TicketStatus, TicketText, TicketView, parse_note,
};
pub use usage::{
    CHART_HEIGHT, CHART_WIDTH, CallStatus, ChartBar, DailyUsage, Notification, NotificationList,
    RateLimitState, RecentCall, RejectReason, UsageBreakdown, UsageOverview, UsageSummary,
    chart_bars, is_counted_method, warning_level,
};
pub use user_search::{
    MAX_SEARCH_CHARS, RawSearch, SearchProblem, USERS_PER_PAGE, UserSearch, UserSort,
};
