//! `cargo bench --features ssr,simulator --bench mcp`: what one `/mcp` call costs, measured
//! against the upstream call it wraps, in one run.
//!
//! The real service (SQLite in a temporary directory, or Postgres with
//! `TEST_DATABASE_BACKEND=postgres TEST_POSTGRES_URL=…`; the embedded Exact simulator with its rate
//! limits raised) is started in process; one account connects through the simulator's consent and
//! gets an API key. At 1, 50 and 500 concurrent clients, for `BENCH_SECONDS` (default 4) each:
//! - **full path**: `tools/call get_relations` with the account's key: authentication, window,
//!   quota, usage record, token, the simulator over HTTP, rmcp;
//! - **bare proxy** (the ceiling): a bare Axum handler that makes the same simulator call with a
//!   token taken once: no authentication, no MCP, no database;
//! - **demo path**: `tools/call get_relations` with a demo key (in-process data, no upstream);
//! - `/healthz` of the same server, the cost of HTTP alone.
//!
//! Each line prints calls/s, p50 and p99, and the process CPU per call (everything in the process:
//! server, simulator and load generator; compare paths, not absolute values). After each full-path
//! level the per-step table of [`exact_mcp::server::timings`] shows where the call's wall time
//! went. Then `ping` and `tools/list` on the demo key, the time from `exact-mcp serve` on a
//! migrated SQLite to `/readyz` 200, the scale run ([`scale`]: `BENCH_SCALE_CLIENTS` clients over
//! `BENCH_SCALE_USERS` accounts for `BENCH_SCALE_SECONDS` against the real binary in its own
//! process; on Postgres also two replicas), the accounting check (successful calls = counter =
//! events, for every account) and the resident memory. No time is asserted: speed goals are read, not tested; an accounting
//! mismatch exits with status 1. `scripts/test.sh` runs it for 0.3 s per level so it cannot rot.

mod scale;

use axum::{Router, extract::State, routing::get};
use exact_mcp::server::{
    accounts::{self, CreateAccount},
    api_keys, app,
    clock::{Clock, SystemClock},
    config::{Settings, TokenKey},
    db::{connections, usage, users},
    timings,
};
use serde_json::json;
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use test_kit::exact::PASSWORD;
use tokio::net::TcpListener;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LEVELS: [usize; 3] = [1, 50, 500];
const EXACT_PATH: &str = "api/v1/101/crm/Accounts?$select=ID,Code,Name,City,Country,Email,Phone,Website,Status,IsSales,IsSupplier,Blocked,VATNumber,ChamberOfCommerce&$filter=Blocked%20eq%20false&$top=11";

fn run_for() -> Duration {
    let secs = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(4.0);
    Duration::from_secs_f64(secs)
}

struct Figures {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    cpu: Duration,
    latencies: Vec<Duration>,
    /// Successful calls per client, in client order.
    succeeded: Vec<usize>,
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

    fn cpu_per_call_ms(&self) -> f64 {
        self.cpu.as_secs_f64() * 1000.0 / self.requests.max(1) as f64
    }

    fn line(&self, name: &str, clients: usize) -> String {
        format!(
            "{name:<22} {clients:>4} clients {:>8.0} calls/s  p50 {:>8.2} ms  p99 {:>8.2} ms  cpu/call {:>6.3} ms  ({} calls, {} errors)",
            self.per_second(),
            ms(self.percentile(0.50)),
            ms(self.percentile(0.99)),
            self.cpu_per_call_ms(),
            self.requests,
            self.errors,
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// User plus system CPU time of this process so far.
fn process_cpu() -> Duration {
    cpu_of("self")
}

/// User plus system CPU time of a process (`self` or a pid) so far.
fn cpu_of(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    let total = ticks(11) + ticks(12);
    // Linux reports them in clock ticks of 1/100 s on every common configuration.
    Duration::from_millis(total * 10)
}

/// Runs `clients` loops of `one` for [`run_for`].
async fn load<F, Fut>(clients: usize, one: F) -> Figures
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    load_each(clients, run_for(), move |_| one()).await
}

/// Runs `clients` loops for `length`, client `i` calling `one(i)`; the figures keep each
/// client's successful calls.
async fn load_each<F, Fut>(clients: usize, length: Duration, one: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let one = Arc::new(one);
    let cpu_before = process_cpu();
    let start = Instant::now();
    let deadline = start + length;
    let mut tasks = Vec::new();
    for client in 0..clients {
        let one = one.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                if !one(client).await {
                    errors += 1;
                }
                lat.push(t.elapsed());
            }
            (lat, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut succeeded = Vec::with_capacity(clients);
    for t in tasks {
        let (lat, e) = t.await.expect("load task");
        succeeded.push(lat.len() - e);
        latencies.extend(lat);
        errors += e;
    }
    let elapsed = start.elapsed();
    let cpu = process_cpu().saturating_sub(cpu_before);
    latencies.sort();
    Figures {
        requests: latencies.len(),
        errors,
        elapsed,
        cpu,
        latencies,
        succeeded,
    }
}

/// A JSON-RPC POST to `/mcp` that succeeds when the answer contains `expect` and no error.
fn mcp_call(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    body: &str,
    expect: &'static str,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync + 'static {
    let (http, url, key, body) = (
        http.clone(),
        url.to_string(),
        format!("Bearer {key}"),
        body.to_string(),
    );
    move || {
        let req = http
            .post(&url)
            .header("Authorization", &key)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .body(body.clone());
        Box::pin(async move {
            match req.send().await {
                Ok(res) if res.status().is_success() => res.text().await.is_ok_and(|t| {
                    t.contains(expect)
                        && !t.contains("\"isError\":true")
                        && !t.contains("\"error\"")
                }),
                _ => false,
            }
        })
    }
}

/// A GET that succeeds when the answer contains `expect`.
fn get_call(
    http: &reqwest::Client,
    url: &str,
    expect: &'static str,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync + 'static {
    let (http, url) = (http.clone(), url.to_string());
    move || {
        let req = http.get(&url);
        Box::pin(async move {
            match req.send().await {
                Ok(res) if res.status().is_success() => {
                    res.text().await.is_ok_and(|t| t.contains(expect))
                }
                _ => false,
            }
        })
    }
}

/// A new account on the enterprise plan (no quota), made by the sign-up service.
async fn enterprise_account(
    db: &exact_mcp::server::db::Db,
    email: &exact_mcp::domain::Email,
) -> users::UserRow {
    accounts::create(
        db,
        &SystemClock,
        &[],
        CreateAccount {
            email,
            password: PASSWORD.into(),
            display_name: "",
            admin: false,
            plan: exact_mcp::domain::Plan::Enterprise,
        },
    )
    .await
    .unwrap();
    users::by_email(db, email).await.unwrap().unwrap()
}

/// Signs in and connects division 101 through the simulator's consent page, as a browser would,
/// as an Exact user of the same name (each account its own token set).
async fn connect(base: &str, email: &str) {
    let browser = test_kit::client();
    test_kit::exact::sign_in_at(&browser, base, base, email).await;
    let sim_base = format!("{base}/sim/exact");
    let callback =
        test_kit::exact::consent_as(&browser, base, &sim_base, "nl", true, &[101], email).await;
    let done = browser.get(callback).send().await.unwrap();
    assert_eq!(done.status(), reqwest::StatusCode::SEE_OTHER, "connected");
}

fn rss_mib() -> f64 {
    memory_of("self", "VmRSS:")
}

/// A memory figure of `/proc/<pid>/status` (`VmRSS:` now, `VmHWM:` its peak) in MiB.
fn memory_of(pid: &str, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The per-step table of the full path since the last reset: wall time per call and step.
fn print_steps(calls: usize) {
    println!("    where a full-path call's wall time went (mean per call, steps nest):");
    for (step, count, nanos) in timings::snapshot() {
        if count == 0 {
            continue;
        }
        println!(
            "      {:<44} {:>8.3} ms  ({} times)",
            step.name(),
            nanos as f64 / 1e6 / calls.max(1) as f64,
            count
        );
    }
}

/// Mean wall time of `times` sequential runs of `one`, in milliseconds.
async fn mean_ms<F, Fut>(times: usize, mut one: F) -> f64
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let started = Instant::now();
    for i in 0..times {
        one(i).await;
    }
    ms(started.elapsed()) / times as f64
}

/// Each step of the call path on its own, one at a time: what it costs without the others.
/// Admissions are made for a second account, so the accounting check stays exact.
async fn isolated_steps(
    state: &exact_mcp::server::state::AppState,
    http: &reqwest::Client,
    base: &str,
    key: &str,
    connection: &str,
) {
    use exact_mcp::server::{api_keys::PresentedKey, db::usage::Admission, usage::admit};
    // Fewer runs when the levels are short (the CI's smoke run).
    let times: usize = if run_for() < Duration::from_secs(1) {
        50
    } else {
        1000
    };
    println!("isolated steps ({times} sequential runs each, mean):");
    let presented = PresentedKey::parse(key).expect("the bench key");
    let lookup = mean_ms(times, |_| async {
        api_keys::lookup(&state.db, &SystemClock, &presented)
            .await
            .unwrap();
    })
    .await;
    println!(
        "  {:<52} {lookup:>8.3} ms",
        "key lookup in the database (account)"
    );
    let owner = match api_keys::lookup(&state.db, &SystemClock, &presented)
        .await
        .unwrap()
    {
        api_keys::KeyHolder::User(owner) => owner,
        _ => panic!("the bench key belongs to the bench account"),
    };
    let listed = mean_ms(times, |_| async {
        connections::list_for_user(&state.db, &owner.user.id)
            .await
            .unwrap();
    })
    .await;
    println!(
        "  {:<52} {listed:>8.3} ms",
        "connections and divisions read"
    );
    let cached = mean_ms(times, |_| async {
        api_keys::resolve(&state.db, &SystemClock, &state.keys, &presented)
            .await
            .unwrap();
    })
    .await;
    println!(
        "  {:<52} {cached:>8.3} ms",
        "key resolved from the process's memory"
    );

    let email = exact_mcp::domain::Email::parse("steps@example.com").unwrap();
    let other = enterprise_account(&state.db, &email).await;
    let now = SystemClock.now();
    let admission = |i: usize| Admission {
        subject: format!("user:{}", other.id),
        window_start: exact_mcp::server::usage::window_start(now),
        limit: u32::MAX,
        quota: None,
        event: usage::NewEvent {
            id: format!("steps-{i}"),
            user_id: other.id.clone(),
            api_key_id: "steps".into(),
            connection_id: None,
            division: Some(101),
            method: "tools/call".into(),
            tool: Some("get_relations".into()),
            status: exact_mcp::domain::CallStatus::Pending,
            reason: None,
            latency_ms: 0,
            client_name: "bench".into(),
            client_version: "1".into(),
            created_at: now,
        },
        day: exact_mcp::server::usage::day_of(now),
        warning: Box::new(|_| unreachable!("no quota")),
    };
    let admitted = mean_ms(times, |i| {
        let a = admission(i);
        async move {
            admit(&state.db, &a).await.unwrap();
        }
    })
    .await;
    println!(
        "  {:<52} {admitted:>8.3} ms",
        "admission (one transaction of its own)"
    );

    let pairs: Vec<(&str, String)> = vec![
        ("$select", "ID,Code,Name,City,Country,Email,Phone,Website,Status,IsSales,IsSupplier,Blocked,VATNumber,ChamberOfCommerce".into()),
        ("$filter", "Blocked eq false".into()),
        ("$top", "11".into()),
    ];
    let exact = mean_ms(times, |_| async {
        state
            .exact
            .get_json(connection, "101/crm/Accounts", &pairs)
            .await
            .unwrap();
    })
    .await;
    println!(
        "  {:<52} {exact:>8.3} ms",
        "Exact client: token, GET, JSON (the simulator)"
    );
    let token = state.exact.access_token(connection).await.unwrap();
    let url = format!("{base}/sim/exact/{EXACT_PATH}");
    let bare = mean_ms(times, |_| {
        let req = http
            .get(&url)
            .bearer_auth(secrecy::ExposeSecret::expose_secret(&token.access_token));
        async move {
            req.send().await.unwrap().text().await.unwrap();
        }
    })
    .await;
    println!(
        "  {:<52} {bare:>8.3} ms",
        "the same GET with a bare client (no parse)"
    );
}

/// `exact-mcp serve` on a migrated SQLite: milliseconds from spawning the process to `/readyz`
/// answering 200.
async fn startup_to_ready() -> Option<f64> {
    let dir = tempfile::tempdir().ok()?;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
        l.local_addr().ok()?.port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("APP_ENV", "development".to_string()),
        ("PUBLIC_URL", base.clone()),
        ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
        (
            "DATABASE_URL",
            format!("sqlite://{}/start.db", dir.path().display()),
        ),
        (
            "TOKEN_ENCRYPTION_KEY",
            TokenKey::from_bytes([5; 32]).to_base64(),
        ),
        ("RUST_LOG", "error".to_string()),
    ];
    let binary = test_kit::binary();
    let migrated = std::process::Command::new(&binary)
        .args(["migrate", "up"])
        .envs(env.iter().cloned())
        .output()
        .ok()?;
    if !migrated.status.success() {
        eprintln!(
            "exact-mcp migrate up failed: {}",
            String::from_utf8_lossy(&migrated.stderr)
        );
        return None;
    }
    let http = reqwest::Client::new();
    let started = Instant::now();
    let mut child = std::process::Command::new(&binary)
        .arg("serve")
        .envs(env.iter().cloned())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let ready = loop {
        if started.elapsed() > Duration::from_secs(20) {
            break None;
        }
        match http.get(format!("{base}/readyz")).send().await {
            Ok(r) if r.status().is_success() => break Some(ms(started.elapsed())),
            _ => tokio::time::sleep(Duration::from_millis(1)).await,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    ready
}

#[tokio::main]
async fn main() {
    let database = test_kit::TestDatabase::create().await;
    let backend = if test_kit::backend_is_postgres() {
        "Postgres"
    } else {
        "SQLite"
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let vars: HashMap<String, String> = [
        ("APP_ENV", "development".to_string()),
        ("PUBLIC_URL", base.clone()),
        ("DATABASE_URL", database.url().to_string()),
        (
            "TOKEN_ENCRYPTION_KEY",
            // The replicas of the scale run share it.
            TokenKey::from_bytes(test_kit::replicas::KEY).to_base64(),
        ),
        // Metering stays on (every call is counted, limited and recorded); the limits are raised
        // so that the run measures their cost rather than their refusals.
        ("RATE_LIMIT_PER_MINUTE", "1000000000".to_string()),
        ("FLOOD_LIMIT_PER_MINUTE", "1000000000".to_string()),
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
    let address = exact_mcp::domain::Email::parse(email).expect("an address");
    let user = enterprise_account(&state.db, &address).await;
    connect(&base, email).await;
    let key = api_keys::create(&state.db, &SystemClock, &user, "bench")
        .await
        .unwrap()
        .key;
    let (demo_key, _) = api_keys::create_demo(&state.db, &SystemClock)
        .await
        .unwrap();
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

    // The ceiling: the same simulator call the tool makes, proxied by a bare handler with a token
    // taken once.
    let connection = connections::list_for_user(&state.db, &user.id)
        .await
        .unwrap()
        .first()
        .expect("the bench account's connection")
        .id
        .clone();
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

    let tool_call = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": "get_relations", "arguments": { "division": 101, "limit": 10 } }
    })
    .to_string();
    let mcp_url = format!("{base}/mcp");

    println!(
        "exact-mcp /mcp benchmark: tools/call get_relations (10 rows, one Exact call), {:?} per level",
        run_for()
    );
    println!(
        "machine: {} CPUs; database: {backend}; Exact: the embedded simulator (limits raised); release build: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        !cfg!(debug_assertions)
    );
    let mut successful = 0usize;
    for clients in LEVELS {
        timings::reset();
        let full = load(
            clients,
            mcp_call(&http, &mcp_url, &key, &tool_call, "structuredContent"),
        )
        .await;
        println!("{}", full.line("full path", clients));
        print_steps(full.requests);
        successful += full.requests - full.errors;
        if std::env::var("BENCH_ONLY").as_deref() == Ok("full") {
            // For a profiler: only the full path runs.
            continue;
        }
        let ceiling = load(clients, get_call(&http, &bare_url, "results")).await;
        println!("{}", ceiling.line("bare proxy (ceiling)", clients));
        let demo = load(
            clients,
            mcp_call(&http, &mcp_url, &demo_key, &tool_call, "structuredContent"),
        )
        .await;
        println!("{}", demo.line("demo path", clients));
        let health = load(clients, get_call(&http, &format!("{base}/healthz"), "ok")).await;
        println!("{}", health.line("/healthz", clients));
        println!(
            "  => full path at {clients} clients: {:.2}x the ceiling's throughput, p99 {:.2}x, p50 {:+.2} ms, cpu/call {:+.3} ms beyond the ceiling",
            full.per_second() / ceiling.per_second().max(f64::MIN_POSITIVE),
            ms(full.percentile(0.99)) / ms(ceiling.percentile(0.99)).max(f64::MIN_POSITIVE),
            ms(full.percentile(0.50)) - ms(ceiling.percentile(0.50)),
            full.cpu_per_call_ms() - ceiling.cpu_per_call_ms(),
        );
    }

    // On a worker thread, as the server's own steps run (the main thread is `block_on`'s).
    let steps = (
        state.clone(),
        http.clone(),
        base.clone(),
        key.clone(),
        connection.clone(),
    );
    tokio::spawn(async move {
        let (state, http, base, key, connection) = steps;
        isolated_steps(&state, &http, &base, &key, &connection).await;
    })
    .await
    .expect("isolated steps");

    let clients = 50;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" }).to_string();
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }).to_string();
    let ping = load(
        clients,
        mcp_call(&http, &mcp_url, &demo_key, &ping, "\"result\""),
    )
    .await;
    println!("{}", ping.line("demo ping", clients));
    let list = load(
        clients,
        mcp_call(&http, &mcp_url, &demo_key, &list, "get_relations"),
    )
    .await;
    println!("{}", list.line("demo tools/list", clients));

    match startup_to_ready().await {
        Some(ms) => println!("exact-mcp serve on a migrated SQLite to /readyz 200: {ms:.1} ms"),
        None => println!("exact-mcp serve to /readyz: did not become ready"),
    }

    // The scale run: the real binary in processes of its own (two as well on Postgres).
    let size = scale::Size::from_env();
    let accounts = scale::accounts(&state.db, &base, size.users).await;
    let replica_counts: &[usize] = if test_kit::backend_is_postgres() {
        &[1, 2]
    } else {
        &[1]
    };
    let mut per_account = vec![0usize; accounts.len()];
    for &replicas in replica_counts {
        let ran = scale::run(
            &http,
            &size,
            &accounts,
            replicas,
            database.url(),
            &format!("{base}/sim/exact"),
            &tool_call,
        )
        .await;
        for (total, ok) in per_account.iter_mut().zip(ran) {
            *total += ok;
        }
    }
    let mut scale_exact = true;
    for (account, &ok) in accounts.iter().zip(&per_account) {
        let counted = usage::calls_used(&state.db, &account.user_id)
            .await
            .unwrap();
        let events = usage::count_events(&state.db, &account.user_id, "tools/call")
            .await
            .unwrap();
        if ok as i64 != counted || counted != events {
            println!(
                "accounting MISMATCH for a scale account: {ok} successful calls, api_calls_used {counted}, usage events {events}"
            );
            scale_exact = false;
        }
    }
    println!(
        "scale accounting over {} accounts: {} successful calls in all: {}",
        accounts.len(),
        per_account.iter().sum::<usize>(),
        if scale_exact {
            "exact for every account"
        } else {
            "MISMATCH"
        }
    );

    state.recorder.flush().await;
    let counted = usage::calls_used(&state.db, &user.id).await.unwrap();
    let events = usage::count_events(&state.db, &user.id, "tools/call")
        .await
        .unwrap();
    let exact = successful as i64 == counted && counted == events;
    println!(
        "accounting: {successful} successful full-path calls, api_calls_used {counted}, usage events {events}: {}",
        if exact { "exact" } else { "MISMATCH" }
    );
    println!("resident memory after the run: {:.1} MiB", rss_mib());
    // Times are read, never asserted; the accounting is a guarantee, so a mismatch fails the run.
    if !exact || !scale_exact {
        std::process::exit(1);
    }
}
