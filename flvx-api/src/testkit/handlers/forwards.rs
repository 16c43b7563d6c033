//! `forward/list|create|update` (panel behaviour §5.19, panel behaviour §5.19): owner-scoped forwards on
//! the single fake node.
//!
//! Create and update push to the node; on 2.1 an offline node fails them and leaves the
//! database as it was, on 3.0 it is skipped (update then answers `data.warnings`). The 3.0
//! rules (gate, SSRF filter, ports, speed-limit permissions) are in `forward_rules`.

use super::Call;
use super::forward_rules::{self as rules, check_port, check_target};
use super::tunnels::go_float;
use crate::testkit::decode::{as_int, as_string};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::{Forward, NODE_IP, State};
use crate::testkit::tokens::Claims;
use serde_json::{Value, json};

/// The entry addresses of a forward (`resolveForwardIngress`): each distinct IP of the
/// tunnel's `in_ip` with the forward's port, or the node's IP when `in_ip` is empty.
pub(super) fn ingress(st: &State, f: &Forward) -> String {
    let in_ip = st
        .tunnels
        .get(&f.tunnel_id)
        .and_then(|t| t.in_ip.as_deref())
        .filter(|ip| !ip.trim().is_empty());
    let Some(in_ip) = in_ip else {
        return format!("{NODE_IP}:{}", f.port);
    };
    let mut seen: Vec<&str> = Vec::new();
    for ip in in_ip.split(',').map(str::trim).filter(|ip| !ip.is_empty()) {
        if !seen.contains(&ip) {
            seen.push(ip);
        }
    }
    seen.iter()
        .map(|ip| format!("{ip}:{}", f.port))
        .collect::<Vec<_>>()
        .join(",")
}

/// A `forward/list` item; 3.0 adds `tunnelTrafficRatio` and the new columns.
fn item(st: &State, f: &Forward) -> Value {
    let tunnel = st.tunnels.get(&f.tunnel_id);
    let tunnel_name = tunnel.map(|t| t.name.clone()).unwrap_or_default();
    let in_ip = Some(ingress(st, f)).filter(|s| !s.is_empty());
    let mut item = json!({
        "id": f.id, "userId": f.user_id, "userName": f.user_name, "name": f.name,
        "tunnelId": f.tunnel_id, "tunnelName": tunnel_name, "inIp": in_ip, "inPort": f.port,
        "remoteAddr": f.remote_addr, "strategy": f.strategy, "inFlow": f.in_flow,
        "outFlow": f.out_flow, "createdTime": f.created_time, "status": f.status, "inx": f.inx,
    });
    if st.profile.forward_extras
        && let Value::Object(map) = &mut item
    {
        let ratio = tunnel.map_or(1.0, |t| t.traffic_ratio);
        map.insert("tunnelTrafficRatio".into(), go_float(ratio));
        map.extend(rules::list_keys(st, &f.extras));
    }
    item
}

/// `ensureTunnelPermission`: admins pass; users need a binding with status 1.
fn permission(st: &State, actor: &Claims, tunnel_id: i64) -> Result<(), Reply> {
    let allowed = actor.is_admin()
        || st
            .bindings
            .values()
            .any(|b| b.user_id == actor.user_id && b.tunnel_id == tunnel_id && b.status == 1);
    if allowed {
        Ok(())
    } else {
        Err(Reply::fail("你没有该隧道的权限"))
    }
}

/// `ensureForwardAccessByActor`: another user's forward looks like a missing one.
pub(super) fn accessible(st: &State, actor: &Claims, id: i64) -> bool {
    st.forwards
        .get(&id)
        .is_some_and(|f| actor.is_admin() || f.user_id == actor.user_id)
}

/// The forward `actor` may act on, or `-1 "转发不存在"`.
pub(super) fn access(st: &State, actor: &Claims, id: i64) -> Result<Forward, Reply> {
    if !accessible(st, actor, id) {
        return Err(Reply::fail("转发不存在"));
    }
    st.forwards
        .get(&id)
        .cloned()
        .ok_or_else(|| Reply::fail("转发不存在"))
}

/// `POST /api/v1/forward/list`: everything for an admin, the caller's own otherwise.
pub(crate) fn list(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let actor = call.actor()?;
    let mut forwards: Vec<&Forward> = st
        .forwards
        .values()
        .filter(|f| actor.is_admin() || f.user_id == actor.user_id)
        .collect();
    forwards.sort_by_key(|f| (f.inx, f.id));
    Ok(Reply::data(Value::Array(
        forwards.into_iter().map(|f| item(st, f)).collect(),
    )))
}

/// `forward/create` (any HTTP method): a forward owned by the caller; no id returned.
/// The checks run in the panel's order (panel behaviour §5.19).
pub(crate) fn create(st: &mut State, call: &Call) -> Outcome {
    let req = call.lenient()?;
    let actor = call.actor()?;
    let tunnel_id = as_int(req.get("tunnelId"), 0);
    if tunnel_id <= 0 {
        return Err(Reply::fail("隧道ID不能为空"));
    }
    permission(st, actor, tunnel_id)?;
    let tunnel = st
        .tunnels
        .get(&tunnel_id)
        .ok_or_else(|| Reply::fail("隧道不存在"))?;
    if tunnel.status != 1 {
        return Err(Reply::fail("隧道已禁用，无法创建转发"));
    }
    if st.profile.forward_gate {
        st.gate(actor.user_id, tunnel_id).map_err(Reply::fail)?;
    }
    let name = as_string(req.get("name"));
    let remote_addr = as_string(req.get("remoteAddr"));
    if name.is_empty() || remote_addr.is_empty() {
        return Err(Reply::fail("转发名称和目标地址不能为空"));
    }
    check_target(st, actor, &remote_addr)?;
    let extras = rules::create_extras(st, actor, &req)?;
    let mut port = as_int(req.get("inPort"), 0);
    if port <= 0 {
        port = st.pick_port();
    }
    check_port(st, port, None)?;
    // 2.1 does not check the port: the node cannot listen on it and never starts the
    // service, but the create still answers success.
    let port_clash = st.forwards.values().any(|f| f.port == port);
    let user_name = st
        .users
        .get(&actor.user_id)
        .map(|u| u.user.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "user".into());
    let strategy = Some(as_string(req.get("strategy")))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "fifo".into());
    let now = st.now();
    let inx = st.next_forward_inx();
    st.seq.forward += 1;
    let id = st.seq.forward;
    st.forwards.insert(
        id,
        Forward {
            id,
            user_id: actor.user_id,
            user_name,
            name,
            tunnel_id,
            remote_addr,
            strategy,
            in_flow: 0,
            out_flow: 0,
            created_time: now,
            updated_time: now,
            status: 1,
            inx,
            port,
            service_binding_id: 0,
            node_running: false,
            port_clash,
            extras,
        },
    );
    // Warnings (a skipped offline node) are not reported by create.
    if let Err(msg) = st.push_forward(id) {
        st.forwards.remove(&id);
        return Err(Reply::fail(msg));
    }
    Ok(Reply::ok())
}

/// `forward/update` (any HTTP method): a patch; blank or missing fields keep their value.
/// Re-pushes the service, which on 2.1 restarts a paused forward on the node.
pub(crate) fn update(st: &mut State, call: &Call) -> Outcome {
    let req = call.lenient()?;
    let id = as_int(req.get("id"), 0);
    if id <= 0 {
        return Err(Reply::fail("转发ID不能为空"));
    }
    let actor = call.actor()?;
    let old = access(st, actor, id)?;
    let tunnel_id = as_int(req.get("tunnelId"), old.tunnel_id);
    if tunnel_id <= 0 {
        return Err(Reply::fail("隧道ID不能为空"));
    }
    permission(st, actor, tunnel_id)?;
    let tunnel = st
        .tunnels
        .get(&tunnel_id)
        .ok_or_else(|| Reply::fail("隧道不存在"))?;
    if tunnel.status != 1 {
        return Err(Reply::fail("隧道已禁用，无法更新转发"));
    }
    let keep = |key: &str, current: &str| {
        Some(as_string(req.get(key)))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| current.to_string())
    };
    let name = keep("name", &old.name);
    let remote_addr = keep("remoteAddr", &old.remote_addr);
    check_target(st, actor, &remote_addr)?;
    let strategy = keep("strategy", &old.strategy);
    let extras = rules::update_extras(st, actor, &req, &old.extras)?;
    let mut port = as_int(req.get("inPort"), 0);
    if port <= 0 {
        port = old.port;
    }
    check_port(st, port, Some(id))?;
    let now = st.now();
    if let Some(f) = st.forwards.get_mut(&id) {
        f.name = name;
        f.tunnel_id = tunnel_id;
        f.remote_addr = remote_addr;
        f.strategy = strategy;
        f.port = port;
        f.updated_time = now;
        f.extras = extras;
    }
    match st.push_forward(id) {
        Ok(warnings) if warnings.is_empty() => Ok(Reply::ok()),
        Ok(warnings) => Ok(Reply::data(json!({ "warnings": warnings }))),
        Err(msg) => {
            let rolled_back = Forward {
                updated_time: now,
                ..old
            };
            st.forwards.insert(id, rolled_back);
            Err(Reply::fail(msg))
        }
    }
}
