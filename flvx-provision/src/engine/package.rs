//! Change package, change password and sync: re-applying the plan as full writes.

use super::batch::BatchOp;
use super::{
    Engine, Service, Stored, desired_binding, desired_user, ids_where, merge_ids, user_status,
};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::ids::{TunnelId, UserId};
use flvx_api::recipes;

impl Engine {
    /// Applies a new plan: quota, limits, speed and tunnels. The expiry is kept (it comes
    /// from the due date). Calls: `user/update`, `tunnel/user/list`, a `tunnel/user/assign`
    /// per new tunnel or changed speed limit (all at once); when tunnels were dropped, one
    /// `forward/list`, a `forward/batch-delete` if they carry forwards, and a
    /// `tunnel/user/remove` each (all at once); a
    /// second `tunnel/user/list` only when a binding was created; and when an existing
    /// binding was re-assigned, `forward/list` and `forward/batch-pause` of the paused
    /// forwards on it (the re-push restarted them on the node, §4.7). Last, unless
    /// suspended or expired: `forward/list`, and when the panel paused forwards the
    /// customer did not, `user/list` and `forward/batch-resume` if the user is now under
    /// its quota.
    pub async fn change_package(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionChangePackage;
        let (mut record, user) = self.provisioned(service.id).await?;
        self.check_panel_supports(&service.plan, action).await?;
        let password = self.login_change(service, &mut record);
        let update = self
            .user_update(service, user, user_status(&record), password, action)
            .await?;
        self.api.update_user(&update).await.during(action)?;
        record.pushed_expiry = Some(update.exp_time);
        let repushed = self
            .apply_bindings(service, &mut record, user, action)
            .await?;
        self.repause(user, &repushed, action).await?;
        // A higher quota or a later expiry lifts what the panel paused, which it never
        // resumes by itself (panel behaviour §4.4). Before the save, so that a failure
        // leaves the record as it was and the retry resumes them.
        self.resume_within_plan(service, &record, user, action)
            .await?;
        record.repause_tunnels.clear();
        self.save(service.id, &mut record).await?;
        Ok(record.into_inner())
    }

    /// Sets a new panel password; everything else is written unchanged. Calls: `user/update`.
    /// Without customer panel access the service password is not the panel's: nothing is
    /// called, unless the option changed and the panel password changes with it.
    pub async fn change_password(
        &self,
        service: &Service,
    ) -> Result<ServiceRecord, ProvisionError> {
        let action = Msg::ActionChangePassword;
        super::create::check_password(service)?;
        let (mut record, user) = self.provisioned(service.id).await?;
        let change = self.login_change(service, &mut record);
        if change.is_none() && !service.plan.panel_access {
            return Ok(record.into_inner());
        }
        let password = Some(service.panel_password(&record).clone());
        let update = self
            .user_update(service, user, user_status(&record), password, action)
            .await?;
        self.api.update_user(&update).await.during(action)?;
        self.forget_customer(&service.username());
        record.pushed_expiry = Some(update.exp_time);
        self.save(service.id, &mut record).await?;
        Ok(record.into_inner())
    }

    /// Repairs drift: re-creates a user deleted by hand (suspending it again if the service
    /// is suspended), re-applies every field and binding (all of them if the pushed expiry
    /// passed), re-pauses what the re-push restarted, and pauses running forwards of a
    /// suspended service (customers keep their 90-day tokens, §2.2).
    pub async fn sync(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        self.sync_stored(service).await.map(Stored::into_inner)
    }

    /// [`Engine::sync`], returning the record with its stored version.
    pub(crate) async fn sync_stored(&self, service: &Service) -> Result<Stored, ProvisionError> {
        let action = Msg::ActionSync;
        let mut record = self.load(service.id).await?;
        let Some(user) = record.user_id else {
            return match record.create_pending {
                true => Box::pin(self.create_stored(service)).await,
                false => Err(ProvisionError::NotProvisioned),
            };
        };
        let found = recipes::find_user(self.api.as_ref(), user)
            .await
            .during(action)?;
        let Some(found) = found else {
            return self.recreate(service, record).await;
        };
        let expired = super::repush::expiry_passed(&record, service);
        // The read above already holds the panel's connection cap (3.0): no second read.
        let max_conn = service.plan.max_connections.or(found.max_conn);
        let password = self.login_change(service, &mut record);
        let update = desired_user(service, user, user_status(&record), password, max_conn);
        self.api.update_user(&update).await.during(action)?;
        record.pushed_expiry = Some(update.exp_time);
        let mut repushed = match expired {
            true => {
                self.reenable_bindings(service, &record, user, action)
                    .await?
            }
            false => Vec::new(),
        };
        for tunnel in self
            .apply_bindings(service, &mut record, user, action)
            .await?
        {
            if !repushed.contains(&tunnel) {
                repushed.push(tunnel);
            }
        }
        self.repause(user, &repushed, action).await?;
        record.repause_tunnels.clear();
        if !record.suspended {
            self.save(service.id, &mut record).await?;
            return Ok(record);
        }
        let forwards = self.forwards_of(user, action).await?;
        let running = ids_where(&forwards, |f| f.is_running());
        merge_ids(&mut record.suspended_forwards, &running);
        self.save(service.id, &mut record).await?;
        let outcome = self.batch(user, &running, BatchOp::Pause, action).await?;
        outcome.error(BatchOp::Pause).map_or(Ok(record), Err)
    }

    /// Re-creates the account of a service whose panel user was deleted by hand. The
    /// suspension is kept in the record throughout, so the user is created disabled and a
    /// retry after any failure still knows the service is suspended.
    async fn recreate(&self, service: &Service, stale: Stored) -> Result<Stored, ProvisionError> {
        self.forget_customer(&service.username());
        let mut fresh = Stored {
            record: ServiceRecord {
                suspended: stale.suspended,
                ..ServiceRecord::default()
            },
            version: stale.version,
        };
        self.save(service.id, &mut fresh).await?;
        Box::pin(self.create_stored(service)).await
    }

    /// Brings the user's bindings to the plan: assigns missing ones and those whose speed
    /// limit differs, removes tunnels this service granted that the plan dropped (their
    /// forwards first: a removed binding leaves forwards running, §5.15). Returns the
    /// tunnels whose existing binding was re-assigned, now or by an earlier attempt that
    /// failed before re-pausing (their forwards were re-pushed).
    async fn apply_bindings(
        &self,
        service: &Service,
        record: &mut Stored,
        user: UserId,
        action: Msg,
    ) -> Result<Vec<TunnelId>, ProvisionError> {
        let tunnels = self.tunnels(&service.plan, action).await?;
        let mut bindings = self.api.list_bindings(user).await.during(action)?;
        let speed_ok = |tunnel: &TunnelId| {
            let existing = bindings.iter().find(|b| b.tunnel_id == *tunnel);
            existing.map(|b| b.speed_id == service.plan.speed_limit)
        };
        let missing: Vec<TunnelId> = tunnels
            .iter()
            .filter(|t| speed_ok(t).is_none())
            .copied()
            .collect();
        let reassign: Vec<TunnelId> = tunnels
            .iter()
            .filter(|t| speed_ok(t) == Some(false))
            .copied()
            .collect();
        if !reassign.is_empty() {
            for tunnel in &reassign {
                if !record.repause_tunnels.contains(tunnel) {
                    record.repause_tunnels.push(*tunnel);
                }
            }
            self.save(service.id, record).await?;
        }
        let assigns: Vec<_> = missing
            .iter()
            .chain(&reassign)
            .map(|t| desired_binding(service, user, *t))
            .collect();
        self.assign_bindings(&assigns, action).await?;
        let dropped: Vec<TunnelId> = record
            .bindings
            .keys()
            .filter(|t| !tunnels.contains(t))
            .copied()
            .collect();
        self.drop_tunnels(user, &dropped, &bindings, action).await?;
        if !missing.is_empty() {
            bindings = self.api.list_bindings(user).await.during(action)?;
        }
        record.bindings = bindings
            .iter()
            .filter(|b| tunnels.contains(&b.tunnel_id))
            .map(|b| (b.tunnel_id, b.id))
            .collect();
        Ok(record.repause_tunnels.clone())
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
        let doomed: Vec<_> = bindings
            .iter()
            .filter(|b| dropped.contains(&b.tunnel_id))
            .map(|b| b.id)
            .collect();
        self.remove_bindings(&doomed, action).await
    }
}
