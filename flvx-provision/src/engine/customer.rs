//! The customer's own forwards. Forwards belong to their creator (panel behaviour §5.19), so
//! these calls act as the customer, with the customer's token cached by the engine. The
//! 2.1 panel never enforces max forwards (§3.1); this does, also against concurrent adds,
//! and the forward policy ([`crate::policy`]).

use super::{Engine, Service, Stored};
use crate::error::{ForwardField, PanelContext, ProvisionError};
use crate::messages::Msg;
use crate::plan::Plan;
use crate::policy;
use crate::policy::port::EntryNodes;
use crate::policy::target::{OwnAddresses, Target, check_address, parse_targets};
use crate::store::{ServiceId, ServiceRecord};
use flvx_api::FlvxApi;
use flvx_api::ids::{ForwardId, TunnelId};
use flvx_api::models::{Forward, NewForward, Node};
use std::net::IpAddr;
use std::sync::Arc;

const ACTION: Msg = Msg::ActionForwards;

/// What the customer asks for when adding a forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardRequest {
    /// One of the plan's tunnels.
    pub tunnel: TunnelId,
    /// A name.
    pub name: String,
    /// Target, `host:port`.
    pub target: String,
    /// Entry port, or `None` for one the panel picks.
    pub port: Option<u16>,
}

impl Engine {
    /// The customer's forwards. Calls (as the customer): `forward/list`.
    pub async fn forwards(&self, service: &Service) -> Result<Vec<Forward>, ProvisionError> {
        let (mut record, user) = self.provisioned(service.id).await?;
        self.with_customer(service, user, &mut record, |c| async move {
            c.list_forwards().await
        })
        .await?
        .during(ACTION)
    }

    /// Adds a forward after checking the input, the tunnel, the forward limit and the
    /// forward policy ([`crate::policy`]): targets are resolved and checked before any
    /// call, then against the nodes' own addresses; an asked-for entry port must lie in the
    /// plan's range, the entry nodes' ranges and be free on them, and with a plan range and
    /// no port the lowest free one is chosen. Calls: `forward/list` (admin: every forward,
    /// for the count and the ports in use), `node/list`, `tunnel/list` only with a port or
    /// a plan range (the tunnel's entry nodes), then as the customer `forward/create`,
    /// `forward/list` (the new id, and the limit checked again), and `forward/delete` when
    /// a concurrent request filled the last place first.
    pub async fn add_forward(
        &self,
        service: &Service,
        request: &ForwardRequest,
    ) -> Result<Forward, ProvisionError> {
        let targets = check_request(request, &service.plan)?;
        let (mut record, user) = self.provisioned(service.id).await?;
        if record.suspended {
            return Err(ProvisionError::ServiceSuspended);
        }
        if !record.bindings.contains_key(&request.tunnel) {
            return Err(ProvisionError::TunnelNotInPlan {
                tunnel: request.tunnel,
            });
        }
        let mut own = OwnAddresses {
            panel: self.panel_addresses().await,
            nodes: Vec::new(),
        };
        let resolved = self.check_targets(&service.plan, &targets, &own).await?;
        let forwards = self.api.list_forwards().await.during(ACTION)?;
        let count = forwards.iter().filter(|f| f.user_id == Some(user)).count();
        let max = service.plan.max_forwards;
        if count as i64 >= max {
            return Err(ProvisionError::ForwardLimit { count, max });
        }
        let nodes = self.api.list_nodes().await.during(ACTION)?;
        own.nodes = self.node_addresses(&nodes).await;
        for (target, addresses) in &resolved {
            for address in addresses {
                check_address(target, *address, &service.plan.allowed_networks, &own)?;
            }
        }
        let port = self
            .entry_port(&service.plan, request, &nodes, &forwards)
            .await?;
        let new = NewForward {
            tunnel_id: request.tunnel,
            name: request.name.trim().to_owned(),
            remote_addr: request.target.trim().to_owned(),
            in_port: port,
            strategy: None,
        };
        let create = |c: Arc<dyn FlvxApi>| {
            let new = new.clone();
            async move { c.create_forward(&new).await }
        };
        self.with_customer(service, user, &mut record, create)
            .await?
            .during(ACTION)?;
        let customer = self.customer(service, &record);
        let forwards = customer.list_forwards().await.during(ACTION)?;
        let created = newest_named(&forwards, &new)?;
        self.keep_within_limit(customer.as_ref(), &forwards, created.id, max)
            .await?;
        Ok(created)
    }

    /// Another request for this customer may have passed the count at the same time (two
    /// clicks, two browser tabs): the limit then holds by keeping the oldest forwards, so a
    /// forward created beyond them is deleted again and the request refused. The list is
    /// the one read for the new id: no extra call unless a forward must go.
    async fn keep_within_limit(
        &self,
        customer: &dyn FlvxApi,
        forwards: &[Forward],
        created: ForwardId,
        max: i64,
    ) -> Result<(), ProvisionError> {
        let older = forwards.iter().filter(|f| f.id < created).count();
        if (older as i64) < max {
            return Ok(());
        }
        match customer.delete_forward(created).await {
            Err(e) if !e.is_not_found() => Err(ProvisionError::Panel {
                action: ACTION,
                source: e,
            }),
            _ => Err(ProvisionError::ForwardLimit { count: older, max }),
        }
    }

    /// Resolves every target and checks each address against the panel's own, the plan's
    /// allowed networks and the refused ones; no panel call.
    async fn check_targets(
        &self,
        plan: &Plan,
        targets: &[Target],
        own: &OwnAddresses,
    ) -> Result<Vec<(String, Vec<IpAddr>)>, ProvisionError> {
        let mut resolved = Vec::new();
        for target in targets {
            let addresses = policy::addresses(self.resolver.as_ref(), &target.host)
                .await
                .ok_or_else(|| ProvisionError::TargetUnresolved {
                    target: target.text.clone(),
                })?;
            for address in &addresses {
                check_address(&target.text, *address, &plan.allowed_networks, own)?;
            }
            resolved.push((target.text.clone(), addresses));
        }
        Ok(resolved)
    }

    /// The addresses of the panel's URL host (none when the handle has no URL).
    pub(super) async fn panel_addresses(&self) -> Vec<IpAddr> {
        match self.api.base_url().and_then(policy::url_host) {
            Some(host) => policy::addresses_of(self.resolver.as_ref(), host).await,
            None => Vec::new(),
        }
    }

    /// Every node address (names resolved), with the node's name.
    pub(super) async fn node_addresses(&self, nodes: &[Node]) -> Vec<(IpAddr, String)> {
        let mut out = Vec::new();
        for node in nodes {
            for text in node.addresses() {
                for ip in policy::addresses_of(self.resolver.as_ref(), text).await {
                    out.push((ip, node.name.clone()));
                }
            }
        }
        out
    }

    /// The entry port to send: the one asked for, checked against the tunnel's entry nodes;
    /// with none asked for and a plan range, the lowest free port of it; else the panel's
    /// choice. Reads `tunnel/list` only when a port or a range is involved.
    async fn entry_port(
        &self,
        plan: &Plan,
        request: &ForwardRequest,
        nodes: &[Node],
        forwards: &[Forward],
    ) -> Result<Option<u16>, ProvisionError> {
        if request.port.is_none() && plan.entry_ports.is_none() {
            return Ok(None);
        }
        let tunnels = self.api.list_tunnels().await.during(ACTION)?;
        let entry = EntryNodes::of(request.tunnel, nodes, &tunnels, forwards);
        match (request.port, plan.entry_ports) {
            (Some(port), _) => entry.check(port).map(|()| Some(port)),
            (None, Some(range)) => entry.pick(range).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// Deletes one of the customer's forwards. Calls (as the customer): `forward/delete`.
    pub async fn delete_forward(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        let (mut record, user) = self.provisioned(service.id).await?;
        self.with_customer(service, user, &mut record, |c| async move {
            c.delete_forward(id).await
        })
        .await?
        .map_err(|e| not_found(e, id))?;
        self.save_customer_change(service.id, record, |r| {
            r.customer_paused.retain(|f| *f != id);
            r.suspended_forwards.retain(|f| *f != id);
        })
        .await
    }

    /// Pauses one of the customer's forwards and remembers that the customer chose to, so
    /// neither renewals nor an unsuspend resume it. Calls (as the customer): `forward/pause`.
    pub async fn pause_forward(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        let (mut record, user) = self.provisioned(service.id).await?;
        self.with_customer(service, user, &mut record, |c| async move {
            c.pause_forward(id).await
        })
        .await?
        .map_err(|e| not_found(e, id))?;
        self.save_customer_change(service.id, record, |r| {
            if !r.customer_paused.contains(&id) {
                r.customer_paused.push(id);
            }
            // Paused by the customer during a suspension: unsuspend must leave it paused.
            r.suspended_forwards.retain(|f| *f != id);
        })
        .await
    }

    /// Resumes one of the customer's forwards; refused while the service is suspended.
    /// Calls (as the customer): `forward/resume`.
    pub async fn resume_forward(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        let (mut record, user) = self.provisioned(service.id).await?;
        if record.suspended {
            return Err(ProvisionError::ServiceSuspended);
        }
        self.with_customer(service, user, &mut record, |c| async move {
            c.resume_forward(id).await
        })
        .await?
        .map_err(|e| not_found(e, id))?;
        self.save_customer_change(service.id, record, |r| {
            r.customer_paused.retain(|f| *f != id);
        })
        .await
    }

    /// Saves a customer's change of its own forwards to the record. The panel call is
    /// done and must not be lost, and the change touches only the customer's lists, so
    /// when another operation saved the record meanwhile (an admin's suspend during a slow
    /// pause, say) the change is made again on that newer record rather than refused.
    async fn save_customer_change(
        &self,
        id: ServiceId,
        mut record: Stored,
        change: impl Fn(&mut ServiceRecord),
    ) -> Result<(), ProvisionError> {
        for _ in 0..MAX_CUSTOMER_SAVES {
            change(&mut record);
            match self.save(id, &mut record).await {
                Err(e) if e.is_conflict() => record = self.load(id).await?,
                done => return done,
            }
        }
        change(&mut record);
        self.save(id, &mut record).await
    }
}

/// How often a customer's change is made again on a newer record before the conflict
/// is reported (each retry means yet another operation saved in between).
const MAX_CUSTOMER_SAVES: usize = 4;

impl Engine {
    /// Zeroes one forward's own traffic counter, where the product lets customers (3.0
    /// builds since July 2026; the quota and the account's counters are untouched).
    /// Calls (as the customer): `forward/reset-flow`.
    pub async fn reset_forward_traffic(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        let (mut record, user) = self.provisioned(service.id).await?;
        if !service.plan.forward_traffic_reset {
            return Err(ProvisionError::ForwardResetNotOffered);
        }
        let reset = |c: Arc<dyn FlvxApi>| async move { c.reset_forward_traffic(id).await };
        self.with_customer(service, user, &mut record, reset)
            .await?
            .map_err(|e| not_found(e, id))
    }
}

/// The forward just created: the newest of the customer's with that name on that tunnel
/// (names are not unique, ids only grow; the create returns no id).
fn newest_named(forwards: &[Forward], new: &NewForward) -> Result<Forward, ProvisionError> {
    forwards
        .iter()
        .filter(|f| f.name == new.name && f.tunnel_id == new.tunnel_id)
        .max_by_key(|f| f.id)
        .cloned()
        .ok_or_else(|| ProvisionError::Panel {
            action: ACTION,
            source: flvx_api::Error::NotFound {
                what: format!("forward {:?} just created", new.name),
            },
        })
}

/// The panel says "转发不存在" for another user's forward too; both mean "not yours".
fn not_found(e: flvx_api::Error, forward: ForwardId) -> ProvisionError {
    if e.is_not_found() {
        ProvisionError::ForwardNotFound { forward }
    } else {
        ProvisionError::Panel {
            action: ACTION,
            source: e,
        }
    }
}

/// The checks that need no call: the name, the targets' form and count (the policy's
/// limits), the port, and the plan's entry-port range.
fn check_request(request: &ForwardRequest, plan: &Plan) -> Result<Vec<Target>, ProvisionError> {
    let invalid = |field| ProvisionError::InvalidForward { field };
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid(ForwardField::Name));
    }
    let targets = parse_targets(&request.target)?;
    if request.port == Some(0) {
        return Err(invalid(ForwardField::Port));
    }
    if let (Some(port), Some((min, max))) = (request.port, plan.entry_ports)
        && !(min..=max).contains(&port)
    {
        return Err(ProvisionError::PortOutsidePlan { port, min, max });
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(entry_ports: &str) -> Plan {
        let mut options = vec![String::new(); 17];
        options[0] = "1".into();
        options[16] = entry_ports.into();
        Plan::parse(&crate::PlanInput {
            product_options: options,
            configurable_options: Default::default(),
        })
        .unwrap()
    }

    fn request(target: &str) -> ForwardRequest {
        ForwardRequest {
            tunnel: TunnelId(1),
            name: "web".into(),
            target: target.into(),
            port: None,
        }
    }

    #[test]
    fn targets_must_be_host_and_port() {
        let plan = plan("");
        assert!(check_request(&request("198.51.100.7:443"), &plan).is_ok());
        assert!(check_request(&request("a.example:80,b.example:81"), &plan).is_ok());
        for bad in ["198.51.100.7", ":80", "h:0", "h:99999", "h :80", ""] {
            assert!(check_request(&request(bad), &plan).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_asked_for_port_must_lie_in_the_plan_range() {
        let ranged = plan("20000-29999");
        let mut req = request("198.51.100.7:443");
        req.port = Some(22);
        assert!(check_request(&req, &plan("")).is_ok(), "the nodes decide");
        let err = check_request(&req, &ranged).unwrap_err();
        assert!(
            matches!(
                err,
                ProvisionError::PortOutsidePlan {
                    port: 22,
                    min: 20_000,
                    max: 29_999
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("20000-29999"), "{err}");
        req.port = Some(20_000);
        assert!(check_request(&req, &ranged).is_ok());
        req.port = None;
        assert!(check_request(&req, &ranged).is_ok(), "the engine picks one");
    }
}
