//! list_divisions: the divisions of every connection, from what was read from Exact (`current/Me`
//! and `hrm/Divisions`) when the connection was made; no Exact call is needed to answer.

use super::{ToolCtx, ToolError};
use crate::domain::{ConnectionStatus, Region};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Only connections in this Exact region: nl, be, de, uk, us, es or fr.
    pub region: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Division {
    /// The division code: pass it as `division` to the other tools.
    pub division: i64,
    pub name: String,
    pub region: String,
    /// The default division is used when a tool is called without `division`.
    pub is_default: bool,
    /// Only active divisions can be read; activate more on the dashboard.
    pub is_active: bool,
    /// `active`, or `needs_reauth` when the connection must be renewed on the dashboard.
    pub connection_status: String,
    /// The Exact user the connection was made with.
    pub exact_user: String,
    pub connection_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub divisions: Vec<Division>,
    pub count: usize,
    /// Where connections and divisions are managed.
    pub manage_url: String,
}

pub async fn list(ctx: &ToolCtx<'_>, args: Args) -> Result<Output, ToolError> {
    let region = match args.region.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(Region::parse(code).ok_or_else(|| {
            ToolError::invalid("`region` must be one of nl, be, de, uk, us, es, fr.")
        })?),
    };
    let divisions: Vec<Division> = ctx
        .caller
        .connections
        .iter()
        .filter(|c| region.is_none_or(|r| c.region == r))
        .flat_map(|c| {
            c.divisions.iter().map(move |d| Division {
                division: d.code,
                name: d.name.clone(),
                region: c.region.code().to_string(),
                is_default: d.is_default,
                is_active: d.is_active,
                connection_status: match c.status {
                    ConnectionStatus::Active => "active",
                    ConnectionStatus::NeedsReauth => "needs_reauth",
                }
                .to_string(),
                exact_user: c.exact_user_name.clone(),
                connection_id: c.id.clone(),
            })
        })
        .collect();
    Ok(Output {
        count: divisions.len(),
        divisions,
        manage_url: ctx.connections_url(),
    })
}
