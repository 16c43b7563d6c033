//! Daily reconciliation: every service of a panel back to its plan. Customers with panel
//! access rename themselves and add forwards the module never saw, and the panel repairs
//! nothing it paused (panel behaviour §4.4), so once a day the whole server is read with one
//! `user/list` and one `forward/list` (plus `node/list` when there are forwards to check
//! against the nodes' own addresses) and only what drifted is written.

use super::batch::BatchOp;
use super::{Engine, Service, Stored, desired_user, user_status};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::policy::target::{OwnAddresses, check_address, parse_targets};
use crate::policy::{self};
use crate::store::{ServiceId, ServiceRecord};
use crate::usage::{ServiceUsage, usage_from_users};
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::models::{Forward, User, UserUpdate};
use flvx_api::{PanelVersion, SecretString};
use std::collections::HashMap;
use std::net::IpAddr;

const ACTION: Msg = Msg::ActionReconcile;

/// Why reconciliation paused a running forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PauseReason {
    /// The service is suspended.
    Suspended,
    /// The service has more forwards than its plan allows; the oldest are kept.
    BeyondMaxForwards,
    /// A target the forward policy refuses (added on the panel directly).
    RefusedTarget,
    /// An entry port outside the plan's range.
    RefusedPort,
}

impl PauseReason {
    /// The catalogue message naming the reason.
    pub fn msg(self) -> Msg {
        match self {
            PauseReason::Suspended => Msg::RepairReasonSuspended,
            PauseReason::BeyondMaxForwards => Msg::RepairReasonBeyondMax,
            PauseReason::RefusedTarget => Msg::RepairReasonTarget,
            PauseReason::RefusedPort => Msg::RepairReasonPort,
        }
    }
}

/// One repair, for the module log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Repair {
    /// The user's name, limits, expiry or status differed from the plan and were written
    /// again; `renamed_from` is the name the customer gave it, if it changed.
    User {
        /// The service.
        service: ServiceId,
        /// The name found on the panel, when it was not the service's.
        renamed_from: Option<String>,
    },
    /// A running forward was paused.
    Paused {
        /// The service.
        service: ServiceId,
        /// The forward.
        forward: ForwardId,
        /// Why.
        reason: PauseReason,
    },
    /// The panel password changed with the product's customer panel access: to a secret
    /// only the module knows, or (`access`) back to the service password.
    PanelLogin {
        /// The service.
        service: ServiceId,
        /// Whether the product now gives customer panel access.
        access: bool,
    },
    /// A forward the panel paused (quota, expiry) was resumed: the service is back
    /// under its quota, not expired, not suspended, and the customer did not pause it.
    Resumed {
        /// The service.
        service: ServiceId,
        /// The forward.
        forward: ForwardId,
    },
}

/// What one reconciliation read and did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Reconciliation {
    /// Traffic of every service whose user is on the panel (the same `user/list`).
    pub usage: Vec<ServiceUsage>,
    /// Repairs made, in service order.
    pub repairs: Vec<Repair>,
    /// Services whose user is gone from the panel: their Sync re-creates it.
    pub missing: Vec<ServiceId>,
    /// Services whose repair failed, with the error; the others were still repaired.
    pub failed: Vec<(ServiceId, ProvisionError)>,
}

/// What drifted on one service.
#[derive(Debug, Default)]
struct Drift {
    /// The update putting the user back to the plan, when it differs from it.
    user: Option<UserUpdate>,
    /// The new panel password, when the product's customer panel access changed.
    login: Option<SecretString>,
    pause: Vec<(ForwardId, PauseReason)>,
    resume: Vec<ForwardId>,
}

impl Engine {
    /// Brings every given service back to its plan, as the daily cron does: renames users
    /// back and rewrites drifted limits (one `user/update` each); pauses running forwards
    /// of suspended services, forwards beyond max forwards (the oldest are kept) and
    /// forwards with refused targets or entry ports; resumes what the panel paused once the
    /// service is under quota, not expired, not suspended and the customer did not pause it
    /// (one `forward/batch-pause` and one `forward/batch-resume` per drifted service).
    /// A service whose product's customer panel access changed gets its new panel password
    /// with that update, and its record is saved after it (the only record written).
    /// Calls: `user/list`, `forward/list`, `node/list` (when the services have forwards),
    /// then only the repairs. Services not provisioned or terminated are left out.
    pub async fn reconcile(&self, services: &[Service]) -> Result<Reconciliation, ProvisionError> {
        let mut owned = Vec::new();
        for service in services {
            let record = self.load(service.id).await?;
            if let (Some(user), false) = (record.user_id, record.terminated) {
                owned.push((service, record, user));
            }
        }
        let mut report = Reconciliation::default();
        if owned.is_empty() {
            return Ok(report);
        }
        let users = self.api.list_users(None).await.during(ACTION)?;
        let pairs: Vec<(ServiceId, UserId)> = owned.iter().map(|(s, _, u)| (s.id, *u)).collect();
        report.usage = usage_from_users(&users, &pairs);
        let forwards = self.api.list_forwards().await.during(ACTION)?;
        let checks = self.forward_checks(&owned, &forwards).await?;
        let version = self.version(ACTION).await?;
        let users: HashMap<UserId, &User> = users.iter().map(|u| (u.id, u)).collect();
        for (service, record, id) in &mut owned {
            let Some(user) = users.get(id) else {
                report.missing.push(service.id);
                continue;
            };
            let theirs = forwards_by_age(&forwards, *id);
            let mut drift = drift(service, record, user, &theirs, &checks, version);
            drift.login = self.login_change(service, record);
            if let Err(e) = self.repair(service, user, record, drift, &mut report).await {
                report.failed.push((service.id, e));
            }
        }
        Ok(report)
    }

    /// Writes one service's repairs and notes each in `report`.
    async fn repair(
        &self,
        service: &Service,
        user: &User,
        record: &mut Stored,
        drift: Drift,
        report: &mut Reconciliation,
    ) -> Result<(), ProvisionError> {
        if drift.user.is_some() || drift.login.is_some() {
            let mut update = match &drift.user {
                Some(update) => update.clone(),
                None => desired(service, record, user, self.version(ACTION).await?),
            };
            update.password = drift.login.clone();
            self.api.update_user(&update).await.during(ACTION)?;
            if drift.login.is_some() {
                // After the panel took the password (access::login_change).
                self.save(service.id, record).await?;
                report.repairs.push(Repair::PanelLogin {
                    service: service.id,
                    access: service.plan.panel_access,
                });
            }
            if drift.user.is_some() {
                let renamed = (user.user != update.user).then(|| user.user.clone());
                report.repairs.push(Repair::User {
                    service: service.id,
                    renamed_from: renamed,
                });
            }
        }
        let pause: Vec<ForwardId> = drift.pause.iter().map(|(id, _)| *id).collect();
        let paused = self.batch(user.id, &pause, BatchOp::Pause, ACTION).await?;
        for (forward, reason) in drift.pause {
            if paused.done.contains(&forward) {
                report.repairs.push(Repair::Paused {
                    service: service.id,
                    forward,
                    reason,
                });
            }
        }
        let resumed = self
            .batch(user.id, &drift.resume, BatchOp::Resume, ACTION)
            .await?;
        for forward in resumed.done.iter().copied() {
            report.repairs.push(Repair::Resumed {
                service: service.id,
                forward,
            });
        }
        match paused.error(BatchOp::Pause) {
            Some(e) => Err(e),
            None => resumed.error(BatchOp::Resume).map_or(Ok(()), Err),
        }
    }

    /// The forward policy's verdict on each forward of the services, by id. Reads
    /// `node/list` (the nodes' own addresses) only when there is a forward to check.
    async fn forward_checks(
        &self,
        owned: &[(&Service, Stored, UserId)],
        forwards: &[Forward],
    ) -> Result<HashMap<ForwardId, PauseReason>, ProvisionError> {
        let plans: HashMap<UserId, &Service> = owned.iter().map(|(s, _, u)| (*u, *s)).collect();
        let theirs: Vec<(&Forward, &Service)> = forwards
            .iter()
            .filter_map(|f| f.user_id.and_then(|u| plans.get(&u)).map(|s| (f, *s)))
            .collect();
        let mut refused = HashMap::new();
        if theirs.is_empty() {
            return Ok(refused);
        }
        let nodes = self.api.list_nodes().await.during(ACTION)?;
        let own = OwnAddresses {
            panel: self.panel_addresses().await,
            nodes: self.node_addresses(&nodes).await,
        };
        let mut resolved: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (forward, service) in theirs {
            if let Some(reason) = self.refusal(forward, service, &own, &mut resolved).await {
                refused.insert(forward.id, reason);
            }
        }
        Ok(refused)
    }

    /// Why the policy refuses `forward` today, if it does. A name that does not resolve
    /// is not held against it (the resolver may be down for a moment).
    async fn refusal(
        &self,
        forward: &Forward,
        service: &Service,
        own: &OwnAddresses,
        resolved: &mut HashMap<String, Vec<IpAddr>>,
    ) -> Option<PauseReason> {
        let plan = &service.plan;
        if let (Some((min, max)), Some(port)) = (plan.entry_ports, forward.in_port)
            && !(i64::from(min)..=i64::from(max)).contains(&port)
        {
            return Some(PauseReason::RefusedPort);
        }
        let Ok(targets) = parse_targets(&forward.remote_addr) else {
            return Some(PauseReason::RefusedTarget);
        };
        for target in targets {
            let key = target.text.clone();
            if !resolved.contains_key(&key) {
                let found = policy::addresses(self.resolver.as_ref(), &target.host).await;
                resolved.insert(key.clone(), found.unwrap_or_default());
            }
            for address in &resolved[&key] {
                if check_address(&target.text, *address, &plan.allowed_networks, own).is_err() {
                    return Some(PauseReason::RefusedTarget);
                }
            }
        }
        None
    }
}

/// The forwards of `user`, oldest (lowest id) first.
fn forwards_by_age(forwards: &[Forward], user: UserId) -> Vec<&Forward> {
    let mut theirs: Vec<&Forward> = forwards
        .iter()
        .filter(|f| f.user_id == Some(user))
        .collect();
    theirs.sort_by_key(|f| f.id);
    theirs
}

/// What differs between the panel and the plan for one service.
fn drift(
    service: &Service,
    record: &ServiceRecord,
    user: &User,
    forwards: &[&Forward],
    refused: &HashMap<ForwardId, PauseReason>,
    version: PanelVersion,
) -> Drift {
    let resumable = !record.suspended && under_quota(service, user) && service.is_current();
    let mut drift = Drift {
        user: user_drift(service, record, user, version),
        ..Drift::default()
    };
    for (age, forward) in forwards.iter().enumerate() {
        let beyond = age as i64 >= service.plan.max_forwards;
        let reason = match (record.suspended, beyond, refused.get(&forward.id)) {
            (true, _, _) => Some(PauseReason::Suspended),
            (false, true, _) => Some(PauseReason::BeyondMaxForwards),
            (false, false, refusal) => refusal.copied(),
        };
        match (forward.is_running(), reason) {
            (true, Some(reason)) => drift.pause.push((forward.id, reason)),
            (false, None) if resumable && !record.customer_paused.contains(&forward.id) => {
                drift.resume.push(forward.id)
            }
            _ => {}
        }
    }
    drift
}

/// The full update that puts the user back to the plan, when anything differs: its name,
/// quota, max forwards, expiry, reset day, status, the plan's connection cap (3.0) or the
/// plan's daily and monthly quotas (3.0). The password is kept.
fn user_drift(
    service: &Service,
    record: &ServiceRecord,
    user: &User,
    version: PanelVersion,
) -> Option<UserUpdate> {
    let want = desired(service, record, user, version);
    let quota = |set: Option<flvx_api::units::Gib>, has: Option<flvx_api::units::Gib>| {
        set.is_some_and(|gib| Some(gib) != has)
    };
    let windows = user.quota.as_ref();
    let drifted = user.user != want.user
        || user.flow != want.flow
        || user.num != want.num
        || user.exp_time != want.exp_time
        || user.flow_reset_time != want.flow_reset_time
        || user.status != want.status
        || (service.plan.max_connections.is_some() && user.max_conn != want.max_conn)
        || quota(want.quota_limits.daily, windows.map(|q| q.daily_quota))
        || quota(want.quota_limits.monthly, windows.map(|q| q.monthly_quota));
    drifted.then_some(want)
}

/// The user as the plan has it, the password kept; on 3.0 with the panel's connection cap
/// when the plan leaves it to the panel (the `user/list` already holds it).
fn desired(
    service: &Service,
    record: &ServiceRecord,
    user: &User,
    version: PanelVersion,
) -> UserUpdate {
    let max_conn = match service.plan.max_connections {
        Some(cap) => Some(cap),
        None if version < PanelVersion::V3_0 => None,
        None => Some(user.max_conn.unwrap_or(0)),
    };
    desired_user(service, user.id, user_status(record), None, max_conn)
}

/// Whether the panel would let the user's forwards run on traffic: within the plan's
/// quota (the panel refuses only above it) and not blocked by a 3.0 quota window.
pub(super) fn under_quota(service: &Service, user: &User) -> bool {
    let quota = service.plan.quota;
    let blocked = user.quota.as_ref().is_some_and(|q| q.disabled_by_quota);
    !blocked && (quota.is_unlimited() || user.used() <= quota.to_bytes())
}

impl Repair {
    /// The module-log sentence for this repair.
    pub fn describe(&self, lang: crate::messages::Lang) -> String {
        match self {
            Repair::User {
                service,
                renamed_from: None,
            } => Msg::RepairUser.format(lang, &[("service", &service.to_string())]),
            Repair::User {
                service,
                renamed_from: Some(name),
            } => Msg::RepairUserRenamed
                .format(lang, &[("service", &service.to_string()), ("name", name)]),
            Repair::Paused {
                service,
                forward,
                reason,
            } => Msg::RepairPaused.format(
                lang,
                &[
                    ("service", &service.to_string()),
                    ("forward", &forward.0.to_string()),
                    ("reason", reason.msg().text().get(lang)),
                ],
            ),
            Repair::PanelLogin { service, access } => {
                let msg = match access {
                    true => Msg::RepairLoginOpened,
                    false => Msg::RepairLoginClosed,
                };
                msg.format(lang, &[("service", &service.to_string())])
            }
            Repair::Resumed { service, forward } => Msg::RepairResumed.format(
                lang,
                &[
                    ("service", &service.to_string()),
                    ("forward", &forward.0.to_string()),
                ],
            ),
        }
    }
}
