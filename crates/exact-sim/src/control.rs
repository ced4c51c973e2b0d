//! The control API (`/_control/...`, development only, no credentials, local tools only) and
//! the middleware that puts its injected failures and latency in front of every other call and
//! logs them all.

use super::{Simulator, exact_error, limits};
use axum::{
    Json,
    extract::{ConnectInfo, OriginalUri, Query, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::{net::SocketAddr, time::Duration};

/// The request log keeps at most this many entries (the oldest go first).
pub const LOG_CAPACITY: usize = 10_000;

/// Query parameters whose values never reach the log.
const SECRET_PARAMETERS: &[&str] = &[
    "code",
    "access_token",
    "refresh_token",
    "client_secret",
    "token",
    "password",
    "id_token",
];

/// One call as the request log keeps it: no headers (so never the Authorization header), no
/// bodies (so never the token endpoint's form), and secret query values redacted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The path as the client sent it, without host (with `/sim/exact` when nested).
    pub path: String,
    /// The raw query string, secret values replaced by `[redacted]`.
    pub query: String,
    pub division: Option<i64>,
    pub status: u16,
    /// Simulator time, unix seconds.
    pub at: i64,
}

fn redact(query: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let decoded: String = url::form_urlencoded::parse(key.as_bytes())
                .map(|(k, _)| k.into_owned())
                .collect();
            if SECRET_PARAMETERS.contains(&decoded.to_ascii_lowercase().as_str()) {
                format!("{key}=[redacted]")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The division of an `/api/v1/{division}/...` path.
fn division_of(relative_path: &str) -> Option<i64> {
    relative_path
        .strip_prefix("/api/v1/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// In front of every route but the control API: injected latency, then injected failures, then
/// the handler; every call is logged.
pub(super) async fn intercept(State(sim): State<Simulator>, req: Request, next: Next) -> Response {
    let relative = req.uri().path().to_string();
    if relative.starts_with("/_control/") {
        return next.run(req).await;
    }
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| relative.clone(), |o| o.0.path().to_string());
    let query = redact(req.uri().query().unwrap_or_default());
    let method = req.method().to_string();

    let delay = take_latency(&sim, &path);
    if let Some(ms) = delay {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let res = match take_failure(&sim, &path) {
        Some(status) => injected(&sim, status),
        None => next.run(req).await,
    };

    let entry = LoggedRequest {
        method,
        path,
        query,
        division: division_of(&relative),
        status: res.status().as_u16(),
        at: sim.now(),
    };
    let mut world = sim.world();
    if world.log.len() >= LOG_CAPACITY {
        world.log.pop_front();
    }
    world.log.push_back(entry);
    res
}

fn take_latency(sim: &Simulator, path: &str) -> Option<u64> {
    let mut world = sim.world();
    let latency = world.latency.as_mut()?;
    if !path.contains(latency.path.as_str()) {
        return None;
    }
    let ms = latency.ms;
    latency.remaining -= 1;
    if latency.remaining == 0 {
        world.latency = None;
    }
    world.counters.delayed_calls += 1;
    Some(ms)
}

fn take_failure(sim: &Simulator, path: &str) -> Option<u16> {
    let mut world = sim.world();
    let i = world
        .failures
        .iter()
        .position(|f| path.contains(f.path.as_str()))?;
    let failure = &mut world.failures[i];
    failure.remaining -= 1;
    let status = failure.status;
    if failure.remaining == 0 {
        world.failures.remove(i);
    }
    world.counters.injected_failures += 1;
    Some(status)
}

fn injected(sim: &Simulator, status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut res = exact_error(code, &format!("Simulated failure: HTTP {}.", code.as_u16()));
    if code == StatusCode::TOO_MANY_REQUESTS {
        // Clients wait for the minutely reset; give them one.
        limits::minute_window(sim.now(), sim.limits()).write_headers(res.headers_mut());
    }
    res
}

/// In front of the control API: it has no credentials, so any web page could drive it through
/// the browser of a developer running the simulator (CSRF). Requests a browser sends (with an
/// `Origin` header, or a `Sec-Fetch-Site` other than `none`) and, where the peer is known, peers
/// off the loopback interface are refused; test kits and scripts send neither.
pub(super) async fn local_tools_only(req: Request, next: Next) -> Response {
    let headers = req.headers();
    let from_browser = headers.contains_key(header::ORIGIN)
        || headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() != b"none");
    let from_afar = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| !peer.ip().to_canonical().is_loopback());
    if from_browser || from_afar {
        return exact_error(
            StatusCode::FORBIDDEN,
            "The simulator's control API answers local tools only, not browsers or other hosts.",
        );
    }
    next.run(req).await
}

#[derive(Deserialize)]
pub(super) struct Advance {
    seconds: i64,
}

pub(super) async fn advance(State(sim): State<Simulator>, Query(a): Query<Advance>) -> Response {
    sim.advance(a.seconds);
    Json(json!({ "now": sim.now() })).into_response()
}

pub(super) async fn counters(State(sim): State<Simulator>) -> Response {
    Json(sim.counters()).into_response()
}

#[derive(Deserialize)]
pub(super) struct Fail {
    #[serde(default = "default_fail_status")]
    status: u16,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    path: String,
}

fn default_fail_status() -> u16 {
    503
}

fn one() -> u32 {
    1
}

/// `POST /_control/fail?status=503&count=2&path=TransactionLines`
pub(super) async fn fail(State(sim): State<Simulator>, Query(f): Query<Fail>) -> Response {
    if !(400..=599).contains(&f.status) {
        return (StatusCode::BAD_REQUEST, "status must be 400..=599").into_response();
    }
    sim.fail_next(f.status, f.count, &f.path);
    Json(json!({ "status": f.status, "count": f.count, "path": f.path })).into_response()
}

#[derive(Deserialize)]
pub(super) struct Latency {
    ms: u64,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    path: String,
}

/// `POST /_control/latency?ms=2000&count=1&path=oauth2/token` (at most a minute; no `path`:
/// any call).
pub(super) async fn latency(State(sim): State<Simulator>, Query(l): Query<Latency>) -> Response {
    if l.ms > 60_000 {
        return (StatusCode::BAD_REQUEST, "ms must be at most 60000").into_response();
    }
    sim.delay_next(l.ms, l.count, &l.path);
    Json(json!({ "ms": l.ms, "count": l.count, "path": l.path })).into_response()
}

/// `POST /_control/end-access-tokens`: every live access token stops working now (401), the
/// grants stay.
pub(super) async fn end_access_tokens(State(sim): State<Simulator>) -> Response {
    sim.end_access_tokens();
    Json(json!({ "ended": true })).into_response()
}

pub(super) async fn revoke(State(sim): State<Simulator>) -> Response {
    sim.revoke_all().await;
    Json(json!({ "revoked": true })).into_response()
}

pub(super) async fn requests(State(sim): State<Simulator>) -> Response {
    Json(sim.requests()).into_response()
}

pub(super) async fn reset_log(State(sim): State<Simulator>) -> Response {
    sim.reset_log();
    Json(json!({ "reset": true })).into_response()
}

#[derive(Deserialize)]
pub(super) struct DailyUsage {
    division: i64,
    calls: u32,
}

/// `POST /_control/daily-usage?division=101&calls=4999`: today's count, as if made.
pub(super) async fn daily_usage(
    State(sim): State<Simulator>,
    Query(d): Query<DailyUsage>,
) -> Response {
    sim.set_daily_usage(d.division, d.calls);
    Json(json!({ "division": d.division, "calls": d.calls })).into_response()
}

/// `POST /_control/limits` with `{"minutely": 1000, "daily": 100000}`: the rate limits of every
/// division from now on (both at least 1).
pub(super) async fn set_limits(
    State(sim): State<Simulator>,
    Json(l): Json<limits::Limits>,
) -> Response {
    if l.minutely == 0 || l.daily == 0 {
        return (
            StatusCode::BAD_REQUEST,
            "minutely and daily must be at least 1",
        )
            .into_response();
    }
    sim.set_limits(l.minutely, l.daily);
    Json(sim.limits()).into_response()
}

#[derive(Deserialize)]
pub(super) struct Divisions {
    extra: u32,
}

/// `POST /_control/divisions?extra=70`: the simulated user also has 70 administrations without
/// books (codes 9001..), as an accountant with many clients has.
pub(super) async fn set_divisions(
    State(sim): State<Simulator>,
    Query(d): Query<Divisions>,
) -> Response {
    if d.extra > super::MAX_EXTRA_DIVISIONS {
        return (StatusCode::BAD_REQUEST, "extra must be at most 1000").into_response();
    }
    sim.set_extra_divisions(d.extra);
    Json(json!({ "extra": d.extra })).into_response()
}

#[derive(Deserialize)]
pub(super) struct PageSize {
    rows: usize,
}

/// `POST /_control/page-size?rows=5`: lists come in pages of 5 rows (1..=1000; 60 is Exact's).
pub(super) async fn set_page_size(
    State(sim): State<Simulator>,
    Query(p): Query<PageSize>,
) -> Response {
    if !(1..=1_000).contains(&p.rows) {
        return (StatusCode::BAD_REQUEST, "rows must be 1..=1000").into_response();
    }
    sim.set_page_size(Some(p.rows));
    Json(json!({ "rows": p.rows })).into_response()
}

#[derive(Deserialize)]
pub(super) struct ModuleOff {
    division: i64,
    module: String,
}

/// `POST /_control/module-off?division=101&module=Fixed%20assets`: the administration's licence
/// lacks the module from now on.
pub(super) async fn switch_off_module(
    State(sim): State<Simulator>,
    Query(m): Query<ModuleOff>,
) -> Response {
    sim.switch_off_module(m.division, &m.module);
    Json(json!({ "division": m.division, "module": m.module })).into_response()
}

#[derive(Deserialize)]
pub(super) struct AttachmentSite {
    site: Option<String>,
}

/// `POST /_control/attachment-site?site=http://elsewhere.example`: attachment URLs point there
/// from now on (without `site`: at the simulator again), to show a client never follows them.
pub(super) async fn move_attachments(
    State(sim): State<Simulator>,
    Query(a): Query<AttachmentSite>,
) -> Response {
    sim.set_attachment_site(a.site.clone());
    Json(json!({ "site": a.site })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_from_logged_queries() {
        assert_eq!(
            redact("code=abc&state=x&client_secret=s&Refresh_Token=r"),
            "code=[redacted]&state=x&client_secret=[redacted]&Refresh_Token=[redacted]"
        );
        assert_eq!(redact("%24top=5&%63ode=zz"), "%24top=5&%63ode=[redacted]");
        assert_eq!(redact(""), "");
    }

    #[test]
    fn divisions_from_paths() {
        assert_eq!(division_of("/api/v1/101/crm/Accounts"), Some(101));
        assert_eq!(division_of("/api/v1/current/Me"), None);
        assert_eq!(division_of("/api/oauth2/token"), None);
    }
}
