//! Why a tool call did not produce data, worded for the model that called it. The details (Exact's
//! status, the reason) go to the log with the request id; the model gets what it can act on.

use crate::server::exact::ExactError;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments: what was wrong and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// A division the caller may not use, or none to use.
    #[error("{0}")]
    Division(String),
    /// Exact refused or failed; `what` names the data, e.g. "sales invoices".
    #[error("Exact Online: {source}")]
    Exact {
        what: &'static str,
        /// The module holding the endpoint, when a licence may lack it.
        module: Option<&'static str>,
        #[source]
        source: ExactError,
    },
}

impl ToolError {
    pub fn invalid(message: impl Into<String>) -> ToolError {
        ToolError::Invalid(message.into())
    }

    /// Wraps an Exact failure while reading `what`.
    pub fn exact(what: &'static str) -> impl FnOnce(ExactError) -> ToolError {
        move |source| ToolError::Exact {
            what,
            module: None,
            source,
        }
    }

    /// The text the model reads.
    pub fn message(&self, reconnect_url: &str, request_id: &str) -> String {
        match self {
            ToolError::Invalid(m) => format!("Invalid arguments: {m}"),
            ToolError::Division(m) => m.clone(),
            ToolError::Exact {
                what,
                module,
                source,
            } => {
                let detail = match (source, module) {
                    (ExactError::NotFound | ExactError::Forbidden { .. }, Some(module)) => format!(
                        "This Exact Online administration does not give access to {what}: its licence does not include the {module} module, or the connected Exact user has no rights for it. The administration's owner can check this in Exact Online; the other tools still work."
                    ),
                    (source, _) => Self::exact_detail(what, source, reconnect_url, request_id),
                };
                if matches!(source, ExactError::Internal(_)) {
                    detail
                } else {
                    format!("{detail} (request {request_id})")
                }
            }
        }
    }

    /// What an Exact failure reading `what` means, for an endpoint every licence has.
    fn exact_detail(
        what: &str,
        source: &ExactError,
        reconnect_url: &str,
        request_id: &str,
    ) -> String {
        match source {
            ExactError::NotFound => format!(
                "Exact Online has no {what} for this administration: the Exact licence may not include the module that holds them, or the record does not exist."
            ),
            ExactError::Internal(_) => format!(
                "Reading {what} failed on our side. Try again; if it persists, contact support and quote request {request_id}."
            ),
            other => format!(
                "Reading {what} failed. {}",
                other.user_message(reconnect_url)
            ),
        }
    }
}
