use crate::ids::{ForwardId, SpeedLimitId, TunnelId, UserId};
use crate::units::{Bytes, EpochMs, Status};
use serde::{Deserialize, Serialize};

/// A forward as `forward/list` (and `user/package`) return it (panel behaviour §5.19).
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
    /// The tunnel's traffic ratio (3.0).
    #[serde(default)]
    pub tunnel_traffic_ratio: Option<f64>,
    /// The forward's own connection cap (3.0), 0 = none. A non-zero value replaces the
    /// user's cap on this forward, and customers may set it.
    #[serde(default)]
    pub max_conn: Option<i64>,
    /// The per-client-IP connection cap (3.0), 0 = none.
    #[serde(default)]
    pub ip_max_conn: Option<i64>,
    /// PROXY protocol version sent (legacy field, 3.0).
    #[serde(default)]
    pub proxy_protocol: Option<i64>,
    /// Whether PROXY protocol is accepted from clients (3.0).
    #[serde(default)]
    pub proxy_protocol_receive: Option<i64>,
    /// PROXY protocol version sent to targets (3.0).
    #[serde(default)]
    pub proxy_protocol_send: Option<i64>,
    /// The forward's own speed limit (3.0, admin-set), present only when set.
    #[serde(default)]
    pub speed_id: Option<SpeedLimitId>,
    /// The per-client-IP speed limit (3.0, admin-set), present only when set.
    #[serde(default)]
    pub ip_speed_id: Option<SpeedLimitId>,
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
/// on its nodes (panel behaviour §4.7).
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchResult {
    /// Items that succeeded.
    pub success_count: u64,
    /// Items that failed (node offline, not owned, a 3.0 gate refusal, …).
    pub fail_count: u64,
    /// Which items failed and why (3.0; omitted by the panel when nothing failed, and
    /// never sent by 2.1, which only counts).
    #[serde(default)]
    pub failures: Vec<BatchFailure>,
}

/// One failed item of a 3.0 batch answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchFailure {
    /// The forward.
    pub id: ForwardId,
    /// Its name, when the panel found it.
    #[serde(default)]
    pub name: Option<String>,
    /// The panel's reason, verbatim (for example `转发数量已达上限`, the forward limit).
    pub reason: String,
}

impl BatchResult {
    /// Nothing done, nothing failed.
    pub const EMPTY: BatchResult = BatchResult {
        success_count: 0,
        fail_count: 0,
        failures: Vec::new(),
    };

    /// Whether every item succeeded.
    pub fn all_succeeded(&self) -> bool {
        self.fail_count == 0
    }
}
