//! The Exact simulator's place in a development build (feature `simulator`): mounted under
//! `/sim/exact` when no Exact app is configured, or served alone by `exact-mcp sim`. Production
//! builds leave the feature, and with it this module and the `exact-sim` crate, out.

use crate::server::{clock::Clock, clock::SystemClock, state::AppState};
use std::sync::Arc;

/// Where the embedded simulator keeps the grants it issued, beside the development key.
pub const GRANTS_FILE: &str = "exact-simulator-grants.json";

/// The embedded simulator, on the service's own injected clock (tests move both together). Its
/// grants live in the data directory, so connections made before a restart keep working.
pub fn router(state: &AppState) -> axum::Router {
    let clock = state.clock.clone();
    let sim = exact_sim::Simulator::new(
        Arc::new(move || clock.now()),
        exact_sim::DEV_CLIENT_ID,
        exact_sim::DEV_CLIENT_SECRET,
    )
    .keeping_grants_in(state.settings.data_dir.join(GRANTS_FILE));
    exact_sim::router(sim)
}

/// `exact-mcp sim`: the simulator on its own, on the system clock, until the process ends;
/// with `grants_file`, its grants survive a restart.
pub async fn serve_alone(
    addr: std::net::SocketAddr,
    grants_file: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let mut sim = exact_sim::Simulator::new(
        Arc::new(|| SystemClock.now()),
        exact_sim::DEV_CLIENT_ID,
        exact_sim::DEV_CLIENT_SECRET,
    );
    if let Some(path) = grants_file {
        sim = sim.keeping_grants_in(path);
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "Exact simulator on http://{} (client id {})",
        listener.local_addr()?,
        exact_sim::DEV_CLIENT_ID
    );
    axum::serve(listener, exact_sim::router(sim)).await?;
    Ok(())
}
