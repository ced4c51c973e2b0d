//! Step four of the meter, record: how the request ended, handed to the usage recorder. An
//! admitted call's event already exists (admit wrote it as pending) and gets its outcome; any
//! other request of an account gets a finished event. Demo keys have no usage record.

use super::read::Call;
use crate::domain::{CallStatus, RejectReason};
use crate::server::{
    mcp::caller::{Caller, Subject},
    usage::{NewEvent, Outcome, Record, recorder::Recorder},
};
use axum::http::StatusCode;

/// What the run step learnt about the request.
pub(super) struct Ran {
    pub status: CallStatus,
    pub reason: Option<String>,
    /// The connection and division the tool noted, if it got that far.
    pub note: Option<(Option<String>, i64)>,
}

/// A refused request: a rejected event with the limit that refused it.
pub(super) async fn refusal(
    recorder: &Recorder,
    caller: &Caller,
    call: &Call,
    reason: RejectReason,
) {
    if let Some(event) = user_event(caller, call) {
        let event = NewEvent {
            status: CallStatus::Rejected,
            reason: Some(reason.as_str().to_string()),
            latency_ms: call.started.elapsed().as_millis() as i64,
            ..event
        };
        recorder
            .record(Record::Event {
                event,
                day: call.day.clone(),
            })
            .await;
    }
}

/// A request that ran: the outcome of the admitted event, or a finished event of its own.
pub(super) async fn outcome(
    recorder: &Recorder,
    caller: &Caller,
    call: &Call,
    admitted: Option<NewEvent>,
    ran: Ran,
) {
    let latency_ms = call.started.elapsed().as_millis() as i64;
    let (connection_id, division) = match ran.note {
        Some((c, d)) => (c, Some(d)),
        None => (None, None),
    };
    let day = call.day.clone();
    let record = match admitted {
        Some(event) => Record::Outcome(Outcome {
            event_id: event.id,
            user_id: event.user_id,
            day,
            tool: event.tool.unwrap_or_default(),
            client_name: event.client_name,
            status: ran.status,
            reason: ran.reason,
            latency_ms,
            connection_id,
            division,
        }),
        None => match user_event(caller, call) {
            Some(event) => Record::Event {
                event: NewEvent {
                    status: ran.status,
                    reason: ran.reason,
                    latency_ms,
                    connection_id,
                    division: division.or(event.division),
                    ..event
                },
                day,
            },
            None => return,
        },
    };
    recorder.record(record).await;
}

/// How a processed request ended, read from rmcp's response.
pub(super) fn classify(status: StatusCode, body: &[u8]) -> (CallStatus, Option<String>) {
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

/// A fresh event for an account's request (`None` for demo keys, which have no usage record).
fn user_event(caller: &Caller, call: &Call) -> Option<NewEvent> {
    match &caller.subject {
        Subject::User {
            user_id,
            key_id,
            app,
            ..
        } => Some(new_event(user_id, key_id, app.as_deref(), call)),
        Subject::Demo { .. } => None,
    }
}

/// The pending event of a call; the steps after fill in status, reason, latency and division.
/// A connected app's calls are listed under the app's name, whatever the client says it is.
pub(super) fn new_event(user_id: &str, key_id: &str, app: Option<&str>, call: &Call) -> NewEvent {
    NewEvent {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_string(),
        api_key_id: key_id.to_string(),
        connection_id: None,
        division: call.msg.division,
        method: call.msg.method.clone(),
        tool: call.msg.label.clone(),
        status: CallStatus::Pending,
        reason: None,
        latency_ms: 0,
        client_name: app.map_or_else(|| call.client_name.clone(), str::to_string),
        client_version: call.client_version.clone(),
        created_at: call.now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
