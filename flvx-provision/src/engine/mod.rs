//! The lifecycle engine: what each billing event does on the panel.
//!
//! Updates on the panel are full replaces, so every write is computed from the plan and
//! the service's own state (`desired_user`); the engine reads from the panel only what
//! the plan cannot know (ids, forwards). One file per operation.
//!
//! The "Calls:" lists of the operations describe FLVX 2.1. On 3.0 every `user/update`
//! whose plan leaves the connection cap to the panel is preceded by one `user/list` (an
//! update without the cap resets it), and the re-pause after a binding write
//! (`forward/list`, `forward/batch-pause`) is left out: 3.0 pauses re-pushed forwards
//! again itself.

mod access;
mod batch;
mod create;
mod customer;
mod import;
mod link;
mod ownership;
mod package;
mod parallel;
mod reconcile;
mod repush;
mod suspend;
mod terminate;
mod traffic;

pub use create::MAX_PASSWORD_BYTES;
pub use customer::ForwardRequest;
pub use import::{FIELD_PASSWORD, FIELD_USER_ID, FIELD_USERNAME, LegacyAccount};
pub use link::PanelUserRef;
pub use parallel::MAX_PARALLEL_CALLS;
pub use reconcile::{PauseReason, Reconciliation, Repair};

use crate::dates::{Date, days_ms};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::plan::{Plan, TrafficReset};
use crate::policy::{Resolver, SystemResolver};
use crate::secret::{RandomSecrets, SecretSource};
use crate::store::{ServiceId, ServiceRecord, ServiceStore, UsageHistory, Versioned};
use flvx_api::ids::{ForwardId, TunnelId, UserId};
use flvx_api::models::{BindingAssign, Forward, User, UserUpdate};
use flvx_api::units::{EpochMs, ResetDay, Status};
use flvx_api::{Credentials, FlvxApi, PanelVersion, SecretString};
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
    /// The registration date (WHMCS `tblhosting.regdate`): the validity of a product
    /// without a due date counts from it, so its expiry never moves. `None` counts from
    /// `now`, which moves the expiry on every action: pass it.
    pub registered: Option<Date>,
    /// The service password WHMCS shows the customer: the panel password when the product
    /// gives panel access ([`Service::panel_password`]).
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
    /// without one, the end of the day `expiry_days` after the registration date (never,
    /// if 0; `expiry_days` from now when the registration date is unknown).
    pub fn expiry(&self) -> EpochMs {
        let days = self.plan.expiry_days;
        match (self.due_date, self.registered) {
            (Some(due), _) => EpochMs(due.start_ms().get() + days_ms(self.plan.grace_days + 1)),
            (None, _) if days == 0 => EpochMs::FAR_FUTURE,
            (None, Some(registered)) => EpochMs(registered.start_ms().get() + days_ms(days + 1)),
            (None, None) => EpochMs(self.now.get() + days_ms(days)),
        }
    }

    /// Whether the service is within its paid time (its panel expiry is still ahead).
    pub fn is_current(&self) -> bool {
        self.expiry().get() > self.now.get()
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
/// continues from the newer record ([`ProvisionError::is_conflict`]). The customer's own
/// forward actions (pause, resume, delete) are the exception: their panel call is done
/// and they change only the customer's lists, so they make their change again on the
/// newer record instead.
pub struct Engine {
    api: Arc<dyn FlvxApi>,
    store: Arc<dyn ServiceStore>,
    customers: Mutex<HashMap<String, Arc<dyn FlvxApi>>>,
    resolver: Arc<dyn Resolver>,
    secrets: Arc<dyn SecretSource>,
    history: Option<Arc<dyn UsageHistory>>,
}

impl Engine {
    /// An engine on an admin panel handle and a store; forward targets are resolved
    /// with the system resolver.
    pub fn new(api: Arc<dyn FlvxApi>, store: Arc<dyn ServiceStore>) -> Self {
        Engine {
            api,
            store,
            customers: Mutex::new(HashMap::new()),
            resolver: Arc::new(SystemResolver),
            secrets: Arc::new(RandomSecrets),
            history: None,
        }
    }

    /// The same engine reading the daily usage samples of the client area's 30-day chart
    /// from `history` (usually the same store as the records; write them with
    /// [`crate::store::record_usage`] after each daily reconciliation). Without one the
    /// chart has no days.
    pub fn with_history(mut self, history: Arc<dyn UsageHistory>) -> Self {
        self.history = Some(history);
        self
    }

    /// The daily usage samples, if the engine has them.
    pub fn history(&self) -> Option<&Arc<dyn UsageHistory>> {
        self.history.as_ref()
    }

    /// The same engine resolving forward targets (and the panel's and nodes' host names)
    /// with `resolver`, for example [`crate::policy::OfflineResolver`] in tests.
    pub fn with_resolver(mut self, resolver: Arc<dyn Resolver>) -> Self {
        self.resolver = resolver;
        self
    }

    /// The same engine taking new panel secrets from `secrets` (products without customer
    /// panel access), for example a test that needs to know them.
    pub fn with_secrets(mut self, secrets: Arc<dyn SecretSource>) -> Self {
        self.secrets = secrets;
        self
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
    pub(crate) async fn forwards_of(
        &self,
        user: UserId,
        action: Msg,
    ) -> Result<Vec<Forward>, ProvisionError> {
        flvx_api::recipes::forwards_of(self.api.as_ref(), user)
            .await
            .during(action)
    }

    /// Which FLVX line the panel runs (learnt from its token, so free after the login).
    async fn version(&self, action: Msg) -> Result<PanelVersion, ProvisionError> {
        self.api.panel_version().await.during(action)
    }

    /// Refuses a plan that sets options this panel lacks, before anything is written:
    /// 2.1 would ignore them without a word, and the seller would sell a limit that does
    /// not exist.
    async fn check_panel_supports(&self, plan: &Plan, action: Msg) -> Result<(), ProvisionError> {
        let Some(option) = plan.needs_v3() else {
            return Ok(());
        };
        let version = self.version(action).await?;
        if version < PanelVersion::V3_0 {
            return Err(ProvisionError::NeedsPanel3 {
                option,
                version: version.label(),
            });
        }
        if plan.forward_traffic_reset
            && !self
                .api
                .supports_forward_reset_flow()
                .await
                .during(action)?
        {
            return Err(ProvisionError::NeedsForwardResetFlow {
                option: crate::schema::label_of("forward_traffic_reset"),
            });
        }
        Ok(())
    }

    /// A full update of `user` from the plan. When the plan leaves the connection cap to
    /// the panel, a 3.0 update must still carry the current one (omitted, it is reset to
    /// 0), so it is read first: one `user/list`. 2.1 has no cap, and needs no read.
    async fn user_update(
        &self,
        service: &Service,
        user: UserId,
        status: Status,
        password: Option<SecretString>,
        action: Msg,
    ) -> Result<UserUpdate, ProvisionError> {
        let max_conn = match service.plan.max_connections {
            Some(cap) => Some(cap),
            None if self.version(action).await? < PanelVersion::V3_0 => None,
            None => {
                let current = self.current_user(service, user, action).await?;
                Some(current.and_then(|u| u.max_conn).unwrap_or(0))
            }
        };
        Ok(desired_user(service, user, status, password, max_conn))
    }

    /// The panel's record of `user`: searched by the service's name (a short answer), and
    /// among all users when the customer renamed itself.
    pub(crate) async fn current_user(
        &self,
        service: &Service,
        user: UserId,
        action: Msg,
    ) -> Result<Option<User>, ProvisionError> {
        let named = self
            .api
            .list_users(Some(&service.username()))
            .await
            .during(action)?;
        if let Some(found) = named.into_iter().find(|u| u.id == user) {
            return Ok(Some(found));
        }
        flvx_api::recipes::find_user(self.api.as_ref(), user)
            .await
            .during(action)
    }

    /// A handle acting as the service's customer, with the panel password of `record`,
    /// cached so its token is reused.
    pub(crate) fn customer(&self, service: &Service, record: &ServiceRecord) -> Arc<dyn FlvxApi> {
        let username = service.username();
        let mut cache = self.customers.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry(username.clone())
            .or_insert_with(|| {
                let password = service.panel_password(record);
                let password = flvx_api::ExposeSecret::expose_secret(password);
                self.api
                    .acting_as(Credentials::password(&username, password))
            })
            .clone()
    }

    fn forget_customer(&self, username: &str) {
        let mut cache = self.customers.lock().unwrap_or_else(|p| p.into_inner());
        cache.remove(username);
    }
}

/// Every user field, from the plan and the service's state: nothing is left to the
/// panel's defaults (panel behaviour §5.3). `max_conn` is the plan's cap or the panel's current
/// one; quota windows the plan does not set are not sent, which keeps them.
fn desired_user(
    service: &Service,
    user: UserId,
    status: Status,
    password: Option<SecretString>,
    max_conn: Option<i64>,
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
        // Always sent: the plan is the whole membership, so a group dropped from it is
        // dropped on the panel too (an omitted key keeps the memberships, §5.3).
        group_ids: Some(service.plan.user_group.into_iter().collect()),
        max_conn,
        quota_limits: service.plan.quota_limits,
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
