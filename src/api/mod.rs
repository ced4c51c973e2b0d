//! Server functions: the only bridge from the UI to the server. Each one is a public endpoint
//! with a pinned URL; it authorizes first, then calls a service. Messages come back in the
//! request's language; internal details go to the log only.

pub mod admin;
pub mod admin_jobs;
pub mod auth;
pub mod connections;
pub mod keys;
pub mod settings;
pub mod tickets;
pub mod usage;

pub mod error;
#[cfg(feature = "ssr")]
pub mod guard;

#[cfg(feature = "ssr")]
mod support {
    use super::error::{ApiError, internal};
    use crate::server::{accounts::AccountError, state::AppState};
    use leptos::prelude::use_context;

    /// The application state and the request being served.
    pub fn context() -> Result<(AppState, http::request::Parts), ApiError> {
        let state = use_context::<AppState>().ok_or_else(|| internal("request context missing"))?;
        let parts = use_context::<http::request::Parts>()
            .ok_or_else(|| internal("request context missing"))?;
        Ok((state, parts))
    }

    /// The address a person typed, parsed once here; a malformed one is refused with the same
    /// message the account services give.
    pub fn parse_email(raw: &str) -> Result<crate::domain::Email, ApiError> {
        crate::domain::Email::parse(raw).map_err(|e| AccountError::Validation(e.into()).into())
    }

    /// Records what the signed-in `actor` changed, with the request's address.
    pub async fn audit(
        state: &AppState,
        parts: &http::request::Parts,
        actor: &str,
        action: &'static str,
        target: (&'static str, &str),
        detail: serde_json::Value,
    ) -> Result<(), ApiError> {
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

    /// The client's address, as the HTTP edge resolved it (behind a trusted proxy, the
    /// forwarded one): what throttles, sessions and the audit log record.
    pub fn client_ip(parts: &http::request::Parts) -> String {
        crate::server::client_addr::ClientAddr::of(&parts.extensions).to_string()
    }
}
