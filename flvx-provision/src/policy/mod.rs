//! The forward policy, checked before a customer's forward is created: where it may send
//! traffic ([`target`], with the refused [`networks`]) and where it may listen ([`port`]).
//!
//! The panel checks little of this (panel behaviour §5.19): 2.1 nothing, 3.0 only loopback
//! and RFC 1918/ULA targets of customers, and ports only on 3.0. Through the node a
//! forward to the seller's own network reaches it, and a forward on a used port "succeeds"
//! while the node never starts it.

pub mod networks;
pub mod port;
mod resolver;
pub mod target;

pub use resolver::{OfflineResolver, Resolver, SystemResolver};

use std::net::IpAddr;
use target::Host;

/// The host of a panel URL (`https://panel.example.com:6366/x` → `panel.example.com`,
/// `http://[::1]:80` → `::1`).
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map(|(h, _)| h)?,
        None => hostport.split(':').next().unwrap_or(""),
    };
    (!host.is_empty()).then_some(host)
}

/// The addresses `host` stands for, sorted (IPv4 first) and without duplicates; `None`
/// when a name does not resolve.
pub async fn addresses(resolver: &dyn Resolver, host: &Host) -> Option<Vec<IpAddr>> {
    let mut found = match host {
        Host::Ip(ip) => vec![*ip],
        Host::Name(name) => resolver.resolve(name).await?,
    };
    found.sort();
    found.dedup();
    (!found.is_empty()).then_some(found)
}

/// The addresses of a text that may be an IP literal or a name (panel and node
/// addresses); a name that does not resolve gives none.
pub async fn addresses_of(resolver: &dyn Resolver, text: &str) -> Vec<IpAddr> {
    let host = match text.parse::<IpAddr>() {
        Ok(ip) => Host::Ip(ip),
        Err(_) => Host::Name(text.to_owned()),
    };
    addresses(resolver, &host).await.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://panel.example.com:6366/x"),
            Some("panel.example.com")
        );
        assert_eq!(url_host("http://127.0.0.1:6365"), Some("127.0.0.1"));
        assert_eq!(url_host("http://[::1]:80/"), Some("::1"));
        assert_eq!(url_host("http://u:p@h.example"), Some("h.example"));
        assert_eq!(url_host("http://"), None);
    }

    #[tokio::test]
    async fn the_offline_resolver_answers_without_a_network() {
        let r = OfflineResolver;
        let loopback = vec![IpAddr::from([127, 0, 0, 1]), "::1".parse().unwrap()];
        assert_eq!(addresses_of(&r, "LocalHost.").await, loopback);
        assert!(addresses_of(&r, "svc.invalid").await.is_empty());
        let private = vec![IpAddr::from([10, 0, 0, 9])];
        assert_eq!(addresses_of(&r, "db.internal").await, private);
        let public = vec![IpAddr::from([192, 0, 2, 1])];
        assert_eq!(addresses_of(&r, "a.example").await, public);
        let node = vec![IpAddr::from([198, 51, 100, 1])];
        assert_eq!(addresses_of(&r, "198.51.100.1").await, node);
    }
}
