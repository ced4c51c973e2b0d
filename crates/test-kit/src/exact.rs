//! Driving the Exact OAuth flow through the embedded simulator, as a browser would: start at
//! `/connect/exact`, open the consent page, decide, and follow the redirect to the callback.

use super::TestApp;
use reqwest::{Client, StatusCode, header};
use serde_json::Value;
use std::future::IntoFuture;

pub const PASSWORD: &str = "kaas-brood-fiets-42";

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Signs `client` in with a password (the account must exist).
pub async fn sign_in(app: &TestApp, client: &Client, email: &str) {
    sign_in_at(client, &app.url, &app.url, email).await;
}

/// What one pass through the flow produced.
pub struct Flow {
    /// The callback URL Exact (the simulator) sent the browser to.
    pub callback_url: String,
    /// The callback's answer.
    pub response: reqwest::Response,
}

/// Starts at `/connect/exact?region=…`, gives (or refuses) consent for `divisions` on the
/// simulator's page and follows the redirect back to our callback.
pub async fn consent(
    app: &TestApp,
    client: &Client,
    region: &str,
    allow: bool,
    divisions: &[i64],
) -> Flow {
    let callback_url = consent_until_callback(app, client, region, allow, divisions).await;
    let response = client.get(&callback_url).send().await.unwrap();
    Flow {
        callback_url,
        response,
    }
}

/// The flow up to (not including) the callback: returns the callback URL.
pub async fn consent_until_callback(
    app: &TestApp,
    client: &Client,
    region: &str,
    allow: bool,
    divisions: &[i64],
) -> String {
    let sim_base = app.at("/sim/exact");
    let callback = consent_at(client, &app.url, &sim_base, region, allow, divisions).await;
    assert!(
        callback.starts_with(&app.at("/oauth/exact/callback?")),
        "{callback}"
    );
    callback
}

/// The consent flow against any deployment, as a signed-in browser goes through it: start at
/// `{base}/connect/exact?region=…`, open the simulator's consent page under `sim_base` (embedded
/// at `/sim/exact`, or a simulator of its own), decide for `divisions`, and return the callback
/// URL the simulator sends the browser to.
pub async fn consent_at(
    client: &Client,
    base: &str,
    sim_base: &str,
    region: &str,
    allow: bool,
    divisions: &[i64],
) -> String {
    consent_as(client, base, sim_base, region, allow, divisions, "").await
}

/// [`consent_at`] as the simulator's Exact user `user` (the empty name is its one demo user): a
/// consent ends only the same user's earlier tokens, as at Exact.
pub async fn consent_as(
    client: &Client,
    base: &str,
    sim_base: &str,
    region: &str,
    allow: bool,
    divisions: &[i64],
    user: &str,
) -> String {
    let start = client
        .get(format!("{base}/connect/exact?region={region}"))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let authorize = location(&start);
    assert!(
        authorize.starts_with(&format!("{sim_base}/api/oauth2/auth?")),
        "{authorize}"
    );
    let page = client.get(&authorize).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let query: Vec<(String, String)> = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let get = |k: &str| {
        query
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut form = vec![
        ("client_id".to_string(), get("client_id")),
        ("redirect_uri".to_string(), get("redirect_uri")),
        ("state".to_string(), get("state")),
        ("user".to_string(), user.to_string()),
        (
            "decision".to_string(),
            if allow { "allow" } else { "deny" }.to_string(),
        ),
    ];
    for d in divisions {
        form.push(("division".to_string(), d.to_string()));
    }
    let decided = client
        .post(format!("{sim_base}/api/oauth2/auth"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(decided.status().is_redirection(), "{}", decided.status());
    location(&decided)
}

/// Signs `client` in at any deployment with [`PASSWORD`]; `origin` is its public address.
pub async fn sign_in_at(client: &Client, base: &str, origin: &str, email: &str) {
    let res = client
        .post(format!("{base}/api/login"))
        .header(header::ORIGIN, origin)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
}

/// A simulator of its own on a free loopback port, on the system clock (for real `serve`
/// processes, which cannot share an injected clock): the handle and its base URL.
pub async fn serve_simulator() -> (exact_sim::Simulator, String) {
    let sim = exact_sim::Simulator::new(
        std::sync::Arc::new(|| {
            use exact_mcp::server::clock::Clock;
            exact_mcp::server::clock::SystemClock.now()
        }),
        exact_sim::DEV_CLIENT_ID,
        exact_sim::DEV_CLIENT_SECRET,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, exact_sim::router(sim.clone())).into_future());
    (sim, url)
}

pub async fn sim_counters(app: &TestApp) -> Value {
    app.client
        .get(app.at("/sim/exact/_control/counters"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    exact_mcp::server::db::introspect::scalar(&app.state.db, sql)
        .await
        .unwrap()
}

/// The single connection's id.
pub async fn only_connection(app: &TestApp) -> String {
    let ids = exact_mcp::server::db::connections::all_ids(&app.state.db)
        .await
        .unwrap();
    assert_eq!(ids.len(), 1, "exactly one connection");
    ids[0].clone()
}

/// A signed-in account with one connection granting `divisions`; returns the connection id.
pub async fn connected(app: &TestApp, email: &str, divisions: &[i64]) -> String {
    app.create_user(email, PASSWORD, false).await;
    sign_in(app, &app.client, email).await;
    let flow = consent(app, &app.client, "nl", true, divisions).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    only_connection(app).await
}
