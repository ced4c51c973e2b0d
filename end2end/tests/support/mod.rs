//! Shared helpers for the browser tests: finding the server, waiting until it is
//! ready, launching Chromium through playwright-rs, and bounded waits on the page.
//!
//! Every wait here is bounded and polls a condition; nothing sleeps blindly.

// Each test file compiles this module separately and may use only part of it.
#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use playwright_rs::{
    Browser, GotoOptions, LaunchOptions, Locator, Page, Playwright, WaitForOptions, WaitForState,
};

/// Where the server under test listens unless `E2E_BASE_URL` says otherwise.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:3000";
/// How long to wait for `/healthz` to answer 200 before giving up.
pub const SERVER_READY_TIMEOUT: Duration = Duration::from_secs(120);
/// Interval between `/healthz` probes.
pub const SERVER_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// How long the page may take to load and hydrate.
pub const HYDRATION_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a reactive update may take to show up in the DOM.
pub const UI_TIMEOUT: Duration = Duration::from_secs(5);
/// Interval between DOM polls.
pub const UI_POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Default timeout for playwright actions (click, fill, ...).
const ACTION_TIMEOUT_MS: f64 = 10_000.0;

/// The hydration marker: the app's `hydrate()` sets it once the wasm has taken over.
pub const HYDRATED_SELECTOR: &str = r#"body[data-hydrated="true"]"#;

/// Chromium from Debian's `chromium` package.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMIUM_ARGS: &[&str] = &[
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Base URL of the server under test, without a trailing slash.
pub fn base_url() -> String {
    std::env::var("E2E_BASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
        .trim()
        .trim_end_matches('/')
        .to_string()
}

/// Polls `GET {base}/healthz` every 250 ms until it answers 200; panics after 120 s.
///
/// The server is started by someone else and may still be compiling or migrating.
pub async fn wait_for_server(base: &str) {
    let url = format!("{base}/healthz");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("build HTTP client");
    let deadline = Instant::now() + SERVER_READY_TIMEOUT;
    // Re-check the condition at a steady cadence until it holds or the deadline passes.
    let mut poll = tokio::time::interval(SERVER_POLL_INTERVAL);
    loop {
        poll.tick().await;
        let last = match client.get(&url).send().await {
            Ok(resp) if resp.status() == reqwest::StatusCode::OK => return,
            Ok(resp) => format!("HTTP {}", resp.status()),
            Err(err) => format!("request error: {err}"),
        };
        if Instant::now() >= deadline {
            panic!(
                "server not ready: GET {url} did not return 200 within {}s (last result: {last}). \
                 Start the app first, or set E2E_BASE_URL to where it runs.",
                SERVER_READY_TIMEOUT.as_secs()
            );
        }
    }
}

/// One driver + one headless Chromium + one page. Each test owns its own.
pub struct Session {
    pub playwright: Playwright,
    pub browser: Browser,
    pub page: Page,
    pub base: String,
}

impl Session {
    /// Waits for the server, then launches Chromium and opens a blank page.
    pub async fn start() -> Session {
        let base = base_url();
        wait_for_server(&base).await;

        let playwright = Playwright::launch().await.unwrap_or_else(|err| {
            panic!(
                "could not start the Playwright driver: {err}\n\
                 Run the tests from end2end/ (`cd end2end && cargo test`) after `npm ci` there, \
                 so .cargo/config.toml points at node_modules/playwright-core/cli.js."
            )
        });
        let options = LaunchOptions::new()
            .executable_path(CHROMIUM.to_string())
            .headless(true)
            .args(CHROMIUM_ARGS.iter().map(|arg| arg.to_string()).collect());
        let browser = playwright
            .chromium()
            .launch_with_options(options)
            .await
            .unwrap_or_else(|err| panic!("could not launch {CHROMIUM}: {err}"));
        let page = browser.new_page().await.expect("open a new page");
        page.set_default_timeout(ACTION_TIMEOUT_MS).await;
        page.set_default_navigation_timeout(HYDRATION_TIMEOUT.as_millis() as f64)
            .await;

        Session {
            playwright,
            browser,
            page,
            base,
        }
    }

    /// Closes the browser and shuts the driver down.
    pub async fn close(self) {
        if let Err(err) = self.browser.close().await {
            eprintln!("warning: closing the browser failed: {err}");
        }
        if let Err(err) = self.playwright.shutdown().await {
            eprintln!("warning: shutting the Playwright driver down failed: {err}");
        }
    }
}

/// Starts a session, opens the landing page, waits for hydration, runs `body`,
/// and closes the browser whatever `body` returned. Panics with `body`'s error.
pub async fn with_landing_page<F>(body: F)
where
    F: AsyncFnOnce(&Page) -> Result<(), String>,
{
    let session = Session::start().await;
    let result = match open_hydrated(&session.page, &format!("{}/", session.base)).await {
        Ok(()) => body(&session.page).await,
        Err(err) => Err(err),
    };
    session.close().await;
    if let Err(err) = result {
        panic!("{err}");
    }
}

/// Navigates to `url` and waits (bounded) until the app has hydrated.
pub async fn open_hydrated(page: &Page, url: &str) -> Result<(), String> {
    let response = page
        .goto(url, GotoOptions::new().timeout(HYDRATION_TIMEOUT))
        .await
        .map_err(|err| format!("navigating to {url} failed: {err}"))?;
    if let Some(response) = response
        && !response.ok()
    {
        return Err(format!("GET {url} answered HTTP {}", response.status()));
    }

    let marker = page.locator(HYDRATED_SELECTOR);
    let waited = marker
        .wait_for(
            WaitForOptions::builder()
                .state(WaitForState::Attached)
                .timeout(HYDRATION_TIMEOUT.as_millis() as f64)
                .build(),
        )
        .await;
    if let Err(err) = waited {
        let seen = bounded(
            Duration::from_secs(2),
            page.locator("body").get_attribute("data-hydrated"),
        )
        .await;
        let seen = match seen {
            Ok(Some(value)) => format!("body has data-hydrated={value:?}"),
            Ok(None) => "body has no data-hydrated attribute".to_string(),
            Err(err) => format!("body could not be inspected: {err}"),
        };
        return Err(format!(
            "{url} did not hydrate within {}s: no element matches {HYDRATED_SELECTOR} \
             ({seen}); is the wasm bundle served and does hydrate() \
             set the marker? playwright: {err}",
            HYDRATION_TIMEOUT.as_secs()
        ));
    }
    Ok(())
}

/// Runs a playwright query with a hard deadline, flattening both failure kinds
/// into a message. Needed because some queries (text_content, get_attribute)
/// always send playwright's fixed 30 s timeout and ignore the page default.
pub async fn bounded<T, E: std::fmt::Display>(
    limit: Duration,
    query: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(limit, query).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer within {} ms", limit.as_millis())),
    }
}

/// Polls `locator`'s text content until it contains `needle` or `timeout` passes.
/// Returns the matching text, or Err with the last text seen.
pub async fn wait_for_text_containing(
    locator: &Locator,
    needle: &str,
    timeout: Duration,
) -> Result<String, String> {
    let deadline = Instant::now() + timeout;
    // The last text actually read, and the last read that failed (if any since).
    let mut last_text: Option<Option<String>> = None;
    let mut last_error: Option<String> = None;
    let mut poll = tokio::time::interval(UI_POLL_INTERVAL);
    loop {
        poll.tick().await;
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            let seen = match (&last_text, &last_error) {
                (Some(Some(text)), _) => format!("last text seen: {text:?}"),
                (Some(None), _) => "the element had no text content".to_string(),
                (None, Some(err)) => format!("the text could not be read: {err}"),
                (None, None) => "the text was never read".to_string(),
            };
            return Err(format!(
                "text of `{}` did not contain {needle:?} within {} ms; {seen}",
                locator.selector(),
                timeout.as_millis()
            ));
        }
        match bounded(remaining, locator.text_content()).await {
            Ok(Some(text)) if text.contains(needle) => return Ok(text),
            Ok(text) => last_text = Some(text),
            Err(err) => last_error = Some(err),
        }
    }
}

/// Where screenshots go: `end2end/target-screens/` (gitignored).
pub fn screenshot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target-screens");
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("create {}: {err}", dir.display()));
    dir.join(name)
}

/// The password the account flows use.
pub const PASSWORD: &str = "kaas-brood-fiets-42";
/// How long a navigation with a server round trip may take to show its result.
pub const NAVIGATION: Duration = Duration::from_secs(15);

/// Runs `flow` in a fresh browser, closes it whatever happened, then fails on the flow's error.
pub async fn in_browser<F>(flow: F)
where
    F: AsyncFnOnce(&Page, &str) -> Result<(), String>,
{
    let session = Session::start().await;
    let result = flow(&session.page, &session.base).await;
    session.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// An address no earlier run used: `e2e-{tag}-{nanos}@bakkerij.example`.
pub fn unique_email(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("e2e-{tag}-{nanos}@bakkerij.example")
}

pub async fn fill(page: &Page, selector: &str, value: &str) -> Result<(), String> {
    page.locator(selector)
        .fill(value, None)
        .await
        .map_err(|e| format!("fill {selector}: {e}"))
}

pub async fn click(page: &Page, selector: &str) -> Result<(), String> {
    page.locator(selector)
        .click(None)
        .await
        .map_err(|e| format!("click {selector}: {e}"))
}

/// Registers a new account (an address no run used before) and waits until the dashboard shows
/// it signed in; returns the address.
pub async fn register(page: &Page, base: &str, tag: &str) -> Result<String, String> {
    let email = unique_email(tag);
    open_hydrated(page, &format!("{base}/register")).await?;
    fill(page, "#register-email", &email).await?;
    fill(page, "#register-password", PASSWORD).await?;
    click(page, "button[type=submit]").await?;
    wait_for_text_containing(&page.locator("#signed-in-as"), &email, NAVIGATION).await?;
    Ok(email)
}
