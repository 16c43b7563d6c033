//! The state dump tests assert on: what the panel's database holds, including what no
//! endpoint shows (real binding status, passwords, node runtime state).
//!
//! A 2.1 snapshot has exactly the 2.1 columns, so snapshots of 2.1 runs stay comparable
//! across versions of the fake; the 3.0 columns and the `quotas` table appear only in 3.0
//! snapshots.

use super::envelope::sorted;
use super::quota::QuotaRow;
use super::state::{Forward, State, User};
use serde_json::{Map, Value, json};

/// Adds `extra`'s keys to the object `item`.
fn extend(mut item: Value, extra: Value) -> Value {
    if let (Value::Object(map), Value::Object(extra)) = (&mut item, extra) {
        map.extend(extra);
    }
    item
}

fn user_v3(u: &User) -> Value {
    json!({"maxConn": u.max_conn, "passwordChangedAt": u.password_changed_at})
}

fn forward_v3(f: &Forward) -> Value {
    let x = &f.extras;
    json!({
        "speedId": x.speed_id, "ipSpeedId": x.ip_speed_id, "maxConn": x.max_conn,
        "ipMaxConn": x.ip_max_conn, "proxyProtocol": x.proxy_protocol,
        "proxyProtocolReceive": x.proxy_protocol_receive,
        "proxyProtocolSend": x.proxy_protocol_send,
    })
}

/// A `user_quota` row as stored (windows not rolled).
fn quota(user_id: i64, q: &QuotaRow) -> Value {
    json!({
        "userId": user_id, "dailyLimitGB": q.daily_limit_gb, "monthlyLimitGB": q.monthly_limit_gb,
        "dailyUsedBytes": q.daily_used_bytes, "monthlyUsedBytes": q.monthly_used_bytes,
        "dayKey": q.day_key, "monthKey": q.month_key, "disabledByQuota": q.disabled_by_quota,
        "disabledAt": q.disabled_at, "pausedForwardIds": q.paused_forward_ids,
    })
}

impl State {
    /// `{users, bindings, forwards}`, each ordered by id, keys sorted; on 3.0 also
    /// `quotas` (by user id), users' `maxConn`/`passwordChangedAt` and the forwards' 3.0
    /// columns.
    pub(crate) fn snapshot(&self) -> Value {
        let v3 = self.profile.user_limits;
        let users: Vec<Value> = self
            .users
            .values()
            .map(|u| {
                json!({
                    "id": u.id, "user": u.user, "pwd": u.pwd, "roleId": u.role_id,
                    "status": u.status, "flow": u.flow, "num": u.num, "expTime": u.exp_time,
                    "flowResetTime": u.flow_reset_time, "inFlow": u.in_flow, "outFlow": u.out_flow,
                    "createdTime": u.created_time, "updatedTime": u.updated_time,
                    "groupIds": self.groups_of(u.id),
                })
            })
            .zip(self.users.values())
            .map(|(item, u)| if v3 { extend(item, user_v3(u)) } else { item })
            .collect();
        let bindings: Vec<Value> = self
            .bindings
            .values()
            .map(|b| {
                json!({
                    "id": b.id, "userId": b.user_id, "tunnelId": b.tunnel_id, "status": b.status,
                    "flow": b.flow, "num": b.num, "expTime": b.exp_time,
                    "flowResetTime": b.flow_reset_time, "inFlow": b.in_flow, "outFlow": b.out_flow,
                    "speedId": b.speed_id,
                })
            })
            .collect();
        let forwards: Vec<Value> = self
            .forwards
            .values()
            .map(|f| {
                json!({
                    "id": f.id, "userId": f.user_id, "userName": f.user_name, "name": f.name,
                    "tunnelId": f.tunnel_id, "remoteAddr": f.remote_addr, "strategy": f.strategy,
                    "inPort": f.port, "inFlow": f.in_flow, "outFlow": f.out_flow,
                    "status": f.status, "nodeRunning": f.node_running,
                    "serviceBindingId": f.service_binding_id, "inx": f.inx,
                    "createdTime": f.created_time, "updatedTime": f.updated_time,
                })
            })
            .zip(self.forwards.values())
            .map(|(item, f)| {
                if v3 {
                    extend(item, forward_v3(f))
                } else {
                    item
                }
            })
            .collect();
        let mut tables = Map::new();
        tables.insert("users".into(), Value::Array(users));
        tables.insert("bindings".into(), Value::Array(bindings));
        tables.insert("forwards".into(), Value::Array(forwards));
        if v3 {
            let quotas = self.quotas.iter().map(|(id, q)| quota(*id, q)).collect();
            tables.insert("quotas".into(), Value::Array(quotas));
        }
        sorted(Value::Object(tables))
    }
}
