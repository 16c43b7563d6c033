//! 3.0's gate before a forward may run (panel behaviour §4.2, `flow_policy.go` 338-420
//! `ensureUserTunnelForwardAllowed`). `forward/create`, `resume`, `batch-resume` and the
//! quota release run it against the forward owner's state, admins' calls included.

use super::state::State;
use crate::units::BYTES_PER_GIB;

const GIB: i64 = BYTES_PER_GIB as i64;

impl State {
    /// The checks in the panel's order; the error is the panel's message.
    pub(crate) fn gate(&self, user_id: i64, tunnel_id: i64) -> Result<(), &'static str> {
        if user_id <= 0 || tunnel_id <= 0 {
            return Ok(());
        }
        self.user_gate(user_id)?;
        self.binding_gate(user_id, tunnel_id)
    }

    fn user_gate(&self, user_id: i64) -> Result<(), &'static str> {
        let now = self.now();
        let u = self.users.get(&user_id).ok_or("用户不存在")?;
        if u.status != 1 {
            return Err("账号已禁用");
        }
        if u.exp_time > 0 && u.exp_time <= now {
            return Err("账号已过期");
        }
        if u.flow.wrapping_mul(GIB) < u.in_flow.wrapping_add(u.out_flow) {
            return Err("流量已超额，禁止开启转发");
        }
        if self.quota_blocks(user_id) {
            return Err("该用户流量配额已超额，禁止开启转发");
        }
        if u.num > 0 && self.active_forwards(user_id, None) >= u.num {
            return Err("转发数量已达上限");
        }
        Ok(())
    }

    /// The binding checks; a user without a binding on the tunnel (an admin) passes.
    fn binding_gate(&self, user_id: i64, tunnel_id: i64) -> Result<(), &'static str> {
        let now = self.now();
        let Some(b) = self.binding_of(user_id, tunnel_id) else {
            return Ok(());
        };
        if b.status != 1 {
            return Err("该隧道已禁用");
        }
        if b.exp_time > 0 && b.exp_time <= now {
            return Err("该隧道已过期");
        }
        // Non-strict, so a binding flow of 0 always refuses.
        if b.in_flow.wrapping_add(b.out_flow) >= b.flow.wrapping_mul(GIB) {
            return Err("该隧道流量已超额，禁止开启转发");
        }
        if b.num > 0 && self.active_forwards(user_id, Some(tunnel_id)) >= b.num {
            return Err("该隧道转发数量已达上限");
        }
        Ok(())
    }

    /// `CountActiveForwardsByUser[Tunnel]`: the user's forwards with status 1.
    fn active_forwards(&self, user_id: i64, tunnel_id: Option<i64>) -> i64 {
        let count = self
            .forwards
            .values()
            .filter(|f| f.status == 1 && f.user_id == user_id)
            .filter(|f| tunnel_id.is_none_or(|t| f.tunnel_id == t))
            .count();
        i64::try_from(count).unwrap_or(i64::MAX)
    }
}
