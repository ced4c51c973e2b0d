//! Typed settings from the environment (and `.env`), validated once at start. Defaults make a
//! development checkout work with no configuration; production refuses the unsafe ones with one
//! clear line per problem. Secrets are held in `secrecy` types and never printed.

use crate::domain::Plan;
use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::{
    collections::HashMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};
use url::Url;

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

/// A 256-bit key for the token vault.
pub struct TokenKey(SecretBox<[u8; 32]>);

impl TokenKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TokenKey(SecretBox::new(Box::new(bytes)))
    }

    pub fn from_base64(text: &str) -> Result<Self, &'static str> {
        let bytes = B64.decode(text.trim()).map_err(|_| "is not valid base64")?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "must decode to exactly 32 bytes")?;
        Ok(Self::from_bytes(bytes))
    }

    pub fn generate() -> Self {
        Self::from_bytes(rand::random())
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0.expose_secret())
    }

    pub fn bytes(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

impl Clone for TokenKey {
    fn clone(&self) -> Self {
        Self::from_bytes(*self.bytes())
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey([REDACTED])")
    }
}

/// How exact-mcp reaches Exact Online.
#[derive(Debug, Clone)]
pub enum ExactMode {
    /// The real service, with the registered app's credentials. `base_url` replaces
    /// `https://start.exactonline.{tld}` for every region when set.
    Live {
        client_id: String,
        client_secret: SecretString,
        base_url: Option<Url>,
    },
    /// The embedded simulator at `{PUBLIC_URL}/sim/exact` (development only).
    Simulator,
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
    pub data_dir: PathBuf,
    /// What `/mcp` callers may do: rate limits, the flood limit and how long raw usage is kept.
    pub usage: UsageLimits,
    /// The scheduled jobs (src/server/jobs).
    pub jobs: JobSettings,
}

/// The scheduler: whether this replica runs it, how often it sweeps for due slots, and when the
/// keep-alive job refreshes an idle connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSettings {
    /// `JOBS_ENABLED`: run the scheduler in this process (other replicas may keep it off).
    pub enabled: bool,
    /// `JOBS_TICK_SECONDS`: besides each job's cron moment, every replica checks this often
    /// (and once at start) whether a job's current slot has not run yet, and runs it.
    pub tick: Duration,
    /// `TOKEN_KEEPALIVE_DAYS`: refresh a connection whose refresh token is this old.
    pub keepalive_after_days: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            enabled: true,
            tick: Duration::from_secs(300),
            keepalive_after_days: 7,
        }
    }
}

/// The limits metering `/mcp`. The plan's rate limit (60 counted calls a minute) can be changed
/// for every plan (`RATE_LIMIT_PER_MINUTE`) or one plan (`RATE_LIMIT_PER_MINUTE_PRO`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageLimits {
    /// Counted calls per minute per user, per plan, in [`Plan::ALL`] order.
    pub per_minute: [u32; 4],
    /// Uncounted protocol messages (initialize, tools/list, ping, …) per minute per key.
    pub flood_per_minute: u32,
    /// Raw usage events older than this are pruned; the daily rollups stay.
    pub retention_days: u32,
}

impl UsageLimits {
    pub fn per_minute(&self, plan: Plan) -> u32 {
        let i = Plan::ALL.iter().position(|p| *p == plan).unwrap_or(0);
        self.per_minute[i]
    }
}

impl Default for UsageLimits {
    fn default() -> Self {
        UsageLimits {
            per_minute: Plan::ALL.map(Plan::rate_limit_per_minute),
            flood_per_minute: 600,
            retention_days: 90,
        }
    }
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

const DEV_KEY_FILE: &str = "token-encryption.key";

impl Settings {
    /// Reads `.env` (if present) and the process environment.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        // A missing .env is normal; a malformed one is reported through the values it lacks.
        let _ = dotenvy::dotenv();
        Self::from_map(std::env::vars().collect())
    }

    /// Builds settings from a map of variables; the environment-free core of [`Self::from_env`].
    pub fn from_map(vars: HashMap<String, String>) -> Result<Self, ConfigErrors> {
        let v = Vars(vars);
        let mut errors = Vec::new();

        let env = match v.val("APP_ENV").map(str::to_ascii_lowercase).as_deref() {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                errors.push(format!(
                    "APP_ENV={other:?} is not valid: use development or production"
                ));
                AppEnv::Development
            }
        };
        let prod = env == AppEnv::Production;

        let site_addr = match v
            .val("LEPTOS_SITE_ADDR")
            .unwrap_or("127.0.0.1:3000")
            .parse()
        {
            Ok(a) => a,
            Err(_) => {
                errors.push("LEPTOS_SITE_ADDR must be host:port, e.g. 127.0.0.1:3000".into());
                SocketAddr::from(([127, 0, 0, 1], 3000))
            }
        };

        let public_url = match v.val("PUBLIC_URL") {
            Some(raw) => match Url::parse(raw) {
                Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(u),
                _ => {
                    errors.push("PUBLIC_URL must be an absolute http(s) URL".into());
                    None
                }
            },
            None => None,
        };
        let public_url = public_url.unwrap_or_else(|| {
            Url::parse(&format!("http://{site_addr}")).expect("a socket address forms a URL")
        });
        if prod && public_url.scheme() != "https" {
            errors.push("PUBLIC_URL must use https in production".into());
        }

        let data_dir = PathBuf::from(v.val("DATA_DIR").unwrap_or("data"));
        let database_url = v
            .val("DATABASE_URL")
            .map(str::to_string)
            .unwrap_or_else(|| format!("sqlite://{}/exact-mcp.db", data_dir.display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            errors.push("DATABASE_URL must start with sqlite:// or postgres://".into());
        }

        let database_max_connections =
            parse_number(&v, "DATABASE_MAX_CONNECTIONS", 10, &mut errors);
        let shutdown_timeout = Duration::from_secs(parse_number(
            &v,
            "SHUTDOWN_TIMEOUT_SECONDS",
            30,
            &mut errors,
        ));
        let shutdown_drain_delay =
            Duration::from_secs(parse_number(&v, "SHUTDOWN_DRAIN_SECONDS", 0, &mut errors));
        let max_body_bytes = parse_number(&v, "MAX_BODY_BYTES", 1024 * 1024, &mut errors);

        let token_key = match v.val("TOKEN_ENCRYPTION_KEY") {
            Some(raw) => match TokenKey::from_base64(raw) {
                Ok(k) => Some(k),
                Err(why) => {
                    errors.push(format!(
                        "TOKEN_ENCRYPTION_KEY {why}; create one with `exact-mcp keygen`"
                    ));
                    None
                }
            },
            None if prod => {
                errors.push(
                    "TOKEN_ENCRYPTION_KEY is required in production; create one with `exact-mcp keygen`".into(),
                );
                None
            }
            None => match development_key(&data_dir) {
                Ok(k) => Some(k),
                Err(e) => {
                    errors.push(format!(
                        "could not read or create the development key in {}: {e}",
                        data_dir.display()
                    ));
                    None
                }
            },
        };

        let mut previous_token_keys = Vec::new();
        for (i, raw) in v
            .val("TOKEN_ENCRYPTION_KEYS_PREVIOUS")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            match TokenKey::from_base64(raw) {
                Ok(k) => previous_token_keys.push(k),
                Err(why) => errors.push(format!(
                    "TOKEN_ENCRYPTION_KEYS_PREVIOUS entry {} {why}",
                    i + 1
                )),
            }
        }

        let simulator_forced = match v
            .val("EXACT_SIMULATOR")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => false,
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(_) => {
                errors.push("EXACT_SIMULATOR must be true or false".into());
                false
            }
        };
        let exact_base_url = match v.val("EXACT_BASE_URL") {
            Some(raw) => match Url::parse(raw) {
                Ok(u) => Some(u),
                Err(_) => {
                    errors.push("EXACT_BASE_URL must be an absolute URL".into());
                    None
                }
            },
            None => None,
        };
        let exact = match (v.val("EXACT_CLIENT_ID"), v.val("EXACT_CLIENT_SECRET")) {
            (Some(id), Some(secret)) if !simulator_forced => ExactMode::Live {
                client_id: id.to_string(),
                client_secret: SecretString::from(secret.to_string()),
                base_url: exact_base_url,
            },
            (Some(_), None) | (None, Some(_)) if !simulator_forced => {
                errors.push("set both EXACT_CLIENT_ID and EXACT_CLIENT_SECRET, or neither".into());
                ExactMode::Simulator
            }
            _ => {
                if !cfg!(feature = "simulator") {
                    errors.push(
                        "this build has no Exact simulator: set EXACT_CLIENT_ID and EXACT_CLIENT_SECRET"
                            .into(),
                    );
                } else if prod {
                    if simulator_forced {
                        errors.push(
                            "the Exact simulator cannot run in production: unset EXACT_SIMULATOR"
                                .into(),
                        );
                    } else {
                        errors.push(
                            "EXACT_CLIENT_ID and EXACT_CLIENT_SECRET are required in production"
                                .into(),
                        );
                    }
                }
                ExactMode::Simulator
            }
        };

        let admin_emails = v
            .val("ADMIN_EMAILS")
            .unwrap_or("")
            .split(',')
            .map(|e| e.trim().to_ascii_lowercase())
            .filter(|e| !e.is_empty())
            .collect();

        let smtp_url = v.val("SMTP_URL").map(|s| SecretString::from(s.to_string()));
        if let Some(url) = &smtp_url
            && let Err(e) = check_smtp_url(url.expose_secret())
        {
            errors.push(format!("SMTP_URL is not usable: {e}"));
        }
        let mail_from = match v.val("MAIL_FROM") {
            Some(from) => from.to_string(),
            None => format!(
                "exact-mcp <no-reply@{}>",
                public_url.domain().unwrap_or("localhost")
            ),
        };
        if let Err(e) = mail_from.parse::<lettre::message::Mailbox>() {
            errors.push(format!(
                "MAIL_FROM must be an address like exact-mcp <no-reply@example.com>: {e}"
            ));
        }

        let log_format = match v.val("LOG_FORMAT").map(str::to_ascii_lowercase).as_deref() {
            None => {
                if prod {
                    LogFormat::Json
                } else {
                    LogFormat::Pretty
                }
            }
            Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(_) => {
                errors.push("LOG_FORMAT must be pretty or json".into());
                LogFormat::Pretty
            }
        };
        let log_filter = v.val("RUST_LOG").unwrap_or("info").to_string();

        let defaults = UsageLimits::default();
        let all_plans: Option<u32> = v
            .val("RATE_LIMIT_PER_MINUTE")
            .map(|_| parse_number(&v, "RATE_LIMIT_PER_MINUTE", 60, &mut errors));
        let mut per_minute = defaults.per_minute;
        for (i, plan) in Plan::ALL.into_iter().enumerate() {
            let key = format!(
                "RATE_LIMIT_PER_MINUTE_{}",
                plan.as_str().to_ascii_uppercase()
            );
            per_minute[i] = parse_number(&v, &key, all_plans.unwrap_or(per_minute[i]), &mut errors);
        }
        let usage = UsageLimits {
            per_minute,
            flood_per_minute: parse_number(
                &v,
                "FLOOD_LIMIT_PER_MINUTE",
                defaults.flood_per_minute,
                &mut errors,
            ),
            retention_days: parse_number(
                &v,
                "USAGE_RETENTION_DAYS",
                defaults.retention_days,
                &mut errors,
            ),
        };
        if usage.per_minute.contains(&0) || usage.flood_per_minute == 0 {
            errors.push("rate limits must be at least 1 per minute".into());
        }
        if usage.retention_days == 0 {
            errors.push("USAGE_RETENTION_DAYS must be at least 1".into());
        }

        let job_defaults = JobSettings::default();
        let jobs_enabled = match v
            .val("JOBS_ENABLED")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => job_defaults.enabled,
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(_) => {
                errors.push("JOBS_ENABLED must be true or false".into());
                job_defaults.enabled
            }
        };
        let tick_seconds: u64 = parse_number(
            &v,
            "JOBS_TICK_SECONDS",
            job_defaults.tick.as_secs(),
            &mut errors,
        );
        if tick_seconds == 0 {
            errors.push("JOBS_TICK_SECONDS must be at least 1".into());
        }
        let keepalive_after_days: u32 = parse_number(
            &v,
            "TOKEN_KEEPALIVE_DAYS",
            job_defaults.keepalive_after_days,
            &mut errors,
        );
        if !(1..=29).contains(&keepalive_after_days) {
            errors.push(
                "TOKEN_KEEPALIVE_DAYS must be between 1 and 29 (refresh tokens live 30 days)"
                    .into(),
            );
        }
        let jobs = JobSettings {
            enabled: jobs_enabled,
            tick: Duration::from_secs(tick_seconds.max(1)),
            keepalive_after_days,
        };

        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        Ok(Settings {
            env,
            site_addr,
            public_url,
            database_url: SecretString::from(database_url),
            database_max_connections,
            token_key: token_key.expect("a missing key was reported as an error"),
            previous_token_keys,
            exact,
            admin_emails,
            smtp_url,
            mail_from,
            log_format,
            log_filter,
            shutdown_timeout,
            shutdown_drain_delay,
            max_body_bytes,
            data_dir,
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
            "env={:?} addr={} public_url={} database={} exact={} admins={} smtp={} previous_keys={} jobs={}",
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
        )
    }
}

/// The raw variables; blank values count as unset.
struct Vars(HashMap<String, String>);

impl Vars {
    fn val(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

fn parse_number<T: std::str::FromStr>(
    vars: &Vars,
    key: &str,
    default: T,
    errors: &mut Vec<String>,
) -> T {
    match vars.val(key) {
        None => default,
        Some(raw) => raw.parse().unwrap_or_else(|_| {
            errors.push(format!("{key} must be a whole number"));
            default
        }),
    }
}

/// Development convenience: a key generated once into the data directory, so a fresh checkout
/// runs and its tokens survive restarts. Production never reaches this.
fn development_key(data_dir: &Path) -> std::io::Result<TokenKey> {
    let path = data_dir.join(DEV_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => TokenKey::from_base64(&text).map_err(|why| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} {why}", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let key = TokenKey::generate();
            write_private(&path, &key.to_base64())?;
            tracing::warn!(
                path = %path.display(),
                "TOKEN_ENCRYPTION_KEY is not set: generated a development key; set the variable in production"
            );
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
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

/// Checks that an `SMTP_URL` can be used, without connecting (the mail sender builds its
/// transport the same way). The error never repeats the URL (it may hold a password).
fn check_smtp_url(url: &str) -> Result<(), String> {
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|_| "expected smtp://user:password@host:port or smtps://…".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let err = Settings::from_map(vars(&[
            ("TOKEN_ENCRYPTION_KEY", &k),
            ("RATE_LIMIT_PER_MINUTE_FREE", "0"),
            ("USAGE_RETENTION_DAYS", "x"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("at least 1 per minute"), "{err}");
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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join(DEV_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the key file must not be readable by others"
            );
        }
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
        assert_eq!(err.0.len(), 3, "{text}");
        assert_eq!(text.lines().count(), 3);
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
        let s = Settings::from_map(vars(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://mcp.example.com"),
            ("TOKEN_ENCRYPTION_KEY", &key()),
            ("EXACT_CLIENT_ID", "abc"),
            ("EXACT_CLIENT_SECRET", "very-secret-value"),
            ("DATABASE_URL", "postgres://app:hunter2@db/emcp"),
        ]))
        .unwrap();
        assert_eq!(s.log_format, LogFormat::Json);
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
}
