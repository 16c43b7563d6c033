//! Create: a user named after the service, with its password, then one binding per tunnel.

use super::{Engine, Service, Stored, desired_binding, desired_user, user_status};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::SecretString;
use flvx_api::models::{NewUser, User, UserUpdate};
use flvx_api::panel_messages::NAME_TAKEN;
use flvx_api::recipes;
use flvx_api::units::EpochMs;

const ACTION: Msg = Msg::ActionCreate;

impl Engine {
    /// Creates the panel account of `service`. Calls: `user/create`, `user/list` (the id;
    /// creates return none), one `tunnel/user/assign` per tunnel (all at once), one `tunnel/user/list`
    /// (binding ids). A retry after any failure converges; a same-named user this service
    /// did not create is refused. On an already provisioned service this re-applies the plan
    /// (and brings back one terminated with the `disable` action).
    ///
    /// A service whose record says suspended (a re-create by sync) gets a disabled user.
    ///
    /// Before `user/create` the record gets the create-pending marker and the expiry the
    /// create sends (every attempt sends that same one). A user found under the name later
    /// is adopted only if the marker is set and the user logs in with this service's
    /// password (`user/login`, `user/package`): a name or an expiry is no proof.
    pub async fn create(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        self.create_stored(service).await.map(Stored::into_inner)
    }

    /// [`Engine::create`], returning the record with its stored version.
    pub(crate) async fn create_stored(&self, service: &Service) -> Result<Stored, ProvisionError> {
        check_password(service)?;
        self.check_panel_supports(&service.plan, ACTION).await?;
        let original = self.load(service.id).await?;
        if original.user_id.is_some() && !original.create_pending {
            return match original.terminated {
                true => self.reactivate(service).await,
                false => self.sync_stored(service).await,
            };
        }
        let tunnels = self.tunnels(&service.plan, ACTION).await?;
        let sent_expiry = match (original.create_pending, original.pushed_expiry) {
            (true, Some(sent)) => sent,
            _ => service.expiry(),
        };
        let mut record = original.clone();
        record.username = Some(service.username());
        record.create_pending = true;
        record.pushed_expiry = Some(sent_expiry);
        // Without panel access the secret is saved before the create, like the marker:
        // every attempt sends the same one, and it proves an adopted user is ours.
        self.login_change(service, &mut record);
        self.save(service.id, &mut record).await?;
        let password = service.panel_password(&record).clone();
        let user = match self
            .create_or_adopt(service, &original, sent_expiry, &password)
            .await
        {
            Ok(user) => user,
            Err(e @ ProvisionError::UserNotOurs { .. }) => {
                // The name was someone else's all along: none of our creates took effect.
                let mut cleared = Stored {
                    record: ServiceRecord {
                        create_pending: false,
                        pushed_expiry: None,
                        ..original.into_inner()
                    },
                    version: record.version,
                };
                self.save(service.id, &mut cleared).await?;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        record.pushed_expiry = Some(service.expiry());
        let assigns: Vec<_> = tunnels
            .iter()
            .map(|t| desired_binding(service, user.id, *t))
            .collect();
        self.assign_bindings(&assigns, ACTION).await?;
        let bindings = self.api.list_bindings(user.id).await.during(ACTION)?;
        record.user_id = Some(user.id);
        record.bindings = bindings
            .iter()
            .filter(|b| tunnels.contains(&b.tunnel_id))
            .map(|b| (b.tunnel_id, b.id))
            .collect();
        record.create_pending = false;
        self.save(service.id, &mut record).await?;
        Ok(record)
    }

    /// Brings back a service terminated with the `disable` action: unsuspend (status 1,
    /// the paused forwards resumed), then the plan re-applied by sync. The terminated flag
    /// is cleared last, so a retry after any failure starts over and converges.
    async fn reactivate(&self, service: &Service) -> Result<Stored, ProvisionError> {
        self.unsuspend(service).await?;
        let mut record = self.sync_stored(service).await?;
        record.terminated = false;
        self.save(service.id, &mut record).await?;
        Ok(record)
    }

    /// `user/create` with the panel `password`; if the name is taken, adopt the user only
    /// when that password logs in as it (or free the name from another service's user
    /// renamed to it), and bring it up to the plan. A user created on a retry with
    /// an older sent expiry (products without a due date) gets the current expiry too.
    async fn create_or_adopt(
        &self,
        service: &Service,
        original: &ServiceRecord,
        sent_expiry: EpochMs,
        password: &SecretString,
    ) -> Result<User, ProvisionError> {
        let username = service.username();
        let new = NewUser {
            user: username.clone(),
            password: password.clone(),
            flow: service.plan.quota,
            num: service.plan.max_forwards,
            exp_time: sent_expiry,
            flow_reset_time: service.reset_day(),
            status: user_status(original),
            group_ids: service.plan.user_group.map(|g| vec![g]),
            max_conn: service.plan.max_connections,
            quota_limits: service.plan.quota_limits,
        };
        let adopting = match self.api.create_user(&new).await {
            Ok(()) => false,
            Err(e) if e.panel_message() == Some(NAME_TAKEN) => {
                self.take_name(service, original, &new).await?
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
        // No two services may ever share one panel user.
        if self
            .store
            .service_of_user(user.id)
            .await?
            .is_some_and(|other| other != service.id)
        {
            return Err(ProvisionError::UserNotOurs { username });
        }
        if adopting || sent_expiry != service.expiry() {
            let password = Some(password.clone());
            let max_conn = service.plan.max_connections.or(user.max_conn);
            let status = user_status(original);
            let update = desired_user(service, user.id, status, password, max_conn);
            self.api.update_user(&update).await.during(ACTION)?;
        }
        Ok(user)
    }
}

impl Engine {
    /// The name is taken: by this service's own user, made by an attempt whose answer was
    /// lost (adopted when this service's password logs in as it: returns true), or by
    /// another service's user renamed to it (that one gets its name back, then the create
    /// is sent again: returns false). Otherwise the name is someone else's.
    async fn take_name(
        &self,
        service: &Service,
        original: &ServiceRecord,
        new: &NewUser,
    ) -> Result<bool, ProvisionError> {
        let username = service.username();
        if original.create_pending && self.owns_user(&username, &new.password, ACTION).await? {
            return Ok(true);
        }
        if self.reclaim_name(service).await? {
            self.api.create_user(new).await.during(ACTION)?;
            return Ok(false);
        }
        Err(ProvisionError::UserNotOurs { username })
    }

    /// A customer can rename its own panel user (`user/updatePassword` takes a new name),
    /// also to the name this service is about to get, to block it. If the user holding the
    /// name is bound to another service, it gets that service's name back and the name is
    /// free again. Calls: `user/list`, and `user/update` (every field as the panel has
    /// it, only the name changed) when the holder is another service's.
    async fn reclaim_name(&self, service: &Service) -> Result<bool, ProvisionError> {
        let username = service.username();
        let holder = recipes::find_user_by_name(self.api.as_ref(), &username)
            .await
            .during(ACTION)?;
        let Some(holder) = holder else {
            return Ok(false);
        };
        let owner = self.store.service_of_user(holder.id).await?;
        let Some(owner) = owner.filter(|owner| *owner != service.id) else {
            return Ok(false);
        };
        let own_name = self.load(owner).await?.username.clone();
        let Some(own_name) = own_name.filter(|name| *name != username) else {
            return Ok(false);
        };
        let mut update = UserUpdate::from_user(&holder);
        update.user = own_name;
        self.api.update_user(&update).await.during(ACTION)?;
        Ok(true)
    }
}

/// The panel trims passwords before storing them but not at login (panel behaviour §10.11), so a
/// blank or space-padded password could never log in; 3.0's bcrypt refuses more than 72
/// bytes (refused on 2.1 too, so the service keeps working after a panel upgrade). Both
/// are refused before any call. Without panel access the service password never reaches
/// the panel, and is not checked.
pub(crate) fn check_password(service: &Service) -> Result<(), ProvisionError> {
    if !service.plan.panel_access {
        return Ok(());
    }
    let password = flvx_api::ExposeSecret::expose_secret(&service.password);
    if password.trim().is_empty() || password.trim() != password {
        return Err(ProvisionError::InvalidPassword);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ProvisionError::PasswordTooLong);
    }
    Ok(())
}

/// bcrypt's limit, which FLVX 3.0 passes on.
pub const MAX_PASSWORD_BYTES: usize = 72;
