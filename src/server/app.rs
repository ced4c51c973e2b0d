//! Starting and stopping the service: connect and migrate the database, build the router, serve
//! until a stop signal, then drain and finish in-flight requests within a bound.

use super::{
    clock::{SharedClock, SystemClock},
    config::{AppEnv, Settings},
    db::{Db, migrate},
    http,
    state::{AppState, Lifecycle},
};
use axum::Router;
use leptos::config::{Env, LeptosOptions, get_configuration};
use std::{future::Future, net::SocketAddr, sync::Arc};
use tokio::net::TcpListener;

/// The runtime site options: `Leptos.toml` (LEPTOS_* variables override it) when present,
/// otherwise the same defaults; the listen address always comes from [`Settings`].
pub fn leptos_options(settings: &Settings) -> LeptosOptions {
    let mut options = get_configuration(Some("Leptos.toml"))
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| {
            let mut defaults = crate::server::plain_html::default_options();
            defaults.site_root = std::env::var("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|_| "target/site".into())
                .into();
            defaults
        });
    options.site_addr = settings.site_addr;
    options.env = match settings.env {
        AppEnv::Production => Env::PROD,
        AppEnv::Development => Env::DEV,
    };
    options
}

/// Connects to the database and applies pending migrations.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database_url, settings.database_max_connections).await?;
    let applied = migrate::up(&db).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "database migrations applied");
    }
    Ok(db)
}

pub async fn build_state(
    settings: Settings,
    leptos_options: LeptosOptions,
    clock: SharedClock,
) -> anyhow::Result<AppState> {
    let db = open_database(&settings).await?;
    let vault = Arc::new(super::vault::Vault::from_settings(&settings));
    let exact = super::exact::Exact::new(
        super::exact::ExactConfig::from_settings(&settings),
        db.clone(),
        vault,
        clock.clone(),
    );
    let in_flight = Arc::new(super::in_flight::InFlight::new(
        settings.usage.calls_in_flight as usize,
    ));
    let authorization = Arc::new(super::authorization::Authorization::from_settings(
        &settings,
    ));
    Ok(AppState {
        in_flight,
        authorization,
        settings: Arc::new(settings),
        db: db.clone(),
        exact,
        clock,
        leptos_options,
        lifecycle: Lifecycle::default(),
        admitter: super::usage::admitter::Admitter::spawn(db.clone()),
        recorder: super::usage::recorder::Recorder::spawn(db),
        keys: Arc::default(),
        windows: Arc::default(),
    })
}

/// `exact-mcp serve`: runs until SIGTERM or Ctrl-C.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(settings = %settings.summary(), "starting exact-mcp");
    let options = leptos_options(&settings);
    let addr = settings.site_addr;
    let state = build_state(settings, options, Arc::new(SystemClock)).await?;
    let listener = TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    run(state, listener, None, stop_signal()).await
}

/// Serves `state` on `listener` until `stop` resolves, then: `/readyz` turns 503, the drain delay
/// passes (the load balancer notices), the listener closes, and in-flight requests get
/// `shutdown_timeout` to finish before we return anyway.
pub async fn run(
    state: AppState,
    listener: TcpListener,
    extra_routes: Option<Router<AppState>>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let settings = state.settings.clone();
    let lifecycle = state.lifecycle.clone();
    let db = state.db.clone();
    let recorder = state.recorder.clone();
    if let Some(url) = &settings.smtp_url {
        let sender = super::mail::Sender::new(url, &settings.mail_from)?;
        super::mail::spawn_sender(
            db.clone(),
            state.clock.clone(),
            sender,
            std::time::Duration::from_secs(2),
        );
    }
    super::vault::spawn_announcer(db.clone(), state.exact.vault(), state.clock.clone());
    db.spawn_version_watch();
    let scheduler = super::jobs::scheduler::start(&state).await?;
    let app = http::router(state, extra_routes);

    let (close_tx, close_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = close_rx.await;
    })
    .into_future();
    tokio::pin!(server);

    tokio::select! {
        result = &mut server => return result.map_err(Into::into),
        () = stop => {}
    }
    if let Some(scheduler) = scheduler {
        // No new runs from here; a run in progress finishes or its lease lets another take over.
        scheduler.shutdown().await;
    }
    lifecycle.start_draining();
    tracing::info!(drain = ?settings.shutdown_drain_delay, "stop requested: draining");
    tokio::select! {
        result = &mut server => return result.map_err(Into::into),
        () = tokio::time::sleep(settings.shutdown_drain_delay) => {}
    }
    let _ = close_tx.send(());
    let outcome = match tokio::time::timeout(settings.shutdown_timeout, &mut server).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => {
            tracing::warn!(
                timeout = ?settings.shutdown_timeout,
                "in-flight requests did not finish in time; stopping anyway"
            );
            Ok(())
        }
    };
    // Usage records still queued are written before the pool closes.
    recorder.flush().await;
    db.close().await;
    tracing::info!("stopped");
    outcome
}

/// Resolves on SIGTERM (orchestrators) or SIGINT (Ctrl-C).
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
