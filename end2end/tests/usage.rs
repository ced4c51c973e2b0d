//! The usage dashboard is live: with the page open, calls made with the account's key show up in
//! the month's count, the latest calls and the chart without a reload, and the chart's tooltip
//! tells the day's figures.

mod support;

use std::time::Duration;

use playwright_rs::Page;
use support::{
    NAVIGATION, UI_TIMEOUT, bounded, click, fill, in_browser, open_hydrated, register,
    wait_for_text_containing,
};

/// A counted call that needs no Exact connection.
const TOOL_CALL: &str = r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_divisions","arguments":{}}}"#;

async fn mcp_call(mcp_url: &str, key: &str) -> Result<u16, String> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent("e2e-usage/1.0")
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?
        .post(mcp_url)
        .header("Authorization", format!("Bearer {key}"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .body(TOOL_CALL)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("POST {mcp_url}: {e}"))
}

async fn is_hidden(page: &Page, selector: &str) -> Result<bool, String> {
    let class = bounded(UI_TIMEOUT, page.locator(selector).get_attribute("class"))
        .await?
        .unwrap_or_default();
    Ok(class.split_whitespace().any(|c| c == "hidden"))
}

async fn live_usage(page: &Page, base: &str) -> Result<(), String> {
    register(page, base, "usage").await?;

    open_hydrated(page, &format!("{base}/dashboard/keys")).await?;
    fill(page, "#key-name", "usage E2E").await?;
    click(page, "#create-key").await?;
    let key = wait_for_text_containing(&page.locator("#new-key-value"), "emcp_", NAVIGATION)
        .await?
        .trim()
        .to_string();
    let mcp_url = format!("{base}/mcp");

    open_hydrated(page, &format!("{base}/dashboard/usage")).await?;
    wait_for_text_containing(&page.locator("#calls-this-month"), "0", NAVIGATION).await?;
    wait_for_text_containing(&page.locator("#quota"), "200", UI_TIMEOUT).await?;
    wait_for_text_containing(&page.locator("#rate-limit"), "60 of 60", UI_TIMEOUT).await?;
    wait_for_text_containing(&page.locator("#no-calls"), "No calls yet", UI_TIMEOUT).await?;
    // Open the bell's panel: page state that a reload would lose.
    click(page, "#notifications-button").await?;
    if is_hidden(page, "#notifications-panel").await? {
        return Err("the notifications panel did not open".into());
    }

    for _ in 0..3 {
        let status = mcp_call(&mcp_url, &key).await?;
        if status != 200 {
            return Err(format!("{mcp_url} answered {status} to a tool call"));
        }
    }
    // The poll brings the figures in (every 3 s).
    wait_for_text_containing(&page.locator("#calls-this-month"), "3", NAVIGATION).await?;
    // The window holds these 3 calls unless a minute boundary fell between them and the poll.
    let window = bounded(
        UI_TIMEOUT,
        page.locator("#rate-limit").get_attribute("data-remaining"),
    )
    .await?
    .and_then(|r| r.parse::<u32>().ok());
    if !matches!(window, Some(57..=60)) {
        return Err(format!(
            "the rate window should show 57 to 60 calls left, shows {window:?}"
        ));
    }
    wait_for_text_containing(&page.locator("#recent-calls"), "list_divisions", NAVIGATION).await?;
    wait_for_text_containing(&page.locator("#recent-calls"), "e2e-usage", UI_TIMEOUT).await?;
    wait_for_text_containing(&page.locator("#by-tool"), "list_divisions", UI_TIMEOUT).await?;
    wait_for_text_containing(&page.locator("#by-client"), "e2e-usage", UI_TIMEOUT).await?;
    if is_hidden(page, "#notifications-panel").await? {
        return Err("the page reloaded: the notifications panel closed".into());
    }
    let percent = bounded(
        UI_TIMEOUT,
        page.locator("#quota-bar").get_attribute("data-percent"),
    )
    .await?;
    if percent.as_deref() != Some("1") {
        return Err(format!(
            "3 of 200 calls should fill 1 % of the bar, not {percent:?}"
        ));
    }

    // Today's bar carries the calls, and its tooltip says so.
    let today = page.locator("#usage-chart .usage-bar").last();
    let calls = bounded(UI_TIMEOUT, today.get_attribute("data-calls")).await?;
    if calls.as_deref() != Some("3") {
        return Err(format!("today's bar should carry 3 calls, has {calls:?}"));
    }
    today
        .hover(None)
        .await
        .map_err(|e| format!("hover today's bar: {e}"))?;
    wait_for_text_containing(&page.locator("#chart-tooltip"), "3 calls", UI_TIMEOUT).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_with_a_key_show_up_on_the_open_usage_page() {
    in_browser(live_usage).await;
}
