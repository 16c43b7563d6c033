//! The state dump tests assert on: what the panel's database holds, including what no
//! endpoint shows (real binding status, passwords, node runtime state).

use super::envelope::sorted;
use super::state::State;
use serde_json::{Value, json};

impl State {
    /// `{users, bindings, forwards}`, each ordered by id, keys sorted.
    pub(crate) fn snapshot(&self) -> Value {
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
            .collect();
        sorted(json!({"users": users, "bindings": bindings, "forwards": forwards}))
    }
}
