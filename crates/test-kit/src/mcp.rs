//! Talking to `/mcp` the way MCP clients do: rmcp's own Streamable HTTP client with an API key,
//! or raw JSON-RPC over HTTP for what a well-behaved client would never send.

use super::{
    TestApp,
    exact::{PASSWORD, consent, sign_in},
};
use exact_mcp::server::{api_keys, db::users};
use reqwest::{Client, StatusCode};
use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, CallToolResult},
    service::RunningService,
    transport::{
        StreamableHttpClientTransport, streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Value, json};

pub type McpClient = RunningService<RoleClient, ()>;

/// A new account (own cookie jar) with one connection granting `divisions`; returns the client
/// and the connection id.
pub async fn connected_user(app: &TestApp, email: &str, divisions: &[i64]) -> (Client, String) {
    app.create_user(email, PASSWORD, false).await;
    let client = super::client();
    sign_in(app, &client, email).await;
    let flow = consent(app, &client, "nl", true, divisions).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    let user = user_id(app, email).await;
    let connections = exact_mcp::server::db::connections::list_for_user(&app.state.db, &user)
        .await
        .unwrap();
    assert_eq!(connections.len(), 1, "one connection for {email}");
    (client, connections[0].id.clone())
}

pub async fn user_id(app: &TestApp, email: &str) -> String {
    let email = exact_mcp::domain::Email::parse(email).unwrap();
    users::by_email(&app.state.db, &email)
        .await
        .unwrap()
        .expect("user exists")
        .id
}

/// A fresh API key for the account, made by the same service the dashboard uses.
pub async fn key_for(app: &TestApp, email: &str) -> String {
    let email = exact_mcp::domain::Email::parse(email).unwrap();
    let user = users::by_email(&app.state.db, &email)
        .await
        .unwrap()
        .expect("user exists");
    api_keys::create(&app.state.db, app.state.clock.as_ref(), &user, "tests")
        .await
        .expect("key created")
        .key
}

/// rmcp's client, initialized against the app's `/mcp` with `key`.
pub async fn mcp(app: &TestApp, key: &str) -> McpClient {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(app.at("/mcp")).auth_header(key),
    );
    ().serve(transport).await.expect("MCP client initializes")
}

/// Calls a tool; the protocol call itself must succeed (tool errors are results).
pub async fn call(client: &McpClient, tool: &str, args: Value) -> CallToolResult {
    let args = args.as_object().cloned().unwrap_or_default();
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

/// The structured result of a successful call (and a check that the text says the same).
pub fn data(result: &CallToolResult) -> Value {
    assert_ne!(
        result.is_error,
        Some(true),
        "tool error: {:?}",
        result.content
    );
    let structured = result
        .structured_content
        .clone()
        .expect("structuredContent");
    let text = result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .expect("text content");
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        structured,
        "the text repeats the structured content"
    );
    structured
}

/// The message of a tool error.
pub fn error_text(result: &CallToolResult) -> String {
    assert_eq!(result.is_error, Some(true), "expected a tool error");
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A raw JSON-RPC POST to `/mcp` with the headers a conforming client sends.
pub fn post(app: &TestApp, key: Option<&str>) -> reqwest::RequestBuilder {
    let mut req = app
        .client
        .post(app.at("/mcp"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream");
    if let Some(key) = key {
        req = req.header("Authorization", format!("Bearer {key}"));
    }
    req
}

pub fn initialize(version: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": version,
            "capabilities": {},
            "clientInfo": { "name": "raw-test", "version": "1" }
        }
    })
}

/// The simulator's request log.
pub async fn sim_requests(app: &TestApp) -> Vec<Value> {
    app.client
        .get(app.at("/sim/exact/_control/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub async fn sim_control(app: &TestApp, path_and_query: &str) {
    let res = app
        .client
        .post(app.at(&format!("/sim/exact/_control/{path_and_query}")))
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success(),
        "{path_and_query}: {}",
        res.status()
    );
}

/// Rows straight from the simulator's data, for expectations.
pub fn sim_rows(division: i64, path: &str, filter: Option<&str>) -> Vec<Value> {
    let pairs: Vec<(String, String)> = filter
        .map(|f| vec![("$filter".to_string(), f.to_string())])
        .unwrap_or_default();
    demo_books::query(division, path, &pairs, usize::MAX, T0_DAY).expect("simulator query")
}

/// The day of the tests' clock start (days since the epoch), which the simulator's aging lists
/// age open items on.
pub const T0_DAY: i64 = crate::T0 / 86_400;

pub fn sum(rows: &[Value], field: &str) -> f64 {
    (rows
        .iter()
        .map(|r| r[field].as_f64().unwrap_or(0.0))
        .sum::<f64>()
        * 100.0)
        .round()
        / 100.0
}

/// Sends all requests at once and returns their statuses, in order.
pub async fn send_all(requests: Vec<reqwest::RequestBuilder>) -> Vec<StatusCode> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| tokio::spawn(async move { r.send().await.expect("request").status() }))
        .collect();
    let mut statuses = Vec::with_capacity(tasks.len());
    for t in tasks {
        statuses.push(t.await.expect("request task"));
    }
    statuses
}
