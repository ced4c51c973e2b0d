//! The scale run: many clients over many accounts against the real `exact-mcp serve` binary in
//! processes of its own (one, or two sharing a Postgres database), so that its memory and CPU
//! are its own and not the load generator's or the simulator's.
//!
//! Each account connects division 101 through the simulator's consent (on the in-process
//! server, which also hosts the simulator the replicas call as `EXACT_BASE_URL`) and gets an API
//! key; client `i` calls `get_relations` with account `i % users` on replica `i % replicas`.
//! Printed: calls/s, p50, p99, failed calls, the replicas' CPU per call and their peak resident
//! memory. The accounting is checked per account afterwards by the caller.

use super::{connect, cpu_of, enterprise_account, load_each, memory_of, ms};
use exact_mcp::server::{api_keys, clock::SystemClock, db::Db};
use std::time::Duration;
use test_kit::replicas::{Replica, free_port, start_replica};

/// Whether a failed call's answer was printed (the first one is).
static SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How big the run is: `BENCH_SCALE_USERS` (100), `BENCH_SCALE_CLIENTS` (1,000) and
/// `BENCH_SCALE_SECONDS` (60).
pub struct Size {
    pub users: usize,
    pub clients: usize,
    pub length: Duration,
}

impl Size {
    pub fn from_env() -> Size {
        let var = |name: &str, default: f64| {
            std::env::var(name)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(default)
        };
        Size {
            users: var("BENCH_SCALE_USERS", 100.0).max(1.0) as usize,
            clients: var("BENCH_SCALE_CLIENTS", 1000.0).max(1.0) as usize,
            length: Duration::from_secs_f64(var("BENCH_SCALE_SECONDS", 60.0)),
        }
    }
}

/// An account of the run: its id and API key.
pub struct Account {
    pub user_id: String,
    pub key: String,
}

/// Makes `users` enterprise accounts, each connected through the consent page of `base`.
pub async fn accounts(db: &Db, base: &str, users: usize) -> Vec<Account> {
    let mut out = Vec::with_capacity(users);
    for u in 0..users {
        let email = format!("scale{u}@example.com");
        let address = exact_mcp::domain::Email::parse(&email).expect("an address");
        let user = enterprise_account(db, &address).await;
        connect(base, &email).await;
        let key = api_keys::create(db, &SystemClock, &user, "scale")
            .await
            .expect("a key")
            .key;
        out.push(Account {
            user_id: user.id,
            key,
        });
    }
    out
}

/// Starts `replicas` serving processes on `database_url`, calling the simulator at `exact`.
async fn start(
    dir: &std::path::Path,
    replicas: usize,
    database_url: &str,
    exact: &str,
) -> Vec<Replica> {
    let mut started = Vec::with_capacity(replicas);
    for r in 0..replicas {
        let port = free_port();
        let public = format!("http://127.0.0.1:{port}");
        let env = [
            // Metering stays on; the limits are raised to measure their cost, not refusals.
            ("RATE_LIMIT_PER_MINUTE", "1000000000"),
            ("FLOOD_LIMIT_PER_MINUTE", "1000000000"),
            ("RUST_LOG", "warn"),
        ];
        let name = format!("replica-{r}");
        started.push(start_replica(dir, &name, port, database_url, &public, exact, &env).await);
    }
    started
}

/// One scale run on `replicas` processes; returns each account's successful calls.
pub async fn run(
    http: &reqwest::Client,
    size: &Size,
    accounts: &[Account],
    replicas: usize,
    database_url: &str,
    exact: &str,
    tool_call: &str,
) -> Vec<usize> {
    let dir = tempfile::tempdir().expect("a directory for the replicas' logs");
    let servers = start(dir.path(), replicas, database_url, exact).await;
    let pids: Vec<String> = servers.iter().map(|s| s.child.id().to_string()).collect();
    let targets: Vec<(String, String)> = (0..size.clients)
        .map(|i| {
            (
                format!("{}/mcp", servers[i % servers.len()].url),
                format!("Bearer {}", accounts[i % accounts.len()].key),
            )
        })
        .collect();
    let targets = std::sync::Arc::new(targets);
    let (client, body) = (http.clone(), tool_call.to_string());
    let idle: Vec<String> = pids
        .iter()
        .map(|p| format!("{:.1} MiB", memory_of(p, "VmRSS:")))
        .collect();
    let cpu_before: Duration = pids.iter().map(|p| cpu_of(p)).sum();
    let figures = load_each(size.clients, size.length, move |i| {
        let (url, key) = &targets[i];
        let req = client
            .post(url)
            .header("Authorization", key)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .body(body.clone());
        async move {
            let (ok, answer) = match req.send().await {
                Ok(res) => {
                    let status = res.status();
                    let text = res.text().await.unwrap_or_default();
                    let ok = status.is_success()
                        && text.contains("structuredContent")
                        && !text.contains("\"isError\":true");
                    (ok, format!("{status}: {text}"))
                }
                Err(e) => (false, e.to_string()),
            };
            if !ok && !SHOWN.swap(true, std::sync::atomic::Ordering::Relaxed) {
                println!(
                    "  the first failed call answered {}",
                    answer.chars().take(400).collect::<String>()
                );
            }
            ok
        }
    })
    .await;
    let cpu: Duration = pids.iter().map(|p| cpu_of(p)).sum::<Duration>() - cpu_before;
    let peak: Vec<String> = pids
        .iter()
        .map(|p| format!("{:.1} MiB", memory_of(p, "VmHWM:")))
        .collect();
    println!(
        "scale: {} clients over {} accounts, {} replica process(es), {:?}: {:.0} calls/s, p50 {:.2} ms, p99 {:.2} ms, {} calls, {} failed",
        size.clients,
        accounts.len(),
        replicas,
        size.length,
        figures.per_second(),
        ms(figures.percentile(0.50)),
        ms(figures.percentile(0.99)),
        figures.requests,
        figures.errors,
    );
    println!(
        "  the replicas' own CPU per call {:.3} ms; resident memory per replica: {} ready and idle, {} at the peak",
        cpu.as_secs_f64() * 1000.0 / figures.requests.max(1) as f64,
        idle.join(", "),
        peak.join(", "),
    );
    let mut per_account = vec![0; accounts.len()];
    for (i, ok) in figures.succeeded.iter().enumerate() {
        per_account[i % accounts.len()] += ok;
    }
    per_account
}
