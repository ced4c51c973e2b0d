//! The state every handler can reach. Cheap to clone: everything inside is shared.

use super::{
    api_keys::KeyCache,
    authorization::Authorization,
    clock::SharedClock,
    config::Settings,
    db::Db,
    exact::Exact,
    in_flight::InFlight,
    usage::{admitter::Admitter, local_windows::LocalWindows, recorder::Recorder},
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub clock: SharedClock,
    /// The gateway to Exact Online (tokens, refresh, REST).
    pub exact: Exact,
    pub leptos_options: LeptosOptions,
    pub lifecycle: Lifecycle,
    /// Writes usage outcomes and protocol-message events in batches.
    pub recorder: Recorder,
    /// Admits counted calls, several to a transaction under load.
    pub admitter: Admitter,
    /// The API keys this process has resolved (see [`crate::server::key_cache`]).
    pub keys: Arc<KeyCache>,
    /// The flood limit's and demo keys' windows (per process).
    pub windows: Arc<LocalWindows>,
    /// Slots for counted `/mcp` calls in flight in this process (`MCP_CALLS_IN_FLIGHT`).
    pub in_flight: Arc<InFlight>,
    /// The OAuth authorization server: signing keys, client documents, connected apps' grants.
    pub authorization: Arc<Authorization>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Whether the process is draining for shutdown; `/readyz` reports it so a load balancer stops
/// sending new requests before the listener closes.
#[derive(Clone, Default, Debug)]
pub struct Lifecycle(Arc<AtomicBool>);

impl Lifecycle {
    pub fn start_draining(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
