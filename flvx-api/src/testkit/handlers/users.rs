//! `user/create|update|delete|list|package|reset|groups` (contract §5.2–§5.8).

use super::Call;
use super::bindings::binding_detail;
use super::forwards::ingress;
use crate::testkit::clock::YEAR_MS;
use crate::testkit::decode::{self, Field, Schema, as_int, as_string};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::{State, User};
use serde_json::{Map, Value, json};

const LIST: Schema = &[
    ("current", Field::Int),
    ("size", Field::Int),
    ("keyword", Field::Str),
];

/// A `user/list` item.
fn list_item(u: &User) -> Value {
    json!({
        "id": u.id, "user": u.user, "name": u.user, "roleId": u.role_id, "status": u.status,
        "flow": u.flow, "num": u.num, "expTime": u.exp_time, "flowResetTime": u.flow_reset_time,
        "createdTime": u.created_time, "updatedTime": u.updated_time,
        "inFlow": u.in_flow, "outFlow": u.out_flow,
    })
}

/// The quota fields shared by create and update, with the create defaults.
struct Quota {
    flow: i64,
    num: i64,
    exp_time: i64,
    flow_reset_time: i64,
    status: i64,
}

fn quota(req: &Map<String, Value>, now: i64) -> Quota {
    Quota {
        flow: as_int(req.get("flow"), 100),
        num: as_int(req.get("num"), 10),
        exp_time: as_int(req.get("expTime"), now + YEAR_MS),
        flow_reset_time: as_int(req.get("flowResetTime"), 1),
        status: as_int(req.get("status"), 1),
    }
}

/// `POST /api/v1/user/create`: no id is returned.
pub(crate) fn create(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req = call.lenient()?;
    let username = as_string(req.get("user"));
    let pwd = as_string(req.get("pwd"));
    if username.is_empty() || pwd.is_empty() {
        return Err(Reply::fail("用户名或密码不能为空"));
    }
    if st.user_by_name(&username).is_some() {
        return Err(Reply::fail("用户名已存在"));
    }
    let now = st.now();
    let q = quota(&req, now);
    st.seq.user += 1;
    let id = st.seq.user;
    st.users.insert(
        id,
        User {
            id,
            user: username,
            pwd,
            role_id: 1,
            exp_time: q.exp_time,
            flow: q.flow,
            in_flow: 0,
            out_flow: 0,
            flow_reset_time: q.flow_reset_time,
            num: q.num,
            created_time: now,
            updated_time: Some(now),
            status: q.status,
        },
    );
    st.add_memberships(id, &decode::as_int_slice(req.get("groupIds")));
    Ok(Reply::ok())
}

/// `POST /api/v1/user/update`: a full replace; omitted fields get the create defaults, and
/// flow/num/expTime/flowResetTime are copied to every binding of the user.
pub(crate) fn update(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req = call.lenient()?;
    let id = as_int(req.get("id"), 0);
    if id <= 0 {
        return Err(Reply::fail("用户ID不能为空"));
    }
    let username = as_string(req.get("user"));
    if username.is_empty() {
        return Err(Reply::fail("用户名不能为空"));
    }
    let role = st
        .users
        .get(&id)
        .map(|u| u.role_id)
        .ok_or_else(|| Reply::fail("用户不存在"))?;
    if role == 0 {
        return Err(Reply::fail("请不要作死"));
    }
    if st.users.values().any(|u| u.user == username && u.id != id) {
        return Err(Reply::fail("用户名已存在"));
    }
    let now = st.now();
    let q = quota(&req, now);
    let pwd = as_string(req.get("pwd"));
    if let Some(u) = st.users.get_mut(&id) {
        u.user = username;
        if !pwd.is_empty() {
            u.pwd = pwd;
        }
        u.flow = q.flow;
        u.num = q.num;
        u.exp_time = q.exp_time;
        u.flow_reset_time = q.flow_reset_time;
        u.status = q.status;
        u.updated_time = Some(now);
    }
    for b in st.bindings.values_mut().filter(|b| b.user_id == id) {
        b.flow = q.flow;
        b.num = q.num;
        b.exp_time = q.exp_time;
        b.flow_reset_time = q.flow_reset_time;
    }
    if req.contains_key("groupIds") {
        st.memberships.retain(|(_, u)| *u != id);
        st.add_memberships(id, &decode::as_int_slice(req.get("groupIds")));
    }
    Ok(Reply::ok())
}

/// `POST /api/v1/user/delete`: deletes the user's forwards, bindings and memberships in
/// the database (no node commands), then the user.
pub(crate) fn delete(st: &mut State, call: &Call) -> Outcome {
    let id = call.id_from_body("id")?;
    let role = st
        .users
        .get(&id)
        .map(|u| u.role_id)
        .ok_or_else(|| Reply::fail("用户不存在"))?;
    if role == 0 {
        return Err(Reply::fail("请不要作死"));
    }
    st.forwards.retain(|_, f| f.user_id != id);
    st.bindings.retain(|_, b| b.user_id != id);
    st.memberships.retain(|(_, u)| *u != id);
    st.users.remove(&id);
    Ok(Reply::ok())
}

/// `POST /api/v1/user/list`: every non-admin user, by id, filtered by `keyword`.
pub(crate) fn list(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req = decode::strict(call.body, LIST, true).map_err(|()| Reply::fail("请求参数错误"))?;
    let keyword = decode::field_str(&req, "keyword").trim().to_lowercase();
    let items: Vec<Value> = st
        .users
        .values()
        .filter(|u| u.role_id != 0)
        .filter(|u| keyword.is_empty() || u.user.trim().to_lowercase().contains(&keyword))
        .map(list_item)
        .collect();
    Ok(Reply::data(Value::Array(items)))
}

/// `POST /api/v1/user/package`: the caller's own user, bindings and forwards.
pub(crate) fn package(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let actor = call.actor()?.user_id;
    let u = st
        .users
        .get(&actor)
        .ok_or_else(|| Reply::fail("用户不存在"))?;
    let user_info = json!({
        "id": u.id, "name": u.user, "user": u.user, "status": u.status, "flow": u.flow,
        "inFlow": u.in_flow, "outFlow": u.out_flow, "num": u.num, "expTime": u.exp_time,
        "flowResetTime": u.flow_reset_time, "createdTime": u.created_time,
        "updatedTime": u.updated_time,
    });
    let permissions: Vec<Value> = st
        .bindings
        .values()
        .filter(|b| b.user_id == actor)
        .map(|b| {
            let mut item = binding_detail(st, b);
            let speed = b
                .speed_id
                .and_then(|s| st.speed_limits.get(&s))
                .map(|s| s.speed);
            if let Value::Object(map) = &mut item {
                map.insert("speed".into(), json!(speed));
            }
            item
        })
        .collect();
    let forwards: Vec<Value> = st
        .forwards
        .values()
        .filter(|f| f.user_id == actor)
        .map(|f| {
            let tunnel_name = st
                .tunnels
                .get(&f.tunnel_id)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            json!({
                "id": f.id, "name": f.name, "tunnelId": f.tunnel_id, "tunnelName": tunnel_name,
                "inIp": ingress(st, f), "inPort": f.port, "remoteAddr": f.remote_addr,
                "inFlow": f.in_flow, "outFlow": f.out_flow, "status": f.status,
                "createdTime": f.created_time,
            })
        })
        .collect();
    Ok(Reply::data(json!({
        "userInfo": user_info,
        "tunnelPermissions": permissions,
        "forwards": forwards,
        "statisticsFlows": [],
    })))
}

/// `POST /api/v1/user/reset`: type 1 zeroes a user and all its bindings, type 2 one
/// binding. Unknown ids succeed silently.
pub(crate) fn reset(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req = call.lenient()?;
    let id = as_int(req.get("id"), 0);
    let kind = as_int(req.get("type"), 0);
    if id <= 0 || (kind != 1 && kind != 2) {
        return Err(Reply::fail("请求参数错误"));
    }
    let now = st.now();
    if kind == 1 {
        if let Some(u) = st.users.get_mut(&id) {
            u.in_flow = 0;
            u.out_flow = 0;
            u.updated_time = Some(now);
        }
        for b in st.bindings.values_mut().filter(|b| b.user_id == id) {
            b.in_flow = 0;
            b.out_flow = 0;
        }
    } else if let Some(b) = st.bindings.get_mut(&id) {
        b.in_flow = 0;
        b.out_flow = 0;
    }
    Ok(Reply::ok())
}

/// `POST /api/v1/user/groups`: the user-group ids of any user (no ownership check).
pub(crate) fn groups(st: &mut State, call: &Call) -> Outcome {
    let id = call.id_from_body("id")?;
    Ok(Reply::data(json!(st.groups_of(id))))
}
