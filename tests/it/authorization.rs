//! exact-mcp as its own OAuth 2.1 authorization server (issue 17): discovery, registration and
//! metadata documents, authorization with consent, tokens, refresh and revocation, and `/mcp`
//! accepting the access tokens as it accepts API keys. The end-to-end flows use rmcp's own OAuth
//! client; the refusals are driven by hand, one request each.

use exact_mcp::server::{accounts, audit::Actor};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use oauth2::TokenResponse;
use reqwest::{Client, StatusCode, header};
use rmcp::{
    ServiceExt,
    transport::{
        AuthClient, AuthorizationManager, StreamableHttpClientTransport,
        auth::{AuthorizationRequest, OAuthState},
        streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Value, json};
use test_kit::{
    TestApp,
    exact::location,
    mcp::{connected_user, initialize, key_for, post, user_id},
};

const REDIRECT: &str = "http://127.0.0.1:1/callback";

/// The `WWW-Authenticate` challenge of an unauthenticated `/mcp` request.
async fn challenge(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let res = post(app, token)
        .json(&initialize("2025-11-25"))
        .send()
        .await
        .unwrap();
    let header = res
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.status(), header)
}

/// The status `/mcp` answers an `initialize` carrying `token`.
async fn mcp_status(app: &TestApp, token: &str) -> StatusCode {
    challenge(app, Some(token)).await.0
}

/// The hidden fields of the consent page's form.
fn form_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|part| {
            let name = part
                .split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let value = part
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let value = value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            (name.to_string(), value)
        })
        .collect()
}

/// The signed-in browser opens the authorization URL, sees the consent page and answers it;
/// returns the page and the redirect the answer produced.
async fn consent(app: &TestApp, browser: &Client, url: &str, decision: &str) -> (String, String) {
    let page = browser.get(url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the consent page shows");
    let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("form-action 'self' http://127.0.0.1:1;")
            || csp.ends_with("form-action 'self' http://127.0.0.1:1"),
        "the answer may redirect to the client: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = page.text().await.unwrap();
    let mut form = form_fields(&html);
    form.push(("decision".into(), decision.into()));
    let answer = browser
        .post(app.at("/oauth/authorize"))
        .header(header::ORIGIN, &app.url)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    (html, location(&answer))
}

/// rmcp's OAuth client through the whole flow: discovery from the 401's challenge, DCR or a
/// metadata document, PKCE, consent by `browser`, the code exchanged for tokens.
async fn rmcp_sign_in(
    app: &TestApp,
    browser: &Client,
    request: AuthorizationRequest,
) -> (AuthorizationManager, String) {
    let (status, www) = challenge(app, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut oauth = OAuthState::new(app.at("/mcp"), None).await.unwrap();
    oauth
        .start_authorization(request.with_challenge(www))
        .await
        .expect("discovery and client identification");
    let url = oauth.get_authorization_url().await.unwrap();
    let (html, back) = consent(app, browser, &url, "allow").await;
    assert!(back.starts_with(REDIRECT), "{back}");
    oauth
        .handle_callback_url(&back)
        .await
        .expect("code exchanged, iss checked");
    (oauth.into_authorization_manager().unwrap(), html)
}

async fn rmcp_client(
    app: &TestApp,
    manager: AuthorizationManager,
) -> (
    rmcp::service::RunningService<rmcp::RoleClient, ()>,
    AuthClient<reqwest_rmcp::Client>,
) {
    let auth = AuthClient::new(reqwest_rmcp::Client::new(), manager);
    let transport = StreamableHttpClientTransport::with_client(
        auth.clone(),
        StreamableHttpClientTransportConfig::with_uri(app.at("/mcp")),
    );
    (
        ().serve(transport).await.expect("MCP client initializes"),
        auth,
    )
}

#[tokio::test]
async fn discovery_starts_from_the_401_and_describes_both_servers() {
    let app = TestApp::spawn().await;
    let (status, www) = challenge(&app, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let metadata_url = app.at("/.well-known/oauth-protected-resource/mcp");
    assert!(
        www.starts_with(&format!("Bearer resource_metadata=\"{metadata_url}\"")),
        "{www}"
    );
    assert!(!www.contains("invalid_token"), "{www}");
    let (_, presented) = challenge(&app, Some("emcp_nope")).await;
    assert!(presented.contains("error=\"invalid_token\""), "{presented}");
    assert!(presented.contains("resource_metadata="), "{presented}");

    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        let prm: Value = app.get(path).await.json().await.unwrap();
        assert_eq!(prm["resource"], app.at("/mcp"));
        assert_eq!(prm["authorization_servers"], json!([app.url]));
        assert_eq!(prm["bearer_methods_supported"], json!(["header"]));
        assert_eq!(prm["scopes_supported"], json!(["exact:read"]));
    }
    let asm: Value = app
        .get("/.well-known/oauth-authorization-server")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asm["issuer"], app.url);
    assert_eq!(asm["authorization_endpoint"], app.at("/oauth/authorize"));
    assert_eq!(asm["token_endpoint"], app.at("/oauth/token"));
    assert_eq!(asm["registration_endpoint"], app.at("/oauth/register"));
    assert_eq!(asm["revocation_endpoint"], app.at("/oauth/revoke"));
    assert_eq!(asm["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(asm["response_types_supported"], json!(["code"]));
    assert_eq!(
        asm["grant_types_supported"],
        json!(["authorization_code", "refresh_token"])
    );
    assert!(
        asm["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("none"))
    );
    assert_eq!(asm["client_id_metadata_document_supported"], true);
    assert_eq!(asm["authorization_response_iss_parameter_supported"], true);
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    assert!(key.get("d").is_none(), "no private part");
    assert_eq!(
        key["kid"],
        app.state.settings.oauth_signing_key.kid(),
        "the current key"
    );
}

#[tokio::test]
async fn a_real_mcp_client_registers_signs_in_calls_tools_refreshes_and_is_revoked() {
    let app = TestApp::spawn().await;
    let (browser, _) = connected_user(&app, "ada@bakkerij.example", &[101]).await;
    let (manager, html) = rmcp_sign_in(
        &app,
        &browser,
        AuthorizationRequest::new(REDIRECT).with_client_name("Claude <test>"),
    )
    .await;
    assert!(
        html.contains("Claude &lt;test&gt;"),
        "the client's name, escaped"
    );
    assert!(html.contains("127.0.0.1"), "its redirect host");
    assert!(html.contains("consent-administrations"), "what it can read");

    let (client, auth) = rmcp_client(&app, manager).await;
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "list_divisions"));
    let result = test_kit::mcp::call(&client, "list_divisions", json!({})).await;
    let divisions = test_kit::mcp::data(&result);
    assert!(divisions.to_string().contains("101"), "{divisions}");

    // Refresh: a new pair; the old refresh token is spent.
    let (_, before) = auth
        .auth_manager
        .lock()
        .await
        .get_credentials()
        .await
        .unwrap();
    let old_refresh = before.unwrap().refresh_token().unwrap().secret().clone();
    auth.auth_manager
        .lock()
        .await
        .refresh_token()
        .await
        .expect("refreshed");
    let (_, after) = auth
        .auth_manager
        .lock()
        .await
        .get_credentials()
        .await
        .unwrap();
    let after = after.unwrap();
    let new_refresh = after.refresh_token().unwrap().secret().clone();
    assert_ne!(old_refresh, new_refresh);
    client
        .list_all_tools()
        .await
        .expect("works with the refreshed token");

    // Revoke (RFC 7009): the app's tokens stop working at the next request.
    let access = after.access_token().secret().clone();
    let res = Client::new()
        .post(app.at("/oauth/revoke"))
        .form(&[("token", new_refresh.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(mcp_status(&app, &access).await, StatusCode::UNAUTHORIZED);
    assert!(
        client.list_all_tools().await.is_err(),
        "the client is refused"
    );
}

/// Serves a client metadata document (and variants) on a port of its own.
async fn serve_documents(redirect: &'static str) -> String {
    use axum::{Router, http::HeaderMap, response::IntoResponse, routing::get};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let doc = |url: String, name: &str| {
        json!({
            "client_id": url,
            "client_name": name,
            "redirect_uris": [redirect],
            "token_endpoint_auth_method": "none",
        })
    };
    let good = doc(format!("{base}/client.json"), "Metadata Test App");
    let impostor = doc(format!("{base}/client.json"), "Impostor");
    let router = Router::new()
        .route("/client.json", get(move || async move { axum::Json(good) }))
        .route(
            "/other.json",
            get(move || async move { axum::Json(impostor) }),
        )
        .route(
            "/big.json",
            get(|| async { "x".repeat(70 * 1024).into_response() }),
        )
        .route(
            "/moved.json",
            get(|| async {
                let mut h = HeaderMap::new();
                h.insert(header::LOCATION, "/client.json".parse().unwrap());
                (StatusCode::FOUND, h)
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

#[tokio::test]
async fn a_client_metadata_document_identifies_the_client() {
    let app = TestApp::spawn().await;
    let (browser, _) = connected_user(&app, "ada@bakkerij.example", &[101]).await;
    let docs = serve_documents(REDIRECT).await;
    let client_id = format!("{docs}/client.json");
    let (manager, html) = rmcp_sign_in(
        &app,
        &browser,
        AuthorizationRequest::new(REDIRECT).with_preregistered_client(&client_id),
    )
    .await;
    assert!(html.contains("Metadata Test App"), "the document's name");
    let (client, _) = rmcp_client(&app, manager).await;
    client.list_all_tools().await.unwrap();
    let apps = exact_mcp::server::authorization::list_apps(
        &app.state.db,
        &user_id(&app, "ada@bakkerij.example").await,
    )
    .await
    .unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].client_name, "Metadata Test App");
    assert_eq!(apps[0].client_host, "127.0.0.1");
    assert_eq!(
        exact_mcp::server::db::oauth::client(&app.state.db, &client_id)
            .await
            .unwrap()
            .map(|c| c.id),
        None,
        "a document's client is not registered"
    );
}

/// Query parameters of a well-formed authorization request for `client_id`.
fn authorize_query(app: &TestApp, client_id: &str, challenge: &str) -> Vec<(String, String)> {
    [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("state", "st-1"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("resource", &app.at("/mcp")),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn authorize_url(app: &TestApp, query: &[(String, String)]) -> String {
    let mut url = url::Url::parse(&app.at("/oauth/authorize")).unwrap();
    url.query_pairs_mut().extend_pairs(query);
    url.to_string()
}

fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn register(app: &TestApp, name: &str) -> String {
    let res = Client::new()
        .post(app.at("/oauth/register"))
        .json(&json!({ "client_name": name, "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    body["client_id"].as_str().unwrap().to_string()
}

/// A code for `client_id`, allowed by the signed-in `browser`.
async fn code_for(app: &TestApp, browser: &Client, client_id: &str) -> String {
    let url = authorize_url(app, &authorize_query(app, client_id, CHALLENGE));
    let (_, back) = consent(app, browser, &url, "allow").await;
    let q = query_of(&back);
    assert_eq!(q["state"], "st-1");
    assert_eq!(q["iss"], app.url);
    q["code"].clone()
}

async fn token_request(app: &TestApp, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let res = Client::new()
        .post(app.at("/oauth/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    (res.status(), res.json().await.unwrap())
}

async fn redeem(app: &TestApp, client_id: &str, code: &str) -> (StatusCode, Value) {
    token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            ("resource", &app.at("/mcp")),
        ],
    )
    .await
}

async fn refresh(app: &TestApp, client_id: &str, token: &str) -> (StatusCode, Value) {
    token_request(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", client_id),
        ],
    )
    .await
}

/// An account with a connection, a registered client and a first token pair.
async fn granted(app: &TestApp) -> (Client, String, Value) {
    let (browser, _) = connected_user(app, "ada@bakkerij.example", &[101]).await;
    let client_id = register(app, "Test app").await;
    let code = code_for(app, &browser, &client_id).await;
    let (status, tokens) = redeem(app, &client_id, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    (browser, client_id, tokens)
}

fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().unwrap().to_string()
}

/// A token signed with the app's own key, with `claims` changed as given.
fn forge(app: &TestApp, alg: Algorithm, kid: &str, claims: &Value) -> String {
    let key = &app.state.settings.oauth_signing_key;
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_string());
    let encoding = match alg {
        Algorithm::EdDSA => EncodingKey::from_ed_der(key.pkcs8()),
        _ => EncodingKey::from_secret(key.public_x().as_bytes()),
    };
    jsonwebtoken::encode(&header, claims, &encoding).unwrap()
}

fn b64(v: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

#[tokio::test]
async fn forged_expired_misdirected_and_revoked_tokens_get_401() {
    let app = TestApp::spawn().await;
    let (_, client_id, tokens) = granted(&app).await;
    let token = access(&tokens);
    assert_eq!(mcp_status(&app, &token).await, StatusCode::OK);
    let parts: Vec<&str> = token.split('.').collect();
    let claims: Value = {
        use base64::Engine as _;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap();
        serde_json::from_slice(&raw).unwrap()
    };
    assert_eq!(claims["aud"], app.at("/mcp"));
    assert_eq!(claims["iss"], app.url);
    assert_eq!(claims["client_id"], client_id.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    let kid = app.state.settings.oauth_signing_key.kid();
    let now = app.clock_now();
    let with = |change: Value| {
        let mut c = claims.clone();
        for (k, v) in change.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    // The forgery check itself: the same claims re-signed by the test verify.
    assert_eq!(
        mcp_status(&app, &forge(&app, Algorithm::EdDSA, &kid, &claims)).await,
        StatusCode::OK
    );
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": kid})),
        parts[1]
    );
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(&with(json!({"sub": "someone-else"}))),
        parts[2]
    );
    let stranger = exact_mcp::server::config::SigningKey::generate();
    let unknown_kid = {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(stranger.kid());
        jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_ed_der(stranger.pkcs8()),
        )
        .unwrap()
    };
    let cases = [
        ("alg none", none),
        (
            "HS256 with the public key",
            forge(&app, Algorithm::HS256, &kid, &claims),
        ),
        ("tampered payload", tampered),
        (
            "another resource",
            forge(
                &app,
                Algorithm::EdDSA,
                &kid,
                &with(json!({"aud": "https://other.example/mcp"})),
            ),
        ),
        (
            "another issuer",
            forge(
                &app,
                Algorithm::EdDSA,
                &kid,
                &with(json!({"iss": "https://other.example"})),
            ),
        ),
        (
            "expired",
            forge(
                &app,
                Algorithm::EdDSA,
                &kid,
                &with(json!({"iat": now - 7200, "exp": now - 3600})),
            ),
        ),
        (
            "not yet valid",
            forge(
                &app,
                Algorithm::EdDSA,
                &kid,
                &with(json!({"nbf": now + 3600})),
            ),
        ),
        ("unknown kid", unknown_kid),
    ];
    for (what, forged) in &cases {
        assert_eq!(
            mcp_status(&app, forged).await,
            StatusCode::UNAUTHORIZED,
            "{what}"
        );
    }

    // A suspended account's token stops at the next request; reactivated, it works again.
    let email = exact_mcp::domain::Email::parse("ada@bakkerij.example").unwrap();
    let set = |status| {
        accounts::set_status(
            &app.state.db,
            app.state.clock.as_ref(),
            Actor::CommandLine,
            &email,
            status,
        )
    };
    set(exact_mcp::domain::AccountStatus::Suspended)
        .await
        .unwrap();
    assert_eq!(
        mcp_status(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "suspended"
    );
    set(exact_mcp::domain::AccountStatus::Active).await.unwrap();
    assert_eq!(
        mcp_status(&app, &token).await,
        StatusCode::OK,
        "reactivated"
    );

    // A revoked grant's token stops at the next request.
    let user = user_id(&app, "ada@bakkerij.example").await;
    let apps = exact_mcp::server::authorization::list_apps(&app.state.db, &user)
        .await
        .unwrap();
    exact_mcp::server::authorization::revoke_app(
        &app.state.db,
        app.state.clock.as_ref(),
        &user,
        &apps[0].id,
    )
    .await
    .unwrap();
    assert_eq!(
        mcp_status(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "revoked"
    );
}

#[tokio::test]
async fn codes_are_single_use_bound_to_client_redirect_and_verifier() {
    let app = TestApp::spawn().await;
    let (browser, client_id, tokens) = granted(&app).await;
    let other = register(&app, "Other app").await;

    // PKCE mismatch, another client, another redirect URI: each refused, and each uses the code up.
    let code = code_for(&app, &browser, &client_id).await;
    let (status, body) = token_request(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &"x".repeat(43)),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let code = code_for(&app, &browser, &client_id).await;
    let (_, body) = redeem(&app, &other, &code).await;
    assert_eq!(body["error"], "invalid_grant", "another client");
    let code = code_for(&app, &browser, &client_id).await;
    let (_, body) = token_request(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", &client_id),
            ("redirect_uri", "http://127.0.0.1:2/elsewhere"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_grant", "another redirect URI");

    // Expired after 60 s.
    let code = code_for(&app, &browser, &client_id).await;
    app.clock.advance(61);
    let (_, body) = redeem(&app, &client_id, &code).await;
    assert_eq!(body["error"], "invalid_grant", "expired");

    // Codes and refresh tokens are kept only as hashes.
    let code = code_for(&app, &browser, &client_id).await;
    for (sql, secret) in [
        (
            "SELECT COUNT(*) FROM oauth_codes WHERE code_hash = $1",
            code.as_str(),
        ),
        (
            "SELECT COUNT(*) FROM oauth_refresh_tokens WHERE token_hash = $1",
            tokens["refresh_token"].as_str().unwrap(),
        ),
    ] {
        assert_eq!(sqlx_count(&app, sql, secret).await, 0, "{sql}");
    }
    assert_eq!(
        sqlx_count(
            &app,
            "SELECT COUNT(*) FROM oauth_codes WHERE code_hash = $1",
            &exact_mcp::server::auth::secret_token::hash_token(&code)
        )
        .await,
        1
    );

    // A code used twice: refused, and what its first use issued is revoked.
    let code = code_for(&app, &browser, &client_id).await;
    let (status, first) = redeem(&app, &client_id, &code).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mcp_status(&app, &access(&first)).await, StatusCode::OK);
    let (_, again) = redeem(&app, &client_id, &code).await;
    assert_eq!(again["error"], "invalid_grant");
    assert_eq!(
        mcp_status(&app, &access(&first)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        mcp_status(&app, &access(&tokens)).await,
        StatusCode::OK,
        "other grants untouched"
    );
}

#[tokio::test]
async fn bad_authorization_requests_are_refused_and_bad_redirects_never_followed() {
    let app = TestApp::spawn().await;
    let (browser, _) = connected_user(&app, "ada@bakkerij.example", &[101]).await;
    let client_id = register(&app, "Test app").await;
    let good = authorize_query(&app, &client_id, CHALLENGE);
    let changed = |k: &str, v: Option<&str>| {
        let mut q: Vec<(String, String)> = good.iter().filter(|(n, _)| n != k).cloned().collect();
        if let Some(v) = v {
            q.push((k.to_string(), v.to_string()));
        }
        authorize_url(&app, &q)
    };
    // Sent back to the client: plain PKCE, no PKCE, no resource, another resource, a scope we
    // do not grant, another response type.
    for (what, url, error) in [
        (
            "plain",
            changed("code_challenge_method", Some("plain")),
            "invalid_request",
        ),
        (
            "no challenge",
            changed("code_challenge", None),
            "invalid_request",
        ),
        ("no resource", changed("resource", None), "invalid_target"),
        (
            "another resource",
            changed("resource", Some("https://other.example/mcp")),
            "invalid_target",
        ),
        (
            "scope",
            changed("scope", Some("exact:write")),
            "invalid_scope",
        ),
        (
            "response type",
            changed("response_type", Some("token")),
            "unsupported_response_type",
        ),
    ] {
        let res = browser.get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{what}");
        let back = location(&res);
        assert!(back.starts_with(REDIRECT), "{what}: {back}");
        let q = query_of(&back);
        assert_eq!(q["error"], error, "{what}");
        assert_eq!(q["state"], "st-1", "{what}");
        assert_eq!(q["iss"], app.url, "{what}");
        assert!(!q.contains_key("code"), "{what}");
    }
    // Shown on a page, never redirected: a redirect URI the client did not register, an unknown
    // client, no client.
    for (what, url) in [
        (
            "redirect",
            changed("redirect_uri", Some("https://evil.example/cb")),
        ),
        ("unknown client", changed("client_id", Some("nobody"))),
        ("no client", changed("client_id", None)),
    ] {
        let res = browser.get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
        assert!(res.headers().get(header::LOCATION).is_none(), "{what}");
        assert!(
            res.text().await.unwrap().contains("authorize-error"),
            "{what}"
        );
    }
    // Deny: back with access_denied.
    let (_, back) = consent(&app, &browser, &authorize_url(&app, &good), "deny").await;
    assert_eq!(query_of(&back)["error"], "access_denied");
    // A consent answer without the session's form token is refused.
    let mut form = good.clone();
    form.push(("decision".into(), "allow".into()));
    let res = browser
        .post(app.at("/oauth/authorize"))
        .header(header::ORIGIN, &app.url)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_whole_family() {
    let app = TestApp::spawn().await;
    let (_, client_id, first) = granted(&app).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(r1.len(), 43, "256 random bits");
    let (status, second) = refresh(&app, &client_id, &r1).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let r2 = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2, "rotated");
    assert_eq!(mcp_status(&app, &access(&second)).await, StatusCode::OK);
    let other = register(&app, "Other").await;
    let (_, wrong_client) = refresh(&app, &other, &r2).await;
    assert_eq!(wrong_client["error"], "invalid_grant");

    let (_, reused) = refresh(&app, &client_id, &r1).await;
    assert_eq!(reused["error"], "invalid_grant");
    let (_, after) = refresh(&app, &client_id, &r2).await;
    assert_eq!(after["error"], "invalid_grant", "the family is revoked");
    assert_eq!(
        mcp_status(&app, &access(&second)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        mcp_status(&app, &access(&first)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn metadata_documents_that_are_unsafe_or_invalid_are_refused() {
    let app = TestApp::spawn().await;
    let docs = serve_documents(REDIRECT).await;
    for (what, path) in [
        ("client_id differs", "/other.json"),
        ("oversize", "/big.json"),
        ("redirects", "/moved.json"),
        ("not found", "/missing.json"),
    ] {
        let q = authorize_query(&app, &format!("{docs}{path}"), CHALLENGE);
        let res = app
            .client
            .get(authorize_url(&app, &q))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
        assert!(res.headers().get(header::LOCATION).is_none(), "{what}");
    }
    // The same document that development accepts from this machine, production refuses: a
    // loopback address, and http.
    let prod = TestApp::builder().production().spawn().await;
    for client_id in [
        format!("{docs}/client.json"),
        format!("{}/client.json", docs.replace("http://", "https://")),
    ] {
        let mut q = authorize_query(&prod, &client_id, CHALLENGE);
        q.retain(|(k, _)| k != "resource");
        q.push((
            "resource".into(),
            prod.state.authorization.resource().to_string(),
        ));
        let res = prod
            .client
            .get(authorize_url(&prod, &q))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{client_id}");
        assert!(res.headers().get(header::LOCATION).is_none());
    }
}

#[tokio::test]
async fn metadata_fetches_are_throttled_per_address_but_remembered_documents_are_not() {
    let app = TestApp::spawn().await;
    let docs = serve_documents(REDIRECT).await;
    let status = |path: String| {
        let q = authorize_query(&app, &format!("{docs}{path}"), CHALLENGE);
        let url = authorize_url(&app, &q);
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap().status() }
    };
    // The first fetch of a good document: signed out, so on to the sign-in page.
    assert_eq!(status("/client.json".into()).await, StatusCode::SEE_OTHER);
    let limit = exact_mcp::server::authorization::clients::FETCHES_PER_HOUR;
    for i in 1..limit {
        assert_eq!(
            status(format!("/missing-{i}.json")).await,
            StatusCode::BAD_REQUEST
        );
    }
    assert_eq!(
        status("/missing-last.json".into()).await,
        StatusCode::TOO_MANY_REQUESTS,
        "one fetch too many this hour"
    );
    assert_eq!(
        status("/client.json".into()).await,
        StatusCode::SEE_OTHER,
        "a remembered document needs no fetch"
    );
    app.clock.advance(3600);
    assert_eq!(
        status("/missing-next-hour.json".into()).await,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn registration_takes_public_clients_with_safe_redirects_and_is_throttled() {
    let app = TestApp::spawn().await;
    let post = |body: Value| {
        Client::new()
            .post(app.at("/oauth/register"))
            .header(header::ORIGIN, "https://claude.ai")
            .json(&body)
            .send()
    };
    for (body, error) in [
        (
            json!({"redirect_uris": ["http://evil.example/cb"]}),
            "invalid_redirect_uri",
        ),
        (json!({"redirect_uris": []}), "invalid_redirect_uri"),
        (
            json!({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "client_secret_post"}),
            "invalid_client_metadata",
        ),
        (json!({"redirect_uris": "nope"}), "invalid_client_metadata"),
    ] {
        let res = post(body.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body}");
        let answer: Value = res.json().await.unwrap();
        assert_eq!(answer["error"], error, "{body}");
    }
    let res = post(json!({"client_name": "Claude", "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"]}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_endpoint_auth_method"], "none");
    assert!(body.get("client_secret").is_none());
    // Per address per hour (the four refused above count too).
    let mut last = StatusCode::CREATED;
    for _ in 0..20 {
        last = post(json!({"redirect_uris": [REDIRECT]}))
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_signed_out_person_signs_in_and_comes_back_to_the_request() {
    let app = TestApp::spawn().await;
    app.create_user("ada@bakkerij.example", test_kit::exact::PASSWORD, false)
        .await;
    let client_id = register(&app, "Test app").await;
    let url = authorize_url(&app, &authorize_query(&app, &client_id, CHALLENGE));
    let browser = test_kit::client();
    let res = browser.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?authorize=1");
    let res = test_kit::post_form(
        &app,
        &browser,
        "/api/login",
        &[
            ("email", "ada@bakkerij.example"),
            ("password", test_kit::exact::PASSWORD),
        ],
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    let next: Option<String> = res.json().await.unwrap();
    assert_eq!(next.as_deref(), Some("/oauth/authorize/continue"));
    let res = browser
        .get(app.at("/oauth/authorize/continue"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = location(&res);
    assert_eq!(app.at(&back), url, "the same request");
    let (html, _) = consent(&app, &browser, &url, "allow").await;
    assert!(
        html.contains("consent-no-connections"),
        "no administration yet: said so"
    );
    // Used once: the next sign-in goes to the dashboard.
    let res = browser
        .get(app.at("/oauth/authorize/continue"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/dashboard");
}

#[tokio::test]
async fn signing_in_with_exact_also_comes_back_to_the_request() {
    let app = TestApp::spawn().await;
    let client_id = register(&app, "Test app").await;
    let url = authorize_url(&app, &authorize_query(&app, &client_id, CHALLENGE));
    let browser = test_kit::client();
    let res = browser.get(&url).send().await.unwrap();
    assert_eq!(location(&res), "/login?authorize=1");
    // "Sign in with Exact" from the login page: a new account, signed in by Exact's consent.
    let flow = test_kit::exact::consent(&app, &browser, "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&flow.response), "/oauth/authorize/continue");
    let res = browser
        .get(app.at("/oauth/authorize/continue"))
        .send()
        .await
        .unwrap();
    assert_eq!(app.at(&location(&res)), url);
    let (html, back) = consent(&app, &browser, &url, "allow").await;
    assert!(
        html.contains("consent-administrations"),
        "the new connection is listed"
    );
    assert!(query_of(&back).contains_key("code"));
}

#[tokio::test]
async fn an_apps_calls_count_against_the_same_limit_and_quota_as_a_key() {
    let app = TestApp::spawn().await;
    let (_, client_id, tokens) = granted(&app).await;
    let user = user_id(&app, "ada@bakkerij.example").await;
    let key = key_for(&app, "ada@bakkerij.example").await;
    let with_key = test_kit::mcp::mcp(&app, &key).await;
    test_kit::mcp::call(&with_key, "list_divisions", json!({})).await;
    let with_token = test_kit::mcp::mcp(&app, &access(&tokens)).await;
    test_kit::mcp::call(&with_token, "list_divisions", json!({})).await;
    let used: i64 = test_kit::eventually(
        "both calls counted",
        std::time::Duration::from_secs(5),
        || async {
            let n = sqlx_count(
                &app,
                "SELECT api_calls_used FROM users WHERE id = $1",
                &user,
            )
            .await;
            (n == 2).then_some(n)
        },
    )
    .await;
    assert_eq!(used, 2, "one quota for both");
    // The app's calls are listed under its name.
    let names = test_kit::eventually("events recorded", std::time::Duration::from_secs(5), || async {
        let n = sqlx_count(
            &app,
            "SELECT COUNT(*) FROM usage_events WHERE user_id = $1 AND tool = 'list_divisions' AND client_name = 'Test app'",
            &user,
        )
        .await;
        (n == 1).then_some(n)
    })
    .await;
    assert_eq!(names, 1);
    assert!(!client_id.is_empty());
}

async fn sqlx_count(app: &TestApp, sql: &'static str, user: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .bind(user)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

#[tokio::test]
async fn people_see_and_revoke_their_connected_apps_and_admins_see_the_count() {
    let app = TestApp::spawn().await;
    let (browser, _, tokens) = granted(&app).await;
    let res = test_kit::post_form(&app, &browser, "/api/apps", &[]).await;
    let apps: Value = res.json().await.unwrap();
    assert_eq!(apps.as_array().unwrap().len(), 1, "{apps}");
    assert_eq!(apps[0]["client_name"], "Test app");
    assert_eq!(apps[0]["scopes"], json!(["exact:read"]));
    let grant = apps[0]["id"].as_str().unwrap().to_string();

    // Admins see how many apps each person connected.
    app.create_user("root@bakkerij.example", test_kit::exact::PASSWORD, true)
        .await;
    let admin = test_kit::client();
    test_kit::exact::sign_in(&app, &admin, "root@bakkerij.example").await;
    let users: Value = test_kit::post_form(&app, &admin, "/api/admin/users", &[("page", "0")])
        .await
        .json()
        .await
        .unwrap();
    let ada = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ada@bakkerij.example")
        .expect("ada is listed");
    assert_eq!(ada["connected_apps"], 1);

    // Someone else cannot revoke it.
    let (stranger, _) = connected_user(&app, "bob@bakkerij.example", &[101]).await;
    let res =
        test_kit::post_form(&app, &stranger, "/api/apps/revoke", &[("grant_id", &grant)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(mcp_status(&app, &access(&tokens)).await, StatusCode::OK);

    let res =
        test_kit::post_form(&app, &browser, "/api/apps/revoke", &[("grant_id", &grant)]).await;
    assert!(res.status().is_success());
    assert_eq!(
        mcp_status(&app, &access(&tokens)).await,
        StatusCode::UNAUTHORIZED
    );
    let apps: Value = test_kit::post_form(&app, &browser, "/api/apps", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(apps, json!([]));
    let audited = sqlx_count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'oauth_grant.revoke' AND target_id = $1",
        &grant,
    )
    .await;
    assert_eq!(audited, 1);
    let user = user_id(&app, "ada@bakkerij.example").await;
    let authorized = sqlx_count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'oauth.authorize' AND actor_user_id = $1",
        &user,
    )
    .await;
    assert_eq!(authorized, 1, "the consent is audited");
}
