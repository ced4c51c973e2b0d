//! Accounts over HTTP, as a browser without JavaScript would use them: register, sign out, sign
//! in, sessions and their cookies, expiry, CSRF refusal, roles and escaping.
use exact_mcp::server::auth::session::{ABSOLUTE_SECONDS, IDLE_SECONDS};
use reqwest::{StatusCode, header};
use test_kit::TestApp;

const PASSWORD: &str = "kaas-brood-fiets-42";

/// A form POST to a server function, from our own origin (as the browser would send it).
async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.at(path))
        .header(header::ORIGIN, &app.url)
        .header(header::ACCEPT, "text/html")
        .form(form)
        .send()
        .await
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("emcp_session="))
}

async fn register(app: &TestApp, email: &str, name: &str) -> reqwest::Response {
    post_form(
        app,
        "/api/register",
        &[
            ("email", email),
            ("password", PASSWORD),
            ("display_name", name),
        ],
    )
    .await
}

/// Another browser (its own cookie jar) signed in as `email` on the same server.
async fn second_browser(app: &TestApp, email: &str) -> reqwest::Client {
    let other = test_kit::client();
    other
        .post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    other
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    post_form(
        app,
        "/api/login",
        &[("email", email), ("password", password)],
    )
    .await
}

async fn create_user(app: &TestApp, email: &str, admin: bool) {
    app.create_user(email, PASSWORD, admin).await;
}

#[tokio::test]
async fn register_logout_login() {
    let app = TestApp::spawn().await;
    let res = app.get("/dashboard").await;
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), "/login");

    let res = register(&app, "Anna@Bakkerij.example", "Anna").await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(location(&res), "/dashboard");
    assert!(session_cookie(&res).is_some());

    let res = app.get("/dashboard").await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("anna@bakkerij.example"),
        "the dashboard knows who is signed in"
    );

    let res = post_form(&app, "/api/logout", &[]).await;
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), "/");
    assert!(session_cookie(&res).unwrap().contains("Max-Age=0"));
    let res = app.get("/dashboard").await;
    assert_eq!(location(&res), "/login", "signed out");

    let res = login(&app, "anna@bakkerij.example", PASSWORD).await;
    assert_eq!(location(&res), "/dashboard");
    assert_eq!(app.get("/dashboard").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_identical() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    let wrong = login(&app, "anna@bakkerij.example", "not-the-password-1").await;
    let unknown = login(&app, "nobody@bakkerij.example", "not-the-password-1").await;
    let malformed = login(&app, "not an email", "not-the-password-1").await;
    let (ws, us, ms) = (wrong.status(), unknown.status(), malformed.status());
    assert!(session_cookie(&wrong).is_none() && session_cookie(&unknown).is_none());
    let (wb, ub, mb) = (
        wrong.text().await.unwrap(),
        unknown.text().await.unwrap(),
        malformed.text().await.unwrap(),
    );
    assert_eq!((ws, &wb), (us, &ub));
    assert_eq!((ws, &wb), (ms, &mb));
    assert!(wb.contains("do not match an account"), "{wb}");

    // The hydrated form (fetch, no text/html) gets a real status, never a 500.
    let res = app
        .client
        .post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .form(&[
            ("email", "anna@bakkerij.example"),
            ("password", "not-the-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn session_cookie_flags_and_a_new_id_at_every_login() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    let first = session_cookie(&login(&app, "anna@bakkerij.example", PASSWORD).await).unwrap();
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        &format!("Max-Age={ABSOLUTE_SECONDS}"),
    ] {
        assert!(first.contains(flag), "{flag} in {first}");
    }
    assert!(
        !first.contains("Secure"),
        "plain-http development cannot use Secure cookies"
    );

    let second = session_cookie(&login(&app, "anna@bakkerij.example", PASSWORD).await).unwrap();
    assert_ne!(first, second, "a new session id at login");
    // The earlier session is gone, not just replaced in this browser.
    let stale = test_kit::client();
    let token = first.split(';').next().unwrap().to_string();
    let res = stale
        .get(app.at("/dashboard"))
        .header(header::COOKIE, token)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login");
}

#[tokio::test]
async fn production_cookies_are_secure() {
    let app = TestApp::builder().production().spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    let cookie = session_cookie(&login(&app, "anna@bakkerij.example", PASSWORD).await).unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn sessions_expire_when_idle_and_absolutely() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    login(&app, "anna@bakkerij.example", PASSWORD).await;

    // Idle: a week without a visit ends the session.
    app.clock.advance(IDLE_SECONDS - 60);
    assert_eq!(
        app.get("/dashboard").await.status(),
        StatusCode::OK,
        "still inside the idle window"
    );
    app.clock.advance(IDLE_SECONDS + 1);
    assert_eq!(location(&app.get("/dashboard").await), "/login");

    // Absolute: daily visits keep it alive, but never past 30 days.
    login(&app, "anna@bakkerij.example", PASSWORD).await;
    let mut elapsed = 0;
    while elapsed + 86_400 < ABSOLUTE_SECONDS {
        app.clock.advance(86_400);
        elapsed += 86_400;
        assert_eq!(
            app.get("/dashboard").await.status(),
            StatusCode::OK,
            "day {}",
            elapsed / 86_400
        );
    }
    app.clock.advance(ABSOLUTE_SECONDS - elapsed);
    assert_eq!(location(&app.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn cross_origin_posts_to_server_functions_are_refused() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    let form = [("email", "anna@bakkerij.example"), ("password", PASSWORD)];
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("foreign origin", vec![("origin", "https://evil.example")]),
        (
            "cross-site fetch",
            vec![
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ],
        ),
        (
            "same-site but other origin",
            vec![("sec-fetch-site", "same-site")],
        ),
        ("no origin information at all", vec![]),
    ];
    for (case, headers) in cases {
        let mut req = app.client.post(app.at("/api/login")).form(&form);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{case}");
        assert!(session_cookie(&res).is_none(), "{case}");
    }
    // The browser's own same-origin request passes.
    let res = app
        .client
        .post(app.at("/api/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/dashboard");
}

#[tokio::test]
async fn admin_pages_are_for_admins_only() {
    let app = TestApp::spawn().await;
    assert_eq!(location(&app.get("/admin").await), "/login");

    create_user(&app, "anna@bakkerij.example", false).await;
    login(&app, "anna@bakkerij.example", PASSWORD).await;
    let res = app.get("/admin").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("for administrators"));

    let admin = TestApp::spawn().await;
    create_user(&admin, "root@exact-mcp.example", true).await;
    login(&admin, "root@exact-mcp.example", PASSWORD).await;
    let res = admin.get("/admin").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Admin panel"));
}

#[tokio::test]
async fn suspended_users_cannot_sign_in_and_lose_their_sessions() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    login(&app, "anna@bakkerij.example", PASSWORD).await;
    sqlx::query("UPDATE users SET status = 'suspended'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(location(&app.get("/dashboard").await), "/login");
    let res = login(&app, "anna@bakkerij.example", PASSWORD).await;
    assert!(session_cookie(&res).is_none());
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("do not match an account")
    );
}

#[tokio::test]
async fn registration_refuses_bad_input_and_duplicates() {
    let app = TestApp::spawn().await;
    let res = post_form(
        &app,
        "/api/register",
        &[
            ("email", "anna@bakkerij.example"),
            ("password", "kort"),
            ("display_name", ""),
        ],
    )
    .await;
    assert!(session_cookie(&res).is_none());
    assert!(res.text().await.unwrap().contains("at least 12 characters"));
    register(&app, "anna@bakkerij.example", "").await;
    let again = test_kit::client();
    let res = again
        .post(app.at("/api/register"))
        .header(header::ORIGIN, &app.url)
        .form(&[
            ("email", "ANNA@bakkerij.example"),
            ("password", PASSWORD),
            ("display_name", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(session_cookie(&res).is_none());
    assert!(res.text().await.unwrap().contains("already exists"));
}

#[tokio::test]
async fn user_supplied_text_renders_escaped() {
    let app = TestApp::spawn().await;
    register(&app, "anna@bakkerij.example", "<script>alert('x')</script>").await;
    let html = app.get("/dashboard").await.text().await.unwrap();
    assert!(
        !html.contains("<script>alert('x')</script>"),
        "raw markup from a user must never render"
    );
    assert!(
        html.contains("&lt;script&gt;"),
        "the name is shown, escaped"
    );
}

/// A login as the hydrated form sends it (no text/html), so the status is the real one.
async fn login_status(app: &TestApp, email: &str, password: &str) -> (StatusCode, String) {
    let res = app
        .client
        .post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn throttling_kicks_in_per_email_and_resets() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    for _ in 0..5 {
        let (status, _) = login_status(&app, "anna@bakkerij.example", "not-the-password-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // The sixth attempt is refused even with the right password.
    let (status, body) = login_status(&app, "anna@bakkerij.example", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Too many failed sign-in attempts"), "{body}");
    let throttled: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(throttled, 1, "logged as a security event");

    // After the window it works, and a success clears the count.
    app.clock.advance(15 * 60 + 1);
    assert_eq!(
        login_status(&app, "anna@bakkerij.example", PASSWORD)
            .await
            .0,
        StatusCode::OK
    );
    for _ in 0..4 {
        login_status(&app, "anna@bakkerij.example", "not-the-password-1").await;
    }
    assert_eq!(
        login_status(&app, "anna@bakkerij.example", PASSWORD)
            .await
            .0,
        StatusCode::OK,
        "4 + 4 failures around a success never reach 5"
    );
}

#[tokio::test]
async fn throttling_kicks_in_per_ip_address() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    for i in 0..20 {
        let (status, _) = login_status(
            &app,
            &format!("guess{i}@bakkerij.example"),
            "not-the-password-1",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let (status, _) = login_status(&app, "anna@bakkerij.example", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the 21st failure-free attempt from the IP is refused"
    );
}

async fn reset_link_token(app: &TestApp, to: &str) -> Option<String> {
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

#[tokio::test]
async fn a_reset_token_works_once_and_expires() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    login(&app, "anna@bakkerij.example", PASSWORD).await;

    // The same answer for an unknown address, and no mail for it.
    let known = post_form(
        &app,
        "/api/forgot-password",
        &[("email", "anna@bakkerij.example")],
    )
    .await
    .text()
    .await
    .unwrap();
    let unknown = post_form(
        &app,
        "/api/forgot-password",
        &[("email", "ghost@bakkerij.example")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(known, unknown);
    assert!(
        reset_link_token(&app, "ghost@bakkerij.example")
            .await
            .is_none()
    );
    let token = reset_link_token(&app, "anna@bakkerij.example")
        .await
        .expect("mail in the outbox");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_ne!(stored, token, "only the token's hash is stored");

    let new_password = "nieuw-wachtwoord-77";
    let res = post_form(
        &app,
        "/api/reset-password",
        &[("token", &token), ("password", new_password)],
    )
    .await;
    assert_eq!(location(&res), "/login?reset=1");
    assert_eq!(
        location(&app.get("/dashboard").await),
        "/login",
        "the reset ended existing sessions"
    );
    assert_eq!(
        login_status(&app, "anna@bakkerij.example", PASSWORD)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&app, "anna@bakkerij.example", new_password)
            .await
            .0,
        StatusCode::OK
    );

    // Once only.
    let res = post_form(
        &app,
        "/api/reset-password",
        &[("token", &token), ("password", "derde-wachtwoord-99")],
    )
    .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("invalid, used or expired")
    );

    // And only for 30 minutes.
    post_form(
        &app,
        "/api/forgot-password",
        &[("email", "anna@bakkerij.example")],
    )
    .await;
    let token = reset_link_token(&app, "anna@bakkerij.example")
        .await
        .unwrap();
    app.clock.advance(30 * 60 + 1);
    let res = post_form(
        &app,
        "/api/reset-password",
        &[("token", &token), ("password", "derde-wachtwoord-99")],
    )
    .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("invalid, used or expired")
    );
    assert_eq!(
        login_status(&app, "anna@bakkerij.example", new_password)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_development_outbox_shows_the_mail_and_production_has_none() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    post_form(
        &app,
        "/api/forgot-password",
        &[("email", "anna@bakkerij.example")],
    )
    .await;
    let html = app.get("/dev/outbox").await.text().await.unwrap();
    assert!(
        html.contains("Reset your exact-mcp password") && html.contains("/reset-password?token=")
    );

    let prod = TestApp::builder().production().spawn().await;
    assert_eq!(
        prod.get("/dev/outbox").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    login(&app, "anna@bakkerij.example", PASSWORD).await;
    let other = second_browser(&app, "anna@bakkerij.example").await;
    assert_eq!(
        other
            .get(app.at("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let res = post_form(
        &app,
        "/api/change-password",
        &[
            ("current_password", "wrong-password-123"),
            ("new_password", "nieuw-wachtwoord-77"),
        ],
    )
    .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("not your current password")
    );
    let res = post_form(
        &app,
        "/api/change-password",
        &[("current_password", PASSWORD), ("new_password", "kort")],
    )
    .await;
    assert!(res.text().await.unwrap().contains("at least 12 characters"));

    post_form(
        &app,
        "/api/change-password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "nieuw-wachtwoord-77"),
        ],
    )
    .await;
    assert_eq!(
        app.get("/dashboard").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        location(&other.get(app.at("/dashboard")).send().await.unwrap()),
        "/login",
        "others end"
    );
    assert_eq!(
        login_status(&app, "anna@bakkerij.example", PASSWORD)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&app, "anna@bakkerij.example", "nieuw-wachtwoord-77")
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    login(&app, "anna@bakkerij.example", PASSWORD).await;
    let other = second_browser(&app, "anna@bakkerij.example").await;
    let res = post_form(&app, "/api/sign-out-everywhere", &[]).await;
    assert_eq!(location(&res), "/login");
    assert_eq!(location(&app.get("/dashboard").await), "/login");
    assert_eq!(
        location(&other.get(app.at("/dashboard")).send().await.unwrap()),
        "/login"
    );
}

/// Rows in every table that belongs to a user, for `user_id`.
async fn seed_everything(app: &TestApp, user_id: &str, email: &str, tag: &str) {
    let statements = [
        format!(
            "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) VALUES ('k-{tag}', '{user_id}', 'Claude', 'emcp_{tag}', 'hash-{tag}', 1)"
        ),
        format!(
            "INSERT INTO connections (id, user_id, region, exact_user_id, access_token, refresh_token, created_at, updated_at) VALUES ('c-{tag}', '{user_id}', 'nl', 'e-{tag}', 'v1.k.secret-access-{tag}', 'v1.k.secret-refresh-{tag}', 1, 1)"
        ),
        format!(
            "INSERT INTO divisions (connection_id, code, name, created_at) VALUES ('c-{tag}', 1001, 'Bakkerij', 1)"
        ),
        format!(
            "INSERT INTO notifications (id, user_id, kind, title, created_at) VALUES ('n-{tag}', '{user_id}', 'info', 'Hello', 1)"
        ),
        format!(
            "INSERT INTO tickets (id, user_id, connection_id, kind, subject, created_at, updated_at) VALUES ('t-{tag}', '{user_id}', 'c-{tag}', 'support', 'Help', 1, 1)"
        ),
        format!(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ('r-{tag}', '{user_id}', 1, 2)"
        ),
        format!(
            "INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at) VALUES ('ec-{tag}', '{user_id}', 'new-{tag}@example.nl', 1, 2)"
        ),
        format!(
            "INSERT INTO oauth_states (state_hash, session_id, user_id, purpose, region, created_at, expires_at) VALUES ('o-{tag}', 's', '{user_id}', 'connect', 'nl', 1, 2)"
        ),
        format!(
            "INSERT INTO usage_events (id, user_id, api_key_id, method, tool, status, created_at) VALUES ('ev-{tag}', '{user_id}', 'k-{tag}', 'tools/call', 'get_relations', 'ok', 1)"
        ),
        format!(
            "INSERT INTO usage_daily (user_id, day, tool, client_name, calls) VALUES ('{user_id}', '2026-11-20', 'get_relations', 'claude', 7)"
        ),
        format!(
            "INSERT INTO login_attempts (id, email, ip, created_at) VALUES ('la-{tag}', '{email}', '127.0.0.1', 1)"
        ),
    ];
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
}

async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &'static str, arg: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(arg)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn deleting_the_account_removes_every_row_of_the_user_and_keeps_anonymous_totals() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    create_user(&app, "piet@bouw.example", false).await;
    let anna = user_id(&app, "anna@bakkerij.example").await;
    let piet = user_id(&app, "piet@bouw.example").await;
    seed_everything(&app, &anna, "anna@bakkerij.example", "a").await;
    seed_everything(&app, &piet, "piet@bouw.example", "p").await;
    login(&app, "anna@bakkerij.example", PASSWORD).await;

    let res = post_form(
        &app,
        "/api/delete-account",
        &[("confirm_email", "someone@else.example")],
    )
    .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Type your account's email address")
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE id = $1", &anna).await,
        1,
        "nothing deleted"
    );

    let res = post_form(
        &app,
        "/api/delete-account",
        &[("confirm_email", "Anna@Bakkerij.example")],
    )
    .await;
    assert_eq!(location(&res), "/");
    for sql in [
        "SELECT COUNT(*) FROM users WHERE id = $1",
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
        "SELECT COUNT(*) FROM api_keys WHERE user_id = $1",
        "SELECT COUNT(*) FROM connections WHERE user_id = $1",
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1",
        "SELECT COUNT(*) FROM tickets WHERE user_id = $1",
        "SELECT COUNT(*) FROM password_resets WHERE user_id = $1",
        "SELECT COUNT(*) FROM email_changes WHERE user_id = $1",
        "SELECT COUNT(*) FROM oauth_states WHERE user_id = $1",
        "SELECT COUNT(*) FROM usage_events WHERE user_id = $1",
        "SELECT COUNT(*) FROM usage_daily WHERE user_id = $1",
    ] {
        assert_eq!(count(&app, sql, &anna).await, 0, "{sql}");
        assert!(
            count(&app, sql, &piet).await > 0 || sql.contains("sessions"),
            "the other user keeps: {sql}"
        );
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM divisions WHERE connection_id = $1",
            "c-a"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM login_attempts WHERE email = $1",
            "anna@bakkerij.example"
        )
        .await,
        0
    );
    let tokens = count(
        &app,
        "SELECT COUNT(*) FROM connections WHERE access_token LIKE $1",
        "%secret-access-a%",
    )
    .await;
    assert_eq!(tokens, 0, "the Exact tokens are gone");
    // Totals survive without a name.
    let anonymous_calls: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(calls) AS BIGINT) FROM usage_daily WHERE user_id LIKE 'deleted:%'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(anonymous_calls, 7);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM usage_events WHERE user_id LIKE $1",
            "deleted:%"
        )
        .await,
        1
    );
    assert_eq!(location(&app.get("/dashboard").await), "/login");
}

#[tokio::test]
async fn download_my_data_has_everything_but_secrets() {
    let app = TestApp::spawn().await;
    create_user(&app, "anna@bakkerij.example", false).await;
    let anna = user_id(&app, "anna@bakkerij.example").await;
    seed_everything(&app, &anna, "anna@bakkerij.example", "a").await;
    assert_eq!(
        location(&app.get("/dashboard/settings/export.json").await),
        "/login"
    );
    login(&app, "anna@bakkerij.example", PASSWORD).await;
    let res = app.get("/dashboard/settings/export.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = res.text().await.unwrap();
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(data["account"]["email"], "anna@bakkerij.example");
    assert_eq!(data["api_keys"][0]["name"], "Claude");
    assert_eq!(data["connections"][0]["region"], "nl");
    assert_eq!(data["divisions"][0]["code"], 1001);
    assert_eq!(data["usage_daily"][0]["calls"], 7);
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
    for secret in [
        "$argon2",
        "hash-a",
        "secret-access-a",
        "secret-refresh-a",
        "r-a",
        &anna,
    ] {
        assert!(!text.contains(secret), "{secret} must not be exported");
    }
}
