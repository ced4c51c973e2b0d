//! The HTTP foundation, seen from outside: health and readiness, request ids, security headers,
//! pages, error pages, compression, body limits, static files and graceful shutdown.
use axum::{Router, routing::get};
use exact_mcp::server::state::AppState;
use reqwest::{StatusCode, header};
use std::{sync::Arc, time::Duration};
use test_kit::TestApp;
use tokio::sync::Notify;

#[tokio::test]
async fn health_and_readiness_follow_the_database_and_draining() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );

    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );

    // The database goes away: not ready, but still alive.
    app.state.db.close().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["status"],
        "unavailable"
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn readiness_reports_draining() {
    let app = TestApp::spawn().await;
    app.state.lifecycle.start_draining();
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["status"],
        "draining"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    for path in ["/", "/healthz", "/no-such-page"] {
        let res = app.get(path).await;
        let id = res
            .headers()
            .get("x-request-id")
            .expect("request id")
            .to_str()
            .unwrap();
        assert_eq!(id.len(), 36, "a UUID for {path}: {id}");
    }
    let res = app
        .client
        .get(app.at("/healthz"))
        .header("x-request-id", "lb-7f3a-01")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["x-request-id"],
        "lb-7f3a-01",
        "a plain upstream id is kept"
    );
    let res = app
        .client
        .get(app.at("/healthz"))
        .header("x-request-id", "<script>alert(1)</script>")
        .send()
        .await
        .unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap();
    assert!(
        !id.contains('<') && id.len() == 36,
        "an odd upstream id is replaced: {id}"
    );
}

fn csp_nonce(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("nonce in CSP") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_string()
}

#[tokio::test]
async fn landing_page_is_server_rendered_under_a_nonce_csp() {
    let app = TestApp::spawn().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(h.contains_key("permissions-policy"));
    assert!(
        !h.contains_key("strict-transport-security"),
        "no HSTS over plain development http"
    );
    let csp = h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("'wasm-unsafe-eval'"),
        "hydration needs to compile wasm: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp_nonce(&csp);
    assert!(nonce.len() >= 16);

    let html = res.text().await.unwrap();
    assert!(html.contains("<h1"), "a heading");
    assert!(html.contains("Ask your AI assistant about your books"));
    assert!(html.contains("id=\"plan-calls\""), "the plan estimator");
    assert!(
        html.contains("/pkg/exact-mcp.js"),
        "the hydration script is referenced"
    );
    assert!(
        html.contains("/pkg/exact-mcp.css"),
        "the stylesheet is linked"
    );
    // Every inline script carries this response's nonce, or the browser would block it.
    let inline_scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(
        inline_scripts > 0 && with_nonce >= inline_scripts,
        "{inline_scripts} scripts, {with_nonce} with the nonce"
    );

    // A fresh nonce for each response.
    let again = app.get("/").await;
    let csp2 = again.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert_ne!(csp_nonce(csp2), nonce);
}

#[tokio::test]
async fn production_adds_hsts() {
    let app = TestApp::builder().production().spawn().await;
    let res = app.get("/healthz").await;
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn without_app_env_a_public_url_gets_production_rules() {
    // A complete production configuration that forgot APP_ENV (blank counts as unset).
    let app = TestApp::builder()
        .production()
        .env("APP_ENV", "")
        .spawn()
        .await;
    assert!(app.state.settings.is_production());
    let res = app.get("/healthz").await;
    assert!(
        res.headers().contains_key("strict-transport-security"),
        "HSTS without APP_ENV"
    );
    assert_eq!(app.get("/dev/outbox").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_development_outbox_never_answers_through_a_proxy() {
    for trusted in ["", "127.0.0.1/32"] {
        let app = TestApp::builder()
            .env("TRUSTED_PROXIES", trusted)
            .spawn()
            .await;
        assert_eq!(app.get("/dev/outbox").await.status(), StatusCode::OK);
        for (name, value) in [
            ("x-forwarded-for", "127.0.0.1"),
            ("forwarded", "for=127.0.0.1"),
            ("x-real-ip", "127.0.0.1"),
        ] {
            let res = app
                .client
                .get(app.at("/dev/outbox"))
                .header(name, value)
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::NOT_FOUND,
                "{name} (trusted proxies: {trusted:?})"
            );
        }
    }
}

#[tokio::test]
async fn unknown_pages_get_the_friendly_404() {
    let app = TestApp::spawn().await;
    for res in [
        app.get("/definitely/not/here").await,
        app.client
            .post(app.at("/definitely/not/here"))
            .header(header::ORIGIN, &app.url)
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = res.text().await.unwrap();
        assert!(html.contains("This page does not exist"), "{html}");
        assert!(html.contains("href=\"/\""), "a way back");
    }
}

#[tokio::test]
async fn a_panic_becomes_the_generic_500_page() {
    let probe: Router<AppState> = Router::new().route(
        "/test/panic",
        get(|| async {
            panic!("database password is hunter2");
            #[allow(unreachable_code)]
            ""
        }),
    );
    let app = TestApp::builder().routes(probe).spawn().await;
    let res = app.get("/test/panic").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let html = res.text().await.unwrap();
    assert!(html.contains("Something went wrong on our side"));
    assert!(
        !html.contains("hunter2") && !html.contains("panicked"),
        "{html}"
    );
    assert!(html.contains("<html lang=\"en\""), "{html}");
    // A Dutch request gets the page in Dutch, by header or by the language cookie, and with the
    // stylesheet the framework's pages link.
    let page = app.get("/").await.text().await.unwrap();
    let css = stylesheet_of(&page);
    for (name, value) in [(header::ACCEPT_LANGUAGE, "nl"), (header::COOKIE, "lang=nl")] {
        let res = app
            .client
            .get(app.at("/test/panic"))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let html = res.text().await.unwrap();
        assert!(html.contains("<html lang=\"nl\""), "{html}");
        assert!(html.contains("Er ging bij ons iets mis"), "{html}");
        assert!(html.contains("Terug naar de startpagina"), "{html}");
        assert!(!html.contains("Something went wrong"), "{html}");
        assert_eq!(stylesheet_of(&html), css);
        assert!(!html.contains("hunter2"), "{html}");
    }
    // The service keeps serving.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

/// The `href` of the first stylesheet a page links.
fn stylesheet_of(html: &str) -> String {
    let end = html.find(".css\"").expect("a stylesheet link") + ".css".len();
    let start = html[..end].rfind("href=\"").expect("an href") + "href=\"".len();
    html[start..end].to_string()
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.at("/"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let res = app.get("/").await;
    assert!(!res.headers().contains_key(header::CONTENT_ENCODING));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::builder()
        .env("MAX_BODY_BYTES", "1024")
        .spawn()
        .await;
    let res = app
        .client
        .post(app.at("/healthz"))
        .header(header::ORIGIN, &app.url)
        .body(vec![b'x'; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn static_files_are_served_with_cache_headers() {
    let app = TestApp::spawn().await;
    let root = app.site_root.path();
    std::fs::write(root.join("pkg/exact-mcp.css"), "body{color:red}").unwrap();
    std::fs::write(root.join("robots.txt"), "User-agent: *").unwrap();

    let res = app.get("/pkg/exact-mcp.css").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let modified = res.headers()[header::LAST_MODIFIED].clone();
    assert_eq!(res.text().await.unwrap(), "body{color:red}");

    let res = app
        .client
        .get(app.at("/pkg/exact-mcp.css"))
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_MODIFIED,
        "revalidation is cheap"
    );

    let res = app.get("/robots.txt").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=3600");

    // A missing asset is the 404 page, never cached.
    let res = app.get("/pkg/missing.js").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.headers().contains_key(header::CACHE_CONTROL));
}

/// A route that holds its request until the test releases it.
fn slow_route(entered: Arc<Notify>, release: Arc<Notify>) -> Router<AppState> {
    Router::new().route(
        "/test/slow",
        get(move || {
            let (entered, release) = (entered.clone(), release.clone());
            async move {
                entered.notify_one();
                release.notified().await;
                "finished"
            }
        }),
    )
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests() {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let mut app = TestApp::builder()
        .routes(slow_route(entered.clone(), release.clone()))
        .spawn()
        .await;
    let request = tokio::spawn(app.client.get(app.at("/test/slow")).send());
    entered.notified().await;

    let server = app.begin_shutdown();
    // New connections are refused once the listener closes...
    let refused = async {
        loop {
            if reqwest::Client::new()
                .get(app.at("/healthz"))
                .send()
                .await
                .is_err()
            {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), refused)
        .await
        .expect("listener closes after the stop signal");
    assert!(
        !server.is_finished(),
        "the server waits for the request in flight"
    );

    // ...while the request in flight completes normally.
    release.notify_one();
    let res = request.await.unwrap().expect("in-flight request completes");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "finished");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server stops after the last request")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn shutdown_is_bounded_when_a_request_never_finishes() {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let mut app = TestApp::builder()
        .routes(slow_route(entered.clone(), release))
        .env("SHUTDOWN_TIMEOUT_SECONDS", "1")
        .spawn()
        .await;
    let _stuck = tokio::spawn(app.client.get(app.at("/test/slow")).send());
    entered.notified().await;
    let server = app.begin_shutdown();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("shutdown gives up on the stuck request after its bound")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn draining_turns_readiness_off_before_the_listener_closes() {
    let mut app = TestApp::builder()
        .env("SHUTDOWN_DRAIN_SECONDS", "30")
        .spawn()
        .await;
    let _server = app.begin_shutdown();
    let drained = async {
        loop {
            if app.get("/readyz").await.status() == StatusCode::SERVICE_UNAVAILABLE {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), drained)
        .await
        .expect("readiness turns 503 while draining");
    // Still serving during the drain delay, so the load balancer's in-flight traffic succeeds.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
}

/// The deliberate fault the browser tests use to see the 500 page exists only in development
/// with the simulator: its page says nothing of the panic, and production has no such route.
#[tokio::test]
async fn the_development_fault_route_shows_the_500_page_and_production_has_none() {
    let app = TestApp::spawn().await;
    let res = app.get("/dev/panic").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = res.text().await.unwrap();
    assert!(html.contains("Something went wrong on our side"), "{html}");
    assert!(!html.contains("deliberate") && !html.contains("panicked"));
    let prod = TestApp::builder().production().spawn().await;
    assert_eq!(prod.get("/dev/panic").await.status(), StatusCode::NOT_FOUND);
}
