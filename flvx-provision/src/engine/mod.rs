//! The lifecycle engine: what each billing event does on the panel.
//!
//! Updates on the panel are full replaces, so every write is computed from the plan and
//! the service's own state (`desired_user`); the engine reads from the panel only what
//! the plan cannot know (ids, forwards). One file per operation.

mod batch;
mod create;
mod customer;
mod package;
mod repush;
mod suspend;
mod terminate;
mod traffic;

pub use customer::ForwardRequest;

use crate::dates::{Date, days_ms};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::plan::{Plan, TrafficReset};
use crate::store::{ServiceId, ServiceRecord, ServiceStore, Versioned};
use flvx_api::ids::{ForwardId, TunnelId, UserId};
use flvx_api::models::{BindingAssign, Forward, UserUpdate};
use flvx_api::units::{EpochMs, ResetDay, Status};
use flvx_api::{Credentials, FlvxApi, SecretString};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One service as the billing system describes it at the moment of an operation.
#[derive(Debug, Clone)]
pub struct Service {
    /// The billing system's service id.
    pub id: ServiceId,
    /// Its validated plan.
    pub plan: Plan,
    /// The next due date; `None` for free or one-time products.
    pub due_date: Option<Date>,
    /// The customer's panel password (the service password).
    pub password: SecretString,
    /// The current time, passed in so that both runtimes compute the same expiry.
    pub now: EpochMs,
}

impl Service {
    /// The panel username.
    pub fn username(&self) -> String {
        self.plan.username(self.id)
    }

    /// The panel expiry: the end of the last grace day after the due date, or for products
    /// without one, `expiry_days` from now (never, if 0).
    pub fn expiry(&self) -> EpochMs {
        match self.due_date {
            Some(due) => EpochMs(due.start_ms().get() + days_ms(self.plan.grace_days + 1)),
            None if self.plan.expiry_days == 0 => EpochMs::FAR_FUTURE,
            None => EpochMs(self.now.get() + days_ms(self.plan.expiry_days)),
        }
    }

    /// The panel's monthly reset day.
    pub fn reset_day(&self) -> ResetDay {
        let day = match self.plan.traffic_reset {
            TrafficReset::Never => return ResetDay::NEVER,
            TrafficReset::Day(day) => day,
            TrafficReset::BillingDay => self.due_date.unwrap_or(Date::of(self.now)).day(),
        };
        ResetDay::day(day).unwrap_or(ResetDay::NEVER)
    }
}

/// A service record as loaded, with its stored version.
type Stored = Versioned<ServiceRecord>;

/// Runs lifecycle operations against one panel and one store.
///
/// Several engines (threads, processes, machines) may share one store: its saves are
/// compare-and-swap, so an operation that read a record another one has since changed
/// fails with [`ProvisionError::Conflict`] instead of overwriting it, and running it again
/// continues from the newer record ([`ProvisionError::is_conflict`]).
pub struct Engine {
    api: Arc<dyn FlvxApi>,
    store: Arc<dyn ServiceStore>,
    customers: Mutex<HashMap<String, Arc<dyn FlvxApi>>>,
}

impl Engine {
    /// An engine on an admin panel handle and a store.
    pub fn new(api: Arc<dyn FlvxApi>, store: Arc<dyn ServiceStore>) -> Self {
        Engine {
            api,
            store,
            customers: Mutex::new(HashMap::new()),
        }
    }

    /// The admin panel handle.
    pub fn api(&self) -> &Arc<dyn FlvxApi> {
        &self.api
    }

    /// The record of `id` as stored, with the version its next save must match.
    async fn load(&self, id: ServiceId) -> Result<Stored, ProvisionError> {
        Ok(self.store.load(id).await?)
    }

    /// Saves `record` over the version it was read at (compare-and-swap) and carries the
    /// new version forward, so an operation that saves twice never writes over a record
    /// another operation saved in between: that save fails with
    /// [`ProvisionError::Conflict`] and the whole operation can be retried.
    async fn save(&self, id: ServiceId, record: &mut Stored) -> Result<(), ProvisionError> {
        record.version = self.store.save(id, &record.record, record.version).await?;
        Ok(())
    }

    /// The record of a provisioned service and its panel user id.
    pub(crate) async fn provisioned(
        &self,
        id: ServiceId,
    ) -> Result<(Stored, UserId), ProvisionError> {
        let record = self.load(id).await?;
        match record.user_id {
            Some(user) => Ok((record, user)),
            None => Err(ProvisionError::NotProvisioned),
        }
    }

    /// The plan's tunnels, plus those of its tunnel group (one extra call only if set).
    async fn tunnels(&self, plan: &Plan, action: Msg) -> Result<Vec<TunnelId>, ProvisionError> {
        let mut tunnels = plan.tunnels.clone();
        if let Some(group) = plan.tunnel_group {
            let groups = self.api.list_tunnel_groups().await.during(action)?;
            let members = groups.into_iter().find(|g| g.id == group);
            for tunnel in members.map(|g| g.tunnel_ids).unwrap_or_default() {
                if !tunnels.contains(&tunnel) {
                    tunnels.push(tunnel);
                }
            }
        }
        Ok(tunnels)
    }

    /// The user's forwards, from the admin list of all forwards.
    async fn forwards_of(&self, user: UserId, action: Msg) -> Result<Vec<Forward>, ProvisionError> {
        flvx_api::recipes::forwards_of(self.api.as_ref(), user)
            .await
            .during(action)
    }

    /// A handle acting as the service's customer, cached so its token is reused.
    pub(crate) fn customer(&self, service: &Service, username: &str) -> Arc<dyn FlvxApi> {
        let mut cache = self.customers.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry(username.to_owned())
            .or_insert_with(|| {
                let password = flvx_api::ExposeSecret::expose_secret(&service.password);
                self.api
                    .acting_as(Credentials::password(username, password))
            })
            .clone()
    }

    fn forget_customer(&self, username: &str) {
        let mut cache = self.customers.lock().unwrap_or_else(|p| p.into_inner());
        cache.remove(username);
    }
}

/// Every user field, from the plan and the service's state: nothing is left to the
/// panel's defaults (contract §5.3).
fn desired_user(
    service: &Service,
    user: UserId,
    status: Status,
    password: Option<SecretString>,
) -> UserUpdate {
    UserUpdate {
        id: user,
        user: service.username(),
        password,
        flow: service.plan.quota,
        num: service.plan.max_forwards,
        exp_time: service.expiry(),
        flow_reset_time: service.reset_day(),
        status,
        group_ids: service.plan.user_group.map(|g| vec![g]),
    }
}

/// Every binding field for one tunnel. Bindings always stay enabled: suspension is done
/// on the user and its forwards, because a binding update restarts paused forwards (§4.7).
fn desired_binding(service: &Service, user: UserId, tunnel: TunnelId) -> BindingAssign {
    BindingAssign {
        user_id: user,
        tunnel_id: tunnel,
        flow: service.plan.quota,
        num: service.plan.max_forwards,
        exp_time: service.expiry(),
        flow_reset_time: service.reset_day(),
        status: Status::Enabled,
        speed_id: service.plan.speed_limit,
    }
}

/// The user status a service in this record should have.
fn user_status(record: &ServiceRecord) -> Status {
    if record.suspended {
        Status::Disabled
    } else {
        Status::Enabled
    }
}

/// Ids of forwards in `forwards` matching `keep`.
fn ids_where(forwards: &[Forward], keep: impl Fn(&Forward) -> bool) -> Vec<ForwardId> {
    forwards.iter().filter(|f| keep(f)).map(|f| f.id).collect()
}

/// Adds the ids in `more` to `list`, keeping it free of duplicates.
fn merge_ids(list: &mut Vec<ForwardId>, more: &[ForwardId]) {
    for id in more {
        if !list.contains(id) {
            list.push(*id);
        }
    }
}
