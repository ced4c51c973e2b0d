//! Resources: `exact://connections` and `exact://divisions`, the caller's own, as JSON.

use super::caller::Caller;
use rmcp::model::{Resource, ResourceContents};
use serde_json::json;

pub const CONNECTIONS: &str = "exact://connections";
pub const DIVISIONS: &str = "exact://divisions";

pub fn list() -> Vec<Resource> {
    vec![
        Resource::new(CONNECTIONS, "connections")
            .with_title("Exact Online connections")
            .with_description(
                "Your Exact Online connections: region, Exact user, status and token expiry.",
            )
            .with_mime_type("application/json"),
        Resource::new(DIVISIONS, "divisions")
            .with_title("Exact Online divisions")
            .with_description(
                "Every division you can read, with the default marked and whether it is active.",
            )
            .with_mime_type("application/json"),
    ]
}

/// The resource's contents for this caller; `None` for an unknown URI.
pub fn read(caller: &Caller, uri: &str) -> Option<ResourceContents> {
    let body = match uri {
        CONNECTIONS => json!({
            "connections": caller.connections.iter().map(|c| json!({
                "id": c.id,
                "region": c.region.code(),
                "exact_user": c.exact_user_name,
                "status": c.status.as_str(),
                "token_expires_at": c.token_expires_at,
                "authorization_expires_at": c.refresh_token_expires_at,
                "divisions": c.divisions.len(),
            })).collect::<Vec<_>>(),
        }),
        DIVISIONS => json!({
            "divisions": caller.connections.iter().flat_map(|c| c.divisions.iter().map(move |d| json!({
                "division": d.code,
                "name": d.name,
                "region": c.region.code(),
                "is_default": d.is_default,
                "is_active": d.is_active,
                "connection_id": c.id,
            }))).collect::<Vec<_>>(),
        }),
        _ => return None,
    };
    Some(ResourceContents::text(body.to_string(), uri).with_mime_type("application/json"))
}
