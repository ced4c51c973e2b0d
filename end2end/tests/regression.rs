//! The seeds' regression checklist in the browser, as one person's day: connect Exact through the
//! consent page; choose the default administration and switch one off; create a key and call a
//! tool with it; a token expired at Exact is refreshed at the next call; the 61st call in a minute is
//! refused and the usage page shows the refusal; the dashboard shows it all at a glance;
//! disconnect. Then the 404 page and the 500 page a fault gives. (The OAuth denial page is
//! `connections.rs`; "Run now" for a job is `admin.rs`.)

mod support;

use playwright_rs::{GotoOptions, Page};
use std::time::Duration;
use support::{
    NAVIGATION, UI_TIMEOUT, bounded, click, fill, in_browser, open_hydrated, register,
    wait_for_text_containing,
};

fn tool_call(name: &str) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"{name}","arguments":{{}}}}}}"#
    )
}

fn http() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .user_agent("e2e-regression/1.0")
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// Calls a tool with the key: the status and the body.
async fn call(base: &str, key: &str, tool: &str) -> Result<(u16, String), String> {
    let res = http()?
        .post(format!("{base}/mcp"))
        .header("Authorization", format!("Bearer {key}"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .body(tool_call(tool))
        .send()
        .await
        .map_err(|e| format!("POST /mcp: {e}"))?;
    let status = res.status().as_u16();
    let body = res.text().await.map_err(|e| format!("read /mcp: {e}"))?;
    Ok((status, body))
}

/// A tool call that must succeed: 200 and not `isError`.
async fn call_ok(base: &str, key: &str, tool: &str) -> Result<String, String> {
    let (status, body) = call(base, key, tool).await?;
    if status != 200 || body.contains("\"isError\":true") {
        return Err(format!("{tool} answered {status}: {body}"));
    }
    Ok(body)
}

/// The simulator's counters (`refreshes`, …).
async fn sim_counter(base: &str, name: &str) -> Result<i64, String> {
    let text = http()?
        .get(format!("{base}/sim/exact/_control/counters"))
        .send()
        .await
        .map_err(|e| format!("counters: {e}"))?
        .text()
        .await
        .map_err(|e| format!("counters: {e}"))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("counters {text}: {e}"))?;
    Ok(v[name].as_i64().unwrap_or(0))
}

async fn sim_control(base: &str, path: &str) -> Result<(), String> {
    let res = http()?
        .post(format!("{base}/sim/exact/_control/{path}"))
        .send()
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    if !res.status().is_success() {
        return Err(format!("{path}: {}", res.status()));
    }
    Ok(())
}

async fn connect(page: &Page, base: &str) -> Result<(), String> {
    open_hydrated(page, &format!("{base}/dashboard/connections")).await?;
    click(page, "#connect-exact").await?;
    wait_for_text_containing(&page.locator("h1"), "Exact Online simulator", NAVIGATION).await?;
    for division in ["303", "404"] {
        page.locator(format!("input[name=division][value='{division}']"))
            .uncheck(None)
            .await
            .map_err(|e| format!("uncheck {division}: {e}"))?;
    }
    click(page, "#sim-allow").await?;
    wait_for_text_containing(&page.locator("#connect-success"), "connected", NAVIGATION).await?;
    Ok(())
}

async fn divisions(page: &Page) -> Result<(), String> {
    // 202 becomes the default, 101 is switched off.
    click(page, "li.division[data-code='202'] .make-default").await?;
    wait_for_text_containing(
        &page.locator("li.division[data-code='202'] .division-default"),
        "Default",
        NAVIGATION,
    )
    .await?;
    click(page, "li.division[data-code='101'] .toggle-active").await?;
    wait_for_text_containing(
        &page.locator("li.division[data-code='101'] .division-state"),
        "Inactive",
        NAVIGATION,
    )
    .await?;
    Ok(())
}

async fn new_key(page: &Page, base: &str) -> Result<String, String> {
    open_hydrated(page, &format!("{base}/dashboard/keys")).await?;
    fill(page, "#key-name", "regression").await?;
    click(page, "#create-key").await?;
    let key =
        wait_for_text_containing(&page.locator("#new-key-value"), "emcp_", NAVIGATION).await?;
    Ok(key.trim().to_string())
}

/// Calls until one is refused; 121 calls span at most two one-minute windows, so one of them
/// holds a 61st call.
async fn until_refused(base: &str, key: &str) -> Result<usize, String> {
    for n in 1..=121 {
        let (status, body) = call(base, key, "list_divisions").await?;
        match status {
            200 => {}
            429 => return Ok(n),
            other => return Err(format!("call {n} answered {other}: {body}")),
        }
    }
    Err("121 calls within two minutes were all admitted".into())
}

async fn day(page: &Page, base: &str) -> Result<(), String> {
    register(page, base, "regression").await?;
    connect(page, base).await?;
    divisions(page).await?;
    let key = new_key(page, base).await?;

    // A tool reads the default administration through the stored tokens.
    call_ok(base, &key, "get_relations").await?;
    // Ten minutes pass at Exact (its clock, not ours): the access token has expired there, and
    // the next call refreshes it once and succeeds.
    let refreshes = sim_counter(base, "refreshes").await?;
    sim_control(base, "advance?seconds=600").await?;
    call_ok(base, &key, "get_relations").await?;
    let after = sim_counter(base, "refreshes").await?;
    if after != refreshes + 1 {
        return Err(format!(
            "one refresh expected, the simulator saw {refreshes} → {after}"
        ));
    }

    // The rate limit, and the refusal on the usage page.
    let refused_at = until_refused(base, &key).await?;
    if refused_at < 59 {
        return Err(format!("refused after only {refused_at} calls"));
    }
    open_hydrated(page, &format!("{base}/dashboard/usage")).await?;
    wait_for_text_containing(&page.locator("#recent-calls"), "rate limit", NAVIGATION).await?;

    // The overview has it all at a glance.
    open_hydrated(page, &format!("{base}/dashboard")).await?;
    wait_for_text_containing(
        &page.locator("#connections-glance"),
        "Sanne de Vries",
        NAVIGATION,
    )
    .await?;
    wait_for_text_containing(&page.locator("#glance-keys"), "1", NAVIGATION).await?;

    // Disconnect, after confirming.
    open_hydrated(page, &format!("{base}/dashboard/connections")).await?;
    click(page, "#connections .disconnect").await?;
    click(page, "#connections .confirm-disconnect").await?;
    wait_for_text_containing(
        &page.locator("#no-connections"),
        "No Exact Online connection",
        NAVIGATION,
    )
    .await?;

    // The error pages: their status, their words, and nothing of the fault.
    for (path, status, heading) in [
        ("/no-such-page", 404, "This page does not exist"),
        ("/dev/panic", 500, "Something went wrong on our side"),
    ] {
        let res = page
            .goto(
                &format!("{base}{path}"),
                GotoOptions::new().timeout(NAVIGATION),
            )
            .await
            .map_err(|e| format!("open {path}: {e}"))?;
        let got = res.map(|r| r.status());
        if got != Some(status) {
            return Err(format!("{path} answered {got:?}, not {status}"));
        }
        wait_for_text_containing(&page.locator("h1"), heading, NAVIGATION).await?;
        let text = bounded(UI_TIMEOUT, page.locator("body").text_content())
            .await?
            .unwrap_or_default();
        if text.contains("panicked") || text.contains("deliberate fault") {
            return Err(format!("{path} shows the fault"));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_regression_checklist_in_one_day() {
    in_browser(day).await;
}
