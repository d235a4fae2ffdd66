//! Who is asking: the client's address, believing `X-Forwarded-For` only from trusted proxies.

use std::net::{IpAddr, Ipv6Addr};

use crate::config::Cidr;

/// The address a request came from, as far as it can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The client behind `peer`: when `peer` is a trusted proxy, the right-most address of
    /// `X-Forwarded-For` that is not itself a trusted proxy (left-most entries are whatever
    /// the client chose to send, so they are never believed).
    pub fn resolve(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[Cidr]) -> Self {
        let is_trusted = |addr: IpAddr| trusted.iter().any(|cidr| cidr.contains(addr));
        let Some(peer) = peer else {
            return ClientAddress(None);
        };
        if !is_trusted(peer) {
            return ClientAddress(Some(peer));
        }
        let hops = forwarded_for.unwrap_or_default().rsplit(',');
        let mut client = peer;
        for hop in hops {
            match hop.trim().parse::<IpAddr>() {
                Ok(addr) if is_trusted(addr) => client = addr,
                Ok(addr) => return ClientAddress(Some(addr)),
                Err(_) => break,
            }
        }
        ClientAddress(Some(client))
    }

    /// The key rate limits count under: the address, IPv6 grouped by /64 (one subscriber
    /// usually holds a whole /64).
    pub fn limit_key(&self) -> String {
        match self.0.map(unmap) {
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
            Some(IpAddr::V4(v4)) => v4.to_string(),
            None => "unknown".to_owned(),
        }
    }
}

fn unmap(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
        let direct = ClientAddress::resolve(ip("203.0.113.9"), Some("198.51.100.1"), &trusted);
        assert_eq!(direct.0, ip("203.0.113.9"));
        let proxied =
            ClientAddress::resolve(ip("10.0.0.2"), Some("198.51.100.1, 10.0.0.7"), &trusted);
        assert_eq!(proxied.0, ip("10.0.0.7").and(ip("198.51.100.1")));
        // A client cannot hide behind a forged left-most entry.
        let forged =
            ClientAddress::resolve(ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.1"), &trusted);
        assert_eq!(forged.0, ip("198.51.100.1"));
        let garbage = ClientAddress::resolve(ip("10.0.0.2"), Some("nonsense"), &trusted);
        assert_eq!(garbage.0, ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_is_grouped_by_64() {
        let a = ClientAddress(ip("2001:db8:1:2:aaaa::1")).limit_key();
        let b = ClientAddress(ip("2001:db8:1:2:bbbb::2")).limit_key();
        let c = ClientAddress(ip("2001:db8:1:3::1")).limit_key();
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            ClientAddress(ip("::ffff:192.0.2.1")).limit_key(),
            "192.0.2.1"
        );
    }
}
