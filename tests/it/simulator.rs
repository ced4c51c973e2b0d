//! The Exact simulator, as the app's OAuth client will meet it at `/sim/exact`: consent, codes,
//! the token endpoint with its painful rules, `current/Me` and the divisions; the entity sets
//! with OData paging, `$select`, `$filter`, `$top`; the books' purchase entries, reporting
//! balance and bank entry lines; rate limits; the control API (failures, latency, revocation, the
//! request log, other rate limits).
use exact_sim::{
    ACCESS_TOKEN_SECONDS, CODE_SECONDS, COMPANIES, DEV_CLIENT_ID, DEV_CLIENT_SECRET,
    NO_REFRESH_BEFORE_SECONDS, PAGE_SIZE, REFRESH_TOKEN_SECONDS, sizes,
};
use reqwest::{StatusCode, header};
use serde_json::Value;
use serde_json::json;
use test_kit::{TestApp, mcp::T0_DAY};

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
    consent_as(app, decision, divisions, "").await
}

/// [`consent`] by the Exact user `user` (the page's hidden field; empty for the demo user).
async fn consent_as(
    app: &TestApp,
    decision: &str,
    divisions: &[i64],
    user: &str,
) -> Vec<(String, String)> {
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
        ("user".to_string(), user.to_string()),
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
    test_kit::client()
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
    test_kit::client()
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
    let res = test_kit::client()
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

/// A restart of the development server (a new process, here a new app on the same data
/// directory) keeps the grants the embedded simulator issued: the access token still answers,
/// the refresh token still rotates once, and a spent one stays spent. With another data
/// directory the same token is unknown, as it was for every token before grants were kept.
#[tokio::test]
async fn grants_survive_a_restart_on_the_same_data_directory() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_string_lossy().into_owned();
    let before = TestApp::builder().env("DATA_DIR", &data_dir).spawn().await;
    let code = param(&consent(&before, "allow", &[101]).await, "code").unwrap();
    let (access, first_refresh) = pair(exchange(&before, &code).await).await;
    before.clock.advance(NO_REFRESH_BEFORE_SECONDS);
    let (_, second_refresh) = pair(refresh(&before, &first_refresh).await).await;
    drop(before);

    let after = TestApp::builder().env("DATA_DIR", &data_dir).spawn().await;
    assert_eq!(
        api_get(&after, "current/Me", &access).await.status(),
        StatusCode::UNAUTHORIZED,
        "the access token was rotated away by the refresh before the restart"
    );
    // The second token set was issued at T0 + 570 s; this app's clock starts at T0 again.
    after.clock.advance(2 * NO_REFRESH_BEFORE_SECONDS);
    let (new_access, _) = pair(refresh(&after, &second_refresh).await).await;
    assert_eq!(
        api_get(&after, "current/Me", &new_access).await.status(),
        StatusCode::OK
    );
    let res = refresh(&after, &first_refresh).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error_description"],
        "Old refresh token used."
    );

    let elsewhere = TestApp::spawn().await;
    elsewhere.clock.advance(2 * NO_REFRESH_BEFORE_SECONDS);
    let res = refresh(&elsewhere, &second_refresh).await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "unknown without the grants"
    );
}

#[tokio::test]
async fn a_new_consent_ends_the_earlier_token_set_and_the_control_clock_moves() {
    let app = TestApp::spawn().await;
    let code = param(&consent(&app, "allow", &[101]).await, "code").unwrap();
    let (_, old_refresh) = pair(exchange(&app, &code).await).await;
    let code = param(&consent(&app, "allow", &[202]).await, "code").unwrap();
    pair(exchange(&app, &code).await).await;
    // The control API moves only the simulator's clock.
    let res = test_kit::client()
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

// ---------------------------------------------------------------------------------------------
// Entity sets, OData, rate limits, control API

/// Consent for `divisions` and a fresh token pair.
async fn connect(app: &TestApp, divisions: &[i64]) -> (String, String) {
    let code = param(&consent(app, "allow", divisions).await, "code").unwrap();
    pair(exchange(app, &code).await).await
}

/// A REST call with query parameters (encoded by the client, as the app's client does).
async fn api_query(
    app: &TestApp,
    path: &str,
    access_token: &str,
    query: &[(&str, &str)],
) -> reqwest::Response {
    test_kit::client()
        .get(app.at(&format!("/sim/exact/api/v1/{path}")))
        .query(query)
        .bearer_auth(access_token)
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap()
}

async fn get_absolute(url: &str, access_token: &str) -> reqwest::Response {
    test_kit::client()
        .get(url)
        .bearer_auth(access_token)
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap()
}

/// Follows `__next` until the end; returns every row and the size of each page.
async fn fetch_all(
    app: &TestApp,
    path: &str,
    access_token: &str,
    query: &[(&str, &str)],
) -> (Vec<Value>, Vec<usize>) {
    let mut res = api_query(app, path, access_token, query).await;
    let (mut rows, mut pages) = (Vec::new(), Vec::new());
    loop {
        assert_eq!(res.status(), StatusCode::OK, "{path} {query:?}");
        let body: Value = res.json().await.unwrap();
        let page = body["d"]["results"].as_array().unwrap().clone();
        pages.push(page.len());
        rows.extend(page);
        match body["d"]["__next"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with(&app.at(&format!("/sim/exact/api/v1/{path}?"))),
                    "absolute, same path: {next}"
                );
                assert!(next.contains("$skiptoken="), "{next}");
                res = get_absolute(next, access_token).await;
            }
            None => return (rows, pages),
        }
    }
}

/// The Exact error shape; returns the message.
async fn exact_error(res: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(res.status(), status);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "");
    assert_eq!(body["error"]["message"]["lang"], "");
    body["error"]["message"]["value"]
        .as_str()
        .expect("error.message.value")
        .to_string()
}

fn ms_of(date: &Value) -> i64 {
    let s = date.as_str().unwrap();
    s.strip_prefix("/Date(")
        .and_then(|s| s.strip_suffix(")/"))
        .unwrap()
        .parse()
        .unwrap()
}

fn header_i64(res: &reqwest::Response, name: &str) -> i64 {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("header {name}"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn control(app: &TestApp, path_and_query: &str) -> reqwest::Response {
    let res = test_kit::client()
        .post(app.at(&format!("/sim/exact/_control/{path_and_query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path_and_query}");
    res
}

#[tokio::test]
async fn lists_page_by_sixty_with_an_absolute_next_link_until_all_rows_are_read() {
    let app = TestApp::spawn().await;
    let (access, _) = connect(&app, &[101, 202]).await;

    let expected = sizes(202).unwrap().accounts;
    assert_eq!(
        expected, 135,
        "the IT firm has more than two pages of accounts"
    );
    let (rows, pages) = fetch_all(&app, "202/crm/Accounts", &access, &[]).await;
    assert_eq!(pages, [PAGE_SIZE, PAGE_SIZE, expected - 2 * PAGE_SIZE]);
    assert_eq!(PAGE_SIZE, 60);
    let mut ids: Vec<&str> = rows.iter().map(|r| r["ID"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), expected, "no row twice, none lost");
    let first = &rows[0];
    for field in [
        "Code",
        "Name",
        "City",
        "Country",
        "Email",
        "Status",
        "IsSupplier",
        "IsSales",
        "VATNumber",
        "ChamberOfCommerce",
    ] {
        assert!(first.get(field).is_some(), "{field}");
    }
    assert!(first["Created"].as_str().unwrap().starts_with("/Date("));
    assert!(uuid::Uuid::parse_str(first["ID"].as_str().unwrap()).is_ok());

    // Several hundred transaction lines, paged with the query kept on every link: the sales,
    // purchases and payments, and the memorial journal's lines.
    let journal = demo_books::query(
        101,
        "generaljournalentry/GeneralJournalEntryLines",
        &[],
        usize::MAX,
        T0_DAY,
    )
    .unwrap()
    .len();
    let expected = sizes(101).unwrap().transaction_lines() + journal;
    assert!(expected > 300);
    let (lines, pages) = fetch_all(
        &app,
        "101/financialtransaction/TransactionLines",
        &access,
        &[("$select", "ID,AmountDC")],
    )
    .await;
    assert_eq!(lines.len(), expected);
    assert!(pages[..pages.len() - 1].iter().all(|p| *p == PAGE_SIZE));
    assert!(
        lines.iter().all(|l| l.get("Description").is_none()),
        "$select carried over by __next"
    );
    let cents: i64 = lines
        .iter()
        .map(|l| (l["AmountDC"].as_f64().unwrap() * 100.0).round() as i64)
        .sum();
    assert_eq!(cents, 0, "the books balance");

    // The other entity sets answer, with their real Exact field names.
    let s = sizes(101).unwrap();
    for (path, field, count) in [
        ("101/crm/Contacts", "FullName", s.contacts),
        (
            "101/salesinvoice/SalesInvoices",
            "InvoiceDate",
            s.draft_invoices,
        ),
        ("101/salesentry/SalesEntries", "EntryDate", s.sales_entries),
        ("101/logistics/Items", "CostPriceStandard", s.items),
        (
            "101/read/financial/ReceivablesList",
            "DueDate",
            s.receivables,
        ),
        ("101/read/financial/PayablesList", "AccountName", s.payables),
    ] {
        let (rows, _) = fetch_all(&app, path, &access, &[]).await;
        assert_eq!(rows.len(), count, "{path}");
        assert!(rows[0].get(field).is_some(), "{path}: {field}");
    }
    let (gl, _) = fetch_all(&app, "101/financial/GLAccounts", &access, &[]).await;
    assert!(
        gl.iter()
            .any(|r| r["Code"] == "1300" && r["Description"] == "Debiteuren")
    );
    let (drafts, _) = fetch_all(&app, "101/salesinvoice/SalesInvoices", &access, &[]).await;
    assert!(drafts.iter().all(|d| d["Status"] == 10), "drafts only");
}

#[tokio::test]
async fn select_filter_top_and_orderby_follow_odata() {
    let app = TestApp::spawn().await;
    let (access, _) = connect(&app, &[101]).await;
    let s = sizes(101).unwrap();

    // $select
    let res = api_query(
        &app,
        "101/crm/Accounts",
        &access,
        &[("$select", "ID,Name"), ("$top", "3")],
    )
    .await;
    let body: Value = res.json().await.unwrap();
    let row = body["d"]["results"][0].as_object().unwrap();
    let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["ID", "Name", "__metadata"]);
    let msg = exact_error(
        api_query(
            &app,
            "101/crm/Accounts",
            &access,
            &[("$select", "ID,Bogus")],
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("Bogus"), "{msg}");

    // Strings, with a doubled quote.
    let (rows, _) = fetch_all(
        &app,
        "101/crm/Accounts",
        &access,
        &[("$filter", "Name eq 'O''Brien & Zonen B.V.'")],
    )
    .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Name"], "O'Brien & Zonen B.V.");
    let id = rows[0]["ID"].as_str().unwrap().to_string();

    // Booleans, eq and ne.
    let (suppliers, _) = fetch_all(
        &app,
        "101/crm/Accounts",
        &access,
        &[("$filter", "IsSupplier eq true")],
    )
    .await;
    assert_eq!(suppliers.len(), s.suppliers);
    let (others, _) = fetch_all(
        &app,
        "101/crm/Accounts",
        &access,
        &[("$filter", "IsSupplier ne true")],
    )
    .await;
    assert_eq!(others.len(), s.accounts - s.suppliers);

    // GUIDs need guid'…'.
    let (one, _) = fetch_all(
        &app,
        "101/crm/Accounts",
        &access,
        &[("$filter", &format!("ID eq guid'{id}'"))],
    )
    .await;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["ID"], id.as_str());
    let msg = exact_error(
        api_query(
            &app,
            "101/crm/Accounts",
            &access,
            &[("$filter", &format!("ID eq '{id}'"))],
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("Edm.Guid"), "{msg}");

    // substringof ignores case; and joins conditions.
    let (rows, _) = fetch_all(
        &app,
        "101/crm/Accounts",
        &access,
        &[(
            "$filter",
            "substringof('O''BRIEN', Name) eq true and IsSupplier eq false",
        )],
    )
    .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["ID"], id.as_str());

    // Numbers: gt/lt/ge/le split the entries without losing one.
    let (all, _) = fetch_all(&app, "101/salesentry/SalesEntries", &access, &[]).await;
    let (big, _) = fetch_all(
        &app,
        "101/salesentry/SalesEntries",
        &access,
        &[("$filter", "AmountDC ge 500")],
    )
    .await;
    let (small, _) = fetch_all(
        &app,
        "101/salesentry/SalesEntries",
        &access,
        &[("$filter", "AmountDC lt 500")],
    )
    .await;
    assert!(!big.is_empty() && !small.is_empty());
    assert_eq!(big.len() + small.len(), all.len());
    assert!(big.iter().all(|e| e["AmountDC"].as_f64().unwrap() >= 500.0));
    let (band, _) = fetch_all(
        &app,
        "101/salesentry/SalesEntries",
        &access,
        &[("$filter", "AmountDC gt 200 and AmountDC le 800")],
    )
    .await;
    assert!(band.iter().all(|e| {
        let a = e["AmountDC"].as_f64().unwrap();
        a > 200.0 && a <= 800.0
    }));
    assert!(band.len() < all.len());

    // Dates against /Date(ms)/.
    let jan_2026 = 1_767_225_600_000_i64;
    let (late, _) = fetch_all(
        &app,
        "101/salesentry/SalesEntries",
        &access,
        &[("$filter", "EntryDate ge datetime'2026-01-01T00:00:00'")],
    )
    .await;
    let (early, _) = fetch_all(
        &app,
        "101/salesentry/SalesEntries",
        &access,
        &[("$filter", "EntryDate lt datetime'2026-01-01T00:00:00'")],
    )
    .await;
    assert!(late.iter().all(|e| ms_of(&e["EntryDate"]) >= jan_2026));
    assert!(early.iter().all(|e| ms_of(&e["EntryDate"]) < jan_2026));
    assert!(!late.is_empty() && !early.is_empty());
    assert_eq!(late.len() + early.len(), all.len());

    // Malformed filters: 400 in Exact's shape with a useful message.
    for (filter, expect) in [
        ("Name eq 'open", "Unterminated"),
        ("Name eq Code", "two properties"),
        ("Nope eq 1", "Nope"),
        ("Name eq 'x' and", "position"),
        ("Created ge datetime'2026-02-30'", "datetime"),
    ] {
        let msg = exact_error(
            api_query(&app, "101/crm/Accounts", &access, &[("$filter", filter)]).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(msg.contains(expect), "{filter}: {msg}");
    }

    // $top: at most that many rows; the next link carries what is left of it.
    let res = api_query(&app, "101/crm/Accounts", &access, &[("$top", "5")]).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["d"]["results"].as_array().unwrap().len(), 5);
    assert!(body["d"].get("__next").is_none());
    let (rows, pages) = fetch_all(&app, "101/crm/Accounts", &access, &[("$top", "70")]).await;
    assert_eq!(pages, [60, 10]);
    assert_eq!(rows.len(), 70);

    // logistics/Items with $top: the bare shape {"d": [...]}.
    let res = api_query(&app, "101/logistics/Items", &access, &[("$top", "3")]).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["d"].as_array().expect("bare array").len(), 3);
    let res = api_query(&app, "101/logistics/Items", &access, &[]).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["d"]["results"].as_array().unwrap().len(), PAGE_SIZE);
    assert!(s.items > PAGE_SIZE && body["d"]["__next"].is_string());

    // $orderby
    let res = api_query(
        &app,
        "101/salesentry/SalesEntries",
        &access,
        &[("$orderby", "AmountDC desc"), ("$top", "10")],
    )
    .await;
    let body: Value = res.json().await.unwrap();
    let amounts: Vec<f64> = body["d"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["AmountDC"].as_f64().unwrap())
        .collect();
    assert_eq!(amounts.len(), 10);
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    let max = all
        .iter()
        .map(|e| e["AmountDC"].as_f64().unwrap())
        .fold(f64::MIN, f64::max);
    assert_eq!(amounts[0], max);
}

/// Cents of a money value.
fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap() * 100.0).round() as i64
}

/// A row as `exact_sim::query` gives it: without `__metadata`.
fn without_metadata(mut row: Value) -> Value {
    if let Some(fields) = row.as_object_mut() {
        fields.remove("__metadata");
    }
    row
}

#[tokio::test]
async fn purchase_entries_reporting_balance_and_bank_entry_lines_hang_together() {
    let app = TestApp::spawn().await;
    let (access, _) = connect(&app, &[404]).await;
    let s = sizes(404).unwrap();

    // Purchase entries: 80 in the building firm, so two pages.
    assert_eq!(s.purchase_entries, 80);
    let (purchases, pages) =
        fetch_all(&app, "404/purchaseentry/PurchaseEntries", &access, &[]).await;
    assert_eq!(pages, [PAGE_SIZE, s.purchase_entries - PAGE_SIZE]);
    let first = &purchases[0];
    assert_eq!(
        first["__metadata"]["type"],
        "Exact.Web.Api.Models.PurchaseEntry"
    );
    assert!(purchases.iter().all(|p| cents(&p["AmountDC"]) > 0));
    assert!(uuid::Uuid::parse_str(first["Supplier"].as_str().unwrap()).is_ok());
    let supplier = first["Supplier"].as_str().unwrap();
    let (theirs, _) = fetch_all(
        &app,
        "404/purchaseentry/PurchaseEntries",
        &access,
        &[("$filter", &format!("Supplier eq guid'{supplier}'"))],
    )
    .await;
    assert!(!theirs.is_empty() && theirs.len() < purchases.len());
    assert!(
        theirs
            .iter()
            .all(|p| p["SupplierName"] == first["SupplierName"])
    );

    // Every paid purchase has its bank entry line, money out; every paid sale one, money in.
    let (bank, pages) = fetch_all(
        &app,
        "404/financialtransaction/BankEntryLines",
        &access,
        &[("$select", "ID,AmountDC,OurRef,GLAccountCode")],
    )
    .await;
    assert_eq!(bank.len(), s.payments());
    assert_eq!(pages.len(), s.payments().div_ceil(PAGE_SIZE));
    assert!(bank.iter().all(|b| b.get("Description").is_none()));
    let (out, _) = fetch_all(
        &app,
        "404/financialtransaction/BankEntryLines",
        &access,
        &[("$filter", "AmountDC lt 0")],
    )
    .await;
    assert_eq!(out.len(), s.purchase_entries - s.payables);
    assert!(out.iter().all(|b| b["GLAccountCode"] == "1600"));
    let (received, _) = fetch_all(
        &app,
        "404/financialtransaction/BankEntryLines",
        &access,
        &[("$filter", "AmountDC gt 0 and GLAccountCode eq '1300'")],
    )
    .await;
    assert_eq!(received.len(), s.sales_entries - s.receivables);
    for b in &out {
        let paid = purchases
            .iter()
            .find(|p| p["EntryNumber"] == b["OurRef"])
            .expect("the purchase paid");
        assert_eq!(cents(&b["AmountDC"]), -cents(&paid["AmountDC"]));
    }

    // The reporting balance: several pages, paged by its numeric key.
    let (balance, pages) = fetch_all(&app, "404/financial/ReportingBalance", &access, &[]).await;
    assert!(pages.len() > 2, "{pages:?}");
    assert!(pages[..pages.len() - 1].iter().all(|p| *p == PAGE_SIZE));
    let ids: Vec<i64> = balance.iter().map(|b| b["ID"].as_i64().unwrap()).collect();
    assert_eq!(ids, (1..=balance.len() as i64).collect::<Vec<_>>());
    assert_eq!(balance.iter().map(|b| cents(&b["Amount"])).sum::<i64>(), 0);
    // The bank account's movements are the bank entry lines.
    let (bank_balance, _) = fetch_all(
        &app,
        "404/financial/ReportingBalance",
        &access,
        &[("$filter", "GLAccountCode eq '1100'")],
    )
    .await;
    assert_eq!(
        bank_balance
            .iter()
            .map(|b| cents(&b["Amount"]))
            .sum::<i64>(),
        bank.iter().map(|b| cents(&b["AmountDC"])).sum::<i64>()
    );
    assert_eq!(
        bank_balance
            .iter()
            .map(|b| b["Count"].as_u64().unwrap())
            .sum::<u64>(),
        bank.len() as u64
    );
    assert!(bank_balance.iter().all(|b| b["BalanceType"] == "B"));
    // Profit and loss of 2026, latest period first.
    let query = [
        ("$filter", "BalanceType eq 'W' and ReportingYear eq 2026"),
        ("$orderby", "ReportingPeriod desc"),
    ];
    let (pl, _) = fetch_all(&app, "404/financial/ReportingBalance", &access, &query).await;
    assert!(!pl.is_empty());
    let periods: Vec<i64> = pl
        .iter()
        .map(|b| b["ReportingPeriod"].as_i64().unwrap())
        .collect();
    assert!(periods.is_sorted_by(|a, b| a >= b), "{periods:?}");
    assert!(
        pl.iter()
            .all(|b| b["GLAccountCode"].as_str().unwrap() >= "4000")
    );

    // The in-process query gives the same rows, without __metadata and without pages.
    let pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let local = demo_books::query(
        404,
        "financial/ReportingBalance",
        &pairs,
        usize::MAX,
        T0_DAY,
    )
    .expect("the local query");
    assert_eq!(
        local,
        pl.into_iter().map(without_metadata).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn raised_rate_limits_let_more_calls_through_and_the_headers_say_so() {
    let app = TestApp::spawn().await;
    let (access, _) = connect(&app, &[101]).await;
    let set_limits = |body: Value| {
        test_kit::client()
            .post(app.at("/sim/exact/_control/limits"))
            .json(&body)
            .send()
    };
    let res = set_limits(json!({ "minutely": 100, "daily": 250 }))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({ "minutely": 100, "daily": 250 }));

    for i in 1..=100 {
        let res = api_query(&app, "101/crm/Accounts", &access, &[("$top", "1")]).await;
        assert_eq!(res.status(), StatusCode::OK, "call {i}");
        assert_eq!(header_i64(&res, "x-ratelimit-minutely-limit"), 100);
        assert_eq!(header_i64(&res, "x-ratelimit-minutely-remaining"), 100 - i);
        assert_eq!(header_i64(&res, "x-ratelimit-limit"), 250);
        assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 250 - i);
    }
    let res = api_get(&app, "101/crm/Accounts", &access).await;
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-limit"), 100);
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-remaining"), 0);
    exact_error(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(counters(&app).await["rate_limited"], 1);

    // Nonsense is refused and changes nothing.
    for body in [
        json!({ "minutely": 0, "daily": 10 }),
        json!({ "minutely": 10 }),
        json!({ "minutely": -1, "daily": 10 }),
    ] {
        let res = set_limits(body.clone()).await.unwrap();
        assert!(res.status().is_client_error(), "{body}: {}", res.status());
    }

    // Back to Exact's limits: counted against them from the next call on.
    set_limits(json!({ "minutely": 60, "daily": 5000 }))
        .await
        .unwrap();
    app.clock.advance(60);
    let res = api_get(&app, "101/crm/Accounts", &access).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-limit"), 60);
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-remaining"), 59);
    assert_eq!(header_i64(&res, "x-ratelimit-limit"), 5_000);
    assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 5_000 - 101);
}

#[tokio::test]
async fn only_granted_divisions_and_known_paths_answer() {
    let app = TestApp::spawn().await;
    let (access, _) = connect(&app, &[101, 303]).await;
    let msg = exact_error(
        api_get(&app, "202/crm/Accounts", &access).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(msg.contains("202"), "{msg}");
    exact_error(
        api_get(&app, "999/crm/Accounts", &access).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    exact_error(
        api_get(&app, "101/crm/Nothing", &access).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    exact_error(
        app.get("/sim/exact/no/such/path").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    exact_error(
        api_get(&app, "101/crm/Accounts", "not-a-token").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // hrm/Divisions has the content of system/Divisions.
    for path in ["303/hrm/Divisions", "303/system/Divisions"] {
        let body: Value = api_get(&app, path, &access).await.json().await.unwrap();
        let codes: Vec<i64> = body["d"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["Code"].as_i64().unwrap())
            .collect();
        assert_eq!(codes, [101, 303], "{path}");
    }
}

#[tokio::test]
async fn sixty_calls_a_minute_per_division_then_429_until_the_next_minute() {
    let app = TestApp::spawn().await;
    let (access, _) = connect(&app, &[101, 303]).await;
    let now = test_kit::T0;
    assert_eq!(now % 60, 0, "the test clock starts on a minute");
    let minute_reset = (now + 60) * 1000;
    let day_reset = (now - now % 86_400 + 86_400) * 1000;
    for i in 1..=60 {
        let res = api_query(&app, "101/crm/Accounts", &access, &[("$top", "1")]).await;
        assert_eq!(res.status(), StatusCode::OK, "call {i}");
        assert_eq!(header_i64(&res, "x-ratelimit-minutely-limit"), 60);
        assert_eq!(header_i64(&res, "x-ratelimit-minutely-remaining"), 60 - i);
        assert_eq!(header_i64(&res, "x-ratelimit-minutely-reset"), minute_reset);
        assert_eq!(header_i64(&res, "x-ratelimit-limit"), 5_000);
        assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 5_000 - i);
        assert_eq!(header_i64(&res, "x-ratelimit-reset"), day_reset, "epoch ms");
    }
    let res = api_get(&app, "101/crm/Accounts", &access).await;
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-remaining"), 0);
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-reset"), minute_reset);
    assert!(
        res.headers().get("x-ratelimit-limit").is_none(),
        "the daily window was not exceeded"
    );
    exact_error(res, StatusCode::TOO_MANY_REQUESTS).await;

    // Per division: the law firm is untouched.
    let res = api_get(&app, "303/crm/Accounts", &access).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-remaining"), 59);

    app.clock.advance(60);
    let res = api_get(&app, "101/crm/Accounts", &access).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-minutely-remaining"), 59);
    assert_eq!(
        header_i64(&res, "x-ratelimit-minutely-reset"),
        minute_reset + 60_000
    );
    assert_eq!(counters(&app).await["rate_limited"], 1);
}

#[tokio::test]
async fn five_thousand_calls_a_day_then_429_until_the_utc_day_ends() {
    let app = TestApp::spawn().await;
    let (access, refresh_token) = connect(&app, &[101]).await;
    control(&app, "daily-usage?division=101&calls=4999").await;
    let res = api_get(&app, "101/crm/Accounts", &access).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 0);

    let res = api_get(&app, "101/crm/Accounts", &access).await;
    let midnight = test_kit::T0 - test_kit::T0 % 86_400 + 86_400;
    assert_eq!(header_i64(&res, "x-ratelimit-reset"), midnight * 1000);
    assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 0);
    assert!(res.headers().get("x-ratelimit-minutely-reset").is_none());
    exact_error(res, StatusCode::TOO_MANY_REQUESTS).await;

    // A new UTC day (and a refreshed token, the old one has long expired).
    app.clock.set(midnight);
    let (access, _) = pair(refresh(&app, &refresh_token).await).await;
    let res = api_get(&app, "101/crm/Accounts", &access).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_i64(&res, "x-ratelimit-remaining"), 4_999);
}

#[tokio::test]
async fn injected_failures_answer_first_then_calls_succeed_again() {
    let app = TestApp::spawn().await;
    let (access, refresh_token) = connect(&app, &[101]).await;
    control(&app, "fail?status=503&count=2&path=TransactionLines").await;

    // Other paths are not affected.
    let res = api_get(&app, "101/crm/Accounts", &access).await;
    assert_eq!(res.status(), StatusCode::OK);
    for _ in 0..2 {
        let res = api_get(&app, "101/financialtransaction/TransactionLines", &access).await;
        exact_error(res, StatusCode::SERVICE_UNAVAILABLE).await;
    }
    let res = api_get(&app, "101/financialtransaction/TransactionLines", &access).await;
    assert_eq!(res.status(), StatusCode::OK);

    // An empty path matches any call, the token endpoint too; a 429 says when to come back.
    control(&app, "fail?status=429&count=1").await;
    app.clock.advance(NO_REFRESH_BEFORE_SECONDS);
    let res = refresh(&app, &refresh_token).await;
    let reset = header_i64(&res, "x-ratelimit-minutely-reset");
    let now = test_kit::T0 + NO_REFRESH_BEFORE_SECONDS;
    assert!(reset > now * 1000 && reset <= (now + 60) * 1000, "{reset}");
    exact_error(res, StatusCode::TOO_MANY_REQUESTS).await;
    pair(refresh(&app, &refresh_token).await).await;
    assert_eq!(counters(&app).await["injected_failures"], 3);

    // Latency is real time, for timeout tests.
    control(&app, "latency?ms=300&count=1").await;
    let started = std::time::Instant::now();
    let res = api_get(&app, "current/Me", "whatever").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn revoking_supersedes_every_grant_and_drops_access_tokens() {
    let app = TestApp::spawn().await;
    let (access, refresh_token) = connect(&app, &[101]).await;
    assert_eq!(
        api_get(&app, "101/crm/Accounts", &access).await.status(),
        StatusCode::OK
    );
    control(&app, "revoke").await;
    exact_error(
        api_get(&app, "101/crm/Accounts", &access).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    app.clock.advance(NO_REFRESH_BEFORE_SECONDS);
    let res = refresh(&app, &refresh_token).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error_description"], "Old refresh token used.");
}

#[tokio::test]
async fn the_request_log_records_calls_but_never_tokens_codes_or_secrets() {
    let app = TestApp::spawn().await;
    let q = consent(&app, "allow", &[101]).await;
    let code = param(&q, "code").unwrap();
    let (access, refresh_token) = pair(exchange(&app, &code).await).await;
    api_query(
        &app,
        "101/crm/Accounts",
        &access,
        &[("$top", "2"), ("refresh_token", &refresh_token)],
    )
    .await;
    app.clock.advance(NO_REFRESH_BEFORE_SECONDS);
    let (new_access, new_refresh) = pair(refresh(&app, &refresh_token).await).await;

    let res = app.get("/sim/exact/_control/requests").await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    for secret in [
        code.as_str(),
        access.as_str(),
        refresh_token.as_str(),
        new_access.as_str(),
        new_refresh.as_str(),
        DEV_CLIENT_SECRET,
    ] {
        assert!(!text.contains(secret), "the log leaks {secret}");
    }
    let log: Vec<Value> = serde_json::from_str(&text).unwrap();
    let call = log
        .iter()
        .find(|e| e["path"] == "/sim/exact/api/v1/101/crm/Accounts")
        .expect("the API call is logged");
    assert_eq!(call["method"], "GET");
    assert_eq!(call["division"], 101);
    assert_eq!(call["status"], 200);
    assert_eq!(call["at"], test_kit::T0);
    let query = call["query"].as_str().unwrap();
    assert!(query.contains("top=2") && query.contains("refresh_token=[redacted]"));
    let tokens: Vec<&Value> = log
        .iter()
        .filter(|e| e["path"] == "/sim/exact/api/oauth2/token")
        .collect();
    assert_eq!(tokens.len(), 2, "exchange and refresh");
    assert_eq!(tokens[1]["at"], test_kit::T0 + NO_REFRESH_BEFORE_SECONDS);
    assert!(
        !log.iter()
            .any(|e| e["path"].as_str().unwrap().contains("_control")),
        "the control API is not logged"
    );

    control(&app, "reset-log").await;
    let log: Vec<Value> = app
        .get("/sim/exact/_control/requests")
        .await
        .json()
        .await
        .unwrap();
    assert!(log.is_empty());
}

#[tokio::test]
async fn a_deeply_nested_filter_answers_400_and_the_simulator_keeps_serving() {
    let app = TestApp::spawn().await;
    let (access, _) = connect(&app, &[101]).await;
    // Unencoded parentheses, so the nesting fits in one request line.
    let url = app.at(&format!(
        "/sim/exact/api/v1/101/crm/Accounts?$filter={}Name%20eq%20'x'",
        "(".repeat(40_000)
    ));
    let message = exact_error(get_absolute(&url, &access).await, StatusCode::BAD_REQUEST).await;
    assert!(message.contains("nested more than 32 levels"), "{message}");
    let nots = app.at(&format!(
        "/sim/exact/api/v1/101/crm/Accounts?$filter={}Name%20eq%20'x'",
        "not%20".repeat(10_000)
    ));
    exact_error(get_absolute(&nots, &access).await, StatusCode::BAD_REQUEST).await;

    let res = api_query(&app, "101/crm/Accounts", &access, &[("$top", "1")]).await;
    assert_eq!(res.status(), StatusCode::OK, "still serving");
}

#[tokio::test]
async fn the_control_api_refuses_browsers() {
    let app = TestApp::spawn().await;
    let browser = |name: &'static str, value: &'static str| {
        test_kit::client()
            .post(app.at("/sim/exact/_control/advance?seconds=3600"))
            .header(name, value)
    };
    for (name, value) in [
        ("Origin", "https://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Site", "same-site"),
    ] {
        let res = browser(name, value).send().await.unwrap();
        exact_error(res, StatusCode::FORBIDDEN).await;
    }
    let res = test_kit::client()
        .get(app.at("/sim/exact/_control/requests"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "nor read");
    let counters: Value = app
        .get("/sim/exact/_control/counters")
        .await
        .json()
        .await
        .unwrap();
    assert!(counters.is_object(), "local tools still drive it");
    // The clock did not move: none of the refused calls ran.
    let now: Value = control(&app, "advance?seconds=0")
        .await
        .json()
        .await
        .unwrap();
    assert!((now["now"].as_i64().unwrap() - app.clock_now()).abs() < 5);
}

#[tokio::test]
async fn a_new_consent_ends_only_the_same_exact_users_earlier_tokens() {
    let app = TestApp::spawn().await;
    let code = |user: &'static str| {
        let app = &app;
        async move { param(&consent_as(app, "allow", &[101], user).await, "code").unwrap() }
    };
    let (anna_first, anna_refresh) = pair(exchange(&app, &code("anna").await).await).await;
    let (bob, _) = pair(exchange(&app, &code("bob").await).await).await;
    for token in [&anna_first, &bob] {
        assert_eq!(
            api_get(&app, "current/Me", token).await.status(),
            StatusCode::OK
        );
    }
    // Anna consents again: her earlier token set ends, Bob's does not.
    let (anna_second, _) = pair(exchange(&app, &code("anna").await).await).await;
    assert_eq!(
        api_get(&app, "current/Me", &anna_first).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = refresh(&app, &anna_refresh).await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error_description"],
        "Old refresh token used."
    );
    for token in [&anna_second, &bob] {
        assert_eq!(
            api_get(&app, "current/Me", token).await.status(),
            StatusCode::OK
        );
    }
}
