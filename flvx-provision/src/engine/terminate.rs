//! Terminate. User and binding deletes leave forwards running on the nodes (panel
//! behaviour §4.7), so the forwards are deleted first; "already gone" counts as success.

use super::batch::BatchOp;
use super::{Engine, Service, Stored, ids_where, merge_ids};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::plan::TerminateAction;
use crate::store::ServiceRecord;
use flvx_api::ids::UserId;
use flvx_api::recipes;
use flvx_api::units::Status;

const ACTION: Msg = Msg::ActionTerminate;

impl Engine {
    /// Terminates `service` per the plan's terminate action. Delete calls: `forward/list`,
    /// `forward/batch-delete` when there are forwards, `user/delete`. Disable calls:
    /// `user/update` (status 0), `forward/list`, `forward/batch-pause` when needed.
    pub async fn terminate(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let record = self.load(service.id).await?;
        let Some(user) = self.terminate_target(service, &record).await? else {
            return self.clear(service, record).await;
        };
        match service.plan.on_terminate {
            TerminateAction::Delete => self.delete_account(service, record, user).await,
            TerminateAction::Disable => self.disable_account(service, record, user).await,
        }
    }

    /// Saves an empty record over `stale` (the row and its version stay).
    async fn clear(
        &self,
        service: &Service,
        stale: Stored,
    ) -> Result<ServiceRecord, ProvisionError> {
        let mut cleared = Stored {
            record: ServiceRecord::default(),
            version: stale.version,
        };
        self.save(service.id, &mut cleared).await?;
        Ok(cleared.into_inner())
    }

    /// The user to act on: the stored one, or one a half-finished create left behind,
    /// which must log in with this service's password: Terminate never deletes a user it
    /// cannot prove is this service's.
    async fn terminate_target(
        &self,
        service: &Service,
        record: &ServiceRecord,
    ) -> Result<Option<UserId>, ProvisionError> {
        if let Some(user) = record.user_id {
            return Ok(Some(user));
        }
        if !record.create_pending {
            return Ok(None);
        }
        let found = recipes::find_user_by_name(self.api.as_ref(), &service.username())
            .await
            .during(ACTION)?;
        let Some(user) = found else {
            return Ok(None);
        };
        let password = service.panel_password(record);
        match self.owns_user(&user.user, password, ACTION).await? {
            true => Ok(Some(user.id)),
            false => Ok(None),
        }
    }

    async fn delete_account(
        &self,
        service: &Service,
        record: Stored,
        user: UserId,
    ) -> Result<ServiceRecord, ProvisionError> {
        let forwards = self.forwards_of(user, ACTION).await?;
        let ids = ids_where(&forwards, |_| true);
        let outcome = self.batch(user, &ids, BatchOp::Delete, ACTION).await?;
        if let Some(e) = outcome.error(BatchOp::Delete) {
            return Err(e);
        }
        match self.api.delete_user(user).await {
            Err(e) if !e.is_not_found() => {
                return Err(ProvisionError::Panel {
                    action: ACTION,
                    source: e,
                });
            }
            _ => {}
        }
        self.forget_customer(&service.username());
        self.clear(service, record).await
    }

    async fn disable_account(
        &self,
        service: &Service,
        mut record: Stored,
        user: UserId,
    ) -> Result<ServiceRecord, ProvisionError> {
        let update = self
            .user_update(service, user, Status::Disabled, None, ACTION)
            .await?;
        self.api.update_user(&update).await.during(ACTION)?;
        record.suspended = true;
        record.terminated = true;
        record.user_id = Some(user);
        record.create_pending = false;
        record.pushed_expiry = Some(update.exp_time);
        let forwards = self.forwards_of(user, ACTION).await?;
        let running = ids_where(&forwards, |f| f.is_running());
        merge_ids(&mut record.suspended_forwards, &running);
        // Saved before the pause: if its answer is lost, the retry finds them paused.
        self.save(service.id, &mut record).await?;
        let outcome = self.batch(user, &running, BatchOp::Pause, ACTION).await?;
        outcome
            .error(BatchOp::Pause)
            .map_or(Ok(record.into_inner()), Err)
    }
}
