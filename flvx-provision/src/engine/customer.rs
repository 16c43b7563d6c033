//! The customer's own forwards. Forwards belong to their creator (panel behaviour §5.19), so
//! these calls act as the customer, with the customer's token cached by the engine. The
//! 2.1 panel never enforces max forwards (§3.1); this does, also against concurrent adds.

use super::{Engine, Service};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use flvx_api::FlvxApi;
use flvx_api::ids::{ForwardId, TunnelId};
use flvx_api::models::{Forward, NewForward};

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
        self.provisioned(service.id).await?;
        let customer = self.customer(service, &service.username());
        customer.list_forwards().await.during(ACTION)
    }

    /// Adds a forward after checking the tunnel and the forward limit. Calls (as the
    /// customer): `forward/list`, `forward/create`, `forward/list` (the new id, and the
    /// limit checked again), and `forward/delete` when a concurrent request filled the
    /// last place first.
    pub async fn add_forward(
        &self,
        service: &Service,
        request: &ForwardRequest,
    ) -> Result<Forward, ProvisionError> {
        check_request(request)?;
        let (record, _) = self.provisioned(service.id).await?;
        if record.suspended {
            return Err(ProvisionError::ServiceSuspended);
        }
        if !record.bindings.contains_key(&request.tunnel) {
            return Err(ProvisionError::TunnelNotInPlan {
                tunnel: request.tunnel,
            });
        }
        let customer = self.customer(service, &service.username());
        let count = customer.list_forwards().await.during(ACTION)?.len();
        let max = service.plan.max_forwards;
        if count as i64 >= max {
            return Err(ProvisionError::ForwardLimit { count, max });
        }
        let new = NewForward {
            tunnel_id: request.tunnel,
            name: request.name.trim().to_owned(),
            remote_addr: request.target.trim().to_owned(),
            in_port: request.port,
            strategy: None,
        };
        customer.create_forward(&new).await.during(ACTION)?;
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

    /// Deletes one of the customer's forwards. Calls (as the customer): `forward/delete`.
    pub async fn delete_forward(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        let (mut record, _) = self.provisioned(service.id).await?;
        let customer = self.customer(service, &service.username());
        customer
            .delete_forward(id)
            .await
            .map_err(|e| not_found(e, id))?;
        record.customer_paused.retain(|f| *f != id);
        record.suspended_forwards.retain(|f| *f != id);
        self.save(service.id, &mut record).await
    }

    /// Pauses one of the customer's forwards and remembers that the customer chose to, so
    /// neither renewals nor an unsuspend resume it. Calls (as the customer): `forward/pause`.
    pub async fn pause_forward(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        let (mut record, _) = self.provisioned(service.id).await?;
        let customer = self.customer(service, &service.username());
        customer
            .pause_forward(id)
            .await
            .map_err(|e| not_found(e, id))?;
        if !record.customer_paused.contains(&id) {
            record.customer_paused.push(id);
        }
        // Paused by the customer during a suspension: unsuspend must leave it paused.
        record.suspended_forwards.retain(|f| *f != id);
        self.save(service.id, &mut record).await
    }

    /// Resumes one of the customer's forwards; refused while the service is suspended.
    /// Calls (as the customer): `forward/resume`.
    pub async fn resume_forward(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        let (mut record, _) = self.provisioned(service.id).await?;
        if record.suspended {
            return Err(ProvisionError::ServiceSuspended);
        }
        let customer = self.customer(service, &service.username());
        customer
            .resume_forward(id)
            .await
            .map_err(|e| not_found(e, id))?;
        record.customer_paused.retain(|f| *f != id);
        self.save(service.id, &mut record).await
    }
}

impl Engine {
    /// Zeroes one forward's own traffic counter, where the product lets customers (3.0
    /// builds since July 2026; the quota and the account's counters are untouched).
    /// Calls (as the customer): `forward/reset-flow`.
    pub async fn reset_forward_traffic(
        &self,
        service: &Service,
        id: ForwardId,
    ) -> Result<(), ProvisionError> {
        self.provisioned(service.id).await?;
        if !service.plan.forward_traffic_reset {
            return Err(ProvisionError::ForwardResetNotOffered);
        }
        let customer = self.customer(service, &service.username());
        customer
            .reset_forward_traffic(id)
            .await
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

fn check_request(request: &ForwardRequest) -> Result<(), ProvisionError> {
    let invalid = |field: &'static str, reason: &str| ProvisionError::InvalidForward {
        field,
        reason: reason.to_owned(),
    };
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid("name", "1 to 100 characters"));
    }
    for target in request.target.split(',') {
        let Some((host, port)) = target.trim().rsplit_once(':') else {
            return Err(invalid("target", "host:port, such as 198.51.100.7:443"));
        };
        let port_ok = port.parse::<u16>().is_ok_and(|p| p > 0);
        if host.is_empty() || !port_ok || host.contains(char::is_whitespace) {
            return Err(invalid("target", "host:port, such as 198.51.100.7:443"));
        }
    }
    if request.port == Some(0) {
        return Err(invalid("port", "1 to 65535, or empty for any"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(check_request(&request("198.51.100.7:443")).is_ok());
        assert!(check_request(&request("a.example:80,b.example:81")).is_ok());
        for bad in ["198.51.100.7", ":80", "h:0", "h:99999", "h :80", ""] {
            assert!(check_request(&request(bad)).is_err(), "{bad}");
        }
    }
}
