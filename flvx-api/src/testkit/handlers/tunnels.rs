//! `tunnel/list`, `tunnel/get` and `speed-limit/list` (panel behaviour §5.10, §5.11, §5.18;
//! panel behaviour §5.18).

use super::Call;
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::{NODE_ID, NODE_IP, NODE_NAME, State, Tunnel};
use serde_json::{Value, json};

/// A float as Go's encoder writes it: integral values without a fraction (`1`, not `1.0`).
pub(super) fn go_float(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e18 {
        json!(f as i64)
    } else {
        json!(f)
    }
}

/// A `tunnel/list` item: a port-forward tunnel entering through the fake node.
fn item(t: &Tunnel) -> Value {
    json!({
        "id": t.id, "inx": t.inx, "name": t.name, "type": t.kind, "flow": t.flow,
        "trafficRatio": go_float(t.traffic_ratio), "status": t.status,
        "createdTime": t.created_time, "inIp": t.in_ip, "ipPreference": "",
        "inNodeId": [{"nodeId": NODE_ID, "chainType": 1, "inx": 0, "protocol": "tls", "strategy": "round"}],
        "outNodeId": [],
        "chainNodes": [],
    })
}

fn ordered(st: &State) -> Vec<&Tunnel> {
    let mut tunnels: Vec<&Tunnel> = st.tunnels.values().collect();
    tunnels.sort_by_key(|t| (t.inx, t.id));
    tunnels
}

/// `POST /api/v1/tunnel/list`: every tunnel, by `inx` then id.
pub(crate) fn list(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    Ok(Reply::data(Value::Array(
        ordered(st).into_iter().map(item).collect(),
    )))
}

/// `POST /api/v1/tunnel/get`: one tunnel, or `-1 "隧道不存在"`.
pub(crate) fn get(st: &mut State, call: &Call) -> Outcome {
    let id = call.id_from_body("id")?;
    let tunnel = st
        .tunnels
        .get(&id)
        .ok_or_else(|| Reply::fail("隧道不存在"))?;
    Ok(Reply::data(item(tunnel)))
}

/// `POST /api/v1/node/list`: the single entry node, with its address, port range and
/// whether it is online.
pub(crate) fn nodes(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let (min, max) = st.port_range;
    Ok(Reply::data(json!([{
        "id": NODE_ID, "name": NODE_NAME, "ip": NODE_IP, "serverIp": NODE_IP,
        "portSta": min, "portEnd": max,
        "http": 0, "tls": 0, "socks": 0, "status": i64::from(st.nodes_online),
    }])))
}

/// `POST /api/v1/speed-limit/list`: every speed limit, by id. 3.0 lists them newest first
/// and without the tunnel they no longer belong to (panel behaviour §5.18).
pub(crate) fn speed_limits(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let decoupled = st.profile.speed_limits_decoupled;
    let mut items: Vec<Value> = st
        .speed_limits
        .values()
        .map(|s| {
            let mut item = json!({
                "id": s.id, "name": s.name, "speed": s.speed, "status": s.status,
                "createdTime": s.created_time, "updatedTime": s.updated_time,
            });
            if !decoupled && let Value::Object(map) = &mut item {
                map.insert("tunnelId".into(), json!(s.tunnel_id));
                map.insert("tunnelName".into(), json!(s.tunnel_name));
            }
            item
        })
        .collect();
    if st.profile.newest_first {
        items.reverse();
    }
    Ok(Reply::data(Value::Array(items)))
}
