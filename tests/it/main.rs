//! The integration tests, one binary (a module per area) so the crate and the test kit are
//! compiled and linked once. Each test starts the real service (`test_kit::TestApp`) on port 0
//! with a fresh database, SQLite unless `TEST_DATABASE_BACKEND=postgres`.

mod account_security;
mod account_settings;
mod accounts;
mod admin_panel;
mod admin_support;
mod authorization;
mod bounds;
mod call_path;
mod cli;
mod dashboard;
mod exact_connect;
mod exact_refresh;
mod exact_replicas;
mod finance_tools;
mod http_basics;
mod jobs;
mod logistics_tools;
mod mcp;
mod migrations;
mod proxy;
mod retention;
mod simulator;
mod smtp_tls;
mod tool_session;
mod trade_tools;
mod ui_texts;
mod usage;
mod vault_rotation;
