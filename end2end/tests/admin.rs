//! The admin panel in the browser: an administrator (created by `scripts/test.sh` with the CLI,
//! `E2E_ADMIN_EMAIL`) finds a new account by its address, changes its plan, resets its usage,
//! suspends and reactivates it, each confirmed on the page and visible in the row; then answers
//! the ticket the account opened on its Support page, and the person reads the reply there; and
//! runs a job with "Run now" and sees the run.

mod support;

use playwright_rs::{Page, WaitForOptions, WaitForState};
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

/// The confirmation is a toast: it leaves the screen by itself after a few seconds. Playwright
/// waits for it to leave the page (bounded), no polling here.
async fn toast_goes_away(page: &Page) -> Result<(), String> {
    page.locator(".toast")
        .wait_for(
            WaitForOptions::builder()
                .state(WaitForState::Detached)
                .timeout(20_000.0)
                .build(),
        )
        .await
        .map_err(|e| format!("the toast stayed: {e}"))
}

async fn flow(page: &Page, base: &str) -> Result<(), String> {
    let target = register(page, base, "admin-target").await?;
    // The new account asks for help on its Support page.
    let subject = format!("Help for {target}");
    open_hydrated(page, &format!("{base}/dashboard/support")).await?;
    fill(page, "#support-subject", &subject).await?;
    fill(
        page,
        "#support-text",
        "My assistant cannot see my invoices.",
    )
    .await?;
    click(page, "#support-send").await?;
    wait_for_text_containing(&page.locator("#support-result"), "was sent", NAVIGATION).await?;
    wait_for_text_containing(&page.locator("#my-tickets"), &subject, NAVIGATION).await?;
    toast_goes_away(page).await?;
    click(page, "#sign-out").await?;
    wait_for_text_containing(&page.locator("h1"), "Ask your AI assistant", NAVIGATION).await?;
    sign_in(page, base, &admin_email()).await?;

    // Signed in, the header offers the admin panel instead of "Sign in".
    wait_for_text_containing(&page.locator("#header-admin"), "Admin", NAVIGATION).await?;
    open_hydrated(page, &format!("{base}/admin")).await?;
    wait_for_text_containing(
        &page.locator("#fig-open-tickets"),
        "Open tickets",
        NAVIGATION,
    )
    .await?;
    open_hydrated(page, &format!("{base}/admin/users")).await?;
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

    // A job run by hand: confirmed, and listed among its runs.
    open_hydrated(page, &format!("{base}/admin/jobs")).await?;
    click(page, "#admin-jobs tr[data-job='cleanup'] .run-now").await?;
    wait_for_text_containing(&page.locator("#job-run-result"), "manual@", NAVIGATION).await?;
    wait_for_text_containing(&page.locator("#admin-jobs"), "manual@", NAVIGATION).await?;

    // The ticket: answered from the admin panel, read by the person on the Support page.
    let reply = "Reconnect Exact under Connections; your invoices will show again.";
    open_hydrated(page, &format!("{base}/admin/tickets")).await?;
    let card = format!("li.ticket[data-subject=\"{subject}\"]");
    fill(
        page,
        &format!("{card} .reply-form textarea[name=text]"),
        reply,
    )
    .await?;
    click(page, &format!("{card} .send-reply")).await?;
    wait_for_text_containing(
        &page.locator("#ticket-result"),
        "reply was sent",
        NAVIGATION,
    )
    .await?;
    wait_for_text_containing(&page.locator(format!("{card} .reply")), reply, NAVIGATION).await?;
    open_hydrated(page, &format!("{base}/dashboard")).await?;
    click(page, "#sign-out").await?;
    wait_for_text_containing(&page.locator("h1"), "Ask your AI assistant", NAVIGATION).await?;
    sign_in(page, base, &target).await?;
    open_hydrated(page, &format!("{base}/dashboard/support")).await?;
    wait_for_text_containing(&page.locator("#my-tickets .reply"), reply, NAVIGATION).await?;
    wait_for_text_containing(
        &page.locator("#my-tickets .ticket"),
        "in progress",
        NAVIGATION,
    )
    .await?;
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
