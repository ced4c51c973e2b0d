//! The one way to a usable access token: refresh when expired (or in the last 30 s), never in
//! the first 570 s, single-flight per connection (a lease, never a database lock held while
//! Exact answers), a 401 refreshed once, `needs_reauth` only when Exact refuses the grant, and
//! the REST client's bounded retries and size limit.
use exact_mcp::server::exact::ExactError;
use exact_sim::DEMO_USER_NAME;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use test_kit::{
    T0, TestApp,
    exact::{connected, count, sim_counters},
    mcp::{connected_user, key_for, sim_control},
};

async fn stored(app: &TestApp, id: &str) -> (String, String, i64, i64, String) {
    sqlx::query_as(
        "SELECT access_token, refresh_token, token_issued_at, token_expires_at, status FROM connections WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
}

/// `current/Me` through the connection (and so through the refresh path).
/// The audit rows of failed refreshes: (action, connection id). Their details hold no token.
async fn refresh_failures(app: &TestApp) -> Vec<(String, String)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, target_id, detail FROM audit_log WHERE action LIKE 'connection.refresh%' \
         ORDER BY created_at",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    for (_, _, detail) in &rows {
        assert!(!detail.contains("token"), "{detail}");
    }
    rows.into_iter().map(|(a, t, _)| (a, t)).collect()
}

async fn me(app: &TestApp, id: &str) -> Result<serde_json::Value, ExactError> {
    app.state.exact.get_json(id, "current/Me", &[]).await
}

/// The simulator's request log.
async fn requests(app: &TestApp) -> serde_json::Value {
    app.client
        .get(app.at("/sim/exact/_control/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn control(app: &TestApp, path: &str) {
    let res = app
        .client
        .post(app.at(&format!("/sim/exact/_control/{path}")))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
}

#[tokio::test]
async fn a_fresh_token_is_used_as_it_is() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    app.clock.advance(569 - 30);
    let me = me(&app, &id).await.unwrap();
    assert_eq!(me["d"]["results"][0]["FullName"], DEMO_USER_NAME);
    assert_eq!(
        sim_counters(&app).await["token_requests"],
        1,
        "only the code exchange"
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_call_completes() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let before = stored(&app, &id).await;
    app.clock.advance(600);
    let me = me(&app, &id).await.unwrap();
    assert_eq!(me["d"]["results"][0]["FullName"], DEMO_USER_NAME);
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
    let after = stored(&app, &id).await;
    assert_ne!(before.0, after.0, "new access token stored");
    assert_ne!(before.1, after.1, "the rotated refresh token stored");
    assert_eq!((after.2, after.3), (T0 + 600, T0 + 1200));
    assert_eq!(after.4, "active");
    let refresh_expiry: i64 =
        sqlx::query_scalar("SELECT refresh_token_expires_at FROM connections")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(refresh_expiry, T0 + 600 + 30 * 24 * 3600);
}

#[tokio::test]
async fn a_token_in_its_last_thirty_seconds_is_refreshed_first() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    app.clock.advance(575);
    me(&app, &id).await.unwrap();
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_calls_on_an_expired_token_refresh_exactly_once() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    app.clock.advance(700);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let exact = app.state.exact.clone();
            let id = id.clone();
            tokio::spawn(async move { exact.get_json(&id, "current/Me", &[]).await })
        })
        .collect();
    for call in calls {
        let me = call.await.unwrap().expect("every call completes");
        assert_eq!(me["d"]["results"][0]["FullName"], DEMO_USER_NAME);
    }
    let counters = sim_counters(&app).await;
    assert_eq!(counters["refreshes"], 1, "{counters}");
    assert_eq!(counters["refused_old_token"], 0, "{counters}");
    assert_eq!(stored(&app, &id).await.4, "active");
}

#[tokio::test]
async fn a_refresh_that_would_be_too_early_is_not_sent() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    // Our row says the token is about to expire (as if Exact had said expires_in=100), but it
    // is only 90 s old: Exact would refuse, so we do not ask, and use the stored token.
    sqlx::query("UPDATE connections SET token_expires_at = $1")
        .bind(T0 + 100)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    app.clock.advance(90);
    me(&app, &id).await.unwrap();
    let counters = sim_counters(&app).await;
    assert_eq!(
        counters["token_requests"], 1,
        "no refresh request: {counters}"
    );
    assert_eq!(counters["refused_too_early"], 0);
}

#[tokio::test]
async fn a_too_early_answer_keeps_the_connection_and_uses_the_stored_token() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    // Our clock and Exact's disagree: we think the token is 600 s old, Exact knows it is 100 s.
    app.clock.advance(100);
    sqlx::query("UPDATE connections SET token_issued_at = $1, token_expires_at = $2")
        .bind(T0 + 100 - 600)
        .bind(T0 + 100 + 10)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    me(&app, &id).await.unwrap();
    let counters = sim_counters(&app).await;
    assert_eq!(counters["refused_too_early"], 1, "{counters}");
    assert_eq!(stored(&app, &id).await.4, "active");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 0);
}

#[tokio::test]
async fn an_old_refresh_token_sets_needs_reauth_and_tells_the_owner_once() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let old = stored(&app, &id).await;
    app.clock.advance(600);
    me(&app, &id).await.unwrap();
    // Put the rotated-away refresh token back (as a replica with a stale copy would use it).
    sqlx::query(
        "UPDATE connections SET refresh_token = $1, token_expires_at = $2, token_issued_at = $3",
    )
    .bind(&old.1)
    .bind(T0 + 600)
    .bind(T0)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    app.clock.advance(600);
    let err = me(&app, &id).await.unwrap_err();
    assert!(matches!(err, ExactError::NeedsReauth { .. }), "{err:?}");
    assert!(
        err.user_message("https://mcp.example/dashboard/connections")
            .contains("Reconnect at https://mcp.example/dashboard/connections")
    );
    assert_eq!(sim_counters(&app).await["refused_old_token"], 1);
    assert_eq!(stored(&app, &id).await.4, "needs_reauth");
    // Later calls fail fast without asking Exact again, and the owner is told once.
    let err = me(&app, &id).await.unwrap_err();
    assert!(matches!(err, ExactError::NeedsReauth { .. }));
    assert_eq!(sim_counters(&app).await["refused_old_token"], 1);
    let notes: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT kind, title, link FROM notifications")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].0, "connection_needs_reauth");
    assert_eq!(notes[0].2.as_deref(), Some("/dashboard/connections"));
    // The refusal is in the audit trail once (the admin overview counts it), without a token.
    assert_eq!(
        refresh_failures(&app).await,
        vec![("connection.refresh_refused".to_string(), id.clone())]
    );

    // A new consent brings the connection back.
    let flow = test_kit::exact::consent(&app, &app.client, "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, &id).await.4, "active");
    me(&app, &id).await.unwrap();
}

#[tokio::test]
async fn a_revoked_grant_sets_needs_reauth() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    control(&app, "revoke").await;
    app.clock.advance(600);
    let err = me(&app, &id).await.unwrap_err();
    assert!(matches!(err, ExactError::NeedsReauth { .. }), "{err:?}");
    assert_eq!(stored(&app, &id).await.4, "needs_reauth");
}

#[tokio::test]
async fn transient_refresh_failures_retry_and_leave_the_tokens_untouched() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let before = stored(&app, &id).await;
    app.clock.advance(600);
    // More failures than attempts: the call fails, nothing changes.
    control(&app, "fail?status=503&count=3&path=oauth2/token").await;
    let err = me(&app, &id).await.unwrap_err();
    assert!(matches!(err, ExactError::Unavailable(_)), "{err:?}");
    assert_eq!(stored(&app, &id).await, before);
    assert_eq!(
        refresh_failures(&app).await,
        vec![("connection.refresh_failed".to_string(), id.clone())]
    );
    // Two failures, then success within the bound.
    control(&app, "fail?status=500&count=2&path=oauth2/token").await;
    me(&app, &id).await.unwrap();
    assert_eq!(stored(&app, &id).await.4, "active");
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
}

#[tokio::test]
async fn server_errors_and_429s_are_retried_within_bounds_404_is_not() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let path = "101/crm/Accounts";
    let calls_to = |log: &serde_json::Value| {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"].as_str().unwrap_or("").ends_with("crm/Accounts"))
            .count()
    };

    control(&app, "fail?status=503&count=2&path=crm/Accounts").await;
    let page = app.state.exact.list(&id, path, &[], 10).await.unwrap();
    assert_eq!(page.rows.len(), 10);
    assert_eq!(
        calls_to(&requests(&app).await),
        3,
        "two failures, then the answer"
    );

    control(&app, "reset-log").await;
    control(&app, "fail?status=429&count=1&path=crm/Accounts").await;
    let started = app.clock_now();
    app.state.exact.list(&id, path, &[], 10).await.unwrap();
    assert_eq!(
        calls_to(&requests(&app).await),
        2,
        "a 429, then the answer after the reset"
    );
    assert!(
        app.clock_now() > started,
        "waited (on the injected clock) for the minutely reset"
    );

    control(&app, "reset-log").await;
    control(&app, "fail?status=500&count=10&path=crm/Accounts").await;
    let err = app.state.exact.list(&id, path, &[], 10).await.unwrap_err();
    assert!(matches!(err, ExactError::Unavailable(_)), "{err:?}");
    assert_eq!(
        calls_to(&requests(&app).await),
        3,
        "bounded: three attempts"
    );

    control(&app, "reset-log").await;
    let err = app
        .state
        .exact
        .list(&id, "101/crm/NoSuchThing", &[], 10)
        .await
        .unwrap_err();
    assert!(matches!(err, ExactError::NotFound), "{err:?}");
    let log = requests(&app).await;
    assert_eq!(
        log.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"].as_str().unwrap_or("").ends_with("NoSuchThing"))
            .count(),
        1,
        "a 404 is never retried"
    );
}

#[tokio::test]
async fn lists_follow_next_links_and_respect_the_row_limit() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[202]).await;
    let total = exact_sim::sizes(202).unwrap().accounts;
    assert!(total > 120, "three pages or more");
    let page = app
        .state
        .exact
        .list(&id, "202/crm/Accounts", &[], 100)
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 100, "two pages of 60 were read, 100 kept");
    assert!(page.next.is_some());
    let all = app
        .state
        .exact
        .list(&id, "202/crm/Accounts", &[], 100_000)
        .await
        .unwrap();
    assert_eq!(all.rows.len(), total);
    assert!(all.next.is_none());
    // Filters are passed on as given (escaped by the caller).
    let filtered = app
        .state
        .exact
        .list(
            &id,
            "202/crm/Accounts",
            &[("$filter", "Name eq 'O''Brien & Zonen B.V.'".to_string())],
            10,
        )
        .await
        .unwrap();
    assert_eq!(filtered.rows.len(), 1);
    // A __next link elsewhere than the connection's Exact host is never followed.
    let err = app
        .state
        .exact
        .get_next(&id, "http://evil.example/api/v1/202/crm/Accounts")
        .await
        .unwrap_err();
    assert!(matches!(err, ExactError::Internal(_)), "{err:?}");
}

#[tokio::test]
async fn repeated_failures_open_the_circuit_for_a_while() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    // Five calls fail after their three attempts each: the fifth opens the circuit.
    control(&app, "fail?status=503&count=15&path=crm/Accounts").await;
    for _ in 0..5 {
        let err = app
            .state
            .exact
            .list(&id, "101/crm/Accounts", &[], 10)
            .await
            .unwrap_err();
        assert!(matches!(err, ExactError::Unavailable(_)), "{err:?}");
    }
    control(&app, "reset-log").await;
    let err = app
        .state
        .exact
        .list(&id, "101/crm/Accounts", &[], 10)
        .await
        .unwrap_err();
    assert!(matches!(err, ExactError::CircuitOpen { .. }), "{err:?}");
    assert!(err.user_message("/x").contains("paused"));
    let log: serde_json::Value = requests(&app).await;
    assert_eq!(
        log.as_array().unwrap().len(),
        0,
        "an open circuit does not reach Exact"
    );
    // After the pause the calls go through again.
    app.clock.advance(31);
    let page = app
        .state
        .exact
        .list(&id, "101/crm/Accounts", &[], 10)
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 10);
}

#[tokio::test]
async fn a_slow_exact_times_out_within_the_bounded_attempts() {
    use exact_mcp::server::exact::{Exact, ExactConfig};
    use exact_mcp::server::vault::Vault;
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let mut config = ExactConfig::from_settings(&app.state.settings);
    config.request_timeout = std::time::Duration::from_millis(300);
    let vault = Vault::from_settings(&app.state.settings);
    let exact = Exact::new(
        config,
        app.state.db.clone(),
        std::sync::Arc::new(vault),
        app.state.clock.clone(),
    );
    control(&app, "latency?ms=3000&count=3").await;
    let err = exact
        .list(&id, "101/crm/Accounts", &[], 10)
        .await
        .unwrap_err();
    assert!(matches!(err, ExactError::Timeout), "{err:?}");
    assert!(err.user_message("/x").contains("not answering"));
    // The next call, without latency, works.
    exact.list(&id, "101/crm/Accounts", &[], 10).await.unwrap();
}

#[tokio::test]
async fn a_spent_minutely_budget_is_waited_out_instead_of_running_into_a_429() {
    use exact_mcp::domain::Region;
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let top = [("$top", "1".to_string())];
    // Spend the minute's budget (the connect flow's divisions call counted too).
    let start = app.clock_now();
    let mut calls = 0;
    loop {
        app.state
            .exact
            .get_json(&id, "101/crm/Accounts", &top)
            .await
            .unwrap();
        calls += 1;
        let (minutely, _) = app.state.exact.rate_windows(Region::Nl, 101);
        if minutely.unwrap().remaining == 0 {
            break;
        }
        assert!(calls < 60, "the budget is 60 a minute");
    }
    assert_eq!(app.clock_now(), start, "no waiting while budget was left");
    app.state
        .exact
        .get_json(&id, "101/crm/Accounts", &top)
        .await
        .unwrap();
    assert!(
        app.clock_now() > start,
        "waited (on the injected clock) for the reset"
    );
    let counters = sim_counters(&app).await;
    assert_eq!(
        counters["rate_limited"], 0,
        "no 429 was provoked: {counters}"
    );
}

#[tokio::test]
async fn legacy_plaintext_tokens_are_used_and_encrypted_at_the_next_write() {
    use exact_mcp::server::vault::{self, is_encrypted};
    use secrecy::ExposeSecret;
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    // Rows written before the vault existed hold the tokens as they came.
    let (access, refresh, ..) = stored(&app, &id).await;
    let v = app.state.exact.vault();
    let access = v
        .decrypt(&access, &vault::place(&id, "access_token"))
        .unwrap();
    let refresh = v
        .decrypt(&refresh, &vault::place(&id, "refresh_token"))
        .unwrap();
    sqlx::query("UPDATE connections SET access_token = $1, refresh_token = $2")
        .bind(access.expose_secret())
        .bind(refresh.expose_secret())
        .execute(app.state.db.pool())
        .await
        .unwrap();
    me(&app, &id)
        .await
        .expect("the plaintext access token is used");
    let authorized = app.state.exact.access_token(&id).await.unwrap();
    assert!(
        !format!("{authorized:?}").contains(access.expose_secret()),
        "Debug never shows a token"
    );
    app.clock.advance(600);
    me(&app, &id)
        .await
        .expect("the plaintext refresh token is used");
    let (access_after, refresh_after, ..) = stored(&app, &id).await;
    assert!(
        is_encrypted(&access_after) && is_encrypted(&refresh_after),
        "rewritten encrypted"
    );
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
}

/// A stateless `tools/call` as an MCP client sends it, in a task of its own: the HTTP status
/// and the JSON-RPC body.
fn spawn_tool_call(
    app: &TestApp,
    key: &str,
    tool: &str,
    args: Value,
) -> tokio::task::JoinHandle<(StatusCode, Value)> {
    let request = test_kit::mcp::post(app, Some(key))
        .header("MCP-Protocol-Version", "2025-11-25")
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": tool, "arguments": args } }));
    tokio::spawn(async move {
        let res = request.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    })
}

fn answered(status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["result"].is_object(), "{body}");
    assert_ne!(body["result"]["isError"], json!(true), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_failing_refresh_holds_no_database_lock_and_other_users_are_answered_at_once() {
    let app = TestApp::spawn().await;
    // Bob first: Ada's consent afterwards ends Bob's tokens at Exact (one token set per app in
    // the simulator), so Bob uses a tool that needs only our own database (key, metering,
    // usage record: the writes a database lock would stall).
    connected_user(&app, "bob@example.com", &[202]).await;
    let (_, ada_connection) = connected_user(&app, "ada@example.com", &[101]).await;
    let ada = key_for(&app, "ada@example.com").await;
    let bob = key_for(&app, "bob@example.com").await;

    // Ada's access token is due, and Exact's token endpoint takes 7.5 s per answer and fails
    // twice before it succeeds: the refresh takes over 22 s.
    app.clock.advance(600);
    sim_control(&app, "latency?ms=7500&count=3&path=oauth2/token").await;
    sim_control(&app, "fail?status=503&count=2&path=oauth2/token").await;
    let relations = json!({ "division": 101, "limit": 1 });
    let ada_calls: Vec<_> = (0..5)
        .map(|_| spawn_tool_call(&app, &ada, "get_relations", relations.clone()))
        .collect();
    test_kit::eventually(
        "Ada's refresh waiting at the token endpoint",
        Duration::from_secs(10),
        || async { (sim_counters(&app).await["delayed_calls"].as_u64() >= Some(1)).then_some(()) },
    )
    .await;

    let started = Instant::now();
    let (status, body) = spawn_tool_call(&app, &bob, "list_divisions", json!({}))
        .await
        .unwrap();
    let took = started.elapsed();
    answered(status, &body);
    assert!(
        took < Duration::from_secs(2),
        "Bob waited {took:?} behind Ada's refresh"
    );
    assert!(
        ada_calls.iter().all(|c| !c.is_finished()),
        "Bob was answered while Ada's refresh was still under way"
    );

    for call in ada_calls {
        let (status, body) = call.await.unwrap();
        answered(status, &body);
    }
    let counters = sim_counters(&app).await;
    assert_eq!(counters["refreshes"], 1, "{counters}");
    assert_eq!(counters["refused_old_token"], 0, "{counters}");
    assert_eq!(stored(&app, &ada_connection).await.4, "active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_401_for_a_token_we_believe_valid_refreshes_once_and_fifty_tool_calls_all_succeed() {
    let app = TestApp::spawn().await;
    let (_, id) = connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    // Exact's clock runs 605 s ahead of ours: it has ended the access token we think is new.
    sim_control(&app, "advance?seconds=605").await;
    let relations = json!({ "division": 101, "limit": 1 });
    let calls: Vec<_> = (0..50)
        .map(|_| spawn_tool_call(&app, &key, "get_relations", relations.clone()))
        .collect();
    for call in calls {
        let (status, body) = call.await.unwrap();
        answered(status, &body);
    }
    let counters = sim_counters(&app).await;
    assert_eq!(counters["refreshes"], 1, "{counters}");
    assert_eq!(counters["refused_too_early"], 0, "{counters}");
    assert_eq!(counters["refused_old_token"], 0, "{counters}");
    assert_eq!(stored(&app, &id).await.4, "active");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 0);
}

#[tokio::test]
async fn a_401_exact_will_not_refresh_yet_is_reported_as_too_early_and_a_403_as_rights() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    // 403 (a division the consent did not include): the user's rights, and no refresh.
    let err = app
        .state
        .exact
        .get_json(&id, "202/crm/Accounts", &[])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "forbidden", "{err:?}");
    assert!(err.user_message("/x").contains("rights"));
    assert_eq!(sim_counters(&app).await["token_requests"], 1);

    // Exact ends the access token early, and refuses a refresh in the token's first 570 s.
    control(&app, "end-access-tokens").await;
    app.clock.advance(60);
    let err = me(&app, &id).await.unwrap_err();
    assert_eq!(err.kind(), "too_early_to_refresh", "{err:?}");
    let message = err.user_message("https://mcp.example/dashboard/connections");
    assert!(!message.contains("rights"), "{message}");
    assert!(!message.contains("Reconnect"), "{message}");
    let counters = sim_counters(&app).await;
    assert_eq!(
        counters["refused_too_early"], 1,
        "Exact's 401 beats our 570 s estimate: {counters}"
    );
    assert_eq!(stored(&app, &id).await.4, "active");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 0);
    // The next calls within a minute are told the same without asking Exact again.
    let again = me(&app, &id).await.unwrap_err();
    assert_eq!(again.kind(), "too_early_to_refresh", "{again:?}");
    assert_eq!(sim_counters(&app).await["token_requests"], 2);

    // Once Exact allows it, the next call refreshes and works.
    app.clock.advance(520);
    me(&app, &id).await.unwrap();
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
}

#[tokio::test]
async fn a_403_or_408_from_the_token_endpoint_is_transient_and_keeps_the_connection() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    for status in [403, 408] {
        app.clock.advance(600);
        let before = stored(&app, &id).await;
        // A proxy or firewall in front of Exact answers every attempt.
        control(
            &app,
            &format!("fail?status={status}&count=3&path=oauth2/token"),
        )
        .await;
        let err = me(&app, &id).await.unwrap_err();
        assert!(
            matches!(err, ExactError::Unavailable(_)),
            "{status}: {err:?}"
        );
        let message = err.user_message("https://mcp.example/dashboard/connections");
        assert!(message.contains("Try again"), "{message}");
        assert!(!message.contains("Reconnect"), "{message}");
        assert_eq!(stored(&app, &id).await, before, "{status}: nothing changed");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 0);
        // Once it lets the request through, the same refresh token works.
        me(&app, &id).await.unwrap();
        assert_eq!(stored(&app, &id).await.4, "active");
    }
    assert_eq!(sim_counters(&app).await["refreshes"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_held_elsewhere_is_waited_for_and_taken_over_once_it_expires() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    app.clock.advance(600);
    // Another replica claimed the refresh and died.
    sqlx::query(
        "UPDATE connections SET refresh_lease_holder = 'dead-replica', refresh_lease_until = $1",
    )
    .bind(app.clock_now() + 60)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let exact = app.state.exact.clone();
    let mut waiting = {
        let id = id.clone();
        tokio::spawn(async move { exact.get_json(&id, "current/Me", &[]).await })
    };
    // While the lease is live nothing goes to Exact (and no database lock is held: other
    // writes go through). The waiter keeps polling and does not finish.
    assert!(
        tokio::time::timeout(Duration::from_millis(700), &mut waiting)
            .await
            .is_err(),
        "the waiter waits while the lease is live"
    );
    sqlx::query("UPDATE users SET display_name = 'Anna' WHERE email = 'anna@bakkerij.example'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(sim_counters(&app).await["refreshes"], 0);
    assert!(!waiting.is_finished());
    // The lease expires: the waiter takes it over and refreshes, once.
    app.clock.advance(61);
    let me = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the waiter takes over the expired lease")
        .unwrap()
        .unwrap();
    assert_eq!(me["d"]["results"][0]["FullName"], DEMO_USER_NAME);
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
    let holder: Option<String> = sqlx::query_scalar("SELECT refresh_lease_holder FROM connections")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(holder, None, "the lease is released with the new tokens");
}

#[tokio::test]
async fn an_answer_larger_than_the_limit_is_refused_not_buffered() {
    use exact_mcp::server::exact::{Exact, ExactConfig, MAX_RESPONSE_BYTES};
    use exact_mcp::server::vault::Vault;
    assert_eq!(MAX_RESPONSE_BYTES, 16 * 1024 * 1024);
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[202]).await;
    let mut config = ExactConfig::from_settings(&app.state.settings);
    assert_eq!(config.max_response_bytes, MAX_RESPONSE_BYTES);
    config.max_response_bytes = 4 * 1024;
    let exact = Exact::new(
        config,
        app.state.db.clone(),
        std::sync::Arc::new(Vault::from_settings(&app.state.settings)),
        app.state.clock.clone(),
    );
    // A page of 60 accounts is well over 4 KiB; `current/Me` is not.
    let err = exact
        .list(&id, "202/crm/Accounts", &[], 60)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "response_too_large", "{err:?}");
    assert!(err.user_message("/x").contains("too large"));
    exact.get_json(&id, "current/Me", &[]).await.unwrap();
}
