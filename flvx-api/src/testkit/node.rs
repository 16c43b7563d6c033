//! The entry node as the panel drives it: pushes (`AddService`/`UpdateService`) and
//! control commands (`PauseService`, `ResumeService`, `DeleteService`), online or offline.
//!
//! The node's runtime state is `Forward::node_running`. 2.1 fails every command while the
//! node is offline and restarts paused forwards on every push (panel behaviour §4.7); 3.0 skips an
//! offline node, re-pauses after a push and redeploys the database state on reconnect
//! (panel behaviour §1, §4.7).

use super::state::{Forward, NODE_ID, NODE_NAME, State};

impl State {
    /// Pushes a forward's service to the node, with the owner's current binding id in its
    /// name. Online, the node runs it, whatever its DB status, unless the profile re-pauses
    /// paused forwards. Offline, 2.1 fails with the node's error; 3.0 skips the node and
    /// returns the warnings `forward/update` and `user/update` report.
    pub(crate) fn push_forward(&mut self, forward_id: i64) -> Result<Vec<String>, String> {
        if !self.nodes_online {
            if self.profile.offline_nodes_skipped {
                return Ok(self.offline_push_warnings(forward_id));
            }
            return Err(format!("节点 {NODE_NAME} 下发失败: 节点不在线"));
        }
        let Some(f) = self.forwards.get(&forward_id) else {
            return Ok(Vec::new());
        };
        let binding = self.binding_of(f.user_id, f.tunnel_id).map_or(0, |b| b.id);
        let keep_paused = self.profile.pushes_keep_paused;
        if let Some(f) = self.forwards.get_mut(&forward_id) {
            f.service_binding_id = binding;
            // UpdateService restarts the service; 3.0 follows it with PauseService.
            f.node_running = (!keep_paused || f.status == 1) && !f.port_clash;
        }
        Ok(Vec::new())
    }

    /// `syncForwardServicesWithWarnings` against an offline node: a traffic limiter is
    /// pushed first and its failure skips the node; otherwise each connection limiter fails
    /// (named by node id), then the service push is skipped (named by node name).
    fn offline_push_warnings(&self, forward_id: i64) -> Vec<String> {
        let skipped = format!("节点 {NODE_NAME} 不在线，已跳过下发");
        let Some(f) = self.forwards.get(&forward_id) else {
            return Vec::new();
        };
        if self.has_traffic_limiter(f) {
            return vec![skipped];
        }
        let limiter_failed =
            format!("节点 {NODE_ID} 连接限制器下发失败: 连接限制器下发失败: 节点不在线");
        let mut warnings = vec![limiter_failed; self.conn_limiter_count(f)];
        warnings.push(skipped);
        warnings
    }

    /// Whether a push carries a speed limiter: the forward's own, else its binding's, or a
    /// per-IP one (`control_plane.go` 270-290).
    fn has_traffic_limiter(&self, f: &Forward) -> bool {
        let exists = |id: Option<i64>| {
            id.and_then(|id| self.speed_limits.get(&id))
                .is_some_and(|s| s.speed > 0)
        };
        let binding_speed = self
            .binding_of(f.user_id, f.tunnel_id)
            .and_then(|b| b.speed_id);
        exists(f.extras.speed_id) || exists(binding_speed) || exists(f.extras.ip_speed_id)
    }

    /// `buildConnLimiterConfigs`: a forward's own `maxConn` replaces the user's.
    fn conn_limiter_count(&self, f: &Forward) -> usize {
        if f.extras.max_conn > 0 {
            return 1;
        }
        let user_cap = self.users.get(&f.user_id).is_some_and(|u| u.max_conn > 0);
        usize::from(user_cap) + usize::from(f.extras.ip_max_conn > 0)
    }

    /// Sends a control command for a forward (`running` is the state it leaves). Offline,
    /// 2.1 fails with the node's error; 3.0 skips the node, which keeps its state.
    pub(crate) fn control_forward(&mut self, forward_id: i64, running: bool) -> Result<(), String> {
        if !self.nodes_online {
            if self.profile.offline_nodes_skipped {
                return Ok(());
            }
            return Err("节点不在线".to_string());
        }
        if let Some(f) = self.forwards.get_mut(&forward_id) {
            f.node_running = running;
        }
        Ok(())
    }

    /// Re-pushes every forward of `user` on `tunnel` (`syncUserTunnelForwards`), ignoring
    /// node errors. On 2.1 this restarts paused forwards on the node (§4.7).
    pub(crate) fn repush_user_tunnel(&mut self, user_id: i64, tunnel_id: i64) {
        let ids: Vec<i64> = self
            .forwards
            .values()
            .filter(|f| f.user_id == user_id && f.tunnel_id == tunnel_id)
            .map(|f| f.id)
            .collect();
        for id in ids {
            let _ = self.push_forward(id);
        }
    }

    /// Brings the node online or offline. A 3.0 node coming back gets every forward
    /// redeployed from the database (`upgrade.go` 590-601, 701-727).
    pub(crate) fn set_nodes_online(&mut self, online: bool) {
        let reconnect = online && !self.nodes_online;
        self.nodes_online = online;
        if reconnect && self.profile.offline_nodes_skipped {
            let ids: Vec<i64> = self.forwards.keys().copied().collect();
            for id in ids {
                let _ = self.push_forward(id);
            }
        }
    }
}
