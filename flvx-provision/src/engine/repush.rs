//! Re-enabling bindings, and the re-pause every binding write needs on 2.1:
//! `tunnel/user/assign` re-pushes the user's forwards on that tunnel, which restarts
//! paused ones on the node while the panel still shows them paused (panel behaviour §4.7,
//! §10.18). 3.0 pauses them again itself after every push.

use super::batch::BatchOp;
use super::{Engine, Service, desired_binding, ids_where};
use crate::error::ProvisionError;
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::ids::{TunnelId, UserId};

impl Engine {
    /// Writes every stored binding with status 1: the only way to undo the daily expiry
    /// job's binding disable. One `tunnel/user/assign` per binding, all at once.
    pub(crate) async fn reenable_bindings(
        &self,
        service: &Service,
        record: &ServiceRecord,
        user: UserId,
        action: Msg,
    ) -> Result<Vec<TunnelId>, ProvisionError> {
        let tunnels: Vec<TunnelId> = record.bindings.keys().copied().collect();
        let assigns: Vec<_> = tunnels
            .iter()
            .map(|t| desired_binding(service, user, *t))
            .collect();
        self.assign_bindings(&assigns, action).await?;
        Ok(tunnels)
    }

    /// Pauses again, on the node, every forward the panel shows as paused on `tunnels`.
    /// Calls: `forward/list`, and `forward/batch-pause` when any is paused there.
    pub(crate) async fn repause(
        &self,
        user: UserId,
        tunnels: &[TunnelId],
        action: Msg,
    ) -> Result<(), ProvisionError> {
        if tunnels.is_empty() || !self.repush_restarts_paused(action).await? {
            return Ok(());
        }
        let forwards = self.forwards_of(user, action).await?;
        let paused = ids_where(&forwards, |f| {
            !f.is_running() && tunnels.contains(&f.tunnel_id)
        });
        let outcome = self.batch(user, &paused, BatchOp::Pause, action).await?;
        outcome.error(BatchOp::Pause).map_or(Ok(()), Err)
    }
}

impl Engine {
    /// Whether a binding write restarts paused forwards on the node (2.1), so that they
    /// must be paused again; 3.0 re-pauses them itself.
    pub(crate) async fn repush_restarts_paused(&self, action: Msg) -> Result<bool, ProvisionError> {
        Ok(self.version(action).await? < flvx_api::PanelVersion::V3_0)
    }
}

/// Whether the expiry last pushed to the panel has passed, so the daily job may have
/// disabled the bindings.
pub(crate) fn expiry_passed(record: &ServiceRecord, service: &Service) -> bool {
    record.pushed_expiry.is_some_and(|e| e <= service.now)
}
