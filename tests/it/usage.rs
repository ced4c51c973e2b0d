//! Rate limits, quotas and the usage record of `/mcp`, over real HTTP against the real app (and,
//! for the global limit, two real server processes on one database).
use exact_mcp::server::usage::{WINDOW_SECONDS, window_start};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use sqlx::Row;
use test_kit::{
    T0, TestApp, TestDatabase,
    exact::{PASSWORD, sign_in},
    mcp::{initialize, key_for, post, send_all, user_id},
    replicas::{free_port, start_replica},
};

/// A counted call that needs no Exact connection: the divisions the caller has (none).
fn tool_call(id: i64) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "tools/call",
        "params": { "name": "list_divisions", "arguments": {} }
    })
}

fn header_i64(res: &reqwest::Response, name: &str) -> i64 {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing on a {} response", res.status()))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn user_with_key(app: &TestApp, email: &str) -> (String, String) {
    app.create_user(email, PASSWORD, false).await;
    (user_id(app, email).await, key_for(app, email).await)
}

async fn scalar(app: &TestApp, sql: &'static str, user: &str) -> i64 {
    sqlx::query(sql)
        .bind(user)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn calls_used(app: &TestApp, user: &str) -> i64 {
    scalar(app, "SELECT api_calls_used FROM users WHERE id = $1", user).await
}

async fn window_hits(app: &TestApp, user: &str) -> i64 {
    let now = app.clock_now();
    sqlx::query_scalar("SELECT hits FROM rate_windows WHERE subject = $1 AND window_start = $2")
        .bind(format!("user:{user}"))
        .bind(window_start(now))
        .fetch_optional(app.state.db.pool())
        .await
        .unwrap()
        .unwrap_or(0)
}

async fn set_used(app: &TestApp, user: &str, used: i64) {
    sqlx::query("UPDATE users SET api_calls_used = $1 WHERE id = $2")
        .bind(used)
        .bind(user)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn set_plan(app: &TestApp, user: &str, plan: &str) {
    sqlx::query("UPDATE users SET plan = $1 WHERE id = $2")
        .bind(plan)
        .bind(user)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // Written behind the repository's back: announced as its own writes are.
    app.state.db.callers_changed().await;
}

#[tokio::test]
async fn sixty_calls_pass_the_sixty_first_waits_and_the_window_resets() {
    let app = TestApp::spawn().await;
    let (user, key) = user_with_key(&app, "ada@example.com").await;
    // The clock stands 20 s into a minute.
    app.clock.set(window_start(T0) + 20);
    let reset = window_start(T0) + WINDOW_SECONDS;

    for i in 1..=60 {
        let res = post(&app, Some(&key))
            .json(&tool_call(i))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "call {i}");
        assert_eq!(header_i64(&res, "x-ratelimit-limit"), 60);
        assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 60 - i);
        assert_eq!(header_i64(&res, "x-ratelimit-reset"), reset);
    }
    assert_eq!(window_hits(&app, &user).await, 60);
    assert_eq!(calls_used(&app, &user).await, 60);

    let res = post(&app, Some(&key))
        .json(&tool_call(61))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header_i64(&res, "retry-after"), 40);
    assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 0);
    assert_eq!(header_i64(&res, "x-ratelimit-reset"), reset);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["id"], json!(61), "the error answers the request");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("60 tool calls per minute"), "{message}");
    assert!(message.contains("40 seconds"), "{message}");
    // Nothing was counted for the refused call.
    assert_eq!(window_hits(&app, &user).await, 60);
    assert_eq!(calls_used(&app, &user).await, 60);

    // Protocol messages are not counted but carry the headers; they pass at the limit.
    let res = post(&app, Some(&key))
        .json(&json!({ "jsonrpc": "2.0", "id": 99, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 0);
    let res = post(&app, Some(&key))
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-limit"), 60);
    assert_eq!(calls_used(&app, &user).await, 60);

    // The next minute: calls pass again, with a full window.
    app.clock.set(reset);
    let res = post(&app, Some(&key))
        .json(&tool_call(62))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 59);
    assert_eq!(
        header_i64(&res, "x-ratelimit-reset"),
        reset + WINDOW_SECONDS
    );
    assert_eq!(calls_used(&app, &user).await, 61);

    // The record: 61 counted calls, one refusal, the protocol messages; all outcomes written.
    app.state.recorder.flush().await;
    let count = |sql: &'static str| {
        let (app, user) = (&app, &user);
        async move { scalar(app, sql, user).await }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND method = 'tools/call' AND status = 'ok'").await,
        61
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND status = 'rejected' AND reason = 'rate_limit'").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND method IN ('tools/list', 'initialize')").await,
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND status = 'pending'").await,
        0
    );
    assert_eq!(
        count("SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) FROM usage_daily WHERE user_id = $1")
            .await,
        61
    );
    assert_eq!(
        count(
            "SELECT CAST(COALESCE(SUM(rejected), 0) AS BIGINT) FROM usage_daily WHERE user_id = $1"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn two_hundred_concurrent_calls_let_exactly_sixty_through() {
    let app = TestApp::spawn().await;
    let (user, key) = user_with_key(&app, "burst@example.com").await;
    let results = send_all(
        (0..200)
            .map(|i| post(&app, Some(&key)).json(&tool_call(i)))
            .collect(),
    )
    .await;
    let ok = results.iter().filter(|s| **s == StatusCode::OK).count();
    let limited = results
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((ok, limited), (60, 140), "{results:?}");
    assert_eq!(window_hits(&app, &user).await, 60);
    assert_eq!(calls_used(&app, &user).await, 60);
}

#[tokio::test]
async fn each_plan_stops_at_its_monthly_quota_and_says_what_to_do() {
    let app = TestApp::spawn().await;
    let (user, key) = user_with_key(&app, "quota@example.com").await;
    for (plan, quota, name) in [
        ("free", 200, "Free"),
        ("starter", 750, "Starter"),
        ("pro", 2500, "Pro"),
    ] {
        set_plan(&app, &user, plan).await;
        set_used(&app, &user, quota - 1).await;
        // A fresh minute for each plan, so the rate limit stays out of the way.
        app.clock.advance(WINDOW_SECONDS);
        let res = post(&app, Some(&key))
            .json(&tool_call(1))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{plan}: the last call of the month"
        );
        assert_eq!(calls_used(&app, &user).await, quota);

        let res = post(&app, Some(&key))
            .json(&tool_call(2))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{plan}");
        assert!(res.headers().contains_key("x-ratelimit-limit"));
        // 2026-11-20T…: the quota starts again on 1 December.
        let retry = header_i64(&res, "retry-after");
        assert_eq!(
            app.clock_now() + retry,
            1_796_083_200,
            "{plan}: 2026-12-01T00:00Z"
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], json!(-32030));
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(name), "{message}");
        assert!(
            message.contains(&format!("{quota} tool calls")),
            "{message}"
        );
        assert!(message.contains("2026-12-01"), "{message}");
        assert!(message.contains("upgrade"), "{message}");
        assert!(message.contains(&app.at("/#pricing")), "{message}");
        assert_eq!(calls_used(&app, &user).await, quota, "{plan}: not counted");
        // The refused call used no room in the rate window either.
        assert_eq!(window_hits(&app, &user).await, 1);
    }
    // Enterprise is unlimited, and still counted.
    set_plan(&app, &user, "enterprise").await;
    set_used(&app, &user, 1_000_000).await;
    let res = post(&app, Some(&key))
        .json(&tool_call(3))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(calls_used(&app, &user).await, 1_000_001);
}

#[tokio::test]
async fn warnings_go_out_once_at_eighty_and_once_at_a_hundred_percent() {
    let app = TestApp::spawn().await;
    let (user, key) = user_with_key(&app, "warn@example.com").await;
    let notifications = |kind: &'static str| {
        let (app, user) = (&app, &user);
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = $2",
            )
            .bind(user)
            .bind(kind)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap()
        }
    };
    let mails = || {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM email_outbox WHERE to_address = 'warn@example.com' AND subject LIKE '%tool calls%'",
            )
            .fetch_one(app.state.db.pool())
            .await
            .unwrap()
        }
    };
    let call = |i: i64| {
        let req = post(&app, Some(&key)).json(&tool_call(i));
        async move { req.send().await.unwrap().status() }
    };

    set_used(&app, &user, 158).await;
    assert_eq!(call(1).await, StatusCode::OK); // 159: below 80 %
    assert_eq!(
        (notifications("quota_warning").await, mails().await),
        (0, 0)
    );
    assert_eq!(call(2).await, StatusCode::OK); // 160 = 80 %
    assert_eq!(
        (notifications("quota_warning").await, mails().await),
        (1, 1)
    );
    for i in 3..=5 {
        assert_eq!(call(i).await, StatusCode::OK); // 161..163: no repeat
    }
    assert_eq!(
        (notifications("quota_warning").await, mails().await),
        (1, 1)
    );
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM email_outbox WHERE to_address = 'warn@example.com'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert!(
        body.contains("80 %") && body.contains("Free") && body.contains("2026-12-01"),
        "{body}"
    );
    assert!(body.contains(&app.at("/dashboard/usage")), "{body}");

    set_used(&app, &user, 198).await;
    assert_eq!(call(6).await, StatusCode::OK); // 199
    assert_eq!(notifications("quota_exhausted").await, 0);
    assert_eq!(call(7).await, StatusCode::OK); // 200 = 100 %
    assert_eq!(
        (notifications("quota_exhausted").await, mails().await),
        (1, 2)
    );
    assert_eq!(call(8).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        (
            notifications("quota_warning").await,
            notifications("quota_exhausted").await,
            mails().await
        ),
        (1, 1, 2),
        "sent once each"
    );
    let level: i64 = scalar(
        &app,
        "SELECT rate_limit_warning_sent FROM users WHERE id = $1",
        &user,
    )
    .await;
    assert_eq!(level, 100);
}

#[tokio::test]
async fn a_thousand_concurrent_calls_from_fifty_users_are_counted_exactly() {
    let app = TestApp::spawn().await;
    let mut keys = Vec::new();
    for i in 0..50 {
        let (user, key) = user_with_key(&app, &format!("user{i}@example.com")).await;
        keys.push((user, key));
    }
    let results = send_all(
        (0..1000)
            .map(|i| {
                post(&app, Some(&keys[i % 50].1))
                    .header(header::USER_AGENT, "load-test/1.0")
                    .json(&tool_call(i as i64))
            })
            .collect(),
    )
    .await;
    let ok = results.iter().filter(|s| **s == StatusCode::OK).count() as i64;
    assert_eq!(ok, 1000, "20 calls per user stay within every limit");

    let total = |sql: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap()
        }
    };
    // Counters and the events committed with them agree at once, before any flush.
    assert_eq!(
        total("SELECT CAST(COALESCE(SUM(api_calls_used), 0) AS BIGINT) FROM users").await,
        ok
    );
    assert_eq!(
        total("SELECT COUNT(*) FROM usage_events WHERE method = 'tools/call'").await,
        ok
    );
    assert_eq!(
        total("SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) FROM usage_daily").await,
        ok
    );
    for (user, _) in &keys {
        assert_eq!(calls_used(&app, user).await, 20);
    }
    // The outcomes follow within the flush.
    app.state.recorder.flush().await;
    assert_eq!(
        total("SELECT COUNT(*) FROM usage_events WHERE status = 'ok' AND client_name = 'load-test' AND client_version = '1.0' AND tool = 'list_divisions'").await,
        ok
    );
}

#[tokio::test]
async fn protocol_messages_are_bounded_by_the_flood_limit() {
    let app = TestApp::builder()
        .env("FLOOD_LIMIT_PER_MINUTE", "5")
        .spawn()
        .await;
    let (user, key) = user_with_key(&app, "flood@example.com").await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    for _ in 0..5 {
        let res = post(&app, Some(&key)).json(&ping).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 60);
    }
    let res = post(&app, Some(&key)).json(&ping).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    // Tool calls have their own budget.
    let res = post(&app, Some(&key))
        .json(&tool_call(2))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(calls_used(&app, &user).await, 1);
    app.state.recorder.flush().await;
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND reason = 'flood'",
            &user
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_usage_endpoint_answers_keys_and_sessions_with_the_same_figures() {
    let app = TestApp::spawn().await;
    let (user, key) = user_with_key(&app, "json@example.com").await;
    app.clock.set(window_start(T0) + 10);
    for i in 0..3 {
        let res = post(&app, Some(&key))
            .json(&tool_call(i))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let expected = json!({
        "plan": "free",
        "calls_this_month": 3,
        "quota": 200,
        "rate_limit": { "limit": 60, "remaining": 57, "reset": window_start(T0) + 60 },
        "quota_resets_at": 1_796_083_200,
    });
    let by_key: Value = app
        .client
        .get(app.at("/api/usage"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_key, expected);

    let browser = test_kit::client();
    sign_in(&app, &browser, "json@example.com").await;
    let res = browser.get(app.at("/api/usage")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), expected);

    // Enterprise: no quota.
    set_plan(&app, &user, "enterprise").await;
    let body: Value = app
        .client
        .get(app.at("/api/usage"))
        .header("X-API-Key", &key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["quota"], Value::Null);

    // Nobody, or a wrong key: 401.
    let res = test_kit::client()
        .get(app.at("/api/usage"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
    let res = app
        .client
        .get(app.at("/api/usage"))
        .bearer_auth("emcp_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_refused_call_is_recorded_with_its_reason_and_protocol_errors_as_errors() {
    let app = TestApp::spawn().await;
    let (user, key) = user_with_key(&app, "events@example.com").await;
    let unknown = json!({
        "jsonrpc": "2.0", "id": 5, "method": "tools/call",
        "params": { "name": "no_such_tool", "arguments": {} }
    });
    let res = post(&app, Some(&key)).json(&unknown).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    app.state.recorder.flush().await;
    let row = sqlx::query(
        "SELECT status, reason, tool FROM usage_events WHERE user_id = $1 AND method = 'tools/call'",
    )
    .bind(&user)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(row.try_get::<String, _>("status").unwrap(), "error");
    assert_eq!(row.try_get::<String, _>("reason").unwrap(), "-32602");
    assert_eq!(row.try_get::<String, _>("tool").unwrap(), "no_such_tool");
    let errors: i64 = scalar(
        &app,
        "SELECT errors FROM usage_daily WHERE user_id = $1",
        &user,
    )
    .await;
    assert_eq!(errors, 1);
}

/// Two real server processes on one database (Postgres in the Postgres pass, one SQLite file
/// otherwise): the limit is one limit, whichever replica a call reaches.
#[tokio::test]
async fn two_replicas_share_one_rate_limit() {
    let database = TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    let (port_a, port_b) = (free_port(), free_port());
    let public = format!("http://127.0.0.1:{port_a}");
    let exact = "http://127.0.0.1:9"; // never called: list_divisions reads no Exact data
    let a = start_replica(dir.path(), "a", port_a, database.url(), &public, exact, &[]).await;
    let b = start_replica(dir.path(), "b", port_b, database.url(), &public, exact, &[]).await;

    let db = database.connect().await;
    let clock = exact_mcp::server::clock::SystemClock;
    exact_mcp::server::accounts::create(
        &db,
        &clock,
        &[],
        exact_mcp::server::accounts::CreateAccount {
            email: &exact_mcp::domain::Email::parse("replicas@example.com").expect("an address"),
            password: PASSWORD.into(),
            display_name: "",
            admin: false,
            plan: exact_mcp::domain::Plan::Free,
        },
    )
    .await
    .unwrap();
    let owner = exact_mcp::server::db::users::by_email(
        &db,
        &exact_mcp::domain::Email::parse("replicas@example.com").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let key = exact_mcp::server::api_keys::create(&db, &clock, &owner, "replicas")
        .await
        .unwrap()
        .key;

    // The burst must fall inside one real minute.
    use exact_mcp::server::clock::Clock;
    // The replicas are separate processes on the system clock, so the minute cannot be
    // injected: wait until the clock is early in a minute.
    test_kit::eventually(
        "the first 40 s of a minute",
        std::time::Duration::from_secs(25),
        || async { (clock.now().rem_euclid(WINDOW_SECONDS) <= 40).then_some(()) },
    )
    .await;
    let http = reqwest::Client::new();
    let results = send_all(
        (0..200)
            .map(|i| {
                let url = if i % 2 == 0 { &a.url } else { &b.url };
                http.post(format!("{url}/mcp"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .bearer_auth(&key)
                    .json(&tool_call(i))
            })
            .collect(),
    )
    .await;
    let ok = results.iter().filter(|s| **s == StatusCode::OK).count();
    let limited = results
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((ok, limited), (60, 140), "{results:?}");
    let used: i64 = sqlx::query_scalar("SELECT api_calls_used FROM users WHERE id = $1")
        .bind(&owner.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(used, 60);
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND method = 'tools/call' AND status <> 'rejected'",
    )
    .bind(&owner.id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(events, 60);
}

/// A server function of the dashboard, called as the browser does (same-origin POST).
async fn dashboard_fn(app: &TestApp, browser: &reqwest::Client, path: &str) -> reqwest::Response {
    test_kit::post_form(app, browser, path, &[]).await
}

#[tokio::test]
async fn the_usage_dashboard_shows_the_month_the_days_the_breakdowns_and_the_latest_calls() {
    let app = TestApp::spawn().await;
    let (_, key) = user_with_key(&app, "dash@example.com").await;
    let (_, other_key) = user_with_key(&app, "other@example.com").await;
    let call = |key: &str, body: Value, agent: &str| {
        post(&app, Some(key))
            .header(header::USER_AGENT, agent)
            .json(&body)
            .send()
    };
    // Two days ago, from Claude Code.
    app.clock.set(T0 - 2 * 86_400);
    for i in 0..2 {
        let res = call(&key, tool_call(i), "claude-code/2.0.1").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    // Today, from Cursor: three good calls, one unknown tool, one uncounted tools/list.
    app.clock.set(window_start(T0) + 5);
    for i in 0..3 {
        call(&key, tool_call(i), "cursor/0.50").await.unwrap();
    }
    let unknown = json!({
        "jsonrpc": "2.0", "id": 9, "method": "tools/call",
        "params": { "name": "no_such_tool", "arguments": {} }
    });
    call(&key, unknown, "cursor/0.50").await.unwrap();
    let list = json!({ "jsonrpc": "2.0", "id": 10, "method": "tools/list" });
    call(&key, list, "cursor/0.50").await.unwrap();
    // Someone else's calls never show up on this dashboard.
    for i in 0..4 {
        call(&other_key, tool_call(i), "intruder/1").await.unwrap();
    }
    app.state.recorder.flush().await;

    let browser = test_kit::client();
    sign_in(&app, &browser, "dash@example.com").await;
    let res = dashboard_fn(&app, &browser, "/api/usage/overview").await;
    assert_eq!(res.status(), StatusCode::OK);
    let o: Value = res.json().await.unwrap();
    assert_eq!(o["summary"]["calls_this_month"], 6);
    assert_eq!(o["summary"]["quota"], 200);
    assert_eq!(o["summary"]["rate_limit"]["remaining"], 56);

    let days = o["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let today = exact_mcp::server::usage::day_of(T0);
    let two_days_ago = exact_mcp::server::usage::day_of(T0 - 2 * 86_400);
    assert_eq!(days[29]["day"], today.as_str());
    assert_eq!(days[29]["calls"], 4);
    assert_eq!(days[29]["errors"], 1);
    assert_eq!(days[27]["day"], two_days_ago.as_str());
    assert_eq!(days[27]["calls"], 2);
    let total: u64 = days.iter().map(|d| d["calls"].as_u64().unwrap()).sum();
    assert_eq!(total, 6, "the chart adds up to the month's count");

    let rows = |field: &str| -> Vec<(String, u64, u64)> {
        o[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["label"].as_str().unwrap().to_string(),
                    r["calls"].as_u64().unwrap(),
                    r["errors"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        rows("by_tool"),
        vec![
            ("list_divisions".to_string(), 5, 0),
            ("no_such_tool".to_string(), 1, 1)
        ]
    );
    assert_eq!(
        rows("by_client"),
        vec![
            ("cursor".to_string(), 4, 1),
            ("claude-code".to_string(), 2, 0)
        ]
    );

    let recent = o["recent"].as_array().unwrap();
    assert_eq!(recent.len(), 7, "six counted calls and the tools/list");
    assert_eq!(recent[0]["method"], "tools/list");
    assert_eq!(recent[1]["tool"], "no_such_tool");
    assert_eq!(recent[1]["status"], "error");
    assert_eq!(recent[2]["status"], "ok");
    assert_eq!(recent[2]["client"], "cursor");
    assert_eq!(recent[6]["client"], "claude-code");
    assert!(
        recent.iter().all(|r| r["client"] != "intruder"),
        "another account's calls leaked"
    );

    // The latest 50 only.
    for i in 0..50 {
        let list = json!({ "jsonrpc": "2.0", "id": 100 + i, "method": "tools/list" });
        call(&key, list, "cursor/0.50").await.unwrap();
    }
    app.state.recorder.flush().await;
    let o: Value = dashboard_fn(&app, &browser, "/api/usage/overview")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["recent"].as_array().unwrap().len(), 50);
    assert_eq!(o["summary"]["calls_this_month"], 6);

    // The other account sees only its own.
    let other = test_kit::client();
    sign_in(&app, &other, "other@example.com").await;
    let o: Value = dashboard_fn(&app, &other, "/api/usage/overview")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["summary"]["calls_this_month"], 4);
    assert_eq!(o["recent"].as_array().unwrap().len(), 4);
    assert_eq!(rows_of(&o, "by_client"), vec!["intruder".to_string()]);

    // Signed out: refused.
    let res = dashboard_fn(&app, &test_kit::client(), "/api/usage/overview").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

fn rows_of(o: &Value, field: &str) -> Vec<String> {
    o[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_bell_lists_the_quota_warning_and_marks_it_read() {
    let app = TestApp::spawn().await;
    let (user, key) = user_with_key(&app, "bell@example.com").await;
    user_with_key(&app, "neighbour@example.com").await;
    let browser = test_kit::client();
    sign_in(&app, &browser, "bell@example.com").await;
    let bell = || async {
        let res = dashboard_fn(&app, &browser, "/api/notifications").await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<Value>().await.unwrap()
    };
    assert_eq!(bell().await, json!({ "unread": 0, "items": [] }));

    set_used(&app, &user, 159).await;
    let res = post(&app, Some(&key))
        .json(&tool_call(1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let list = bell().await;
    assert_eq!(list["unread"], 1);
    let item = &list["items"][0];
    assert_eq!(item["kind"], "quota_warning");
    assert_eq!(item["read"], false);
    assert!(item["title"].as_str().unwrap().contains("80"), "{item}");
    assert_eq!(item["link"], app.at("/dashboard/usage").as_str());

    // Not the neighbour's.
    let neighbour = test_kit::client();
    sign_in(&app, &neighbour, "neighbour@example.com").await;
    let theirs: Value = dashboard_fn(&app, &neighbour, "/api/notifications")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["unread"], 0);
    let res = dashboard_fn(&app, &neighbour, "/api/notifications/read").await;
    assert_eq!(res.json::<Value>().await.unwrap(), 0);
    assert_eq!(
        bell().await["unread"],
        1,
        "the neighbour marked nothing of ours"
    );

    let res = dashboard_fn(&app, &browser, "/api/notifications/read").await;
    assert_eq!(res.json::<Value>().await.unwrap(), 1);
    let list = bell().await;
    assert_eq!(list["unread"], 0);
    assert_eq!(list["items"][0]["read"], true);

    let res = dashboard_fn(&app, &test_kit::client(), "/api/notifications").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn get_and_delete_on_mcp_and_the_usage_endpoint_pass_the_flood_limit_too() {
    let app = TestApp::builder()
        .env("FLOOD_LIMIT_PER_MINUTE", "3")
        .spawn()
        .await;
    let (_user, key) = user_with_key(&app, "flood-get@example.com").await;
    let usage = || app.client.get(app.at("/api/usage")).bearer_auth(&key);
    // The usage endpoint alone uses the key's budget up…
    for _ in 0..3 {
        assert_eq!(usage().send().await.unwrap().status(), StatusCode::OK);
    }
    // …after which every request with the key is refused before it is served.
    let get = app
        .client
        .get(app.at("/mcp"))
        .bearer_auth(&key)
        .header(header::ACCEPT, "text/event-stream");
    let delete = app.client.delete(app.at("/mcp")).bearer_auth(&key);
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    for (what, req) in [
        ("GET /api/usage", usage()),
        ("GET /mcp", get),
        ("DELETE /mcp", delete),
        ("POST /mcp", post(&app, Some(&key)).json(&ping)),
    ] {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{what}");
        assert!(res.headers().contains_key(header::RETRY_AFTER), "{what}");
    }
    // Another key of the same account has its own budget.
    let other = test_kit::mcp::key_for(&app, "flood-get@example.com").await;
    let res = app
        .client
        .get(app.at("/api/usage"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
