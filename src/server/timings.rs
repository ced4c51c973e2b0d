//! Where a `/mcp` call's time goes: the wall time of each step, summed in process-wide counters
//! (two relaxed atomic adds per step), so the benchmark can print a per-step table of the release
//! build without a profiler. Steps nest: `handle` (rmcp and the tool) contains `tool`, which
//! contains `exact` (the upstream request), which contains `token`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Resolving the API key to a caller (key, account, connections).
    Authenticate,
    /// The body read and parsed as one JSON-RPC message.
    Read,
    /// Waiting for one of the replica's slots for counted calls in flight.
    Queue,
    /// The limits' decision: window, quota, event and rollup.
    Admit,
    /// rmcp answering the admitted request, the tool included, and its response read back.
    Handle,
    /// The tool's own work, its Exact requests included.
    Tool,
    /// Exact requests: token, HTTP round trip, JSON parse.
    Exact,
    /// Getting a usable access token for an Exact request.
    Token,
    /// Classifying the response and queueing the usage record.
    Record,
}

pub const STEPS: [Step; 9] = [
    Step::Authenticate,
    Step::Read,
    Step::Queue,
    Step::Admit,
    Step::Handle,
    Step::Tool,
    Step::Exact,
    Step::Token,
    Step::Record,
];

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Authenticate => "authenticate (key, account, connections)",
            Step::Read => "read and parse the JSON-RPC body",
            Step::Queue => "wait for a slot (calls in flight)",
            Step::Admit => "admit (window, quota, event, rollup)",
            Step::Handle => "rmcp + tool + response read back",
            Step::Tool => "  tool (arguments, rows, result)",
            Step::Exact => "    Exact request (token, HTTP, JSON)",
            Step::Token => "      access token",
            Step::Record => "classify + queue the usage record",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

static COUNTS: [AtomicU64; STEPS.len()] = [const { AtomicU64::new(0) }; STEPS.len()];
static NANOS: [AtomicU64; STEPS.len()] = [const { AtomicU64::new(0) }; STEPS.len()];

/// Adds one occurrence of `step` that took `took`.
pub fn add(step: Step, took: Duration) {
    COUNTS[step.index()].fetch_add(1, Ordering::Relaxed);
    NANOS[step.index()].fetch_add(took.as_nanos() as u64, Ordering::Relaxed);
}

/// Adds the time since `since` to `step`.
pub fn since(step: Step, since: Instant) {
    add(step, since.elapsed());
}

/// Occurrences and total nanoseconds per step, in [`STEPS`] order.
pub fn snapshot() -> Vec<(Step, u64, u64)> {
    STEPS
        .iter()
        .map(|s| {
            (
                *s,
                COUNTS[s.index()].load(Ordering::Relaxed),
                NANOS[s.index()].load(Ordering::Relaxed),
            )
        })
        .collect()
}

/// Starts the counters again (between benchmark levels).
pub fn reset() {
    for i in 0..STEPS.len() {
        COUNTS[i].store(0, Ordering::Relaxed);
        NANOS[i].store(0, Ordering::Relaxed);
    }
}
