//! A bound on how long any request may take to answer, so a slow client or a stuck handler
//! cannot hold a connection (and what it holds: a database connection, a hashing slot) for
//! ever. `/mcp` is exempt: a tool call may legitimately page through Exact for longer, and the
//! MCP server bounds its own work (rate limits, Exact's timeouts).

use axum::{
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::time::Duration;

/// How long a request (other than `/mcp`) may take until its response starts.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers 503 when the handler has not answered within [`REQUEST_TIMEOUT`].
pub async fn bounded(req: Request, next: Next) -> Response {
    if req.uri().path() == "/mcp" || req.uri().path().starts_with("/mcp/") {
        return next.run(req).await;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!("request timed out");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The request took too long.",
            )
                .into_response()
        }
    }
}
