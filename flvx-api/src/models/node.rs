use crate::ids::NodeId;
use serde::Deserialize;

/// A gost node as `node/list` returns it (admin only). Only what a billing integration
/// needs is typed: the node's addresses and the entry-port range it allows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Node {
    /// The node id (what a tunnel's `inNodeId` items name).
    pub id: NodeId,
    /// Its name, as node error messages show it.
    #[serde(default)]
    pub name: String,
    /// The entry address(es) shown to users, comma-joined; may be null.
    #[serde(default)]
    pub ip: Option<String>,
    /// The address the panel reaches the node on.
    #[serde(default)]
    pub server_ip: Option<String>,
    /// First port forwards may listen on.
    #[serde(default)]
    pub port_sta: Option<i64>,
    /// Last port forwards may listen on.
    #[serde(default)]
    pub port_end: Option<i64>,
    /// 1 online, 0 offline.
    #[serde(default)]
    pub status: Option<i64>,
}

impl Node {
    /// Every address of the node (`serverIp` and each `ip`), trimmed, without duplicates.
    pub fn addresses(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let listed = self.server_ip.iter().chain(self.ip.iter());
        for part in listed.flat_map(|s| s.split(',')).map(str::trim) {
            if !part.is_empty() && !out.contains(&part) {
                out.push(part);
            }
        }
        out
    }

    /// The inclusive entry-port range, when the panel reports a sensible one.
    pub fn port_range(&self) -> Option<(u16, u16)> {
        let min = u16::try_from(self.port_sta?).ok()?;
        let max = u16::try_from(self.port_end?).ok()?;
        (min > 0 && min <= max).then_some((min, max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_node_and_its_addresses() {
        let node: Node = serde_json::from_str(
            r#"{"id":3,"name":"hk","ip":"203.0.113.5, 203.0.113.6","serverIp":"203.0.113.5",
               "portSta":20000,"portEnd":30000,"status":1,"secret":"s"}"#,
        )
        .unwrap();
        assert_eq!(node.addresses(), vec!["203.0.113.5", "203.0.113.6"]);
        assert_eq!(node.port_range(), Some((20_000, 30_000)));
        let bare: Node = serde_json::from_str(r#"{"id":4,"ip":null,"portSta":0}"#).unwrap();
        assert!(bare.addresses().is_empty());
        assert_eq!(bare.port_range(), None);
    }
}
