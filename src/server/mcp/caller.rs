//! Who is calling `/mcp`: the account behind the API key (or the demo), its plan and its Exact
//! connections with their divisions. The authentication middleware builds it once per request and
//! every tool reads it; the division rule lives here, in one place.

use super::{error::ToolError, source::Source};
use crate::domain::{ConnectionStatus, ConnectionSummary, DivisionSummary, Plan, Region};
use crate::server::exact::Exact;

/// The connection id the demo's fictional companies are listed under.
pub const DEMO_CONNECTION_ID: &str = "demo";

#[derive(Debug, Clone)]
pub enum Subject {
    User {
        user_id: String,
        email: String,
        plan: Plan,
        /// The API key's id, or the grant's for a connected app.
        key_id: String,
        /// A connected app's name (OAuth): what the usage breakdown shows as the client.
        app: Option<String>,
        /// The account's language, for the mail and notifications a call can trigger.
        locale: String,
    },
    /// A demo key: no account, the simulator's companies.
    Demo { key_id: String },
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub subject: Subject,
    pub connections: Vec<ConnectionSummary>,
}

/// The division a tool reads, and how to reach it.
#[derive(Clone)]
pub struct Target {
    pub source: Source,
    pub division: i64,
    pub division_name: String,
}

impl Caller {
    pub fn is_demo(&self) -> bool {
        matches!(self.subject, Subject::Demo { .. })
    }

    /// The demo's caller: one pretend connection holding the four fictional companies.
    pub fn demo(key_id: String) -> Caller {
        let divisions = demo_books::COMPANIES
            .iter()
            .enumerate()
            .map(|(i, c)| DivisionSummary {
                code: c.division,
                name: c.name.to_string(),
                is_default: i == 0,
                is_active: true,
            })
            .collect();
        Caller {
            subject: Subject::Demo { key_id },
            connections: vec![ConnectionSummary {
                id: DEMO_CONNECTION_ID.to_string(),
                region: Region::Nl,
                exact_user_name: demo_books::DEMO_USER_NAME.to_string(),
                exact_email: demo_books::DEMO_USER_EMAIL.to_string(),
                status: ConnectionStatus::Active,
                token_expires_at: None,
                refresh_token_expires_at: None,
                last_used_at: None,
                created_at: 0,
                divisions,
            }],
        }
    }

    /// The division to read: the one asked for, which must be an active division of one of the
    /// caller's connections; otherwise the only active one, else the default, else the first
    /// active one.
    pub fn resolve(
        &self,
        exact: &Exact,
        asked: Option<i64>,
        dashboard_url: &str,
        now: i64,
    ) -> Result<Target, ToolError> {
        let active = || {
            self.connections.iter().flat_map(|c| {
                c.divisions
                    .iter()
                    .filter(|d| d.is_active)
                    .map(move |d| (c, d))
            })
        };
        let chosen = match asked {
            Some(code) => match active().find(|(_, d)| d.code == code) {
                Some(found) => found,
                None => {
                    let inactive = self
                        .connections
                        .iter()
                        .any(|c| c.divisions.iter().any(|d| d.code == code));
                    return Err(ToolError::Division(if inactive {
                        format!(
                            "Division {code} is connected but not active. Activate it at {dashboard_url}, or call list_divisions to pick an active one."
                        )
                    } else {
                        format!(
                            "Division {code} is not one of your connected Exact Online administrations. Call list_divisions to see the divisions you can use."
                        )
                    }));
                }
            },
            None => {
                let all: Vec<_> = active().collect();
                match all.as_slice() {
                    [] if self.connections.is_empty() => {
                        return Err(ToolError::Division(format!(
                            "No Exact Online administration is connected yet. Connect one at {dashboard_url}."
                        )));
                    }
                    [] => {
                        return Err(ToolError::Division(format!(
                            "None of your Exact Online divisions is active. Activate one at {dashboard_url}."
                        )));
                    }
                    [only] => *only,
                    many => many
                        .iter()
                        .find(|(_, d)| d.is_default)
                        .copied()
                        .unwrap_or(many[0]),
                }
            }
        };
        let (connection, division) = chosen;
        let source = if self.is_demo() {
            Source::Demo {
                today: now.div_euclid(86_400),
            }
        } else {
            Source::Exact {
                exact: exact.clone(),
                connection_id: connection.id.clone(),
            }
        };
        Ok(Target {
            source,
            division: division.code,
            division_name: division.name.clone(),
        })
    }
}
