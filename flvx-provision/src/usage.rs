//! Traffic for every service of a server from one `user/list` call (never one per service).

use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::store::{ServiceId, ServiceStore};
use flvx_api::FlvxApi;
use flvx_api::ids::UserId;
use flvx_api::models::User;
use flvx_api::units::{Bytes, Gib};
use std::collections::HashMap;

/// One service's traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceUsage {
    /// The service.
    pub service: ServiceId,
    /// Bytes counted against the quota (both directions).
    pub used: Bytes,
    /// The quota.
    pub quota: Gib,
}

impl ServiceUsage {
    /// WHMCS `bwusage`, in MB (1024²).
    pub fn usage_mb(&self) -> u64 {
        self.used.to_mb()
    }

    /// WHMCS `bwlimit`, in MB; 0 (unlimited in WHMCS) for the panel's unlimited quota.
    pub fn limit_mb(&self) -> u64 {
        if self.quota.is_unlimited() {
            0
        } else {
            self.quota.to_bytes().to_mb()
        }
    }
}

/// Usage of the given services (service id with its panel user id) from a `user/list`
/// result. Services whose user is missing on the panel are left out.
pub fn usage_from_users(users: &[User], services: &[(ServiceId, UserId)]) -> Vec<ServiceUsage> {
    let by_id: HashMap<UserId, &User> = users.iter().map(|u| (u.id, u)).collect();
    services
        .iter()
        .filter_map(|(service, user)| {
            by_id.get(user).map(|u| ServiceUsage {
                service: *service,
                used: u.used(),
                quota: u.flow,
            })
        })
        .collect()
}

/// Usage of every listed service that has a panel user, with one panel call.
pub async fn usage(
    api: &dyn FlvxApi,
    store: &dyn ServiceStore,
    services: &[ServiceId],
) -> Result<Vec<ServiceUsage>, ProvisionError> {
    let mut pairs = Vec::with_capacity(services.len());
    for service in services {
        let record = store.load(*service).await?;
        if let Some(user) = record.user_id {
            pairs.push((*service, user));
        }
    }
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let users = api.list_users(None).await.during(Msg::ActionUsage)?;
    Ok(usage_from_users(&users, &pairs))
}
