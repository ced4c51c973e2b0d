//! Server functions: the only bridge from the UI to the server. Each one is a public endpoint
//! with a pinned URL; it authorizes first, then calls a service. Messages come back in the
//! request's language; internal details go to the log only.

pub mod admin;
pub mod admin_jobs;
pub mod auth;
pub mod connections;
pub mod keys;
pub mod settings;
pub mod usage;

#[cfg(feature = "ssr")]
mod support {
    use crate::server::{accounts::AccountError, auth::guard::refuse, state::AppState};
    use http::StatusCode;
    use leptos::prelude::{ServerFnError, use_context};

    /// The application state and the request being served.
    pub fn context() -> Result<(AppState, http::request::Parts), ServerFnError> {
        let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("unavailable"))?;
        let parts = use_context::<http::request::Parts>()
            .ok_or_else(|| ServerFnError::new("unavailable"))?;
        Ok((state, parts))
    }

    /// Logs the detail, answers with the generic message.
    pub fn internal(e: impl std::fmt::Display) -> ServerFnError {
        tracing::error!(error = %e, "request failed");
        ServerFnError::new(crate::server::locale::current_texts().something_went_wrong)
    }

    /// An account service error as the person should see it.
    pub fn account_error(e: AccountError) -> ServerFnError {
        let t = crate::server::locale::current_texts();
        match e {
            AccountError::Internal(e) => internal(format!("{e:#}")),
            AccountError::EmailTaken => refuse(StatusCode::CONFLICT, t.email_taken),
            AccountError::NotFound => refuse(StatusCode::NOT_FOUND, t.no_such_account),
            AccountError::Validation(p) => refuse(StatusCode::UNPROCESSABLE_ENTITY, t.problem(p)),
        }
    }

    /// The address a person typed, parsed once here; a malformed one is refused with the same
    /// message the account services give.
    pub fn parse_email(raw: &str) -> Result<crate::domain::Email, ServerFnError> {
        crate::domain::Email::parse(raw)
            .map_err(|e| account_error(AccountError::Validation(e.into())))
    }

    /// Records what the signed-in `actor` changed, with the request's address.
    pub async fn audit(
        state: &AppState,
        parts: &http::request::Parts,
        actor: &str,
        action: &'static str,
        target: (&'static str, &str),
        detail: serde_json::Value,
    ) -> Result<(), ServerFnError> {
        use crate::server::audit::{self, Actor, Change};
        let ip = client_ip(parts);
        let change = Change {
            action,
            target_type: target.0,
            target_id: target.1,
            detail,
        };
        let actor = Actor::User { id: actor, ip: &ip };
        audit::record(&state.db, state.clock.now(), actor, change)
            .await
            .map_err(internal)
    }

    /// The peer address of the connection.
    pub fn client_ip(parts: &http::request::Parts) -> String {
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default()
    }
}
