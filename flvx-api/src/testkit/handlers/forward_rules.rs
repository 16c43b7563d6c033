//! 3.0's forward rules (panel behaviour §5.19): the SSRF filter, `inPort` validation, who may set
//! speed limits, and the new columns. On 2.1 every check passes and the columns stay zero,
//! so `forwards` reads as the 2.1 contract.

use crate::testkit::decode::{as_int, as_opt_int};
use crate::testkit::envelope::Reply;
use crate::testkit::ssrf::check_remote_addr;
use crate::testkit::state::{ForwardExtras, NODE_NAME, State};
use crate::testkit::tokens::Claims;
use serde_json::{Map, Value};

/// The SSRF filter: non-admin callers, unless `allow_local_remote_addr` is `"true"`;
/// refused with body code 403 and the panel's English message.
pub(super) fn check_target(st: &State, actor: &Claims, remote_addr: &str) -> Result<(), Reply> {
    if !st.profile.ssrf_filter || actor.is_admin() || st.allow_local_remote_addr() {
        return Ok(());
    }
    check_remote_addr(remote_addr).map_err(|e| Reply::err(403, e))
}

/// `validateLocalNodePort` then `validateForwardPortAvailability` on the entry node;
/// `forward` is the forward being updated, whose own port does not count.
pub(super) fn check_port(st: &State, port: i64, forward: Option<i64>) -> Result<(), Reply> {
    if !st.profile.port_checks || port <= 0 {
        return Ok(());
    }
    let (min, max) = st.port_range;
    if port < min || port > max {
        return Err(Reply::fail(format!(
            "端口 {port} 超出节点 {NODE_NAME} 允许范围 {min}-{max}"
        )));
    }
    let taken = st
        .forwards
        .values()
        .any(|f| f.port == port && Some(f.id) != forward);
    if taken {
        return Err(Reply::fail(format!(
            "节点 {NODE_NAME} 端口 {port} 已被其他转发占用"
        )));
    }
    Ok(())
}

/// `normalizeSpeedLimitReference`: an unknown speed-limit id silently becomes `None`.
pub(super) fn known_speed_limit(st: &State, id: Option<i64>) -> Option<i64> {
    id.filter(|id| st.speed_limits.contains_key(id))
}

/// The new columns of `forward/create`. A customer may not send a non-null `speedId` or
/// `ipSpeedId` (even `""`: the check is on the raw value).
pub(super) fn create_extras(
    st: &State,
    actor: &Claims,
    req: &Map<String, Value>,
) -> Result<ForwardExtras, Reply> {
    if !st.profile.forward_extras {
        return Ok(ForwardExtras::default());
    }
    let sent = |key: &str| req.get(key).is_some_and(|v| !v.is_null());
    if !actor.is_admin() && sent("speedId") {
        return Err(Reply::fail("普通用户无法设置限速规则"));
    }
    let speed_id = known_speed_limit(st, as_opt_int(req.get("speedId")));
    if !actor.is_admin() && sent("ipSpeedId") {
        return Err(Reply::fail("普通用户无法设置每 IP 限速规则"));
    }
    let ip_speed_id = known_speed_limit(st, as_opt_int(req.get("ipSpeedId")));
    let proxy_protocol = as_int(req.get("proxyProtocol"), 0);
    Ok(ForwardExtras {
        speed_id,
        ip_speed_id,
        max_conn: as_int(req.get("maxConn"), 0),
        ip_max_conn: as_int(req.get("ipMaxConn"), 0).max(0),
        proxy_protocol,
        proxy_protocol_receive: as_int(req.get("proxyProtocolReceive"), 0),
        proxy_protocol_send: as_int(req.get("proxyProtocolSend"), proxy_protocol),
    })
}

/// The new columns of `forward/update`, a patch. A customer may resend the current
/// `speedId` (or omit it, or send null) but not change it; for `ipSpeedId` even null
/// counts as a change when one is set. An admin's unknown id clears the limit.
pub(super) fn update_extras(
    st: &State,
    actor: &Claims,
    req: &Map<String, Value>,
    old: &ForwardExtras,
) -> Result<ForwardExtras, Reply> {
    if !st.profile.forward_extras {
        return Ok(old.clone());
    }
    let requested = as_opt_int(req.get("speedId"));
    let changes_speed = requested.is_some() && requested != old.speed_id;
    if !actor.is_admin() && changes_speed {
        return Err(Reply::fail("普通用户无法修改限速规则"));
    }
    let speed_id = match known_speed_limit(st, requested) {
        Some(id) => Some(id),
        None if req.contains_key("speedId") => None,
        None => old.speed_id,
    };
    let requested_ip = as_opt_int(req.get("ipSpeedId"));
    let has_ip = req.contains_key("ipSpeedId");
    let ip_speed_id = if actor.is_admin() {
        match known_speed_limit(st, requested_ip) {
            Some(id) => Some(id),
            None if has_ip => None,
            None => old.ip_speed_id,
        }
    } else if has_ip && requested_ip != old.ip_speed_id {
        return Err(Reply::fail("普通用户无法修改每 IP 限速规则"));
    } else {
        old.ip_speed_id
    };
    let keep = |key: &str, current: i64| as_int(req.get(key), current);
    Ok(ForwardExtras {
        speed_id,
        ip_speed_id,
        max_conn: keep("maxConn", old.max_conn),
        ip_max_conn: keep("ipMaxConn", old.ip_max_conn).max(0),
        proxy_protocol: keep("proxyProtocol", old.proxy_protocol),
        proxy_protocol_receive: keep("proxyProtocolReceive", old.proxy_protocol_receive),
        proxy_protocol_send: keep("proxyProtocolSend", old.proxy_protocol_send),
    })
}

/// The `forward/list` keys of the new columns: `speedId`, `ipSpeedId` and
/// `ipSpeedLimitName` only when set; a legacy `proxyProtocol` stands in for a zero
/// `proxyProtocolSend` (`normalizeForwardProxyProtocol`).
pub(super) fn list_keys(st: &State, x: &ForwardExtras) -> Map<String, Value> {
    let mut keys = Map::new();
    let send = if x.proxy_protocol_send == 0 && x.proxy_protocol > 0 {
        x.proxy_protocol
    } else {
        x.proxy_protocol_send
    };
    for (key, value) in [
        ("maxConn", x.max_conn),
        ("ipMaxConn", x.ip_max_conn),
        ("proxyProtocol", x.proxy_protocol),
        ("proxyProtocolReceive", x.proxy_protocol_receive),
        ("proxyProtocolSend", send),
    ] {
        keys.insert(key.into(), Value::from(value));
    }
    if let Some(id) = x.speed_id {
        keys.insert("speedId".into(), Value::from(id));
    }
    if let Some(id) = x.ip_speed_id {
        keys.insert("ipSpeedId".into(), Value::from(id));
    }
    let ip_limit_name = x
        .ip_speed_id
        .and_then(|id| st.speed_limits.get(&id))
        .map(|s| s.name.trim())
        .filter(|name| !name.is_empty());
    if let Some(name) = ip_limit_name {
        keys.insert("ipSpeedLimitName".into(), Value::from(name));
    }
    keys
}
