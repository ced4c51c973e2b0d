//! `TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` we believe. Behind a proxy
//! every connection comes from the proxy, so the login throttle, the demo-key limit, the audit
//! log and the sessions need the address the proxy forwarded; but anyone can send that header,
//! so it counts only when the connection comes from a range named here. None by default: the
//! header is ignored unless an operator says which proxies to believe.

use super::vars::Reader;
use ipnet::IpNet;
use std::net::IpAddr;

/// The address ranges of the proxies in front of us.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Trusts no proxy: the client is the connection's peer.
    pub fn none() -> TrustedProxies {
        TrustedProxies(Vec::new())
    }

    /// Parses a comma-separated list of CIDR ranges or single addresses.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            nets.push(parse_entry(entry)?);
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether `ip` (IPv4-mapped IPv6 counts as IPv4) is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `TRUSTED_PROXIES`; an entry that is not an address or range stops the start.
    pub(super) fn read(r: &mut Reader) -> TrustedProxies {
        match r.val("TRUSTED_PROXIES").map(TrustedProxies::parse) {
            None => TrustedProxies::none(),
            Some(Ok(proxies)) => proxies,
            Some(Err(e)) => {
                r.error(format!("TRUSTED_PROXIES: {e}"));
                TrustedProxies::none()
            }
        }
    }
}

/// `10.0.0.0/8`, `2001:db8::/32` or a single address (`10.0.0.7` = `10.0.0.7/32`). A `/0` range
/// would believe a forwarded address from anyone, so it is refused.
fn parse_entry(entry: &str) -> Result<IpNet, String> {
    let net = match entry.parse::<IpNet>() {
        Ok(net) => net.trunc(),
        Err(_) => match entry.parse::<IpAddr>() {
            Ok(ip) => IpNet::from(ip.to_canonical()),
            Err(_) => {
                return Err(format!(
                    "{entry:?} is not an IP address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1)"
                ));
            }
        },
    };
    if net.prefix_len() == 0 {
        return Err(format!(
            "{entry:?} would trust every address; name the proxies' own ranges"
        ));
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;

    #[test]
    fn ranges_and_single_addresses_are_trusted() {
        let p = TrustedProxies::parse(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32").unwrap();
        assert_eq!(p.len(), 3);
        assert!(p.contains("10.1.2.3".parse().unwrap()));
        assert!(p.contains("192.0.2.7".parse().unwrap()));
        assert!(!p.contains("192.0.2.8".parse().unwrap()));
        assert!(p.contains("2001:db8::1".parse().unwrap()));
        // A dual-stack listener sees IPv4 peers as IPv4-mapped IPv6.
        assert!(p.contains("::ffff:10.0.0.1".parse().unwrap()));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }

    #[test]
    fn invalid_entries_and_trust_in_everyone_are_refused() {
        for bad in [
            "10.0.0.0/33",
            "proxy.internal",
            "10.0.0.0/8;",
            "0.0.0.0/0",
            "::/0",
        ] {
            let err = TrustedProxies::parse(&format!("127.0.0.1,{bad}")).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }
}
