//! `cargo bench --features ssr,simulator --bench mcp`: tools/call throughput and latency of `/mcp`.
//!
//! The real service (SQLite in a temporary directory, the embedded Exact simulator with its rate
//! limits raised) is started in process; one account connects through the simulator's OAuth
//! consent and gets an API key. Then N concurrent clients (1, 50, 500) each send JSON-RPC
//! `tools/call get_relations` POSTs for a fixed time. Beside it runs the ceiling: a bare Axum
//! handler that proxies the same simulator call with no authentication, no MCP and no database.
//! Every `/mcp` call is metered as in production (rate window, monthly counter, usage event and
//! rollup in one transaction; the outcome through the recorder); the per-minute limit is raised.
//! Figures are printed, with `/mcp` as a fraction of the ceiling; nothing is asserted (speed
//! goals are read, not tested). At the end the counters are compared with the successful calls.

use axum::{Router, extract::State, routing::get};
use exact_mcp::server::{
    accounts::{self, CreateAccount},
    api_keys, app,
    clock::SystemClock,
    config::{Settings, TokenKey},
    db::users,
};
use serde_json::json;
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::net::TcpListener;

use test_kit::exact::PASSWORD;
const RUN_FOR: Duration = Duration::from_secs(4);
const LEVELS: [usize; 3] = [1, 50, 500];
const EXACT_PATH: &str = "api/v1/101/crm/Accounts?$select=ID,Code,Name,City,Country,Email,Phone,Website,Status,IsSales,IsSupplier,Blocked,VATNumber,ChamberOfCommerce&$filter=Blocked%20eq%20false";

struct Figures {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figures {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i]
    }

    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn line(&self, name: &str, clients: usize) -> String {
        format!(
            "{name:<28} {clients:>4} clients  {:>8.0} calls/s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} calls, {} errors)",
            self.per_second(),
            self.percentile(0.50).as_secs_f64() * 1000.0,
            self.percentile(0.99).as_secs_f64() * 1000.0,
            self.requests,
            self.errors,
        )
    }
}

/// Runs `clients` loops of `one` for [`RUN_FOR`].
async fn load<F, Fut>(clients: usize, one: F) -> Figures
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let one = Arc::new(one);
    let start = Instant::now();
    let deadline = start + RUN_FOR;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let one = one.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                if !one().await {
                    errors += 1;
                }
                lat.push(t.elapsed());
            }
            (lat, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await.expect("load task");
        latencies.extend(lat);
        errors += e;
    }
    latencies.sort();
    Figures {
        requests: latencies.len(),
        errors,
        elapsed: start.elapsed(),
        latencies,
    }
}

/// Signs in and connects division 101 through the simulator's consent page, as a browser would.
async fn connect(base: &str, email: &str) {
    let browser = test_kit::client();
    test_kit::exact::sign_in_at(&browser, base, base, email).await;
    let sim_base = format!("{base}/sim/exact");
    let callback = test_kit::exact::consent_at(&browser, base, &sim_base, "nl", true, &[101]).await;
    let done = browser.get(callback).send().await.unwrap();
    assert_eq!(done.status(), reqwest::StatusCode::SEE_OTHER, "connected");
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let vars: HashMap<String, String> = [
        ("APP_ENV", "development".to_string()),
        ("PUBLIC_URL", base.clone()),
        (
            "DATABASE_URL",
            format!("sqlite://{}/bench.db", dir.path().display()),
        ),
        (
            "TOKEN_ENCRYPTION_KEY",
            TokenKey::from_bytes([3; 32]).to_base64(),
        ),
        // Metering stays on (every call is counted, limited and recorded); the per-minute limit
        // is raised so that the run measures its cost rather than its refusals.
        ("RATE_LIMIT_PER_MINUTE", "1000000000".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let settings = Settings::from_map(vars).expect("bench settings");
    let options = app::leptos_options(&settings);
    let state = app::build_state(settings, options, Arc::new(SystemClock))
        .await
        .unwrap();
    let server_state = state.clone();
    tokio::spawn(
        async move { app::run(server_state, listener, None, std::future::pending()).await },
    );

    let email = "bench@example.com";
    accounts::create(
        &state.db,
        &SystemClock,
        &[],
        CreateAccount {
            email: &exact_mcp::domain::Email::parse(email).expect("an address"),
            password: PASSWORD.into(),
            display_name: "",
            admin: false,
            plan: exact_mcp::domain::Plan::Enterprise,
        },
    )
    .await
    .unwrap();
    connect(&base, email).await;
    let user = users::by_email(&state.db, &exact_mcp::domain::Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap();
    let key = api_keys::create(&state.db, &SystemClock, &user, "bench")
        .await
        .unwrap()
        .key;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1000)
        .build()
        .unwrap();
    let raised = http
        .post(format!("{base}/sim/exact/_control/limits"))
        .json(&json!({ "minutely": 100_000_000u64, "daily": 1_000_000_000u64 }))
        .send()
        .await
        .unwrap();
    assert!(raised.status().is_success(), "simulator limits raised");

    // The ceiling: the same simulator call, proxied by a bare handler with a token taken once.
    let connection: String = sqlx::query_scalar("SELECT id FROM connections")
        .fetch_one(state.db.pool())
        .await
        .unwrap();
    let token = state
        .exact
        .access_token(&connection)
        .await
        .unwrap()
        .access_token;
    let target = format!("{base}/sim/exact/{EXACT_PATH}");
    let bare = Router::new()
        .route(
            "/proxy",
            get(
                |State((client, url, token)): State<(reqwest::Client, String, String)>| async move {
                    match client.get(&url).bearer_auth(&token).send().await {
                        Ok(res) => res.text().await.unwrap_or_default(),
                        Err(_) => String::new(),
                    }
                },
            ),
        )
        .with_state((
            http.clone(),
            target,
            secrecy::ExposeSecret::expose_secret(&token).to_string(),
        ));
    let bare_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_url = format!("http://{}/proxy", bare_listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(bare_listener, bare).await });

    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": "get_relations", "arguments": { "division": 101, "limit": 10 } }
    })
    .to_string();
    let mcp_url = format!("{base}/mcp");

    println!(
        "exact-mcp tools/call benchmark: get_relations (one Exact call each), {RUN_FOR:?} per level"
    );
    println!(
        "machine: {} CPUs; database: SQLite; Exact: the embedded simulator (limits raised)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut successful = 0usize;
    for clients in LEVELS {
        let (client, url, body, key) = (http.clone(), mcp_url.clone(), body.clone(), key.clone());
        let mcp = load(clients, move || {
            let req = client
                .post(&url)
                .header("Authorization", format!("Bearer {key}"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .body(body.clone());
            async move {
                match req.send().await {
                    Ok(res) if res.status().is_success() => res.text().await.is_ok_and(|t| {
                        t.contains("structuredContent") && !t.contains("\"isError\":true")
                    }),
                    _ => false,
                }
            }
        })
        .await;
        println!("{}", mcp.line("/mcp tools/call", clients));
        let (client, url) = (http.clone(), bare_url.clone());
        let ceiling = load(clients, move || {
            let req = client.get(&url);
            async move {
                match req.send().await {
                    Ok(res) => res.text().await.is_ok_and(|t| t.contains("results")),
                    Err(_) => false,
                }
            }
        })
        .await;
        println!("{}", ceiling.line("bare proxy (ceiling)", clients));
        println!(
            "{:<28} {clients:>4} clients  {:>8.2}x the ceiling's throughput",
            "/mcp with metering",
            mcp.per_second() / ceiling.per_second().max(f64::MIN_POSITIVE)
        );
        successful += mcp.requests - mcp.errors;
    }
    state.recorder.flush().await;
    let counted: i64 = sqlx::query_scalar("SELECT api_calls_used FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_one(state.db.pool())
        .await
        .unwrap();
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND method = 'tools/call'",
    )
    .bind(&user.id)
    .fetch_one(state.db.pool())
    .await
    .unwrap();
    println!(
        "accounting: {successful} successful calls, api_calls_used {counted}, usage events {events}"
    );
    println!("resident memory after the run: {:.1} MiB", rss_mib());
}
