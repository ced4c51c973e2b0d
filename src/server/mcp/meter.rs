//! The metering middleware of `/mcp`, right after authentication and before rmcp: it checks that
//! the body is one JSON-RPC message, applies the limits, counts, runs the request, records its
//! outcome and puts the rate-limit headers on the response.
//!
//! - Counted methods (`tools/call`, `resources/read`, `prompts/get`) go through
//!   [`admit`](crate::server::usage::admit): the user's one-minute window and monthly quota,
//!   in one transaction with the call's event. Refused: HTTP 429 with `Retry-After` and a
//!   JSON-RPC error; nothing is counted.
//! - Everything else (initialize, notifications, tools/list, ping, …) only passes the per-key
//!   flood limit.
//! - Demo keys have the free plan's rate limit per key and no quota or usage record.

use super::{
    MAX_REQUEST_BYTES,
    auth::{rpc_error, unavailable},
    caller::{Caller, Subject},
};
use crate::domain::{CallStatus, Plan, RateLimitState, RejectReason, is_counted_method};
use crate::server::{
    state::AppState,
    usage::{
        self as usage, Admission, Admitted, NewEvent, Outcome, Record, Warning, day_of,
        demo_subject, flood_subject, next_month_day, next_month_start, rate_state, user_subject,
        window_start,
    },
};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};
use serde_json::{Value, json};
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

/// What the middleware reads from a JSON-RPC message.
#[derive(Debug, Clone, PartialEq)]
struct Message {
    id: Value,
    method: String,
    /// The tool name, resource URI or `prompt:<name>` of a counted call.
    label: Option<String>,
    /// The `division` argument of a tool call, when given as a number.
    division: Option<i64>,
    /// `clientInfo` of an initialize request.
    client: Option<(String, String)>,
}

/// Text from a request as it may be stored: no control characters, at most `max` characters.
fn clip(s: &str, max: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(max).collect()
}

/// Why a body is not one JSON-RPC message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Malformed {
    NotJson,
    Batch,
    NotAMessage,
}

impl Malformed {
    /// JSON-RPC's own codes, all with HTTP 400: unparsable JSON is a parse error (-32700), a
    /// batch or a non-message an invalid request (-32600; batching left the protocol in
    /// 2025-06-18).
    fn response(self) -> Response {
        let (code, message) = match self {
            Malformed::NotJson => (-32700, "Parse error: the body is not valid JSON."),
            Malformed::Batch => (
                -32600,
                "Invalid Request: JSON-RPC batches are not supported; send one message per request.",
            ),
            Malformed::NotAMessage => (
                -32600,
                "Invalid Request: expected a JSON-RPC 2.0 message object.",
            ),
        };
        rpc_error(StatusCode::BAD_REQUEST, code, message)
    }
}

/// Parses the body as one JSON-RPC 2.0 message.
fn parse_message(bytes: &[u8]) -> Result<Message, Malformed> {
    let obj = match serde_json::from_slice::<Value>(bytes).map_err(|_| Malformed::NotJson)? {
        Value::Array(_) => return Err(Malformed::Batch),
        Value::Object(m) if m.get("jsonrpc").and_then(Value::as_str) == Some("2.0") => m,
        _ => return Err(Malformed::NotAMessage),
    };
    let method = obj
        .get("method")
        .and_then(Value::as_str)
        .map(|m| clip(m, 64))
        .unwrap_or_default();
    let params = obj.get("params");
    let param = |name: &str| params.and_then(|p| p.get(name));
    let text = |name: &str| param(name).and_then(Value::as_str);
    let label = match method.as_str() {
        "tools/call" => text("name").map(|n| clip(n, 64)),
        "resources/read" => text("uri").map(|u| clip(u, 200)),
        "prompts/get" => text("name").map(|n| format!("prompt:{}", clip(n, 64))),
        _ => None,
    };
    let division = param("arguments")
        .and_then(|a| a.get("division"))
        .and_then(Value::as_i64);
    let client = param("clientInfo").map(|info| {
        let field = |k: &str| info.get(k).and_then(Value::as_str).unwrap_or("");
        (clip(field("name"), 60), clip(field("version"), 30))
    });
    Ok(Message {
        id: obj.get("id").cloned().unwrap_or(Value::Null),
        method,
        label,
        division,
        client,
    })
}

/// The client as the User-Agent names it: its first product token (`claude-code/1.2.3`).
fn user_agent_client(headers: &HeaderMap) -> (String, String) {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let first = ua.split_whitespace().next().unwrap_or("");
    let (name, version) = first.split_once('/').unwrap_or((first, ""));
    (clip(name, 60), clip(version, 30))
}

fn set_rate_headers(headers: &mut HeaderMap, rate: &RateLimitState) {
    headers.insert(LIMIT_HEADER, HeaderValue::from(rate.limit));
    headers.insert(REMAINING_HEADER, HeaderValue::from(rate.remaining));
    headers.insert(RESET_HEADER, HeaderValue::from(rate.reset));
}

/// HTTP 429 with `Retry-After` and a JSON-RPC error answering `id`.
fn too_many(id: &Value, code: i64, message: &str, retry_after: i64) -> Response {
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    });
    let mut res = Response::new(Body::from(body.to_string()));
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
    res
}

fn rate_limited(id: &Value, rate: &RateLimitState, now: i64) -> Response {
    let wait = (rate.reset - now).max(1);
    too_many(
        id,
        RATE_LIMITED_CODE,
        &format!(
            "Rate limit reached: {} tool calls per minute. Try again in {wait} seconds.",
            rate.limit
        ),
        wait,
    )
}

fn flood_limited(id: &Value, rate_reset: i64, now: i64) -> Response {
    let wait = (rate_reset - now).max(1);
    too_many(
        id,
        RATE_LIMITED_CODE,
        &format!("Too many requests with this API key in a minute. Try again in {wait} seconds."),
        wait,
    )
}

fn quota_exhausted(state: &AppState, id: &Value, plan: Plan, now: i64) -> Response {
    let quota = plan.monthly_quota().unwrap_or(0);
    let resets = next_month_day(now);
    too_many(
        id,
        QUOTA_EXHAUSTED_CODE,
        &format!(
            "Monthly quota reached: the {} plan includes {quota} tool calls a month and all are used. \
             The quota starts again on {resets} (UTC). For more calls, upgrade the plan: see {}/#pricing \
             (usage: {}/dashboard/usage).",
            plan.display_name(),
            state.settings.public_base(),
            state.settings.public_base(),
        ),
        next_month_start(now) - now,
    )
}

/// How a processed request ended, read from rmcp's response.
fn classify(status: StatusCode, body: &[u8]) -> (CallStatus, Option<String>) {
    if status.is_client_error() || status.is_server_error() {
        return (CallStatus::Error, Some(format!("http_{}", status.as_u16())));
    }
    #[derive(serde::Deserialize)]
    struct Head {
        error: Option<ErrorHead>,
        result: Option<ResultHead>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorHead {
        code: Option<i64>,
    }
    #[derive(serde::Deserialize)]
    struct ResultHead {
        #[serde(rename = "isError")]
        is_error: Option<bool>,
    }
    match serde_json::from_slice::<Head>(body) {
        Ok(Head { error: Some(e), .. }) => (
            CallStatus::Error,
            Some(e.code.map(|c| c.to_string()).unwrap_or_default()),
        ),
        Ok(Head {
            result: Some(ResultHead {
                is_error: Some(true),
            }),
            ..
        }) => (CallStatus::ToolError, None),
        _ => (CallStatus::Ok, None),
    }
}

/// The warning a user gets at 80 % and 100 % of the quota, in their language.
fn warning_for(
    state: &AppState,
    email: &str,
    locale: &str,
    plan: Plan,
    now: i64,
) -> impl Fn(i64) -> Warning + Sync {
    let texts = crate::i18n::Lang::parse(locale).unwrap_or_default().texts();
    let link = format!("{}/dashboard/usage", state.settings.public_base());
    let email = email.to_string();
    let resets = next_month_day(now);
    move |level| {
        let title = (texts.quota_warning_title)(level);
        let body = (texts.quota_warning_body)(
            level,
            plan.display_name(),
            plan.monthly_quota().unwrap_or(0),
            &resets,
        );
        Warning {
            mail_subject: title.clone(),
            mail_body: format!("{body}\n\n{link}\n"),
            title,
            body,
            link: link.clone(),
            email: email.clone(),
        }
    }
}

/// What the limits decided before the request runs.
enum Gate {
    /// Run it. `event` is the admitted call's event (counted calls of accounts).
    Pass {
        rate: RateLimitState,
        event: Option<NewEvent>,
    },
    /// Answer with this refusal.
    Refuse {
        rate: RateLimitState,
        reason: RejectReason,
        response: Response,
    },
}

/// The user's current window, for responses that count nothing.
async fn current_rate(state: &AppState, caller: &Caller, now: i64) -> Option<RateLimitState> {
    let (subject, limit) = match &caller.subject {
        Subject::User { user_id, plan, .. } => (
            user_subject(user_id),
            state.settings.usage.per_minute(*plan),
        ),
        Subject::Demo { key_id } => (
            demo_subject(key_id),
            state.settings.usage.per_minute(Plan::Free),
        ),
    };
    match usage::window_hits(&state.db, &subject, window_start(now)).await {
        Ok(hits) => Some(rate_state(limit, hits, now)),
        Err(e) => {
            tracing::warn!(error = %e, "reading the rate window failed");
            None
        }
    }
}

/// The metering middleware (see the module documentation).
pub async fn meter(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(caller) = req.extensions().get::<Arc<Caller>>().cloned() else {
        // Authentication runs first and always attaches a caller; nothing to meter otherwise.
        return next.run(req).await;
    };
    let now = state.clock.now();
    if req.method() != axum::http::Method::POST {
        let mut res = next.run(req).await;
        if let Some(rate) = current_rate(&state, &caller, now).await {
            set_rate_headers(res.headers_mut(), &rate);
        }
        return res;
    }
    let started = Instant::now();
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return rpc_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                -32600,
                "Request too large: an MCP request may be at most 256 KiB.",
            );
        }
    };
    let msg = match parse_message(&bytes) {
        Ok(m) => m,
        Err(malformed) => {
            let mut res = malformed.response();
            if let Some(rate) = current_rate(&state, &caller, now).await {
                set_rate_headers(res.headers_mut(), &rate);
            }
            return res;
        }
    };
    let counted = is_counted_method(&msg.method);
    let (client_name, client_version) = msg
        .client
        .clone()
        .unwrap_or_else(|| user_agent_client(&parts.headers));
    let limits = &state.settings.usage;
    let ws = window_start(now);
    let day = day_of(now);

    let gate = match &caller.subject {
        Subject::Demo { key_id } => {
            let limit = limits.per_minute(Plan::Free);
            let (subject, hit_limit) = if counted {
                (demo_subject(key_id), limit)
            } else {
                (flood_subject(key_id), limits.flood_per_minute)
            };
            match usage::hit_within(&state.db, &subject, ws, hit_limit).await {
                Err(e) => {
                    tracing::error!(error = %e, "rate limit check failed");
                    return unavailable();
                }
                Ok(None) => {
                    let rate = rate_state(limit, i64::from(limit), now);
                    let response = if counted {
                        rate_limited(&msg.id, &rate, now)
                    } else {
                        flood_limited(&msg.id, rate.reset, now)
                    };
                    Gate::Refuse {
                        rate: if counted {
                            rate
                        } else {
                            current_rate(&state, &caller, now).await.unwrap_or(rate)
                        },
                        reason: RejectReason::RateLimit,
                        response,
                    }
                }
                Ok(Some(hits)) => Gate::Pass {
                    rate: if counted {
                        rate_state(limit, hits, now)
                    } else {
                        current_rate(&state, &caller, now)
                            .await
                            .unwrap_or_else(|| rate_state(limit, 0, now))
                    },
                    event: None,
                },
            }
        }
        Subject::User {
            user_id,
            email,
            plan,
            key_id,
            locale,
        } => {
            let limit = limits.per_minute(*plan);
            let event = new_event(user_id, key_id, &msg, &client_name, &client_version, now);
            if counted {
                let subject = user_subject(user_id);
                let warning = warning_for(&state, email, locale, *plan, now);
                let admission = Admission {
                    subject: &subject,
                    window_start: ws,
                    limit,
                    quota: plan.monthly_quota(),
                    event: &event,
                    day: &day,
                    warning: &warning,
                };
                match usage::admit(&state.db, admission).await {
                    Err(e) => {
                        tracing::error!(error = %e, "admitting a call failed");
                        return unavailable();
                    }
                    Ok(Admitted::Yes { hits, .. }) => Gate::Pass {
                        rate: rate_state(limit, hits, now),
                        event: Some(event),
                    },
                    Ok(Admitted::RateLimited) => {
                        let rate = rate_state(limit, i64::from(limit), now);
                        Gate::Refuse {
                            response: rate_limited(&msg.id, &rate, now),
                            rate,
                            reason: RejectReason::RateLimit,
                        }
                    }
                    Ok(Admitted::QuotaExhausted { .. }) => Gate::Refuse {
                        rate: current_rate(&state, &caller, now)
                            .await
                            .unwrap_or_else(|| rate_state(limit, 0, now)),
                        reason: RejectReason::Quota,
                        response: quota_exhausted(&state, &msg.id, *plan, now),
                    },
                }
            } else {
                match usage::hit_within(
                    &state.db,
                    &flood_subject(key_id),
                    ws,
                    limits.flood_per_minute,
                )
                .await
                {
                    Err(e) => {
                        tracing::error!(error = %e, "flood limit check failed");
                        return unavailable();
                    }
                    Ok(None) => {
                        let rate = current_rate(&state, &caller, now)
                            .await
                            .unwrap_or_else(|| rate_state(limit, 0, now));
                        Gate::Refuse {
                            response: flood_limited(&msg.id, rate.reset, now),
                            rate,
                            reason: RejectReason::Flood,
                        }
                    }
                    Ok(Some(_)) => Gate::Pass {
                        rate: current_rate(&state, &caller, now)
                            .await
                            .unwrap_or_else(|| rate_state(limit, 0, now)),
                        event: None,
                    },
                }
            }
        }
    };

    let recorder = state.recorder.clone();
    let (rate, admitted) = match gate {
        Gate::Refuse {
            rate,
            reason,
            mut response,
        } => {
            if let Some(event) = user_event(&caller, &msg, &client_name, &client_version, now) {
                let event = NewEvent {
                    status: CallStatus::Rejected,
                    reason: Some(reason.as_str().to_string()),
                    latency_ms: started.elapsed().as_millis() as i64,
                    ..event
                };
                recorder.record(Record::Event { event, day }).await;
            }
            set_rate_headers(response.headers_mut(), &rate);
            return response;
        }
        Gate::Pass { rate, event } => (rate, event),
    };

    let note = Arc::new(UsageNote::default());
    parts.extensions.insert(note.clone());
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (mut res_parts, res_body) = res.into_parts();
    let res_bytes = match axum::body::to_bytes(res_body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "reading the MCP response failed");
            axum::body::Bytes::new()
        }
    };
    let (status, reason) = classify(res_parts.status, &res_bytes);
    let latency_ms = started.elapsed().as_millis() as i64;
    let (connection_id, division) = match note.get() {
        Some((c, d)) => (c.clone(), Some(*d)),
        None => (None, None),
    };
    match admitted {
        Some(event) => {
            recorder
                .record(Record::Outcome(Outcome {
                    event_id: event.id,
                    user_id: event.user_id,
                    day,
                    tool: event.tool.unwrap_or_default(),
                    client_name: event.client_name,
                    status,
                    reason,
                    latency_ms,
                    connection_id,
                    division,
                }))
                .await;
        }
        None => {
            if let Some(event) = user_event(&caller, &msg, &client_name, &client_version, now) {
                let event = NewEvent {
                    status,
                    reason,
                    latency_ms,
                    connection_id,
                    division: division.or(event.division),
                    ..event
                };
                recorder.record(Record::Event { event, day }).await;
            }
        }
    }
    set_rate_headers(&mut res_parts.headers, &rate);
    Response::from_parts(res_parts, Body::from(res_bytes))
}

/// A fresh event for an account's request (`None` for demo keys, which have no usage record).
fn user_event(
    caller: &Caller,
    msg: &Message,
    client_name: &str,
    client_version: &str,
    now: i64,
) -> Option<NewEvent> {
    match &caller.subject {
        Subject::User {
            user_id, key_id, ..
        } => Some(new_event(
            user_id,
            key_id,
            msg,
            client_name,
            client_version,
            now,
        )),
        Subject::Demo { .. } => None,
    }
}

fn new_event(
    user_id: &str,
    key_id: &str,
    msg: &Message,
    client_name: &str,
    client_version: &str,
    now: i64,
) -> NewEvent {
    NewEvent {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_string(),
        api_key_id: key_id.to_string(),
        connection_id: None,
        division: msg.division,
        method: msg.method.clone(),
        tool: msg.label.clone(),
        status: CallStatus::Pending,
        reason: None,
        latency_ms: 0,
        client_name: client_name.to_string(),
        client_version: client_version.to_string(),
        created_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_for_metering() {
        let m = parse_message(
            br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_items","arguments":{"division":123}}}"#,
        )
        .unwrap();
        assert_eq!(m.id, json!(7));
        assert_eq!(m.method, "tools/call");
        assert_eq!(m.label.as_deref(), Some("get_items"));
        assert_eq!(m.division, Some(123));
        let m = parse_message(
            br#"{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"clientInfo":{"name":"claude-code","version":"2.1"}}}"#,
        )
        .unwrap();
        assert_eq!(m.client, Some(("claude-code".into(), "2.1".into())));
        assert_eq!(m.label, None);
        let m = parse_message(
            br#"{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"vat_preparation"}}"#,
        )
        .unwrap();
        assert_eq!(m.label.as_deref(), Some("prompt:vat_preparation"));
    }

    #[test]
    fn non_messages_get_json_rpc_errors() {
        for (body, why) in [
            (&b"{not json"[..], Malformed::NotJson),
            (b"[]", Malformed::Batch),
            (b"{\"id\":1}", Malformed::NotAMessage),
        ] {
            assert_eq!(parse_message(body).unwrap_err(), why);
            assert_eq!(why.response().status(), StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn stored_request_text_is_clipped_and_clean() {
        assert_eq!(clip("a\u{0}b\ncd", 3), "abc");
        let mut h = HeaderMap::new();
        h.insert(
            header::USER_AGENT,
            HeaderValue::from_static("claude-code/2.0.1 (linux)"),
        );
        assert_eq!(
            user_agent_client(&h),
            ("claude-code".into(), "2.0.1".into())
        );
        assert_eq!(user_agent_client(&HeaderMap::new()), ("".into(), "".into()));
    }

    #[test]
    fn outcomes_are_read_from_the_response() {
        assert_eq!(
            classify(
                StatusCode::OK,
                br#"{"jsonrpc":"2.0","id":1,"result":{"content":[]}}"#
            ),
            (CallStatus::Ok, None)
        );
        assert_eq!(
            classify(
                StatusCode::OK,
                br#"{"jsonrpc":"2.0","id":1,"result":{"isError":true,"content":[]}}"#
            ),
            (CallStatus::ToolError, None)
        );
        assert_eq!(
            classify(
                StatusCode::OK,
                br#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"x"}}"#
            ),
            (CallStatus::Error, Some("-32602".into()))
        );
        assert_eq!(
            classify(StatusCode::NOT_ACCEPTABLE, b""),
            (CallStatus::Error, Some("http_406".into()))
        );
        assert_eq!(classify(StatusCode::ACCEPTED, b""), (CallStatus::Ok, None));
    }
}
