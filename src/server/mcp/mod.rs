//! The MCP endpoint: rmcp's Streamable HTTP server at `/mcp`, stateless (every POST stands on its
//! own, so any replica can answer it), behind the API-key middleware.

pub mod auth;
pub mod caller;
pub mod cursor;
pub mod error;
pub mod meter;
pub mod odata;
pub mod prompts;
pub mod resources;
pub mod server;
pub mod source;
pub mod tools;

use crate::server::state::AppState;
use axum::{Router, middleware};
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::never::NeverSessionManager,
};
use std::sync::Arc;

pub const PATH: &str = "/mcp";
/// MCP requests are small JSON documents; anything larger is refused with 413.
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;

/// Hosts the endpoint answers to: PUBLIC_URL's host (rmcp otherwise allows only loopback names,
/// and a public deployment would answer 403), plus loopback for local health checks.
fn allowed_hosts(state: &AppState) -> Vec<String> {
    let mut hosts = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if let Some(host) = state.settings.public_url.host_str() {
        hosts.push(
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
        );
    }
    hosts.dedup();
    hosts
}

/// The one browser origin allowed to call (the service's own pages); requests without an Origin
/// header (every non-browser MCP client) pass.
fn allowed_origins(state: &AppState) -> Vec<String> {
    let url = &state.settings.public_url;
    let origin = url.origin().ascii_serialization();
    let port = url.port_or_known_default().unwrap_or(443);
    if url.port().is_some() {
        vec![origin]
    } else {
        vec![format!("{origin}:{port}")]
    }
}

/// `/mcp` with its authentication.
pub fn routes(state: &AppState) -> Router<AppState> {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_allowed_hosts(allowed_hosts(state))
        .with_allowed_origins(allowed_origins(state))
        .with_max_request_body_bytes(MAX_REQUEST_BYTES);
    let handler_state = state.clone();
    let service = StreamableHttpService::new(
        move || Ok(server::ExactMcp::new(handler_state.clone())),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    // Layers run outside in: the key first (401/403 before anything else), then the shape and the
    // limits (429 before rmcp), then rmcp.
    Router::new()
        .route_service(PATH, service)
        .route_layer(middleware::from_fn_with_state(state.clone(), meter::meter))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
}
