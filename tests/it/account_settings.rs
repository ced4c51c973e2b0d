//! Account settings over HTTP (change email with a confirmation mail), the language choice (NL
//! and EN, pages and server messages), admin server functions, and mail delivery over SMTP.
use exact_mcp::server::{accounts::EMAIL_CHANGE_SECONDS, mail};
use reqwest::{StatusCode, header};
use std::time::Duration;
use test_kit::{TestApp, eventually, smtp::PlainSmtp};

const PASSWORD: &str = "kaas-brood-fiets-42";

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.at(path))
        .header(header::ORIGIN, &app.url)
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn create_user(app: &TestApp, email: &str, admin: bool) {
    app.create_user(email, PASSWORD, admin).await;
}

async fn sign_in(app: &TestApp, email: &str) {
    let res = post(
        app,
        "/api/login",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

async fn latest_mail(app: &TestApp, to: &str) -> Option<(String, String)> {
    sqlx::query_as(
        "SELECT subject, body_text FROM email_outbox WHERE to_address = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_optional(app.state.db.pool())
    .await
    .unwrap()
}

fn token_in(body: &str) -> String {
    body.split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

async fn email_of_user(app: &TestApp, old_or_new: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for e in old_or_new {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
            .bind(*e)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        if n > 0 {
            found.push((*e).to_string());
        }
    }
    found
}

async fn change_email(app: &TestApp, to: &str, password: &str) -> reqwest::Response {
    post(
        app,
        "/api/change-email",
        &[("new_email", to), ("current_password", password)],
    )
    .await
}

#[tokio::test]
async fn changing_the_email_needs_the_password_and_the_link_from_the_new_address() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    create_user(&app, "piet@bouw.example", false).await;
    sign_in(&app, "anna@bakkerij.example").await;

    let change = |email: &'static str, password: &'static str| change_email(&app, email, password);
    let res = change("anna@nieuw.example", "not-my-password-at-all").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("not your current password")
    );
    let res = change("piet@bouw.example", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = change("no-at-sign", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = change("Anna@Bakkerij.example", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(latest_mail(&app, "anna@nieuw.example").await.is_none());

    let res = change(" Anna@Nieuw.example ", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("anna@nieuw.example"));
    // Nothing changes until the link is used.
    assert_eq!(
        email_of_user(&app, &["anna@bakkerij.example", "anna@nieuw.example"]).await,
        ["anna@bakkerij.example"]
    );
    let (subject, body) = latest_mail(&app, "anna@nieuw.example").await.unwrap();
    assert!(subject.contains("Confirm"));
    assert!(body.contains("/verify-email?token="));
    let token = token_in(&body);
    // Only the hash is stored.
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM email_changes")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_ne!(stored, token);

    // The link works from any browser (the token is the proof), once.
    let other = test_kit::client();
    let confirm = |token: String| {
        other
            .post(app.at("/api/confirm-email"))
            .header(header::ORIGIN, &app.url)
            .form(&[("token", token)])
            .send()
    };
    let res = confirm(token.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        email_of_user(&app, &["anna@bakkerij.example", "anna@nieuw.example"]).await,
        ["anna@nieuw.example"]
    );
    let verified: Option<i64> =
        sqlx::query_scalar("SELECT email_verified_at FROM users WHERE email = $1")
            .bind("anna@nieuw.example")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert!(verified.is_some());
    let (subject, body) = latest_mail(&app, "anna@bakkerij.example").await.unwrap();
    assert!(subject.contains("changed"), "the old address is told");
    assert!(body.contains("anna@nieuw.example"));
    let res = confirm(token).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("invalid, used or expired")
    );

    // The new address signs in; the old one no longer does.
    let res = post(
        &app,
        "/api/login",
        &[("email", "anna@bakkerij.example"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = post(
        &app,
        "/api/login",
        &[("email", "anna@nieuw.example"), ("password", PASSWORD)],
    )
    .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

#[tokio::test]
async fn an_email_change_link_expires_and_loses_to_a_later_registration() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    sign_in(&app, "anna@bakkerij.example").await;
    let request = |to: &'static str| change_email(&app, to, PASSWORD);

    assert_eq!(request("anna@later.example").await.status(), StatusCode::OK);
    let (_, body) = latest_mail(&app, "anna@later.example").await.unwrap();
    app.clock.advance(EMAIL_CHANGE_SECONDS + 1);
    let res = post(&app, "/api/confirm-email", &[("token", &token_in(&body))]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(request("anna@race.example").await.status(), StatusCode::OK);
    let (_, body) = latest_mail(&app, "anna@race.example").await.unwrap();
    create_user(&app, "anna@race.example", false).await;
    let res = post(&app, "/api/confirm-email", &[("token", &token_in(&body))]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        email_of_user(&app, &["anna@bakkerij.example"]).await,
        ["anna@bakkerij.example"]
    );
}

#[tokio::test]
async fn pages_speak_the_language_of_the_cookie_or_the_browser() {
    let app = TestApp::spawn().await;
    let page = |accept: Option<&'static str>, cookie: Option<&'static str>| {
        let mut req = test_kit::client().get(app.at("/login"));
        if let Some(a) = accept {
            req = req.header(header::ACCEPT_LANGUAGE, a);
        }
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let english = page(None, None).await;
    assert!(english.contains(r#"<html lang="en""#));
    assert!(english.contains("Forgot your password?"));

    let dutch = page(Some("nl-NL,nl;q=0.9,en;q=0.5"), None).await;
    assert!(dutch.contains(r#"<html lang="nl""#));
    assert!(dutch.contains("Wachtwoord vergeten?"));
    assert!(!dutch.contains("Forgot your password?"));

    let chosen = page(Some("nl"), Some("lang=en")).await;
    assert!(chosen.contains("Forgot your password?"), "the cookie wins");
    let chosen = page(None, Some("lang=nl")).await;
    assert!(chosen.contains("Wachtwoord vergeten?"));
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_returns_to_the_page() {
    let app = TestApp::spawn().await;
    let res = app.get("/lang/nl?next=/login%3Freset%3D1").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/login?reset=1");
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("lang=nl;"));
    assert!(cookie.contains("SameSite=Lax"));
    // The test client keeps cookies: the next page is Dutch.
    let body = app.get("/login").await.text().await.unwrap();
    assert!(body.contains("Wachtwoord vergeten?"));

    for evil in [
        "https://evil.example/",
        "//evil.example/x",
        "/%5Cevil.example",
    ] {
        let res = app.get(&format!("/lang/en?next={evil}")).await;
        assert_eq!(res.headers()[header::LOCATION], "/", "{evil}");
    }
    assert_eq!(app.get("/lang/xx").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/lang/NL").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn server_messages_and_mail_follow_the_language() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    let res = app
        .client
        .post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .header(header::COOKIE, "lang=nl")
        .form(&[
            ("email", "anna@bakkerij.example"),
            ("password", "wrong-password-123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("horen niet bij een account")
    );

    let res = app
        .client
        .post(app.at("/api/forgot-password"))
        .header(header::ORIGIN, &app.url)
        .header(header::ACCEPT_LANGUAGE, "nl")
        .form(&[("email", "anna@bakkerij.example")])
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("Als er een account"));
    let (subject, body) = latest_mail(&app, "anna@bakkerij.example").await.unwrap();
    assert!(subject.contains("wachtwoord"), "{subject}");
    assert!(body.contains("Kies hier binnen 30 minuten"));
}

/// Every server function under `/api/admin/`, as registered in the binary: a new admin function
/// is covered by the access tests below without being listed anywhere.
fn admin_endpoints() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|p| p.starts_with("/api/admin/"))
        .collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn every_admin_server_function_refuses_everyone_but_admins() {
    let endpoints = admin_endpoints();
    assert!(
        endpoints.len() >= 3,
        "admin functions are registered: {endpoints:?}"
    );
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    create_user(&app, "root@exact-mcp.example", true).await;
    // The account the per-account functions (reset usage, delete) act on.
    create_user(&app, "temp@bakkerij.example", false).await;
    let temp = test_kit::mcp::user_id(&app, "temp@bakkerij.example").await;
    // The ticket the ticket functions (triage, reply) act on.
    let ticket = "0190aaaa-0000-7000-8000-00000000000a";
    sqlx::query(
        "INSERT INTO tickets (id, user_id, kind, subject, status, created_at, updated_at) \
         VALUES ($1, $2, 'support', 'Help', 'open', 0, 0)",
    )
    .bind(ticket)
    .bind(&temp)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    // The key and the app the revocations act on.
    sqlx::query(
        "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) \
         VALUES ('k-temp', $1, 'k', 'emcp_temp', 'hash-temp', 0)",
    )
    .bind(&temp)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO oauth_grants (id, user_id, client_id, client_name, client_host, scope, resource, created_at) \
         VALUES ('g-temp', $1, 'c', 'App', 'app.example', 'mcp', 'http://x/mcp', 0)",
    )
    .bind(&temp)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let form = [
        ("page", "0"),
        ("key_id", "k-temp"),
        ("grant_id", "g-temp"),
        ("email", "anna@bakkerij.example"),
        ("plan", "pro"),
        ("suspended", "false"),
        ("name", "cleanup"),
        ("user_id", temp.as_str()),
        ("confirm_email", "temp@bakkerij.example"),
        ("days", "365"),
        ("ticket_id", ticket),
        ("ticket_status", "open"),
        ("note", ""),
        ("assignee", ""),
        ("text", "Thanks for asking."),
    ];

    for path in &endpoints {
        let res = post(&app, path, &form).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "signed out: {path}");
    }
    sign_in(&app, "anna@bakkerij.example").await;
    for path in &endpoints {
        let res = post(&app, path, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "non-admin: {path}");
        assert!(res.text().await.unwrap().contains("administrators only"));
    }
    let plan: String = sqlx::query_scalar("SELECT plan FROM users WHERE email = $1")
        .bind("anna@bakkerij.example")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(plan, "free", "nothing changed");
    let temp_left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1")
        .bind(&temp)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(temp_left, 1, "nothing deleted");
    let replies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ticket_replies")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(replies, 0, "no reply sent");

    let admin = test_kit::client();
    admin
        .post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .form(&[("email", "root@exact-mcp.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    // Deletions last: the other functions still find the account.
    let mut in_order = endpoints.clone();
    in_order.sort_by_key(|p| p.contains("delete"));
    for path in &in_order {
        let res = admin
            .post(app.at(path))
            .header(header::ORIGIN, &app.url)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "admin: {path}");
    }
}

#[tokio::test]
async fn admins_list_users_change_plans_and_suspend_with_an_audit_trail() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    create_user(&app, "root@exact-mcp.example", true).await;
    let anna = test_kit::client();
    anna.post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .form(&[("email", "anna@bakkerij.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    sign_in(&app, "root@exact-mcp.example").await;

    let res = post(&app, "/api/admin/users", &[("page", "0")]).await;
    let users: serde_json::Value = res.json().await.unwrap();
    let emails: Vec<&str> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"anna@bakkerij.example"));
    assert!(users.to_string().find("argon2").is_none(), "no hashes");

    let res = post(
        &app,
        "/api/admin/set-plan",
        &[("email", "anna@bakkerij.example"), ("plan", "gold")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(
        &app,
        "/api/admin/set-plan",
        &[("email", "nobody@nowhere.example"), ("plan", "pro")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post(
        &app,
        "/api/admin/set-plan",
        &[("email", "anna@bakkerij.example"), ("plan", "pro")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Suspension ends Anna's sessions at once.
    assert_eq!(
        anna.get(app.at("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let res = post(
        &app,
        "/api/admin/set-status",
        &[("email", "anna@bakkerij.example"), ("suspended", "true")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = anna.get(app.at("/dashboard")).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], "/login");

    let actions: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_log WHERE target_id = $1 ORDER BY created_at, action",
    )
    .bind("anna@bakkerij.example")
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    let set_plan = r#"{"plan":{"new":"pro","old":"free"}}"#;
    let set_status = r#"{"status":{"new":"suspended","old":"active"}}"#;
    assert!(
        actions.contains(&("user.set_plan".into(), set_plan.into())),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("user.set_status".into(), set_status.into())),
        "{actions:?}"
    );
}

#[tokio::test]
async fn with_smtp_the_outbox_is_delivered_by_the_background_sender() {
    let smtp = PlainSmtp::accepting();
    let (url, messages) = (smtp.url(), smtp.messages.clone());
    let app = TestApp::builder()
        .env("SMTP_URL", &url)
        .env("MAIL_FROM", "exact-mcp <no-reply@exact-mcp.example>")
        .spawn()
        .await;
    create_user(&app, "anna@bakkerij.example", false).await;
    let res = post(
        &app,
        "/api/forgot-password",
        &[("email", "anna@bakkerij.example")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        !res.text().await.unwrap().contains("/dev/outbox"),
        "with SMTP there is no development outbox"
    );
    assert_eq!(app.get("/dev/outbox").await.status(), StatusCode::NOT_FOUND);

    let received = eventually("a mail over SMTP", Duration::from_secs(10), || async {
        let received = messages.lock().unwrap().clone();
        (!received.is_empty()).then_some(received)
    })
    .await;
    assert_eq!(received.len(), 1, "one mail over SMTP");
    assert!(received[0].contains("To: anna@bakkerij.example"));
    assert!(received[0].contains("From: exact-mcp <no-reply@exact-mcp.example>"));
    assert!(received[0].contains("reset-password?token="));
    // The sender marks the row sent after the SMTP server has accepted the mail: wait for it.
    eventually("the mail marked sent", Duration::from_secs(5), || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT sent_at FROM email_outbox")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap()
    })
    .await;
}

#[tokio::test]
async fn refused_mail_is_retried_with_back_off_and_claimed_once() {
    let smtp = PlainSmtp::refusing();
    let (url, messages) = (smtp.url(), smtp.messages.clone());
    // No background sender here (no SMTP_URL): the passes are driven by hand.
    let app = TestApp::spawn().await;
    let sender = mail::Sender::new(&url.clone().into(), "no-reply@exact-mcp.example").unwrap();
    exact_mcp::server::db::outbox::queue_mail(
        &app.state.db,
        "anna@bakkerij.example",
        "Hello",
        "Body",
        exact_mcp::server::clock::Clock::now(&app.clock),
    )
    .await
    .unwrap();

    let pass = || mail::deliver_due(&app.state.db, &app.clock, &sender, 10);
    let first = pass().await.unwrap();
    assert_eq!(first, mail::Delivery { sent: 0, failed: 1 });
    let (attempts, last_error): (i64, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error FROM email_outbox")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(last_error.is_some_and(|e| !e.is_empty()));
    // Not due again until the back-off has passed.
    assert_eq!(pass().await.unwrap(), mail::Delivery::default());
    app.clock.advance(61);
    assert_eq!(pass().await.unwrap().failed, 1);
    assert!(messages.lock().unwrap().is_empty());

    // Two replicas passing at the same moment: one claims, the other skips.
    app.clock.advance(10_000);
    let (a, b) = tokio::join!(pass(), pass());
    assert_eq!(a.unwrap().failed + b.unwrap().failed, 1);
}
