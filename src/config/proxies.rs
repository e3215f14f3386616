//! `TRUSTED_PROXIES`: the reverse proxies whose forwarding headers are believed, and
//! the client address worked out through them.
//!
//! A forwarding header (`X-Forwarded-For`, or RFC 7239 `Forwarded: for=`) is text any
//! client can send, so it means something only when the TCP peer is a proxy we trust,
//! which appends the address it saw. The client is then the right-most address that is
//! not itself a trusted proxy: everything left of it was written by someone we do not
//! trust and is ignored.

use std::net::IpAddr;

use super::ConfigError;

/// An address range: an address and how many leading bits must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    addr: IpAddr,
    prefix: u8,
}

impl Range {
    fn parse(s: &str) -> Option<Range> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().ok().filter(|&n| n <= max)?
            }
            Some(_) => return None,
        };
        // Peers are compared in canonical form, so an IPv4-mapped range
        // (`::ffff:10.0.0.0/104`) becomes the IPv4 range it names.
        match addr {
            IpAddr::V6(v6) if prefix >= 96 && v6.to_ipv4_mapped().is_some() => Some(Range {
                addr: addr.to_canonical(),
                prefix: prefix - 96,
            }),
            _ => Some(Range { addr, prefix }),
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The proxies named in `TRUSTED_PROXIES` (addresses and CIDR ranges, IPv4 and IPv6).
/// Empty by default: then no forwarding header is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Range>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list; the error names the variable and the
    /// entry that is not an address or range.
    pub fn parse(v: &str) -> Result<Self, ConfigError> {
        let mut out = Vec::new();
        for entry in v.split([',', ' ', '\t']).filter(|e| !e.is_empty()) {
            let range = Range::parse(entry).ok_or_else(|| {
                ConfigError(format!(
                    "TRUSTED_PROXIES must list IP addresses or CIDR ranges (like 127.0.0.1, \
                     10.0.0.0/8, ::1), got {entry:?}"
                ))
            })?;
            out.push(range);
        }
        Ok(TrustedProxies(out))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// The client behind `peer`. `x_forwarded_for` and `forwarded` are the values of
    /// those headers, in the order received; `X-Forwarded-For` is used when present
    /// (what nginx and most proxies send), otherwise `Forwarded`.
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        x_forwarded_for: impl Iterator<Item = &'a str>,
        forwarded: impl Iterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        // `Forwarded` only when no `X-Forwarded-For` line came at all: a proxy like
        // nginx appends what it saw to the client's own `X-Forwarded-For`, so a client
        // that makes that line empty or unreadable must not get to speak through a
        // `Forwarded` header the proxy passes on untouched.
        let xff: Vec<&str> = x_forwarded_for.collect();
        let hops: Vec<&str> = if xff.is_empty() {
            forwarded.flat_map(forwarded_for).collect()
        } else {
            xff.into_iter().flat_map(|v| v.split(',')).collect()
        };
        // Walk from the proxy next to us towards the client; stop at the first address
        // no trusted proxy owns. Something unreadable written by a trusted proxy leaves
        // that proxy as the best we know.
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = hop_ip(hop) else { break };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// The `for=` values of one `Forwarded` header value (RFC 7239), in order.
fn forwarded_for(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').filter_map(|element| {
        element.split(';').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            k.trim().eq_ignore_ascii_case("for").then_some(v)
        })
    })
}

/// An address from one hop: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `"[2001:db8::1]:80"`.
fn hop_ip(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sa) = hop.parse::<std::net::SocketAddr>() {
        return Some(sa.ip().to_canonical());
    }
    let inner = hop.strip_prefix('[')?.split(']').next()?;
    inner.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn client(t: &TrustedProxies, peer: &str, xff: &[&str], fwd: &[&str]) -> String {
        t.client(ip(peer), xff.iter().copied(), fwd.iter().copied())
            .to_string()
    }

    #[test]
    fn lists_parse_with_commas_spaces_and_ranges() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8 ::1\t2001:db8::/32").unwrap();
        assert!(t.contains(ip("127.0.0.1")));
        assert!(!t.contains(ip("127.0.0.2")));
        assert!(t.contains(ip("10.200.3.4")));
        assert!(!t.contains(ip("11.0.0.1")));
        assert!(t.contains(ip("::1")));
        assert!(t.contains(ip("2001:db8:ffff::9")));
        assert!(!t.contains(ip("2001:db9::1")));
        assert!(t.contains(ip("::ffff:127.0.0.1")), "IPv4-mapped peers");
        assert!(
            TrustedProxies::parse("0.0.0.0/0")
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        for bad in [
            "localhost",
            "10.0.0.0/33",
            "::1/129",
            "1.2.3.4/",
            "1.2.3.4/-1",
            "1.2.3",
        ] {
            let e = TrustedProxies::parse(bad).unwrap_err().0;
            assert!(e.starts_with("TRUSTED_PROXIES"), "{e}");
            assert!(e.contains(bad), "{e}");
        }
    }

    #[test]
    fn headers_are_ignored_unless_the_peer_is_trusted() {
        let none = TrustedProxies::default();
        assert_eq!(
            client(&none, "127.0.0.1", &["203.0.113.9"], &[]),
            "127.0.0.1"
        );
        let t = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(
            client(&t, "198.51.100.7", &["203.0.113.9"], &[]),
            "198.51.100.7"
        );
        assert_eq!(
            client(&t, "127.0.0.1", &["203.0.113.9"], &[]),
            "203.0.113.9"
        );
        assert_eq!(client(&t, "127.0.0.1", &[], &[]), "127.0.0.1");
    }

    #[test]
    fn the_right_most_untrusted_address_wins_and_spoofed_entries_are_ignored() {
        let t = TrustedProxies::parse("127.0.0.1 10.0.0.0/8").unwrap();
        assert_eq!(
            client(&t, "127.0.0.1", &["6.6.6.6, 203.0.113.9"], &[]),
            "203.0.113.9"
        );
        assert_eq!(
            client(&t, "127.0.0.1", &["6.6.6.6", "203.0.113.9, 10.1.1.1"], &[]),
            "203.0.113.9",
            "several header lines, a second trusted hop"
        );
        assert_eq!(
            client(&t, "127.0.0.1", &["garbage, 203.0.113.9:4711"], &[]),
            "203.0.113.9"
        );
        assert_eq!(
            client(&t, "127.0.0.1", &["10.0.0.1, 10.0.0.2"], &[]),
            "10.0.0.1",
            "all trusted: the furthest"
        );
        assert_eq!(
            client(&t, "127.0.0.1", &["203.0.113.9, unknown"], &[]),
            "127.0.0.1",
            "unreadable from a trusted proxy: that proxy"
        );
    }

    #[test]
    fn ipv4_mapped_ranges_match_ipv4_peers() {
        let t = TrustedProxies::parse("::ffff:10.0.0.0/104, ::ffff:192.0.2.1").unwrap();
        assert!(t.contains(ip("10.1.2.3")));
        assert!(t.contains(ip("::ffff:10.1.2.3")));
        assert!(t.contains(ip("192.0.2.1")));
        assert!(!t.contains(ip("11.0.0.1")));
    }

    #[test]
    fn forwarded_header_is_read_when_there_is_no_x_forwarded_for() {
        let t = TrustedProxies::parse("::1").unwrap();
        assert_eq!(
            client(
                &t,
                "::1",
                &[],
                &[r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https"#]
            ),
            "2001:db8:cafe::17"
        );
        assert_eq!(
            client(
                &t,
                "::1",
                &[],
                &["For=192.0.2.60;proto=http;by=203.0.113.43"]
            ),
            "192.0.2.60"
        );
        assert_eq!(
            client(&t, "::1", &["198.51.100.1"], &["for=192.0.2.60"]),
            "198.51.100.1",
            "X-Forwarded-For first"
        );
    }
}
