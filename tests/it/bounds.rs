//! Every loop that calls Exact has a bound, and a result that was cut says so: a tool call makes
//! at most `MAX_REQUESTS_PER_CALL` Exact requests (counted in the simulator's request log) and
//! marks its result `truncated`; the divisions of a consent are read to the end, page by page.
use super::tool_session::lift_rate_limits;
use exact_mcp::server::mcp::source::MAX_REQUESTS_PER_CALL;
use serde_json::{Value, json};
use std::collections::HashSet;
use test_kit::{
    TestApp,
    exact::connected,
    mcp::{T0_DAY, call, connected_user, data, key_for, mcp, sim_control, sim_requests},
};

/// The REST calls the simulator logged for `division` since the log was last reset.
async fn exact_requests(app: &TestApp, division: i64) -> usize {
    sim_requests(app)
        .await
        .iter()
        .filter(|r| r["division"] == json!(division))
        .count()
}

fn assert_partial(result: &Value) {
    assert_eq!(result["truncated"], json!(true), "{result}");
    let notice = result["notice"].as_str().expect("a notice");
    assert!(notice.contains("Narrow the query"), "{notice}");
}

#[tokio::test]
async fn a_status_filtered_invoice_call_stops_at_the_request_cap_and_says_so() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let client = mcp(&app, &key).await;
    lift_rate_limits(&app).await;
    // Pages of 2 rows: the bakery's 120 invoices read like a ledger of 3,600 at Exact's 60.
    sim_control(&app, "page-size?rows=2").await;

    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    for status in ["paid", "paid", "open"] {
        sim_control(&app, "reset-log").await;
        let mut args = json!({ "division": 101, "status": status, "limit": 100 });
        if status == "paid"
            && let Some(c) = &cursor
        {
            args["cursor"] = json!(c);
        }
        let result = data(&call(&client, "get_sales_invoices", args).await);
        let made = exact_requests(&app, 101).await;
        assert!(
            made <= MAX_REQUESTS_PER_CALL,
            "{status}: {made} Exact requests in one call"
        );
        assert_partial(&result);
        assert_eq!(result["has_more"], json!(true), "{result}");
        cursor = result["cursor"].as_str().map(str::to_string);
        assert!(cursor.is_some(), "a cursor to continue: {result}");
        for i in result["invoices"].as_array().unwrap() {
            assert_eq!(i["status"], json!(status));
            if status == "paid" {
                assert!(
                    seen.insert(i["id"].as_str().unwrap().to_string()),
                    "no repeats"
                );
            }
        }
    }

    // At Exact's own page size the same question fits in the cap and is complete.
    sim_control(&app, "page-size?rows=60").await;
    let full = data(
        &call(
            &client,
            "get_sales_invoices",
            json!({ "division": 101, "status": "open", "limit": 500 }),
        )
        .await,
    );
    assert_eq!(full["truncated"], json!(false));
    assert_eq!(full["notice"], Value::Null);
}

#[tokio::test]
async fn a_total_over_a_capped_set_says_it_is_partial() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let client = mcp(&app, &key).await;
    lift_rate_limits(&app).await;

    let complete = data(
        &call(
            &client,
            "get_financial_snapshot",
            json!({ "division": 101 }),
        )
        .await,
    );
    assert_eq!(complete["truncated"], json!(false), "{complete}");

    sim_control(&app, "page-size?rows=2").await;
    sim_control(&app, "reset-log").await;
    let partial = data(
        &call(
            &client,
            "get_financial_snapshot",
            json!({ "division": 101 }),
        )
        .await,
    );
    assert!(exact_requests(&app, 101).await <= MAX_REQUESTS_PER_CALL);
    assert_partial(&partial);
    assert!(
        partial["receivables_count"].as_u64() < complete["receivables_count"].as_u64()
            || partial["revenue"] != complete["revenue"],
        "the totals cover only what was read"
    );

    // One row a page: the bakery's 14 receivables alone need more requests than the cap.
    sim_control(&app, "page-size?rows=1").await;
    sim_control(&app, "reset-log").await;
    let outstanding = data(
        &call(
            &client,
            "get_outstanding_invoices",
            json!({ "division": 101, "limit": 500 }),
        )
        .await,
    );
    assert!(exact_requests(&app, 101).await <= MAX_REQUESTS_PER_CALL);
    assert_partial(&outstanding);
    assert_eq!(outstanding["has_more"], json!(true));
}

#[tokio::test]
async fn an_accountant_with_more_than_sixty_administrations_keeps_them_all() {
    let app = TestApp::spawn().await;
    sim_control(&app, "divisions?extra=130").await;
    let mut granted = vec![101, 202];
    granted.extend((1..=130).map(|i| exact_sim::EXTRA_DIVISION_BASE + i));
    let connection = connected(&app, "acc@example.com", &granted).await;

    let stored: Vec<i64> =
        sqlx::query_scalar("SELECT code FROM divisions WHERE connection_id = $1 ORDER BY code")
            .bind(&connection)
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    let mut expected = granted.clone();
    expected.sort_unstable();
    assert_eq!(
        stored, expected,
        "all 132 administrations, over three pages"
    );
}

#[test]
fn a_deeply_nested_filter_is_refused_on_the_demo_key_path_too() {
    let deep = format!("{}Name eq 'x'{}", "(".repeat(50_000), ")".repeat(50_000));
    for filter in [deep, format!("{}Name eq 'x'", "not ".repeat(50_000))] {
        let pairs = vec![("$filter".to_string(), filter)];
        match demo_books::query(101, "crm/Accounts", &pairs, 10, T0_DAY) {
            Err(demo_books::LocalError::BadRequest(message)) => {
                assert!(message.contains("nested more than 32"), "{message}")
            }
            other => panic!("expected a bad request, got {other:?}"),
        }
    }
    let within = format!("{}Name eq 'x'{}", "(".repeat(32), ")".repeat(32));
    let pairs = vec![("$filter".to_string(), within)];
    assert!(demo_books::query(101, "crm/Accounts", &pairs, 10, T0_DAY).is_ok());
    let long = vec!["Code eq '1'"; 300].join(" or ");
    let pairs = vec![("$filter".to_string(), long)];
    assert!(matches!(
        demo_books::query(101, "crm/Accounts", &pairs, 10, T0_DAY),
        Err(demo_books::LocalError::BadRequest(_))
    ));
}

/// `api_calls_used` of the account.
async fn calls_used(app: &TestApp, email: &str) -> i64 {
    let user = test_kit::mcp::user_id(app, email).await;
    sqlx::query_scalar("SELECT api_calls_used FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_duplicated_method_key_never_runs_a_tool_uncounted() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let params = r#""params":{"name":"list_divisions","arguments":{}}"#;
    for (i, methods) in [
        r#""method":"tools/list","method":"tools/call""#,
        r#""method":"tools/call","method":"tools/list""#,
    ]
    .into_iter()
    .enumerate()
    {
        let before = calls_used(&app, "ada@example.com").await;
        let body = format!(r#"{{"jsonrpc":"2.0","id":{},{methods},{params}}}"#, i + 1);
        let res = test_kit::mcp::post(&app, Some(&key))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let ran_tool = text.contains("structuredContent");
        let after = calls_used(&app, "ada@example.com").await;
        assert!(
            !ran_tool || after == before + 1,
            "{methods}: a tool ran but {} calls were counted ({status}: {text})",
            after - before
        );
    }
}
