//! The server functions' one error type. Every server function returns `Result<_, ApiError>`,
//! and every service error becomes an `ApiError` here and nowhere else: a refusal carries its
//! HTTP status and a message in the request's language; anything else answers "something went
//! wrong" and its cause is logged once, inside the request's span (which carries the request id).
//! There is deliberately no conversion from arbitrary errors (as `ServerFnError` has), so a
//! database or upstream error cannot reach the browser by a stray `?`.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What a server function answers when it does not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// The request was refused; the message is for the person, in their language.
    Refused(String),
    /// The server failed; the message is the generic one, the cause is in the log.
    Failed(String),
    /// The call itself went wrong (no connection, an answer that could not be read, arguments
    /// that could not be decoded). The page shows its generic message.
    Transport,
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        tracing::warn!(error = %e, "server function call failed before it ran");
        #[cfg(not(feature = "ssr"))]
        let _ = e;
        ApiError::Transport
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Refused(m) | ApiError::Failed(m) => f.write_str(m),
            ApiError::Transport => f.write_str("the request did not complete"),
        }
    }
}

#[cfg(feature = "ssr")]
pub use mapping::{internal, refuse};

#[cfg(feature = "ssr")]
mod mapping {
    use super::ApiError;
    use crate::server::{
        accounts::{AccountError, LoginError},
        api_keys::KeyError,
        connections::ConnectionError,
        locale::current_texts,
    };
    use http::StatusCode;
    use leptos::prelude::use_context;

    /// A refusal with its HTTP status; the message is shown to the person as it is.
    pub fn refuse(status: StatusCode, message: &str) -> ApiError {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
        ApiError::Refused(message.to_string())
    }

    /// Logs the cause, answers with the generic message (HTTP 500).
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "request failed");
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(StatusCode::INTERNAL_SERVER_ERROR);
        }
        ApiError::Failed(current_texts().common.something_went_wrong.to_string())
    }

    impl From<AccountError> for ApiError {
        fn from(e: AccountError) -> Self {
            let t = current_texts();
            match e {
                AccountError::Internal(e) => internal(format!("{e:#}")),
                AccountError::EmailTaken => refuse(StatusCode::CONFLICT, t.auth.email_taken),
                AccountError::NotFound => refuse(StatusCode::NOT_FOUND, t.auth.no_such_account),
                AccountError::Throttled => refuse(StatusCode::TOO_MANY_REQUESTS, t.auth.throttled),
                AccountError::Busy => refuse(StatusCode::SERVICE_UNAVAILABLE, t.auth.busy),
                AccountError::Validation(p) => {
                    refuse(StatusCode::UNPROCESSABLE_ENTITY, t.problems.describe(p))
                }
            }
        }
    }

    impl From<LoginError> for ApiError {
        fn from(e: LoginError) -> Self {
            let t = current_texts();
            match e {
                LoginError::Failed => refuse(StatusCode::UNAUTHORIZED, t.auth.login_failed),
                LoginError::Throttled => {
                    refuse(StatusCode::TOO_MANY_REQUESTS, t.auth.login_throttled)
                }
                LoginError::Busy => refuse(StatusCode::SERVICE_UNAVAILABLE, t.auth.busy),
                LoginError::Internal(e) => internal(format!("{e:#}")),
            }
        }
    }

    impl From<KeyError> for ApiError {
        fn from(e: KeyError) -> Self {
            let t = current_texts();
            match e {
                KeyError::Name(p) => {
                    refuse(StatusCode::UNPROCESSABLE_ENTITY, t.keys.name_problem(p))
                }
                KeyError::LimitReached { max } => {
                    refuse(StatusCode::CONFLICT, &t.keys.limit_reached(max))
                }
                KeyError::NotFound => refuse(StatusCode::NOT_FOUND, t.keys.not_found),
                KeyError::Internal(e) => internal(e),
            }
        }
    }

    impl From<crate::server::tickets::TicketError> for ApiError {
        fn from(e: crate::server::tickets::TicketError) -> Self {
            use crate::server::tickets::TicketError;
            let t = current_texts();
            match e {
                TicketError::NotFound => refuse(StatusCode::NOT_FOUND, t.support.no_such_ticket),
                TicketError::Invalid(p) => {
                    refuse(StatusCode::UNPROCESSABLE_ENTITY, t.support.problem(p))
                }
                TicketError::Throttled => {
                    refuse(StatusCode::TOO_MANY_REQUESTS, t.support.throttled)
                }
                TicketError::AssigneeNotAdmin => refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    t.admin_panel.ticket_assignee_not_admin,
                ),
                TicketError::Db(e) => internal(e),
            }
        }
    }

    impl From<ConnectionError> for ApiError {
        fn from(e: ConnectionError) -> Self {
            let t = current_texts();
            match e {
                ConnectionError::NotFound => refuse(StatusCode::NOT_FOUND, t.connections.not_found),
                ConnectionError::OverCap(cap) => refuse(
                    StatusCode::CONFLICT,
                    &t.connections.division_cap_reached(cap),
                ),
                ConnectionError::NeedsReauth => {
                    refuse(StatusCode::CONFLICT, t.connections.needs_reauth_message)
                }
                ConnectionError::Upstream => {
                    refuse(StatusCode::BAD_GATEWAY, t.connections.check_failed)
                }
                ConnectionError::Internal(e) => internal(e),
            }
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::server::{accounts::AccountError, connections::ConnectionError, db::DbError};

    /// The cause of a failure stays in the log: the answer is the generic message, whatever the
    /// service error carried.
    #[test]
    fn an_internal_failure_answers_only_the_generic_message() {
        let leaky = anyhow::anyhow!("error returned from database: relation \"users\" SELECT");
        let answers = [
            internal("token=abc SELECT * FROM users"),
            ApiError::from(AccountError::Internal(leaky)),
            ApiError::from(ConnectionError::Internal(DbError::Sqlx(
                sqlx::Error::PoolTimedOut,
            ))),
        ];
        for answer in answers {
            let ApiError::Failed(message) = &answer else {
                panic!("not a failure: {answer:?}")
            };
            assert_eq!(message, "Something went wrong; please try again.");
            let wire = serde_json::to_string(&answer).unwrap();
            assert!(!wire.contains("SELECT") && !wire.contains("token") && !wire.contains("pool"));
        }
    }

    #[test]
    fn a_refusal_keeps_its_message_for_the_person() {
        let answer = ApiError::from(ConnectionError::OverCap(3));
        assert!(matches!(&answer, ApiError::Refused(m) if m.contains('3')));
    }
}
