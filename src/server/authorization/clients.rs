//! The apps that may ask for authorization: those registered here through RFC 7591 (public
//! clients only) and those that name a Client ID Metadata Document by its URL. Both become a
//! [`Client`] with a name (untrusted), a host to show and the exact redirect URIs it may use.

use super::client_metadata::{FetchPolicy, MetadataError, MetadataFetcher, is_metadata_url};
use crate::server::{
    clock::Clock,
    db::{Db, DbError, oauth},
};
use serde::Deserialize;
use url::Url;

/// Longest client name kept (characters).
pub const MAX_NAME_CHARS: usize = 100;
/// Redirect URIs one client may register.
pub const MAX_REDIRECT_URIS: usize = 10;
/// Registrations per address per hour.
pub const REGISTRATIONS_PER_HOUR: i64 = 20;
/// Metadata documents fetched (not from memory) per address per hour.
pub const FETCHES_PER_HOUR: i64 = 60;

/// A client as the authorization flow sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    /// What the client calls itself: shown as untrusted text.
    pub name: String,
    /// The host shown beside the name: the metadata document's, else the first redirect URI's.
    pub host: String,
    pub redirect_uris: Vec<String>,
    /// Registered here (pruned when unused), rather than described by a metadata document.
    pub registered: bool,
}

impl Client {
    /// Whether `uri` is one of the client's redirect URIs, compared exactly.
    pub fn allows_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|u| u == uri)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("unknown client_id")]
    Unknown,
    #[error("too many metadata documents fetched for this address")]
    Throttled,
    #[error("the client's metadata document was refused: {0}")]
    Metadata(#[from] MetadataError),
    #[error("internal error")]
    Internal(#[from] DbError),
}

/// The client behind `client_id`: a registered one, or the metadata document it names. A
/// document not in memory is fetched at most [`FETCHES_PER_HOUR`] times an hour for one
/// address (`ip`), so the service cannot be used to send requests to others' sites in bulk.
pub async fn find(
    db: &Db,
    fetcher: &MetadataFetcher,
    policy: FetchPolicy,
    client_id: &str,
    ip: &str,
    now: i64,
) -> Result<Client, ClientError> {
    if is_metadata_url(client_id, policy) {
        if !fetcher.is_cached(client_id) {
            let hour = now.div_euclid(3600) * 3600;
            let hits =
                crate::server::db::api_keys::hit_window(db, &format!("cimd-fetch:{ip}"), hour)
                    .await?;
            if hits > FETCHES_PER_HOUR {
                return Err(ClientError::Throttled);
            }
        }
        let doc = fetcher.fetch(client_id).await?;
        let redirect_uris = doc
            .redirect_uris
            .iter()
            .filter(|u| check_redirect_uri(u).is_ok())
            .cloned()
            .collect::<Vec<_>>();
        if redirect_uris.is_empty() {
            return Err(ClientError::Metadata(MetadataError::NoRedirectUris));
        }
        return Ok(Client {
            id: doc.client_id.clone(),
            name: clean_name(doc.client_name.as_deref()),
            host: doc.host.clone(),
            redirect_uris,
            registered: false,
        });
    }
    let Some(row) = oauth::client(db, client_id).await? else {
        return Err(ClientError::Unknown);
    };
    Ok(Client {
        host: host_of(row.redirect_uris.first().map(String::as_str).unwrap_or("")),
        id: row.id,
        name: row.name,
        redirect_uris: row.redirect_uris,
        registered: true,
    })
}

/// A registration request (RFC 7591), as sent.
#[derive(Debug, Default, Deserialize)]
pub struct RegistrationRequest {
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub token_endpoint_auth_method: Option<String>,
    pub grant_types: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
}

/// Why a registration was refused; RFC 7591's error code and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRefused {
    pub error: &'static str,
    pub description: String,
}

fn refused(error: &'static str, description: impl Into<String>) -> RegistrationRefused {
    RegistrationRefused {
        error,
        description: description.into(),
    }
}

/// A registration that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRegistration {
    pub name: String,
    pub redirect_uris: Vec<String>,
}

impl RegistrationRequest {
    /// Public clients using the authorization code grant with https or loopback redirect URIs.
    pub fn validate(self) -> Result<ValidRegistration, RegistrationRefused> {
        if let Some(method) = self.token_endpoint_auth_method.as_deref()
            && method != "none"
        {
            return Err(refused(
                "invalid_client_metadata",
                "only public clients are supported: token_endpoint_auth_method must be \"none\"",
            ));
        }
        let grants_ok = self.grant_types.as_ref().is_none_or(|g| {
            g.iter()
                .all(|t| t == "authorization_code" || t == "refresh_token")
        });
        let responses_ok = self
            .response_types
            .as_ref()
            .is_none_or(|r| r.iter().all(|t| t == "code"));
        if !grants_ok || !responses_ok {
            return Err(refused(
                "invalid_client_metadata",
                "only the authorization_code and refresh_token grants with response type \"code\" are supported",
            ));
        }
        if self.redirect_uris.is_empty() || self.redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(refused(
                "invalid_redirect_uri",
                format!("give between 1 and {MAX_REDIRECT_URIS} redirect_uris"),
            ));
        }
        for uri in &self.redirect_uris {
            check_redirect_uri(uri).map_err(|why| refused("invalid_redirect_uri", why))?;
        }
        Ok(ValidRegistration {
            name: clean_name(self.client_name.as_deref()),
            redirect_uris: self.redirect_uris,
        })
    }
}

/// Stores a registration; answers the stored client.
pub async fn register(
    db: &Db,
    clock: &dyn Clock,
    ip: &str,
    valid: ValidRegistration,
) -> Result<oauth::ClientRow, DbError> {
    let row = oauth::ClientRow {
        id: format!("emcp-client-{}", uuid::Uuid::new_v4().simple()),
        name: valid.name,
        redirect_uris: valid.redirect_uris,
    };
    oauth::insert_client(db, &row, ip, clock.now()).await?;
    Ok(row)
}

/// Counts one registration from `ip` in the hour starting at `hour`; the count so far.
pub async fn count_registration(db: &Db, ip: &str, hour: i64) -> Result<i64, DbError> {
    crate::server::db::api_keys::hit_window(db, &format!("oauth-register:{ip}"), hour).await
}

/// A redirect URI a client may use: absolute, no fragment, https, or http to this machine's
/// loopback address (native apps listening locally).
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    let Ok(url) = Url::parse(uri) else {
        return Err(format!("{uri:?} is not an absolute URL"));
    };
    if url.fragment().is_some() {
        return Err(format!("{uri:?} must not have a fragment"));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!(
            "{uri:?} must use https, or http on a loopback address (127.0.0.1, [::1], localhost)"
        )),
    }
}

/// The host of a URL, for display.
pub fn host_of(uri: &str) -> String {
    Url::parse(uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// A client's name as kept: control characters removed, trimmed, at most [`MAX_NAME_CHARS`].
fn clean_name(name: Option<&str>) -> String {
    let cleaned: String = name
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    if cleaned.is_empty() {
        "Unnamed app".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uris: &[&str]) -> RegistrationRequest {
        RegistrationRequest {
            redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
            client_name: Some("  Claude\u{7}  ".into()),
            ..Default::default()
        }
    }

    #[test]
    fn https_and_loopback_redirects_are_accepted_and_others_refused() {
        let ok = request(&[
            "https://claude.ai/api/mcp/auth_callback",
            "http://127.0.0.1:33418/cb",
            "http://localhost/cb",
            "http://[::1]:9/cb",
        ])
        .validate()
        .unwrap();
        assert_eq!(ok.name, "Claude");
        for bad in [
            "http://example.com/cb",
            "javascript:alert(1)",
            "https://x.example/cb#frag",
            "cursor://callback",
            "/relative",
        ] {
            let err = request(&[bad]).validate().unwrap_err();
            assert_eq!(err.error, "invalid_redirect_uri", "{bad}");
        }
        assert!(request(&[]).validate().is_err());
    }

    #[test]
    fn only_public_clients_with_the_code_grant_register() {
        let mut r = request(&["https://a.example/cb"]);
        r.token_endpoint_auth_method = Some("client_secret_basic".into());
        assert_eq!(r.validate().unwrap_err().error, "invalid_client_metadata");
        let mut r = request(&["https://a.example/cb"]);
        r.grant_types = Some(vec!["client_credentials".into()]);
        assert!(r.validate().is_err());
        let mut r = request(&["https://a.example/cb"]);
        r.token_endpoint_auth_method = Some("none".into());
        r.grant_types = Some(vec!["authorization_code".into(), "refresh_token".into()]);
        r.client_name = Some("x".repeat(500));
        assert_eq!(r.validate().unwrap().name.chars().count(), MAX_NAME_CHARS);
    }
}
