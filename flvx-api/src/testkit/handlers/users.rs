//! `user/create|update|delete|reset` (panel behaviour §5.2–§5.4, §5.7; panel behaviour §5.2–§5.4).
//!
//! 3.0's additions (`maxConn`, the quota keys, bcrypt's length limit) are in
//! `user_limits`; these handlers call them where the Go handlers do, so the order of
//! checks and the partial writes of a failing update stay the panel's.

use super::Call;
use super::user_limits::{self, Limits};
use crate::testkit::clock::YEAR_MS;
use crate::testkit::decode::{self, as_int, as_string};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::{State, User};
use serde_json::{Map, Value};

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
    let limits = Limits::of_create(st, &req)?;
    user_limits::hash_check(st, &pwd)?;
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
            max_conn: limits.max_conn,
            password_changed_at: 0,
        },
    );
    limits.save_created(st, id);
    st.add_memberships(id, &decode::as_int_slice(req.get("groupIds")));
    Ok(Reply::ok())
}

/// `POST /api/v1/user/update`: a full replace; omitted fields get the create defaults
/// (`maxConn` 0 on 3.0), and flow/num/expTime/flowResetTime are copied to every binding of
/// the user. On 3.0 the quota keys, the group change and the `maxConn` re-push come after
/// those writes, so their errors leave the row updated.
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
    if !pwd.is_empty() {
        user_limits::hash_check(st, &pwd)?;
    }
    let old_max_conn = st.users.get(&id).map_or(0, |u| u.max_conn);
    let max_conn = user_limits::max_conn(st, &req);
    let records_password_change = st.profile.db_checked_tokens;
    if let Some(u) = st.users.get_mut(&id) {
        u.user = username;
        if !pwd.is_empty() {
            u.pwd = pwd;
            if records_password_change {
                u.password_changed_at = now;
            }
        }
        u.max_conn = max_conn;
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
    user_limits::save_updated_quota(st, id, &req)?;
    if req.contains_key("groupIds") {
        st.memberships.retain(|(_, u)| *u != id);
        st.add_memberships(id, &decode::as_int_slice(req.get("groupIds")));
    }
    user_limits::push_max_conn(st, id, old_max_conn)
}

/// `POST /api/v1/user/delete`: deletes the user's forwards, bindings, memberships and
/// hourly statistics in the database (no node commands), then the user.
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
    st.quotas.remove(&id);
    st.statistics.retain(|r| r.user_id != id);
    st.users.remove(&id);
    Ok(Reply::ok())
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
