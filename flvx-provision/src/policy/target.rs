//! Forward targets: `host:port[,host:port…]` parsed into hosts, and each address a host
//! stands for checked against the refused networks, the seller's allowed networks and the
//! panel's and nodes' own addresses.

use super::networks::{Network, refused_network};
use crate::error::{ForwardField, ProvisionError};
use std::net::{IpAddr, Ipv6Addr};

/// At most this many targets per forward.
pub const MAX_TARGETS: usize = 10;
/// A host name is at most this long (DNS's limit).
pub const MAX_HOST_CHARS: usize = 253;
/// A label of a host name is at most this long.
const MAX_LABEL_CHARS: usize = 63;

/// One target of a forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host:port` as given, trimmed.
    pub text: String,
    /// The host.
    pub host: Host,
    /// The port.
    pub port: u16,
}

/// A target's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An IP literal (IPv6 written in brackets).
    Ip(IpAddr),
    /// A host name, to be resolved.
    Name(String),
}

/// Parses a target list: at most [`MAX_TARGETS`] `host:port` items, hosts an IPv4 address,
/// a bracketed IPv6 address or a host name of at most [`MAX_HOST_CHARS`] characters.
pub fn parse_targets(raw: &str) -> Result<Vec<Target>, ProvisionError> {
    let items: Vec<&str> = raw.split(',').collect();
    if items.len() > MAX_TARGETS {
        return Err(ProvisionError::TooManyTargets {
            count: items.len(),
            max: MAX_TARGETS,
        });
    }
    items.into_iter().map(parse_target).collect()
}

fn parse_target(item: &str) -> Result<Target, ProvisionError> {
    let format = || ProvisionError::InvalidForward {
        field: ForwardField::Target,
    };
    let text = item.trim();
    let (host, port) = text.rsplit_once(':').ok_or_else(format)?;
    let port = parse_port(port).ok_or_else(format)?;
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format());
    }
    let host = parse_host(host).ok_or(ProvisionError::TargetHostInvalid)?;
    Ok(Target {
        text: text.to_owned(),
        host,
        port,
    })
}

/// A port 1-65535: digits with an optional `+` and leading zeros, as the panel reads it.
fn parse_port(text: &str) -> Option<u16> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 5 {
        return None;
    }
    significant.parse::<u16>().ok().filter(|p| *p > 0)
}

fn parse_host(host: &str) -> Option<Host> {
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        return inner
            .parse::<Ipv6Addr>()
            .ok()
            .map(|v6| Host::Ip(IpAddr::V6(v6)));
    }
    if let Ok(v4) = host.parse::<std::net::Ipv4Addr>() {
        return Some(Host::Ip(IpAddr::V4(v4)));
    }
    valid_name(host).then(|| Host::Name(host.to_owned()))
}

/// An ASCII host name: labels of letters, digits, `-` and `_` (1-63 each, no leading or
/// trailing `-`), an optional final dot, at most 253 characters; not made only of
/// numbers, which resolvers read as shorthand addresses (`127.1`, `0x7f000001`).
fn valid_name(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.is_empty() || name.len() > MAX_HOST_CHARS {
        return false;
    }
    let labels_ok = name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_CHARS
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    labels_ok && !name.split('.').all(numeric_label)
}

/// A label `inet_aton` reads as a number: decimal, octal or `0x` hex.
fn numeric_label(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    match lower.strip_prefix("0x") {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => lower.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// The panel's and the nodes' own addresses, which no forward may target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnAddresses {
    /// The panel's addresses (its URL's host).
    pub panel: Vec<IpAddr>,
    /// Each node address with the node's name.
    pub nodes: Vec<(IpAddr, String)>,
}

/// Checks one address `target` stands for, in this order: the panel's own addresses, the
/// nodes' own addresses (never allowed), then the seller's allowed networks, which lift
/// the default refusal, then the refused networks.
pub fn check_address(
    target: &str,
    address: IpAddr,
    allowed: &[Network],
    own: &OwnAddresses,
) -> Result<(), ProvisionError> {
    let address = address.to_canonical();
    if own.panel.iter().any(|ip| ip.to_canonical() == address) {
        return Err(ProvisionError::TargetIsPanel {
            target: target.to_owned(),
            address,
        });
    }
    if let Some((_, node)) = own
        .nodes
        .iter()
        .find(|(ip, _)| ip.to_canonical() == address)
    {
        return Err(ProvisionError::TargetIsNode {
            target: target.to_owned(),
            address,
            node: node.clone(),
        });
    }
    if allowed.iter().any(|network| network.contains(address)) {
        return Ok(());
    }
    match refused_network(address) {
        Some((range, network)) => Err(ProvisionError::TargetRefused {
            target: target.to_owned(),
            address,
            network,
            range,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(raw: &str) -> Result<Vec<Host>, ProvisionError> {
        parse_targets(raw).map(|t| t.into_iter().map(|t| t.host).collect())
    }

    #[test]
    fn targets_parse_into_literals_and_names() {
        let ip = |s: &str| Host::Ip(s.parse().unwrap());
        assert_eq!(hosts("198.51.100.7:443").unwrap(), vec![ip("198.51.100.7")]);
        assert_eq!(hosts("[2001:db8::1]:443").unwrap(), vec![ip("2001:db8::1")]);
        assert_eq!(
            hosts(" a.example:80, b.example.:81 ").unwrap(),
            vec![
                Host::Name("a.example".into()),
                Host::Name("b.example.".into())
            ]
        );
        let t = &parse_targets("h.example:+00080").unwrap()[0];
        assert_eq!((t.text.as_str(), t.port), ("h.example:+00080", 80));
    }

    #[test]
    fn malformed_targets_are_refused() {
        for bad in [
            "198.51.100.7",
            ":80",
            "h:0",
            "h:99999",
            "h :80",
            "",
            "h:-1",
            "h:8a",
            "exa mple.com:80",
        ] {
            assert!(
                matches!(
                    parse_targets(bad),
                    Err(ProvisionError::InvalidForward { .. })
                ),
                "{bad}"
            );
        }
        let long = format!("{}.ab:80", vec!["a".repeat(63); 4].join("."));
        let label = format!("{}.example:80", "a".repeat(64));
        for bad in [
            "::1:80",
            "[::1:80",
            "[10.0.0.1]:80",
            "[fe80::1%eth0]:80",
            "127.1:80",
            "0x7f000001:80",
            "10.0.0.01:80",
            "-a.example:80",
            "a..example:80",
            "bücher.example:80",
            long.as_str(),
            label.as_str(),
        ] {
            assert!(
                matches!(parse_targets(bad), Err(ProvisionError::TargetHostInvalid)),
                "{bad}"
            );
        }
        let many = ["198.51.100.7:80"; MAX_TARGETS + 1].join(",");
        assert!(matches!(
            parse_targets(&many),
            Err(ProvisionError::TooManyTargets { count: 11, max: 10 })
        ));
        let enough = ["198.51.100.7:80"; MAX_TARGETS].join(",");
        assert_eq!(parse_targets(&enough).unwrap().len(), MAX_TARGETS);
        let longest = format!(
            "{}.{}:80",
            vec!["a".repeat(63); 3].join("."),
            "a".repeat(61)
        );
        assert_eq!(longest.len() - 3, MAX_HOST_CHARS);
        assert!(parse_targets(&longest).is_ok());
    }

    #[test]
    fn own_addresses_come_first_and_allowed_networks_lift_only_the_ranges() {
        let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
        let own = OwnAddresses {
            panel: vec![ip("127.0.0.1")],
            nodes: vec![(ip("10.0.0.2"), "node-1".into())],
        };
        let allowed = vec![Network::parse("10.0.0.0/8").unwrap()];
        let check = |addr: &str| check_address("t", ip(addr), &allowed, &own);
        assert!(matches!(
            check("127.0.0.1"),
            Err(ProvisionError::TargetIsPanel { .. })
        ));
        assert!(matches!(
            check("::ffff:10.0.0.2"),
            Err(ProvisionError::TargetIsNode { node, .. }) if node == "node-1"
        ));
        assert!(check("10.0.0.3").is_ok(), "allowed by the seller");
        assert!(matches!(
            check("192.168.0.1"),
            Err(ProvisionError::TargetRefused {
                range: "192.168.0.0/16",
                ..
            })
        ));
        assert!(check("198.51.100.7").is_ok());
    }
}
