//! Renew and reset traffic: both push state the panel never restores by itself. Expiry and
//! quota pause forwards and nothing ever resumes them (contract §4.4), so both resume the
//! forwards the panel paused, except those the customer paused on purpose.

use super::batch::BatchOp;
use super::{Engine, Service, desired_user, ids_where, user_status};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::ids::UserId;
use flvx_api::models::ResetTarget;

impl Engine {
    /// Renews `service`: pushes the new expiry (every field, status per suspension), then
    /// resumes what expiry paused. Calls: `user/update`, `forward/list`, and
    /// `forward/batch-resume` when something is paused. A suspended service is only updated.
    pub async fn renew(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionRenew;
        let (record, user) = self.provisioned(service.id).await?;
        let update = desired_user(service, user, user_status(&record), None);
        self.api.update_user(&update).await.during(action)?;
        self.resume_panel_paused(&record, user, action).await?;
        Ok(record)
    }

    /// Zeroes the user's traffic (and every binding's), then resumes what the quota paused.
    /// Calls: `user/reset` (type 1), `forward/list`, and `forward/batch-resume` if needed.
    pub async fn reset_traffic(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionResetTraffic;
        let (record, user) = self.provisioned(service.id).await?;
        self.api
            .reset_traffic(ResetTarget::User(user))
            .await
            .during(action)?;
        self.resume_panel_paused(&record, user, action).await?;
        Ok(record)
    }

    async fn resume_panel_paused(
        &self,
        record: &ServiceRecord,
        user: UserId,
        action: Msg,
    ) -> Result<(), ProvisionError> {
        if record.suspended {
            return Ok(());
        }
        let forwards = self.forwards_of(user, action).await?;
        let paused = ids_where(&forwards, |f| {
            !f.is_running() && !record.customer_paused.contains(&f.id)
        });
        let outcome = self.batch(user, &paused, BatchOp::Resume, action).await?;
        outcome.error(BatchOp::Resume).map_or(Ok(()), Err)
    }
}
