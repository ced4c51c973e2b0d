//! The call path's shortcuts (issue 16) keep their promises: a key this process remembers follows
//! every change at once, another replica's change within the version poll; a remembered access
//! token is never used after another replica could have replaced it; admissions decided together
//! in one transaction come out as if each were alone; a short page asks Exact for one row more
//! than it shows, not for a whole page.

use exact_mcp::{
    domain::{Email, Plan},
    server::{
        accounts, app,
        audit::Actor,
        connections,
        db::{
            Db,
            usage::{Admission, Admitted, NewEvent, admit_batch},
        },
        state::AppState,
    },
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use test_kit::{
    TestApp,
    mcp::{
        call, connected_user, data, error_text, key_for, mcp, post, sim_control, sim_requests,
        user_id,
    },
    test_settings,
};

fn tools_list() -> Value {
    json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" })
}

async fn status_of(app: &TestApp, key: &str) -> StatusCode {
    post(app, Some(key))
        .json(&tools_list())
        .send()
        .await
        .unwrap()
        .status()
}

/// A second replica of `of`: its own state, database pool and caller generation, on the same
/// database, with the same clock. It does not serve; it only changes things.
async fn replica(of: &TestApp) -> AppState {
    let settings = test_settings(of.database().url(), &[("PUBLIC_URL", &of.url)]);
    let options = app::leptos_options(&settings);
    app::build_state(settings, options, Arc::new(of.clock.clone()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_remembered_key_follows_suspension_plan_and_connection_changes_at_once() {
    let app = TestApp::spawn().await;
    let (_, connection) = connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let ada = Email::parse("ada@example.com").unwrap();
    let state = &app.state;
    let clock = state.clock.as_ref();

    // Remembered by the first call; the second is answered from memory.
    assert_eq!(status_of(&app, &key).await, StatusCode::OK);
    assert_eq!(status_of(&app, &key).await, StatusCode::OK);
    assert!(!state.keys.is_empty(), "the key is remembered");

    accounts::set_status(
        &state.db,
        clock,
        Actor::CommandLine,
        &ada,
        exact_mcp::domain::AccountStatus::Suspended,
    )
    .await
    .unwrap();
    assert_eq!(
        status_of(&app, &key).await,
        StatusCode::FORBIDDEN,
        "suspended: at once"
    );
    accounts::set_status(
        &state.db,
        clock,
        Actor::CommandLine,
        &ada,
        exact_mcp::domain::AccountStatus::Active,
    )
    .await
    .unwrap();
    assert_eq!(
        status_of(&app, &key).await,
        StatusCode::OK,
        "reactivated: at once"
    );

    // The plan decides the window the headers show.
    let limit = |res: &reqwest::Response| {
        res.headers()["x-ratelimit-limit"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let client = mcp(&app, &key).await;
    let before = post(&app, Some(&key))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    accounts::set_plan(&state.db, clock, Actor::CommandLine, &ada, Plan::Enterprise)
        .await
        .unwrap();
    let after = post(&app, Some(&key))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(
        limit(&after),
        state
            .settings
            .usage
            .per_minute(Plan::Enterprise)
            .to_string(),
        "the new plan's window, at once (was {})",
        limit(&before)
    );

    // A connection removed is gone for the next call.
    let divisions = data(&call(&client, "list_divisions", json!({})).await);
    assert_eq!(divisions["divisions"][0]["division"], json!(101));
    let owner = user_id(&app, "ada@example.com").await;
    connections::disconnect(state, &owner, "", &connection)
        .await
        .unwrap();
    let gone = call(&client, "get_relations", json!({})).await;
    assert!(
        error_text(&gone).contains("No Exact Online administration is connected"),
        "{}",
        error_text(&gone)
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn another_replicas_change_reaches_a_remembered_key_within_the_version_poll() {
    let app = TestApp::spawn().await;
    app.create_user("bob@example.com", test_kit::exact::PASSWORD, false)
        .await;
    let key = key_for(&app, "bob@example.com").await;
    assert_eq!(status_of(&app, &key).await, StatusCode::OK);

    // The other replica suspends Bob; this one learns it from the shared version, well before
    // its memory would expire by age.
    let other = replica(&app).await;
    let bob = Email::parse("bob@example.com").unwrap();
    accounts::set_status(
        &other.db,
        other.clock.as_ref(),
        Actor::CommandLine,
        &bob,
        exact_mcp::domain::AccountStatus::Suspended,
    )
    .await
    .unwrap();
    let bound = exact_mcp::server::db::VERSION_POLL * 3;
    assert!(bound < exact_mcp::server::key_cache::MAX_AGE);
    test_kit::eventually("the suspension reaches this replica", bound, || async {
        (status_of(&app, &key).await == StatusCode::FORBIDDEN).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_remembered_token_is_not_used_once_another_replica_may_have_refreshed_it() {
    let app = TestApp::spawn().await;
    let (_, connection) = connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let client = mcp(&app, &key).await;
    data(&call(&client, "get_relations", json!({ "limit": 2 })).await);

    // Another replica's keep-alive refreshes as soon as Exact allows (570 s); the old access
    // token then no longer works at Exact.
    app.clock.advance(571);
    let other = replica(&app).await;
    other
        .exact
        .refresh_proactively(&connection)
        .await
        .expect("the other replica refreshes");
    sim_control(&app, "reset-log").await;
    data(&call(&client, "get_relations", json!({ "limit": 2 })).await);
    let statuses: Vec<u64> = sim_requests(&app)
        .await
        .iter()
        .filter_map(|r| r["status"].as_u64())
        .collect();
    assert_eq!(statuses, [200], "one request, with the new token, no 401");
    client.cancel().await.unwrap();
}

fn admission(user: &str, i: usize, limit: u32, quota: Option<u64>, now: i64) -> Admission {
    Admission {
        subject: format!("user:{user}"),
        window_start: exact_mcp::server::usage::window_start(now),
        limit,
        quota,
        event: NewEvent {
            id: format!("{user}-{i}"),
            user_id: user.to_string(),
            api_key_id: "k".into(),
            connection_id: None,
            division: None,
            method: "tools/call".into(),
            tool: Some("get_relations".into()),
            status: exact_mcp::domain::CallStatus::Pending,
            reason: None,
            latency_ms: 0,
            client_name: "test".into(),
            client_version: "1".into(),
            created_at: now,
        },
        day: exact_mcp::server::usage::day_of(now),
        warning: Box::new(|level| exact_mcp::server::db::usage::Warning {
            title: format!("{level}"),
            body: String::new(),
            link: String::new(),
            email: "someone@example.com".into(),
            mail_subject: String::new(),
            mail_body: String::new(),
        }),
    }
}

async fn count(db: &Db, sql: &str, user: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(user)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn admissions_decided_in_one_transaction_come_out_as_if_each_were_alone() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", test_kit::exact::PASSWORD, false)
        .await;
    app.create_user("bob@example.com", test_kit::exact::PASSWORD, false)
        .await;
    let ada = user_id(&app, "ada@example.com").await;
    let bob = user_id(&app, "bob@example.com").await;
    let now = app.clock_now();
    let db = &app.state.db;

    // Ada: a quota of 2 in a window of 10; Bob: a window of 1 without quota. One batch.
    let batch: Vec<Admission> = (0..4)
        .map(|i| admission(&ada, i, 10, Some(2), now))
        .chain((0..2).map(|i| admission(&bob, i, 1, None, now)))
        .collect();
    let decided = admit_batch(db, &batch).await.unwrap();
    assert_eq!(
        decided,
        [
            Admitted::Yes { hits: 1, used: 1 },
            Admitted::Yes { hits: 2, used: 2 },
            Admitted::QuotaExhausted { used: 2 },
            Admitted::QuotaExhausted { used: 2 },
            Admitted::Yes { hits: 1, used: 1 },
            Admitted::RateLimited,
        ]
    );
    // A refused call left nothing behind: not in the window, the counter, the events or the rollup.
    let window = |user: &str| format!("user:{user}");
    let hits = |subject: String| async move {
        sqlx::query_scalar::<_, i64>("SELECT hits FROM rate_windows WHERE subject = $1")
            .bind(subject)
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    assert_eq!(hits(window(&ada)).await, 2);
    assert_eq!(hits(window(&bob)).await, 1);
    for (user, calls) in [(&ada, 2), (&bob, 1)] {
        assert_eq!(
            count(db, "SELECT api_calls_used FROM users WHERE id = $1", user).await,
            calls
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM usage_events WHERE user_id = $1",
                user
            )
            .await,
            calls
        );
        assert_eq!(
            count(db, "SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) FROM usage_daily WHERE user_id = $1", user).await,
            calls
        );
    }
    // Ada reached 100 % of her quota: one warning, as for calls admitted one by one.
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1",
            &ada
        )
        .await,
        1
    );
}

#[tokio::test]
async fn concurrent_calls_admitted_together_are_counted_exactly() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", test_kit::exact::PASSWORD, false)
        .await;
    let ada = user_id(&app, "ada@example.com").await;
    let now = app.clock_now();
    let calls = (0..60).map(|i| {
        let admitter = app.state.admitter.clone();
        let a = admission(&ada, i, 1000, Some(25), now);
        tokio::spawn(async move { admitter.admit(a).await.unwrap() })
    });
    let mut admitted = 0;
    for call in calls {
        if matches!(call.await.unwrap(), Admitted::Yes { .. }) {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 25);
    let db = &app.state.db;
    assert_eq!(
        count(db, "SELECT api_calls_used FROM users WHERE id = $1", &ada).await,
        25
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM usage_events WHERE user_id = $1",
            &ada
        )
        .await,
        25
    );
}

#[tokio::test]
async fn a_short_page_asks_exact_for_one_row_more_not_for_a_whole_page() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let client = mcp(&app, &key).await;
    sim_control(&app, "reset-log").await;
    let page = data(&call(&client, "get_relations", json!({ "limit": 5 })).await);
    assert_eq!(
        page["relations"].as_array().map(Vec::len),
        Some(5),
        "{page}"
    );
    assert_eq!(page["has_more"], json!(true));
    let requests = sim_requests(&app).await;
    assert_eq!(requests.len(), 1);
    let query = requests[0]["query"].as_str().unwrap();
    assert!(
        query.contains("%24top=6") || query.contains("$top=6"),
        "{query}"
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_flood_limit_and_demo_windows_are_counted_in_memory_without_a_database_write() {
    let app = TestApp::builder()
        .env("FLOOD_LIMIT_PER_MINUTE", "3")
        .spawn()
        .await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let (demo, _) = exact_mcp::server::api_keys::create_demo(&app.state.db, &app.clock)
        .await
        .unwrap();
    let rows = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM rate_windows WHERE subject LIKE 'flood:%' OR subject LIKE 'demo:%'",
        )
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
    };
    for _ in 0..3 {
        assert_eq!(status_of(&app, &key).await, StatusCode::OK);
        assert_eq!(status_of(&app, &demo).await, StatusCode::OK);
    }
    // The limit holds ...
    assert_eq!(status_of(&app, &key).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(status_of(&app, &demo).await, StatusCode::TOO_MANY_REQUESTS);
    // ... a demo key's tool call has its own window ...
    let res = post(&app, Some(&demo))
        .json(&json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": { "name": "list_divisions", "arguments": {} } }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-ratelimit-remaining"], "59");
    // ... and not one of those requests wrote a window row.
    assert_eq!(rows().await, 0);
    // A new minute starts a new window.
    app.clock.advance(60);
    assert_eq!(status_of(&app, &key).await, StatusCode::OK);
}

#[tokio::test]
async fn counted_calls_beyond_the_replicas_slots_wait_before_they_are_admitted() {
    let app = TestApp::builder()
        .env("MCP_CALLS_IN_FLIGHT", "2")
        .spawn()
        .await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let ada = user_id(&app, "ada@example.com").await;
    let used = || async {
        count(
            &app.state.db,
            "SELECT api_calls_used FROM users WHERE id = $1",
            &ada,
        )
        .await
    };
    // Both slots taken, as by two long calls.
    let held = (
        app.state.in_flight.enter().await,
        app.state.in_flight.enter().await,
    );
    let calls: Vec<_> = (0..4)
        .map(|i| {
            post(&app, Some(&key)).json(&json!({
                "jsonrpc": "2.0", "id": i, "method": "tools/call",
                "params": { "name": "get_relations", "arguments": { "division": 101, "limit": 5 } }
            }))
        })
        .collect();
    let running = tokio::spawn(test_kit::mcp::send_all(calls));
    // All four wait for a slot, none of them counted yet.
    let mut waiting = app.state.in_flight.waiting();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        waiting.wait_for(|n| *n == 4),
    )
    .await
    .expect("four calls waiting for a slot")
    .unwrap();
    assert_eq!(used().await, 0, "a waiting call is not admitted");
    // Protocol messages never wait behind tool calls.
    assert_eq!(status_of(&app, &key).await, StatusCode::OK);
    assert_eq!(used().await, 0);
    // Freed slots let them run in turn; all succeed and each is counted once.
    drop(held);
    let statuses = running.await.unwrap();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(used().await, 4);
    assert_eq!(*waiting.borrow(), 0);
}
