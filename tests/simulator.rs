//! The Exact simulator, as the app's OAuth client will meet it at `/sim/exact`: consent, codes,
//! the token endpoint with its painful rules, `current/Me` and the divisions.
#![cfg(feature = "ssr")]

mod common;

use common::TestApp;
use exact_mcp::sim::{
    ACCESS_TOKEN_SECONDS, CODE_SECONDS, COMPANIES, DEV_CLIENT_ID, DEV_CLIENT_SECRET,
    NO_REFRESH_BEFORE_SECONDS, REFRESH_TOKEN_SECONDS,
};
use reqwest::{StatusCode, header};
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:9/oauth/exact/callback";

fn query_of(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Opens the consent page and submits it; returns the redirect's query.
async fn consent(app: &TestApp, decision: &str, divisions: &[i64]) -> Vec<(String, String)> {
    let page = app
        .get(&format!(
            "/sim/exact/api/oauth2/auth?client_id={DEV_CLIENT_ID}&redirect_uri={}&response_type=code&state=st-<1>",
            urlencode(REDIRECT)
        ))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("sim-allow") && html.contains("sim-deny"));
    assert!(html.contains("st-&lt;1&gt;"), "values are escaped");
    let mut form = vec![
        ("client_id".to_string(), DEV_CLIENT_ID.to_string()),
        ("redirect_uri".to_string(), REDIRECT.to_string()),
        ("state".to_string(), "st-<1>".to_string()),
        ("decision".to_string(), decision.to_string()),
    ];
    for d in divisions {
        form.push(("division".to_string(), d.to_string()));
    }
    let res = app
        .client
        .post(app.at("/sim/exact/api/oauth2/auth"))
        .header(header::ORIGIN, &app.url)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    let location = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.starts_with(REDIRECT));
    query_of(&location)
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A server-to-server token request (no Origin header, as the app's client sends it).
async fn token(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    let mut all = vec![
        ("client_id", DEV_CLIENT_ID),
        ("client_secret", DEV_CLIENT_SECRET),
    ];
    all.extend_from_slice(form);
    common::client()
        .post(app.at("/sim/exact/api/oauth2/token"))
        .form(&all)
        .send()
        .await
        .unwrap()
}

async fn exchange(app: &TestApp, code: &str) -> reqwest::Response {
    token(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await
}

async fn refresh(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    token(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

/// A REST call with a bearer token, as the app's Exact client makes it.
async fn api_get(app: &TestApp, path: &str, access_token: &str) -> reqwest::Response {
    common::client()
        .get(app.at(&format!("/sim/exact/api/v1/{path}")))
        .bearer_auth(access_token)
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap()
}

async fn counters(app: &TestApp) -> Value {
    app.get("/sim/exact/_control/counters")
        .await
        .json()
        .await
        .unwrap()
}

async fn pair(res: reqwest::Response) -> (String, String) {
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(
        body["expires_in"],
        Value::String(ACCESS_TOKEN_SECONDS.to_string()),
        "expires_in is a string, as Exact sends it"
    );
    (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn consent_then_code_exchange_then_me_and_divisions() {
    let app = TestApp::spawn().await;
    let q = consent(&app, "allow", &[101, 303]).await;
    assert_eq!(param(&q, "state").as_deref(), Some("st-<1>"));
    let code = param(&q, "code").unwrap();

    let (access, _) = pair(exchange(&app, &code).await).await;
    let me: Value = api_get(&app, "current/Me", &access)
        .await
        .json()
        .await
        .unwrap();
    let me = &me["d"]["results"][0];
    assert_eq!(me["CurrentDivision"], 101);
    assert!(me["Email"].as_str().unwrap().contains('@'));

    let divisions: Value = api_get(&app, "101/system/Divisions", &access)
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<i64> = divisions["d"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["Code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [101, 303], "only the divisions the user chose");
    assert_eq!(COMPANIES.len(), 4);

    let res = api_get(&app, "current/Me", "not-a-token").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    app.clock.advance(ACCESS_TOKEN_SECONDS);
    let res = api_get(&app, "current/Me", &access).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "access tokens live 600 s"
    );
}

#[tokio::test]
async fn denial_comes_back_as_access_denied_with_the_state() {
    let app = TestApp::spawn().await;
    let q = consent(&app, "deny", &[101]).await;
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&q, "state").as_deref(), Some("st-<1>"));
    assert!(param(&q, "code").is_none());
}

#[tokio::test]
async fn codes_work_once_within_three_minutes_and_need_the_right_client() {
    let app = TestApp::spawn().await;
    let code = param(&consent(&app, "allow", &[101]).await, "code").unwrap();
    let res = common::client()
        .post(app.at("/sim/exact/api/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("client_id", DEV_CLIENT_ID),
            ("client_secret", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    pair(exchange(&app, &code).await).await;
    let res = exchange(&app, &code).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_grant");

    let late = param(&consent(&app, "allow", &[101]).await, "code").unwrap();
    app.clock.advance(CODE_SECONDS);
    assert_eq!(
        exchange(&app, &late).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_are_single_use_and_wait_570_seconds() {
    let app = TestApp::spawn().await;
    let code = param(&consent(&app, "allow", &[101]).await, "code").unwrap();
    let (_, first_refresh) = pair(exchange(&app, &code).await).await;

    // Too early: refused with Exact's header, and the token stays usable.
    app.clock.advance(NO_REFRESH_BEFORE_SECONDS - 1);
    let res = refresh(&app, &first_refresh).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["reason"], "TooEarlyToRefreshTokens");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "access_denied");

    app.clock.advance(1);
    let (_, second_refresh) = pair(refresh(&app, &first_refresh).await).await;
    assert_ne!(first_refresh, second_refresh);

    // The old one is spent for good.
    let res = refresh(&app, &first_refresh).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized_client");
    assert_eq!(body["error_description"], "Old refresh token used.");

    let res = refresh(&app, "never-issued").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_grant");

    // Refresh tokens expire after 30 days without use.
    app.clock.advance(REFRESH_TOKEN_SECONDS);
    let res = refresh(&app, &second_refresh).await;
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_grant");

    let c = counters(&app).await;
    assert_eq!(c["refreshes"], 1);
    assert_eq!(c["refused_too_early"], 1);
    assert_eq!(c["refused_old_token"], 1);
}

#[tokio::test]
async fn a_new_consent_ends_the_earlier_token_set_and_the_control_clock_moves() {
    let app = TestApp::spawn().await;
    let code = param(&consent(&app, "allow", &[101]).await, "code").unwrap();
    let (_, old_refresh) = pair(exchange(&app, &code).await).await;
    let code = param(&consent(&app, "allow", &[202]).await, "code").unwrap();
    pair(exchange(&app, &code).await).await;
    // The control API moves only the simulator's clock.
    let res = common::client()
        .post(app.at(&format!(
            "/sim/exact/_control/advance?seconds={NO_REFRESH_BEFORE_SECONDS}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = refresh(&app, &old_refresh).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(counters(&app).await["code_exchanges"], 2);
}

#[tokio::test]
async fn the_simulator_is_not_mounted_with_real_exact_credentials() {
    let app = TestApp::builder()
        .env("EXACT_CLIENT_ID", "real-app")
        .env("EXACT_CLIENT_SECRET", "real-secret")
        .spawn()
        .await;
    let res = app.get("/sim/exact/_control/counters").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
