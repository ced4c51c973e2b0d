//! The replica's slots for counted `/mcp` calls in flight (`MCP_CALLS_IN_FLIGHT`): a call holds
//! one from before its admission until its response is built, so a crowd of clients waits here
//! cheaply instead of each holding rmcp's service and an Exact connection. How many wait is
//! watchable (the metrics and the tests read it).

use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

pub struct InFlight {
    slots: std::sync::Arc<Semaphore>,
    waiting: watch::Sender<usize>,
}

/// A held slot; dropping it frees the slot.
pub type Slot = OwnedSemaphorePermit;

impl InFlight {
    pub fn new(slots: usize) -> InFlight {
        InFlight {
            slots: std::sync::Arc::new(Semaphore::new(slots)),
            waiting: watch::Sender::new(0),
        }
    }

    /// A slot, at once when one is free, else after the calls before it (in arrival order).
    pub async fn enter(&self) -> Option<Slot> {
        if let Ok(slot) = self.slots.clone().try_acquire_owned() {
            return Some(slot);
        }
        let _waiting = Waiting::new(&self.waiting);
        self.slots.clone().acquire_owned().await.ok()
    }

    /// The number of calls waiting for a slot, as it changes.
    pub fn waiting(&self) -> watch::Receiver<usize> {
        self.waiting.subscribe()
    }
}

/// Counts one waiting call for as long as it waits (also when its request is dropped meanwhile).
struct Waiting<'a>(&'a watch::Sender<usize>);

impl<'a> Waiting<'a> {
    fn new(gauge: &'a watch::Sender<usize>) -> Waiting<'a> {
        gauge.send_modify(|n| *n += 1);
        Waiting(gauge)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}
