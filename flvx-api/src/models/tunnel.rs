use crate::ids::{NodeId, TunnelId};
use crate::units::{EpochMs, Status};
use serde::{Deserialize, Deserializer};

/// A tunnel as `tunnel/list` and `tunnel/get` return it (panel behaviour §5.10).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Tunnel {
    /// The tunnel id.
    pub id: TunnelId,
    /// Its name.
    pub name: String,
    /// Port forward or tunnel forward.
    #[serde(rename = "type", default = "TunnelKind::unknown")]
    pub kind: TunnelKind,
    /// The accounting multiplier (1 = one-way, 2 = two-way); both directions are always
    /// counted and multiplied by it (panel behaviour §3.3). Not a quantity.
    #[serde(rename = "flow", default = "one")]
    pub traffic_multiplier: i64,
    /// Factor applied to reported bytes.
    #[serde(default = "one_f64")]
    pub traffic_ratio: f64,
    /// A disabled tunnel takes no new forwards (existing ones keep running).
    pub status: Status,
    /// Entry addresses, comma-joined; may be null.
    #[serde(default)]
    pub in_ip: Option<String>,
    /// `""`, `"v4"` or `"v6"`.
    #[serde(default)]
    pub ip_preference: Option<String>,
    /// Sort order.
    #[serde(default)]
    pub inx: Option<i64>,
    /// The entry nodes (a forward listens on its port on each of them).
    #[serde(default, deserialize_with = "entry_nodes")]
    pub in_node_id: Vec<TunnelNode>,
    /// Creation time.
    #[serde(default)]
    pub created_time: Option<EpochMs>,
}

impl Tunnel {
    /// The entry addresses, split and trimmed.
    pub fn entry_addresses(&self) -> Vec<&str> {
        self.in_ip
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// One entry node of a tunnel (`inNodeId` item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TunnelNode {
    /// The node.
    pub node_id: NodeId,
}

impl Tunnel {
    /// The ids of the tunnel's entry nodes.
    pub fn entry_nodes(&self) -> Vec<NodeId> {
        self.in_node_id.iter().map(|n| n.node_id).collect()
    }
}

/// `inNodeId` is a list of `{nodeId, …}` (older panels sent a bare id); anything else
/// (null, an unknown shape) is no known entry node.
fn entry_nodes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TunnelNode>, D::Error> {
    use serde_json::Value;
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|id| {
                vec![TunnelNode {
                    node_id: NodeId(id),
                }]
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    })
}

fn one() -> i64 {
    1
}

fn one_f64() -> f64 {
    1.0
}

/// The tunnel's forwarding type (`type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunnelKind {
    /// 1: port forward (端口转发).
    PortForward,
    /// 2: tunnel forward (隧道转发).
    TunnelForward,
    /// A value this SDK does not know.
    Other(i64),
}

impl TunnelKind {
    fn unknown() -> Self {
        TunnelKind::Other(0)
    }
}

impl<'de> Deserialize<'de> for TunnelKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match i64::deserialize(d)? {
            1 => TunnelKind::PortForward,
            2 => TunnelKind::TunnelForward,
            n => TunnelKind::Other(n),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_nodes_decode_from_a_list_a_bare_id_or_null() {
        let tunnel = |raw: &str| -> Tunnel {
            serde_json::from_str(&format!(
                r#"{{"id":1,"name":"t","status":1,"inNodeId":{raw}}}"#
            ))
            .unwrap()
        };
        let listed = tunnel(r#"[{"nodeId":3,"chainType":1,"inx":0},{"nodeId":4}]"#);
        assert_eq!(listed.entry_nodes(), vec![NodeId(3), NodeId(4)]);
        assert_eq!(tunnel("7").entry_nodes(), vec![NodeId(7)]);
        assert!(tunnel("null").entry_nodes().is_empty());
    }
}
