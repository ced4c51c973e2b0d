//! `cargo bench --features ssr,simulator --bench admin`: how fast the admin panel's user search
//! answers over many accounts, against a ceiling measured in the same run.
//!
//! The real service (SQLite in a temporary directory, or Postgres with
//! `TEST_DATABASE_BACKEND=postgres TEST_POSTGRES_URL=…`) is started in process with
//! `BENCH_ADMIN_USERS` accounts (default 10,000) spread over plans, statuses and usage, and an
//! admin signed in. Each query of the admin page's search (`POST /api/admin/users`) is asked
//! `BENCH_ADMIN_ROUNDS` times (default 200) one after another, and its p50 and p99 printed with
//! the ratio of its p50 to the ceiling's: `POST /api/whoami`, the cheapest admin-signed-in server
//! function (session lookup, no search), through the same HTTP stack. No time is asserted;
//! `scripts/test.sh` runs it small so it cannot rot. The total each query finds is checked, so a
//! wrong answer is not timed as a fast one.

use std::time::{Duration, Instant};
use test_kit::{TestApp, exact::PASSWORD};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// `count` accounts `user00000@load.example` …: plans in turn, every tenth suspended, usage
/// `n % 97`, created a second apart; written 500 to a statement.
async fn many_accounts(app: &TestApp, count: usize) {
    let plans = ["free", "starter", "pro", "enterprise"];
    for start in (0..count).step_by(500) {
        let rows: Vec<String> = (start..count.min(start + 500))
            .map(|n| {
                format!(
                    "('{}', 'user{n:05}@load.example', NULL, 'Load {n}', 'user', '{}', '{}', {}, 0, {})",
                    uuid::Uuid::new_v4(),
                    plans[n % 4],
                    if n % 10 == 0 { "suspended" } else { "active" },
                    1_700_000_000 + n,
                    n % 97
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO users (id, email, password_hash, display_name, role, plan, status, created_at, updated_at, api_calls_used) VALUES {}",
            rows.join(", ")
        );
        // Benchmark data made here: no outside text in it.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(app.state.db.pool())
            .await
            .expect("insert accounts");
    }
}

/// What a search is called, its form, and the total it must find (if known).
type Query<'a> = (&'a str, Vec<(&'a str, &'a str)>, Option<usize>);

struct Timed {
    p50: Duration,
    p99: Duration,
    /// What the last answer said, for the check.
    last: serde_json::Value,
}

async fn time(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
    rounds: usize,
) -> Timed {
    let mut took = Vec::with_capacity(rounds);
    let mut last = serde_json::Value::Null;
    for _ in 0..rounds {
        let started = Instant::now();
        let res = test_kit::post_form(app, client, path, form).await;
        let status = res.status();
        let body = res.bytes().await.expect("body");
        took.push(started.elapsed());
        assert!(status.is_success(), "{path} {form:?}: {status}");
        last = serde_json::from_slice(&body).unwrap_or_default();
    }
    took.sort();
    let at = |p: f64| took[((took.len() as f64 - 1.0) * p).round() as usize];
    Timed {
        p50: at(0.5),
        p99: at(0.99),
        last,
    }
}

#[tokio::main]
async fn main() {
    let users = env_number("BENCH_ADMIN_USERS", 10_000);
    let rounds = env_number("BENCH_ADMIN_ROUNDS", 200).max(1);
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    let started = Instant::now();
    many_accounts(&app, users).await;
    println!(
        "admin search benchmark: {} accounts written in {:.1} s; {} rounds per query; backend {}",
        users + 1,
        started.elapsed().as_secs_f64(),
        rounds,
        if test_kit::backend_is_postgres() {
            "postgres"
        } else {
            "sqlite"
        },
    );
    let admin = test_kit::client();
    let res = test_kit::post_form(
        &app,
        &admin,
        "/api/login",
        &[("email", "root@exact-mcp.example"), ("password", PASSWORD)],
    )
    .await;
    assert!(res.status().is_success(), "admin sign-in");

    let ceiling = time(&app, &admin, "/api/whoami", &[], rounds).await;
    println!(
        "{:<44} p50 {:>8.2} ms  p99 {:>8.2} ms  (the ceiling)",
        "whoami (session lookup only)",
        ceiling.p50.as_secs_f64() * 1e3,
        ceiling.p99.as_secs_f64() * 1e3
    );
    let last_page = (users / 50).to_string();
    let suspended = users.div_ceil(10);
    let queries: Vec<Query<'_>> = vec![
        (
            "first page, newest first",
            vec![("page", "0")],
            Some(users + 1),
        ),
        ("last page", vec![("page", &last_page)], Some(users + 1)),
        (
            "text in address or name",
            vec![("page", "0"), ("search", "user0042")],
            None,
        ),
        (
            "plan and status",
            vec![("page", "0"), ("plan", "pro"), ("status", "active")],
            None,
        ),
        (
            "suspended, by usage",
            vec![("page", "0"), ("status", "suspended"), ("sort", "usage")],
            Some(suspended),
        ),
        (
            "needs a new consent",
            vec![("page", "0"), ("needs_reconsent", "true")],
            Some(0),
        ),
        (
            "sorted by email, page 3",
            vec![("page", "3"), ("sort", "email")],
            Some(users + 1),
        ),
    ];
    for (what, form, expected) in queries {
        let t = time(&app, &admin, "/api/admin/users", &form, rounds).await;
        if let Some(n) = expected {
            assert_eq!(t.last["total"].as_u64(), Some(n as u64), "{what}");
        }
        println!(
            "{:<44} p50 {:>8.2} ms  p99 {:>8.2} ms  p50 × {:.1} of the ceiling ({} found)",
            what,
            t.p50.as_secs_f64() * 1e3,
            t.p99.as_secs_f64() * 1e3,
            t.p50.as_secs_f64() / ceiling.p50.as_secs_f64().max(1e-9),
            t.last["total"],
        );
    }
}
