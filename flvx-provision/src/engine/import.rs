//! Import from the hand-written 1.0 module: a service it provisioned keeps its panel user.
//!
//! 1.0 kept, per service, the product custom fields `flvx_user_id`, `flvx_username` and
//! `flvx_password` (and `flvx_tunnel_id`, `flvx_user_tunnel_id`, which the panel's own
//! binding list makes redundant). Its usernames came from the domain or the e-mail, so a
//! name proves nothing; the proof is the one used for adoption: the password 1.0 gave logs
//! in as that user (`owns_user`). The user is then renamed to this module's name by the
//! Sync that follows, and keeps its password.

use super::{Engine, Service, Stored};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::SecretString;
use flvx_api::ids::{TunnelId, UserId};
use flvx_api::recipes;
use std::collections::BTreeMap;

const ACTION: Msg = Msg::ActionImportLegacy;

/// The 1.0 custom field holding the panel user id.
pub const FIELD_USER_ID: &str = "flvx_user_id";
/// The 1.0 custom field holding the panel username.
pub const FIELD_USERNAME: &str = "flvx_username";
/// The 1.0 custom field holding the panel password, in clear text.
pub const FIELD_PASSWORD: &str = "flvx_password";

/// A panel account the 1.0 module recorded for a service.
#[derive(Debug, Clone)]
pub struct LegacyAccount {
    /// `flvx_user_id`.
    pub user_id: UserId,
    /// `flvx_username`.
    pub username: String,
    /// `flvx_password`: the customer's panel password, which it keeps.
    pub password: SecretString,
    /// Whether WHMCS has the service suspended (1.0 suspended the binding, not the user).
    pub suspended: bool,
}

impl LegacyAccount {
    /// The account in a service's custom fields (WHMCS `$params['customfields']`), `None`
    /// when `flvx_user_id` is missing or blank (never provisioned by 1.0, or terminated:
    /// 1.0 cleared the fields). The other two must then be filled in.
    pub fn from_fields(
        fields: &BTreeMap<String, String>,
        suspended: bool,
    ) -> Result<Option<LegacyAccount>, ProvisionError> {
        let field = |name: &str| fields.get(name).map_or("", |v| v.trim());
        let id = field(FIELD_USER_ID);
        if id.is_empty() {
            return Ok(None);
        }
        let user_id = match id.parse::<i64>() {
            Ok(n) if n > 0 && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()) => UserId(n),
            _ => {
                return Err(ProvisionError::LegacyField {
                    field: FIELD_USER_ID,
                    value: id.to_owned(),
                    allowed: Msg::LegacyAllowedUserId,
                });
            }
        };
        let username = field(FIELD_USERNAME);
        if username.is_empty() {
            return Err(ProvisionError::LegacyField {
                field: FIELD_USERNAME,
                value: String::new(),
                allowed: Msg::LegacyAllowedText,
            });
        }
        // The password as 1.0 wrote it: the panel compares it untrimmed.
        let password = fields.get(FIELD_PASSWORD).cloned().unwrap_or_default();
        if password.is_empty() {
            return Err(ProvisionError::LegacyField {
                field: FIELD_PASSWORD,
                value: String::new(),
                allowed: Msg::LegacyAllowedText,
            });
        }
        Ok(Some(LegacyAccount {
            user_id,
            username: username.to_owned(),
            password: password.into(),
            suspended,
        }))
    }
}

impl Engine {
    /// The automatic import, run before every action on a service: when the service has
    /// no record of its own yet (no user, no create under way) and its custom fields
    /// carry a 1.0 account, takes that account over; otherwise does nothing (no call, and
    /// the fields are not even read). Returns the account it imported: the service then
    /// acts with that password, which the caller wrote to the WHMCS service.
    pub async fn adopt_legacy(
        &self,
        service: &Service,
        fields: &BTreeMap<String, String>,
        suspended: bool,
    ) -> Result<Option<LegacyAccount>, ProvisionError> {
        let record = self.load(service.id).await?;
        if record.user_id.is_some() || record.create_pending {
            return Ok(None);
        }
        let Some(legacy) = LegacyAccount::from_fields(fields, suspended)? else {
            return Ok(None);
        };
        self.import_legacy(service, &legacy).await?;
        Ok(Some(legacy))
    }

    /// Takes over the panel user the 1.0 module made for `service` (the admin button, and
    /// the automatic import): checked first, with nothing written if any check fails: the
    /// user is no other service's, exists, carries the name 1.0 recorded, and logs in with
    /// the 1.0 password. Its bindings on the plan's tunnels are then re-written from the
    /// plan (1.0 suspended by disabling them, and set their expiry itself), the record
    /// saved, and the plan applied by Sync, which also renames the user to this service's
    /// name. The caller writes that name and the 1.0 password to the WHMCS service before
    /// this runs past the checks (the PHP module does it between the checks and the save).
    ///
    /// Calls: `user/list`, `user/login` and `user/package` (as the user), `tunnel/user/list`,
    /// a `tunnel/user/assign` per binding on the plan's tunnels (all at once), then Sync's.
    /// A service already linked to that user only gets the Sync (a retry converges).
    pub async fn import_legacy(
        &self,
        service: &Service,
        legacy: &LegacyAccount,
    ) -> Result<ServiceRecord, ProvisionError> {
        self.import_stored(service, legacy)
            .await
            .map(Stored::into_inner)
    }

    async fn import_stored(
        &self,
        service: &Service,
        legacy: &LegacyAccount,
    ) -> Result<Stored, ProvisionError> {
        let record = self.load(service.id).await?;
        match record.user_id {
            Some(user) if user == legacy.user_id => return self.sync_stored(service).await,
            Some(linked) => {
                return Err(ProvisionError::LegacyAlreadyLinked {
                    linked,
                    user_id: legacy.user_id,
                });
            }
            None => {}
        }
        self.check_panel_supports(&service.plan, ACTION).await?;
        self.check_legacy(service, legacy).await?;
        self.take_over(service, legacy, record, ACTION).await
    }

    /// The automatic take-over of a service WHMCS Server Sync imported from ListAccounts
    /// (a panel user made by hand): run before every action on an Active or Suspended
    /// service without a record of its own, when the service's username (WHMCS
    /// `tblhosting.username`) names an ordinary panel user that no service holds and the
    /// service password logs in as it. A name alone proves nothing (customers choose
    /// usernames on order forms), so anything short of that login leaves the service as
    /// it is. Returns whether it took the user over; then as an import from 1.0.
    ///
    /// Calls: `user/list` (by name), `user/login` and `user/package` (as the user), then
    /// the import's `tunnel/user/list`, assigns and Sync.
    pub async fn adopt_listed(
        &self,
        service: &Service,
        username: &str,
        suspended: bool,
    ) -> Result<bool, ProvisionError> {
        let action = Msg::ActionImportListed;
        let username = username.trim();
        let record = self.load(service.id).await?;
        if record.user_id.is_some()
            || record.create_pending
            || username.is_empty()
            || username == service.username()
        {
            return Ok(false);
        }
        let found = recipes::find_user_by_name(self.api.as_ref(), username)
            .await
            .during(action)?;
        let Some(user) = found.filter(super::link::is_customer) else {
            return Ok(false);
        };
        if self.store.service_of_user(user.id).await?.is_some()
            || !self.owns_user(username, &service.password, action).await?
        {
            return Ok(false);
        }
        self.check_panel_supports(&service.plan, action).await?;
        let account = LegacyAccount {
            user_id: user.id,
            username: username.to_owned(),
            password: service.password.clone(),
            suspended,
        };
        self.take_over(service, &account, record, action).await?;
        Ok(true)
    }

    /// Binds a checked account to the service: its bindings on the plan's tunnels
    /// re-written, the record saved, then Sync.
    async fn take_over(
        &self,
        service: &Service,
        legacy: &LegacyAccount,
        mut record: Stored,
        action: Msg,
    ) -> Result<Stored, ProvisionError> {
        let user = legacy.user_id;
        let tunnels = self.tunnels(&service.plan, action).await?;
        let bindings = self.api.list_bindings(user).await.during(action)?;
        let kept: BTreeMap<TunnelId, _> = bindings
            .iter()
            .filter(|b| tunnels.contains(&b.tunnel_id))
            .map(|b| (b.tunnel_id, b.id))
            .collect();
        // Written before the record: a failure here leaves nothing to undo, and the retry
        // passes the same checks (the user is renamed only by the Sync below).
        let assigns: Vec<_> = kept
            .keys()
            .map(|t| super::desired_binding(service, user, *t))
            .collect();
        self.assign_bindings(&assigns, action).await?;
        record.user_id = Some(user);
        record.username = Some(service.username());
        record.bindings = kept;
        record.suspended = legacy.suspended;
        record.create_pending = false;
        // The assigns re-pushed the forwards on those tunnels: Sync pauses them again.
        record.repause_tunnels = record.bindings.keys().copied().collect();
        self.save(service.id, &mut record).await?;
        self.sync_stored(service).await
    }

    /// The checks of an import, in the order both runtimes make them: the store first (a
    /// user another service holds was most likely renamed by it, and saying so is the
    /// useful message), then the panel.
    async fn check_legacy(
        &self,
        service: &Service,
        legacy: &LegacyAccount,
    ) -> Result<(), ProvisionError> {
        let holder = self.store.service_of_user(legacy.user_id).await?;
        if let Some(other) = holder.filter(|other| *other != service.id) {
            return Err(ProvisionError::LegacyUserTaken {
                user_id: legacy.user_id,
                username: legacy.username.clone(),
                other,
            });
        }
        let found = recipes::find_user(self.api.as_ref(), legacy.user_id)
            .await
            .during(ACTION)?
            .ok_or(ProvisionError::LegacyUserMissing {
                user_id: legacy.user_id,
            })?;
        if found.user != legacy.username {
            return Err(ProvisionError::LegacyNameMismatch {
                user_id: legacy.user_id,
                username: legacy.username.clone(),
                found: found.user,
            });
        }
        if !self
            .owns_user(&legacy.username, &legacy.password, ACTION)
            .await?
        {
            return Err(ProvisionError::LegacyPasswordMismatch {
                username: legacy.username.clone(),
            });
        }
        Ok(())
    }
}
