//! Connecting an app by OAuth in the browser (issue 17): a signed-out person follows an app's
//! authorization link, signs in, sees the consent page naming the app, allows, and lands on the
//! app's redirect with a code; the app then shows under "Connected apps" on the keys page, and
//! revoking it there ends its access token at once.

mod support;

use std::time::Duration;

use playwright_rs::{GotoOptions, Page};
use support::{
    NAVIGATION, PASSWORD, UI_TIMEOUT, click, fill, in_browser, open_hydrated, register,
    wait_for_text_containing,
};

/// RFC 7636's example pair: the app's secret verifier and the challenge it sends.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const APP_NAME: &str = "E2E Assistant";

fn http() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// Registers the app (RFC 7591) with its redirect URI.
async fn register_app(base: &str, redirect: &str) -> Result<String, String> {
    let body = format!(
        r#"{{"client_name":"{APP_NAME}","redirect_uris":["{redirect}"],"token_endpoint_auth_method":"none"}}"#
    );
    let res = http()?
        .post(format!("{base}/oauth/register"))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("register the app: {e}"))?;
    let text = res.text().await.map_err(|e| e.to_string())?;
    let id = text
        .split("\"client_id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| format!("no client_id in {text}"))?;
    Ok(id.to_string())
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The code from the URL the browser landed on.
fn code_in(url: &str) -> Option<String> {
    url.split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("code="))
        .map(str::to_string)
}

/// Exchanges the code for an access token.
async fn access_token(
    base: &str,
    client_id: &str,
    redirect: &str,
    code: &str,
) -> Result<String, String> {
    let form = format!(
        "grant_type=authorization_code&code={}&client_id={}&redirect_uri={}&code_verifier={VERIFIER}&resource={}",
        encode(code),
        encode(client_id),
        encode(redirect),
        encode(&format!("{base}/mcp")),
    );
    let res = http()?
        .post(format!("{base}/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .map_err(|e| format!("token request: {e}"))?;
    let text = res.text().await.map_err(|e| e.to_string())?;
    text.split("\"access_token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
        .ok_or_else(|| format!("no access token in {text}"))
}

async fn mcp_status(base: &str, token: &str) -> Result<u16, String> {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}"#;
    http()?
        .post(format!("{base}/mcp"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .body(body)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("POST /mcp: {e}"))
}

/// Waits (bounded, by playwright) until the page's address starts with `prefix`; answers it.
async fn wait_for_address(page: &Page, prefix: &str) -> Result<String, String> {
    page.wait_for_url(
        &format!("{prefix}**"),
        GotoOptions::new().timeout(NAVIGATION),
    )
    .await
    .map_err(|e| {
        format!(
            "the browser did not reach {prefix}…; it is at {}: {e}",
            page.url()
        )
    })?;
    Ok(page.url())
}

async fn connect_app_flow(page: &Page, base: &str) -> Result<(), String> {
    // An account exists; this browser is signed out.
    let email = register(page, base, "apps").await?;
    click(page, "#sign-out").await?;
    wait_for_text_containing(&page.locator("h1"), "Ask your AI assistant", NAVIGATION).await?;

    // The app lives at another origin than the service (`localhost` instead of `127.0.0.1`: any
    // loopback http URI is allowed), as real apps do: the consent form's redirect must be allowed
    // to leave. The service itself answers there too, with its 404 page.
    let redirect = format!(
        "{}/e2e-app/callback",
        base.replace("127.0.0.1", "localhost")
    );
    if redirect.starts_with(base) {
        return Err(format!(
            "E2E_BASE_URL {base} must use 127.0.0.1 for this test"
        ));
    }
    let client_id = register_app(base, &redirect).await?;
    let authorize = format!(
        "{base}/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&state=e2e-state&code_challenge={CHALLENGE}&code_challenge_method=S256&resource={}",
        encode(&client_id),
        encode(&redirect),
        encode(&format!("{base}/mcp")),
    );
    // Following the link while signed out leads to the sign-in page...
    open_hydrated(page, &authorize).await?;
    wait_for_address(page, &format!("{base}/login")).await?;
    fill(page, "#login-email", &email).await?;
    fill(page, "#login-password", PASSWORD).await?;
    click(page, "#login-submit").await?;
    // ...and signing in comes back to the request: the consent page names the app.
    wait_for_text_containing(&page.locator("#consent-client"), APP_NAME, NAVIGATION).await?;
    wait_for_text_containing(
        &page.locator("#consent-redirect-host"),
        "localhost",
        UI_TIMEOUT,
    )
    .await?;
    click(page, "#consent-allow").await?;
    let landed = wait_for_address(page, &redirect).await?;
    if !landed.contains("state=e2e-state") || !landed.contains("iss=") {
        return Err(format!("the redirect lacks state or iss: {landed}"));
    }
    let code = code_in(&landed).ok_or_else(|| format!("no code in {landed}"))?;
    let token = access_token(base, &client_id, &redirect, &code).await?;
    let accepted = mcp_status(base, &token).await?;
    if accepted != 200 {
        return Err(format!("/mcp answered {accepted} to the new access token"));
    }

    // The app is listed under Connected apps, and can be revoked there.
    open_hydrated(page, &format!("{base}/dashboard/keys")).await?;
    wait_for_text_containing(
        &page.locator("#apps li.connected-app .app-name"),
        APP_NAME,
        NAVIGATION,
    )
    .await?;
    click(page, "#apps li.connected-app .revoke-app").await?;
    click(page, "#apps li.connected-app .confirm-revoke-app").await?;
    wait_for_text_containing(&page.locator("#revoke-app-message"), "revoked", NAVIGATION).await?;
    wait_for_text_containing(&page.locator("#no-apps"), "No apps connected", NAVIGATION).await?;
    let refused = mcp_status(base, &token).await?;
    if refused != 401 {
        return Err(format!(
            "/mcp answered {refused} to a revoked app's token, expected 401"
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_out_person_connects_an_app_and_revokes_it() {
    in_browser(connect_app_flow).await;
}
