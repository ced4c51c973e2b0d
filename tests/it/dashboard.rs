//! The dashboard overview shows, beside usage, the Exact connections (and any needing a new
//! consent) and the keys and apps at a glance, rendered on the server for the signed-in person.
use super::admin_panel::signed_in;
use reqwest::StatusCode;
use test_kit::{TestApp, exact::PASSWORD, mcp::user_id};

#[tokio::test]
async fn the_overview_shows_connections_and_keys_at_a_glance() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    let anna = signed_in(&app, "anna@bakkerij.example").await;

    let html = anna.get(app.at("/dashboard")).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    let html = html.text().await.unwrap();
    assert!(html.contains("id=\"connections-glance\"") && html.contains("id=\"keys-glance\""));
    assert!(
        html.contains("No administration connected yet."),
        "nothing connected yet"
    );
    assert!(!html.contains("id=\"glance-reconsent\""));

    test_kit::mcp::key_for(&app, "anna@bakkerij.example").await;
    let anna_id = user_id(&app, "anna@bakkerij.example").await;
    let now = app.clock_now();
    for (i, status) in ["active", "needs_reauth"].iter().enumerate() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO connections (id, user_id, region, exact_user_id, exact_user_name, status, created_at, updated_at) \
             VALUES ('c{i}', '{anna_id}', 'nl', 'e{i}', 'Exact user {i}', '{status}', {now}, {now})"
        )))
        .execute(app.state.db.pool())
        .await
        .unwrap();
    }
    let html = anna
        .get(app.at("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Exact user 0") && html.contains("Exact user 1"));
    assert!(html.contains("data-status=\"needs_reauth\""));
    assert!(
        html.contains("id=\"glance-reconsent\""),
        "the stale connection is pointed out"
    );
    let keys = html.split("id=\"glance-keys\"").nth(1).unwrap_or_default();
    assert!(
        keys.trim_start_matches(|c| c != '>').starts_with(">1<"),
        "one key: {}",
        &keys[..40.min(keys.len())]
    );
}
