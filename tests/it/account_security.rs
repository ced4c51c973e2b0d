//! The account rules that stand between a stranger and someone else's account or this service's
//! resources: admin rights only for a verified address, bounded password work, a login throttle
//! that holds under concurrency, and a recovery that leaves nothing of an intruder behind.
use reqwest::{StatusCode, header};
use test_kit::TestApp;

const PASSWORD: &str = "kaas-brood-fiets-42";
const NEW_PASSWORD: &str = "nieuw-wachtwoord-77";

async fn post_with(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.at(path))
        .header(header::ORIGIN, &app.url)
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    post_with(app, &app.client, path, form).await
}

async fn register(app: &TestApp, client: &reqwest::Client, email: &str) -> StatusCode {
    let form = [
        ("email", email),
        ("password", PASSWORD),
        ("display_name", ""),
    ];
    post_with(app, client, "/api/register", &form)
        .await
        .status()
}

/// A server function that did what it was asked (an answer, or the redirect a form gets).
fn done(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

async fn latest_token(app: &TestApp, to: &str) -> Option<String> {
    let body: Option<String> = sqlx::query_scalar(
        "SELECT body_text FROM email_outbox WHERE to_address = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_optional(app.state.db.pool())
    .await
    .unwrap();
    body.map(|b| {
        b.split("token=")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    })
}

async fn mails_to(app: &TestApp, to: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox WHERE to_address = $1")
        .bind(to)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn exec(app: &TestApp, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn exact_binding(app: &TestApp, id: &str) -> Option<String> {
    sqlx::query_scalar("SELECT exact_user_id FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

/// Uses the newest link mailed to `email` to set a new password.
async fn reset_via_mail(app: &TestApp, email: &str) {
    let token = latest_token(app, email).await.expect("a link was mailed");
    let browser = test_kit::client();
    let res = post_with(
        app,
        &browser,
        "/api/reset-password",
        &[("token", &token), ("password", NEW_PASSWORD)],
    )
    .await;
    assert!(done(res.status()), "{}", res.status());
}

async fn login_with(app: &TestApp, client: &reqwest::Client, email: &str, pw: &str) -> StatusCode {
    let form = [("email", email), ("password", pw)];
    post_with(app, client, "/api/login", &form).await.status()
}

// --- Finding 2: admin by unverified email ---------------------------------------------------

#[tokio::test]
async fn a_listed_address_becomes_admin_only_once_it_is_verified() {
    let app = TestApp::builder()
        .env("ADMIN_EMAILS", "boss@exact-mcp.example")
        .spawn()
        .await;
    // Anyone can register the listed address; that alone gives no admin rights.
    assert!(done(
        register(&app, &app.client, "boss@exact-mcp.example").await
    ));
    assert_eq!(app.get("/admin").await.status(), StatusCode::FORBIDDEN);
    let res = post(&app, "/api/admin/users", &[("page", "0")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The address's owner gets a link: using it proves the address (and sets the password).
    reset_via_mail(&app, "boss@exact-mcp.example").await;
    let owner = test_kit::client();
    login_with(&app, &owner, "boss@exact-mcp.example", NEW_PASSWORD).await;
    let res = owner.get(app.at("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = post_with(&app, &owner, "/api/admin/users", &[("page", "0")]).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_listed_address_is_checked_on_every_request_not_stored_at_sign_up() {
    let app = TestApp::builder()
        .env("ADMIN_EMAILS", "boss@exact-mcp.example")
        .spawn()
        .await;
    register(&app, &app.client, "boss@exact-mcp.example").await;
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE email = $1")
        .bind("boss@exact-mcp.example")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        role, "user",
        "the list grants admin per request, never in the row"
    );
}

// --- Finding 3: unbounded Argon2 work --------------------------------------------------------

#[tokio::test]
async fn registration_is_throttled_per_client_address() {
    let app = TestApp::spawn().await;
    for i in 0..10 {
        let browser = test_kit::client();
        let status = register(&app, &browser, &format!("p{i}@bakkerij.example")).await;
        assert!(done(status), "registration {i}: {status}");
    }
    let status = register(&app, &test_kit::client(), "p10@bakkerij.example").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A new hour, a new allowance.
    app.clock.advance(3600);
    let status = register(&app, &test_kit::client(), "p10@bakkerij.example").await;
    assert!(done(status), "{status}");
}

#[tokio::test]
async fn registration_is_throttled_per_email_and_checks_uniqueness_first() {
    let app = TestApp::spawn().await;
    assert!(done(
        register(&app, &test_kit::client(), "anna@bakkerij.example").await
    ));
    for _ in 0..4 {
        let status = register(&app, &test_kit::client(), "anna@bakkerij.example").await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
    let status = register(&app, &test_kit::client(), "anna@bakkerij.example").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn forgot_password_mails_an_address_at_most_three_times_an_hour() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let mut answers = Vec::new();
    for _ in 0..5 {
        let res = post(
            &app,
            "/api/forgot-password",
            &[("email", "anna@bakkerij.example")],
        )
        .await;
        answers.push((res.status(), res.text().await.unwrap()));
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, StatusCode::OK);
    assert_eq!(mails_to(&app, "anna@bakkerij.example").await, 3);
    app.clock.advance(3600);
    post(
        &app,
        "/api/forgot-password",
        &[("email", "anna@bakkerij.example")],
    )
    .await;
    assert_eq!(mails_to(&app, "anna@bakkerij.example").await, 4);
}

// --- Finding 4: racy login throttle ----------------------------------------------------------

#[tokio::test]
async fn fifty_concurrent_wrong_passwords_get_at_most_five_verifications() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..50 {
        let client = test_kit::client();
        let url = app.at("/api/login");
        let origin = app.url.clone();
        set.spawn(async move {
            client
                .post(url)
                .header(header::ORIGIN, origin)
                .form(&[
                    ("email", "anna@bakkerij.example"),
                    ("password", &format!("wrong-guess-{i}")),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = set.join_all().await;
    let verified = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        verified <= 5,
        "{verified} guesses were verified: {statuses:?}"
    );
    assert_eq!(verified + throttled, 50, "{statuses:?}");
    // Guesses after the burst get what the burst left of the five, no more.
    let mut total = verified;
    loop {
        match login_with(&app, &app.client, "anna@bakkerij.example", "wrong-again-1").await {
            StatusCode::UNAUTHORIZED => total += 1,
            StatusCode::TOO_MANY_REQUESTS => break,
            other => panic!("{other}"),
        }
        assert!(total <= 5, "{total} guesses verified in one window");
    }
    assert_eq!(total, 5);
    // And the right password is refused too until the window has passed.
    assert_eq!(
        login_with(&app, &app.client, "anna@bakkerij.example", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

// --- Finding 8: access survives account recovery ---------------------------------------------

#[tokio::test]
async fn a_password_reset_leaves_nothing_of_a_squatter_behind() {
    let app = TestApp::spawn().await;
    // The squatter registers the victim's address, makes a key, binds an Exact user and starts
    // a change of address.
    register(&app, &app.client, "victim@bakkerij.example").await;
    let id = user_id(&app, "victim@bakkerij.example").await;
    exec(
        &app,
        format!(
            "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) VALUES ('k-sq', '{id}', 'Mine', 'emcp_sq', 'hash-sq', 1)"
        ),
    )
    .await;
    exec(
        &app,
        format!("UPDATE users SET exact_user_id = 'e-squatter' WHERE id = '{id}'"),
    )
    .await;
    let res = post(
        &app,
        "/api/change-email",
        &[
            ("new_email", "squatter@evil.example"),
            ("current_password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let pending = latest_token(&app, "squatter@evil.example").await.unwrap();

    // The owner recovers the account.
    post_with(
        &app,
        &test_kit::client(),
        "/api/forgot-password",
        &[("email", "victim@bakkerij.example")],
    )
    .await;
    reset_via_mail(&app, "victim@bakkerij.example").await;

    let revoked: Option<i64> =
        sqlx::query_scalar("SELECT revoked_at FROM api_keys WHERE id = 'k-sq'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert!(revoked.is_some(), "the squatter's key is revoked");
    assert_eq!(
        exact_binding(&app, &id).await,
        None,
        "no Exact sign-in binding is left"
    );
    let res = post_with(
        &app,
        &test_kit::client(),
        "/api/confirm-email",
        &[("token", &pending)],
    )
    .await;
    assert!(
        !res.status().is_success(),
        "the pending change is gone: {}",
        res.status()
    );
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(&id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(email, "victim@bakkerij.example");
    let res = app.get("/dashboard").await;
    assert!(
        res.status().is_redirection(),
        "the squatter's session ended"
    );
    let verified: Option<i64> =
        sqlx::query_scalar("SELECT email_verified_at FROM users WHERE id = $1")
            .bind(&id)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert!(verified.is_some(), "a used reset link proves the address");
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user.password_reset'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn signing_out_everywhere_also_ends_pending_email_changes() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    login_with(&app, &app.client, "anna@bakkerij.example", PASSWORD).await;
    let res = post(
        &app,
        "/api/change-email",
        &[
            ("new_email", "anna@nieuw.example"),
            ("current_password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let pending = latest_token(&app, "anna@nieuw.example").await.unwrap();
    post(&app, "/api/sign-out-everywhere", &[]).await;
    let res = post_with(
        &app,
        &test_kit::client(),
        "/api/confirm-email",
        &[("token", &pending)],
    )
    .await;
    assert!(!res.status().is_success(), "{}", res.status());
    // Still the old address (the lookup fails otherwise).
    user_id(&app, "anna@bakkerij.example").await;
}

#[tokio::test]
async fn disconnecting_the_last_connection_of_an_exact_user_ends_sign_in_with_exact() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    login_with(&app, &app.client, "anna@bakkerij.example", PASSWORD).await;
    let id = user_id(&app, "anna@bakkerij.example").await;
    // The same Exact user, connected in two regions.
    for (c, region) in [("c-1", "nl"), ("c-2", "be")] {
        exec(
            &app,
            format!(
                "INSERT INTO connections (id, user_id, region, exact_user_id, access_token, refresh_token, created_at, updated_at) VALUES ('{c}', '{id}', '{region}', 'e-anna', 'v1.k.a', 'v1.k.r', 1, 1)"
            ),
        )
        .await;
    }
    exec(
        &app,
        format!("UPDATE users SET exact_user_id = 'e-anna' WHERE id = '{id}'"),
    )
    .await;

    let res = post(
        &app,
        "/api/connections/disconnect",
        &[("connection_id", "c-1")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(exact_binding(&app, &id).await.as_deref(), Some("e-anna"));
    let res = post(
        &app,
        "/api/connections/disconnect",
        &[("connection_id", "c-2")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(exact_binding(&app, &id).await, None);
}
