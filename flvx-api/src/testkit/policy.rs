//! Traffic accounting and enforcement (panel behaviour §4.1–§4.5, panel behaviour §4.1–§4.4;
//! `flow_policy.go`, `flow_upload_batch.go`, `jobs.go`).

use super::clock::day_and_last_day;
use super::state::State;
use crate::units::BYTES_PER_GIB;

/// `bytesPerGB`, as the int64 the panel multiplies with (the product wraps, as in Go).
const GIB: i64 = BYTES_PER_GIB as i64;

impl State {
    /// A node's traffic report for one forward (`processFlowItem`): scale by the tunnel,
    /// add to the forward, its owner and the binding named in the service, then enforce
    /// when the service names a binding. 3.0 first adds the bytes to the owner's quota
    /// usage and applies the quota block (`applyFlowUploadBatch`).
    pub(crate) fn add_traffic(&mut self, forward_id: i64, up: u64, down: u64) {
        let Some(forward) = self.forwards.get(&forward_id) else {
            return;
        };
        let (user_id, binding_id) = (forward.user_id, forward.service_binding_id);
        let tunnel = self
            .tunnels
            .get(&forward.tunnel_id)
            .map(|t| (t.traffic_ratio, t.flow));
        let scale = |bytes: u64| match tunnel {
            Some((ratio, multiplier)) => ((bytes as f64 * ratio) as i64).wrapping_mul(multiplier),
            None => i64::try_from(bytes).unwrap_or(i64::MAX),
        };
        let (in_flow, out_flow) = (scale(down), scale(up));
        let add = |acc: &mut i64, delta: i64| *acc = acc.wrapping_add(delta);
        if let Some(f) = self.forwards.get_mut(&forward_id) {
            add(&mut f.in_flow, in_flow);
            add(&mut f.out_flow, out_flow);
        }
        if let Some(u) = self.users.get_mut(&user_id) {
            add(&mut u.in_flow, in_flow);
            add(&mut u.out_flow, out_flow);
        }
        if let Some(b) = self.bindings.get_mut(&binding_id) {
            add(&mut b.in_flow, in_flow);
            add(&mut b.out_flow, out_flow);
        }
        if self.profile.user_limits {
            self.add_quota_usage(user_id, in_flow.wrapping_add(out_flow));
        }
        if binding_id > 0 {
            self.enforce(user_id, binding_id);
        }
    }

    /// `enforceFlowPolicies`: the user-level check (strict `<`), then the binding-level one
    /// (non-strict, so a quota of 0 pauses on the first byte).
    fn enforce(&mut self, user_id: i64, binding_id: i64) {
        let now = self.now();
        let expired = |exp: i64| exp > 0 && exp <= now;
        let pause_user = self.users.get(&user_id).is_some_and(|u| {
            u.flow.wrapping_mul(GIB) < u.in_flow.wrapping_add(u.out_flow)
                || expired(u.exp_time)
                || u.status != 1
        });
        if pause_user {
            self.pause_running(|f| f.user_id == user_id);
        }
        let binding = self.bindings.get(&binding_id).filter(|b| {
            b.in_flow.wrapping_add(b.out_flow) >= b.flow.wrapping_mul(GIB)
                || expired(b.exp_time)
                || b.status != 1
        });
        if let Some((owner, tunnel)) = binding.map(|b| (b.user_id, b.tunnel_id)) {
            self.pause_running(|f| f.user_id == owner && f.tunnel_id == tunnel);
        }
    }

    /// `pauseForwardRecords` over the running (status 1) forwards selected: the node
    /// command's errors are ignored, the DB status becomes 0 regardless. Returns their ids.
    pub(crate) fn pause_running(
        &mut self,
        select: impl Fn(&super::state::Forward) -> bool,
    ) -> Vec<i64> {
        let now = self.now();
        let online = self.nodes_online;
        let mut paused = Vec::new();
        for f in self
            .forwards
            .values_mut()
            .filter(|f| f.status == 1 && select(f))
        {
            if online {
                f.node_running = false;
            }
            f.status = 0;
            f.updated_time = now;
            paused.push(f.id);
        }
        paused
    }

    /// The 00:00:05 job (`runResetAndExpiryJob`), run now: the monthly reset of users and
    /// bindings whose reset day is today (or past the month's end on its last day), on 3.0
    /// the quota window roll and release, then expiry of users (`role != 0`, status 1,
    /// `expTime < now`, and on 3.0 `expTime > 0`) and of bindings, each pausing the
    /// affected running forwards and setting status 0. Nothing else is resumed.
    pub(crate) fn run_daily_job(&mut self) {
        let now = self.now();
        let (day, last_day) = day_and_last_day(now);
        let (day, last_day) = (i64::from(day), i64::from(last_day));
        let due =
            |reset: i64| reset != 0 && (reset == day || (day == last_day && reset > last_day));
        for u in self.users.values_mut().filter(|u| due(u.flow_reset_time)) {
            u.in_flow = 0;
            u.out_flow = 0;
        }
        for b in self
            .bindings
            .values_mut()
            .filter(|b| due(b.flow_reset_time))
        {
            b.in_flow = 0;
            b.out_flow = 0;
        }
        let v3 = self.profile.daily_job_v3;
        if v3 {
            self.roll_quota_windows();
        }
        // 2.1 expires `expTime` 0 as well; 3.0 reads 0 as "never" (`466cc65`).
        let expired = |exp: i64| exp < now && (!v3 || exp > 0);
        let expired_users: Vec<i64> = self
            .users
            .values()
            .filter(|u| u.role_id != 0 && u.status == 1 && expired(u.exp_time))
            .map(|u| u.id)
            .collect();
        for id in expired_users {
            self.pause_running(|f| f.user_id == id);
            if let Some(u) = self.users.get_mut(&id) {
                u.status = 0;
            }
        }
        let expired_bindings: Vec<(i64, i64, i64)> = self
            .bindings
            .values()
            .filter(|b| b.status == 1 && expired(b.exp_time))
            .map(|b| (b.id, b.user_id, b.tunnel_id))
            .collect();
        for (id, owner, tunnel) in expired_bindings {
            self.pause_running(|f| f.user_id == owner && f.tunnel_id == tunnel);
            if let Some(b) = self.bindings.get_mut(&id) {
                b.status = 0;
            }
        }
    }
}
