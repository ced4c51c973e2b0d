//! Typed settings from the environment (and `.env`), validated once at start. Defaults make a
//! development checkout work with no configuration; production refuses the unsafe ones with one
//! clear line per problem. Secrets are held in `secrecy` types and never printed.
//!
//! Each area of the settings is read by one function, in the order of [`Settings::from_map`]
//! (which is also the order the problems are listed in); the vault keys, the Exact connection
//! and the limits have a file each, and every number and boolean goes through the parsers in
//! `vars`.

mod exact_mode;
mod keys;
mod limits;
mod proxies;
mod signing;
mod vars;

pub use exact_mode::ExactMode;
pub use keys::TokenKey;
pub use limits::{JobSettings, UsageLimits};
pub use proxies::TrustedProxies;
pub use signing::SigningKey;

use crate::server::mail::SmtpSecurity;
use secrecy::{ExposeSecret, SecretString};
use std::{collections::HashMap, fmt, net::SocketAddr, path::PathBuf, time::Duration};
use url::Url;
use vars::Reader;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub env: AppEnv,
    pub site_addr: SocketAddr,
    pub public_url: Url,
    pub database_url: SecretString,
    pub database_max_connections: u32,
    pub token_key: TokenKey,
    pub previous_token_keys: Vec<TokenKey>,
    /// Signs the access tokens of connected apps (the OAuth authorization server).
    pub oauth_signing_key: SigningKey,
    /// Retired signing keys: their public halves still verify tokens and stay in the JWKS.
    pub oauth_previous_keys: Vec<SigningKey>,
    pub exact: ExactMode,
    pub admin_emails: Vec<String>,
    pub smtp_url: Option<SecretString>,
    /// The sender of every mail, as `Name <address>` or a bare address.
    pub mail_from: String,
    pub log_format: LogFormat,
    pub log_filter: String,
    /// How long in-flight requests may take to finish after SIGTERM before the process exits.
    pub shutdown_timeout: Duration,
    /// How long `/readyz` answers 503 before the listener closes, so a load balancer can stop
    /// routing here first.
    pub shutdown_drain_delay: Duration,
    pub max_body_bytes: usize,
    /// The reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: TrustedProxies,
    pub data_dir: PathBuf,
    /// What `/mcp` callers may do: rate limits, the flood limit and how long raw usage is kept.
    pub usage: UsageLimits,
    /// The scheduled jobs (src/server/jobs).
    pub jobs: JobSettings,
}

/// Every problem found while reading the settings, one line each.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<String>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "configuration error: {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl Settings {
    /// Reads `.env` (if present) and the process environment.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        // A missing .env is normal; a malformed one is reported through the values it lacks.
        let _ = dotenvy::dotenv();
        Self::from_map(std::env::vars().collect())
    }

    /// Builds settings from a map of variables; the environment-free core of [`Self::from_env`].
    pub fn from_map(vars: HashMap<String, String>) -> Result<Self, ConfigErrors> {
        let mut r = Reader::new(vars);
        let env = app_env(&mut r);
        let (site_addr, public_url) = addresses(&mut r);
        let env = env.unwrap_or_else(|| implied_env(&public_url));
        let prod = env == AppEnv::Production;
        if prod && public_url.scheme() != "https" {
            r.error("PUBLIC_URL must use https in production (without APP_ENV, production rules apply unless PUBLIC_URL is a loopback URL; set APP_ENV=development to develop)");
        }
        let storage = storage(&mut r);
        let serving = serving(&mut r);
        let trusted_proxies = TrustedProxies::read(&mut r);
        let vault_keys = keys::read(&mut r, prod, &storage.data_dir);
        let signing_keys = signing::read(&mut r, prod, &storage.data_dir);
        let exact = ExactMode::read(&mut r, prod);
        let admin_emails = admin_emails(&r);
        let mail = mail(&mut r, &public_url, prod);
        let (log_format, log_filter) = logging(&mut r, prod);
        let usage = UsageLimits::read(&mut r);
        let jobs = JobSettings::read(&mut r);
        r.finish()?;

        Ok(Settings {
            env,
            site_addr,
            public_url,
            database_url: SecretString::from(storage.database_url),
            database_max_connections: storage.database_max_connections,
            token_key: vault_keys
                .current
                .expect("a missing key was reported as an error"),
            previous_token_keys: vault_keys.previous,
            oauth_signing_key: signing_keys
                .current
                .expect("a missing key was reported as an error"),
            oauth_previous_keys: signing_keys.previous,
            exact,
            admin_emails,
            smtp_url: mail.smtp_url,
            mail_from: mail.from,
            log_format,
            log_filter,
            shutdown_timeout: serving.shutdown_timeout,
            shutdown_drain_delay: serving.shutdown_drain_delay,
            max_body_bytes: serving.max_body_bytes,
            trusted_proxies,
            data_dir: storage.data_dir,
            usage,
            jobs,
        })
    }

    pub fn is_production(&self) -> bool {
        self.env == AppEnv::Production
    }

    /// Development without SMTP shows queued mail at `/dev/outbox`.
    pub fn dev_outbox_enabled(&self) -> bool {
        !self.is_production() && self.smtp_url.is_none()
    }

    /// The public base URL without a trailing slash, for building absolute links.
    pub fn public_base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }

    /// A one-line description of the settings that is safe to log: no secrets, and the database
    /// URL without credentials.
    pub fn summary(&self) -> String {
        format!(
            "env={:?} addr={} public_url={} database={} exact={} admins={} smtp={} previous_keys={} jobs={} trusted_proxies={}",
            self.env,
            self.site_addr,
            self.public_url,
            redact_url(self.database_url.expose_secret()),
            match &self.exact {
                ExactMode::Live {
                    base_url: Some(u), ..
                } => format!("live({u})"),
                ExactMode::Live { base_url: None, .. } => "live".to_string(),
                ExactMode::Simulator => "simulator".to_string(),
            },
            self.admin_emails.len(),
            if self.smtp_url.is_some() {
                "on"
            } else {
                "outbox"
            },
            self.previous_token_keys.len(),
            if self.jobs.enabled { "on" } else { "off" },
            self.trusted_proxies.len(),
        )
    }
}

/// `APP_ENV`, if set. Unset, [`implied_env`] decides.
fn app_env(r: &mut Reader) -> Option<AppEnv> {
    match r.val("APP_ENV").map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("development") | Some("dev") => Some(AppEnv::Development),
        Some("production") | Some("prod") => Some(AppEnv::Production),
        Some(other) => {
            r.error(format!(
                "APP_ENV={other:?} is not valid: use development or production"
            ));
            Some(AppEnv::Production)
        }
    }
}

/// Without `APP_ENV`: development only when the public URL is this machine (a checkout run with
/// no configuration serves http://127.0.0.1:3000); anything else gets production's rules, so a
/// forgotten variable cannot turn off Secure cookies, HSTS or the outbox's absence.
fn implied_env(public_url: &Url) -> AppEnv {
    let loopback = match public_url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if loopback {
        AppEnv::Development
    } else {
        AppEnv::Production
    }
}

/// `LEPTOS_SITE_ADDR`, where the server listens, and `PUBLIC_URL`, where users reach it (by
/// default the listening address; https in production, checked by the caller).
fn addresses(r: &mut Reader) -> (SocketAddr, Url) {
    let site_addr = match r
        .val("LEPTOS_SITE_ADDR")
        .unwrap_or("127.0.0.1:3000")
        .parse()
    {
        Ok(a) => a,
        Err(_) => {
            r.error("LEPTOS_SITE_ADDR must be host:port, e.g. 127.0.0.1:3000");
            SocketAddr::from(([127, 0, 0, 1], 3000))
        }
    };
    let public_url = match r.val("PUBLIC_URL").map(Url::parse) {
        None => None,
        Some(Ok(u)) if u.scheme() == "http" || u.scheme() == "https" => Some(u),
        Some(_) => {
            r.error("PUBLIC_URL must be an absolute http(s) URL");
            None
        }
    };
    let public_url = public_url.unwrap_or_else(|| {
        Url::parse(&format!("http://{site_addr}")).expect("a socket address forms a URL")
    });
    (site_addr, public_url)
}

/// Where the data lives.
struct Storage {
    data_dir: PathBuf,
    database_url: String,
    database_max_connections: u32,
}

/// `DATA_DIR`, `DATABASE_URL` (by default a SQLite file in the data directory) and
/// `DATABASE_MAX_CONNECTIONS`.
fn storage(r: &mut Reader) -> Storage {
    let data_dir = PathBuf::from(r.val("DATA_DIR").unwrap_or("data"));
    let database_url = r
        .val("DATABASE_URL")
        .map(str::to_string)
        .unwrap_or_else(|| format!("sqlite://{}/exact-mcp.db", data_dir.display()));
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://"))
    {
        r.error("DATABASE_URL must start with sqlite:// or postgres://");
    }
    Storage {
        data_dir,
        database_url,
        database_max_connections: r.number("DATABASE_MAX_CONNECTIONS", 10),
    }
}

/// How the server treats requests: their largest body, and how it stops.
struct Serving {
    shutdown_timeout: Duration,
    shutdown_drain_delay: Duration,
    max_body_bytes: usize,
}

/// `SHUTDOWN_TIMEOUT_SECONDS`, `SHUTDOWN_DRAIN_SECONDS` and `MAX_BODY_BYTES`.
fn serving(r: &mut Reader) -> Serving {
    Serving {
        shutdown_timeout: Duration::from_secs(r.number("SHUTDOWN_TIMEOUT_SECONDS", 30)),
        shutdown_drain_delay: Duration::from_secs(r.number("SHUTDOWN_DRAIN_SECONDS", 0)),
        max_body_bytes: r.number("MAX_BODY_BYTES", 1024 * 1024),
    }
}

/// `ADMIN_EMAILS`: comma-separated, compared in lower case.
fn admin_emails(r: &Reader) -> Vec<String> {
    r.val("ADMIN_EMAILS")
        .unwrap_or("")
        .split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .collect()
}

/// How mail is sent.
struct Mail {
    smtp_url: Option<SecretString>,
    from: String,
}

/// `SMTP_URL` (none: development shows mail at `/dev/outbox`; `smtp://` is STARTTLS, `smtps://`
/// TLS, `?tls=none` plain and development only) and `MAIL_FROM` (by default no-reply at the
/// public URL's domain).
fn mail(r: &mut Reader, public_url: &Url, prod: bool) -> Mail {
    let smtp_url = r.val("SMTP_URL").map(|s| SecretString::from(s.to_string()));
    // The mail sender builds its transport with this same function; errors never repeat the URL.
    match smtp_url
        .as_ref()
        .map(|url| crate::server::mail::transport(url.expose_secret()))
    {
        None | Some(Ok((_, SmtpSecurity::StartTls | SmtpSecurity::ImplicitTls))) => {}
        Some(Ok((_, SmtpSecurity::Plain))) if !prod => {}
        Some(Ok((_, SmtpSecurity::Plain))) => r.error(
            "SMTP_URL with tls=none would send passwords and reset links unencrypted: not in production; use smtp:// (STARTTLS) or smtps:// (TLS)",
        ),
        Some(Err(e)) => r.error(format!("SMTP_URL is not usable: {e}")),
    }
    let from = match r.val("MAIL_FROM") {
        Some(from) => from.to_string(),
        None => format!(
            "exact-mcp <no-reply@{}>",
            public_url.domain().unwrap_or("localhost")
        ),
    };
    if let Err(e) = from.parse::<lettre::message::Mailbox>() {
        r.error(format!(
            "MAIL_FROM must be an address like exact-mcp <no-reply@example.com>: {e}"
        ));
    }
    Mail { smtp_url, from }
}

/// `LOG_FORMAT` (JSON in production, else readable lines) and `RUST_LOG`.
fn logging(r: &mut Reader, prod: bool) -> (LogFormat, String) {
    let format = match r.val("LOG_FORMAT").map(str::to_ascii_lowercase).as_deref() {
        None if prod => LogFormat::Json,
        None => LogFormat::Pretty,
        Some("pretty") => LogFormat::Pretty,
        Some("json") => LogFormat::Json,
        Some(_) => {
            r.error("LOG_FORMAT must be pretty or json");
            LogFormat::Pretty
        }
    };
    (format, r.val("RUST_LOG").unwrap_or("info").to_string())
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{keys::DEV_KEY_FILE, *};
    use crate::domain::Plan;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn key() -> String {
        TokenKey::generate().to_base64()
    }

    #[test]
    fn development_defaults_need_only_a_key() {
        let s = Settings::from_map(vars(&[("TOKEN_ENCRYPTION_KEY", &key())])).unwrap();
        assert_eq!(s.env, AppEnv::Development);
        assert_eq!(s.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(s.database_url.expose_secret(), "sqlite://data/exact-mcp.db");
        assert!(matches!(s.exact, ExactMode::Simulator));
        assert_eq!(s.log_format, LogFormat::Pretty);
    }

    #[test]
    fn job_settings_default_on_and_can_be_turned_off() {
        let k = key();
        let s = Settings::from_map(vars(&[("TOKEN_ENCRYPTION_KEY", &k)])).unwrap();
        assert_eq!(s.jobs, JobSettings::default());
        assert!(s.jobs.enabled);
        assert_eq!(s.jobs.tick, Duration::from_secs(300));
        assert_eq!(s.jobs.keepalive_after_days, 7);
        let s = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &k),
            ("JOBS_ENABLED", "false"),
            ("JOBS_TICK_SECONDS", "1"),
            ("TOKEN_KEEPALIVE_DAYS", "10"),
        ]))
        .unwrap();
        assert!(!s.jobs.enabled);
        assert_eq!(s.jobs.tick, Duration::from_secs(1));
        assert_eq!(s.jobs.keepalive_after_days, 10);
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &k),
            ("JOBS_ENABLED", "sometimes"),
            ("JOBS_TICK_SECONDS", "0"),
            ("TOKEN_KEEPALIVE_DAYS", "30"),
        ]))
        .unwrap_err()
        .to_string();
        assert_eq!(err.lines().count(), 3, "{err}");
    }

    #[test]
    fn rate_limits_default_to_the_plans_and_can_be_set_per_plan() {
        let k = key();
        let s = Settings::from_map(vars(&[("TOKEN_ENCRYPTION_KEY", &k)])).unwrap();
        assert_eq!(s.usage, UsageLimits::default());
        assert_eq!(s.usage.per_minute(Plan::Free), 60);
        assert_eq!(s.usage.retention_days, 90);
        let s = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &k),
            ("RATE_LIMIT_PER_MINUTE", "100"),
            ("RATE_LIMIT_PER_MINUTE_PRO", "300"),
            ("FLOOD_LIMIT_PER_MINUTE", "50"),
        ]))
        .unwrap();
        assert_eq!(s.usage.per_minute(Plan::Free), 100);
        assert_eq!(s.usage.per_minute(Plan::Enterprise), 100);
        assert_eq!(s.usage.per_minute(Plan::Pro), 300);
        assert_eq!(s.usage.flood_per_minute, 50);
        assert_eq!(s.usage.calls_in_flight, 256);
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &k),
            ("RATE_LIMIT_PER_MINUTE_FREE", "0"),
            ("USAGE_RETENTION_DAYS", "x"),
            ("MCP_CALLS_IN_FLIGHT", "0"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("at least 1 per minute"), "{err}");
        assert!(
            err.contains("MCP_CALLS_IN_FLIGHT must be at least 1"),
            "{err}"
        );
        assert!(
            err.contains("USAGE_RETENTION_DAYS must be a whole number"),
            "{err}"
        );
    }

    #[test]
    fn development_generates_and_reuses_a_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let data_str = data.to_str().unwrap();
        let first = Settings::from_map(vars(&[("DATA_DIR", data_str)])).unwrap();
        let second = Settings::from_map(vars(&[("DATA_DIR", data_str)])).unwrap();
        assert_eq!(first.token_key.bytes(), second.token_key.bytes());
        // The access-token signing key likewise.
        assert_eq!(
            first.oauth_signing_key.kid(),
            second.oauth_signing_key.kid()
        );
        #[cfg(unix)]
        for file in [DEV_KEY_FILE, signing::DEV_SIGNING_KEY_FILE] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the key file {file} must not be readable by others"
            );
        }
    }

    #[test]
    fn retired_signing_keys_are_read_as_pem_blocks_or_base64_and_bad_ones_named() {
        let (a, b) = (SigningKey::generate(), SigningKey::generate());
        let k = key();
        let s = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &k),
            ("OAUTH_SIGNING_KEY", &SigningKey::generate().to_pem()),
            (
                "OAUTH_SIGNING_KEYS_PREVIOUS",
                &format!("{}\n{}", a.to_pem(), b.to_pem()),
            ),
        ]))
        .unwrap();
        let kids: Vec<String> = s.oauth_previous_keys.iter().map(|k| k.kid()).collect();
        assert_eq!(kids, [a.kid(), b.kid()]);
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &k),
            ("OAUTH_SIGNING_KEY", "not a key"),
            ("OAUTH_SIGNING_KEYS_PREVIOUS", "c2hvcnQ=, also-bad"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("OAUTH_SIGNING_KEY is not valid base64 or PEM"),
            "{err}"
        );
        assert!(err.contains("OAUTH_SIGNING_KEYS_PREVIOUS entry 1"), "{err}");
        assert!(err.contains("OAUTH_SIGNING_KEYS_PREVIOUS entry 2"), "{err}");
    }

    #[test]
    fn production_refuses_unsafe_defaults_one_line_each() {
        let err = Settings::from_map(vars(&[("APP_ENV", "production")])).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("TOKEN_ENCRYPTION_KEY is required in production"),
            "{text}"
        );
        assert!(text.contains("PUBLIC_URL must use https"), "{text}");
        assert!(
            text.contains("EXACT_CLIENT_ID and EXACT_CLIENT_SECRET are required"),
            "{text}"
        );
        assert!(
            text.contains("OAUTH_SIGNING_KEY is required in production"),
            "{text}"
        );
        assert_eq!(err.0.len(), 4, "{text}");
        assert_eq!(text.lines().count(), 4);
    }

    #[test]
    fn production_refuses_the_simulator_and_bad_keys() {
        let err = Settings::from_map(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://mcp.example.com"),
            ("TOKEN_ENCRYPTION_KEY", "c2hvcnQ="),
            ("EXACT_SIMULATOR", "true"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("must decode to exactly 32 bytes"), "{text}");
        assert!(
            text.contains("simulator cannot run in production"),
            "{text}"
        );
    }

    #[test]
    fn production_accepts_a_complete_configuration() {
        let signing_pem = SigningKey::generate().to_pem();
        let s = Settings::from_map(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://mcp.example.com"),
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("OAUTH_SIGNING_KEY", &signing_pem),
            ("EXACT_CLIENT_ID", "abc"),
            ("EXACT_CLIENT_SECRET", "very-secret-value"),
            ("DATABASE_URL", "postgres://app:hunter2@db/emcp"),
        ]))
        .unwrap();
        assert_eq!(s.log_format, LogFormat::Json);
        assert!(!format!("{s:?}").contains(signing_pem.lines().nth(1).unwrap()));
        let printed = format!("{s:?} {}", s.summary());
        assert!(!printed.contains("very-secret-value"), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains(&s.token_key.to_base64()), "{printed}");
    }

    #[test]
    fn malformed_values_are_named() {
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("LEPTOS_SITE_ADDR", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
            ("SHUTDOWN_TIMEOUT_SECONDS", "soon"),
            ("LOG_FORMAT", "xml"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        for needle in [
            "LEPTOS_SITE_ADDR",
            "DATABASE_URL",
            "SHUTDOWN_TIMEOUT_SECONDS",
            "LOG_FORMAT",
        ] {
            assert!(text.contains(needle), "{needle} missing in {text}");
        }
    }

    #[test]
    fn a_bad_smtp_url_or_sender_is_refused_without_echoing_the_url() {
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("SMTP_URL", "ftp://mailer:hunter2@nope"),
            ("MAIL_FROM", "not an address"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("SMTP_URL is not usable"), "{err}");
        assert!(err.contains("MAIL_FROM must be"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let ok = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("SMTP_URL", "smtps://mailer:hunter2@smtp.example.com:465"),
        ]))
        .unwrap();
        assert_eq!(ok.mail_from, "exact-mcp <no-reply@localhost>");
        assert!(!ok.summary().contains("hunter2"));
    }

    /// The production variables besides `APP_ENV` and `PUBLIC_URL`.
    fn complete(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        let mut v = vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("OAUTH_SIGNING_KEY", &SigningKey::generate().to_pem()),
            ("EXACT_CLIENT_ID", "abc"),
            ("EXACT_CLIENT_SECRET", "very-secret-value"),
        ]);
        v.extend(vars(pairs));
        v
    }

    #[test]
    fn without_app_env_only_a_loopback_public_url_means_development() {
        for url in [
            "http://localhost:3000",
            "http://127.0.0.1:3000",
            "http://[::1]:3000",
        ] {
            let s = Settings::from_map(complete(&[("PUBLIC_URL", url)])).unwrap();
            assert_eq!(s.env, AppEnv::Development, "{url}");
        }
        let s = Settings::from_map(complete(&[("PUBLIC_URL", "https://mcp.example.com")])).unwrap();
        assert_eq!(s.env, AppEnv::Production);
        assert!(s.is_production() && !s.dev_outbox_enabled());
        // Production rules, so an http URL or a public listening address without one is refused.
        for pairs in [
            &[("PUBLIC_URL", "http://mcp.example.com")][..],
            &[("LEPTOS_SITE_ADDR", "0.0.0.0:3000")][..],
        ] {
            let err = Settings::from_map(complete(pairs)).unwrap_err().to_string();
            assert!(err.contains("PUBLIC_URL must use https"), "{err}");
            assert!(err.contains("APP_ENV=development"), "{err}");
        }
        // Development is still one variable away.
        let s = Settings::from_map(complete(&[
            ("APP_ENV", "development"),
            ("PUBLIC_URL", "http://dev.example.com"),
        ]))
        .unwrap();
        assert_eq!(s.env, AppEnv::Development);
    }

    #[test]
    fn trusted_proxies_default_to_none_and_invalid_ones_stop_the_start() {
        let s = Settings::from_map(vars(&[("TOKEN_ENCRYPTION_KEY", &key())])).unwrap();
        assert!(s.trusted_proxies.is_empty());
        let s = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
        ]))
        .unwrap();
        assert!(s.trusted_proxies.contains("10.2.3.4".parse().unwrap()));
        assert!(s.summary().contains("trusted_proxies=2"), "{}", s.summary());
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("TRUSTED_PROXIES", "10.0.0.0/8,lb.internal"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("TRUSTED_PROXIES"), "{err}");
        assert!(err.contains("lb.internal"), "{err}");
    }

    #[test]
    fn unencrypted_mail_is_for_development_only() {
        let plain = "smtp://mailer:hunter2@localhost:1025?tls=none";
        let dev = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("SMTP_URL", plain),
        ]))
        .unwrap();
        assert!(dev.smtp_url.is_some());
        let prod = |url: &str| {
            Settings::from_map(complete(&[
                ("APP_ENV", "production"),
                ("PUBLIC_URL", "https://mcp.example.com"),
                ("SMTP_URL", url),
            ]))
        };
        let err = prod(plain).unwrap_err().to_string();
        assert!(err.contains("tls=none"), "{err}");
        assert!(err.contains("not in production"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        // STARTTLS (the meaning of smtp://) and implicit TLS are fine.
        prod("smtp://mailer:hunter2@smtp.example.com:587").unwrap();
        prod("smtp://mailer:hunter2@smtp.example.com?tls=required").unwrap();
        prod("smtps://mailer:hunter2@smtp.example.com").unwrap();
        // Opportunistic STARTTLS can be stripped by anyone in between: refused everywhere.
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("SMTP_URL", "smtp://smtp.example.com?tls=opportunistic"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("SMTP_URL is not usable"), "{err}");
    }

    #[test]
    fn smtp_urls_are_starttls_tls_or_explicitly_plain() {
        use crate::server::mail::{SmtpSecurity, transport};
        let security = |url: &str| transport(url).map(|(_, s)| s);
        assert_eq!(security("smtp://h"), Ok(SmtpSecurity::StartTls));
        assert_eq!(
            security("smtp://h:2525?tls=required"),
            Ok(SmtpSecurity::StartTls)
        );
        assert_eq!(security("smtps://h"), Ok(SmtpSecurity::ImplicitTls));
        assert_eq!(security("smtp://h?tls=none"), Ok(SmtpSecurity::Plain));
        assert!(security("smtps://h?tls=none").is_err());
        assert!(security("smtp://h?tls=sometimes").is_err());
        assert!(security("http://h").is_err());
    }
}
