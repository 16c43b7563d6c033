use crate::ids::{BindingId, SpeedLimitId, TunnelId, UserId};
use crate::units::{Bytes, EpochMs, Gib, Mbps, ResetDay, Status};
use serde::{Deserialize, Serialize};

/// A user's binding to a tunnel, as `tunnel/user/list` (and `user/package`) return it
/// (panel behaviour §5.16).
///
/// Its `status` is real on 3.0 only: 2.1 reports a literal 1 whatever the real value, so
/// there the caller must remember it (see [`Binding::status`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Binding {
    /// The binding id.
    pub id: BindingId,
    /// The user.
    pub user_id: UserId,
    /// The tunnel.
    pub tunnel_id: TunnelId,
    /// The tunnel's name.
    #[serde(default)]
    pub tunnel_name: Option<String>,
    /// Per-tunnel quota; 0 pauses on the first byte.
    pub flow: Gib,
    /// Maximum forwards (informational).
    #[serde(default)]
    pub num: i64,
    /// Expiry.
    pub exp_time: EpochMs,
    /// Monthly reset day.
    pub flow_reset_time: ResetDay,
    /// Download traffic.
    #[serde(default)]
    pub in_flow: Bytes,
    /// Upload traffic.
    #[serde(default)]
    pub out_flow: Bytes,
    /// The tunnel's accounting multiplier (1|2), not a quantity.
    #[serde(default)]
    pub tunnel_flow: Option<i64>,
    /// The speed limit, if any.
    #[serde(default)]
    pub speed_id: Option<SpeedLimitId>,
    /// The speed limit's name.
    #[serde(default)]
    pub speed_limit_name: Option<String>,
    /// The speed (only in `user/package`).
    #[serde(default)]
    pub speed: Option<Mbps>,
    /// The status as reported: the real one on 3.0, always enabled on 2.1.
    #[serde(default = "crate::units::Status::enabled")]
    pub status: Status,
}

impl Binding {
    /// Traffic counted against the binding quota.
    pub fn used(&self) -> Bytes {
        self.in_flow + self.out_flow
    }
}

/// `tunnel/user/assign`, sending every field so that a new binding and an existing one
/// end up the same (the call is an upsert, and a patch on an existing binding, §5.12).
/// `speed_id: None` clears the speed limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BindingAssign {
    /// The user.
    pub user_id: UserId,
    /// The tunnel.
    pub tunnel_id: TunnelId,
    /// Quota.
    pub flow: Gib,
    /// Maximum forwards.
    pub num: i64,
    /// Expiry.
    pub exp_time: EpochMs,
    /// Reset day.
    pub flow_reset_time: ResetDay,
    /// Enabled or not.
    pub status: Status,
    /// Speed limit, or none.
    pub speed_id: Option<SpeedLimitId>,
}

/// `tunnel/user/update`: a full replace keyed by binding id; an omitted field would be
/// reset (flow 0, num 0, speed limit cleared, §5.14), so all are required.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BindingUpdate {
    /// The binding.
    pub id: BindingId,
    /// Quota.
    pub flow: Gib,
    /// Maximum forwards.
    pub num: i64,
    /// Expiry.
    pub exp_time: EpochMs,
    /// Reset day.
    pub flow_reset_time: ResetDay,
    /// Speed limit, or none (clears it).
    pub speed_id: Option<SpeedLimitId>,
    /// Enabled or not. The panel never reports it, so the caller must say it.
    pub status: Status,
}

impl BindingUpdate {
    /// An update that keeps the binding as listed, with the given status.
    pub fn from_binding(binding: &Binding, status: Status) -> Self {
        BindingUpdate {
            id: binding.id,
            flow: binding.flow,
            num: binding.num,
            exp_time: binding.exp_time,
            flow_reset_time: binding.flow_reset_time,
            speed_id: binding.speed_id,
            status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints;
    use crate::models::to_body;
    use serde_json::Value;

    #[test]
    fn assign_sends_every_key_and_null_speed() {
        let body = to_body(&BindingAssign {
            user_id: UserId(3),
            tunnel_id: TunnelId(4),
            flow: Gib::new(50).unwrap(),
            num: 2,
            exp_time: EpochMs(1_900_000_000_000),
            flow_reset_time: ResetDay::NEVER,
            status: Status::Enabled,
            speed_id: None,
        });
        let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), endpoints::BINDING_ASSIGN.keys.len());
        assert_eq!(body["speedId"], Value::Null);
        assert_eq!(body["flow"], 50);
    }

    #[test]
    fn update_from_listing_keeps_values() {
        let b: Binding = serde_json::from_value(serde_json::json!({
            "id": 9, "userId": 3, "tunnelId": 4, "tunnelName": "HK", "status": 1, "flow": 10,
            "num": 1, "expTime": 1_900_000_000_000_i64, "flowResetTime": 5, "inFlow": 1,
            "outFlow": 2, "tunnelFlow": 2, "speedId": 6, "speedLimitName": "100M"
        }))
        .unwrap();
        let body = to_body(&BindingUpdate::from_binding(&b, Status::Disabled));
        assert_eq!(
            body,
            serde_json::json!({"id":9,"flow":10,"num":1,"expTime":1_900_000_000_000_i64,
                "flowResetTime":5,"speedId":6,"status":0})
        );
        for key in body.as_object().unwrap().keys() {
            assert!(
                endpoints::BINDING_UPDATE.keys.contains(&key.as_str()),
                "{key}"
            );
        }
    }
}
