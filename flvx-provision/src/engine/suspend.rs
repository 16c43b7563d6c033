//! Suspend and unsuspend. The user's status alone stops nothing until the next traffic
//! report (panel behaviour §4.3), so suspend also pauses the running forwards now and remembers
//! them; unsuspend resumes exactly those.

use super::batch::BatchOp;
use super::repush::expiry_passed;
use super::{Engine, Service, ids_where, merge_ids};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::units::Status;

impl Engine {
    /// Suspends `service`. Calls: `user/update` (status 0, every field), `forward/list`,
    /// and `forward/batch-pause` when something runs. Remembers the forwards it pauses and
    /// those the panel had already paused (expiry, quota) but the customer had not, so that
    /// unsuspend brings all of them back.
    pub async fn suspend(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionSuspend;
        let (mut record, user) = self.provisioned(service.id).await?;
        let update = self
            .user_update(service, user, Status::Disabled, None, action)
            .await?;
        self.api.update_user(&update).await.during(action)?;
        record.suspended = true;
        record.pushed_expiry = Some(update.exp_time);
        let forwards = self.forwards_of(user, action).await?;
        let running = ids_where(&forwards, |f| f.is_running());
        let panel_paused = ids_where(&forwards, |f| {
            !f.is_running() && !record.customer_paused.contains(&f.id)
        });
        merge_ids(&mut record.suspended_forwards, &running);
        merge_ids(&mut record.suspended_forwards, &panel_paused);
        // Saved before the pause: if its answer is lost, the retry finds them paused.
        self.save(service.id, &mut record).await?;
        let outcome = self.batch(user, &running, BatchOp::Pause, action).await?;
        outcome
            .error(BatchOp::Pause)
            .map_or(Ok(record.into_inner()), Err)
    }

    /// Unsuspends `service`. Calls: `user/update` (status 1, every field) and
    /// `forward/batch-resume` of the remembered forwards, when there are any. If the pushed
    /// expiry passed meanwhile, also one `tunnel/user/assign` per binding (re-enabling what
    /// the daily job disabled), `forward/list` and `forward/batch-pause` for the forwards
    /// that must stay paused (the re-push restarted them on the node).
    pub async fn unsuspend(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionUnsuspend;
        let (mut record, user) = self.provisioned(service.id).await?;
        let expired = expiry_passed(&record, service);
        let update = self
            .user_update(service, user, Status::Enabled, None, action)
            .await?;
        self.api.update_user(&update).await.during(action)?;
        let repushed = match expired {
            true => {
                self.reenable_bindings(service, &record, user, action)
                    .await?
            }
            false => Vec::new(),
        };
        let paused = record.suspended_forwards.clone();
        let outcome = self.batch(user, &paused, BatchOp::Resume, action).await?;
        self.repause(user, &repushed, action).await?;
        // Saved last: until every step is done, a retry must still see the old expiry.
        record.suspended = false;
        record
            .suspended_forwards
            .retain(|id| !outcome.done.contains(id));
        record.pushed_expiry = Some(update.exp_time);
        self.save(service.id, &mut record).await?;
        outcome
            .error(BatchOp::Resume)
            .map_or(Ok(record.into_inner()), Err)
    }
}
