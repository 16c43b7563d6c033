//! The admin's link: a service bound to an existing panel user by hand (the admin service
//! tab), or unbound. The admin's decision is the proof of ownership here, so the checks
//! are the ones no decision can waive: the user exists and is no panel admin, no other
//! service holds it, and the service's own name is free for it to take.

use super::{Engine, Service};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::ServiceRecord;
use flvx_api::ids::UserId;
use flvx_api::models::User;
use flvx_api::recipes;

const ACTION: Msg = Msg::ActionLink;

/// A panel user as the admin names it: by id (digits only) or by exact name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelUserRef {
    /// A panel user id.
    Id(UserId),
    /// A panel username.
    Name(String),
}

impl PanelUserRef {
    /// What the admin typed: `None` when blank; digits are an id, anything else a name.
    pub fn parse(text: &str) -> Option<PanelUserRef> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let digits = text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit());
        match text.parse::<i64>() {
            Ok(id) if digits && id > 0 => Some(PanelUserRef::Id(UserId(id))),
            _ => Some(PanelUserRef::Name(text.to_owned())),
        }
    }

    /// As typed, for messages.
    fn label(&self) -> String {
        match self {
            PanelUserRef::Id(id) => format!("#{id}"),
            PanelUserRef::Name(name) => format!("\"{name}\""),
        }
    }
}

impl Engine {
    /// Links `service` to an existing panel user chosen by the admin (a user made by hand,
    /// say), checked first with nothing written if a check fails: the service has no
    /// user yet, the user exists, no other service holds it, and no other panel user has
    /// this service's name (which the user gets). Then the record is saved and the plan
    /// applied by Sync (renaming the user), and the user gets the service password, so the
    /// customer logs in with what WHMCS shows. Linking the user it is already linked to
    /// changes nothing.
    ///
    /// Calls: `user/list` (one, or two by id), then Sync's, then `user/update` (the password).
    pub async fn link(
        &self,
        service: &Service,
        target: &PanelUserRef,
    ) -> Result<ServiceRecord, ProvisionError> {
        super::create::check_password(service)?;
        let mut record = self.load(service.id).await?;
        let found = self.find_target(target).await?;
        if let Some(linked) = record.user_id {
            if found.as_ref().is_some_and(|u| u.id == linked) {
                return Ok(record.into_inner());
            }
            return Err(ProvisionError::LinkAlreadyLinked { linked });
        }
        let user = found.ok_or_else(|| ProvisionError::LinkUserMissing {
            user: target.label(),
        })?;
        if !is_customer(&user) {
            return Err(ProvisionError::LinkAdminUser { user: user.id });
        }
        let holder = self.store.service_of_user(user.id).await?;
        if let Some(other) = holder.filter(|other| *other != service.id) {
            return Err(ProvisionError::LinkUserTaken {
                user: user.id,
                other,
            });
        }
        let name = service.username();
        if user.user != name {
            let squatter = recipes::find_user_by_name(self.api.as_ref(), &name)
                .await
                .during(ACTION)?;
            if squatter.is_some() {
                return Err(ProvisionError::LinkNameTaken { username: name });
            }
        }
        record.user_id = Some(user.id);
        record.username = Some(name);
        record.create_pending = false;
        record.terminated = false;
        // A secret of an earlier user is not this one's password: Sync sets a new one.
        record.panel_secret = None;
        self.save(service.id, &mut record).await?;
        self.sync_stored(service).await?;
        self.change_password(service).await
    }

    /// Unlinks `service` from its panel user: the record is forgotten (WHMCS no longer
    /// manages that user), and the panel is left exactly as it is. Calls: none.
    pub async fn unlink(&self, service: &Service) -> Result<ServiceRecord, ProvisionError> {
        let mut record = self.load(service.id).await?;
        if record.user_id.is_none() && !record.create_pending {
            return Err(ProvisionError::NotProvisioned);
        }
        record.record = ServiceRecord::default();
        self.save(service.id, &mut record).await?;
        Ok(record.into_inner())
    }

    pub(crate) async fn find_target(
        &self,
        target: &PanelUserRef,
    ) -> Result<Option<User>, ProvisionError> {
        match target {
            PanelUserRef::Id(id) => recipes::find_user(self.api.as_ref(), *id).await,
            PanelUserRef::Name(name) => recipes::find_user_by_name(self.api.as_ref(), name).await,
        }
        .during(ACTION)
    }
}

/// Whether `user` is an ordinary panel user (role 1): an admin must never be taken over
/// (Sync would rename it and give it a customer's password).
pub(crate) fn is_customer(user: &User) -> bool {
    user.role_id == Some(1)
}
