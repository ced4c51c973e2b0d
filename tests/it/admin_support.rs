//! The admin panel beyond the user list (issue 20): the overview's figures, support tickets
//! (opened by people within a limit, triaged and answered by admins, the reply reaching the
//! person), and the audit log (filters, paging, CSV export, retention).
use super::admin_panel::{admin_post, signed_in};
use reqwest::StatusCode;
use serde_json::{Value, json};
use test_kit::{TestApp, exact::PASSWORD, mcp::user_id};

const DAY: i64 = 86_400;

fn day(at: i64) -> String {
    exact_mcp::server::usage::day_of(at)
}

async fn json_of(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn count(app: &TestApp, sql: &'static str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

/// The audit rows with this action: (actor id, target, detail).
async fn audit_rows(app: &TestApp, action: &str) -> Vec<(Option<String>, String, Value)> {
    let rows: Vec<(Option<String>, String, String)> = sqlx::query_as(
        "SELECT actor_user_id, target_id, detail FROM audit_log WHERE action = $1 ORDER BY created_at",
    )
    .bind(action)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, t, d)| (a, t, serde_json::from_str(&d).unwrap()))
        .collect()
}

async fn open(app: &TestApp, who: &reqwest::Client, subject: &str, text: &str) -> StatusCode {
    admin_post(
        app,
        who,
        "/api/support/open",
        &[("subject", subject), ("text", text)],
    )
    .await
    .status()
}

#[tokio::test]
async fn people_open_tickets_within_a_limit_and_see_only_their_own() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    app.create_user("bert@bouw.example", PASSWORD, false).await;
    let anna = signed_in(&app, "anna@bakkerij.example").await;
    let bert = signed_in(&app, "bert@bouw.example").await;
    let anna_id = user_id(&app, "anna@bakkerij.example").await;

    assert_eq!(
        open(&app, &anna, "My key\nfails", "It answers 401.").await,
        StatusCode::OK
    );
    // Bad input is refused with a message and stores nothing.
    for (subject, text) in [("", "text"), ("subject", "  "), (&"s".repeat(201)[..], "t")] {
        let res = admin_post(
            &app,
            &anna,
            "/api/support/open",
            &[("subject", subject), ("text", text)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{subject}");
        assert!(
            !res.text().await.unwrap().contains("Error"),
            "a plain message"
        );
    }
    let mine = json_of(admin_post(&app, &anna, "/api/support/tickets", &[]).await).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["subject"], "My key fails", "one line");
    assert_eq!(mine[0]["status"], "open");
    assert_eq!(mine[0]["kind"], "support");
    let theirs = json_of(admin_post(&app, &bert, "/api/support/tickets", &[]).await).await;
    assert_eq!(theirs, json!([]), "Bert sees none of Anna's tickets");
    for path in ["/api/support/tickets", "/api/support/open"] {
        let res = admin_post(
            &app,
            &test_kit::client(),
            path,
            &[("subject", "s"), ("text", "t")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(audit_rows(&app, "ticket.open").await.len(), 1);

    // Ten at once: exactly enough pass to reach the limit of five an hour.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..10 {
        let (url, anna) = (app.url.clone(), anna.clone());
        set.spawn(async move {
            anna.post(format!("{url}/api/support/open"))
                .header(reqwest::header::ORIGIN, &url)
                .form(&[
                    ("subject", format!("Question {i}")),
                    ("text", "Help".into()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = set.join_all().await;
    let passed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((passed, refused), (4, 6), "{statuses:?}");
    let stored = count(
        &app,
        "SELECT COUNT(*) FROM tickets WHERE user_id = $1",
        &anna_id,
    )
    .await;
    assert_eq!(stored, 5);
    // An hour later she may open one again.
    app.clock.advance(3_600);
    assert_eq!(open(&app, &anna, "Later", "Again").await, StatusCode::OK);
}

#[tokio::test]
async fn admins_triage_and_answer_a_ticket_and_the_person_reads_the_reply() {
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let root_id = user_id(&app, "root@exact-mcp.example").await;
    let anna_id = user_id(&app, "anna@bakkerij.example").await;
    let admin = signed_in(&app, "root@exact-mcp.example").await;
    let anna = signed_in(&app, "anna@bakkerij.example").await;
    assert_eq!(
        open(&app, &anna, "Reconnect?", "My connection expired.").await,
        StatusCode::OK
    );

    let list =
        json_of(admin_post(&app, &admin, "/api/admin/tickets", &[("page", "0")]).await).await;
    assert_eq!(list["total"], 1);
    let ticket = list["tickets"][0]["id"].as_str().unwrap().to_string();
    let by_status = |s: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            json_of(
                admin_post(
                    app,
                    admin,
                    "/api/admin/tickets",
                    &[("page", "0"), ("ticket_status", s)],
                )
                .await,
            )
            .await["total"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(
        (by_status("open").await, by_status("resolved").await),
        (1, 0)
    );
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/tickets",
        &[("page", "0"), ("ticket_status", "x")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Triage: status, note and assignee, audited old → new.
    let triage = |status: &'static str, assignee: &'static str| {
        let (app, admin, ticket) = (&app, &admin, ticket.clone());
        async move {
            admin_post(
                app,
                admin,
                "/api/admin/tickets/triage",
                &[
                    ("ticket_id", &ticket),
                    ("ticket_status", status),
                    ("note", "Called her; token expired on the 3rd."),
                    ("assignee", assignee),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(
        triage("in_progress", "root@exact-mcp.example").await,
        StatusCode::OK
    );
    let rows = audit_rows(&app, "ticket.update").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0.as_deref(), Some(root_id.as_str()));
    assert_eq!(rows[0].1, ticket);
    assert_eq!(
        rows[0].2["status"],
        json!({ "old": "open", "new": "in_progress" })
    );
    assert_eq!(
        rows[0].2["assigned_to"],
        json!({ "old": null, "new": "root@exact-mcp.example" })
    );
    // Only an admin can be assigned; the ticket stays as it was.
    assert_eq!(
        triage("resolved", "anna@bakkerij.example").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(by_status("in_progress").await, 1);
    assert_eq!(audit_rows(&app, "ticket.update").await.len(), 1);

    // The reply: stored, notified, mailed, audited; the person reads it without the note.
    let reply = "Please reconnect at /dashboard/connections; your data is safe.";
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/tickets/reply",
        &[("ticket_id", &ticket), ("text", reply)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let notes: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT kind, title, link FROM notifications WHERE user_id = $1")
            .bind(&anna_id)
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].0, "ticket_reply");
    assert!(notes[0].1.contains("Reconnect?"), "{notes:?}");
    assert_eq!(notes[0].2.as_deref(), Some("/dashboard/support"));
    let mails: Vec<(String, String)> = sqlx::query_as(
        "SELECT subject, body_text FROM email_outbox WHERE to_address = 'anna@bakkerij.example'",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    let mail = mails
        .iter()
        .find(|(s, _)| s.contains("Reconnect?"))
        .expect("the reply is mailed");
    assert!(mail.1.contains(reply) && mail.1.contains("/dashboard/support"));
    assert_eq!(audit_rows(&app, "ticket.reply").await.len(), 1);
    let mine = json_of(admin_post(&app, &anna, "/api/support/tickets", &[]).await).await;
    assert_eq!(mine[0]["replies"][0]["body"], reply, "{mine}");
    assert_eq!(mine[0]["status"], "in_progress");
    assert_eq!(mine[0]["internal_note"], "", "the note stays internal");
    assert_eq!(mine[0]["assigned_to"], Value::Null);
    assert!(!mine.to_string().contains("Called her"));

    // A ticket that does not exist.
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/tickets/reply",
        &[
            ("ticket_id", "0190aaaa-0000-7000-8000-000000000000"),
            ("text", "x"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// Adds an audit row as of `at`.
async fn audit_at(app: &TestApp, actor: Option<&str>, action: &str, target: &str, at: i64) {
    sqlx::query(
        "INSERT INTO audit_log (id, actor_user_id, action, target_type, target_id, detail, ip, created_at) \
         VALUES ($1, $2, $3, 'user', $4, '{}', '192.0.2.7', $5)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(at)
    .execute(app.state.db.pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn the_audit_log_is_filtered_paged_exported_and_kept_as_long_as_set() {
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let root_id = user_id(&app, "root@exact-mcp.example").await;
    let anna_id = user_id(&app, "anna@bakkerij.example").await;
    let admin = signed_in(&app, "root@exact-mcp.example").await;
    let now = app.clock_now();
    sqlx::query("DELETE FROM audit_log")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // 120 failed sign-ins over the last 120 hours, two admin actions about Anna (one naming her
    // by address, one by id), and a row whose target looks like a spreadsheet formula.
    for h in 0..120 {
        audit_at(
            &app,
            None,
            "login.failed",
            "nobody@example.com",
            now - h * 3_600 - 60,
        )
        .await;
    }
    audit_at(
        &app,
        Some(&root_id),
        "user.set_plan",
        "anna@bakkerij.example",
        now - 30,
    )
    .await;
    audit_at(&app, Some(&root_id), "user.delete", &anna_id, now - 20).await;
    audit_at(
        &app,
        None,
        "login.failed",
        "=HYPERLINK(\"http://evil\")",
        now - 10,
    )
    .await;

    // The audit search with these filters (page 0 unless one is given).
    let search = |form: Vec<(&'static str, String)>| {
        let (app, admin) = (&app, &admin);
        async move {
            let mut f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if !f.iter().any(|(k, _)| *k == "page") {
                f.push(("page", "0"));
            }
            admin_post(app, admin, "/api/admin/audit", &f).await
        }
    };
    let all = json_of(search(vec![]).await).await;
    assert_eq!(
        (all["total"].as_i64(), all["pages"].as_i64()),
        (Some(123), Some(3))
    );
    assert_eq!(all["rows"].as_array().unwrap().len(), 50);
    assert_eq!(
        all["rows"][0]["target_id"], "=HYPERLINK(\"http://evil\")",
        "newest first"
    );
    let last = json_of(search(vec![("page", "2".into())]).await).await;
    assert_eq!(last["rows"].as_array().unwrap().len(), 23);

    let by_actor = json_of(search(vec![("actor", "ROOT@exact-mcp.example".into())]).await).await;
    assert_eq!(by_actor["total"], 2, "{by_actor}");
    assert_eq!(by_actor["rows"][0]["actor"], "root@exact-mcp.example");
    // An address finds the rows naming the account by address and by id.
    let by_subject = json_of(search(vec![("subject", "anna@bakkerij.example".into())]).await).await;
    assert_eq!(by_subject["total"], 2, "{by_subject}");
    let by_action = json_of(search(vec![("action", "user.delete".into())]).await).await;
    assert_eq!(by_action["total"], 1);
    // Days are whole UTC days, both ends included.
    let today = day(now);
    let yesterday = day(now - DAY);
    let one_day = json_of(
        search(vec![
            ("from", yesterday.clone()),
            ("until", yesterday.clone()),
        ])
        .await,
    )
    .await;
    assert_eq!(one_day["total"], 24, "{one_day}");
    let two_days = json_of(search(vec![("from", yesterday), ("until", today)]).await).await;
    let since_midnight = (now % DAY) / 3_600 + 3;
    assert_eq!(two_days["total"].as_i64().unwrap(), 24 + since_midnight);
    let res = search(vec![("from", "03/12/2026".into())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A LIKE wildcard or SQL in a filter is plain text.
    let odd = json_of(search(vec![("action", "%' OR '1'='1".into())]).await).await;
    assert_eq!(odd["total"], 0);

    // The export: CSV of what the filter finds, formulas made inert, itself audited.
    let res = admin
        .get(app.at("/admin/audit/export.csv?action=login.failed"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "time_utc,actor,action,target_type,target_id,detail,ip"
    );
    assert_eq!(lines.len(), 1 + 121);
    assert!(
        lines[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{}",
        lines[1]
    );
    assert_eq!(audit_rows(&app, "audit.export").await.len(), 1);
    let anna = signed_in(&app, "anna@bakkerij.example").await;
    let res = anna
        .get(app.at("/admin/audit/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = test_kit::client()
        .get(app.at("/admin/audit/export.csv"))
        .send()
        .await
        .unwrap();
    assert!(!res.status().is_success());
    assert!(!res.text().await.unwrap().contains("HYPERLINK"));
    let res = admin
        .get(app.at("/admin/audit/export.csv?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Retention: bounded, audited, and what the clean-up job applies.
    let set = |days: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            admin_post(app, admin, "/api/admin/audit/retention", &[("days", days)])
                .await
                .status()
        }
    };
    assert_eq!(set("29").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(set("40").await, StatusCode::OK);
    let rows = audit_rows(&app, "settings.audit_retention").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2["days"], json!({ "old": 365, "new": 40 }));
    assert_eq!(json_of(search(vec![]).await).await["retention_days"], 40);
    audit_at(
        &app,
        None,
        "login.failed",
        "old@example.com",
        now - 41 * DAY,
    )
    .await;
    audit_at(
        &app,
        None,
        "login.failed",
        "kept@example.com",
        now - 39 * DAY,
    )
    .await;
    let res = admin_post(&app, &admin, "/api/admin/jobs/run", &[("name", "cleanup")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let left = |target: &'static str| {
        let app = &app;
        async move {
            count(
                app,
                "SELECT COUNT(*) FROM audit_log WHERE target_id = $1",
                target,
            )
            .await
        }
    };
    assert_eq!(
        (
            left("old@example.com").await,
            left("kept@example.com").await
        ),
        (0, 1)
    );
}

#[tokio::test]
async fn the_overview_counts_what_the_tables_hold() {
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    for who in [
        "anna@bakkerij.example",
        "bert@bouw.example",
        "cor@kaas.example",
    ] {
        app.create_user(who, PASSWORD, false).await;
    }
    let admin = signed_in(&app, "root@exact-mcp.example").await;
    let anna = user_id(&app, "anna@bakkerij.example").await;
    let now = app.clock_now();
    let db = app.state.db.pool();
    let exec = |sql: String| async move {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(db)
            .await
            .unwrap()
    };
    exec("UPDATE users SET plan = 'pro' WHERE email = 'bert@bouw.example'".into()).await;
    exec(format!(
        "UPDATE users SET created_at = {} WHERE email = 'cor@kaas.example'",
        now - 8 * DAY
    ))
    .await;
    for (i, status) in ["active", "active", "needs_reauth"].iter().enumerate() {
        exec(format!(
            "INSERT INTO connections (id, user_id, region, exact_user_id, status, created_at, updated_at) \
             VALUES ('c{i}', '{anna}', 'nl', 'e{i}', '{status}', {now}, {now})"
        ))
        .await;
    }
    let today = day(now);
    let month_first = format!("{}-01", &today[..7]);
    let last_month = day(now - 40 * DAY);
    for (day, tool, calls, errors) in [
        (&today, "list_divisions", 40, 1),
        (&month_first, "get_invoices", 100, 7),
        (&last_month, "list_divisions", 500, 50),
    ] {
        exec(format!(
            "INSERT INTO usage_daily (user_id, day, tool, client_name, calls, errors) \
             VALUES ('{anna}', '{day}', '{tool}', '', {calls}, {errors})"
        ))
        .await;
    }
    for (i, (reason, at)) in [
        ("rate_limit", now - 60),
        ("rate_limit", now - 120),
        ("rate_limit", now - 180),
        ("quota", now - 60),
        ("rate_limit", now - now % DAY - 60),
    ]
    .iter()
    .enumerate()
    {
        exec(format!(
            "INSERT INTO usage_events (id, user_id, method, status, reason, created_at) \
             VALUES ('ev{i}', '{anna}', 'tools/call', 'rejected', '{reason}', {at})"
        ))
        .await;
    }
    for (i, (action, at)) in [
        ("connection.refresh_refused", now - 3_600),
        ("connection.refresh_failed", now - 7_200),
        ("connection.refresh_refused", now - 25 * 3_600),
    ]
    .iter()
    .enumerate()
    {
        exec(format!(
            "INSERT INTO audit_log (id, action, target_type, target_id, created_at) \
             VALUES ('a{i}', '{action}', 'connection', 'c0', {at})"
        ))
        .await;
    }
    for (i, status) in ["open", "open", "in_progress", "resolved"]
        .iter()
        .enumerate()
    {
        exec(format!(
            "INSERT INTO tickets (id, user_id, kind, subject, status, created_at, updated_at) \
             VALUES ('t{i}', '{anna}', 'support', 'S', '{status}', {now}, {now})"
        ))
        .await;
    }
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/jobs/run",
        &[("name", "monthly_reset")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    let o = json_of(admin_post(&app, &admin, "/api/admin/overview", &[]).await).await;
    assert_eq!(o["users_total"], 4, "{o}");
    assert_eq!(o["users_new_week"], 3);
    assert_eq!(
        o["users_by_plan"],
        json!([["free", 3], ["starter", 0], ["pro", 1], ["enterprise", 0]])
    );
    assert_eq!(
        (
            o["connections_active"].as_i64(),
            o["connections_needing_consent"].as_i64()
        ),
        (Some(2), Some(1))
    );
    // The clock's day is not the 1st, so the first of the month is another day of it.
    assert_ne!(month_first, today);
    assert_eq!(
        (o["calls_today"].as_i64(), o["calls_month"].as_i64()),
        (Some(40), Some(140))
    );
    assert_eq!(o["errors_today"], 1);
    assert_eq!(o["rate_limited_today"], 3);
    assert_eq!(o["refresh_failures_day"], 2);
    assert_eq!(o["open_tickets"], 3);
    let jobs = o["jobs"].as_array().unwrap();
    let reset = jobs.iter().find(|j| j["job"] == "monthly_reset").unwrap();
    assert_eq!(reset["status"], "ok", "{reset}");
    assert!(
        jobs.iter()
            .any(|j| j["job"] == "cleanup" && j["status"].is_null())
    );

    // Every section renders for the admin, and none for anyone else.
    for path in [
        "/admin",
        "/admin/users",
        "/admin/tickets",
        "/admin/audit",
        "/admin/jobs",
    ] {
        let res = admin.get(app.at(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("aria-current=\"page\""),
            "{path}: the section is marked"
        );
        let user = signed_in(&app, "anna@bakkerij.example").await;
        let res = user.get(app.at(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let res = test_kit::client().get(app.at(path)).send().await.unwrap();
        assert!(res.status().is_redirection(), "signed out: {path}");
        assert_eq!(res.headers()["location"], "/login", "{path}");
    }
    let html = admin
        .get(app.at("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"fig-reconsent\""),
        "the overview's figures render"
    );
    assert!(
        html.contains("/admin/users?reconsent=1"),
        "and link to their lists"
    );
}

#[tokio::test]
async fn an_admin_sees_one_account_and_revokes_its_key_and_app_and_sends_a_reset() {
    let app = TestApp::spawn().await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let root_id = user_id(&app, "root@exact-mcp.example").await;
    let anna_id = user_id(&app, "anna@bakkerij.example").await;
    let key = test_kit::mcp::key_for(&app, "anna@bakkerij.example").await;
    let anna = signed_in(&app, "anna@bakkerij.example").await;
    let admin = signed_in(&app, "root@exact-mcp.example").await;
    let now = app.clock_now();
    sqlx::query(
        "INSERT INTO oauth_grants (id, user_id, client_id, client_name, client_host, scope, resource, created_at) \
         VALUES ('g-1', $1, 'c-1', 'Claude', 'claude.ai', 'mcp', 'http://x/mcp', $2)",
    )
    .bind(&anna_id)
    .bind(now)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(
        open(&app, &anna, "Hello", "A question").await,
        StatusCode::OK
    );

    let detail =
        json_of(admin_post(&app, &admin, "/api/admin/user", &[("user_id", &anna_id)]).await).await;
    assert_eq!(detail["user"]["email"], "anna@bakkerij.example");
    assert_ne!(detail["last_login"], Value::Null, "she signed in");
    assert_eq!(detail["keys"].as_array().unwrap().len(), 1);
    assert_eq!(detail["apps"][0]["id"], "g-1");
    assert_eq!(detail["usage"]["days"].as_array().unwrap().len(), 30);
    assert_eq!(detail["tickets"][0]["subject"], "Hello");
    let actions: Vec<&str> = detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"login.succeeded"), "{actions:?}");
    let res = admin_post(&app, &admin, "/api/admin/user", &[("user_id", "nope")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Revoking the key: the next /mcp request with it is refused; audited with the admin.
    let key_id = detail["keys"][0]["id"].as_str().unwrap().to_string();
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/revoke-key",
        &[("user_id", &anna_id), ("key_id", &key_id)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let call = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let res = test_kit::mcp::post(&app, Some(&key))
        .json(&call)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let rows = audit_rows(&app, "api_key.revoke").await;
    assert_eq!(
        (rows[0].0.as_deref(), rows[0].1.as_str()),
        (Some(root_id.as_str()), key_id.as_str())
    );
    // Another account's key id is not found through Anna.
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/revoke-key",
        &[("user_id", &root_id), ("key_id", &key_id)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = admin_post(
        &app,
        &admin,
        "/api/admin/revoke-app",
        &[("user_id", &anna_id), ("grant_id", "g-1")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let revoked: Option<i64> =
        sqlx::query_scalar("SELECT revoked_at FROM oauth_grants WHERE id = 'g-1'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert!(revoked.is_some());
    assert_eq!(audit_rows(&app, "oauth_grant.revoke").await.len(), 1);

    // The reset link goes to Anna's address, and the trail says who asked.
    let res = admin_post(
        &app,
        &admin,
        "/api/admin/send-password-reset",
        &[("user_id", &anna_id)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mails = count(
        &app,
        "SELECT COUNT(*) FROM email_outbox WHERE to_address = $1 AND body_text LIKE '%/reset-password%'",
        "anna@bakkerij.example",
    )
    .await;
    assert_eq!(mails, 1);
    let rows = audit_rows(&app, "user.password_reset_sent").await;
    assert_eq!(
        (rows[0].0.as_deref(), rows[0].1.as_str()),
        (Some(root_id.as_str()), anna_id.as_str())
    );

    // The page renders for the admin.
    let res = admin
        .get(app.at(&format!("/admin/users/{anna_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"user-profile\"") && html.contains("anna@bakkerij.example"));
}
