//! The database: one pool, SQLite or Postgres, chosen by `DATABASE_URL`.
//!
//! Why sqlx's `Any` driver rather than an enum over two typed pools: every query is written once,
//! in portable SQL with `$1` placeholders (which sqlx's SQLite driver also binds by number), and
//! runs unchanged on both backends, so one test suite covers both and no query can drift between
//! two copies. The price is a small type vocabulary: ids are TEXT, times are BIGINT Unix seconds
//! (which the injected clock produces anyway), flags are BIGINT 0/1. Where the backends truly
//! differ (row locks, schema introspection) the code asks [`Db::backend`] and says why.

pub mod account_data;
pub mod admin_figures;
pub mod api_keys;
pub mod audit_log;
pub mod connections;
pub mod email_changes;
#[cfg(feature = "simulator")]
pub mod introspect;
pub mod job_runs;
pub mod login_attempts;
pub mod migrate;
pub mod notifications;
pub mod oauth;
pub mod oauth_states;
pub mod outbox;
pub mod password_resets;
pub mod service_settings;
pub mod sessions;
pub mod tickets;
pub mod usage;
pub mod users;
pub mod vault_replicas;
pub mod versions;

use secrecy::{ExposeSecret, SecretString};
use sqlx::{
    AnyPool, Executor,
    any::{AnyPoolOptions, install_default_drivers},
};
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use std::time::Duration;

/// How often each replica reads the shared cache versions: the longest another replica's
/// change (a revoked key, a suspension, a plan) goes unnoticed here.
pub const VERSION_POLL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time; writers of this process take turns here instead of
    /// spinning in SQLite's busy handler (which sleeps in growing steps under contention).
    /// Other processes on the same file still queue through the busy timeout.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// The generation of what this process remembers about callers (keys, accounts,
    /// connections); see [`Db::callers_changed`].
    callers: Arc<AtomicU64>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL: use sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("could not prepare the SQLite directory: {0}")]
    Directory(#[from] std::io::Error),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl DbError {
    /// A row that must exist (one the caller has just written) is not there: the database
    /// misbehaved. The same error sqlx gives when `fetch_one` finds nothing.
    pub fn row_missing() -> DbError {
        DbError::Sqlx(sqlx::Error::RowNotFound)
    }
}

/// A write transaction from [`Db::begin_write`]. Repository functions run in it through
/// `&mut *tx`; it ends with [`Tx::commit`] or [`Tx::rollback`] (dropped: rolled back), whose
/// errors are [`DbError`]s like every other database error, so services never see sqlx's types.
pub struct Tx(sqlx::Transaction<'static, sqlx::Any>);

impl Tx {
    pub async fn commit(self) -> Result<(), DbError> {
        Ok(self.0.commit().await?)
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        Ok(self.0.rollback().await?)
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &sqlx::AnyConnection {
        &self.0
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.0
    }
}

impl Db {
    pub async fn connect(url: &SecretString, max_connections: u32) -> Result<Db, DbError> {
        install_default_drivers();
        let raw = url.expose_secret();
        let (backend, url) = if raw.starts_with("sqlite:") {
            (Backend::Sqlite, sqlite_url(raw)?)
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            (Backend::Postgres, raw.to_string())
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed while one writer commits; the busy timeout
                        // makes concurrent writers queue instead of failing with SQLITE_BUSY.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        Ok(Db {
            pool,
            backend,
            write_turn: Default::default(),
            callers: Default::default(),
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction for read-then-write work that must not interleave with another writer.
    /// SQLite: `BEGIN IMMEDIATE` takes the database's write lock at once, so a second process
    /// waits (busy timeout) instead of reading what is about to change. Postgres: a plain
    /// transaction; the caller locks the rows it reads with `FOR UPDATE`.
    pub async fn begin_write(&self) -> Result<Tx, DbError> {
        Ok(Tx(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        }))
    }

    /// This process's turn to write, on SQLite (hold it for the whole write transaction);
    /// `None` on Postgres, where row locks do the ordering.
    pub async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_turn.clone().lock_owned().await),
            Backend::Postgres => None,
        }
    }

    /// The generation of this process's remembered callers: an entry made under an older one is
    /// stale. Read it before loading what is to be remembered.
    pub fn callers_generation(&self) -> u64 {
        self.callers.load(Ordering::Acquire)
    }

    /// Called by every repository function that changes what an API key resolves to (a key, an
    /// account's status, plan or address, a connection or its divisions), after the change is
    /// committed: this process forgets at once, the others within [`VERSION_POLL`].
    pub async fn callers_changed(&self) {
        self.callers.fetch_add(1, Ordering::AcqRel);
        if let Err(e) = versions::bump(self, versions::CALLERS).await {
            tracing::warn!(error = %e, "announcing a caller change to other replicas failed");
        }
    }

    /// Follows the other replicas' changes: reads the shared version every [`VERSION_POLL`] and
    /// moves this process's generation when it moved. Runs until the pool closes.
    pub fn spawn_version_watch(&self) {
        let db = self.clone();
        tokio::spawn(async move {
            let mut seen = None;
            let mut tick = tokio::time::interval(VERSION_POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !db.pool.is_closed() {
                tick.tick().await;
                match versions::read(&db, versions::CALLERS).await {
                    Ok(now) if seen.is_some_and(|s| s != now) => {
                        db.callers.fetch_add(1, Ordering::AcqRel);
                        seen = Some(now);
                    }
                    Ok(now) => seen = Some(now),
                    Err(e) => tracing::debug!(error = %e, "reading the cache versions failed"),
                }
            }
        });
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the SQLite file's directory and asks for the file to be created when missing.
fn sqlite_url(raw: &str) -> Result<String, DbError> {
    let rest = raw
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let parent = std::path::Path::new(path).parent();
    if path != ":memory:"
        && let Some(parent) = parent.filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_ask_for_creation() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nested/app.db");
        let url = sqlite_url(&format!("sqlite://{}", file.display())).unwrap();
        assert_eq!(url, format!("sqlite://{}?mode=rwc", file.display()));
        assert!(file.parent().unwrap().is_dir());
        assert_eq!(
            sqlite_url("sqlite://x.db?mode=ro").unwrap(),
            "sqlite://x.db?mode=ro"
        );
    }
}
