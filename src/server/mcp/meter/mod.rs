//! The metering middleware of `/mcp`, right after authentication and before rmcp: it checks that
//! the body is one JSON-RPC message, applies the limits, counts, runs the request, records its
//! outcome and puts the rate-limit headers on the response.
//!
//! - Counted methods (`tools/call`, `resources/read`, `prompts/get`) are admitted by the
//!   [`Admitter`](crate::server::usage::admitter::Admitter): the user's one-minute window and
//!   monthly quota, in one transaction with the call's event (shared with the other calls
//!   waiting at that moment). Refused: HTTP 429 with `Retry-After` and a JSON-RPC error; nothing
//!   is counted.
//! - Everything else (initialize, notifications, tools/list, ping, …) only passes the per-key
//!   flood limit; so do `GET` and `DELETE /mcp`, which carry no message ([`flood_gate`], which
//!   `GET /api/usage` with a key passes too).
//! - Demo keys have the free plan's rate limit per key and no quota or usage record.
//! - A counted call first waits for one of the replica's `MCP_CALLS_IN_FLIGHT` slots (held until
//!   its response is built), so a crowd of clients queues cheaply instead of each holding rmcp's
//!   service and an Exact connection at once.
//!
//! [`meter`] runs four steps, a file each but the third: [`read`] (the message and its class),
//! [`admit`] (the limits, counted before the tool runs), [`run`] (rmcp) and [`record`] (the
//! outcome, through the usage recorder).

mod admit;
mod read;
mod record;

use super::caller::{Caller, Subject};
use crate::domain::RateLimitState;
use crate::server::{
    state::AppState,
    timings::{self, Step},
};
use admit::{Gate, current_rate};
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, request::Parts, response},
    middleware::Next,
    response::Response,
};
use read::Call;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// JSON-RPC error codes (implementation-defined range) for refusals by a limit.
pub const RATE_LIMITED_CODE: i64 = -32029;
pub const QUOTA_EXHAUSTED_CODE: i64 = -32030;

const LIMIT_HEADER: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING_HEADER: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET_HEADER: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Where a tool notes the connection and division it read, for the usage record. The middleware
/// puts one in the request's extensions; the tool fills it once it has resolved its division.
#[derive(Debug, Default)]
pub struct UsageNote(OnceLock<(Option<String>, i64)>);

impl UsageNote {
    pub fn set(&self, connection_id: Option<String>, division: i64) {
        let _ = self.0.set((connection_id, division));
    }

    pub fn get(&self) -> Option<&(Option<String>, i64)> {
        self.0.get()
    }
}

fn set_rate_headers(headers: &mut HeaderMap, rate: &RateLimitState) {
    headers.insert(LIMIT_HEADER, HeaderValue::from(rate.limit));
    headers.insert(REMAINING_HEADER, HeaderValue::from(rate.remaining));
    headers.insert(RESET_HEADER, HeaderValue::from(rate.reset));
}

/// The metering middleware (see the module documentation).
pub async fn meter(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(caller) = req.extensions().get::<Arc<Caller>>().cloned() else {
        // Authentication runs first and always attaches a caller; nothing to meter otherwise.
        return next.run(req).await;
    };
    let now = state.clock.now();
    if req.method() != axum::http::Method::POST {
        // GET (a stream) and DELETE (a session end) carry no message, but pass the key's flood
        // window like any protocol message.
        if let Some(refused) = flood_gate(&state, key_id(&caller), now).await {
            return refused;
        }
        let res = next.run(req).await;
        return with_current_rate(&state, &caller, now, res).await;
    }
    let started = Instant::now();
    let step = Instant::now();
    let (parts, body) = req.into_parts();
    let bytes = match read::body(body).await {
        Ok(b) => b,
        Err(too_large) => return too_large,
    };
    let call = match read::parse_message(&bytes) {
        Ok(msg) => Call::new(msg, &parts.headers, now, started),
        Err(malformed) => {
            return with_current_rate(&state, &caller, now, malformed.response()).await;
        }
    };
    timings::since(Step::Read, step);
    // A counted call waits for a slot before it is admitted, so it is counted only once it can
    // run; protocol messages (ping, tools/list, …) never wait behind tool calls.
    let step = Instant::now();
    let _slot = if call.counted {
        state.in_flight.enter().await
    } else {
        None
    };
    timings::since(Step::Queue, step);
    let step = Instant::now();
    let gate = admit::admit(&state, &caller, &call).await;
    timings::since(Step::Admit, step);
    let (rate, admitted) = match gate {
        Err(unavailable) => return unavailable,
        Ok(Gate::Pass { rate, event }) => (rate, event),
        Ok(Gate::Refuse {
            rate,
            reason,
            mut response,
        }) => {
            record::refusal(&state.recorder, &caller, &call, reason).await;
            set_rate_headers(response.headers_mut(), &rate);
            return response;
        }
    };
    let step = Instant::now();
    let (mut res_parts, res_body, ran) = run(next, parts, bytes, !caller.is_demo()).await;
    timings::since(Step::Handle, step);
    let step = Instant::now();
    record::outcome(&state.recorder, &caller, &call, admitted, ran).await;
    timings::since(Step::Record, step);
    set_rate_headers(&mut res_parts.headers, &rate);
    Response::from_parts(res_parts, res_body)
}

/// The API key behind the caller (an account's or a demo's).
fn key_id(caller: &Caller) -> &str {
    match &caller.subject {
        Subject::User { key_id, .. } | Subject::Demo { key_id } => key_id,
    }
}

/// The key's flood window for a request that carries no JSON-RPC message (`GET`/`DELETE /mcp`,
/// `GET /api/usage` with a key): `None` to go on, or the refusal (429, or 503 when the database
/// could not decide).
pub async fn flood_gate(state: &AppState, key_id: &str, now: i64) -> Option<Response> {
    admit::flood_gate(state, key_id, now).await
}

/// Step three, run: rmcp answers the admitted request. For an account (`outcome` true) the
/// response is read whole, to classify the outcome for the record; a demo key has no record, so
/// its response passes through unread. The tool's note says which connection and division it
/// read.
async fn run(
    next: Next,
    mut parts: Parts,
    bytes: Bytes,
    outcome: bool,
) -> (response::Parts, Body, record::Ran) {
    let note = Arc::new(UsageNote::default());
    parts.extensions.insert(note.clone());
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (res_parts, res_body) = res.into_parts();
    if !outcome {
        let ran = record::Ran {
            status: crate::domain::CallStatus::Ok,
            reason: None,
            note: note.get().cloned(),
        };
        return (res_parts, res_body, ran);
    }
    let res_bytes = match axum::body::to_bytes(res_body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "reading the MCP response failed");
            Bytes::new()
        }
    };
    let (status, reason) = record::classify(res_parts.status, &res_bytes);
    let ran = record::Ran {
        status,
        reason,
        note: note.get().cloned(),
    };
    (res_parts, Body::from(res_bytes), ran)
}

/// A response that counted nothing, with the user's current window in its headers (when it
/// can be read).
async fn with_current_rate(
    state: &AppState,
    caller: &Caller,
    now: i64,
    mut res: Response,
) -> Response {
    if let Some(rate) = current_rate(state, caller, now).await {
        set_rate_headers(res.headers_mut(), &rate);
    }
    res
}
