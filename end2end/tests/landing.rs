//! Browser tests of the landing page against a running server.
//!
//! Run from this directory with the app up: `cd end2end && cargo test`
//! (`E2E_BASE_URL` overrides http://127.0.0.1:3000).

mod support;

use std::time::{Duration, Instant};

use playwright_rs::{Page, ScreenshotOptions};
use support::{UI_POLL_INTERVAL, UI_TIMEOUT, bounded, screenshot_path, with_landing_page};

const CALLS_INPUT: &str = "#plan-calls";
const RECOMMENDATION: &str = "#plan-recommendation";
const THEME_TOGGLE: &str = "#theme-toggle";

/// Types `calls` into the plan calculator and waits (up to [`UI_TIMEOUT`]) for the
/// recommendation to mention `expected_plan`. Err says what was shown instead.
async fn expect_recommendation(page: &Page, calls: u32, expected_plan: &str) -> Result<(), String> {
    // fill() sets the value and dispatches the `input` event the signal listens to.
    page.locator(CALLS_INPUT)
        .fill(&calls.to_string(), None)
        .await
        .map_err(|err| format!("could not fill {CALLS_INPUT} with {calls}: {err}"))?;
    support::wait_for_text_containing(&page.locator(RECOMMENDATION), expected_plan, UI_TIMEOUT)
        .await
        .map(|_| ())
        .map_err(|err| {
            format!(
                "for {calls} calls the recommendation should name the {expected_plan} plan: {err}"
            )
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn landing_page_shows_a_heading() {
    with_landing_page(async |page: &Page| {
        let h1 = page.locator("h1").first();
        let visible = bounded(UI_TIMEOUT, h1.is_visible()).await?;
        if !visible {
            return Err("the landing page's h1 is not visible".to_string());
        }
        let text = bounded(UI_TIMEOUT, h1.text_content())
            .await?
            .unwrap_or_default();
        if text.trim().is_empty() {
            return Err("the landing page's h1 is empty".to_string());
        }

        let path = screenshot_path("landing.png");
        let options = ScreenshotOptions::builder().full_page(true).build();
        page.screenshot_to_file(&path, options)
            .await
            .map_err(|err| format!("screenshot to {} failed: {err}", path.display()))?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_recommendation_follows_call_volume() {
    with_landing_page(async |page: &Page| {
        for (calls, plan) in [
            (600, "Starter"),
            (2000, "Pro"),
            (5000, "Enterprise"),
            (100, "Free"),
        ] {
            expect_recommendation(page, calls, plan).await?;
        }
        Ok(())
    })
    .await;
}

/// The check above must be able to fail: 600 calls is Starter, not Enterprise.
/// If this test fails, `expect_recommendation` passes regardless of the page.
#[tokio::test(flavor = "multi_thread")]
async fn recommendation_check_rejects_the_wrong_plan() {
    with_landing_page(async |page: &Page| {
        match expect_recommendation(page, 600, "Enterprise").await {
            Err(err) => {
                eprintln!("expected failure, got it: {err}");
                Ok(())
            }
            Ok(()) => Err(
                "expect_recommendation(600, \"Enterprise\") returned Ok: the check cannot fail"
                    .to_string(),
            ),
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn theme_toggle_switches_dark_mode() {
    with_landing_page(async |page: &Page| {
        let initially_dark = html_is_dark(page).await?;
        let toggle = page.locator(THEME_TOGGLE);

        toggle
            .click(None)
            .await
            .map_err(|err| format!("could not click {THEME_TOGGLE}: {err}"))?;
        wait_for_dark(page, !initially_dark).await?;

        toggle
            .click(None)
            .await
            .map_err(|err| format!("could not click {THEME_TOGGLE} again: {err}"))?;
        wait_for_dark(page, initially_dark).await
    })
    .await;
}

/// Whether `<html>` carries the `dark` class.
async fn html_is_dark(page: &Page) -> Result<bool, String> {
    let class = bounded(UI_TIMEOUT, page.locator("html").get_attribute("class")).await?;
    Ok(class
        .unwrap_or_default()
        .split_whitespace()
        .any(|c| c == "dark"))
}

/// Polls `<html>`'s class until the presence of `dark` equals `want`, for at most [`UI_TIMEOUT`].
async fn wait_for_dark(page: &Page, want: bool) -> Result<(), String> {
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut poll = tokio::time::interval(UI_POLL_INTERVAL);
    loop {
        poll.tick().await;
        if html_is_dark(page).await? == want {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let class = bounded(
                Duration::from_secs(2),
                page.locator("html").get_attribute("class"),
            )
            .await;
            return Err(format!(
                "after clicking {THEME_TOGGLE}, <html> should {} the `dark` class within {} ms; \
                 class attribute is {class:?}",
                if want { "have" } else { "not have" },
                UI_TIMEOUT.as_millis()
            ));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn language_switch_turns_the_page_dutch_and_back() {
    with_landing_page(async |page: &Page| {
        let h1 = page.locator("h1").first();
        support::wait_for_text_containing(&h1, "Ask your AI assistant", UI_TIMEOUT).await?;
        page.locator("#lang-switch")
            .click(None)
            .await
            .map_err(|err| format!("could not click the language switch: {err}"))?;
        support::wait_for_text_containing(&h1, "Vraag je AI-assistent", support::HYDRATION_TIMEOUT)
            .await
            .map_err(|err| format!("after switching to Dutch: {err}"))?;
        let lang = bounded(UI_TIMEOUT, page.locator("html").get_attribute("lang")).await?;
        if lang.as_deref() != Some("nl") {
            return Err(format!("<html lang> should be nl, is {lang:?}"));
        }
        // The hydrated page keeps working in Dutch: the plan estimator still answers.
        page.locator(support::HYDRATED_SELECTOR)
            .wait_for(
                playwright_rs::WaitForOptions::builder()
                    .state(playwright_rs::WaitForState::Attached)
                    .timeout(support::HYDRATION_TIMEOUT.as_millis() as f64)
                    .build(),
            )
            .await
            .map_err(|err| format!("the Dutch page did not hydrate: {err}"))?;
        expect_recommendation(page, 700, "Starter").await?;
        support::wait_for_text_containing(&page.locator(RECOMMENDATION), "per maand", UI_TIMEOUT)
            .await?;

        page.locator("#lang-switch")
            .click(None)
            .await
            .map_err(|err| format!("could not click the language switch again: {err}"))?;
        support::wait_for_text_containing(&h1, "Ask your AI assistant", support::HYDRATION_TIMEOUT)
            .await
            .map(|_| ())
            .map_err(|err| format!("after switching back to English: {err}"))
    })
    .await;
}

/// "Try it" hands out a demo key without an account, with the MCP URL and the Claude Code command
/// filled in.
#[tokio::test(flavor = "multi_thread")]
async fn try_it_shows_a_demo_key() {
    with_landing_page(async |page: &Page| {
        page.locator("#try-demo")
            .click(None)
            .await
            .map_err(|err| format!("click #try-demo: {err}"))?;
        let demo = support::NAVIGATION;
        let key = support::wait_for_text_containing(&page.locator("#demo-key"), "emcp_", demo)
            .await?
            .trim()
            .to_string();
        if !key.starts_with("emcp_") {
            return Err(format!("the demo key {key:?} does not start with emcp_"));
        }
        let url = bounded(UI_TIMEOUT, page.locator("#demo-mcp-url").text_content())
            .await?
            .unwrap_or_default();
        if !url.trim().ends_with("/mcp") {
            return Err(format!("the MCP URL {url:?} does not end in /mcp"));
        }
        let command = support::wait_for_text_containing(
            &page.locator("#demo-snippet-claude-code"),
            &key,
            UI_TIMEOUT,
        )
        .await?;
        if !command.starts_with("claude mcp add --transport http exact-online ") {
            return Err(format!("unexpected Claude Code command {command:?}"));
        }
        support::wait_for_text_containing(
            &page.locator("#demo-note"),
            "four fictional companies",
            UI_TIMEOUT,
        )
        .await?;
        Ok(())
    })
    .await;
}
