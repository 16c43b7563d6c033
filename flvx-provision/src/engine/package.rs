//! Change package, change password and sync: re-applying the plan as full writes.

use super::batch::BatchOp;
use super::{Engine, Service, desired_binding, desired_user, ids_where, merge_ids, user_status};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::ids::{TunnelId, UserId};
use flvx_api::recipes;

impl Engine {
    /// Applies a new plan: quota, limits, speed and tunnels. The expiry is kept (it comes
    /// from the due date). Calls: `user/update`, `tunnel/user/list`, a `tunnel/user/assign`
    /// per new tunnel or changed speed limit, for each dropped tunnel `forward/list`,
    /// `forward/batch-delete` and `tunnel/user/remove`, and a second `tunnel/user/list`
    /// only when a binding was created.
    pub async fn change_package(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionChangePackage;
        let (mut record, user) = self.provisioned(service.id).await?;
        let update = desired_user(service, user, user_status(&record), None);
        self.api.update_user(&update).await.during(action)?;
        self.apply_bindings(service, &mut record, user, action)
            .await?;
        self.save(service.id, &record).await?;
        Ok(record)
    }

    /// Sets a new panel password; everything else is written unchanged. Calls: `user/update`.
    pub async fn change_password(
        &self,
        service: &Service,
    ) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionChangePassword;
        let (record, user) = self.provisioned(service.id).await?;
        let password = Some(service.password.clone());
        let update = desired_user(service, user, user_status(&record), password);
        self.api.update_user(&update).await.during(action)?;
        self.forget_customer(&service.username());
        Ok(record)
    }

    /// Repairs drift: re-creates a user deleted by hand, re-applies every field and
    /// binding, and re-pauses running forwards of a suspended service.
    pub async fn sync(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionSync;
        let mut record = self.load(service.id).await?;
        let Some(user) = record.user_id else {
            return match record.create_pending {
                true => Box::pin(self.create(service)).await,
                false => Err(ProvisionError::NotProvisioned),
            };
        };
        if recipes::find_user(self.api.as_ref(), user)
            .await
            .during(action)?
            .is_none()
        {
            let fresh = ServiceRecord {
                customer_paused: Vec::new(),
                ..ServiceRecord::default()
            };
            self.save(service.id, &fresh).await?;
            return Box::pin(self.create(service)).await;
        }
        let update = desired_user(service, user, user_status(&record), None);
        self.api.update_user(&update).await.during(action)?;
        self.apply_bindings(service, &mut record, user, action)
            .await?;
        if record.suspended {
            let forwards = self.forwards_of(user, action).await?;
            let running = ids_where(&forwards, |f| f.is_running());
            let outcome = self.batch(user, &running, BatchOp::Pause, action).await?;
            merge_ids(&mut record.suspended_forwards, &outcome.done);
            if let Some(e) = outcome.error(BatchOp::Pause) {
                self.save(service.id, &record).await?;
                return Err(e);
            }
        }
        self.save(service.id, &record).await?;
        Ok(record)
    }

    /// Brings the user's bindings to the plan: assigns missing ones and those whose speed
    /// limit differs, removes tunnels this service granted that the plan dropped (their
    /// forwards first: a removed binding leaves forwards running, §5.15).
    async fn apply_bindings(
        &self,
        service: &Service,
        record: &mut ServiceRecord,
        user: UserId,
        action: Msg,
    ) -> Result<(), ProvisionError> {
        let tunnels = self.tunnels(&service.plan, action).await?;
        let mut bindings = self.api.list_bindings(user).await.during(action)?;
        let mut created = false;
        let mut repushed = false;
        for tunnel in &tunnels {
            let existing = bindings.iter().find(|b| b.tunnel_id == *tunnel);
            if existing.is_some_and(|b| b.speed_id == service.plan.speed_limit) {
                continue;
            }
            created |= existing.is_none();
            repushed |= existing.is_some();
            let assign = desired_binding(service, user, *tunnel);
            self.api.assign_binding(&assign).await.during(action)?;
        }
        let dropped: Vec<TunnelId> = record
            .bindings
            .keys()
            .filter(|t| !tunnels.contains(t))
            .copied()
            .collect();
        self.drop_tunnels(user, &dropped, &bindings, action).await?;
        if created {
            bindings = self.api.list_bindings(user).await.during(action)?;
        }
        if repushed && record.suspended {
            // A re-assign restarts paused forwards on the node (§4.7): pause them again.
            let paused = record.suspended_forwards.clone();
            let outcome = self.batch(user, &paused, BatchOp::Pause, action).await?;
            if let Some(e) = outcome.error(BatchOp::Pause) {
                return Err(e);
            }
        }
        record.bindings = bindings
            .iter()
            .filter(|b| tunnels.contains(&b.tunnel_id))
            .map(|b| (b.tunnel_id, b.id))
            .collect();
        Ok(())
    }

    async fn drop_tunnels(
        &self,
        user: UserId,
        dropped: &[TunnelId],
        bindings: &[flvx_api::models::Binding],
        action: Msg,
    ) -> Result<(), ProvisionError> {
        if dropped.is_empty() {
            return Ok(());
        }
        let forwards = self.forwards_of(user, action).await?;
        let doomed = ids_where(&forwards, |f| dropped.contains(&f.tunnel_id));
        let outcome = self.batch(user, &doomed, BatchOp::Delete, action).await?;
        if let Some(e) = outcome.error(BatchOp::Delete) {
            return Err(e);
        }
        for binding in bindings.iter().filter(|b| dropped.contains(&b.tunnel_id)) {
            self.api.remove_binding(binding.id).await.during(action)?;
        }
        Ok(())
    }
}
