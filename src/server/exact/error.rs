//! What can go wrong when reaching Exact, typed so the MCP layer and the pages can each say
//! something helpful. Messages never carry a token, a code or a raw response body.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ExactError {
    /// No such connection for this user (or it was disconnected).
    #[error("the Exact connection does not exist")]
    NotConnected,
    /// Exact refused the refresh token (rotated away, expired or revoked): only a new consent
    /// through `/connect/exact` helps.
    #[error("the Exact connection needs a new consent")]
    NeedsReauth { connection_id: String },
    /// Exact's rate limit for this division; `retry_after` says when the window resets.
    #[error("Exact's rate limit was reached")]
    RateLimited { retry_after: Duration },
    /// 404: the endpoint or record does not exist (or the licence lacks the module).
    #[error("Exact answered 404")]
    NotFound,
    /// 403: the Exact user may not read this.
    #[error("Exact refused access ({status})")]
    Forbidden { status: u16 },
    /// 401: Exact did not accept an access token we believed valid (it ended the token early,
    /// or its clock runs ahead of ours), and did so again right after a refresh.
    #[error("Exact did not accept the access token")]
    Unauthorized,
    /// Exact did not accept the access token, and refused a refresh as too early
    /// (`TooEarlyToRefreshTokens`): it allows one a few minutes later. Not a refused grant.
    #[error("Exact refused the token refresh as too early")]
    TooEarlyToRefresh,
    /// Exact's answer was larger than we read (`ExactConfig::max_response_bytes`).
    #[error("Exact's answer exceeded {limit} bytes")]
    ResponseTooLarge { limit: usize },
    /// Another 4xx, with Exact's own message (safe to show: it describes the request).
    #[error("Exact refused the request ({status}): {message}")]
    BadRequest { status: u16, message: String },
    /// 5xx or a connection failure after the retries.
    #[error("Exact is unavailable: {0}")]
    Unavailable(String),
    #[error("Exact did not answer in time")]
    Timeout,
    /// Too many recent failures for this connection: calls are refused for a while without
    /// reaching Exact.
    #[error("calls to Exact are paused after repeated failures")]
    CircuitOpen { retry_after: Duration },
    /// A file address from Exact's data that is not on Exact's own site (or redirects away):
    /// not followed, and no token sent.
    #[error("the file's address is not on Exact Online")]
    ForeignUrl,
    /// Something on our side (database, vault, a response we cannot read).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ExactError {
    /// Whether a bounded retry may help.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ExactError::Unavailable(_) | ExactError::Timeout | ExactError::RateLimited { .. }
        )
    }

    /// A short, stable label for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            ExactError::NotConnected => "not_connected",
            ExactError::NeedsReauth { .. } => "needs_reauth",
            ExactError::RateLimited { .. } => "rate_limited",
            ExactError::NotFound => "not_found",
            ExactError::Forbidden { .. } => "forbidden",
            ExactError::Unauthorized => "unauthorized",
            ExactError::TooEarlyToRefresh => "too_early_to_refresh",
            ExactError::ResponseTooLarge { .. } => "response_too_large",
            ExactError::BadRequest { .. } => "bad_request",
            ExactError::Unavailable(_) => "unavailable",
            ExactError::Timeout => "timeout",
            ExactError::CircuitOpen { .. } => "circuit_open",
            ExactError::ForeignUrl => "foreign_url",
            ExactError::Internal(_) => "internal",
        }
    }

    /// What a person or a model should read. `reconnect_url` is where a new consent starts.
    pub fn user_message(&self, reconnect_url: &str) -> String {
        match self {
            ExactError::NotConnected => format!(
                "No Exact Online connection is available. Connect one at {reconnect_url}."
            ),
            ExactError::NeedsReauth { .. } => format!(
                "Exact Online no longer accepts this connection's authorization. Reconnect at {reconnect_url}."
            ),
            ExactError::RateLimited { retry_after } => format!(
                "Exact Online's rate limit for this administration was reached. Try again in {} seconds.",
                retry_after.as_secs().max(1)
            ),
            ExactError::NotFound => "Exact Online has no such record or endpoint; the licence may not include this module.".to_string(),
            ExactError::Forbidden { .. } => "The connected Exact Online user may not read this; check the user's rights in Exact.".to_string(),
            ExactError::Unauthorized => "Exact Online did not accept the connection's access token, even after renewing it. Try again in a minute.".to_string(),
            ExactError::TooEarlyToRefresh => "Exact Online ended the connection's access token early and will issue a new one only in a few minutes. Try again in five minutes; no new consent is needed.".to_string(),
            ExactError::ResponseTooLarge { .. } => "Exact Online's answer was too large to read. Ask for fewer rows or a narrower period.".to_string(),
            ExactError::BadRequest { message, .. } => format!("Exact Online refused the request: {message}"),
            ExactError::Unavailable(_) | ExactError::Timeout => "Exact Online is not answering right now. Try again in a minute.".to_string(),
            ExactError::CircuitOpen { retry_after } => format!(
                "Exact Online failed several times in a row; calls are paused for {} seconds.",
                retry_after.as_secs().max(1)
            ),
            ExactError::ForeignUrl => "The file's address does not point to Exact Online, so it was not opened (no credentials were sent).".to_string(),
            ExactError::Internal(_) => "Something went wrong on our side. Try again; if it persists, contact support.".to_string(),
        }
    }
}

impl From<crate::server::db::DbError> for ExactError {
    fn from(e: crate::server::db::DbError) -> Self {
        ExactError::Internal(format!("database: {e}"))
    }
}
