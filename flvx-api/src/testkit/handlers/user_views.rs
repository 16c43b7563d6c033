//! `user/list|package|groups` (panel behaviour §5.5, §5.6, §5.8; panel behaviour §5.5).

use super::Call;
use super::bindings::binding_detail;
use super::forwards::ingress;
use crate::testkit::decode::{self, Field, Schema};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::quota::QuotaRow;
use crate::testkit::state::{State, User};
use serde_json::{Map, Value, json};

const LIST: Schema = &[
    ("current", Field::Int),
    ("size", Field::Int),
    ("keyword", Field::Str),
];

/// A `user/list` item. 3.0 adds `maxConn`, and the quota keys when the user has a quota
/// row (panel behaviour §5.5).
fn list_item(st: &State, u: &User) -> Value {
    let mut item = json!({
        "id": u.id, "user": u.user, "name": u.user, "roleId": u.role_id, "status": u.status,
        "flow": u.flow, "num": u.num, "expTime": u.exp_time, "flowResetTime": u.flow_reset_time,
        "createdTime": u.created_time, "updatedTime": u.updated_time,
        "inFlow": u.in_flow, "outFlow": u.out_flow,
    });
    if st.profile.user_limits
        && let Value::Object(map) = &mut item
    {
        map.insert("maxConn".into(), json!(u.max_conn));
        if let Some(q) = st.quota_view(u.id) {
            map.extend(quota_keys(&q));
        }
    }
    item
}

fn quota_keys(q: &QuotaRow) -> Map<String, Value> {
    let keys = json!({
        "dailyQuotaGB": q.daily_limit_gb, "monthlyQuotaGB": q.monthly_limit_gb,
        "dailyUsedBytes": q.daily_used_bytes, "monthlyUsedBytes": q.monthly_used_bytes,
        "disabledByQuota": q.disabled_by_quota, "quotaDisabledAt": q.disabled_at,
    });
    match keys {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `POST /api/v1/user/list`: every non-admin user, filtered by `keyword`; by id, which
/// 3.0 sorts descending.
pub(crate) fn list(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req = decode::strict(call.body, LIST, true).map_err(|()| Reply::fail("请求参数错误"))?;
    let keyword = decode::field_str(&req, "keyword").trim().to_lowercase();
    let mut items: Vec<Value> = st
        .users
        .values()
        .filter(|u| u.role_id != 0)
        .filter(|u| keyword.is_empty() || u.user.trim().to_lowercase().contains(&keyword))
        .map(|u| list_item(st, u))
        .collect();
    if st.profile.newest_first {
        items.reverse();
    }
    Ok(Reply::data(Value::Array(items)))
}

/// `POST /api/v1/user/package`: the caller's own user, bindings, forwards and latest
/// hourly statistics.
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
        "statisticsFlows": st.hourly_rows(actor),
    })))
}

/// `POST /api/v1/user/groups`: the user-group ids of any user (no ownership check).
pub(crate) fn groups(st: &mut State, call: &Call) -> Outcome {
    let id = call.id_from_body("id")?;
    Ok(Reply::data(json!(st.groups_of(id))))
}
