//! Connecting Exact Online in the browser, through the embedded simulator's consent page:
//! allow and see the connection on the dashboard; deny and see the friendly page.

mod support;

use playwright_rs::Page;
use support::{
    NAVIGATION, PASSWORD, click, fill, in_browser, open_hydrated, unique_email,
    wait_for_text_containing,
};

/// A new account, signed in, on the connections page.
async fn registered_on_connections(page: &Page, base: &str) -> Result<(), String> {
    let email = unique_email("connect");
    open_hydrated(page, &format!("{base}/register")).await?;
    fill(page, "#register-email", &email).await?;
    fill(page, "#register-password", PASSWORD).await?;
    click(page, "button[type=submit]").await?;
    wait_for_text_containing(&page.locator("#signed-in-as"), &email, NAVIGATION).await?;
    open_hydrated(page, &format!("{base}/dashboard/connections")).await?;
    wait_for_text_containing(
        &page.locator("#no-connections"),
        "No Exact Online connection",
        NAVIGATION,
    )
    .await?;
    Ok(())
}

async fn connect_flow(page: &Page, base: &str) -> Result<(), String> {
    registered_on_connections(page, base).await?;
    click(page, "#connect-exact").await?;
    // The simulator's consent page: choose two administrations, allow.
    wait_for_text_containing(&page.locator("h1"), "Exact Online simulator", NAVIGATION).await?;
    for division in ["303", "404"] {
        page.locator(format!("input[name=division][value='{division}']"))
            .uncheck(None)
            .await
            .map_err(|e| format!("uncheck {division}: {e}"))?;
    }
    click(page, "#sim-allow").await?;
    wait_for_text_containing(
        &page.locator("#connect-success"),
        "Exact Online is connected",
        NAVIGATION,
    )
    .await?;
    wait_for_text_containing(
        &page.locator("#connections .connection-user"),
        "Sanne de Vries",
        NAVIGATION,
    )
    .await?;
    wait_for_text_containing(
        &page.locator("#connections .connection-status"),
        "Active",
        NAVIGATION,
    )
    .await?;
    let divisions = page
        .locator("#connections .division")
        .count()
        .await
        .map_err(|e| format!("count divisions: {e}"))?;
    if divisions != 2 {
        return Err(format!(
            "expected the 2 chosen administrations, saw {divisions}"
        ));
    }
    // The connection works: a test call goes through the stored tokens.
    click(page, "#connections .check-connection").await?;
    wait_for_text_containing(
        &page.locator("#connection-message"),
        "Exact Online answered",
        NAVIGATION,
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_through_the_consent_page_and_see_the_connection() {
    in_browser(connect_flow).await;
}

async fn deny_flow(page: &Page, base: &str) -> Result<(), String> {
    registered_on_connections(page, base).await?;
    click(page, "#connect-exact").await?;
    wait_for_text_containing(&page.locator("h1"), "Exact Online simulator", NAVIGATION).await?;
    click(page, "#sim-deny").await?;
    wait_for_text_containing(
        &page.locator("#oauth-error-message"),
        "You declined access",
        NAVIGATION,
    )
    .await?;
    click(page, "#oauth-error-back").await?;
    wait_for_text_containing(
        &page.locator("#no-connections"),
        "No Exact Online connection",
        NAVIGATION,
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn deny_consent_and_see_the_friendly_page() {
    in_browser(deny_flow).await;
}
