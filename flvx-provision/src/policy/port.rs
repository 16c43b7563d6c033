//! Entry ports: inside the seller's range and the entry nodes' ranges, and not used by
//! another forward on those nodes. With a seller range and no port asked for, the lowest
//! free port of the range is chosen (the panel would pick from the node's whole range).

use crate::error::ProvisionError;
use flvx_api::ids::{NodeId, TunnelId};
use flvx_api::models::{Forward, Node, Tunnel};
use std::collections::BTreeSet;

/// A seller's entry-port range such as `20000-29999`; empty is none.
pub fn parse_range(text: &str) -> Option<Option<(u16, u16)>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    let (min, max) = text.split_once('-')?;
    let port = |s: &str| {
        let s = s.trim();
        let ok = !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| s.parse::<u16>().ok())
            .flatten()
            .filter(|p| *p > 0)
    };
    let (min, max) = (port(min)?, port(max)?);
    (min <= max).then_some(Some((min, max)))
}

/// What the panel says about the nodes a forward on one tunnel enters through.
#[derive(Debug, Clone)]
pub struct EntryNodes<'a> {
    /// The tunnel's entry nodes, as listed (unknown ids left out).
    pub nodes: Vec<&'a Node>,
    tunnels: &'a [Tunnel],
    forwards: &'a [Forward],
}

impl<'a> EntryNodes<'a> {
    /// The entry nodes of `tunnel`, with every tunnel and forward of the panel.
    pub fn of(
        tunnel: TunnelId,
        nodes: &'a [Node],
        tunnels: &'a [Tunnel],
        forwards: &'a [Forward],
    ) -> EntryNodes<'a> {
        let ids = entry_ids(tunnels, tunnel);
        EntryNodes {
            nodes: nodes.iter().filter(|n| ids.contains(&n.id)).collect(),
            tunnels,
            forwards,
        }
    }

    /// Checks an asked-for port: each entry node's range, then the forwards on them.
    pub fn check(&self, port: u16) -> Result<(), ProvisionError> {
        for node in &self.nodes {
            if let Some((min, max)) = node.port_range()
                && !(min..=max).contains(&port)
            {
                return Err(ProvisionError::PortOutsideNode {
                    port,
                    node: node.name.clone(),
                    min,
                    max,
                });
            }
        }
        match self.user_of(port) {
            Some(node) => Err(ProvisionError::PortTaken {
                port,
                node: node.name.clone(),
            }),
            None => Ok(()),
        }
    }

    /// The lowest port of `range` inside every entry node's range that no forward on
    /// them uses.
    pub fn pick(&self, range: (u16, u16)) -> Result<u16, ProvisionError> {
        let (mut min, mut max) = range;
        for (lo, hi) in self.nodes.iter().filter_map(|n| n.port_range()) {
            min = min.max(lo);
            max = max.min(hi);
        }
        let used: BTreeSet<i64> = self
            .forwards
            .iter()
            .filter(|f| self.shared_node(f).is_some())
            .filter_map(|f| f.in_port)
            .collect();
        (min..=max)
            .find(|port| !used.contains(&i64::from(*port)))
            .ok_or(ProvisionError::NoFreePort {
                min: range.0,
                max: range.1,
            })
    }

    /// The first entry node on which another forward listens on `port`.
    fn user_of(&self, port: u16) -> Option<&'a Node> {
        self.forwards
            .iter()
            .filter(|f| f.in_port == Some(i64::from(port)))
            .find_map(|f| self.shared_node(f))
    }

    /// The first entry node `forward` listens on too.
    fn shared_node(&self, forward: &Forward) -> Option<&'a Node> {
        let theirs = entry_ids(self.tunnels, forward.tunnel_id);
        self.nodes.iter().copied().find(|n| theirs.contains(&n.id))
    }
}

fn entry_ids(tunnels: &[Tunnel], tunnel: TunnelId) -> Vec<NodeId> {
    tunnels
        .iter()
        .find(|t| t.id == tunnel)
        .map(Tunnel::entry_nodes)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn world() -> (Vec<Node>, Vec<Tunnel>, Vec<Forward>) {
        let nodes = serde_json::from_value(json!([
            {"id": 1, "name": "hk", "portSta": 10000, "portEnd": 20000},
            {"id": 2, "name": "sg", "portSta": 15000, "portEnd": 30000},
        ]))
        .unwrap();
        let tunnel = |id: i64, nodes: &[i64]| {
            let entry: Vec<_> = nodes.iter().map(|n| json!({"nodeId": n})).collect();
            json!({"id": id, "name": "t", "status": 1, "inNodeId": entry})
        };
        let tunnels = serde_json::from_value(json!([
            tunnel(1, &[1]),
            tunnel(2, &[1, 2]),
            tunnel(3, &[2])
        ]))
        .unwrap();
        let forward = |id: i64, tunnel: i64, port: i64| {
            json!({"id": id, "name": "f", "tunnelId": tunnel, "remoteAddr": "x:1",
                   "inPort": port, "inFlow": 0, "outFlow": 0, "status": 1})
        };
        let forwards =
            serde_json::from_value(json!([forward(1, 1, 10000), forward(2, 3, 25000),])).unwrap();
        (nodes, tunnels, forwards)
    }

    #[test]
    fn seller_ranges_parse() {
        assert_eq!(parse_range(""), Some(None));
        assert_eq!(parse_range(" 20000 - 29999 "), Some(Some((20_000, 29_999))));
        assert_eq!(parse_range("1-65535"), Some(Some((1, 65_535))));
        for bad in [
            "0-10", "10-5", "1-65536", "20000", "a-b", "-5", "1-2-3", "+1-2",
        ] {
            assert_eq!(parse_range(bad), None, "{bad}");
        }
    }

    #[test]
    fn ports_outside_a_node_range_or_used_on_a_shared_node_are_refused() {
        let (nodes, tunnels, forwards) = world();
        let on = |t: i64| EntryNodes::of(TunnelId(t), &nodes, &tunnels, &forwards);
        assert!(matches!(
            on(1).check(22),
            Err(ProvisionError::PortOutsideNode {
                port: 22,
                min: 10_000,
                max: 20_000,
                ..
            })
        ));
        assert!(matches!(
            on(2).check(12_000),
            Err(ProvisionError::PortOutsideNode { ref node, .. }) if node == "sg"
        ));
        assert!(matches!(
            on(1).check(10_000),
            Err(ProvisionError::PortTaken { port: 10_000, ref node }) if node == "hk"
        ));
        assert!(matches!(
            on(3).check(25_000),
            Err(ProvisionError::PortTaken { .. })
        ));
        assert!(on(3).check(10_000).is_err(), "outside sg's range");
        assert!(on(1).check(10_001).is_ok());
        assert!(on(3).check(25_001).is_ok());
        assert!(
            EntryNodes::of(TunnelId(9), &nodes, &tunnels, &forwards)
                .check(1)
                .is_ok(),
            "unknown tunnel: left to the panel"
        );
    }

    #[test]
    fn picks_the_lowest_free_port_of_all_ranges() {
        let (nodes, tunnels, forwards) = world();
        let on = |t: i64| EntryNodes::of(TunnelId(t), &nodes, &tunnels, &forwards);
        assert_eq!(on(1).pick((10_000, 10_005)).unwrap(), 10_001);
        assert_eq!(on(2).pick((1, 65_535)).unwrap(), 15_000);
        assert_eq!(on(3).pick((25_000, 25_001)).unwrap(), 25_001);
        assert!(matches!(
            on(1).pick((10_000, 10_000)),
            Err(ProvisionError::NoFreePort {
                min: 10_000,
                max: 10_000
            })
        ));
        assert!(
            on(1).pick((30_000, 31_000)).is_err(),
            "no overlap with the node"
        );
    }
}
