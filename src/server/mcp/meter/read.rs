//! Step one of the meter, read: the body as one JSON-RPC message, classified (counted or not,
//! tool name, client), before any limit is looked at.

use super::super::{MAX_REQUEST_BYTES, auth::rpc_error};
use crate::domain::is_counted_method;
use crate::server::usage::day_of;
use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, StatusCode, header},
    response::Response,
};
use serde_json::Value;
use std::time::Instant;

/// What the middleware reads from a JSON-RPC message.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Message {
    pub id: Value,
    pub method: String,
    /// The tool name, resource URI or `prompt:<name>` of a counted call.
    pub label: Option<String>,
    /// The `division` argument of a tool call, when given as a number.
    pub division: Option<i64>,
    /// `clientInfo` of an initialize request.
    pub client: Option<(String, String)>,
}

/// One request as the later steps see it: the message and what was decided about it on arrival.
pub(super) struct Call {
    pub msg: Message,
    /// Whether the method goes through the window and quota (else only the flood limit).
    pub counted: bool,
    pub client_name: String,
    pub client_version: String,
    /// The clock's time on arrival, for windows, rollup day and event time.
    pub now: i64,
    /// The rollup day (`YYYY-MM-DD`) of `now`.
    pub day: String,
    /// For the latency of the record.
    pub started: Instant,
}

impl Call {
    pub fn new(msg: Message, headers: &HeaderMap, now: i64, started: Instant) -> Call {
        let (client_name, client_version) = msg
            .client
            .clone()
            .unwrap_or_else(|| user_agent_client(headers));
        Call {
            counted: is_counted_method(&msg.method),
            msg,
            client_name,
            client_version,
            now,
            day: day_of(now),
            started,
        }
    }
}

/// The whole body, or HTTP 413 with a JSON-RPC error when it exceeds the limit.
pub(super) async fn body(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, MAX_REQUEST_BYTES)
        .await
        .map_err(|_| {
            rpc_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                -32600,
                "Request too large: an MCP request may be at most 256 KiB.",
            )
        })
}

/// Text from a request as it may be stored: no control characters, at most `max` characters.
fn clip(s: &str, max: usize) -> String {
    s.chars().filter(|c| !c.is_control()).take(max).collect()
}

/// Why a body is not one JSON-RPC message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Malformed {
    NotJson,
    Batch,
    NotAMessage,
}

impl Malformed {
    /// JSON-RPC's own codes, all with HTTP 400: unparsable JSON is a parse error (-32700), a
    /// batch or a non-message an invalid request (-32600; batching left the protocol in
    /// 2025-06-18).
    pub fn response(self) -> Response {
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
pub(super) fn parse_message(bytes: &[u8]) -> Result<Message, Malformed> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::json;

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
}
