use crate::ids::{ForwardId, TunnelId, UserId};
use crate::units::{Bytes, EpochMs, Status};
use serde::{Deserialize, Serialize};

/// A forward as `forward/list` (and `user/package`) return it (contract §5.19).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Forward {
    /// The forward id.
    pub id: ForwardId,
    /// The owner (absent in `user/package`, where it is the caller).
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// The owner's name at creation (not updated on rename).
    #[serde(default)]
    pub user_name: Option<String>,
    /// Its name (not unique).
    pub name: String,
    /// The tunnel.
    pub tunnel_id: TunnelId,
    /// The tunnel's name.
    #[serde(default)]
    pub tunnel_name: Option<String>,
    /// Entry addresses, comma-joined `ip:port`, or null.
    #[serde(default)]
    pub in_ip: Option<String>,
    /// The entry port, or null.
    #[serde(default)]
    pub in_port: Option<i64>,
    /// Targets, comma-joined `host:port`.
    #[serde(default)]
    pub remote_addr: String,
    /// Load-balancing strategy.
    #[serde(default)]
    pub strategy: Option<String>,
    /// Download bytes, cumulative and never reset.
    #[serde(default)]
    pub in_flow: Bytes,
    /// Upload bytes, cumulative and never reset.
    #[serde(default)]
    pub out_flow: Bytes,
    /// Creation time.
    #[serde(default)]
    pub created_time: Option<EpochMs>,
    /// Running (enabled) or paused (disabled).
    pub status: Status,
}

impl Forward {
    /// Whether the panel records it as running.
    pub fn is_running(&self) -> bool {
        self.status.is_enabled()
    }
}

/// `forward/create`, made by and owned by the calling account; returns no id.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewForward {
    /// The tunnel (the caller needs an enabled binding on it unless admin).
    pub tunnel_id: TunnelId,
    /// A name.
    pub name: String,
    /// Targets, `host:port[,host:port…]`.
    pub remote_addr: String,
    /// Entry port, or `None` for one the panel picks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_port: Option<u16>,
    /// Strategy (`fifo` when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
}

/// `forward/update`, a patch: `None` keeps the current value. It restarts a paused forward
/// on its nodes (contract §4.7).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardPatch {
    /// The forward.
    pub id: ForwardId,
    /// Move to this tunnel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnel_id: Option<TunnelId>,
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New targets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_addr: Option<String>,
    /// New entry port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_port: Option<u16>,
    /// New strategy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
}

impl ForwardPatch {
    /// A patch of forward `id` that changes nothing yet.
    pub fn new(id: ForwardId) -> Self {
        ForwardPatch {
            id,
            tunnel_id: None,
            name: None,
            remote_addr: None,
            in_port: None,
            strategy: None,
        }
    }
}

/// The outcome of a batch forward call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchResult {
    /// Items that succeeded.
    pub success_count: u64,
    /// Items that failed (node offline, not owned, …).
    pub fail_count: u64,
}

impl BatchResult {
    /// Nothing done, nothing failed.
    pub const EMPTY: BatchResult = BatchResult {
        success_count: 0,
        fail_count: 0,
    };
}
