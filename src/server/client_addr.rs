//! The client's address, resolved once per request. Behind a reverse proxy the TCP peer is the
//! proxy, so the login throttle, the demo-key limit, the audit log, the sessions and the log
//! lines would all see one address for the whole world. The proxy names the client in
//! `X-Forwarded-For`, but anyone can send that header: it counts only when the connection comes
//! from a `TRUSTED_PROXIES` range, and then the client is the right-most address in it that is
//! not a trusted proxy (each proxy appends the address it saw; everything to the left of the
//! first untrusted hop may be made up).
//!
//! A middleware puts the resulting [`ClientAddr`] in the request's extensions before the request
//! span opens; every reader (server functions, the OAuth callback, the development outbox) takes
//! it from there, never from the connection or a header.

use super::{config::TrustedProxies, state::AppState};
use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{Extensions, HeaderMap, request::Parts},
    middleware::Next,
    response::Response,
};
use std::{
    convert::Infallible,
    fmt,
    net::{IpAddr, Ipv4Addr, SocketAddr},
};

/// How many `X-Forwarded-For` hops are examined; a longer chain ends at the last one examined.
const MAX_HOPS: usize = 16;

/// The address of the client a request is served for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    pub fn ip(self) -> IpAddr {
        self.0
    }

    /// The address the middleware resolved. Without one (a request that did not come through
    /// the server's listener) every caller shares the unspecified address: never a header.
    pub fn of(extensions: &Extensions) -> ClientAddr {
        extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    }
}

impl fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr::of(&parts.extensions))
    }
}

/// The client behind `peer`: the peer itself unless it is a trusted proxy; then the right-most
/// `X-Forwarded-For` address that is not a trusted proxy (or, if every hop is trusted, the
/// left-most one). A malformed entry ends the walk at the proxy that forwarded it.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> ClientAddr {
    let mut client = peer.to_canonical();
    if !trusted.contains(client) {
        return ClientAddr(client);
    }
    // Several header lines form one list, in order.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev().take(MAX_HOPS) {
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !trusted.contains(ip) {
            break;
        }
    }
    ClientAddr(client)
}

/// `192.0.2.7`, `2001:db8::1`, or either with a port (`192.0.2.7:5000`, `[2001:db8::1]:5000`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The middleware: resolves the client once and stores it for everything after it.
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let client = resolve(peer, req.headers(), &state.settings.trusted_proxies);
        req.extensions_mut().insert(client);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn at(peer: &str, headers: &HeaderMap, trusted: &str) -> String {
        let trusted = TrustedProxies::parse(trusted).unwrap();
        resolve(ip(peer), headers, &trusted).to_string()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let h = xff(&["198.51.100.1"]);
        assert_eq!(at("203.0.113.9", &h, ""), "203.0.113.9");
        // A trusted list that does not name the peer changes nothing either.
        assert_eq!(at("203.0.113.9", &h, "10.0.0.0/8"), "203.0.113.9");
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = "10.0.0.0/8";
        // spoof, client, trusted proxy: the client the outer proxy saw wins.
        let h = xff(&["6.6.6.6, 198.51.100.1, 10.0.0.2"]);
        assert_eq!(at("10.0.0.1", &h, trusted), "198.51.100.1");
        // The same list over several header lines.
        let h = xff(&["6.6.6.6", "198.51.100.1, 10.0.0.2"]);
        assert_eq!(at("10.0.0.1", &h, trusted), "198.51.100.1");
        // Every hop trusted: the left-most is the closest we know to the client.
        let h = xff(&["10.0.0.3, 10.0.0.2"]);
        assert_eq!(at("10.0.0.1", &h, trusted), "10.0.0.3");
        // No header from a trusted proxy: the proxy itself.
        assert_eq!(at("10.0.0.1", &HeaderMap::new(), trusted), "10.0.0.1");
    }

    #[test]
    fn malformed_hops_and_ports_and_mapped_addresses() {
        let trusted = "10.0.0.0/8";
        let h = xff(&["198.51.100.1, garbage, 10.0.0.2"]);
        assert_eq!(at("10.0.0.1", &h, trusted), "10.0.0.2");
        let h = xff(&["198.51.100.1:5000"]);
        assert_eq!(at("10.0.0.1", &h, trusted), "198.51.100.1");
        let h = xff(&["[2001:db8::1]:5000"]);
        assert_eq!(at("10.0.0.1", &h, trusted), "2001:db8::1");
        // A dual-stack listener reports IPv4 peers as IPv4-mapped IPv6.
        let h = xff(&["198.51.100.1"]);
        assert_eq!(at("::ffff:10.0.0.1", &h, trusted), "198.51.100.1");
        assert_eq!(at("::ffff:203.0.113.9", &h, trusted), "203.0.113.9");
    }

    #[test]
    fn a_long_chain_is_walked_only_so_far() {
        let mut chain = vec!["198.51.100.1".to_string()];
        chain.extend((0..40).map(|i| format!("10.0.0.{i}")));
        let h = xff(&[&chain.join(",")]);
        let client = at("10.0.0.200", &h, "10.0.0.0/8");
        assert!(client.starts_with("10.0.0."), "{client}");
    }
}
