//! Browser tests of the account flow against a running server: register, sign out, sign in.

mod support;

use playwright_rs::Page;
use support::{
    NAVIGATION, PASSWORD, click, fill, in_browser, open_hydrated, unique_email,
    wait_for_text_containing,
};

async fn flow(page: &Page, base: &str) -> Result<(), String> {
    let email = unique_email("account");

    open_hydrated(page, &format!("{base}/register")).await?;
    // Inline validation runs in the browser with the server's rules.
    fill(page, "#register-password", "kort").await?;
    wait_for_text_containing(
        &page.locator("#register-password-problem"),
        "at least 12",
        NAVIGATION,
    )
    .await?;
    fill(page, "#register-name", "Anna E2E").await?;
    fill(page, "#register-email", &email).await?;
    fill(page, "#register-password", PASSWORD).await?;
    click(page, "button[type=submit]").await?;
    wait_for_text_containing(&page.locator("#signed-in-as"), &email, NAVIGATION).await?;

    click(page, "#sign-out").await?;
    wait_for_text_containing(&page.locator("h1"), "Ask your AI assistant", NAVIGATION).await?;

    open_hydrated(page, &format!("{base}/login")).await?;
    fill(page, "#login-email", &email).await?;
    fill(page, "#login-password", "not-the-password-1").await?;
    click(page, "#login-submit").await?;
    wait_for_text_containing(
        &page.locator("#form-error"),
        "do not match an account",
        NAVIGATION,
    )
    .await?;

    fill(page, "#login-password", PASSWORD).await?;
    click(page, "#login-submit").await?;
    wait_for_text_containing(&page.locator("#signed-in-as"), &email, NAVIGATION).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn register_sign_out_and_sign_in_again() {
    in_browser(flow).await;
}

async fn reset_flow(page: &Page, base: &str) -> Result<(), String> {
    let email = unique_email("account");
    open_hydrated(page, &format!("{base}/register")).await?;
    fill(page, "#register-email", &email).await?;
    fill(page, "#register-password", PASSWORD).await?;
    click(page, "button[type=submit]").await?;
    wait_for_text_containing(&page.locator("#signed-in-as"), &email, NAVIGATION).await?;
    click(page, "#sign-out").await?;
    wait_for_text_containing(&page.locator("h1"), "Ask your AI assistant", NAVIGATION).await?;

    open_hydrated(page, &format!("{base}/forgot-password")).await?;
    fill(page, "#forgot-email", &email).await?;
    click(page, "button[type=submit]").await?;
    wait_for_text_containing(
        &page.locator("#reset-sent"),
        "If an account exists",
        NAVIGATION,
    )
    .await?;
    click(page, "#outbox-link").await?;
    let link = format!("article:has-text(\"{email}\") a.outbox-link");
    wait_for_text_containing(&page.locator(&link), "/reset-password?token=", NAVIGATION).await?;
    click(page, &link).await?;

    let new_password = "nieuw-wachtwoord-77";
    wait_for_text_containing(&page.locator("h1"), "Choose a new password", NAVIGATION).await?;
    page.locator(support::HYDRATED_SELECTOR)
        .wait_for(
            playwright_rs::WaitForOptions::builder()
                .state(playwright_rs::WaitForState::Attached)
                .timeout(NAVIGATION.as_millis() as f64)
                .build(),
        )
        .await
        .map_err(|e| format!("reset page did not hydrate: {e}"))?;
    fill(page, "#reset-password", new_password).await?;
    click(page, "button[type=submit]").await?;
    wait_for_text_containing(&page.locator("h1"), "Sign in", NAVIGATION).await?;

    fill(page, "#login-email", &email).await?;
    fill(page, "#login-password", new_password).await?;
    click(page, "#login-submit").await?;
    wait_for_text_containing(&page.locator("#signed-in-as"), &email, NAVIGATION).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_the_password_through_the_outbox_link() {
    in_browser(reset_flow).await;
}
