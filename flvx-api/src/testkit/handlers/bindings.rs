//! `tunnel/user/assign|batch-assign|update|remove|list` (panel behaviour §5.12–§5.16, delta
//! §5.12–§5.16).

use super::Call;
use super::forward_rules::known_speed_limit;
use crate::testkit::clock::YEAR_MS;
use crate::testkit::decode::{self, Field, Schema, as_int, as_opt_int};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::{Binding, State};
use serde_json::{Map, Value, json};

const BATCH: Schema = &[
    ("userId", Field::Int),
    (
        "tunnels",
        Field::Items(&[("tunnelId", Field::Int), ("speedId", Field::OptInt)]),
    ),
];
const LIST: Schema = &[("userId", Field::Int)];

/// 3.0's answer for a binding id that does not exist (`sql.ErrNoRows`).
const NO_ROWS: &str = "sql: no rows in result set";

/// A requested speed limit; 3.0 treats an unknown id as none.
fn speed_limit(st: &State, requested: Option<i64>) -> Option<i64> {
    if st.profile.bindings_v3 {
        known_speed_limit(st, requested)
    } else {
        requested
    }
}

/// The binding fields `user/package` and `tunnel/user/list` share (`GetUserPackageTunnels`:
/// a LEFT JOIN, so a missing tunnel gives `""`/0 and a missing speed limit `null`).
pub(super) fn binding_detail(st: &State, b: &Binding) -> Value {
    let tunnel = st.tunnels.get(&b.tunnel_id);
    let speed_name = b
        .speed_id
        .and_then(|s| st.speed_limits.get(&s))
        .map(|s| s.name.clone());
    json!({
        "id": b.id, "userId": b.user_id, "tunnelId": b.tunnel_id,
        "tunnelName": tunnel.map(|t| t.name.clone()).unwrap_or_default(),
        "tunnelFlow": tunnel.map_or(0, |t| t.flow),
        "flow": b.flow, "inFlow": b.in_flow, "outFlow": b.out_flow, "num": b.num,
        "flowResetTime": b.flow_reset_time, "expTime": b.exp_time,
        "speedId": b.speed_id, "speedLimitName": speed_name,
    })
}

/// `upsertUserTunnel`: insert with the user's quota as defaults, or patch the existing row
/// (only fields present with a value >= 0) and re-push its forwards. 3.0 also pushes the
/// user's forwards on the tunnel after an insert.
fn upsert(st: &mut State, req: &Map<String, Value>) -> Result<(), String> {
    let user_id = as_int(req.get("userId"), 0);
    let tunnel_id = as_int(req.get("tunnelId"), 0);
    if user_id <= 0 || tunnel_id <= 0 {
        return Err("userId or tunnelId missing".into());
    }
    let speed_id = speed_limit(st, as_opt_int(req.get("speedId")));
    let flow = as_int(req.get("flow"), -1);
    let num = as_int(req.get("num"), -1);
    let exp_time = as_int(req.get("expTime"), -1);
    let reset = as_int(req.get("flowResetTime"), -1);
    let status = as_int(req.get("status"), -1);
    let pick = |requested: i64, current: i64| if requested >= 0 { requested } else { current };

    let Some(existing) = st.binding_of(user_id, tunnel_id).map(|b| b.id) else {
        let now = st.now();
        let user = st.users.get(&user_id);
        let binding = Binding {
            id: st.seq.binding + 1,
            user_id,
            tunnel_id,
            speed_id,
            num: pick(num, user.map_or(0, |u| u.num)),
            flow: pick(flow, user.map_or(0, |u| u.flow)),
            in_flow: 0,
            out_flow: 0,
            flow_reset_time: pick(reset, user.map_or(1, |u| u.flow_reset_time)),
            exp_time: pick(exp_time, user.map_or(now + YEAR_MS, |u| u.exp_time)),
            status: pick(status, 1),
        };
        st.seq.binding = binding.id;
        st.binding_history
            .insert(binding.id, (binding.user_id, binding.tunnel_id));
        st.bindings.insert(binding.id, binding);
        if st.profile.bindings_v3 {
            st.repush_user_tunnel(user_id, tunnel_id);
        }
        return Ok(());
    };
    if let Some(b) = st.bindings.get_mut(&existing) {
        b.flow = pick(flow, b.flow);
        b.num = pick(num, b.num);
        b.exp_time = pick(exp_time, b.exp_time);
        b.flow_reset_time = pick(reset, b.flow_reset_time);
        b.status = pick(status, b.status);
        if speed_id.is_some() || req.contains_key("speedId") {
            b.speed_id = speed_id;
        }
    }
    st.repush_user_tunnel(user_id, tunnel_id);
    Ok(())
}

/// `tunnel/user/assign` (any HTTP method).
pub(crate) fn assign(st: &mut State, call: &Call) -> Outcome {
    let req = call.lenient()?;
    upsert(st, &req).map_err(|e| Reply::err(-2, e))?;
    Ok(Reply::ok())
}

/// `tunnel/user/batch-assign` (any HTTP method, strict body). Items are applied in order
/// and processing stops at the first failing one.
pub(crate) fn batch_assign(st: &mut State, call: &Call) -> Outcome {
    let bad = || Reply::fail("请求参数错误");
    let req = decode::strict(call.body, BATCH, false).map_err(|()| bad())?;
    let user_id = decode::field_int(&req, "userId");
    if user_id <= 0 {
        return Err(bad());
    }
    for item in decode::field_items(&req, "tunnels") {
        let mut m = Map::new();
        m.insert("userId".into(), json!(user_id));
        m.insert(
            "tunnelId".into(),
            json!(decode::field_int(&item, "tunnelId")),
        );
        if let Some(speed) = decode::field_opt_int(&item, "speedId") {
            m.insert("speedId".into(), json!(speed));
        }
        upsert(st, &m).map_err(|e| Reply::err(-2, e))?;
    }
    Ok(Reply::ok())
}

/// `tunnel/user/update` (any HTTP method): a full replace keyed by binding id; unknown ids
/// succeed without effect on 2.1 and fail on 3.0.
pub(crate) fn update(st: &mut State, call: &Call) -> Outcome {
    let req = call.lenient()?;
    let id = as_int(req.get("id"), 0);
    if id <= 0 {
        return Err(Reply::fail("权限ID不能为空"));
    }
    let now = st.now();
    let speed_id = speed_limit(st, as_opt_int(req.get("speedId")));
    let strict = st.profile.bindings_v3;
    let Some(b) = st.bindings.get_mut(&id) else {
        return if strict {
            Err(Reply::err(-2, NO_ROWS))
        } else {
            Ok(Reply::ok())
        };
    };
    b.flow = as_int(req.get("flow"), 0);
    b.num = as_int(req.get("num"), 0);
    b.exp_time = as_int(req.get("expTime"), now + YEAR_MS);
    b.flow_reset_time = as_int(req.get("flowResetTime"), 1);
    b.speed_id = speed_id;
    b.status = as_int(req.get("status"), 1);
    let (user_id, tunnel_id) = (b.user_id, b.tunnel_id);
    st.repush_user_tunnel(user_id, tunnel_id);
    Ok(Reply::ok())
}

/// `tunnel/user/remove`: on 2.1 deletes only the binding row and its forwards stay; on 3.0
/// an unknown id fails, and the user's forwards on that tunnel are deleted first (running
/// ones get `DeleteService`, errors ignored; `cleanupForwardsForUserTunnel`).
pub(crate) fn remove(st: &mut State, call: &Call) -> Outcome {
    let id = call.id_from_body("id")?;
    if !st.profile.bindings_v3 {
        st.bindings.remove(&id);
        return Ok(Reply::ok());
    }
    let (user_id, tunnel_id) = st
        .bindings
        .get(&id)
        .map(|b| (b.user_id, b.tunnel_id))
        .ok_or_else(|| Reply::err(-2, NO_ROWS))?;
    let doomed: Vec<(i64, bool)> = st
        .forwards
        .values()
        .filter(|f| f.user_id == user_id && f.tunnel_id == tunnel_id)
        .map(|f| (f.id, f.status == 1))
        .collect();
    for (forward, running) in doomed {
        if running {
            let _ = st.control_forward(forward, false);
        }
        st.forwards.remove(&forward);
    }
    st.bindings.remove(&id);
    Ok(Reply::ok())
}

/// `tunnel/user/list`: a user's bindings; `status` is always 1 on 2.1, the real one on 3.0.
pub(crate) fn list(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req = decode::strict(call.body, LIST, false).map_err(|()| Reply::fail("请求参数错误"))?;
    let user_id = decode::field_int(&req, "userId");
    let items: Vec<Value> = st
        .bindings
        .values()
        .filter(|b| user_id > 0 && b.user_id == user_id)
        .map(|b| {
            let mut item = binding_detail(st, b);
            let status = if st.profile.binding_real_status {
                b.status
            } else {
                1
            };
            if let Value::Object(map) = &mut item {
                map.insert("status".into(), json!(status));
            }
            item
        })
        .collect();
    Ok(Reply::data(Value::Array(items)))
}
