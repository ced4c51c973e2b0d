//! Apps a person connected through OAuth (Claude.ai, ChatGPT, Cursor...), as the keys page lists
//! them: what the app called itself (untrusted text, shown as such), where it lives and when it
//! was used. Revoking one ends every token it holds.

use serde::{Deserialize, Serialize};

/// The one scope the authorization server grants: reading the user's Exact data through the
/// read-only tools.
pub const OAUTH_SCOPE: &str = "exact:read";

/// One authorized app in the dashboard's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedApp {
    /// The grant's id: what revocation names.
    pub id: String,
    /// The name the client gave itself (not verified).
    pub client_name: String,
    /// The host of the client's redirect URI or metadata document.
    pub client_host: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}
