//! Host-name resolution for the forward policy, behind a trait so that tests (and
//! integrators with their own DNS) can replace it.

use async_trait::async_trait;
use std::net::IpAddr;

/// Resolves a host name to its addresses (IPv4 and IPv6).
#[async_trait]
pub trait Resolver: Send + Sync {
    /// Every address of `host`; `None` or an empty list when it does not resolve.
    async fn resolve(&self, host: &str) -> Option<Vec<IpAddr>>;
}

/// The system resolver (`getaddrinfo`, through tokio).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

#[async_trait]
impl Resolver for SystemResolver {
    async fn resolve(&self, host: &str) -> Option<Vec<IpAddr>> {
        let found = tokio::net::lookup_host((host, 0)).await.ok()?;
        Some(found.map(|a| a.ip()).collect())
    }
}

/// A resolver that never touches the network, for tests and examples (the PHP test
/// harness answers alike): `localhost` and `*.localhost` are `127.0.0.1` and `::1`,
/// `*.invalid` does not resolve, `*.internal` is the private `10.0.0.9`, and every other
/// name is the public TEST-NET-1 address `192.0.2.1`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineResolver;

#[async_trait]
impl Resolver for OfflineResolver {
    async fn resolve(&self, host: &str) -> Option<Vec<IpAddr>> {
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        let under = |zone: &str| name == zone || name.ends_with(&format!(".{zone}"));
        if under("invalid") {
            None
        } else if under("localhost") {
            Some(vec![
                IpAddr::from([127, 0, 0, 1]),
                std::net::Ipv6Addr::LOCALHOST.into(),
            ])
        } else if under("internal") {
            Some(vec![IpAddr::from([10, 0, 0, 9])])
        } else {
            Some(vec![IpAddr::from([192, 0, 2, 1])])
        }
    }
}
