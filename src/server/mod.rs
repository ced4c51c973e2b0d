//! Everything that touches the world: settings, database, HTTP, and (in later modules) Exact,
//! MCP, usage and jobs. Compiled only into the server binary.

pub mod account_admin;
pub mod accounts;
pub mod admin_overview;
pub mod api_keys;
pub mod app;
pub mod audit;
pub mod audit_review;
pub mod auth;
pub mod authorization;
pub mod cli;
pub mod client_addr;
pub mod clock;
pub mod config;
pub mod connections;
pub mod db;
pub mod exact;
pub mod http;
pub mod in_flight;
pub mod jobs;
pub mod key_cache;
pub mod locale;
pub mod mail;
pub mod mcp;
pub mod notifications;
pub mod plain_html;
pub mod request_id;
pub mod state;
pub mod telemetry;
pub mod tickets;
pub mod timings;
pub mod usage;
pub mod vault;
