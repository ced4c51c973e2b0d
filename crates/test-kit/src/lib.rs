//! The test kit: the one way integration tests (`tests/it`) and benchmarks (`benches/`) reach the
//! service. Its own crate so that both share one copy, built once, and so that none of it can end
//! up in the product: spawn the real app on port 0 with a fresh database (a temporary SQLite
//! file, or a fresh Postgres database dropped afterwards) and talk to it over HTTP with a
//! cookie-keeping client that does not follow redirects; drive the Exact consent flow; start
//! real `serve` processes as replicas; control the simulator.
//!
//! The backend is SQLite unless `TEST_DATABASE_BACKEND=postgres`, which needs
//! `TEST_POSTGRES_URL` (a server where we may create databases).

pub mod exact;
pub mod mcp;
pub mod replicas;
pub mod schema;
pub mod smtp;

use axum::Router;
use exact_mcp::server::{
    app,
    clock::ManualClock,
    config::{Settings, TokenKey},
    db::Db,
    state::AppState,
};
use secrecy::SecretString;
// The database names below are generated here (a UUID), never user input.
use sqlx::AssertSqlSafe;
use std::{collections::HashMap, sync::Arc};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// The built `exact-mcp` binary. Cargo builds it beside the test or bench executable's `deps/`
/// folder before running either (`target/<profile>/exact-mcp`).
pub fn binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the executable lives in target/<profile>/deps");
    let bin = profile_dir.join(format!("exact-mcp{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with --features ssr",
        bin.display()
    );
    bin
}

/// 2026-11-21T12:00:00Z: a fixed start for the injected clock.
pub const T0: i64 = 1_795_262_400;

pub fn backend_is_postgres() -> bool {
    matches!(
        std::env::var("TEST_DATABASE_BACKEND").as_deref(),
        Ok("postgres")
    )
}

/// A database that exists for one test and is removed afterwards.
pub enum TestDatabase {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        if backend_is_postgres() {
            let admin_url = std::env::var("TEST_POSTGRES_URL")
                .expect("TEST_DATABASE_BACKEND=postgres needs TEST_POSTGRES_URL");
            let name = format!("emcp_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = pg_admin(&admin_url).await;
            sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let url = with_database(&admin_url, &name);
            TestDatabase::Postgres {
                admin_url,
                name,
                url,
            }
        } else {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            TestDatabase::Sqlite { _dir: dir, url }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. } | TestDatabase::Postgres { url, .. } => url,
        }
    }

    /// Connects without migrating (the migration tests drive that themselves).
    pub async fn connect(&self) -> Db {
        Db::connect(&SecretString::from(self.url().to_string()), 5)
            .await
            .expect("connect to test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres {
            admin_url, name, ..
        } = self
        {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop cannot await; a short-lived runtime on its own thread does the clean-up.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let mut conn = pg_admin(&admin_url).await;
                    let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::raw_sql(AssertSqlSafe(drop)).execute(&mut conn).await;
                });
            })
            .join();
        }
    }
}

async fn pg_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .expect("connect to TEST_POSTGRES_URL")
}

fn with_database(admin_url: &str, name: &str) -> String {
    let mut u = url::Url::parse(admin_url).expect("TEST_POSTGRES_URL is a URL");
    u.set_path(&format!("/{name}"));
    u.to_string()
}

/// Settings for a test: development defaults, a fixed key, the given database, overrides last.
pub fn test_settings(database_url: &str, overrides: &[(&str, &str)]) -> Settings {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert(
        "TOKEN_ENCRYPTION_KEY".into(),
        TokenKey::from_bytes([7; 32]).to_base64(),
    );
    vars.insert("DATABASE_URL".into(), database_url.into());
    // Development by choice: without APP_ENV a non-loopback PUBLIC_URL (some tests set one)
    // would mean production.
    vars.insert("APP_ENV".into(), "development".into());
    vars.insert("SHUTDOWN_TIMEOUT_SECONDS".into(), "5".into());
    // The scheduler stays off unless a test turns it on: runs at real cron moments would move
    // other tests' counters.
    vars.insert("JOBS_ENABLED".into(), "false".into());
    for (k, v) in overrides {
        vars.insert(k.to_string(), v.to_string());
    }
    Settings::from_map(vars).expect("test settings are valid")
}

pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub clock: ManualClock,
    pub site_root: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    database: TestDatabase,
}

#[derive(Default)]
pub struct TestAppBuilder {
    extra: Option<Router<AppState>>,
    env: Vec<(String, String)>,
}

impl TestAppBuilder {
    /// Mounts extra routes inside the full middleware stack (probes for shutdown, panics...).
    pub fn routes(mut self, routes: Router<AppState>) -> Self {
        self.extra = Some(routes);
        self
    }

    /// A complete production configuration (https URL, a real key, Exact credentials).
    pub fn production(self) -> Self {
        let key = TokenKey::from_bytes([9; 32]).to_base64();
        self.env("APP_ENV", "production")
            .env("PUBLIC_URL", "https://mcp.example.com")
            .env("TOKEN_ENCRYPTION_KEY", &key)
            .env(
                "OAUTH_SIGNING_KEY",
                &exact_mcp::server::config::SigningKey::generate().to_pem(),
            )
            .env("EXACT_CLIENT_ID", "id")
            .env("EXACT_CLIENT_SECRET", "secret")
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub async fn spawn(self) -> TestApp {
        let database = TestDatabase::create().await;
        // Bound first, so PUBLIC_URL (OAuth redirect URIs, the embedded simulator) is this
        // server's own address unless a test sets one.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut overrides: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if !overrides.iter().any(|(k, _)| *k == "PUBLIC_URL") {
            overrides.push(("PUBLIC_URL", &url));
        }
        // A site root of our own: tests put files there to check static serving. Its `data`
        // folder is the data directory (the simulator's grants file), unless a test sets one.
        let site_root = tempfile::tempdir().expect("site root");
        let data_dir = site_root.path().join("data").to_string_lossy().into_owned();
        if !overrides.iter().any(|(k, _)| *k == "DATA_DIR") {
            overrides.push(("DATA_DIR", &data_dir));
        }
        let settings = test_settings(database.url(), &overrides);

        std::fs::create_dir_all(site_root.path().join("pkg")).unwrap();
        let mut options = app::leptos_options(&settings);
        options.site_root = site_root.path().to_string_lossy().as_ref().into();

        let clock = ManualClock::at(T0);
        let state = app::build_state(settings, options, Arc::new(clock.clone()))
            .await
            .expect("app state");
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(app::run(state.clone(), listener, self.extra, async move {
            let _ = stop_rx.await;
        }));
        TestApp {
            url,
            client: client(),
            state,
            clock,
            site_root,
            stop: Some(stop_tx),
            task: Some(task),
            database,
        }
    }
}

/// A browser-like client: keeps cookies, never follows redirects (tests assert on them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    pub async fn spawn() -> TestApp {
        Self::builder().spawn().await
    }

    /// The injected clock's time.
    pub fn clock_now(&self) -> i64 {
        use exact_mcp::server::clock::Clock;
        self.clock.now()
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.at(path))
            .send()
            .await
            .expect("request")
    }

    pub fn database(&self) -> &TestDatabase {
        &self.database
    }

    /// A password account on the free plan, created through the account service (as the CLI
    /// does), so tests start from a known user without going through the forms.
    pub async fn create_user(&self, email: &str, password: &str, admin: bool) {
        exact_mcp::server::accounts::create(
            &self.state.db,
            self.state.clock.as_ref(),
            &[],
            exact_mcp::server::accounts::CreateAccount {
                email: &exact_mcp::domain::Email::parse(email).expect("a test address"),
                password: password.into(),
                display_name: "",
                admin,
                plan: exact_mcp::domain::Plan::Free,
            },
        )
        .await
        .expect("test user created");
    }

    /// Sends the stop signal (as SIGTERM would) and returns what `run` returned.
    pub fn begin_shutdown(&mut self) -> JoinHandle<anyhow::Result<()>> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.take().expect("server task")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A server function called as a browser calls it: a same-origin form POST with `client`'s
/// cookies.
pub async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.at(path))
        .header(reqwest::header::ORIGIN, &app.url)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Waits for something the service does in the background: asks `check` every 50 ms until it
/// answers `Some`, and fails the test with `what` once `bound` has passed. The one bounded poll
/// loop the tests use, so none of them sleeps blindly or forever.
pub async fn eventually<T, F, Fut>(what: &str, bound: std::time::Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = std::time::Instant::now();
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            started.elapsed() < bound,
            "{what}: not seen within {bound:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
