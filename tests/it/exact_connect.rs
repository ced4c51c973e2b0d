//! Connecting Exact Online through the embedded simulator: the OAuth flow with its state rules,
//! encrypted storage, divisions within the plan's cap, Sign in with Exact, and the connections
//! server functions.
use exact_mcp::server::vault;
use exact_sim::{DEMO_USER_EMAIL, DEMO_USER_ID, DEMO_USER_NAME};
use reqwest::{StatusCode, header};
use secrecy::ExposeSecret;
use sqlx::Row;
use test_kit::{
    T0, TestApp,
    exact::{
        PASSWORD, connected, consent, consent_until_callback, count, location, only_connection,
        sign_in, sim_counters,
    },
};

use test_kit::post_form;

async fn assert_nothing_stored(app: &TestApp) {
    assert_eq!(count(app, "SELECT COUNT(*) FROM connections").await, 0);
    assert_eq!(count(app, "SELECT COUNT(*) FROM divisions").await, 0);
}

#[tokio::test]
async fn connecting_creates_an_active_connection_with_encrypted_tokens() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101, 202, 303]).await;

    let row = sqlx::query(
        "SELECT access_token, refresh_token, token_issued_at, token_expires_at, refresh_token_expires_at, \
         status, exact_user_id, exact_user_name, exact_email, region FROM connections WHERE id = $1",
    )
    .bind(&id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    let stored_access: String = row.try_get(0).unwrap();
    let stored_refresh: String = row.try_get(1).unwrap();
    assert!(vault::is_encrypted(&stored_access) && vault::is_encrypted(&stored_refresh));
    let v = app.state.exact.vault();
    let access = v
        .decrypt(&stored_access, &vault::place(&id, "access_token"))
        .unwrap();
    let refresh = v
        .decrypt(&stored_refresh, &vault::place(&id, "refresh_token"))
        .unwrap();
    assert!(!stored_access.contains(access.expose_secret()));
    assert!(!stored_refresh.contains(refresh.expose_secret()));
    // What is stored is what the simulator issued: it works there.
    let me = app
        .client
        .get(app.at("/sim/exact/api/v1/current/Me"))
        .bearer_auth(access.expose_secret())
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(row.try_get::<i64, _>(2).unwrap(), T0);
    assert_eq!(row.try_get::<i64, _>(3).unwrap(), T0 + 600);
    assert_eq!(row.try_get::<i64, _>(4).unwrap(), T0 + 30 * 24 * 3600);
    assert_eq!(row.try_get::<String, _>(5).unwrap(), "active");
    assert_eq!(row.try_get::<String, _>(6).unwrap(), DEMO_USER_ID);
    assert_eq!(row.try_get::<String, _>(7).unwrap(), DEMO_USER_NAME);
    assert_eq!(row.try_get::<String, _>(8).unwrap(), DEMO_USER_EMAIL);
    assert_eq!(row.try_get::<String, _>(9).unwrap(), "nl");

    // Divisions: all three granted, the current one (101) is the default, and the free plan's
    // cap of two active divisions holds.
    let divisions = sqlx::query("SELECT code, is_default, is_active FROM divisions ORDER BY code")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    let got: Vec<(i64, i64, i64)> = divisions
        .iter()
        .map(|r| {
            (
                r.try_get(0).unwrap(),
                r.try_get(1).unwrap(),
                r.try_get(2).unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![(101, 1, 1), (202, 0, 1), (303, 0, 0)]);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'connection.connected'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_callback_redirects_to_the_dashboard_with_a_success_message() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "anna@bakkerij.example").await;
    let flow = consent(&app, &app.client, "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&flow.response),
        "/dashboard/connections?connected=1"
    );
    let page = app
        .get("/dashboard/connections?connected=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("connect-success"), "success message shown");
    assert!(page.contains(DEMO_USER_NAME), "the connection is listed");
}

#[tokio::test]
async fn the_authorize_redirect_carries_client_redirect_uri_and_a_fresh_state() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "anna@bakkerij.example").await;
    let mut states = Vec::new();
    for _ in 0..2 {
        let res = app.get("/connect/exact?region=be").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let target = url::Url::parse(&location(&res)).unwrap();
        let q: std::collections::HashMap<String, String> =
            target.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], exact_sim::DEV_CLIENT_ID);
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], app.at("/oauth/exact/callback"));
        assert!(q["state"].len() >= 32);
        states.push(q["state"].clone());
    }
    assert_ne!(states[0], states[1]);
    // Only hashes are stored.
    let stored: Vec<String> = sqlx::query_scalar("SELECT state_hash FROM oauth_states")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|h| !states.contains(h)));
    // An unknown region is refused before anything is stored.
    let res = app.get("/connect/exact?region=xx").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM oauth_states").await, 2);
}

#[tokio::test]
async fn bad_missing_expired_replayed_or_foreign_states_store_nothing() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "anna@bakkerij.example").await;

    // Missing and unknown states.
    for path in [
        "/oauth/exact/callback?code=abc",
        "/oauth/exact/callback?code=abc&state=forged-state-value",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("oauth-error-message") && body.contains("/dashboard/connections"),
            "{body}"
        );
    }
    assert_nothing_stored(&app).await;

    // Expired: the consent took longer than 10 minutes.
    let callback = consent_until_callback(&app, &app.client, "nl", true, &[101]).await;
    app.clock.advance(601);
    let res = app.client.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_nothing_stored(&app).await;

    // Another browser (without the binding cookie) cannot use the callback URL...
    let callback = consent_until_callback(&app, &app.client, "nl", true, &[101]).await;
    let stranger = test_kit::client();
    let res = stranger.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_nothing_stored(&app).await;
    // ...and its attempt used the state up: the owner cannot replay it either.
    let res = app.client.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_nothing_stored(&app).await;

    // Replayed: the first use connects, the second is refused and changes nothing.
    let flow = consent(&app, &app.client, "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    let id = only_connection(&app).await;
    let before: String = sqlx::query_scalar("SELECT access_token FROM connections")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let again = app.client.get(&flow.callback_url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let after: String = sqlx::query_scalar("SELECT access_token FROM connections")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(only_connection(&app).await, id);
}

#[tokio::test]
async fn a_state_started_by_one_account_is_refused_for_another() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    app.create_user("bram@bakkerij.example", PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "anna@bakkerij.example").await;
    let callback = consent_until_callback(&app, &app.client, "nl", true, &[101]).await;
    // Same browser, but now signed in as someone else.
    sign_in(&app, &app.client, "bram@bakkerij.example").await;
    let res = app.client.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn denied_consent_shows_the_friendly_page_and_stores_nothing() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "anna@bakkerij.example").await;
    let flow = consent(&app, &app.client, "nl", false, &[]).await;
    assert!(flow.callback_url.contains("error=access_denied"));
    assert_eq!(flow.response.status(), StatusCode::BAD_REQUEST);
    let body = flow.response.text().await.unwrap();
    assert!(
        body.contains("You declined access in Exact Online"),
        "{body}"
    );
    assert!(body.contains(r#"href="/dashboard/connections""#));
    assert_nothing_stored(&app).await;
    assert_eq!(sim_counters(&app).await["code_exchanges"], 0);
}

#[tokio::test]
async fn a_failed_code_exchange_stores_nothing() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "anna@bakkerij.example").await;
    let callback = consent_until_callback(&app, &app.client, "nl", true, &[101]).await;
    // The code lives three minutes; the state ten.
    app.clock.advance(181);
    let res = app.client.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    let body = res.text().await.unwrap();
    assert!(body.contains("did not complete the connection"), "{body}");
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn sign_in_with_exact_creates_the_account_then_reuses_it() {
    let app = TestApp::spawn().await;
    let browser = test_kit::client();
    let flow = consent(&app, &browser, "nl", true, &[101, 202]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    assert!(
        flow.response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("emcp_session=")),
        "signed in"
    );
    let user: (String, String, Option<String>) =
        sqlx::query_as("SELECT id, email, exact_user_id FROM users")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(user.1, DEMO_USER_EMAIL);
    assert_eq!(user.2.as_deref(), Some(DEMO_USER_ID));
    let dashboard = browser
        .get(app.at("/dashboard/connections"))
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), StatusCode::OK);

    // Later, from another browser: the same account, the same connection with new tokens.
    let other = test_kit::client();
    let flow = consent(&app, &other, "nl", true, &[101, 202]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM connections").await, 1);
    let owner: String = sqlx::query_scalar("SELECT user_id FROM connections")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(owner, user.0);
}

#[tokio::test]
async fn sign_in_with_exact_never_takes_over_a_password_account_with_the_same_email() {
    let app = TestApp::spawn().await;
    app.create_user(DEMO_USER_EMAIL, PASSWORD, false).await;
    let browser = test_kit::client();
    let flow = consent(&app, &browser, "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), StatusCode::CONFLICT);
    assert!(
        !flow
            .response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("emcp_session=")),
        "not signed in"
    );
    let body = flow.response.text().await.unwrap();
    assert!(body.contains("Sign in with your password first"), "{body}");
    assert!(body.contains(r#"href="/login""#));
    assert_nothing_stored(&app).await;

    // Connected from the password account, the Exact login then signs into that account.
    sign_in(&app, &app.client, DEMO_USER_EMAIL).await;
    let flow = consent(&app, &app.client, "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    let flow = consent(&app, &test_kit::client(), "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, 1);
}

#[tokio::test]
async fn connections_functions_list_set_default_activate_within_the_cap_and_disconnect() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101, 202, 303]).await;
    let list: serde_json::Value = post_form(&app, &app.client, "/api/connections", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "Active");
    assert_eq!(list[0]["divisions"].as_array().unwrap().len(), 3);

    // Free plan: two active already; a third is refused, after a deactivation it fits.
    let over = post_form(
        &app,
        &app.client,
        "/api/connections/division-active",
        &[("connection_id", &id), ("code", "303"), ("active", "true")],
    )
    .await;
    assert_eq!(over.status(), StatusCode::CONFLICT);
    assert!(over.text().await.unwrap().contains("allows 2 active"));
    let off = post_form(
        &app,
        &app.client,
        "/api/connections/division-active",
        &[("connection_id", &id), ("code", "202"), ("active", "false")],
    )
    .await;
    assert_eq!(off.status(), StatusCode::OK);
    let on = post_form(
        &app,
        &app.client,
        "/api/connections/division-active",
        &[("connection_id", &id), ("code", "303"), ("active", "true")],
    )
    .await;
    assert_eq!(on.status(), StatusCode::OK);
    let active: Vec<i64> =
        sqlx::query_scalar("SELECT code FROM divisions WHERE is_active = 1 ORDER BY code")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(active, vec![101, 303]);

    let res = post_form(
        &app,
        &app.client,
        "/api/connections/default-division",
        &[("connection_id", &id), ("code", "303")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let default: i64 = sqlx::query_scalar("SELECT code FROM divisions WHERE is_default = 1")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(default, 303);

    // Another account can neither see nor change this connection.
    app.create_user("eve@elders.example", PASSWORD, false).await;
    let eve = test_kit::client();
    sign_in(&app, &eve, "eve@elders.example").await;
    let theirs: serde_json::Value = post_form(&app, &eve, "/api/connections", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 0);
    for (path, form) in [
        (
            "/api/connections/default-division",
            vec![("connection_id", id.as_str()), ("code", "101")],
        ),
        (
            "/api/connections/division-active",
            vec![
                ("connection_id", id.as_str()),
                ("code", "101"),
                ("active", "false"),
            ],
        ),
        (
            "/api/connections/check",
            vec![("connection_id", id.as_str())],
        ),
        (
            "/api/connections/disconnect",
            vec![("connection_id", id.as_str())],
        ),
    ] {
        let res = post_form(&app, &eve, path, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM connections").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM divisions WHERE is_default = 1 AND code = 303"
        )
        .await,
        1
    );
    // Signed out: 401.
    let res = post_form(&app, &test_kit::client(), "/api/connections", &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // The owner tests the connection, then disconnects: tokens and divisions are gone.
    let check = post_form(
        &app,
        &app.client,
        "/api/connections/check",
        &[("connection_id", &id)],
    )
    .await;
    assert_eq!(check.status(), StatusCode::OK);
    assert!(check.text().await.unwrap().contains(DEMO_USER_NAME));
    let res = post_form(
        &app,
        &app.client,
        "/api/connections/disconnect",
        &[("connection_id", &id)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_nothing_stored(&app).await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'connection.disconnected'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn one_account_can_hold_connections_in_several_regions() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    sign_in(&app, &app.client, "anna@bakkerij.example").await;
    for region in ["nl", "be"] {
        let flow = consent(&app, &app.client, region, true, &[101, 202]).await;
        assert_eq!(flow.response.status(), StatusCode::SEE_OTHER, "{region}");
    }
    let regions: Vec<String> = sqlx::query_scalar("SELECT region FROM connections ORDER BY region")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(regions, vec!["be", "nl"]);
    let list: serde_json::Value = post_form(&app, &app.client, "/api/connections", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    // The plan's cap counts across connections: free allows two active divisions in all.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM divisions").await, 4);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM divisions WHERE is_active = 1").await,
        2
    );
}
