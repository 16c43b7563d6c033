use crate::ids::{SpeedLimitId, TunnelId};
use crate::units::{EpochMs, Mbps, Status};
use serde::Deserialize;

/// A speed limit as `speed-limit/list` returns it (panel behaviour §5.18).
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
    /// The tunnel it was made for (2.1; the panel does not enforce the match). 3.0
    /// decoupled speed limits from tunnels and reports none.
    #[serde(default)]
    pub tunnel_id: Option<TunnelId>,
    /// That tunnel's name (denormalised, may be stale).
    #[serde(default)]
    pub tunnel_name: Option<String>,
    /// Stored but not consulted by the panel.
    #[serde(default = "crate::units::Status::enabled")]
    pub status: Status,
    /// Creation time.
    #[serde(default)]
    pub created_time: Option<EpochMs>,
    /// Last update (3.0).
    #[serde(default)]
    pub updated_time: Option<EpochMs>,
}
