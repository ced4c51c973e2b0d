//! The MCP endpoint end to end: rmcp's client against the real app, over HTTP, with the embedded
//! Exact simulator behind it. Every tool is called and its structured result is checked against
//! the simulator's data and against the output schema the tool declares.
use reqwest::{StatusCode, header};
use rmcp::model::{GetPromptRequestParams, ReadResourceRequestParams};
use serde_json::{Value, json};
use std::collections::HashSet;
use test_kit::{
    TestApp,
    exact::sign_in,
    mcp::{
        call, connected_user, data, error_text, initialize, key_for, mcp, post, sim_control,
        sim_requests, sim_rows, sum,
    },
};

/// The catalogue's names (../shared/tool-catalogue.md), in its order.
const TOOLS: [&str; 47] = crate::trade_tools::CATALOGUE;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.011
}

/// Checks `value` against the JSON Schema `schema`.
fn assert_valid(schema: &serde_json::Map<String, Value>, value: &Value, what: &str) {
    let schema = Value::Object(schema.clone());
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{what}: the schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{value}");
}

#[tokio::test]
async fn every_tool_is_listed_with_schemas_and_answers_from_the_simulator() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101, 202]).await;
    let key = key_for(&app, "ada@example.com").await;
    let client = mcp(&app, &key).await;

    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, TOOLS);
    for tool in &tools {
        // Both schemas compile, and the empty argument object is valid unless something is
        // required (get_customer_360 and search_relations).
        let input = Value::Object((*tool.input_schema).clone());
        jsonschema::validator_for(&input).unwrap();
        assert!(tool.output_schema.is_some(), "{}", tool.name);
        let ann = tool.annotations.as_ref().unwrap();
        assert_eq!(ann.read_only_hint, Some(true));
        assert_eq!(ann.idempotent_hint, Some(true));
        assert_eq!(ann.open_world_hint, Some(true));
    }
    let schema_of = |name: &str| {
        tools
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.output_schema.clone())
            .unwrap()
    };
    let checked = |name: &'static str, result: rmcp::model::CallToolResult| {
        let value = data(&result);
        assert_valid(&schema_of(name), &value, name);
        value
    };

    // list_divisions: both granted divisions, one default.
    let divisions = checked(
        "list_divisions",
        call(&client, "list_divisions", json!({})).await,
    );
    let codes: HashSet<i64> = divisions["divisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["division"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, HashSet::from([101, 202]));
    assert_eq!(
        divisions["divisions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["is_default"] == json!(true))
            .count(),
        1
    );

    // get_relations: pages of 50 across Exact's pages of 60, until the cursor runs out.
    let expected = sim_rows(202, "crm/Accounts", Some("Blocked eq false"));
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut args = json!({ "division": 202, "limit": 50 });
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let page = checked("get_relations", call(&client, "get_relations", args).await);
        pages += 1;
        for r in page["relations"].as_array().unwrap() {
            assert_eq!(r["blocked"], json!(false));
            assert!(
                seen.insert(r["id"].as_str().unwrap().to_string()),
                "no repeats"
            );
        }
        match page["cursor"].as_str() {
            Some(c) => {
                assert_eq!(page["has_more"], json!(true));
                assert_eq!(page["count"], json!(50));
                cursor = Some(c.to_string());
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), expected.len());
    assert_eq!(pages, expected.len().div_ceil(50));

    // search_relations: a name with a quote is found, as a literal.
    let found = checked(
        "search_relations",
        call(
            &client,
            "search_relations",
            json!({ "division": 101, "query": "O'Brien" }),
        )
        .await,
    );
    assert_eq!(found["count"], json!(1));
    assert_eq!(found["relations"][0]["name"], json!("O'Brien & Zonen B.V."));
    let obrien = found["relations"][0]["id"].as_str().unwrap().to_string();

    // get_sales_invoices: the open ones are exactly the receivables.
    let receivables = sim_rows(101, "read/financial/ReceivablesList", None);
    let open = checked(
        "get_sales_invoices",
        call(
            &client,
            "get_sales_invoices",
            json!({ "division": 101, "status": "open", "limit": 500 }),
        )
        .await,
    );
    assert_eq!(open["count"].as_u64().unwrap() as usize, receivables.len());
    assert!(close(
        open["total_open"].as_f64().unwrap(),
        sum(&receivables, "Amount")
    ));
    assert!(
        open["invoices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == json!("open"))
    );
    let paid = checked(
        "get_sales_invoices",
        call(
            &client,
            "get_sales_invoices",
            json!({ "division": 101, "status": "paid", "limit": 10 }),
        )
        .await,
    );
    assert_eq!(paid["count"], json!(10));
    assert_eq!(paid["has_more"], json!(true));
    assert!(
        paid["invoices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == json!("paid") && i["open_amount"] == json!(0.0))
    );
    let dated = checked(
        "get_sales_invoices",
        call(&client, "get_sales_invoices", json!({ "division": 101, "from_date": "2026-01-01", "to_date": "2026-03-31", "limit": 500 })).await,
    );
    let in_q1 = sim_rows(
        101,
        "salesentry/SalesEntries",
        Some("EntryDate ge datetime'2026-01-01' and EntryDate le datetime'2026-03-31'"),
    );
    assert_eq!(dated["count"].as_u64().unwrap() as usize, in_q1.len());
    assert!(close(
        dated["total_amount"].as_f64().unwrap(),
        sum(&in_q1, "AmountDC")
    ));

    // get_purchase_invoices: open ones are the payables.
    let payables = sim_rows(101, "read/financial/PayablesList", None);
    let bills = checked(
        "get_purchase_invoices",
        call(
            &client,
            "get_purchase_invoices",
            json!({ "division": 101, "status": "open", "limit": 500 }),
        )
        .await,
    );
    assert_eq!(bills["count"].as_u64().unwrap() as usize, payables.len());
    assert!(close(
        bills["total_open"].as_f64().unwrap(),
        sum(&payables, "Amount")
    ));

    // get_outstanding_invoices: both lists, then overdue only.
    let both = checked(
        "get_outstanding_invoices",
        call(
            &client,
            "get_outstanding_invoices",
            json!({ "division": 101, "limit": 500 }),
        )
        .await,
    );
    assert_eq!(
        both["count"].as_u64().unwrap() as usize,
        receivables.len() + payables.len()
    );
    assert!(close(
        both["total_receivable"].as_f64().unwrap(),
        sum(&receivables, "Amount")
    ));
    assert!(close(
        both["total_payable"].as_f64().unwrap(),
        sum(&payables, "Amount")
    ));
    let overdue = checked(
        "get_outstanding_invoices",
        call(
            &client,
            "get_outstanding_invoices",
            json!({ "division": 101, "type": "receivable", "overdue_only": true, "limit": 500 }),
        )
        .await,
    );
    let overdue_rows = sim_rows(
        101,
        "read/financial/ReceivablesList",
        Some("DueDate le datetime'2026-11-20'"),
    );
    assert!(!overdue_rows.is_empty());
    assert_eq!(
        overdue["count"].as_u64().unwrap() as usize,
        overdue_rows.len()
    );
    assert!(
        overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["days_overdue"].as_i64().unwrap() > 0)
    );
    // Paging across the two lists: a small page continues from receivables into payables.
    let mut total = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut args = json!({ "division": 101, "limit": 7 });
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let page = checked(
            "get_outstanding_invoices",
            call(&client, "get_outstanding_invoices", args).await,
        );
        total += page["count"].as_u64().unwrap() as usize;
        match page["cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(total, receivables.len() + payables.len());

    // get_gl_accounts: profit and loss only.
    let pl_accounts = sim_rows(101, "financial/GLAccounts", Some("BalanceType eq 'W'"));
    let gl = checked(
        "get_gl_accounts",
        call(
            &client,
            "get_gl_accounts",
            json!({ "division": 101, "type": "profitloss" }),
        )
        .await,
    );
    assert_eq!(gl["count"].as_u64().unwrap() as usize, pl_accounts.len());
    assert!(
        gl["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["balance_type"] == json!("profitloss"))
    );

    // get_transactions: one period; every entry balances, so debit equals credit.
    let lines = sim_rows(
        101,
        "financialtransaction/TransactionLines",
        Some("FinancialYear eq 2025 and FinancialPeriod eq 3"),
    );
    let tx = checked(
        "get_transactions",
        call(
            &client,
            "get_transactions",
            json!({ "division": 101, "year": 2025, "period": 3, "limit": 1000 }),
        )
        .await,
    );
    assert_eq!(tx["count"].as_u64().unwrap() as usize, lines.len());
    assert!(close(
        tx["total_debit"].as_f64().unwrap(),
        tx["total_credit"].as_f64().unwrap()
    ));
    let revenue_lines = checked(
        "get_transactions",
        call(
            &client,
            "get_transactions",
            json!({ "division": 101, "gl_account": "8000", "limit": 5 }),
        )
        .await,
    );
    assert!(
        revenue_lines["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["gl_account_code"] == json!("8000"))
    );

    // get_items
    let items = checked(
        "get_items",
        call(
            &client,
            "get_items",
            json!({ "division": 101, "limit": 10, "active_only": false }),
        )
        .await,
    );
    assert_eq!(items["count"], json!(10));
    let all_items = sim_rows(101, "logistics/Items", None);
    assert_eq!(items["has_more"], json!(all_items.len() > 10));

    // get_customer_360 for O'Brien.
    let theirs = sim_rows(
        101,
        "read/financial/ReceivablesList",
        Some(&format!("AccountId eq guid'{obrien}'")),
    );
    let c360 = checked(
        "get_customer_360",
        call(
            &client,
            "get_customer_360",
            json!({ "division": 101, "customer_id": obrien }),
        )
        .await,
    );
    assert_eq!(c360["customer"]["name"], json!("O'Brien & Zonen B.V."));
    assert!(close(
        c360["open_total"].as_f64().unwrap(),
        sum(&theirs, "Amount")
    ));
    assert!(c360["last_invoices"].as_array().unwrap().len() <= 10);
    assert!(["low", "medium", "high"].contains(&c360["payment_risk"]["level"].as_str().unwrap()));

    // get_profit_loss and get_financial_snapshot agree with the reporting balance and each other.
    let balance = sim_rows(
        101,
        "financial/ReportingBalance",
        Some("BalanceType eq 'W' and ReportingYear eq 2025"),
    );
    // Revenue accounts are those of GL account type 110 (a reporting balance's `Type` is the
    // transaction type).
    let revenue_accounts: HashSet<String> =
        sim_rows(101, "financial/GLAccounts", Some("Type eq 110"))
            .iter()
            .map(|g| g["Code"].as_str().unwrap().to_string())
            .collect();
    let revenue: f64 = -balance
        .iter()
        .filter(|r| revenue_accounts.contains(r["GLAccountCode"].as_str().unwrap()))
        .map(|r| r["Amount"].as_f64().unwrap())
        .sum::<f64>();
    let pl = checked(
        "get_profit_loss",
        call(
            &client,
            "get_profit_loss",
            json!({ "division": 101, "year": 2025 }),
        )
        .await,
    );
    assert!(revenue > 0.0);
    assert!(close(pl["revenue"].as_f64().unwrap(), revenue));
    assert!(close(
        pl["result"].as_f64().unwrap(),
        pl["revenue"].as_f64().unwrap()
            - pl["cost_of_sales"].as_f64().unwrap()
            - pl["operating_expenses"].as_f64().unwrap()
    ));
    assert_eq!(pl["period_to"], json!(12));
    let snap = checked(
        "get_financial_snapshot",
        call(
            &client,
            "get_financial_snapshot",
            json!({ "division": 101, "year": 2025, "period": 12 }),
        )
        .await,
    );
    assert!(close(snap["revenue"].as_f64().unwrap(), revenue));
    assert!(close(
        snap["result"].as_f64().unwrap(),
        pl["result"].as_f64().unwrap()
    ));
    assert!(close(
        snap["receivables_open"].as_f64().unwrap(),
        sum(&receivables, "Amount")
    ));
    assert!(close(
        snap["payables_open"].as_f64().unwrap(),
        sum(&payables, "Amount")
    ));
    assert_eq!(snap["as_of"], json!("2026-11-21"));

    // Every tool reached Exact through the client: the simulator saw calls for division 101
    // and 202 only.
    let divisions_called: HashSet<i64> = sim_requests(&app)
        .await
        .iter()
        .filter_map(|r| r["division"].as_i64())
        .collect();
    assert_eq!(divisions_called, HashSet::from([101, 202]));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn prompts_and_resources_are_offered() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let client = mcp(&app, &key).await;
    let prompts: Vec<String> = client
        .list_all_prompts()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        prompts,
        [
            "financial_analysis",
            "invoice_summary",
            "cash_flow_overview",
            "financial_health_check",
            "debtor_collection",
            "vat_preparation"
        ]
    );
    let mut args = serde_json::Map::new();
    args.insert("division".into(), json!("101"));
    args.insert("min_days_overdue".into(), json!("30"));
    let prompt = client
        .get_prompt(GetPromptRequestParams::new("debtor_collection").with_arguments(args))
        .await
        .unwrap();
    let text = serde_json::to_string(&prompt.messages).unwrap();
    assert!(
        text.contains("division 101") && text.contains("min_days_overdue 30"),
        "{text}"
    );

    let resources: Vec<String> = client
        .list_all_resources()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.uri.clone())
        .collect();
    assert_eq!(resources, ["exact://connections", "exact://divisions"]);
    let read = client
        .read_resource(ReadResourceRequestParams::new("exact://divisions"))
        .await
        .unwrap();
    let body = serde_json::to_value(&read.contents[0]).unwrap();
    let parsed: Value = serde_json::from_str(body["text"].as_str().unwrap()).unwrap();
    assert_eq!(parsed["divisions"][0]["division"], json!(101));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn missing_wrong_and_revoked_keys_get_401_and_suspended_accounts_403() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });

    let unauthorized = |res: reqwest::Response| async move {
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let challenge = res.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(challenge.starts_with("Bearer"), "{challenge}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["jsonrpc"], json!("2.0"));
        assert!(body["error"]["code"].is_i64());
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("API key")
        );
        challenge
    };
    // No key, a malformed one, a well-formed unknown one.
    unauthorized(post(&app, None).json(&list).send().await.unwrap()).await;
    let wrong = unauthorized(
        post(&app, Some("emcp_nope"))
            .json(&list)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(wrong.contains("invalid_token"));
    let unknown = exact_mcp::server::api_keys::generate();
    unauthorized(post(&app, Some(&unknown)).json(&list).send().await.unwrap()).await;

    // The real key works, by either header, and its last use is recorded.
    let ok = post(&app, Some(&key))
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let by_header = app
        .client
        .post(app.at("/mcp"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .header("X-API-Key", &key)
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), StatusCode::OK);
    let used = test_kit::eventually(
        "the key's last use",
        std::time::Duration::from_secs(5),
        || async {
            sqlx::query_scalar::<_, Option<i64>>("SELECT last_used_at FROM api_keys")
                .fetch_one(app.state.db.pool())
                .await
                .unwrap()
        },
    )
    .await;
    assert_eq!(used, app.clock_now());

    // Revoked: refused with the very next request.
    let key_id: String = sqlx::query_scalar("SELECT id FROM api_keys")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let owner = test_kit::mcp::user_id(&app, "ada@example.com").await;
    exact_mcp::server::api_keys::revoke(&app.state.db, app.state.clock.as_ref(), &owner, &key_id)
        .await
        .unwrap();
    unauthorized(post(&app, Some(&key)).json(&list).send().await.unwrap()).await;

    // A suspended account's keys get 403.
    let other = {
        app.create_user("bob@example.com", test_kit::exact::PASSWORD, false)
            .await;
        key_for(&app, "bob@example.com").await
    };
    // Bob's key is remembered by now; the suspension reaches it at once.
    assert_eq!(
        post(&app, Some(&other))
            .json(&list)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    exact_mcp::server::accounts::set_status(
        &app.state.db,
        app.state.clock.as_ref(),
        exact_mcp::server::audit::Actor::CommandLine,
        &exact_mcp::domain::Email::parse("bob@example.com").unwrap(),
        exact_mcp::domain::AccountStatus::Suspended,
    )
    .await
    .unwrap();
    let res = post(&app, Some(&other)).json(&list).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("suspended")
    );
}

#[tokio::test]
async fn a_key_reaches_only_its_own_accounts_divisions() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    connected_user(&app, "bob@example.com", &[202, 303]).await;
    let bob = mcp(&app, &key_for(&app, "bob@example.com").await).await;
    sim_control(&app, "reset-log").await;

    // Ada's division, named explicitly: refused, and nothing is sent to Exact.
    for tool in ["get_relations", "get_gl_accounts", "get_financial_snapshot"] {
        let refused = call(&bob, tool, json!({ "division": 101 })).await;
        let text = error_text(&refused);
        assert!(text.contains("not one of your connected"), "{tool}: {text}");
    }
    assert!(
        sim_requests(&app).await.is_empty(),
        "no request reached Exact"
    );

    // Bob's own divisions work; a division he deactivated is refused with a hint.
    let own = data(
        &call(
            &bob,
            "get_relations",
            json!({ "division": 303, "limit": 1 }),
        )
        .await,
    );
    assert_eq!(own["division"], json!(303));
    sqlx::query("UPDATE divisions SET is_active = 0 WHERE code = 303")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // Written behind the repository's back: announced as its own writes are.
    app.state.db.callers_changed().await;
    let inactive = error_text(&call(&bob, "get_relations", json!({ "division": 303 })).await);
    assert!(inactive.contains("not active"), "{inactive}");
    // Without a division: Bob's only active division.
    let default = data(&call(&bob, "get_items", json!({ "limit": 1 })).await);
    assert_eq!(default["division"], json!(202));
    let divisions = data(&call(&bob, "list_divisions", json!({})).await);
    let codes: Vec<i64> = divisions["divisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["division"].as_i64().unwrap())
        .collect();
    assert!(
        !codes.contains(&101),
        "Ada's division is not listed: {codes:?}"
    );
    bob.cancel().await.unwrap();
}

#[tokio::test]
async fn injection_attempts_are_escaped_or_refused_before_reaching_exact() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let client = mcp(&app, &key_for(&app, "ada@example.com").await).await;
    sim_control(&app, "reset-log").await;

    // Free text is quoted: the attempt is searched for literally and matches nothing.
    let found = data(
        &call(
            &client,
            "search_relations",
            json!({ "query": "' or 1 eq 1" }),
        )
        .await,
    );
    assert_eq!(found["count"], json!(0));
    let log = sim_requests(&app).await;
    assert_eq!(log.len(), 1);
    let query = url::form_urlencoded::parse(log[0]["query"].as_str().unwrap().as_bytes())
        .find(|(k, _)| k == "$filter")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(query, "substringof(''' or 1 eq 1', Name) eq true");

    // Typed arguments that do not parse never reach Exact.
    sim_control(&app, "reset-log").await;
    let attempts = [
        (
            "get_sales_invoices",
            json!({ "customer_id": "' or 1 eq 1" }),
            "customer_id",
        ),
        (
            "get_customer_360",
            json!({ "customer_id": "00000000-0000-0000-0000-00000000000g" }),
            "customer_id",
        ),
        (
            "get_outstanding_invoices",
            json!({ "supplier_id": "guid'x') or (1 eq 1" }),
            "supplier_id",
        ),
        (
            "get_sales_invoices",
            json!({ "from_date": "2026-01-01' or 1 eq 1" }),
            "from_date",
        ),
        (
            "get_transactions",
            json!({ "to_date": "2026-02-30" }),
            "to_date",
        ),
        (
            "get_sales_invoices",
            json!({ "from_date": "2026-03-01", "to_date": "2026-01-01" }),
            "from_date",
        ),
        (
            "get_transactions",
            json!({ "year": "2025 or 1 eq 1" }),
            "invalid type",
        ),
        (
            "get_transactions",
            json!({ "period": 14, "year": 2025 }),
            "period",
        ),
        (
            "get_relations",
            json!({ "division": "101 or 1 eq 1" }),
            "invalid type",
        ),
        ("get_relations", json!({ "limit": 5000 }), "limit"),
        (
            "get_relations",
            json!({ "type": "everyone" }),
            "unknown variant",
        ),
        (
            "get_relations",
            json!({ "cursor": "eyJ0IjoiZ2V0X3JlbGF0aW9ucyJ9" }),
            "cursor",
        ),
        ("get_items", json!({ "search": "a\u{0}b" }), "search"),
        ("search_relations", json!({ "query": "" }), "query"),
        ("search_relations", json!({}), "query"),
        (
            "get_relations",
            json!({ "filter": "1 eq 1" }),
            "unknown field",
        ),
    ];
    for (tool, args, mentions) in attempts {
        let text = error_text(&call(&client, tool, args.clone()).await);
        assert!(text.contains(mentions), "{tool} {args}: {text}");
        assert!(
            !text.contains("panicked") && !text.contains("sqlx"),
            "{text}"
        );
    }
    assert!(sim_requests(&app).await.is_empty(), "nothing reached Exact");

    // A cursor from one query cannot continue another.
    let first = data(&call(&client, "get_relations", json!({ "limit": 5 })).await);
    let cursor = first["cursor"].as_str().unwrap();
    let text = error_text(
        &call(
            &client,
            "get_relations",
            json!({ "limit": 5, "type": "supplier", "cursor": cursor }),
        )
        .await,
    );
    assert!(text.contains("other filters"), "{text}");
    let text = error_text(&call(&client, "get_items", json!({ "cursor": cursor })).await);
    assert!(text.contains("cursor"), "{text}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn exact_failures_become_tool_errors_after_bounded_retries() {
    let app = TestApp::spawn().await;
    let (_, connection) = connected_user(&app, "ada@example.com", &[101]).await;
    let client = mcp(&app, &key_for(&app, "ada@example.com").await).await;

    // A 5xx storm: three attempts, then an error the model can act on.
    sim_control(&app, "reset-log").await;
    sim_control(&app, "fail?status=503&count=20&path=crm/Accounts").await;
    let text = error_text(&call(&client, "get_relations", json!({})).await);
    assert!(text.contains("not answering"), "{text}");
    assert!(
        text.contains("request "),
        "the request id is quoted: {text}"
    );
    // The request id is random hex and may itself hold "503": look at the rest.
    let said = text.split("(request ").next().unwrap_or_default();
    assert!(
        !said.contains("503") && !said.contains("Service"),
        "no raw status or body: {text}"
    );
    let attempts = sim_requests(&app).await.len();
    assert_eq!(attempts, 3, "bounded retries");

    // A 429 storm: bounded as well, and said so.
    sim_control(&app, "reset-log").await;
    sim_control(&app, "fail?status=429&count=20&path=logistics/Items").await;
    let text = error_text(&call(&client, "get_items", json!({})).await);
    assert!(
        text.contains("rate limit") || text.contains("not answering"),
        "{text}"
    );
    assert!(sim_requests(&app).await.len() <= 3);

    // A missing module (404) is named as such, without retries.
    sim_control(&app, "reset-log").await;
    sim_control(&app, "fail?status=404&count=1&path=financial/GLAccounts").await;
    let text = error_text(&call(&client, "get_gl_accounts", json!({})).await);
    assert!(text.contains("licence"), "{text}");
    assert_eq!(sim_requests(&app).await.len(), 1);

    // A connection that needs a new consent says where to give it.
    sqlx::query("UPDATE connections SET status = 'needs_reauth' WHERE id = $1")
        .bind(&connection)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // Written behind the repository's back: announced as its own writes are.
    app.state.db.callers_changed().await;
    let text = error_text(&call(&client, "get_relations", json!({})).await);
    assert!(text.contains("/dashboard/connections"), "{text}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn malformed_requests_get_protocol_errors_never_500() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;

    let bad_json = post(&app, Some(&key))
        .body("{\"jsonrpc\": \"2.0\", ")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad_json.json().await.unwrap();
    assert_eq!(body["error"]["code"], json!(-32700), "{body}");

    let batch = post(&app, Some(&key))
        .json(&json!([initialize("2025-06-18"), initialize("2025-06-18")]))
        .send()
        .await
        .unwrap();
    assert!(batch.status().is_client_error(), "{}", batch.status());

    let not_rpc = post(&app, Some(&key))
        .json(&json!({ "hello": "world" }))
        .send()
        .await
        .unwrap();
    assert!(not_rpc.status().is_client_error(), "{}", not_rpc.status());

    let wrong_accept = app
        .client
        .post(app.at("/mcp"))
        .header("Authorization", format!("Bearer {key}"))
        .header("Content-Type", "application/json")
        .header("Accept", "text/html")
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_accept.status(), StatusCode::NOT_ACCEPTABLE);

    let wrong_type = app
        .client
        .post(app.at("/mcp"))
        .header("Authorization", format!("Bearer {key}"))
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "text/plain")
        .body(initialize("2025-06-18").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(600 * 1024)
    );
    let too_big = post(&app, Some(&key)).body(huge).send().await.unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let unknown_method = post(&app, Some(&key))
        .json(&json!({ "jsonrpc": "2.0", "id": 7, "method": "tools/destroy" }))
        .send()
        .await
        .unwrap();
    let status = unknown_method.status();
    let body: Value = unknown_method.json().await.unwrap();
    assert!(
        status == StatusCode::OK || status.is_client_error(),
        "{status}"
    );
    assert_eq!(body["error"]["code"], json!(-32601), "{body}");

    let unknown_tool = post(&app, Some(&key))
        .json(&json!({ "jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": { "name": "drop_tables", "arguments": {} } }))
        .send()
        .await
        .unwrap();
    let body: Value = unknown_tool.json().await.unwrap();
    assert_eq!(body["error"]["code"], json!(-32602), "{body}");

    let get = app
        .client
        .get(app.at("/mcp"))
        .header("Authorization", format!("Bearer {key}"))
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn foreign_hosts_and_origins_are_refused() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;

    let evil_host = post(&app, Some(&key))
        .header(header::HOST, "evil.example")
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(evil_host.status(), StatusCode::FORBIDDEN);
    let evil_origin = post(&app, Some(&key))
        .header(header::ORIGIN, "https://evil.example")
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(evil_origin.status(), StatusCode::FORBIDDEN);
    let own_origin = post(&app, Some(&key))
        .header(header::ORIGIN, &app.url)
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(own_origin.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_public_deployment_answers_its_own_host() {
    // PUBLIC_URL names the public host; the request arrives with that Host header.
    let app = TestApp::builder()
        .env("PUBLIC_URL", "https://mcp.example.com")
        .spawn()
        .await;
    app.create_user("ada@example.com", test_kit::exact::PASSWORD, false)
        .await;
    let key = key_for(&app, "ada@example.com").await;
    let res = post(&app, Some(&key))
        .header(header::HOST, "mcp.example.com")
        .json(&initialize("2025-11-25"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_supported_protocol_version_is_answered() {
    let app = TestApp::spawn().await;
    connected_user(&app, "ada@example.com", &[101]).await;
    let key = key_for(&app, "ada@example.com").await;
    for version in ["2025-06-18", "2025-11-25"] {
        let res = post(&app, Some(&key))
            .json(&initialize(version))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["result"]["protocolVersion"], json!(version), "{body}");
        // Stateless: a tools/call needs no session from the initialize before it.
        let res = post(&app, Some(&key))
            .header("MCP-Protocol-Version", version)
            .json(&json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "list_divisions", "arguments": {} } }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["result"]["structuredContent"]["count"],
            json!(1),
            "{body}"
        );
    }
    // 2026-07-28 has no initialize: rmcp's client discovers and calls.
    let transport = rmcp::transport::StreamableHttpClientTransport::from_config(
        rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(
            app.at("/mcp"),
        )
        .auth_header(key.clone()),
    );
    let client = rmcp::ClientServiceExt::serve_with_lifecycle(
        (),
        transport,
        rmcp::ClientLifecycleMode::Discover {
            preferred_versions: vec![rmcp::model::ProtocolVersion::V_2026_07_28],
        },
    )
    .await
    .expect("discover");
    let result = call(&client, "list_divisions", json!({})).await;
    assert_eq!(data(&result)["count"], json!(1));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_demo_key_works_without_an_account_and_is_limited_per_address() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.at("/api/demo-key"))
        .header(header::ORIGIN, &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let demo: Value = res.json().await.unwrap();
    let key = demo["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("emcp_"));
    assert_eq!(demo["mcp_url"], json!(app.at("/mcp")));
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap(),
        0,
        "no account was made"
    );

    let client = mcp(&app, &key).await;
    let divisions = data(&call(&client, "list_divisions", json!({})).await);
    assert_eq!(divisions["count"], json!(4));
    let lawyers = data(
        &call(
            &client,
            "get_relations",
            json!({ "division": 303, "limit": 500, "active_only": false }),
        )
        .await,
    );
    assert_eq!(
        lawyers["count"].as_u64().unwrap() as usize,
        exact_sim::sizes(303).unwrap().accounts
    );
    let snap = data(
        &call(
            &client,
            "get_financial_snapshot",
            json!({ "division": 404 }),
        )
        .await,
    );
    assert_eq!(
        snap["division_name"],
        json!("Bouwbedrijf Stevig Fundament B.V.")
    );
    let refused = error_text(&call(&client, "get_relations", json!({ "division": 999 })).await);
    assert!(refused.contains("not one of your connected"), "{refused}");
    client.cancel().await.unwrap();

    // Five per hour per address.
    for _ in 0..4 {
        let ok = app
            .client
            .post(app.at("/api/demo-key"))
            .header(header::ORIGIN, &app.url)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
    }
    let limited = app
        .client
        .post(app.at("/api/demo-key"))
        .header(header::ORIGIN, &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key(header::RETRY_AFTER));

    // Demo keys expire.
    app.clock
        .advance(exact_mcp::server::api_keys::DEMO_KEY_SECONDS + 1);
    let res = post(&app, Some(&key))
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn keys_are_managed_from_the_dashboard_within_the_plan() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.com", test_kit::exact::PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "ada@example.com").await;
    let create = |name: &str| {
        app.client
            .post(app.at("/api/keys/create"))
            .header(header::ORIGIN, &app.url)
            .form(&[("name", name)])
            .send()
    };
    let res = create("  ").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut keys = Vec::new();
    for name in ["Claude Desktop", "Cursor", "Inspector"] {
        let res = create(name).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let created: Value = res.json().await.unwrap();
        let key = created["key"].as_str().unwrap().to_string();
        assert!(key.starts_with(created["summary"]["prefix"].as_str().unwrap()));
        keys.push((created["summary"]["id"].as_str().unwrap().to_string(), key));
    }
    // Free plan: three keys.
    let res = create("one too many").await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains('3'));

    // The list shows names and prefixes, never a key; the database holds only hashes.
    let listed = app
        .client
        .post(app.at("/api/keys"))
        .header(header::ORIGIN, &app.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (_, key) in &keys {
        assert!(!listed.contains(key.as_str()));
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_keys WHERE key_hash = $1 OR prefix = $1 OR name = $1",
        )
        .bind(key)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert_eq!(stored, 0);
    }
    assert!(listed.contains("Claude Desktop") && listed.contains("emcp_"));

    // Another account cannot revoke Ada's key.
    app.create_user("eve@example.com", test_kit::exact::PASSWORD, false)
        .await;
    let eve = test_kit::client();
    sign_in(&app, &eve, "eve@example.com").await;
    let res = eve
        .post(app.at("/api/keys/revoke"))
        .header(header::ORIGIN, &app.url)
        .form(&[("key_id", keys[0].0.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post(&app, Some(&keys[0].1))
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // Ada can, at once, and then has room for a new one.
    let res = app
        .client
        .post(app.at("/api/keys/revoke"))
        .header(header::ORIGIN, &app.url)
        .form(&[("key_id", keys[0].0.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = post(&app, Some(&keys[0].1))
        .json(&initialize("2025-06-18"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        create("replacement").await.unwrap().status(),
        StatusCode::OK
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('api_key.create', 'api_key.revoke')",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 5);

    // Signed out: no keys at all.
    let res = test_kit::client()
        .post(app.at("/api/keys"))
        .header(header::ORIGIN, &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
