//! Client ID Metadata Documents: an MCP client may use an https URL as its `client_id`, and the
//! authorization server fetches (safely: no SSRF, no redirects, small, quick) and validates the JSON there.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CACHE_CONTROL, HeaderMap};
use serde_json::{Map, Value};
use url::{Host, Url};

/// How long one fetch may take in all: name resolution, connecting, and reading the body.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest document accepted, in bytes.
const MAX_DOCUMENT_BYTES: usize = 65_536;
/// The longest a document is remembered, whatever its `Cache-Control` says.
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);
/// How long a document without `max-age` is remembered (still capped by the ceiling).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// The most documents remembered at once; the cache is emptied when it is full.
const CACHE_CAPACITY: usize = 1000;
/// The longest `client_name` kept, in characters.
const MAX_CLIENT_NAME_CHARS: usize = 100;
/// Sent as `User-Agent` with every fetch.
const USER_AGENT: &str = "exact-mcp";

/// Where a metadata document may be fetched from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchPolicy {
    /// Production: https only; hosts resolving to private, loopback, link-local, unspecified, multicast, broadcast, documentation, CGNAT (100.64/10), unique-local (fc00::/7), IPv4-mapped private etc. addresses are refused.
    Public,
    /// Development and tests: http allowed and loopback/private addresses allowed.
    Development,
}

/// A validated document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMetadata {
    /// Equals the URL fetched, exactly as the client gave it.
    pub client_id: String,
    /// Trimmed, control characters removed, at most 100 characters.
    pub client_name: Option<String>,
    /// The client's home page, kept only when it is an http(s) URL.
    pub client_uri: Option<String>,
    /// Non-empty; each an absolute URL without a fragment.
    pub redirect_uris: Vec<String>,
    /// The `client_id` URL's host, for display.
    pub host: String,
}

/// Why a `client_id` URL or its document was refused. The messages may be shown to users.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MetadataError {
    /// The `client_id` is not an acceptable URL (unparsable, no host, credentials, fragment, no path).
    #[error("the client_id is not a valid client metadata document URL")]
    NotAUrl,
    /// The scheme is not https (or, in development, http).
    #[error("the client metadata document URL must use https")]
    NotHttps,
    /// The host is, or resolves to, an address that is not on the public internet.
    #[error("the client metadata document's host is not on the public internet")]
    BlockedAddress,
    /// The host name could not be resolved.
    #[error("the client metadata document's host could not be found")]
    Unresolvable,
    /// The fetch took longer than allowed.
    #[error("fetching the client metadata document took too long")]
    Timeout,
    /// The server answered with a redirect, which is not followed.
    #[error("the client metadata document URL answered with a redirect, which is not allowed")]
    Redirected,
    /// The document is larger than 64 KiB.
    #[error("the client metadata document is larger than 64 KiB")]
    TooLarge,
    /// The server answered with this non-success status.
    #[error("fetching the client metadata document failed with HTTP status {0}")]
    Status(u16),
    /// The body is not a JSON object.
    #[error("the client metadata document is not a JSON object")]
    NotJson,
    /// The document's `client_id` is not the URL it was fetched from.
    #[error("the client metadata document's client_id does not match its URL")]
    ClientIdMismatch,
    /// `redirect_uris` is missing, not an array, or empty.
    #[error("the client metadata document lists no redirect_uris")]
    NoRedirectUris,
    /// A redirect URI is not an absolute URL (or has a fragment or a forbidden scheme).
    #[error("the client metadata document has a redirect URI that is not a valid absolute URL")]
    BadRedirectUri,
    /// `token_endpoint_auth_method` is present and not `none`.
    #[error(
        "the client metadata document asks for client authentication; only public clients (token_endpoint_auth_method \"none\") are supported"
    )]
    AuthMethod,
    /// Any other transport failure (connection refused, TLS, broken body).
    #[error("the client metadata document could not be fetched")]
    Fetch,
}

/// Whether `client_id` should be treated as a metadata document URL (starts with "https://" or, under Development, "http://"), without fetching.
pub fn is_metadata_url(client_id: &str, policy: FetchPolicy) -> bool {
    client_id.starts_with("https://")
        || (policy == FetchPolicy::Development && client_id.starts_with("http://"))
}

/// Fetches documents and remembers them per HTTP caching rules, with a ceiling.
#[derive(Debug)]
pub struct MetadataFetcher {
    policy: FetchPolicy,
    timeout: Duration,
    max_age: Duration,
    cache: Mutex<HashMap<String, (Instant, ClientMetadata)>>,
    /// Fetches running at once in this process; more wait (within their timeout) for a turn.
    running: tokio::sync::Semaphore,
}

/// Documents fetched at once per process.
const CONCURRENT_FETCHES: usize = 16;

impl MetadataFetcher {
    /// A fetcher with the 5 s timeout and the 24 h cache ceiling.
    pub fn new(policy: FetchPolicy) -> Self {
        Self {
            policy,
            timeout: FETCH_TIMEOUT,
            max_age: DEFAULT_MAX_AGE,
            cache: Mutex::new(HashMap::new()),
            running: tokio::sync::Semaphore::new(CONCURRENT_FETCHES),
        }
    }

    /// Whether a fresh copy of the document at `client_id` is remembered (no fetch needed).
    pub fn is_cached(&self, client_id: &str) -> bool {
        self.cached(client_id).is_some()
    }

    /// Sets the cache ceiling: no document is remembered longer than `d` (zero: never cached).
    pub fn with_max_age(mut self, d: Duration) -> Self {
        self.max_age = d;
        self
    }

    /// Sets the total fetch timeout (for tests; production keeps 5 s).
    pub fn with_timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Returns the validated document at `client_id`, from the cache when still fresh.
    pub async fn fetch(&self, client_id: &str) -> Result<ClientMetadata, MetadataError> {
        if let Some(metadata) = self.cached(client_id) {
            return Ok(metadata);
        }
        let url = parse_client_id(client_id, self.policy)?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let result = tokio::time::timeout(self.timeout, self.fetch_uncached(client_id, &url))
            .await
            .unwrap_or(Err(MetadataError::Timeout));
        match &result {
            Ok(_) => tracing::debug!(%host, "client metadata document accepted"),
            Err(error) => tracing::debug!(%host, %error, "client metadata document refused"),
        }
        let (metadata, lifetime) = result?;
        self.remember(client_id, &metadata, lifetime);
        Ok(metadata)
    }

    /// Resolves and vets the host, fetches from the vetted addresses only, and validates.
    async fn fetch_uncached(
        &self,
        client_id: &str,
        url: &Url,
    ) -> Result<(ClientMetadata, Duration), MetadataError> {
        let _turn = self
            .running
            .acquire()
            .await
            .map_err(|_| MetadataError::Fetch)?;
        let addrs = resolve(url).await?;
        if self.policy == FetchPolicy::Public && !addrs.iter().all(|addr| is_public(addr.ip())) {
            return Err(MetadataError::BlockedAddress);
        }
        let (body, lifetime) = self.download(url, &addrs).await?;
        Ok((validate(client_id, url, &body)?, lifetime))
    }

    /// GETs `url`, connecting only to `addrs`; returns the body and how long it may be cached.
    async fn download(
        &self,
        url: &Url,
        addrs: &[SocketAddr],
    ) -> Result<(Vec<u8>, Duration), MetadataError> {
        let response = self
            .http_client(url, addrs)?
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(transport_error)?;
        check_status(response.status())?;
        let lifetime = cache_lifetime(response.headers(), self.max_age);
        Ok((read_capped(response).await?, lifetime))
    }

    /// A client that never follows redirects, ignores proxies, and resolves the host to `addrs` only.
    fn http_client(
        &self,
        url: &Url,
        addrs: &[SocketAddr],
    ) -> Result<reqwest::Client, MetadataError> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .https_only(self.policy == FetchPolicy::Public);
        if let Some(Host::Domain(domain)) = url.host() {
            builder = builder.resolve_to_addrs(domain, addrs);
        }
        builder.build().map_err(|_| MetadataError::Fetch)
    }

    /// The cached document for `client_id`, if it has not expired.
    fn cached(&self, client_id: &str) -> Option<ClientMetadata> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        match cache.get(client_id) {
            Some((expires, metadata)) if *expires > Instant::now() => Some(metadata.clone()),
            Some(_) => {
                cache.remove(client_id);
                None
            }
            None => None,
        }
    }

    /// Caches `metadata` for `lifetime` (nothing when zero), emptying a full cache first.
    fn remember(&self, client_id: &str, metadata: &ClientMetadata, lifetime: Duration) {
        if lifetime.is_zero() {
            return;
        }
        let Some(expires) = Instant::now().checked_add(lifetime) else {
            return;
        };
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(client_id.to_owned(), (expires, metadata.clone()));
    }
}

/// Parses and checks the `client_id` URL: scheme per policy, a host, no credentials, no
/// fragment, a real path without dot segments.
fn parse_client_id(client_id: &str, policy: FetchPolicy) -> Result<Url, MetadataError> {
    let url = Url::parse(client_id).map_err(|_| MetadataError::NotAUrl)?;
    let scheme_ok = match policy {
        FetchPolicy::Public => url.scheme() == "https",
        FetchPolicy::Development => matches!(url.scheme(), "https" | "http"),
    };
    if !scheme_ok {
        return Err(MetadataError::NotHttps);
    }
    let well_formed = url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
        && !matches!(url.path(), "" | "/")
        && !has_dot_segment(client_id);
    if well_formed {
        Ok(url)
    } else {
        Err(MetadataError::NotAUrl)
    }
}

/// Whether the raw URL's path has a `.` or `..` segment (which parsing would silently remove).
fn has_dot_segment(raw: &str) -> bool {
    let after_scheme = raw.split_once("://").map_or(raw, |(_, rest)| rest);
    let Some(slash) = after_scheme.find('/') else {
        return false;
    };
    let path = after_scheme[slash..]
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    path.split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase().replace("%2e", ".");
        segment == "." || segment == ".."
    })
}

/// The socket addresses of the URL's host: an IP literal as is, a name through the resolver.
async fn resolve(url: &Url) -> Result<Vec<SocketAddr>, MetadataError> {
    let port = url.port_or_known_default().ok_or(MetadataError::NotAUrl)?;
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(domain)) => tokio::net::lookup_host((domain, port))
            .await
            .map_err(|_| MetadataError::Unresolvable)?
            .collect(),
        None => return Err(MetadataError::NotAUrl),
    };
    if addrs.is_empty() {
        return Err(MetadataError::Unresolvable);
    }
    Ok(addrs)
}

/// Whether `ip` is globally routable, i.e. safe for the server to connect to on a client's behalf.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// IPv4 ranges that are not globally routable (RFC 6890 and friends), as (network, prefix length).
const BLOCKED_V4: &[(Ipv4Addr, u32)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network"
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // CGNAT (shared address space)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local (cloud metadata endpoints)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation (TEST-NET-1)
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation (TEST-NET-2)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation (TEST-NET-3)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, including broadcast 255.255.255.255
];

/// IPv6 ranges that are not globally routable, as (network, prefix length). Addresses embedding
/// an IPv4 address are judged by that address instead (see `embedded_v4`).
const BLOCKED_V6: &[(Ipv6Addr, u32)] = &[
    (Ipv6Addr::UNSPECIFIED, 128),                          // ::
    (Ipv6Addr::LOCALHOST, 128),                            // ::1
    (Ipv6Addr::new(0x0064, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64
    (Ipv6Addr::new(0x0100, 0, 0, 0, 0, 0, 0, 0), 64),      // discard-only
    (Ipv6Addr::new(0x2001, 0x0db8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),       // unique-local
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),      // link-local
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10),      // site-local (deprecated)
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),       // multicast
];

/// Whether the IPv4 address is in none of `BLOCKED_V4`.
fn is_public_v4(ip: Ipv4Addr) -> bool {
    let within = |(net, len): &(Ipv4Addr, u32)| {
        let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
        u32::from(ip) & mask == u32::from(*net) & mask
    };
    !BLOCKED_V4.iter().any(within)
}

/// Whether the IPv6 address is in none of `BLOCKED_V6`, judging embedded IPv4 addresses as IPv4.
fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let within = |(net, len): &(Ipv6Addr, u32)| {
        let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
        u128::from(ip) & mask == u128::from(*net) & mask
    };
    !BLOCKED_V6.iter().any(within)
}

/// The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96),
/// NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let last_32 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0, 0, 0, 0, 0, 0, hi, lo] => Some(last_32(hi, lo)),
        [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(last_32(hi, lo)),
        [0x2002, hi, lo, ..] => Some(last_32(hi, lo)),
        _ => None,
    }
}

/// Maps a reqwest failure to a refusal, keeping timeouts apart.
fn transport_error(error: reqwest::Error) -> MetadataError {
    if error.is_timeout() {
        MetadataError::Timeout
    } else {
        MetadataError::Fetch
    }
}

/// Accepts 2xx only: 3xx is a redirect (never followed), anything else its status.
fn check_status(status: StatusCode) -> Result<(), MetadataError> {
    if status.is_redirection() {
        Err(MetadataError::Redirected)
    } else if !status.is_success() {
        Err(MetadataError::Status(status.as_u16()))
    } else {
        Ok(())
    }
}

/// How long a response may be cached: zero for `no-store`/`no-cache` (or an unreadable header),
/// `max-age` if given, else five minutes; never more than `ceiling`.
fn cache_lifetime(headers: &HeaderMap, ceiling: Duration) -> Duration {
    let mut lifetime = DEFAULT_LIFETIME;
    for value in headers.get_all(CACHE_CONTROL) {
        let Ok(text) = value.to_str() else {
            return Duration::ZERO;
        };
        for directive in text.split(',') {
            let (name, argument) = directive.split_once('=').unwrap_or((directive, ""));
            match name.trim().to_ascii_lowercase().as_str() {
                "no-store" | "no-cache" => return Duration::ZERO,
                "max-age" => {
                    let seconds = argument.trim().trim_matches('"').parse::<u64>();
                    lifetime = seconds.map_or(Duration::ZERO, Duration::from_secs);
                }
                _ => {}
            }
        }
    }
    lifetime.min(ceiling)
}

/// Reads the body chunk by chunk, refusing as soon as it exceeds 64 KiB.
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, MetadataError> {
    let limit = MAX_DOCUMENT_BYTES;
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(MetadataError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > limit {
            return Err(MetadataError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Checks the document against the URL it came from and keeps the fields we use.
fn validate(client_id: &str, url: &Url, body: &[u8]) -> Result<ClientMetadata, MetadataError> {
    let document: Map<String, Value> =
        serde_json::from_slice(body).map_err(|_| MetadataError::NotJson)?;
    if document.get("client_id").and_then(Value::as_str) != Some(client_id) {
        return Err(MetadataError::ClientIdMismatch);
    }
    if document
        .get("token_endpoint_auth_method")
        .is_some_and(|method| method.as_str() != Some("none"))
    {
        return Err(MetadataError::AuthMethod);
    }
    Ok(ClientMetadata {
        client_id: client_id.to_owned(),
        client_name: string_field(&document, "client_name").and_then(sanitise_name),
        client_uri: string_field(&document, "client_uri").and_then(web_url),
        redirect_uris: redirect_uris(&document)?,
        host: url.host_str().unwrap_or_default().to_owned(),
    })
}

/// The field's value if it is a string.
fn string_field<'a>(document: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    document.get(name).and_then(Value::as_str)
}

/// `redirect_uris`: a non-empty array of absolute URLs.
fn redirect_uris(document: &Map<String, Value>) -> Result<Vec<String>, MetadataError> {
    let uris = match document.get("redirect_uris") {
        Some(Value::Array(uris)) if !uris.is_empty() => uris,
        _ => return Err(MetadataError::NoRedirectUris),
    };
    uris.iter()
        .map(|uri| match uri.as_str() {
            Some(uri) if is_acceptable_redirect(uri) => Ok(uri.to_owned()),
            _ => Err(MetadataError::BadRedirectUri),
        })
        .collect()
}

/// An absolute URL, without a fragment (OAuth 2.1), and not a script or local-file scheme.
fn is_acceptable_redirect(uri: &str) -> bool {
    Url::parse(uri).is_ok_and(|url| {
        url.fragment().is_none()
            && !matches!(url.scheme(), "javascript" | "data" | "vbscript" | "file")
    })
}

/// `client_uri` if it is an http(s) URL (it may become a link on the consent page).
fn web_url(uri: &str) -> Option<String> {
    let url = Url::parse(uri).ok()?;
    matches!(url.scheme(), "https" | "http").then(|| uri.to_owned())
}

/// The untrusted `client_name` made fit for display: control and bidi-override characters
/// removed, trimmed, at most 100 characters; `None` when nothing is left.
fn sanitise_name(raw: &str) -> Option<String> {
    let cleaned: String = raw.chars().filter(|c| !is_unwanted(*c)).collect();
    let truncated: String = cleaned.trim().chars().take(MAX_CLIENT_NAME_CHARS).collect();
    let name = truncated.trim_end();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Control characters, and the invisible bidi controls that can make a name read differently.
fn is_unwanted(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::http::{HeaderName, HeaderValue, StatusCode, header};
    use axum::routing::get;
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// The path every test server serves its document at.
    const PATH: &str = "/client.json";

    /// A valid document for `client_id`.
    fn document(client_id: &str) -> Value {
        json!({
            "client_id": client_id,
            "client_name": "Example Client",
            "client_uri": "https://client.example/",
            "redirect_uris": ["http://127.0.0.1:3000/callback", "https://client.example/cb"],
            "token_endpoint_auth_method": "none",
        })
    }

    /// Serves `router(base)` on 127.0.0.1 and returns the base URL.
    async fn serve(router: impl FnOnce(&str) -> Router) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(&base);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    }

    /// Serves `body(url)` at PATH with `status` and `headers`; returns the URL and a hit counter.
    async fn serve_doc(
        status: StatusCode,
        headers: &[(HeaderName, &'static str)],
        body: impl FnOnce(&str) -> String,
    ) -> (String, Arc<AtomicUsize>) {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let mut header_map = axum::http::HeaderMap::new();
        header_map.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in headers {
            header_map.insert(name.clone(), HeaderValue::from_static(value));
        }
        let base = serve(|base| {
            let body = body(&format!("{base}{PATH}"));
            Router::new().route(
                PATH,
                get(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let response = (status, header_map.clone(), body.clone());
                    async move { response }
                }),
            )
        })
        .await;
        (format!("{base}{PATH}"), hits)
    }

    /// Serves a valid document with these headers.
    async fn serve_valid(headers: &[(HeaderName, &'static str)]) -> (String, Arc<AtomicUsize>) {
        serve_doc(StatusCode::OK, headers, |url| document(url).to_string()).await
    }

    /// Serves the document `edit` makes of a valid one, with status 200.
    async fn serve_edited(edit: impl FnOnce(&mut Value)) -> String {
        let (url, _) = serve_doc(StatusCode::OK, &[], |url| {
            let mut doc = document(url);
            edit(&mut doc);
            doc.to_string()
        })
        .await;
        url
    }

    /// Fetches `url` under the development policy.
    async fn fetch_dev(url: &str) -> Result<ClientMetadata, MetadataError> {
        MetadataFetcher::new(FetchPolicy::Development)
            .fetch(url)
            .await
    }

    #[test]
    fn is_public_table() {
        let cases: &[(&str, bool)] = &[
            ("8.8.8.8", true),
            ("1.1.1.1", true),
            ("93.184.216.34", true),
            ("172.32.0.1", true),
            ("100.128.0.1", true),
            ("192.0.1.1", true),
            ("198.20.0.1", true),
            ("10.0.0.1", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("192.168.1.1", false),
            ("127.0.0.1", false),
            ("127.255.0.9", false),
            ("169.254.169.254", false),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("100.64.0.1", false),
            ("100.127.255.255", false),
            ("192.0.0.8", false),
            ("192.0.2.1", false),
            ("198.18.0.1", false),
            ("198.19.255.255", false),
            ("198.51.100.7", false),
            ("203.0.113.9", false),
            ("224.0.0.1", false),
            ("239.255.255.250", false),
            ("240.0.0.1", false),
            ("255.255.255.255", false),
            ("2606:4700:4700::1111", true),
            ("2a00:1450:4001::200e", true),
            ("::ffff:8.8.8.8", true),
            ("64:ff9b::808:808", true),
            ("::1", false),
            ("::", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("febf::1", false),
            ("fec0::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("100::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.0.0.1", false),
            ("::ffff:169.254.169.254", false),
            ("::10.0.0.1", false),
            ("::127.0.0.1", false),
            ("64:ff9b::a00:1", false),
            ("64:ff9b:1::1", false),
            ("2002:c0a8:0101::1", false),
        ];
        for (ip, expected) in cases {
            let parsed: IpAddr = ip.parse().unwrap();
            assert_eq!(is_public(parsed), *expected, "{ip}");
        }
    }

    #[test]
    fn metadata_url_detection() {
        assert!(is_metadata_url(
            "https://client.example/c",
            FetchPolicy::Public
        ));
        assert!(!is_metadata_url(
            "http://client.example/c",
            FetchPolicy::Public
        ));
        assert!(is_metadata_url(
            "http://client.example/c",
            FetchPolicy::Development
        ));
        assert!(is_metadata_url(
            "https://client.example/c",
            FetchPolicy::Development
        ));
        assert!(!is_metadata_url("my-client-id", FetchPolicy::Development));
        assert!(!is_metadata_url("3f2a9c", FetchPolicy::Public));
    }

    #[test]
    fn client_id_url_rules() {
        let public = FetchPolicy::Public;
        let refused: &[(&str, MetadataError)] = &[
            ("not a url", MetadataError::NotAUrl),
            ("/relative/path", MetadataError::NotAUrl),
            ("http://example.com/x", MetadataError::NotHttps),
            ("ftp://example.com/x", MetadataError::NotHttps),
            ("https://example.com", MetadataError::NotAUrl),
            ("https://example.com/", MetadataError::NotAUrl),
            ("https://user@example.com/x", MetadataError::NotAUrl),
            ("https://user:pw@example.com/x", MetadataError::NotAUrl),
            ("https://example.com/x#frag", MetadataError::NotAUrl),
            ("https://example.com/a/../x", MetadataError::NotAUrl),
            ("https://example.com/./x", MetadataError::NotAUrl),
            ("https://example.com/a/%2E%2e/x", MetadataError::NotAUrl),
        ];
        for (input, expected) in refused {
            assert_eq!(
                parse_client_id(input, public).unwrap_err(),
                *expected,
                "{input}"
            );
        }
        assert!(parse_client_id("https://example.com/client.json?v=1", public).is_ok());
        assert!(parse_client_id("https://example.com/a..b/x", public).is_ok());
        let dev = FetchPolicy::Development;
        assert!(parse_client_id("http://example.com/x", dev).is_ok());
        assert!(parse_client_id("https://example.com/x", dev).is_ok());
        assert_eq!(
            parse_client_id("ftp://example.com/x", dev),
            Err(MetadataError::NotHttps)
        );
    }

    #[tokio::test]
    async fn public_policy_refuses_http() {
        let fetcher = MetadataFetcher::new(FetchPolicy::Public);
        assert_eq!(
            fetcher.fetch("http://example.com/x").await,
            Err(MetadataError::NotHttps)
        );
    }

    #[tokio::test]
    async fn public_policy_refuses_internal_addresses() {
        let fetcher = MetadataFetcher::new(FetchPolicy::Public);
        for url in [
            "https://127.0.0.1/x",
            "https://10.0.0.1/x",
            "https://[::1]/x",
            "https://169.254.169.254/latest",
            "https://localhost/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://[fd00::1]/x",
            "https://0x7f.1/x",
        ] {
            assert_eq!(
                fetcher.fetch(url).await,
                Err(MetadataError::BlockedAddress),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn blocked_address_is_refused_before_connecting() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let fetcher = MetadataFetcher::new(FetchPolicy::Public);
        for url in [
            format!("https://127.0.0.1:{port}/x"),
            format!("https://localhost:{port}/x"),
        ] {
            assert_eq!(
                fetcher.fetch(&url).await,
                Err(MetadataError::BlockedAddress)
            );
        }
        let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(accepted.is_err(), "a connection was made");
    }

    #[tokio::test]
    async fn valid_document_is_accepted() {
        let (url, _) = serve_valid(&[]).await;
        let metadata = fetch_dev(&url).await.unwrap();
        assert_eq!(
            metadata,
            ClientMetadata {
                client_id: url.clone(),
                client_name: Some("Example Client".into()),
                client_uri: Some("https://client.example/".into()),
                redirect_uris: vec![
                    "http://127.0.0.1:3000/callback".into(),
                    "https://client.example/cb".into()
                ],
                host: "127.0.0.1".into(),
            }
        );
    }

    #[tokio::test]
    async fn host_name_is_resolved_and_fetched() {
        let as_localhost = |url: &str| url.replace("127.0.0.1", "localhost");
        let (url, _) = serve_doc(StatusCode::OK, &[], |url| {
            document(&as_localhost(url)).to_string()
        })
        .await;
        let url = as_localhost(&url);
        let metadata = fetch_dev(&url).await.unwrap();
        assert_eq!(metadata.host, "localhost");
        assert_eq!(metadata.client_id, url);
    }

    #[tokio::test]
    async fn connects_only_to_the_vetted_address() {
        // A name no DNS knows: the fetch can only succeed through the pinned address.
        let (served, _) = serve_valid(&[]).await;
        let server: SocketAddr = served
            .trim_start_matches("http://")
            .trim_end_matches(PATH)
            .parse()
            .unwrap();
        let url = Url::parse(&format!("http://cimd-test.invalid:{}{PATH}", server.port())).unwrap();
        let fetcher = MetadataFetcher::new(FetchPolicy::Development);
        let (body, _) = fetcher.download(&url, &[server]).await.unwrap();
        let doc: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(doc["client_id"], served.as_str());
    }

    #[tokio::test]
    async fn unresolvable_host_is_refused() {
        let result = fetch_dev("http://cimd-test.invalid/client.json").await;
        assert_eq!(result, Err(MetadataError::Unresolvable));
    }

    #[tokio::test]
    async fn sends_accept_and_user_agent() {
        let base = serve(|base| {
            let doc = document(&format!("{base}{PATH}"));
            Router::new().route(
                PATH,
                get(move |headers: axum::http::HeaderMap| {
                    let ok = headers
                        .get(header::ACCEPT)
                        .is_some_and(|v| v == "application/json")
                        && headers
                            .get(header::USER_AGENT)
                            .is_some_and(|v| v == "exact-mcp");
                    let status = if ok {
                        StatusCode::OK
                    } else {
                        StatusCode::BAD_REQUEST
                    };
                    let doc = doc.clone();
                    async move { (status, axum::Json(doc)) }
                }),
            )
        })
        .await;
        assert!(fetch_dev(&format!("{base}{PATH}")).await.is_ok());
    }

    #[tokio::test]
    async fn redirect_is_refused() {
        let (url, _) = serve_doc(
            StatusCode::FOUND,
            &[(header::LOCATION, "http://127.0.0.1:1/elsewhere")],
            |_| String::new(),
        )
        .await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::Redirected));
    }

    #[tokio::test]
    async fn slow_server_times_out() {
        let base = serve(|base| {
            let doc = document(&format!("{base}{PATH}"));
            Router::new().route(
                PATH,
                get(move || async move {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    axum::Json(doc)
                }),
            )
        })
        .await;
        let fetcher =
            MetadataFetcher::new(FetchPolicy::Development).with_timeout(Duration::from_millis(300));
        let started = Instant::now();
        assert_eq!(
            fetcher.fetch(&format!("{base}{PATH}")).await,
            Err(MetadataError::Timeout)
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn oversized_document_is_refused() {
        let (url, _) = serve_doc(StatusCode::OK, &[], |url| {
            let mut doc = document(url);
            doc["padding"] = Value::String("x".repeat(70 * 1024));
            doc.to_string()
        })
        .await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::TooLarge));
    }

    #[tokio::test]
    async fn oversized_chunked_document_is_refused_while_reading() {
        // No Content-Length: the cap must be enforced on the chunks as they arrive.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{PATH}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            let _ = socket.write_all(head.as_bytes()).await;
            let chunk = format!("2000\r\n{}\r\n", " ".repeat(0x2000));
            for _ in 0..9 {
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        });
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::TooLarge));
    }

    #[tokio::test]
    async fn error_status_is_reported() {
        let (url, _) = serve_doc(StatusCode::NOT_FOUND, &[], |_| "{}".into()).await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::Status(404)));
        let (url, _) = serve_doc(StatusCode::INTERNAL_SERVER_ERROR, &[], |_| "{}".into()).await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::Status(500)));
    }

    #[tokio::test]
    async fn body_must_be_a_json_object() {
        for body in ["hello", "[1, 2]", "\"https://x.example/c\"", ""] {
            let (url, _) = serve_doc(StatusCode::OK, &[], |_| body.to_owned()).await;
            assert_eq!(
                fetch_dev(&url).await,
                Err(MetadataError::NotJson),
                "{body:?}"
            );
        }
    }

    #[tokio::test]
    async fn client_id_must_match_the_url() {
        let url = serve_edited(|doc| doc["client_id"] = json!("https://other.example/c")).await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::ClientIdMismatch));
        let url = serve_edited(|doc| doc["client_id"] = json!(null)).await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::ClientIdMismatch));
        let url = serve_edited(|doc| {
            let with_slash = format!("{}/", doc["client_id"].as_str().unwrap());
            doc["client_id"] = json!(with_slash);
        })
        .await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::ClientIdMismatch));
    }

    #[tokio::test]
    async fn redirect_uris_are_required() {
        for value in [json!([]), json!(null), json!("https://a.example/cb")] {
            let url = serve_edited(|doc| doc["redirect_uris"] = value.clone()).await;
            assert_eq!(
                fetch_dev(&url).await,
                Err(MetadataError::NoRedirectUris),
                "{value}"
            );
        }
        let url = serve_edited(|doc| {
            doc.as_object_mut().unwrap().remove("redirect_uris");
        })
        .await;
        assert_eq!(fetch_dev(&url).await, Err(MetadataError::NoRedirectUris));
    }

    #[tokio::test]
    async fn redirect_uris_must_be_absolute_urls() {
        for bad in [
            json!(["/callback"]),
            json!(["not a url"]),
            json!([42]),
            json!(["https://a.example/cb", "cb"]),
            json!(["https://a.example/cb#x"]),
            json!(["javascript:alert(1)"]),
        ] {
            let url = serve_edited(|doc| doc["redirect_uris"] = bad.clone()).await;
            assert_eq!(
                fetch_dev(&url).await,
                Err(MetadataError::BadRedirectUri),
                "{bad}"
            );
        }
        let url = serve_edited(|doc| doc["redirect_uris"] = json!(["com.example.app:/cb"])).await;
        assert!(fetch_dev(&url).await.is_ok());
    }

    #[tokio::test]
    async fn only_public_clients_are_accepted() {
        for method in [
            json!("client_secret_basic"),
            json!("private_key_jwt"),
            json!(null),
        ] {
            let url = serve_edited(|doc| doc["token_endpoint_auth_method"] = method.clone()).await;
            assert_eq!(
                fetch_dev(&url).await,
                Err(MetadataError::AuthMethod),
                "{method}"
            );
        }
        let url = serve_edited(|doc| {
            doc.as_object_mut()
                .unwrap()
                .remove("token_endpoint_auth_method");
        })
        .await;
        assert!(fetch_dev(&url).await.is_ok());
    }

    #[tokio::test]
    async fn client_name_and_uri_are_sanitised() {
        let long = format!("  Evil\u{0}\u{7}\u{202e}Client\n{}  ", "é".repeat(200));
        let url = serve_edited(|doc| {
            doc["client_name"] = json!(long);
            doc["client_uri"] = json!("javascript:alert(1)");
        })
        .await;
        let metadata = fetch_dev(&url).await.unwrap();
        let name = metadata.client_name.unwrap();
        assert!(name.starts_with("EvilClienté"), "{name}");
        assert_eq!(name.chars().count(), 100);
        assert_eq!(metadata.client_uri, None);

        let url = serve_edited(|doc| doc["client_name"] = json!(" \t\u{1b} ")).await;
        assert_eq!(fetch_dev(&url).await.unwrap().client_name, None);
        let url = serve_edited(|doc| doc["client_name"] = json!(7)).await;
        assert_eq!(fetch_dev(&url).await.unwrap().client_name, None);
    }

    #[test]
    fn sanitise_name_truncates_and_trims() {
        assert_eq!(sanitise_name("  My App  "), Some("My App".into()));
        assert_eq!(sanitise_name("a\u{0}b\u{7f}c\u{85}d"), Some("abcd".into()));
        let truncated = sanitise_name(&format!("{} tail", "x".repeat(99))).unwrap();
        assert_eq!(truncated, "x".repeat(99));
        assert_eq!(
            sanitise_name(&"日本".repeat(80)).unwrap().chars().count(),
            100
        );
        assert_eq!(sanitise_name("\u{202e}\u{2066}"), None);
    }

    #[test]
    fn cache_lifetime_rules() {
        let ceiling = DEFAULT_MAX_AGE;
        let lifetime = |values: &[&'static str], ceiling| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(CACHE_CONTROL, value.parse().unwrap());
            }
            cache_lifetime(&headers, ceiling)
        };
        assert_eq!(lifetime(&[], ceiling), DEFAULT_LIFETIME);
        assert_eq!(lifetime(&["max-age=60"], ceiling), Duration::from_secs(60));
        assert_eq!(
            lifetime(&["public, Max-Age=\"120\""], ceiling),
            Duration::from_secs(120)
        );
        assert_eq!(lifetime(&["max-age=999999999"], ceiling), ceiling);
        assert_eq!(
            lifetime(&["max-age=60", "no-store"], ceiling),
            Duration::ZERO
        );
        assert_eq!(lifetime(&["no-cache"], ceiling), Duration::ZERO);
        assert_eq!(
            lifetime(&["max-age=60, NO-CACHE=\"x\""], ceiling),
            Duration::ZERO
        );
        assert_eq!(lifetime(&["max-age=soon"], ceiling), Duration::ZERO);
        assert_eq!(
            lifetime(&[], Duration::from_secs(10)),
            Duration::from_secs(10)
        );
        assert_eq!(lifetime(&["max-age=60"], Duration::ZERO), Duration::ZERO);
    }

    #[tokio::test]
    async fn max_age_response_is_fetched_once() {
        let (url, hits) = serve_valid(&[(header::CACHE_CONTROL, "max-age=60")]).await;
        let fetcher = MetadataFetcher::new(FetchPolicy::Development);
        let first = fetcher.fetch(&url).await.unwrap();
        let second = fetcher.fetch(&url).await.unwrap();
        assert_eq!(first, second);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn no_store_response_is_fetched_every_time() {
        let (url, hits) = serve_valid(&[(header::CACHE_CONTROL, "no-store")]).await;
        let fetcher = MetadataFetcher::new(FetchPolicy::Development);
        fetcher.fetch(&url).await.unwrap();
        fetcher.fetch(&url).await.unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn zero_ceiling_disables_caching() {
        let (url, hits) = serve_valid(&[(header::CACHE_CONTROL, "max-age=31536000")]).await;
        let fetcher = MetadataFetcher::new(FetchPolicy::Development).with_max_age(Duration::ZERO);
        fetcher.fetch(&url).await.unwrap();
        fetcher.fetch(&url).await.unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn errors_are_not_cached() {
        let (url, hits) = serve_doc(
            StatusCode::SERVICE_UNAVAILABLE,
            &[(header::CACHE_CONTROL, "max-age=60")],
            |_| "{}".into(),
        )
        .await;
        let fetcher = MetadataFetcher::new(FetchPolicy::Development);
        assert_eq!(fetcher.fetch(&url).await, Err(MetadataError::Status(503)));
        assert_eq!(fetcher.fetch(&url).await, Err(MetadataError::Status(503)));
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn expired_entries_are_dropped_and_full_cache_is_emptied() {
        let fetcher = MetadataFetcher::new(FetchPolicy::Development);
        let metadata = |id: &str| ClientMetadata {
            client_id: id.into(),
            client_name: None,
            client_uri: None,
            redirect_uris: vec!["https://a.example/cb".into()],
            host: "a.example".into(),
        };
        fetcher.remember(
            "https://a.example/old",
            &metadata("old"),
            Duration::from_nanos(1),
        );
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(fetcher.cached("https://a.example/old"), None);
        for i in 0..CACHE_CAPACITY {
            let id = format!("https://a.example/{i}");
            fetcher.remember(&id, &metadata(&id), Duration::from_secs(60));
        }
        assert!(fetcher.cached("https://a.example/0").is_some());
        fetcher.remember(
            "https://a.example/new",
            &metadata("new"),
            Duration::from_secs(60),
        );
        assert!(fetcher.cached("https://a.example/0").is_none());
        assert!(fetcher.cached("https://a.example/new").is_some());
    }
}
