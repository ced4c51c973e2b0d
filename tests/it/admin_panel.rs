//! The admin panel's user management (issue 20, first part): search, filters, sorting and paging
//! over many accounts; plan, status, usage reset and deletion with their effects and audit rows
//! (actor, subject, old and new values), from the server functions and from the command line.
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use std::collections::HashSet;
use test_kit::{
    TestApp,
    exact::PASSWORD,
    mcp::{key_for, post as mcp_post, user_id},
};

pub(crate) async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = test_kit::client();
    let res = client
        .post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    client
}

pub(crate) async fn admin_post(
    app: &TestApp,
    admin: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    test_kit::post_form(app, admin, path, form).await
}

async fn users(app: &TestApp, admin: &reqwest::Client, form: &[(&str, &str)]) -> Value {
    let res = admin_post(app, admin, "/api/admin/users", form).await;
    assert_eq!(res.status(), StatusCode::OK, "{form:?}");
    res.json().await.unwrap()
}

fn emails(list: &Value) -> Vec<String> {
    list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect()
}

/// The audit rows about `target`: (action, actor, detail as JSON).
async fn audit(app: &TestApp, target: &str) -> Vec<(String, Option<String>, Value)> {
    let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT action, actor_user_id, detail FROM audit_log WHERE target_id = $1 ORDER BY created_at, action",
    )
    .bind(target)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, actor, d)| (a, actor, serde_json::from_str(&d).unwrap()))
        .collect()
}

/// 10,000 accounts, written in batches: `user00000@load.example` … with plans, statuses and
/// usage spread over them, and creation times one second apart.
async fn many_accounts(app: &TestApp) {
    let plans = ["free", "starter", "pro", "enterprise"];
    for batch in 0..20 {
        let mut sql = String::from(
            "INSERT INTO users (id, email, password_hash, display_name, role, plan, status, created_at, updated_at, api_calls_used) VALUES ",
        );
        let rows: Vec<String> = (0..500)
            .map(|i| {
                let n = batch * 500 + i;
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
        sql.push_str(&rows.join(", "));
        // Test data made here: no outside text in it.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn admins_search_filter_sort_and_page_through_ten_thousand_accounts() {
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    many_accounts(&app).await;
    let admin = signed_in(&app, "root@exact-mcp.example").await;

    // Every account once over the pages, newest first.
    let first = users(&app, &admin, &[("page", "0")]).await;
    assert_eq!(first["total"], 10_001);
    assert_eq!(first["pages"], 201);
    assert_eq!(
        emails(&first)[0],
        "root@exact-mcp.example",
        "the newest first"
    );
    assert_eq!(emails(&first)[1], "user09999@load.example");
    let last = users(&app, &admin, &[("page", "200")]).await;
    assert_eq!(emails(&last), ["user00000@load.example"]);
    let mut seen = HashSet::new();
    for page in [0, 1, 100, 199, 200] {
        let list = users(&app, &admin, &[("page", &page.to_string())]).await;
        for e in emails(&list) {
            assert!(seen.insert(e), "no account on two pages");
        }
    }
    let past = users(&app, &admin, &[("page", "500")]).await;
    assert!(emails(&past).is_empty());

    // Text, plan, status and role narrow it; the counts are the data's.
    let found = users(&app, &admin, &[("page", "0"), ("search", "USER0012")]).await;
    assert_eq!(found["total"], 10, "user00120 … user00129");
    let found = users(&app, &admin, &[("page", "0"), ("search", "load 9999")]).await;
    assert_eq!(found["total"], 1, "by name");
    // A LIKE wildcard in the text is only text.
    let found = users(&app, &admin, &[("page", "0"), ("search", "user_")]).await;
    assert_eq!(found["total"], 0);
    let pro = users(&app, &admin, &[("page", "0"), ("plan", "pro")]).await;
    assert_eq!(pro["total"], 2_500);
    let suspended = users(
        &app,
        &admin,
        &[("page", "0"), ("plan", "pro"), ("status", "suspended")],
    )
    .await;
    // n % 4 == 2 and n % 10 == 0: n % 20 == 10.
    assert_eq!(suspended["total"], 500);
    let admins = users(&app, &admin, &[("page", "0"), ("role", "admin")]).await;
    assert_eq!(emails(&admins), ["root@exact-mcp.example"]);

    // Sorted by email and by usage.
    let by_email = users(&app, &admin, &[("page", "0"), ("sort", "email")]).await;
    let e = emails(&by_email);
    assert!(e.is_sorted(), "{e:?}");
    assert_eq!(e[0], "root@exact-mcp.example");
    let by_usage = users(&app, &admin, &[("page", "0"), ("sort", "usage")]).await;
    let used: Vec<i64> = by_usage["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["calls_used"].as_i64().unwrap())
        .collect();
    assert!(
        used.is_sorted_by(|a, b| a >= b) && used[0] == 96,
        "{used:?}"
    );

    // Bad filters are refused, not ignored.
    for bad in [("plan", "gold"), ("sort", "random"), ("status", "deleted")] {
        let res = admin_post(&app, &admin, "/api/admin/users", &[("page", "0"), bad]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
}

#[tokio::test]
async fn each_admin_action_changes_the_account_and_leaves_its_audit_row() {
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let root = user_id(&app, "root@exact-mcp.example").await;
    let anna = user_id(&app, "anna@bakkerij.example").await;
    let key = key_for(&app, "anna@bakkerij.example").await;
    let admin = signed_in(&app, "root@exact-mcp.example").await;
    let call = |id: u32| {
        json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": { "name": "list_divisions", "arguments": {} } })
    };

    // At her quota Anna is refused; a reset lets her call again at once.
    sqlx::query(
        "UPDATE users SET api_calls_used = 200, rate_limit_warning_sent = 100 WHERE id = $1",
    )
    .bind(&anna)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let res = mcp_post(&app, Some(&key))
        .json(&call(1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/reset-usage",
        &[("user_id", &anna)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let was: Value = res.json().await.unwrap();
    assert_eq!(was, json!({ "calls_used": 200, "warning_level": 100 }));
    let res = mcp_post(&app, Some(&key))
        .json(&call(2))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "calls again after the reset");

    // Plan and status: old and new in the audit row; suspension stops /mcp at the next request.
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/set-plan",
        &[("email", "anna@bakkerij.example"), ("plan", "pro")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/set-status",
        &[("email", "anna@bakkerij.example"), ("suspended", "true")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = mcp_post(&app, Some(&key))
        .json(&call(3))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "suspended: refused at once"
    );
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/set-status",
        &[("email", "anna@bakkerij.example"), ("suspended", "false")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = mcp_post(&app, Some(&key))
        .json(&call(4))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "reactivated");

    let rows = audit(&app, "anna@bakkerij.example").await;
    let by = |action: &str| {
        rows.iter()
            .filter(|(a, _, _)| a == action)
            .map(|(_, actor, d)| (actor.clone(), d.clone()))
            .collect::<Vec<_>>()
    };
    let me = Some(root.clone());
    assert_eq!(
        by("user.reset_usage"),
        [(
            me.clone(),
            json!({ "calls_used": { "old": 200, "new": 0 }, "warning_level": { "old": 100, "new": 0 } })
        )]
    );
    assert_eq!(
        by("user.set_plan"),
        [(
            me.clone(),
            json!({ "plan": { "old": "free", "new": "pro" } })
        )]
    );
    assert_eq!(
        by("user.set_status"),
        [
            (
                me.clone(),
                json!({ "status": { "old": "active", "new": "suspended" } })
            ),
            (
                me.clone(),
                json!({ "status": { "old": "suspended", "new": "active" } })
            ),
        ]
    );

    // Deletion: the address must be typed; then the account and its keys are gone.
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/delete-user",
        &[
            ("user_id", &anna),
            ("confirm_email", "someone@else.example"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        test_kit::exact::count(&app, "SELECT COUNT(*) FROM users").await,
        2,
        "nothing deleted"
    );
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/delete-user",
        &[
            ("user_id", &anna),
            ("confirm_email", "anna@bakkerij.example"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        test_kit::exact::count(&app, "SELECT COUNT(*) FROM users").await,
        1
    );
    assert_eq!(
        test_kit::exact::count(&app, "SELECT COUNT(*) FROM api_keys").await,
        0
    );
    let res = mcp_post(&app, Some(&key))
        .json(&call(5))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let deleted = audit(&app, &anna).await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].0, "user.delete");
    assert_eq!(deleted[0].1, me);
    assert_eq!(
        deleted[0].2["status"],
        json!({ "old": "active", "new": "deleted" })
    );
    assert!(
        audit(&app, "anna@bakkerij.example").await.is_empty(),
        "her address is gone from the trail too"
    );
    // An unknown or malformed id is a 404.
    for id in [anna.as_str(), "not-a-uuid"] {
        let res = admin_post(&app, &admin, "/api/admin/reset-usage", &[("user_id", id)]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{id}");
    }
}

/// The header offers "Sign in" to visitors and the dashboard (and, to admins, the admin panel)
/// to whoever is signed in, on every page.
#[tokio::test]
async fn the_header_shows_the_account_links_of_whoever_looks() {
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let page = |client: reqwest::Client, path: &'static str| {
        let url = app.at(path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let visitor = page(test_kit::client(), "/").await;
    assert!(visitor.contains("header-sign-in"));
    assert!(!visitor.contains("header-dashboard"));
    let anna = signed_in(&app, "anna@bakkerij.example").await;
    for path in ["/", "/dashboard", "/dashboard/keys"] {
        let html = page(anna.clone(), path).await;
        assert!(html.contains("id=\"header-dashboard\""), "{path}");
        assert!(
            !html.contains("id=\"header-admin\""),
            "{path}: not an admin"
        );
    }
    let root = signed_in(&app, "root@exact-mcp.example").await;
    let html = page(root, "/dashboard").await;
    assert!(html.contains("id=\"header-admin\""));
}
