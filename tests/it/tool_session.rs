//! What the tool tests share: a session of a connected user (all four demo companies active)
//! whose calls are checked against the tools' output schemas, paging to the end, and readers of
//! the simulator's rows for computing expectations independently.
use exact_mcp::{
    domain::{Email, Plan},
    server::{accounts, audit::Actor, connections, db::users},
};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use test_kit::{
    TestApp,
    mcp::{McpClient, T0_DAY, call, connected_user, data, error_text, key_for, mcp, sim_rows},
};

/// Every company's rows, straight from the simulator's data.
pub fn all(division: i64, path: &str) -> Vec<Value> {
    sim_rows(division, path, None)
}

pub fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap_or(0.0) * 100.0).round() as i64
}

/// Days since the epoch of an Exact date.
pub fn day(v: &Value) -> i64 {
    demo_books::parse_exact_date(v.as_str().unwrap()).unwrap() / demo_books::DAY_MS
}

pub fn int(v: &Value) -> i64 {
    v.as_i64().unwrap()
}

/// The codes of the GL accounts of Exact's `types` (e.g. 110 revenue, 10 cash, 12 bank).
pub fn gl_codes(division: i64, types: &[i64]) -> HashSet<String> {
    all(division, "financial/GLAccounts")
        .iter()
        .filter(|g| types.contains(&int(&g["Type"])))
        .map(|g| g["Code"].as_str().unwrap().to_string())
        .collect()
}

pub fn profit_loss_codes(division: i64) -> HashSet<String> {
    all(division, "financial/GLAccounts")
        .iter()
        .filter(|g| g["BalanceType"] == "W")
        .map(|g| g["Code"].as_str().unwrap().to_string())
        .collect()
}

pub fn code(line: &Value) -> &str {
    line["GLAccountCode"].as_str().unwrap()
}

/// An app with a connected user (all four companies), its MCP client and the tools' output
/// schemas; calls are validated against them.
pub struct Session {
    pub app: TestApp,
    pub client: McpClient,
    pub schemas: HashMap<String, Map<String, Value>>,
    pub calls: usize,
}

impl Session {
    pub async fn start() -> Session {
        let app = TestApp::spawn().await;
        let (_, connection) = connected_user(&app, "ada@example.com", &[101, 202, 303, 404]).await;
        // A plan that keeps all four administrations active.
        let email = Email::parse("ada@example.com").unwrap();
        accounts::set_plan(
            &app.state.db,
            app.state.clock.as_ref(),
            Actor::CommandLine,
            &email,
            Plan::Enterprise,
        )
        .await
        .unwrap();
        let ada = users::by_email(&app.state.db, &email)
            .await
            .unwrap()
            .unwrap();
        for division in [101, 202, 303, 404] {
            connections::set_division_active(&app.state, &ada, &connection, division, true)
                .await
                .unwrap();
        }
        let key = key_for(&app, "ada@example.com").await;
        Session::on(app, &key).await
    }

    /// A session on `app` with a demo key: the four demo companies, read in process.
    pub async fn demo(app: TestApp) -> Session {
        let demo: Value = app
            .client
            .post(app.at("/api/demo-key"))
            .header(reqwest::header::ORIGIN, &app.url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let key = demo["key"].as_str().unwrap().to_string();
        Session::on(app, &key).await
    }

    pub async fn on(app: TestApp, key: &str) -> Session {
        lift_rate_limits(&app).await;
        let client = mcp(&app, key).await;
        let schemas = client
            .list_all_tools()
            .await
            .unwrap()
            .into_iter()
            .map(|t| {
                (
                    t.name.to_string(),
                    (*t.output_schema.clone().expect("output schema")).clone(),
                )
            })
            .collect();
        Session {
            app,
            client,
            schemas,
            calls: 0,
        }
    }

    /// The service allows 60 calls a minute: the clock moves on a minute every 40 calls.
    pub fn pace(&mut self) {
        self.calls += 1;
        if self.calls.is_multiple_of(40) {
            self.app.clock.advance(61);
        }
    }

    /// Calls `tool`, checks its result against the output schema and returns it.
    pub async fn call(&mut self, tool: &str, args: Value) -> Value {
        self.pace();
        let value = data(&call(&self.client, tool, args.clone()).await);
        let schema = Value::Object(self.schemas[tool].clone());
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{tool} {args}: {errors:?}\n{value}");
        assert_eq!(value["truncated"], json!(false), "{tool} {args}: {value}");
        value
    }

    /// The tool error `tool` answers with.
    pub async fn refused(&mut self, tool: &str, args: Value) -> String {
        self.pace();
        error_text(&call(&self.client, tool, args).await)
    }

    /// Every row of a list tool, page by page; no row twice (a row is known by its `id` fields).
    pub async fn every_page(
        &mut self,
        tool: &str,
        args: Value,
        list: &str,
        id: &[&str],
    ) -> Vec<Value> {
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut a = args.clone();
            if let Some(c) = &cursor {
                a["cursor"] = json!(c);
            }
            let page = self.call(tool, a).await;
            for r in page[list].as_array().unwrap() {
                let key: Vec<String> = id.iter().map(|f| r[*f].to_string()).collect();
                assert!(seen.insert(key.join("/")), "{tool}: {key:?} twice");
                rows.push(r.clone());
            }
            assert_eq!(page["has_more"], json!(page["cursor"].is_string()));
            match page["cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return rows,
            }
        }
    }
}

/// Lifts the simulator's rate limits, so tests count requests instead of waiting a minute.
pub async fn lift_rate_limits(app: &TestApp) {
    let res = app
        .client
        .post(app.at("/sim/exact/_control/limits"))
        .json(&json!({ "minutely": 100_000, "daily": 1_000_000 }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
}

pub fn sum_cents(values: impl Iterator<Item = i64>) -> i64 {
    values.sum()
}

pub fn assert_cents(got: &Value, want: i64, what: &str) {
    assert_eq!(cents(got), want, "{what}");
}

/// The tests' "today": the clock starts at T0 and moves by minutes.
pub fn today() -> i64 {
    T0_DAY
}
