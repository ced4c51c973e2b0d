//! API keys in the browser: create one on /dashboard/keys and see it once (with the setup
//! snippets filled in), find only its prefix after a reload, revoke it after confirming, and see
//! the MCP endpoint refuse it from then on.

mod support;

use std::time::Duration;

use playwright_rs::Page;
use support::{
    NAVIGATION, UI_TIMEOUT, bounded, click, fill, in_browser, open_hydrated, register,
    wait_for_text_containing,
};

/// Characters of a key the list shows (`emcp_` and seven more), as in `domain::api_key`.
const VISIBLE_PREFIX_CHARS: usize = 12;

/// A new account, signed in, on the keys page with no keys yet.
async fn registered_on_keys(page: &Page, base: &str) -> Result<(), String> {
    register(page, base, "keys").await?;
    open_hydrated(page, &format!("{base}/dashboard/keys")).await?;
    wait_for_text_containing(&page.locator("#no-keys"), "No API keys yet", NAVIGATION).await?;
    Ok(())
}

async fn text_of(page: &Page, selector: &str) -> Result<String, String> {
    bounded(UI_TIMEOUT, page.locator(selector).text_content())
        .await
        .map(Option::unwrap_or_default)
        .map_err(|e| format!("text of {selector}: {e}"))
}

async fn count(page: &Page, selector: &str) -> Result<usize, String> {
    bounded(UI_TIMEOUT, page.locator(selector).count())
        .await
        .map_err(|e| format!("count {selector}: {e}"))
}

/// The HTTP status `POST /mcp` answers with this key. The key check runs before the MCP
/// transport looks at the request, so any status but 401 means the key was accepted.
async fn mcp_status(mcp_url: &str, key: &str) -> Result<u16, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}"#;
    client
        .post(mcp_url)
        .header("Authorization", format!("Bearer {key}"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .body(body)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("POST {mcp_url}: {e}"))
}

async fn keys_flow(page: &Page, base: &str) -> Result<(), String> {
    registered_on_keys(page, base).await?;
    // Before a key exists the snippets carry the placeholder.
    wait_for_text_containing(
        &page.locator("#snippet-claude-code"),
        "Bearer <YOUR_KEY>",
        NAVIGATION,
    )
    .await?;

    fill(page, "#key-name", "Claude Desktop E2E").await?;
    click(page, "#create-key").await?;
    let key = wait_for_text_containing(&page.locator("#new-key-value"), "emcp_", NAVIGATION)
        .await?
        .trim()
        .to_string();
    if !key.starts_with("emcp_") || key.len() <= VISIBLE_PREFIX_CHARS {
        return Err(format!("the new key {key:?} does not look like an API key"));
    }
    wait_for_text_containing(
        &page.locator("#new-key"),
        "will not be shown again",
        UI_TIMEOUT,
    )
    .await?;
    if count(page, "#copy-key").await? != 1 {
        return Err("the new key has no copy button #copy-key".into());
    }
    // The setup help now carries the key itself.
    for snippet in [
        "#snippet-claude-code",
        "#snippet-claude-desktop",
        "#snippet-cursor",
        "#snippet-inspector",
    ] {
        wait_for_text_containing(&page.locator(snippet), &key, UI_TIMEOUT).await?;
    }
    let mcp_url = text_of(page, "#mcp-url").await?.trim().to_string();
    let claude_code = text_of(page, "#snippet-claude-code").await?;
    let expected = format!("--header \"Authorization: Bearer {key}\"");
    if !claude_code.contains(&mcp_url) || !claude_code.contains(&expected) {
        return Err(format!(
            "the Claude Code snippet should name {mcp_url} and the key's header, is {claude_code:?}"
        ));
    }
    let prefix = &key[..VISIBLE_PREFIX_CHARS];
    wait_for_text_containing(
        &page.locator("#keys li.api-key .key-prefix"),
        prefix,
        NAVIGATION,
    )
    .await?;
    wait_for_text_containing(
        &page.locator("#keys li.api-key .key-name"),
        "Claude Desktop E2E",
        UI_TIMEOUT,
    )
    .await?;
    wait_for_text_containing(
        &page.locator("#keys li.api-key .key-last-used"),
        "never",
        UI_TIMEOUT,
    )
    .await?;
    let accepted = mcp_status(&mcp_url, &key).await?;
    if accepted == 401 {
        return Err(format!("{mcp_url} refused the key just created"));
    }

    // After a reload the key itself is gone: only its prefix remains, in the list.
    open_hydrated(page, &format!("{base}/dashboard/keys")).await?;
    wait_for_text_containing(
        &page.locator("#keys li.api-key .key-prefix"),
        prefix,
        NAVIGATION,
    )
    .await?;
    if count(page, "#new-key").await? != 0 {
        return Err("the new-key box is still there after a reload".into());
    }
    let html = bounded(UI_TIMEOUT, page.content()).await?;
    if html.contains(&key) {
        return Err("the full key is still in the page after a reload".into());
    }
    wait_for_text_containing(
        &page.locator("#snippet-claude-code"),
        "Bearer <YOUR_KEY>",
        UI_TIMEOUT,
    )
    .await?;

    // Revoking asks first; cancel keeps the key, confirming removes it.
    click(page, "#keys li.api-key .revoke-key").await?;
    wait_for_text_containing(
        &page.locator("#keys li.api-key [role=alertdialog]"),
        "Revoke this key?",
        UI_TIMEOUT,
    )
    .await?;
    if count(page, "#keys li.api-key").await? != 1 {
        return Err("asking to revoke already removed the key".into());
    }
    click(page, "#keys li.api-key .confirm-revoke").await?;
    wait_for_text_containing(&page.locator("#revoke-message"), "revoked", NAVIGATION).await?;
    wait_for_text_containing(&page.locator("#no-keys"), "No API keys yet", NAVIGATION).await?;
    if count(page, "li.api-key").await? != 0 {
        return Err("the revoked key is still listed".into());
    }
    let refused = mcp_status(&mcp_url, &key).await?;
    if refused != 401 {
        return Err(format!(
            "{mcp_url} answered {refused} to the revoked key, expected 401"
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn create_a_key_see_it_once_and_revoke_it() {
    in_browser(keys_flow).await;
}

async fn blank_name_flow(page: &Page, base: &str) -> Result<(), String> {
    registered_on_keys(page, base).await?;
    // The input's maxlength stops a long name in the browser; a name of spaces passes it and the
    // server explains.
    fill(page, "#key-name", "   ").await?;
    click(page, "#create-key").await?;
    wait_for_text_containing(
        &page.locator("#key-message"),
        "Give the key a name",
        NAVIGATION,
    )
    .await?;
    if count(page, "#new-key").await? != 0 {
        return Err("a refused name still showed a new key".into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blank_key_name_is_explained() {
    in_browser(blank_name_flow).await;
}
