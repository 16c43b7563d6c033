//! Create: a user named after the service, with its password, then one binding per tunnel.

use super::{Engine, Service, desired_binding, desired_user};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::models::{NewUser, User};
use flvx_api::panel_messages::NAME_TAKEN;
use flvx_api::recipes;
use flvx_api::units::Status;

const ACTION: Msg = Msg::ActionCreate;

impl Engine {
    /// Creates the panel account of `service`. Calls: `user/create`, `user/list` (the id;
    /// creates return none), one `tunnel/user/assign` per tunnel, one `tunnel/user/list`
    /// (binding ids). A retry after any failure converges; a same-named user this service
    /// did not create is refused. On an already provisioned service this re-applies the plan.
    pub async fn create(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let original = self.load(service.id).await?;
        if original.user_id.is_some() && !original.create_pending {
            return self.sync(service).await;
        }
        let tunnels = self.tunnels(&service.plan, ACTION).await?;
        let mut record = original.clone();
        record.username = Some(service.username());
        record.create_pending = true;
        self.save(service.id, &record).await?;
        let user = match self.create_or_adopt(service, original.create_pending).await {
            Ok(user) => user,
            Err(e @ ProvisionError::UserNotOurs { .. }) => {
                self.save(service.id, &original).await?;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        for tunnel in &tunnels {
            let assign = desired_binding(service, user.id, *tunnel);
            self.api.assign_binding(&assign).await.during(ACTION)?;
        }
        let bindings = self.api.list_bindings(user.id).await.during(ACTION)?;
        record.user_id = Some(user.id);
        record.bindings = bindings
            .iter()
            .filter(|b| tunnels.contains(&b.tunnel_id))
            .map(|b| (b.tunnel_id, b.id))
            .collect();
        record.create_pending = false;
        record.suspended = false;
        self.save(service.id, &record).await?;
        Ok(record)
    }

    /// `user/create`; if the name is taken, adopt the user only when an earlier attempt of
    /// this service sent the create (the pending marker), and bring it up to the plan.
    async fn create_or_adopt(
        &self,
        service: &Service,
        was_pending: bool,
    ) -> Result<User, ProvisionError> {
        let username = service.username();
        let new = NewUser {
            user: username.clone(),
            password: service.password.clone(),
            flow: service.plan.quota,
            num: service.plan.max_forwards,
            exp_time: service.expiry(),
            flow_reset_time: service.reset_day(),
            status: Status::Enabled,
            group_ids: service.plan.user_group.map(|g| vec![g]),
        };
        let adopting = match self.api.create_user(&new).await {
            Ok(()) => false,
            Err(e) if e.panel_message() == Some(NAME_TAKEN) && was_pending => true,
            Err(e) if e.panel_message() == Some(NAME_TAKEN) => {
                return Err(ProvisionError::UserNotOurs { username });
            }
            Err(source) => {
                return Err(ProvisionError::Panel {
                    action: ACTION,
                    source,
                });
            }
        };
        let user = recipes::find_user_by_name(self.api.as_ref(), &username)
            .await
            .during(ACTION)?
            .ok_or_else(|| ProvisionError::Panel {
                action: ACTION,
                source: flvx_api::Error::NotFound {
                    what: format!("user {username:?} just created"),
                },
            })?;
        if adopting {
            let update = desired_user(
                service,
                user.id,
                Status::Enabled,
                Some(service.password.clone()),
            );
            self.api.update_user(&update).await.during(ACTION)?;
        }
        Ok(user)
    }
}
