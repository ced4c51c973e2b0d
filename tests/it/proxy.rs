//! The client's address behind a reverse proxy (`TRUSTED_PROXIES`): the login throttle, the
//! demo-key limit, sessions and the audit log count the forwarded client when the connection
//! comes from a trusted proxy, and ignore `X-Forwarded-For` from anyone else.
use reqwest::{StatusCode, header};
use test_kit::TestApp;

const PASSWORD: &str = "kaas-brood-fiets-42";
const XFF: &str = "x-forwarded-for";

/// The test client connects from 127.0.0.1: trusting it makes it "the proxy".
async fn behind_proxy() -> TestApp {
    TestApp::builder()
        .env("TRUSTED_PROXIES", "127.0.0.1/32")
        .spawn()
        .await
}

/// A sign-in as the hydrated form sends it, with the given `X-Forwarded-For`.
async fn login_from(app: &TestApp, xff: &str, email: &str, password: &str) -> StatusCode {
    app.client
        .post(app.at("/api/login"))
        .header(header::ORIGIN, &app.url)
        .header(XFF, xff)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

/// 20 failures from 20 different emails: the per-address limit, not the per-email one.
async fn fail_twenty_times(app: &TestApp, xff: &str) {
    for i in 0..20 {
        let email = format!("guess{i}@bakkerij.example");
        let status = login_from(app, xff, &email, "not-the-password-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
}

async fn demo_key_from(app: &TestApp, xff: &str) -> StatusCode {
    app.client
        .post(app.at("/api/demo-key"))
        .header(header::ORIGIN, &app.url)
        .header(XFF, xff)
        .send()
        .await
        .unwrap()
        .status()
}

async fn audit_ips(app: &TestApp, action: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT ip FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_address_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    fail_twenty_times(&app, "198.51.100.1").await;
    // A spoofed header cannot escape the throttle of the real peer...
    let status = login_from(&app, "203.0.113.2", "anna@bakkerij.example", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // ...and the audit log records the peer, not the claim.
    let ips = audit_ips(&app, "login.failed").await;
    assert_eq!(ips.len(), 20);
    assert!(ips.iter().all(|ip| ip == "127.0.0.1"), "{ips:?}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_login_throttle_counts_each_client() {
    let app = behind_proxy().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    fail_twenty_times(&app, "198.51.100.1").await;
    // Client A is throttled; client B, behind the same proxy, is not.
    let a = login_from(&app, "198.51.100.1", "anna@bakkerij.example", PASSWORD).await;
    assert_eq!(a, StatusCode::TOO_MANY_REQUESTS);
    let b = login_from(&app, "203.0.113.2", "anna@bakkerij.example", PASSWORD).await;
    assert_eq!(b, StatusCode::OK);

    // The audit log and the session carry the forwarded addresses.
    let failed = audit_ips(&app, "login.failed").await;
    assert_eq!(failed.len(), 20);
    assert!(failed.iter().all(|ip| ip == "198.51.100.1"), "{failed:?}");
    assert_eq!(audit_ips(&app, "login.throttled").await, ["198.51.100.1"]);
    assert_eq!(audit_ips(&app, "login.succeeded").await, ["203.0.113.2"]);
    let session_ips: Vec<String> = sqlx::query_scalar("SELECT ip FROM sessions")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(session_ips, ["203.0.113.2"]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop() {
    let app = behind_proxy().await;
    // "spoof, client, trusted proxy": the address the trusted proxy saw is the client.
    let status = login_from(
        &app,
        "6.6.6.6, 198.51.100.1, 127.0.0.1",
        "nobody@bakkerij.example",
        "not-the-password-1",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(audit_ips(&app, "login.failed").await, ["198.51.100.1"]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_demo_key_limit_is_per_client() {
    let app = behind_proxy().await;
    for i in 0..5 {
        assert_eq!(
            demo_key_from(&app, "198.51.100.1").await,
            StatusCode::OK,
            "key {i}"
        );
    }
    assert_eq!(
        demo_key_from(&app, "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy has its own five.
    assert_eq!(demo_key_from(&app, "203.0.113.2").await, StatusCode::OK);
}

#[tokio::test]
async fn without_trusted_proxies_the_demo_key_limit_ignores_the_header() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        let xff = format!("198.51.100.{i}");
        assert_eq!(demo_key_from(&app, &xff).await, StatusCode::OK, "key {i}");
    }
    assert_eq!(
        demo_key_from(&app, "203.0.113.2").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
