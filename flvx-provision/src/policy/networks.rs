//! Networks: CIDR parsing and matching, and the networks a forward may not target by
//! default. [`REFUSED`] is the one definition; the PHP module gets it generated.

use crate::messages::Msg;
use std::fmt;
use std::net::IpAddr;

/// The networks refused by default, with the catalogue name of each kind. IPv4-mapped IPv6
/// addresses (`::ffff:10.0.0.1`) are checked as their IPv4 address.
pub const REFUSED: &[(&str, Msg)] = &[
    ("0.0.0.0/8", Msg::NetUnspecified),
    ("10.0.0.0/8", Msg::NetPrivate),
    ("100.64.0.0/10", Msg::NetCgnat),
    ("127.0.0.0/8", Msg::NetLoopback),
    ("169.254.0.0/16", Msg::NetLinkLocal),
    ("172.16.0.0/12", Msg::NetPrivate),
    ("192.168.0.0/16", Msg::NetPrivate),
    ("224.0.0.0/4", Msg::NetMulticast),
    ("255.255.255.255/32", Msg::NetBroadcast),
    ("::/128", Msg::NetUnspecified),
    ("::1/128", Msg::NetLoopback),
    ("fc00::/7", Msg::NetPrivate),
    ("fe80::/10", Msg::NetLinkLocal),
    ("ff00::/8", Msg::NetMulticast),
];

/// An IP network: an address whose bits after `prefix` are zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// `10.0.0.0/8`, `fd00::/8`, or a single address (`/32`, `/128`). Host bits must be
    /// zero, so `10.0.0.5/8` is refused rather than silently read as `10.0.0.0/8`.
    pub fn parse(text: &str) -> Option<Network> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().ok().filter(|p| *p <= bits)?
            }
            Some(_) => return None,
        };
        let network = Network { addr, prefix };
        (network.masked(addr) == Some(addr)).then_some(network)
    }

    /// Whether `ip` lies in this network (an IPv4-mapped address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.masked(ip.to_canonical()) == Some(self.addr)
    }

    /// `ip` with the bits after the prefix cleared, if it is of the same family.
    fn masked(&self, ip: IpAddr) -> Option<IpAddr> {
        match (self.addr, ip) {
            (IpAddr::V4(_), IpAddr::V4(v4)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                Some(IpAddr::from((u32::from(v4) & mask).to_be_bytes()))
            }
            (IpAddr::V6(_), IpAddr::V6(v6)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                Some(IpAddr::from((u128::from(v6) & mask).to_be_bytes()))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// The refused network `ip` lies in, and its kind.
pub fn refused_network(ip: IpAddr) -> Option<(&'static str, Msg)> {
    REFUSED
        .iter()
        .copied()
        .find(|(cidr, _)| Network::parse(cidr).is_some_and(|network| network.contains(ip)))
}

/// A comma-separated list of networks (the seller's allowed networks); empty is none.
pub fn parse_list(text: &str) -> Option<Vec<Network>> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(Network::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_refused_table_parses() {
        for (cidr, _) in REFUSED {
            assert!(Network::parse(cidr).is_some(), "{cidr}");
        }
    }

    #[test]
    fn each_refused_range_is_caught_with_its_kind() {
        let cases = [
            ("127.0.0.1", "127.0.0.0/8", Msg::NetLoopback),
            ("127.255.255.254", "127.0.0.0/8", Msg::NetLoopback),
            ("::1", "::1/128", Msg::NetLoopback),
            ("0.0.0.0", "0.0.0.0/8", Msg::NetUnspecified),
            ("::", "::/128", Msg::NetUnspecified),
            ("10.0.0.5", "10.0.0.0/8", Msg::NetPrivate),
            ("172.16.0.1", "172.16.0.0/12", Msg::NetPrivate),
            ("172.31.255.255", "172.16.0.0/12", Msg::NetPrivate),
            ("192.168.1.1", "192.168.0.0/16", Msg::NetPrivate),
            ("fd00::1", "fc00::/7", Msg::NetPrivate),
            ("fc00::1", "fc00::/7", Msg::NetPrivate),
            ("169.254.169.254", "169.254.0.0/16", Msg::NetLinkLocal),
            ("fe80::1", "fe80::/10", Msg::NetLinkLocal),
            ("100.64.0.1", "100.64.0.0/10", Msg::NetCgnat),
            ("100.127.255.255", "100.64.0.0/10", Msg::NetCgnat),
            ("224.0.0.1", "224.0.0.0/4", Msg::NetMulticast),
            ("239.255.255.250", "224.0.0.0/4", Msg::NetMulticast),
            ("ff02::1", "ff00::/8", Msg::NetMulticast),
            ("255.255.255.255", "255.255.255.255/32", Msg::NetBroadcast),
            ("::ffff:127.0.0.1", "127.0.0.0/8", Msg::NetLoopback),
            ("::ffff:10.0.0.1", "10.0.0.0/8", Msg::NetPrivate),
            (
                "::ffff:169.254.169.254",
                "169.254.0.0/16",
                Msg::NetLinkLocal,
            ),
            ("::ffff:0.0.0.0", "0.0.0.0/8", Msg::NetUnspecified),
        ];
        for (addr, cidr, kind) in cases {
            assert_eq!(refused_network(ip(addr)), Some((cidr, kind)), "{addr}");
        }
    }

    #[test]
    fn public_addresses_and_neighbours_of_the_ranges_pass() {
        for addr in [
            "198.51.100.7",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "169.253.255.255",
            "11.0.0.0",
            "223.255.255.255",
            "2001:db8::1",
            "2606:4700::1111",
            "fec0::1",
            "::ffff:198.51.100.7",
        ] {
            assert_eq!(refused_network(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn networks_parse_strictly_and_match_by_prefix() {
        let net = Network::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.2.3")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(!net.contains(ip("fd00::1")));
        assert_eq!(net.to_string(), "10.1.0.0/16");
        assert!(Network::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Network::parse("::/0").unwrap().contains(ip("2001:db8::1")));
        assert_eq!(
            Network::parse("192.0.2.7").unwrap().to_string(),
            "192.0.2.7/32"
        );
        for bad in [
            "10.0.0.5/8",
            "10.0.0.0/33",
            "fd00::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/08x",
            "10.0.0/8",
            "host/8",
            "",
            "fd00::1/8",
        ] {
            assert_eq!(Network::parse(bad), None, "{bad}");
        }
        assert_eq!(
            parse_list(" 10.0.0.0/8, fd00::/8 ,").map(|l| l.len()),
            Some(2)
        );
        assert_eq!(parse_list("").map(|l| l.len()), Some(0));
        assert_eq!(parse_list("10.0.0.0/8,nope"), None);
    }
}
