//! What the service keeps, and for how long (issue 15, findings 9 and 11): a sent mail keeps no
//! link, and the clean-up job prunes every table that grows with traffic (rate windows, failed
//! sign-ins, the audit log, the outbox, abandoned OAuth states) while fresh rows stay. Throttled
//! sign-ins write one audit row per address per throttle window, not one per attempt.
use exact_mcp::server::{
    accounts::{self, LoginError, LoginName},
    db::outbox,
    jobs, mail,
    usage::window_start,
};
use secrecy::SecretString;
use test_kit::{T0, TestApp, exact::PASSWORD, smtp::PlainSmtp};

const DAY: i64 = 24 * 60 * 60;

async fn ids(app: &TestApp, sql: &'static str) -> Vec<String> {
    sqlx::query_scalar(sql)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

/// Runs the clean-up job and checks that it failed nowhere.
async fn clean_up(app: &TestApp) {
    let outcome = jobs::cleanup::run(&app.state).await.unwrap();
    assert_eq!(outcome.failed, 0, "{outcome:?}");
}

// Finding 9: live links in the outbox ----------------------------------------------------------

#[tokio::test]
async fn a_sent_mail_keeps_no_link_in_the_outbox() {
    let smtp = PlainSmtp::accepting();
    let url = smtp.url();
    let app = TestApp::spawn().await;
    let sender = mail::Sender::new(&url.into(), "no-reply@exact-mcp.example").unwrap();
    let body =
        "Choose a new password: https://mcp.example.com/reset-password?token=live-reset-token\n";
    let (sent, unsent) = (
        outbox::queue_mail(&app.state.db, "anna@bakkerij.example", "Reset", body, T0)
            .await
            .unwrap(),
        outbox::queue_mail(
            &app.state.db,
            "bob@bakkerij.example",
            "Later",
            body,
            T0 + 60,
        )
        .await
        .unwrap(),
    );

    let done = mail::deliver_due(&app.state.db, &app.clock, &sender, 1)
        .await
        .unwrap();
    assert_eq!(done, mail::Delivery { sent: 1, failed: 0 });
    let row = |id: String| {
        let pool = app.state.db.pool().clone();
        async move {
            sqlx::query_as::<_, (String, Option<i64>)>(
                "SELECT body_text, sent_at FROM email_outbox WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (stored, sent_at) = row(sent).await;
    assert_eq!(sent_at, Some(T0));
    assert!(!stored.contains("live-reset-token"), "{stored}");
    // A mail not sent yet keeps its body for the next attempt.
    let (stored, sent_at) = row(unsent).await;
    assert_eq!(sent_at, None);
    assert_eq!(stored, body);
}

#[tokio::test]
async fn cleanup_prunes_sent_mail_after_a_week_and_unsent_mail_after_30_days() {
    let app = TestApp::spawn().await;
    let now = T0;
    for (id, created, sent, attempts) in [
        ("sent-old", now - 9 * DAY, Some(now - 8 * DAY), 1),
        ("sent-live", now - 7 * DAY, Some(now - 6 * DAY), 1),
        ("failed-old", now - 31 * DAY, None, 6),
        ("failed-live", now - 29 * DAY, None, 6),
        ("queued-live", now - 60, None, 0),
    ] {
        sqlx::query("INSERT INTO email_outbox (id, to_address, subject, body_text, created_at, sent_at, attempts) VALUES ($1, 'a@example.com', 's', 'b', $2, $3, $4)")
            .bind(id).bind(created).bind(sent).bind(attempts)
            .execute(app.state.db.pool()).await.unwrap();
    }
    clean_up(&app).await;
    let mut left = ids(&app, "SELECT id FROM email_outbox").await;
    left.sort();
    assert_eq!(left, ["failed-live", "queued-live", "sent-live"]);
}

// Finding 11: unbounded growth -----------------------------------------------------------------

#[tokio::test]
async fn cleanup_prunes_rate_windows_older_than_a_day() {
    let app = TestApp::spawn().await;
    let now = T0;
    for (subject, start) in [
        ("user:old", window_start(now - 2 * DAY)),
        ("demo-key:old", now - DAY - 3600),
        ("user:live", window_start(now)),
        ("demo-key:live", now - 3600),
    ] {
        sqlx::query("INSERT INTO rate_windows (subject, window_start, hits) VALUES ($1, $2, 5)")
            .bind(subject)
            .bind(start)
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
    clean_up(&app).await;
    let mut left = ids(&app, "SELECT subject FROM rate_windows").await;
    left.sort();
    assert_eq!(left, ["demo-key:live", "user:live"]);
}

#[tokio::test]
async fn cleanup_prunes_failed_sign_ins_older_than_a_week() {
    let app = TestApp::spawn().await;
    let now = T0;
    for (id, at) in [("la-old", now - 8 * DAY), ("la-live", now - 6 * DAY)] {
        sqlx::query("INSERT INTO login_attempts (id, email, ip, succeeded, created_at) VALUES ($1, 'a@example.com', '10.0.0.1', 0, $2)")
            .bind(id).bind(at)
            .execute(app.state.db.pool()).await.unwrap();
    }
    clean_up(&app).await;
    assert_eq!(
        ids(&app, "SELECT id FROM login_attempts").await,
        ["la-live"]
    );
}

async fn audit_rows(app: &TestApp, rows: &[(&str, i64)]) {
    for (id, at) in rows {
        sqlx::query(
            "INSERT INTO audit_log (id, action, created_at) VALUES ($1, 'test.action', $2)",
        )
        .bind(id)
        .bind(at)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn cleanup_prunes_the_audit_log_after_its_retention() {
    let app = TestApp::spawn().await;
    audit_rows(
        &app,
        &[("al-old", T0 - 366 * DAY), ("al-live", T0 - 364 * DAY)],
    )
    .await;
    clean_up(&app).await;
    let left = ids(
        &app,
        "SELECT id FROM audit_log WHERE action = 'test.action'",
    )
    .await;
    assert_eq!(left, ["al-live"], "365 days by default");

    let app = TestApp::builder()
        .env("AUDIT_RETENTION_DAYS", "30")
        .spawn()
        .await;
    audit_rows(
        &app,
        &[("al-old", T0 - 31 * DAY), ("al-live", T0 - 29 * DAY)],
    )
    .await;
    clean_up(&app).await;
    let left = ids(
        &app,
        "SELECT id FROM audit_log WHERE action = 'test.action'",
    )
    .await;
    assert_eq!(left, ["al-live"], "AUDIT_RETENTION_DAYS=30");
}

#[tokio::test]
async fn cleanup_prunes_expired_anonymous_oauth_states() {
    let app = TestApp::spawn().await;
    for (hash, expires) in [("anon-old", T0 - 1), ("anon-live", T0 + 600)] {
        sqlx::query("INSERT INTO oauth_states (state_hash, session_id, user_id, purpose, region, created_at, expires_at) VALUES ($1, 'b', NULL, 'signin', 'nl', $2, $3)")
            .bind(hash).bind(T0 - 600).bind(expires)
            .execute(app.state.db.pool()).await.unwrap();
    }
    clean_up(&app).await;
    assert_eq!(
        ids(&app, "SELECT state_hash FROM oauth_states").await,
        ["anon-live"]
    );
}

#[tokio::test]
async fn throttled_sign_ins_write_one_audit_row_per_address_per_window() {
    let app = TestApp::spawn().await;
    let email = "anna@bakkerij.example";
    app.create_user(email, PASSWORD, false).await;
    let name = LoginName::parse(email);
    let mut throttled = 0;
    // Bounded: the throttle refuses after a handful of failures.
    for _ in 0..100 {
        let wrong = SecretString::from("not-the-password".to_string());
        match accounts::login(&app.state.db, &app.clock, &name, wrong, "10.0.0.1").await {
            Err(LoginError::Throttled) => throttled += 1,
            Err(LoginError::Failed) => {}
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("signed in with a wrong password"),
        }
        if throttled == 20 {
            break;
        }
    }
    assert_eq!(throttled, 20, "the throttle refused");
    let rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled' AND target_id = $1",
    )
    .bind(email)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(rows, 1, "one row per address per throttle window");
}

#[tokio::test]
async fn cleanup_prunes_unused_oauth_clients_and_expired_codes_and_refresh_tokens() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let user: String = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let db = app.state.db.pool();
    // Registered 31 days ago: never used, used 31 days ago, used yesterday; registered today.
    for (id, created, used) in [
        ("c-never", T0 - 31 * DAY, None),
        ("c-stale", T0 - 40 * DAY, Some(T0 - 31 * DAY)),
        ("c-used", T0 - 40 * DAY, Some(T0 - DAY)),
        ("c-new", T0, None),
    ] {
        sqlx::query("INSERT INTO oauth_clients (id, name, redirect_uris, created_at, last_used_at) VALUES ($1, 'x', '[]', $2, $3)")
            .bind(id).bind(created).bind(used)
            .execute(db).await.unwrap();
    }
    for (hash, expires) in [("code-old", T0 - 120), ("code-live", T0 + 30)] {
        sqlx::query("INSERT INTO oauth_codes (code_hash, user_id, client_id, client_name, client_host, redirect_uri, code_challenge, resource, scope, expires_at) VALUES ($1, $2, 'c', 'n', 'h', 'r', 'ch', 'res', 's', $3)")
            .bind(hash).bind(&user).bind(expires)
            .execute(db).await.unwrap();
    }
    sqlx::query("INSERT INTO oauth_grants (id, user_id, client_id, client_name, client_host, scope, resource, created_at) VALUES ('g', $1, 'c', 'n', 'h', 's', 'r', $2)")
        .bind(&user).bind(T0)
        .execute(db).await.unwrap();
    for (hash, expires) in [("rt-old", T0 - 1), ("rt-live", T0 + DAY)] {
        sqlx::query("INSERT INTO oauth_refresh_tokens (token_hash, grant_id, created_at, expires_at) VALUES ($1, 'g', $2, $3)")
            .bind(hash).bind(T0 - 30 * DAY).bind(expires)
            .execute(db).await.unwrap();
    }
    clean_up(&app).await;
    assert_eq!(
        ids(&app, "SELECT id FROM oauth_clients ORDER BY id").await,
        ["c-new", "c-used"]
    );
    assert_eq!(
        ids(&app, "SELECT code_hash FROM oauth_codes").await,
        ["code-live"]
    );
    assert_eq!(
        ids(&app, "SELECT token_hash FROM oauth_refresh_tokens").await,
        ["rt-live"]
    );
}
