use crate::ids::{SpeedLimitId, TunnelId};
use crate::units::{EpochMs, Mbps, Status};
use serde::Deserialize;

/// A speed limit as `speed-limit/list` returns it (contract §5.18).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpeedLimit {
    /// The speed-limit id.
    pub id: SpeedLimitId,
    /// Its name.
    pub name: String,
    /// The rate, per forward service, in each direction.
    pub speed: Mbps,
    /// The tunnel it was made for (the panel does not enforce the match).
    pub tunnel_id: TunnelId,
    /// That tunnel's name (denormalised, may be stale).
    #[serde(default)]
    pub tunnel_name: Option<String>,
    /// Stored but not consulted by the panel.
    #[serde(default = "enabled")]
    pub status: Status,
    /// Creation time.
    #[serde(default)]
    pub created_time: Option<EpochMs>,
}

fn enabled() -> Status {
    Status::Enabled
}
