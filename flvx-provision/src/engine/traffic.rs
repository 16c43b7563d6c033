//! Renew and reset traffic: both push state the panel never restores by itself. Expiry and
//! quota pause forwards and nothing ever resumes them (panel behaviour §4.4), so both resume the
//! forwards the panel paused, except those the customer paused on purpose.

use super::batch::{BatchOp, BatchOutcome};
use super::repush::expiry_passed;
use super::{Engine, Service, ids_where, user_status};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::ids::{ForwardId, TunnelId, UserId};
use flvx_api::models::{Forward, QuotaScope, ResetTarget};

impl Engine {
    /// Renews `service`: pushes the new expiry (every field, status per suspension), then
    /// resumes what expiry or quota paused. Calls: `user/update`, then (not for a suspended
    /// service) `forward/list` and `forward/batch-resume` when something is paused. If the
    /// previously pushed expiry has passed, also one `tunnel/user/assign` per binding (the
    /// daily job disabled them), `forward/list` and `forward/batch-pause` of the forwards
    /// that must stay paused, which that re-push restarted on the node.
    pub async fn renew(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionRenew;
        let (mut record, user) = self.provisioned(service.id).await?;
        let expired = expiry_passed(&record, service);
        let update = self
            .user_update(service, user, user_status(&record), None, action)
            .await?;
        self.api.update_user(&update).await.during(action)?;
        let repushed = match expired {
            true => {
                self.reenable_bindings(service, &record, user, action)
                    .await?
            }
            false => Vec::new(),
        };
        let mut resumed = BatchOutcome::default();
        // A suspended service resumes nothing; it only re-pauses what a re-push restarted,
        // which 3.0 does by itself.
        let repause = expired && self.repush_restarts_paused(action).await?;
        if !record.suspended || repause {
            let forwards = self.forwards_of(user, action).await?;
            resumed = self
                .resume_panel_paused(service, &record, user, &forwards, action)
                .await?;
            self.pause_still_paused(user, &forwards, &repushed, &resumed, action)
                .await?;
        }
        // Saved last: until every step is done, a retry must still see the old expiry.
        record.pushed_expiry = Some(update.exp_time);
        self.save(service.id, &mut record).await?;
        resumed
            .error(BatchOp::Resume)
            .map_or(Ok(record.into_inner()), Err)
    }

    /// Zeroes the user's traffic (and every binding's), then resumes what the quota paused.
    /// Calls: `user/reset` (type 1), `user/quota/reset` when the plan sells daily or
    /// monthly quotas (3.0), `forward/list`, and `forward/batch-resume` if needed.
    pub async fn reset_traffic(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionResetTraffic;
        let (record, user) = self.provisioned(service.id).await?;
        self.api
            .reset_traffic(ResetTarget::User(user))
            .await
            .during(action)?;
        if service.plan.quota_limits.is_sent() {
            // Sold daily/monthly quotas are windows of their own (3.0), which `user/reset`
            // leaves alone; their reset also lifts a quota block.
            self.api
                .reset_quota(user, QuotaScope::All)
                .await
                .during(action)?;
        }
        if record.suspended || !service.is_current() {
            return Ok(record.into_inner());
        }
        let forwards = self.forwards_of(user, action).await?;
        let resumed = self
            .resume_panel_paused(service, &record, user, &forwards, action)
            .await?;
        resumed
            .error(BatchOp::Resume)
            .map_or(Ok(record.into_inner()), Err)
    }

    /// Resumes the paused forwards the customer did not pause, unless suspended or
    /// expired (the rule of the daily reconciliation).
    async fn resume_panel_paused(
        &self,
        service: &Service,
        record: &ServiceRecord,
        user: UserId,
        forwards: &[Forward],
        action: Msg,
    ) -> Result<BatchOutcome, ProvisionError> {
        if record.suspended || !service.is_current() {
            return Ok(BatchOutcome::default());
        }
        let paused = resumable(service, record, forwards);
        self.batch(user, &paused, BatchOp::Resume, action).await
    }

    /// After a new plan: resumes what the panel paused (quota, expiry) when the plan now
    /// allows it: not suspended, not expired, under the new quota, and not paused by the
    /// customer. Calls: `forward/list`; only when such a forward is paused, `user/list`
    /// (the usage) and `forward/batch-resume`.
    pub(super) async fn resume_within_plan(
        &self,
        service: &Service,
        record: &ServiceRecord,
        user: UserId,
        action: Msg,
    ) -> Result<(), ProvisionError> {
        if record.suspended || !service.is_current() {
            return Ok(());
        }
        let forwards = self.forwards_of(user, action).await?;
        let paused = resumable(service, record, &forwards);
        if paused.is_empty() {
            return Ok(());
        }
        let current = self.current_user(service, user, action).await?;
        if !current.is_some_and(|u| super::reconcile::under_quota(service, &u)) {
            return Ok(());
        }
        let outcome = self.batch(user, &paused, BatchOp::Resume, action).await?;
        outcome.error(BatchOp::Resume).map_or(Ok(()), Err)
    }

    /// After a re-push of `tunnels`, pauses on the node what the panel still shows paused:
    /// the forwards of `forwards` that were paused there and were not just resumed.
    async fn pause_still_paused(
        &self,
        user: UserId,
        forwards: &[Forward],
        tunnels: &[TunnelId],
        resumed: &BatchOutcome,
        action: Msg,
    ) -> Result<(), ProvisionError> {
        if !self.repush_restarts_paused(action).await? {
            return Ok(());
        }
        let still_paused = ids_where(forwards, |f| {
            !f.is_running() && tunnels.contains(&f.tunnel_id) && !resumed.done.contains(&f.id)
        });
        let outcome = self
            .batch(user, &still_paused, BatchOp::Pause, action)
            .await?;
        outcome.error(BatchOp::Pause).map_or(Ok(()), Err)
    }
}

/// The paused forwards the resume rule may resume: those the customer did not pause,
/// among the oldest `max_forwards` (the daily reconciliation pauses the newer ones, and
/// they stay paused until the plan allows them).
fn resumable(service: &Service, record: &ServiceRecord, forwards: &[Forward]) -> Vec<ForwardId> {
    let mut by_age: Vec<&Forward> = forwards.iter().collect();
    by_age.sort_by_key(|f| f.id);
    let max = usize::try_from(service.plan.max_forwards).unwrap_or(0);
    by_age
        .into_iter()
        .take(max)
        .filter(|f| !f.is_running() && !record.customer_paused.contains(&f.id))
        .map(|f| f.id)
        .collect()
}
