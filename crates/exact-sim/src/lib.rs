//! The Exact Online simulator: Exact cannot be reached from development machines or CI, so this
//! stands in for it, with the rules that hurt (see `../shared/exact-online.md`). Its own crate so
//! that a production build, which leaves out the product's `simulator` feature, cannot contain it
//! (least of all its unauthenticated control API). The rows it serves come from `demo-books`.
//!
//! - OAuth (`oauth.rs`): consent page, codes that live 3 minutes and work once, `expires_in` as a
//!   string, refresh tokens that rotate and are single-use ("Old refresh token used."), no
//!   refresh in the first 570 s of an access token's life (`Reason: TooEarlyToRefreshTokens`),
//!   one token set per user per app.
//! - REST (`api.rs`): `current/Me` and, under `/api/v1/{division}/`, the entity sets of
//!   [`data::ENTITY_SETS`] (accounts, contacts, draft and posted sales invoices, purchase
//!   entries, GL accounts, the reporting balance, transaction lines, bank entry lines, items,
//!   receivables, payables, divisions) with deterministic rows for the four demo companies; only
//!   the divisions the token was granted (403 otherwise), Exact's error shape for
//!   400/401/403/404/429.
//! - OData ([`odata`]): pages of 60 with an absolute `__next` carrying `$skiptoken`, `$select`,
//!   `$filter`, `$top`, `$orderby`; `logistics/Items` with `$top` answers the bare
//!   `{"d": [...]}` shape, as some real endpoints do.
//! - Rate limits ([`limits`]): 60 a minute and 5,000 a day per app and division, `X-RateLimit-*`
//!   headers with resets in epoch milliseconds, 429 over a limit.
//! - Control API (`control.rs`, under `/_control/`, development only; the same as methods on
//!   [`Simulator`]): move the clock, counters, inject failures and latency (per path), revoke all
//!   grants, end the access tokens early, the request log (never with tokens, codes or secrets),
//!   a knob for the daily count, other rate limits for benchmarks, extra administrations, other
//!   page sizes. It has no credentials, so it answers local tools only: never a browser (an
//!   `Origin` header or a cross-site `Sec-Fetch-Site`), never a peer off the loopback interface.
//! - Restarts ([`Simulator::keeping_grants_in`]): codes, grants and tokens kept in a file, so a
//!   restarted development server still honours what it issued.
//!
//! Mounted at `/sim/exact` in development without Exact credentials; `router()` can also be
//! served on its own. Its clock is injected, so tests never sleep (except for latency, which is
//! real time on purpose).

mod api;
mod control;
pub mod limits;
mod oauth;

pub use control::{LOG_CAPACITY, LoggedRequest};
pub use demo_books::{
    COMPANIES, Company, DEMO_USER_EMAIL, DEMO_USER_ID, DEMO_USER_NAME, PAGE_SIZE, Sizes, sizes,
};

use axum::{
    Json, Router,
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use demo_books::{data, odata};
use serde_json::json;
use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

pub const ACCESS_TOKEN_SECONDS: i64 = 600;
pub const REFRESH_TOKEN_SECONDS: i64 = 30 * 24 * 60 * 60;
pub const CODE_SECONDS: i64 = 180;
/// Exact refuses a refresh while the access token is younger than this.
pub const NO_REFRESH_BEFORE_SECONDS: i64 = 570;

/// The simulator's time source: Unix seconds. The product passes its injected clock, so tests
/// move the service and the simulator together without sleeping.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The credentials of the app registration the embedded simulator knows (development only).
pub const DEV_CLIENT_ID: &str = "exact-mcp-dev";
pub const DEV_CLIENT_SECRET: &str = "simulator-secret";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Code {
    /// The Exact user who consented (the consent form's `user`; empty for the one demo user).
    user: String,
    redirect_uri: String,
    divisions: Vec<i64>,
    expires_at: i64,
    used: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Grant {
    /// The Exact user it belongs to (see [`Code::user`]).
    #[serde(default)]
    user: String,
    divisions: Vec<i64>,
    access_token: String,
    access_issued_at: i64,
    refresh_expires_at: i64,
    /// Rotated away: using it again is "Old refresh token used."
    superseded: bool,
}

/// Counts tests read through the control API.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counters {
    pub token_requests: u64,
    pub code_exchanges: u64,
    pub refreshes: u64,
    pub refused_too_early: u64,
    pub refused_old_token: u64,
    pub api_requests: u64,
    /// Calls per entity set (e.g. `crm/Accounts`) that passed authentication and rate limits.
    pub api_by_path: BTreeMap<String, u64>,
    /// Calls refused with 429 by the rate limits (not the injected ones).
    pub rate_limited: u64,
    /// Calls answered by an injected failure.
    pub injected_failures: u64,
    /// Calls held back by injected latency (counted when the wait starts, so a test can tell a
    /// slow call is under way).
    pub delayed_calls: u64,
}

/// Injected latency: the next `remaining` calls whose path contains `path` wait `ms` first.
#[derive(Debug, Clone)]
struct Latency {
    ms: u64,
    remaining: u32,
    path: String,
}

/// An injected failure: the next `remaining` calls whose path contains `path` get `status`.
#[derive(Debug, Clone)]
struct Failure {
    status: u16,
    remaining: u32,
    path: String,
}

#[derive(Default)]
struct World {
    codes: HashMap<String, Code>,
    /// Refresh token → grant. Superseded tokens stay, so their reuse can be recognised.
    grants: HashMap<String, Grant>,
    /// Live access token → (divisions, expires_at).
    access: HashMap<String, (Vec<i64>, i64)>,
    /// Seconds added to the injected clock by the control API.
    offset: i64,
    counters: Counters,
    /// Rate-limit windows per (client id, division).
    usage: HashMap<(String, i64), limits::Usage>,
    /// The per-division limits every window is counted against (Exact's unless changed).
    limits: limits::Limits,
    failures: VecDeque<Failure>,
    latency: Option<Latency>,
    log: VecDeque<LoggedRequest>,
    /// Administrations the simulated user has beside the four demo companies (no books).
    extra_divisions: u32,
    /// Rows per page of a list, when a test wants other pages than Exact's 60.
    page_size: Option<usize>,
    /// (division, module) pairs whose licence lacks the module: its endpoints answer 403.
    modules_off: Vec<(i64, String)>,
    /// Where attachment URLs point, when a test moved them off the simulator's own site.
    attachment_site: Option<String>,
}

/// The codes of the extra administrations start here (the demo companies are 101..404).
pub const EXTRA_DIVISION_BASE: i64 = 9_000;
/// At most this many extra administrations.
pub const MAX_EXTRA_DIVISIONS: u32 = 1_000;

/// What survives a restart: the codes, grants and tokens Exact would still honour. Counters,
/// windows, injected failures and the log start afresh, as a new process would have them.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Saved {
    codes: HashMap<String, Code>,
    grants: HashMap<String, Grant>,
    access: HashMap<String, (Vec<i64>, i64)>,
}

/// The file the grants are kept in, and the lock that keeps its writes in order.
struct GrantsFile {
    path: PathBuf,
    writing: Mutex<()>,
}

#[derive(Clone)]
pub struct Simulator {
    clock: Now,
    client_id: String,
    client_secret: String,
    world: Arc<Mutex<World>>,
    grants_file: Option<Arc<GrantsFile>>,
}

impl Simulator {
    pub fn new(clock: Now, client_id: &str, client_secret: &str) -> Simulator {
        Simulator {
            clock,
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            world: Arc::default(),
            grants_file: None,
        }
    }

    /// Keeps the codes, grants and tokens in `path` (JSON, written after every change, read
    /// now if it exists), so a restarted development server still honours the tokens it issued
    /// before, as Exact would. A file that cannot be read is reported and started afresh.
    pub fn keeping_grants_in(mut self, path: PathBuf) -> Simulator {
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<Saved>(&bytes) {
                Ok(saved) => {
                    let mut world = self.world();
                    world.codes = saved.codes;
                    world.grants = saved.grants;
                    world.access = saved.access;
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "simulator grants file unreadable; starting without grants")
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "simulator grants file unreadable; starting without grants")
            }
        }
        self.grants_file = Some(Arc::new(GrantsFile {
            path,
            writing: Mutex::new(()),
        }));
        self
    }

    /// Writes the grants to their file, if they are kept in one, on the blocking pool: the write
    /// ends with an fsync, which must not stall the runtime's threads.
    async fn save_grants(&self) {
        if self.grants_file.is_none() {
            return;
        }
        let sim = self.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || sim.write_grants()).await {
            tracing::warn!(error = %e, "simulator grants not saved");
        }
    }

    /// A snapshot taken under the write lock, so the last write always holds the newest state.
    fn write_grants(&self) {
        let Some(file) = &self.grants_file else {
            return;
        };
        let _writing = file.writing.lock().unwrap_or_else(|e| e.into_inner());
        let saved = {
            let world = self.world();
            Saved {
                codes: world.codes.clone(),
                grants: world.grants.clone(),
                access: world.access.clone(),
            }
        };
        if let Err(e) = write_private(&file.path, &saved) {
            tracing::warn!(path = %file.path.display(), error = %e, "simulator grants not saved");
        }
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        // A panic while holding the lock cannot leave the maps half-written in a way that
        // matters for a simulator; keep serving.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn now(&self) -> i64 {
        (self.clock)() + self.world().offset
    }

    pub fn counters(&self) -> Counters {
        self.world().counters.clone()
    }

    /// Moves the simulator's own clock forward (on top of the injected one).
    pub fn advance(&self, seconds: i64) {
        self.world().offset += seconds;
    }

    /// The next `count` calls whose path contains `path_contains` (empty: any call, the token
    /// endpoint included; never the control API) answer `status` with Exact's error body; a 429
    /// carries the minutely rate-limit headers.
    pub fn fail_next(&self, status: u16, count: u32, path_contains: &str) {
        if count > 0 {
            self.world().failures.push_back(Failure {
                status,
                remaining: count,
                path: path_contains.to_string(),
            });
        }
    }

    /// Delays the next `count` calls whose path contains `path_contains` (empty: any call) by
    /// `ms` milliseconds of real time (for timeout tests, and a slow token endpoint).
    pub fn delay_next(&self, ms: u64, count: u32, path_contains: &str) {
        self.world().latency = (count > 0).then(|| Latency {
            ms,
            remaining: count,
            path: path_contains.to_string(),
        });
    }

    /// Ends every live access token now, as Exact does when it ends a token before its 600 s
    /// (or when its clock runs ahead of the client's): API calls with them get 401. The grants
    /// stay, and the 570 s rule still counts from when each token was issued, so a refresh right
    /// after this is refused as too early.
    pub fn end_access_tokens(&self) {
        self.world().access.clear();
    }

    /// Ends every grant, as revoking the app in Exact does: any refresh token then gets "Old
    /// refresh token used.", access tokens stop working and open codes are spent.
    pub async fn revoke_all(&self) {
        {
            let mut world = self.world();
            for grant in world.grants.values_mut() {
                grant.superseded = true;
            }
            for code in world.codes.values_mut() {
                code.used = true;
            }
            world.access.clear();
        }
        self.save_grants().await;
    }

    /// The request log, oldest first (at most [`LOG_CAPACITY`] entries).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.world().log.iter().cloned().collect()
    }

    pub fn reset_log(&self) {
        self.world().log.clear();
    }

    /// Sets today's call count of this app in `division`, as if that many calls had been made:
    /// lets tests reach the daily limit (5,000 unless changed) without making them.
    pub fn set_daily_usage(&self, division: i64, calls: u32) {
        let now = self.now();
        let mut world = self.world();
        let limits = world.limits;
        world
            .usage
            .entry((self.client_id.clone(), division))
            .or_default()
            .set_day_calls(now, calls, limits);
    }

    /// Changes the rate limits of every division (Exact's are 60 a minute and 5,000 a day), for
    /// benchmarks that must not wait for the minute to turn. Calls already counted in the
    /// current windows stay counted; the `X-RateLimit-*` headers report the new limits.
    pub fn set_limits(&self, minutely: u32, daily: u32) {
        self.world().limits = limits::Limits { minutely, daily };
    }

    /// The rate limits in force.
    pub fn limits(&self) -> limits::Limits {
        self.world().limits
    }

    /// Gives the simulated user `count` administrations beside the demo companies (codes from
    /// [`EXTRA_DIVISION_BASE`] + 1, no books), as accountants with many clients have: offered on
    /// the consent page and listed by the divisions sets once granted.
    pub fn set_extra_divisions(&self, count: u32) {
        self.world().extra_divisions = count.min(MAX_EXTRA_DIVISIONS);
    }

    /// Every administration of the simulated user: (code, name).
    pub fn divisions(&self) -> Vec<(i64, String)> {
        let extra = self.world().extra_divisions;
        COMPANIES
            .iter()
            .map(|c| (c.division, c.name.to_string()))
            .chain((1..=i64::from(extra)).map(|i| {
                let code = EXTRA_DIVISION_BASE + i;
                (code, format!("Administratie {code}"))
            }))
            .collect()
    }

    /// Serves lists in pages of `rows` instead of Exact's 60 (`None`: 60 again), so a test sees
    /// a large ledger's paging on the small demo books.
    pub fn set_page_size(&self, rows: Option<usize>) {
        self.world().page_size = rows.filter(|r| *r > 0);
    }

    /// Takes `module` (e.g. "Fixed assets", as the entity sets name it) out of the licence of
    /// `division`: its endpoints then answer 403, as Exact does for a module the licence lacks.
    pub fn switch_off_module(&self, division: i64, module: &str) {
        self.world()
            .modules_off
            .push((division, module.to_string()));
    }

    /// Points attachment URLs at `site` (scheme and host) instead of the simulator itself.
    pub fn set_attachment_site(&self, site: Option<String>) {
        self.world().attachment_site = site;
    }

    /// Where attachment URLs point, when moved.
    pub fn attachment_site(&self) -> Option<String> {
        self.world().attachment_site.clone()
    }

    /// Whether the licence of `division` has `module`.
    pub fn has_module(&self, division: i64, module: &str) -> bool {
        demo_books::has_module(division, module)
            && !self
                .world()
                .modules_off
                .iter()
                .any(|(d, m)| *d == division && m.eq_ignore_ascii_case(module))
    }

    /// Rows per page of a list.
    pub fn page_size(&self) -> usize {
        self.world().page_size.unwrap_or(PAGE_SIZE)
    }

    /// Counts one REST call of this app in `division` against the rate limits.
    fn count_call(&self, division: i64) -> limits::Verdict {
        let now = self.now();
        let mut world = self.world();
        let limits = world.limits;
        let verdict = world
            .usage
            .entry((self.client_id.clone(), division))
            .or_default()
            .call(now, limits);
        if verdict.exceeded.is_some() {
            world.counters.rate_limited += 1;
        }
        verdict
    }
}

/// Writes `value` as JSON to `path` through a temporary file and a rename (a crash leaves the
/// old file or the new one, never half of one), readable by the owner only.
fn write_private(path: &Path, value: &Saved) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(&tmp)?;
    std::io::Write::write_all(&mut out, &serde_json::to_vec(value)?)?;
    out.sync_all()?;
    std::fs::rename(tmp, path)
}

fn token() -> String {
    use rand::Rng;
    let bytes: [u8; 24] = rand::rng().random();
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}

/// Exact's error body: `{"error":{"code":"","message":{"lang":"","value":"..."}}}`.
fn exact_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": "", "message": { "lang": "", "value": message } } })),
    )
        .into_response()
}

/// The simulator's routes, relative to its base (`/sim/exact` when embedded).
pub fn router(sim: Simulator) -> Router {
    let control = Router::new()
        .route("/_control/advance", post(control::advance))
        .route("/_control/counters", get(control::counters))
        .route("/_control/fail", post(control::fail))
        .route("/_control/latency", post(control::latency))
        .route("/_control/revoke", post(control::revoke))
        .route(
            "/_control/end-access-tokens",
            post(control::end_access_tokens),
        )
        .route("/_control/requests", get(control::requests))
        .route("/_control/reset-log", post(control::reset_log))
        .route("/_control/daily-usage", post(control::daily_usage))
        .route("/_control/limits", post(control::set_limits))
        .route("/_control/divisions", post(control::set_divisions))
        .route("/_control/page-size", post(control::set_page_size))
        .route("/_control/module-off", post(control::switch_off_module))
        .route("/_control/attachment-site", post(control::move_attachments))
        .route_layer(middleware::from_fn(control::local_tools_only));
    Router::new()
        .route(
            "/api/oauth2/auth",
            get(oauth::consent_page).post(oauth::consent_decision),
        )
        .route("/api/oauth2/token", post(oauth::token_endpoint))
        .route("/api/v1/{*rest}", get(api::api))
        .route("/docs/SysAttachment.aspx", get(api::attachment))
        .merge(control)
        .fallback(api::not_found)
        .layer(middleware::from_fn_with_state(
            sim.clone(),
            control::intercept,
        ))
        .with_state(sim)
}
