//! Everything that talks to Exact Online: regions and hosts, the OAuth flow, the single-flight
//! token refresh, and the REST client with paging, rate-limit tracking, retries and a circuit
//! breaker. Every Exact call goes through [`Exact::access_token`] for its token.

mod client;
mod error;
mod files;
mod identity;
mod oauth;
mod tokens;

pub use client::{ListPage, RateWindow, split_list};
pub use error::ExactError;
pub use files::{Downloaded, on_exact_site};
pub use identity::Identity;
pub use oauth::{TokenError, TokenGrant};
pub use tokens::{Authorized, KeepAlive};

use super::{
    clock::SharedClock,
    config::{ExactMode, Settings},
    db::Db,
    vault::Vault,
};
use crate::domain::Region;
use secrecy::SecretString;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use url::Url;

/// Where a connection's consent starts again; shown in messages to people and models.
pub const RECONNECT_PATH: &str = "/dashboard/connections";
/// Refresh when the access token has this little life left (or less).
pub const REFRESH_MARGIN_SECONDS: i64 = 30;
/// Exact refuses a refresh while the access token is younger than this.
pub const NO_REFRESH_BEFORE_SECONDS: i64 = 570;
/// The largest answer read from Exact: 16 MiB (a page of 1,000 bulk rows is a few MiB).
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Decrypted access tokens a process remembers at most (see [`Exact::access_token`]).
const REMEMBERED_TOKENS: usize = 10_000;
/// A refresh token lives 30 days from issue.
pub const REFRESH_TOKEN_SECONDS: i64 = 30 * 24 * 60 * 60;

/// Bounded retries: how many attempts in all, and the first backoff step (doubled per attempt,
/// full jitter).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base_delay: Duration,
    /// The longest wait for a rate-limit reset before giving up with `RateLimited`.
    pub max_rate_limit_wait: Duration,
}

/// After `failures` consecutive failed calls a connection's circuit opens for `open_for`.
#[derive(Debug, Clone, Copy)]
pub struct BreakerPolicy {
    pub failures: u32,
    pub open_for: Duration,
}

/// How to reach Exact: the app registration, the hosts and the timeouts.
#[derive(Debug, Clone)]
pub struct ExactConfig {
    pub client_id: String,
    pub client_secret: SecretString,
    /// Replaces `https://start.exactonline.{tld}` for every region (EXACT_BASE_URL, or the
    /// embedded simulator). Always ends with `/`.
    pub base_override: Option<Url>,
    /// `{PUBLIC_URL}/oauth/exact/callback`.
    pub redirect_uri: Url,
    /// Per REST request.
    pub request_timeout: Duration,
    /// Per token request. With the retries it bounds how long a refresh holds its lease (see
    /// `tokens.rs`); no database lock is held meanwhile.
    pub token_timeout: Duration,
    /// The largest answer read from Exact (REST and token endpoint alike); a larger one is
    /// refused rather than buffered.
    pub max_response_bytes: usize,
    pub retry: RetryPolicy,
    pub breaker: BreakerPolicy,
}

/// The app registration of the embedded simulator, served under `/sim/exact`.
#[cfg(feature = "simulator")]
fn simulator_app(public: &str) -> (String, SecretString, Option<Url>) {
    (
        exact_sim::DEV_CLIENT_ID.to_string(),
        SecretString::from(exact_sim::DEV_CLIENT_SECRET.to_string()),
        Url::parse(&format!("{public}/sim/exact/")).ok(),
    )
}

/// A build without the simulator refuses the simulator mode when it reads its settings
/// (`config.rs`), so this app is never used; having no credentials, it could not obtain a token.
#[cfg(not(feature = "simulator"))]
fn simulator_app(_public: &str) -> (String, SecretString, Option<Url>) {
    (String::new(), SecretString::from(String::new()), None)
}

impl ExactConfig {
    pub fn from_settings(settings: &Settings) -> ExactConfig {
        let public = settings.public_base();
        let redirect_uri = Url::parse(&format!("{public}/oauth/exact/callback"))
            .expect("PUBLIC_URL was validated as a URL");
        let (client_id, client_secret, base_override) = match &settings.exact {
            ExactMode::Live {
                client_id,
                client_secret,
                base_url,
            } => (client_id.clone(), client_secret.clone(), base_url.clone()),
            ExactMode::Simulator => simulator_app(&public),
        };
        ExactConfig {
            client_id,
            client_secret,
            base_override: base_override.map(with_trailing_slash),
            redirect_uri,
            request_timeout: Duration::from_secs(20),
            token_timeout: Duration::from_secs(8),
            max_response_bytes: MAX_RESPONSE_BYTES,
            retry: RetryPolicy {
                attempts: 3,
                base_delay: Duration::from_millis(250),
                max_rate_limit_wait: Duration::from_secs(65),
            },
            breaker: BreakerPolicy {
                failures: 5,
                open_for: Duration::from_secs(30),
            },
        }
    }
}

fn with_trailing_slash(mut u: Url) -> Url {
    if !u.path().ends_with('/') {
        let path = format!("{}/", u.path());
        u.set_path(&path);
    }
    u
}

/// The Exact gateway every part of the server shares. Cheap to clone.
#[derive(Clone)]
pub struct Exact(Arc<Inner>);

struct Inner {
    config: ExactConfig,
    http: reqwest::Client,
    db: Db,
    vault: Arc<Vault>,
    clock: SharedClock,
    /// One in-process refresh per connection at a time (the lease on the connection's row does
    /// the same across processes; this lets a burst wait for the one result instead of polling).
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Connections whose refresh Exact refused as too early, and until when (Unix seconds) a
    /// 401 is not answered with another refresh attempt (see `tokens.rs`).
    too_early: Mutex<HashMap<String, i64>>,
    /// The last rate-limit headers seen per (region, division).
    limits: Mutex<HashMap<(Region, i64), client::RateState>>,
    /// Consecutive failures per connection.
    breakers: Mutex<HashMap<String, client::Breaker>>,
    /// When this process last recorded each connection's use.
    last_touched: Mutex<HashMap<String, i64>>,
    /// Decrypted access tokens by connection, while no one can have replaced them.
    tokens: Mutex<HashMap<String, RememberedToken>>,
}

/// An access token remembered for calls: valid in `generation` and until `until` (Unix seconds).
struct RememberedToken {
    generation: u64,
    until: i64,
    token: Authorized,
}

impl Exact {
    pub fn new(config: ExactConfig, db: Db, vault: Arc<Vault>, clock: SharedClock) -> Exact {
        let http = reqwest::Client::builder()
            // Never follow redirects: a token request or an API call that redirects is an error,
            // not something to chase with credentials attached.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(config.request_timeout)
            .user_agent(concat!("exact-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client configuration is static");
        Exact(Arc::new(Inner {
            config,
            http,
            db,
            vault,
            clock,
            flights: Mutex::default(),
            too_early: Mutex::default(),
            limits: Mutex::default(),
            breakers: Mutex::default(),
            last_touched: Mutex::default(),
            tokens: Mutex::default(),
        }))
    }

    pub fn config(&self) -> &ExactConfig {
        &self.0.config
    }

    fn http(&self) -> &reqwest::Client {
        &self.0.http
    }

    pub fn vault(&self) -> &Vault {
        &self.0.vault
    }

    fn now(&self) -> i64 {
        self.0.clock.now()
    }

    /// The origins the browser is sent to for consent (for the pages' `form-action`).
    pub fn origins(&self) -> Vec<String> {
        match &self.0.config.base_override {
            Some(u) => vec![u.origin().ascii_serialization()],
            None => Region::ALL.iter().map(|r| r.host().to_string()).collect(),
        }
    }

    /// `https://start.exactonline.{tld}/`, or the override.
    pub fn base_url(&self, region: Region) -> Url {
        match &self.0.config.base_override {
            Some(u) => u.clone(),
            None => Url::parse(&format!("{}/", region.host())).expect("region hosts are URLs"),
        }
    }
}
