//! 3.0's remote-address filter for non-admin forwards (panel behaviour §5.19, `security_utils.go`
//! `IsSafeRemoteAddr`), with the panel's English messages.
//!
//! Every comma- or newline-separated target is split like Go's `net.SplitHostPort` and
//! resolved; a failed lookup, or any loopback (127/8, ::1) or private (10/8, 172.16/12,
//! 192.168/16, fc00::/7) address, refuses the whole list. IPv4-mapped IPv6 addresses count
//! as their IPv4 address, as in Go. What Go lets through passes here too: 0.0.0.0, ::,
//! 169.254/16, 100.64/10, fe80::/10, multicast.
//!
//! The fake does no DNS. `localhost` resolves to 127.0.0.1; a name ending in `.invalid`,
//! an empty name and anything made only of digits and dots that is not an IPv4 address
//! (`127.1`: Go does not parse the shorthand and DNS has no such name) do not resolve;
//! every other name resolves to the public TEST-NET-1 address 192.0.2.1.

use std::net::IpAddr;

/// Checks a `remoteAddr` list; the error is the panel's message (sent with code 403).
pub(crate) fn check_remote_addr(addr: &str) -> Result<(), String> {
    addr.split(['\n', '\r', ','])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .try_for_each(check_one)
}

fn check_one(addr: &str) -> Result<(), String> {
    let host = match split_host_port(addr) {
        Ok(host) => host,
        Err(why) if why == MISSING_PORT => addr,
        Err(why) => return Err(format!("invalid address format: address {addr}: {why}")),
    };
    let ips = lookup(host).ok_or_else(|| {
        format!(
            "could not resolve address {}: lookup {host}: no such host",
            go_quote(addr)
        )
    })?;
    match ips.into_iter().find(is_internal) {
        Some(ip) => Err(format!(
            "address {} resolves to internal IP: {}",
            go_quote(addr),
            go_ip_text(ip)
        )),
        None => Ok(()),
    }
}

const MISSING_PORT: &str = "missing port in address";

/// `net.SplitHostPort`, returning the host or Go's reason.
fn split_host_port(hostport: &str) -> Result<&str, &'static str> {
    let last_colon = hostport.rfind(':').ok_or(MISSING_PORT)?;
    let (host, start, end) = if hostport.starts_with('[') {
        let close = hostport.find(']').ok_or("missing ']' in address")?;
        if close + 1 == hostport.len() {
            return Err(MISSING_PORT);
        }
        if close + 1 != last_colon {
            return Err(if hostport.as_bytes()[close + 1] == b':' {
                "too many colons in address"
            } else {
                MISSING_PORT
            });
        }
        (&hostport[1..close], 1, close + 1)
    } else {
        let host = &hostport[..last_colon];
        if host.contains(':') {
            return Err("too many colons in address");
        }
        (host, 0, 0)
    };
    if hostport[start..].contains('[') {
        return Err("unexpected '[' in address");
    }
    if hostport[end..].contains(']') {
        return Err("unexpected ']' in address");
    }
    Ok(host)
}

/// The fake resolver (see the module docs).
fn lookup(host: &str) -> Option<Vec<IpAddr>> {
    let literal = host.split('%').next().unwrap_or(host);
    if let Ok(ip) = literal.parse::<IpAddr>() {
        return Some(vec![ip]);
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    let numeric = name.chars().all(|c| c.is_ascii_digit() || c == '.');
    if name.is_empty() || numeric || name.ends_with(".invalid") || name == "invalid" {
        return None;
    }
    if name == "localhost" || name.ends_with(".localhost") {
        return Some(vec![IpAddr::from([127, 0, 0, 1])]);
    }
    Some(vec![IpAddr::from([192, 0, 2, 1])])
}

/// Go's `ip.IsLoopback() || ip.IsPrivate()`, looking through IPv4-mapped addresses.
fn is_internal(ip: &IpAddr) -> bool {
    match unmap(*ip) {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Go prints an IPv4-mapped address as plain IPv4.
fn go_ip_text(ip: IpAddr) -> String {
    unmap(ip).to_string()
}

/// Go's `%q` for the printable ASCII the tests use.
fn go_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_and_accepted_targets() {
        for addr in [
            "127.0.0.1:80",
            "10.0.0.1:80",
            "[::ffff:10.0.0.1]:80",
            "localhost:80",
            "[::1]:80",
            "1.1.1.1:80,192.168.1.1:80",
            "172.16.0.1",
            "[fd00::1]:53",
        ] {
            assert!(check_remote_addr(addr).is_err(), "{addr}");
        }
        for addr in [
            "0.0.0.0:80",
            "[::]:80",
            "169.254.169.254:80",
            "100.64.0.1:80",
            "[fe80::1]:80",
            "example.com:443",
            "1.1.1.1:80\n8.8.8.8:53",
        ] {
            assert_eq!(check_remote_addr(addr), Ok(()), "{addr}");
        }
    }

    #[test]
    fn messages() {
        assert_eq!(
            check_remote_addr("[::ffff:127.0.0.1]:80"),
            Err(r#"address "[::ffff:127.0.0.1]:80" resolves to internal IP: 127.0.0.1"#.into())
        );
        assert_eq!(
            check_remote_addr("127.1:80"),
            Err(r#"could not resolve address "127.1:80": lookup 127.1: no such host"#.into())
        );
        assert_eq!(
            check_remote_addr("::1"),
            Err("invalid address format: address ::1: too many colons in address".into())
        );
        assert!(check_remote_addr("svc.invalid:80").is_err());
    }
}
