//! Create: a user named after the service, with its password, then one binding per tunnel.

use super::{Engine, Service, Stored, desired_binding, desired_user, user_status};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::models::{NewUser, User};
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
    /// create sends. Every attempt sends that same expiry, so a user found under the name
    /// later is this service's only if the marker is set and its `expTime` matches to the
    /// millisecond: a fingerprint that costs no extra call.
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
        let fingerprint = match (original.create_pending, original.pushed_expiry) {
            (true, Some(sent)) => sent,
            _ => service.expiry(),
        };
        let mut record = original.clone();
        record.username = Some(service.username());
        record.create_pending = true;
        record.pushed_expiry = Some(fingerprint);
        self.save(service.id, &mut record).await?;
        let user = match self.create_or_adopt(service, &original, fingerprint).await {
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

    /// `user/create`; if the name is taken, adopt the user only when it bears this
    /// service's fingerprint, and bring it up to the plan. A user created on a retry with
    /// an older fingerprint (products without a due date) gets the current expiry too.
    async fn create_or_adopt(
        &self,
        service: &Service,
        original: &ServiceRecord,
        fingerprint: EpochMs,
    ) -> Result<User, ProvisionError> {
        let username = service.username();
        let new = NewUser {
            user: username.clone(),
            password: service.password.clone(),
            flow: service.plan.quota,
            num: service.plan.max_forwards,
            exp_time: fingerprint,
            flow_reset_time: service.reset_day(),
            status: user_status(original),
            group_ids: service.plan.user_group.map(|g| vec![g]),
            max_conn: service.plan.max_connections,
            quota_limits: service.plan.quota_limits,
        };
        let adopting = match self.api.create_user(&new).await {
            Ok(()) => false,
            Err(e) if e.panel_message() == Some(NAME_TAKEN) && original.create_pending => true,
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
        if adopting && user.exp_time != fingerprint {
            return Err(ProvisionError::UserNotOurs { username });
        }
        if adopting || fingerprint != service.expiry() {
            let password = Some(service.password.clone());
            let max_conn = service.plan.max_connections.or(user.max_conn);
            let status = user_status(original);
            let update = desired_user(service, user.id, status, password, max_conn);
            self.api.update_user(&update).await.during(ACTION)?;
        }
        Ok(user)
    }
}

/// The panel trims passwords before storing them but not at login (panel behaviour §10.11), so a
/// blank or space-padded password could never log in; 3.0's bcrypt refuses more than 72
/// bytes (refused on 2.1 too, so the service keeps working after a panel upgrade). Both
/// are refused before any call.
pub(crate) fn check_password(service: &Service) -> Result<(), ProvisionError> {
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
