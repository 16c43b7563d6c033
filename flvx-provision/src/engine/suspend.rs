//! Suspend and unsuspend. The user's status alone stops nothing until the next traffic
//! report (contract §4.3), so suspend also pauses the running forwards now and remembers
//! them; unsuspend resumes exactly those.

use super::batch::BatchOp;
use super::{Engine, Service, desired_user, ids_where, merge_ids};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::units::Status;

impl Engine {
    /// Suspends `service`. Calls: `user/update` (status 0, every field), `forward/list`,
    /// and `forward/batch-pause` when something runs.
    pub async fn suspend(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionSuspend;
        let (mut record, user) = self.provisioned(service.id).await?;
        let update = desired_user(service, user, Status::Disabled, None);
        self.api.update_user(&update).await.during(action)?;
        record.suspended = true;
        let forwards = self.forwards_of(user, action).await?;
        let running = ids_where(&forwards, |f| f.is_running());
        let outcome = self.batch(user, &running, BatchOp::Pause, action).await?;
        merge_ids(&mut record.suspended_forwards, &outcome.done);
        self.save(service.id, &record).await?;
        match outcome.error(BatchOp::Pause) {
            Some(e) => Err(e),
            None => Ok(record),
        }
    }

    /// Unsuspends `service`. Calls: `user/update` (status 1, every field) and
    /// `forward/batch-resume` of the forwards suspend paused, when there are any.
    pub async fn unsuspend(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionUnsuspend;
        let (mut record, user) = self.provisioned(service.id).await?;
        let update = desired_user(service, user, Status::Enabled, None);
        self.api.update_user(&update).await.during(action)?;
        let paused = record.suspended_forwards.clone();
        let outcome = self.batch(user, &paused, BatchOp::Resume, action).await?;
        record.suspended = false;
        record
            .suspended_forwards
            .retain(|id| !outcome.done.contains(id));
        self.save(service.id, &record).await?;
        match outcome.error(BatchOp::Resume) {
            Some(e) => Err(e),
            None => Ok(record),
        }
    }
}
