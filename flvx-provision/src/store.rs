//! What a service remembers about its panel account, and where it is kept.
//!
//! The engine saves a record only after the panel confirmed what it describes, so a
//! failed operation leaves the stored record as it was and a retry starts from the truth.
//! Three fields are intents, written before the panel call they guard: the create-pending
//! marker, the forwards a suspend is about to pause, and the tunnels about to be re-pushed.

use async_trait::async_trait;
use flvx_api::ids::{BindingId, ForwardId, TunnelId, UserId};
use flvx_api::units::EpochMs;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// A WHMCS service id (`tblhosting.id`).
pub type ServiceId = u64;

/// The panel-side facts of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRecord {
    /// The panel username (written back to the WHMCS service).
    pub username: Option<String>,
    /// The panel user id, once the panel confirmed the user.
    pub user_id: Option<UserId>,
    /// Binding ids by tunnel.
    pub bindings: BTreeMap<TunnelId, BindingId>,
    /// Forwards unsuspend resumes: those suspend paused, and those the panel had already
    /// paused (expiry, quota) that the customer did not. Written before the pause is sent,
    /// so a lost answer cannot lose them.
    pub suspended_forwards: Vec<ForwardId>,
    /// Forwards the customer paused through the module, which renew must not resume.
    pub customer_paused: Vec<ForwardId>,
    /// Set before `user/create` is sent, cleared once the create finished: a user found
    /// under this service's name while it is set was created by this service.
    pub create_pending: bool,
    /// Whether the service is suspended (the panel does not report it reliably).
    pub suspended: bool,
    /// Terminated with the `disable` action: the user and its forwards are kept, disabled
    /// and paused, and a later Create brings them back instead of re-applying the plan only.
    pub terminated: bool,
    /// Tunnels whose bindings are about to be re-assigned, which restarts paused forwards
    /// on the node: saved before the assign, cleared once they are paused again, so a
    /// retry after a failure in between still re-pauses them.
    pub repause_tunnels: Vec<TunnelId>,
    /// The last expiry pushed to the panel. Once it has passed, the panel's daily job may
    /// have disabled the user's bindings, which only a binding write re-enables (§4.4).
    pub pushed_expiry: Option<EpochMs>,
}

/// Where service records live: WHMCS service properties in the PHP module, anything an
/// integrator likes in Rust.
#[async_trait]
pub trait ServiceStore: Send + Sync {
    /// The record of `service`, or an empty one.
    async fn load(&self, service: ServiceId) -> Result<ServiceRecord, String>;
    /// Replaces the record of `service`.
    async fn save(&self, service: ServiceId, record: &ServiceRecord) -> Result<(), String>;
}

/// A store in memory, for tests and examples.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<HashMap<ServiceId, ServiceRecord>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the record of `service`, if any was saved.
    pub fn get(&self, service: ServiceId) -> Option<ServiceRecord> {
        self.lock().get(&service).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ServiceId, ServiceRecord>> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep using it.
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl ServiceStore for MemoryStore {
    async fn load(&self, service: ServiceId) -> Result<ServiceRecord, String> {
        Ok(self.lock().get(&service).cloned().unwrap_or_default())
    }

    async fn save(&self, service: ServiceId, record: &ServiceRecord) -> Result<(), String> {
        self.lock().insert(service, record.clone());
        Ok(())
    }
}
