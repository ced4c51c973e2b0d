//! The admin panel in the browser: an administrator (created by `scripts/test.sh` with the CLI,
//! `E2E_ADMIN_EMAIL`) finds a new account by its address, changes its plan, resets its usage,
//! suspends and reactivates it, each confirmed on the page and visible in the row.

mod support;

use playwright_rs::Page;
use support::{
    NAVIGATION, PASSWORD, UI_TIMEOUT, bounded, click, fill, in_browser, open_hydrated, register,
    wait_for_text_containing,
};

/// The administrator's address: the CLI made it before the server started.
fn admin_email() -> String {
    std::env::var("E2E_ADMIN_EMAIL").unwrap_or_else(|_| "e2e-admin@exact-mcp.example".into())
}

async fn sign_in(page: &Page, base: &str, email: &str) -> Result<(), String> {
    open_hydrated(page, &format!("{base}/login")).await?;
    fill(page, "#login-email", email).await?;
    fill(page, "#login-password", PASSWORD).await?;
    click(page, "#login-submit").await?;
    wait_for_text_containing(&page.locator("#signed-in-as"), email, NAVIGATION).await?;
    Ok(())
}

/// Opens the row's `nth` disclosure (unless it is open already) and clicks `button` inside it.
async fn confirm(page: &Page, row: &str, nth: usize, button: &str) -> Result<(), String> {
    let details = format!("{row} details:nth-of-type({nth})");
    let open = bounded(UI_TIMEOUT, page.locator(format!("{details}[open]")).count())
        .await
        .map_err(|e| format!("is {details} open: {e}"))?;
    if open == 0 {
        click(page, &format!("{details} summary")).await?;
    }
    click(page, &format!("{details} {button}")).await
}

async fn flow(page: &Page, base: &str) -> Result<(), String> {
    let target = register(page, base, "admin-target").await?;
    click(page, "#sign-out").await?;
    wait_for_text_containing(&page.locator("h1"), "Ask your AI assistant", NAVIGATION).await?;
    sign_in(page, base, &admin_email()).await?;

    // Signed in, the header offers the admin panel instead of "Sign in".
    wait_for_text_containing(&page.locator("#header-admin"), "Admin", NAVIGATION).await?;
    open_hydrated(page, &format!("{base}/admin")).await?;
    fill(page, "#admin-search", &target).await?;
    click(page, "#admin-search-button").await?;
    let row = format!("tr[data-email=\"{target}\"]");
    wait_for_text_containing(
        &page.locator(format!("{row} .status")),
        "active",
        NAVIGATION,
    )
    .await?;
    wait_for_text_containing(&page.locator("#admin-page"), "(1 accounts)", NAVIGATION).await?;
    let next = bounded(UI_TIMEOUT, page.locator("#admin-next").text_content())
        .await
        .map_err(|e| format!("the Next button: {e}"))?
        .unwrap_or_default();
    if next.trim() != "Next" {
        return Err(format!("the Next button reads {next:?}"));
    }

    // Plan: choose Pro, change; the page says done and the row keeps Pro.
    bounded(
        UI_TIMEOUT,
        page.locator(format!("{row} select[name=plan]"))
            .select_option("pro", None),
    )
    .await
    .map_err(|e| format!("choose the plan: {e}"))?;
    click(page, &format!("{row} .set-plan")).await?;
    wait_for_text_containing(&page.locator("#admin-result"), "Done", NAVIGATION).await?;

    // Usage: reset after confirming.
    confirm(page, &row, 1, ".reset-usage").await?;
    wait_for_text_containing(&page.locator(format!("{row} .usage")), "0", NAVIGATION).await?;

    // Suspend, then reactivate.
    confirm(page, &row, 2, ".set-status").await?;
    wait_for_text_containing(
        &page.locator(format!("{row} .status")),
        "suspended",
        NAVIGATION,
    )
    .await?;
    confirm(page, &row, 2, ".set-status").await?;
    wait_for_text_containing(
        &page.locator(format!("{row} .status")),
        "active",
        NAVIGATION,
    )
    .await?;
    let plan = bounded(
        UI_TIMEOUT,
        page.locator(format!("{row} select[name=plan]"))
            .input_value(None),
    )
    .await
    .map_err(|e| format!("read the plan: {e}"))?;
    if plan != "pro" {
        return Err(format!("the plan shows {plan}, not pro"));
    }
    Ok(())
}

/// The flow, with a screenshot of the page where it failed (`end2end/target-screens/admin.png`).
async fn flow_with_evidence(page: &Page, base: &str) -> Result<(), String> {
    let result = flow(page, base).await;
    if result.is_err() {
        let path = support::screenshot_path("admin.png");
        let options = playwright_rs::ScreenshotOptions::builder()
            .full_page(true)
            .build();
        let _ = page.screenshot_to_file(&path, options).await;
    }
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_finds_an_account_changes_its_plan_resets_usage_suspends_and_reactivates() {
    in_browser(flow_with_evidence).await;
}
