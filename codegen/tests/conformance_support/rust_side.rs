//! The Rust side: the WHMCS module functions as a Rust integrator would write them around
//! `flvx_provision::Engine` (plan and due date from the WHMCS rows, then the engine call),
//! in the same order of checks as the PHP module's glue.

use super::model::{Ids, Svc, Whmcs};
use super::outcome::Outcome;
use flvx_api::ids::{ForwardId, TunnelId};
use flvx_api::units::EpochMs;
use flvx_api::{Credentials, FlvxApi, FlvxClient};
use flvx_provision::dates::Date;
use flvx_provision::engine::{ForwardRequest, LegacyAccount, PanelUserRef};
use flvx_provision::messages::{Lang, Msg};
use flvx_provision::policy::OfflineResolver;
use flvx_provision::secret::{PanelSecret, SecretSource};
use flvx_provision::store::record_usage;
use flvx_provision::views::{Chart, ServiceView, ViewSettings};
use flvx_provision::{
    Engine, ForwardField, MemoryStore, Plan, PlanInput, ProvisionError, Service, ServiceRecord,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A WHMCS action, with panel names resolved.
#[derive(Debug, Clone)]
pub struct Call {
    /// The module function without `flvx_`.
    pub function: String,
    /// The service.
    pub service: u64,
    /// The POSTed form (client actions).
    pub post: Option<BTreeMap<String, String>>,
}

/// What the Rust side answered.
#[derive(Debug, Clone)]
pub struct RustAnswer {
    /// The outcome.
    pub outcome: Outcome,
    /// ClientArea: the view; UsageUpdate: `{service: [bwusage, bwlimit]}`.
    pub detail: Option<Value>,
}

/// Panel secrets both runtimes can agree on: the PHP side's `flvx_test_secret` (whmcs.php)
/// makes the same from the service id and the request's clock.
struct ScenarioSecrets;

impl SecretSource for ScenarioSecrets {
    fn panel_secret(&self, service: &Service) -> PanelSecret {
        PanelSecret::new(format!("secret-{}-{}", service.id, service.now.get()))
    }
}

/// The engine, its store, and the WHMCS bandwidth columns UsageUpdate would write.
pub struct RustSide {
    credentials: (String, String),
    timeout: Duration,
    /// The service records.
    pub store: Arc<MemoryStore>,
    engine: Engine,
    bandwidth: BTreeMap<u64, (u64, u64)>,
}

impl RustSide {
    /// An engine on the panel at `url`, logging in as `user`, with this request timeout.
    pub fn new(url: &str, user: &str, password: &str, timeout: Duration) -> RustSide {
        let store = Arc::new(MemoryStore::new());
        let engine = Engine::new(client(url, user, password, timeout), store.clone())
            .with_resolver(Arc::new(OfflineResolver))
            .with_secrets(Arc::new(ScenarioSecrets))
            .with_history(store.clone());
        RustSide {
            credentials: (user.to_owned(), password.to_owned()),
            timeout,
            store,
            engine,
            bandwidth: BTreeMap::new(),
        }
    }

    /// The stored record of `service` (the default one when none was saved).
    pub fn record(&self, service: u64) -> ServiceRecord {
        self.store.get(service).unwrap_or_default()
    }

    /// Runs `call`. With `down`, the server points at that closed port instead (a fresh
    /// engine on the same store, as a WHMCS request with the changed server would be).
    pub async fn run(
        &mut self,
        whmcs: &Whmcs,
        ids: &Ids,
        call: &Call,
        now: i64,
        down: Option<u16>,
    ) -> RustAnswer {
        let down_engine;
        let engine = match down {
            Some(port) => {
                let (user, password) = &self.credentials;
                let url = format!("http://127.0.0.1:{port}");
                down_engine = Engine::new(
                    client(&url, user, password, self.timeout),
                    self.store.clone(),
                )
                .with_resolver(Arc::new(OfflineResolver))
                .with_secrets(Arc::new(ScenarioSecrets))
                .with_history(self.store.clone());
                &down_engine
            }
            None => &self.engine,
        };
        let svc = whmcs.svc(call.service);
        match call.function.as_str() {
            "ClientArea" => client_area(engine, svc, ids, now).await,
            "UsageUpdate" => {
                // The module reconciles the services whose plan reads, and takes their
                // traffic from the same user/list.
                let services: Vec<Service> = whmcs
                    .services
                    .values()
                    .filter(|s| s.status == "Active" || s.status == "Suspended")
                    .filter_map(|s| service(s, ids, now).ok())
                    .collect();
                if !services.is_empty()
                    && let Ok(report) = engine.reconcile(&services).await
                {
                    for u in &report.usage {
                        self.bandwidth
                            .insert(u.service, (u.usage_mb(), u.limit_mb()));
                    }
                    // Beside bwusage, today's sample of the 30-day chart.
                    if let Err(e) =
                        record_usage(self.store.as_ref(), &report.usage, EpochMs(now)).await
                    {
                        panic!("the memory store refused the daily usage: {e}");
                    }
                }
                let detail: serde_json::Map<String, Value> = whmcs
                    .services
                    .keys()
                    .map(|id| {
                        let (usage, limit) = self.bandwidth.get(id).copied().unwrap_or((0, 0));
                        (id.to_string(), json!([usage, limit]))
                    })
                    .collect();
                RustAnswer {
                    outcome: Outcome::Nothing,
                    detail: Some(Value::Object(detail)),
                }
            }
            function => {
                let result = lifecycle(engine, function, svc, ids, call, now).await;
                answer(function, result)
            }
        }
    }

    /// Runs two lifecycle calls at once on the one engine and store, as two WHMCS
    /// requests would, the second once `gate` is ready. A call whose save lost the
    /// compare-and-swap to the other runs again, as the engine's callers do
    /// ([`ProvisionError::is_conflict`]).
    pub async fn run_together(
        &self,
        whmcs: &Whmcs,
        ids: &Ids,
        calls: [&Call; 2],
        now: i64,
        gate: impl std::future::Future<Output = ()>,
    ) -> [RustAnswer; 2] {
        let engine = &self.engine;
        let second = async {
            gate.await;
            retrying(engine, whmcs, ids, calls[1], now).await
        };
        let first = retrying(engine, whmcs, ids, calls[0], now);
        let (first, second) = tokio::join!(first, second);
        [first, second]
    }
}

/// A lifecycle call, run again (up to 3 times) when another one saved the record first.
async fn retrying(engine: &Engine, whmcs: &Whmcs, ids: &Ids, call: &Call, now: i64) -> RustAnswer {
    let svc = whmcs.svc(call.service);
    let mut result = lifecycle(engine, &call.function, svc, ids, call, now).await;
    for _ in 0..3 {
        match &result {
            Err(e) if e.is_conflict() => {
                result = lifecycle(engine, &call.function, svc, ids, call, now).await
            }
            _ => break,
        }
    }
    answer(&call.function, result)
}

/// The outcome of a lifecycle call as the module reports it.
fn answer(function: &str, result: Result<(), ProvisionError>) -> RustAnswer {
    RustAnswer {
        outcome: match result {
            Ok(()) => Outcome::Success,
            Err(e) if is_client_function(function) => {
                Outcome::failure(e.customer_message(Lang::En))
            }
            Err(e) => Outcome::failure(e.message(Lang::En)),
        },
        detail: None,
    }
}

fn client(url: &str, user: &str, password: &str, timeout: Duration) -> Arc<dyn FlvxApi> {
    let client = FlvxClient::builder(url, Credentials::password(user, password))
        .timeout(timeout)
        .build()
        .expect("client");
    Arc::new(client)
}

/// The service as the module builds it from WHMCS: the plan first, then the due date.
pub fn service(svc: &Svc, ids: &Ids, now: i64) -> Result<Service, ProvisionError> {
    let product_options = svc.product_options(ids);
    flvx_provision::schema::refuse_legacy_layout(&product_options)?;
    let plan = Plan::parse(&PlanInput {
        product_options,
        configurable_options: svc.resolved_configoptions(ids),
    })?;
    let due = Date::parse_whmcs(&svc.due).map_err(|_| ProvisionError::InvalidDate {
        field: "next due date",
        value: svc.due.trim().to_owned(),
    })?;
    Ok(Service {
        id: svc.id,
        plan,
        due_date: due,
        registered: registered(svc),
        password: svc.password.clone().into(),
        now: EpochMs(now),
    })
}

/// The service after the automatic take-overs the module runs before every action
/// (`flvx_onService`): a service without a record whose custom fields carry a 1.0 account
/// is taken over first, and then acts with the 1.0 password (ChangePassword keeps the new
/// one, which WHMCS just saved); else an Active or Suspended one Server Sync imported,
/// when its password logs in as the user its username names.
async fn adopted(
    engine: &Engine,
    svc: &Svc,
    ids: &Ids,
    now: i64,
    keep_password: bool,
) -> Result<Service, ProvisionError> {
    let mut s = service(svc, ids, now)?;
    let suspended = svc.status == "Suspended";
    let legacy = engine
        .adopt_legacy(&s, &svc.customfields, suspended)
        .await?;
    match legacy {
        Some(legacy) if !keep_password => s.password = legacy.password,
        Some(_) => {}
        None if matches!(svc.status.as_str(), "Active" | "Suspended") => {
            let username = svc.username_field.as_deref().unwrap_or("");
            engine.adopt_listed(&s, username, suspended).await?;
        }
        None => {}
    }
    Ok(s)
}

/// The registration date as the module reads it (a bad or blank one counts from now).
fn registered(svc: &Svc) -> Option<Date> {
    Date::parse_whmcs(&svc.registered).ok().flatten()
}

/// The actions a customer can run from the client area (ChangePassword too), whose
/// messages hide transport details.
fn is_client_function(function: &str) -> bool {
    matches!(
        function,
        "AddForward"
            | "PauseForward"
            | "ResumeForward"
            | "DeleteForward"
            | "ResetForwardTraffic"
            | "ChangePassword"
    )
}

async fn lifecycle(
    engine: &Engine,
    function: &str,
    svc: &Svc,
    ids: &Ids,
    call: &Call,
    now: i64,
) -> Result<(), ProvisionError> {
    let empty = BTreeMap::new();
    let post = call.post.as_ref().unwrap_or(&empty);
    if function == "ImportLegacy" {
        let s = service(svc, ids, now)?;
        let legacy = LegacyAccount::from_fields(&svc.customfields, svc.status == "Suspended")?
            .ok_or(ProvisionError::NoLegacyAccount)?;
        return engine.import_legacy(&s, &legacy).await.map(drop);
    }
    if function == "AdminServicesTabFieldsSave" {
        // The admin's link change, as flvx_AdminServicesTabFieldsSave reads the form.
        let text = post.get("flvx_link_user").map_or("", String::as_str);
        let unlink = post
            .get("flvx_unlink")
            .is_some_and(|v| !v.is_empty() && v != "0");
        let target = PanelUserRef::parse(text);
        if target.is_none() && !unlink {
            return Ok(());
        }
        let s = service(svc, ids, now)?;
        return match target {
            _ if unlink => engine.unlink(&s).await.map(drop),
            Some(target) => engine.link(&s, &target).await.map(drop),
            None => Ok(()),
        };
    }
    let request = match function {
        "AddForward" => Some(forward_request(post)?),
        _ => None,
    };
    let forward = match function {
        "PauseForward" | "ResumeForward" | "DeleteForward" | "ResetForwardTraffic" => Some(
            forward_id(post.get("forward_id").map_or("", String::as_str))?,
        ),
        _ => None,
    };
    let s = &adopted(engine, svc, ids, now, function == "ChangePassword").await?;
    match function {
        "CreateAccount" => engine.create(s).await.map(drop),
        "SuspendAccount" => engine.suspend(s).await.map(drop),
        "UnsuspendAccount" => engine.unsuspend(s).await.map(drop),
        "TerminateAccount" => engine.terminate(s).await.map(drop),
        "Renew" => engine.renew(s).await.map(drop),
        "ChangePackage" => engine.change_package(s).await.map(drop),
        "ChangePassword" => engine.change_password(s).await.map(drop),
        "ResetTraffic" => engine.reset_traffic(s).await.map(drop),
        "Sync" => engine.sync(s).await.map(drop),
        "AddForward" => match &request {
            Some(request) => engine.add_forward(s, request).await.map(drop),
            None => unreachable!("read above"),
        },
        "PauseForward" | "ResumeForward" | "DeleteForward" | "ResetForwardTraffic" => {
            let id = forward.unwrap_or(ForwardId(0));
            match function {
                "PauseForward" => engine.pause_forward(s, id).await,
                "ResumeForward" => engine.resume_forward(s, id).await,
                "ResetForwardTraffic" => engine.reset_forward_traffic(s, id).await,
                _ => engine.delete_forward(s, id).await,
            }
        }
        other => panic!("no such WHMCS action in scenarios: {other}"),
    }
}

/// ClientArea: nothing for services neither Active nor Suspended; the view; or the error,
/// which for a suspended service is "suspended" (the panel refuses its logins).
async fn client_area(engine: &Engine, svc: &Svc, ids: &Ids, now: i64) -> RustAnswer {
    let status = svc.status.as_str();
    if !matches!(status, "" | "Active" | "Suspended") {
        return RustAnswer {
            outcome: Outcome::Nothing,
            detail: None,
        };
    }
    let view = match adopted(engine, svc, ids, now, false).await {
        Ok(s) => engine.client_view(&s, &ViewSettings::default()).await,
        Err(e) => Err(e),
    };
    match view {
        Ok(view) => RustAnswer {
            outcome: Outcome::Success,
            detail: Some(view_json(&view)),
        },
        Err(e) => {
            let message = match status {
                "Suspended" => Msg::ServiceSuspended.format(Lang::En, &[]),
                _ => e.customer_message(Lang::En),
            };
            RustAnswer {
                outcome: Outcome::failure(message),
                detail: None,
            }
        }
    }
}

/// The view as the PHP module hands it to the template (`$flvx`), login included.
pub fn view_json(view: &ServiceView) -> Value {
    json!({
        "username": view.username,
        "state": view.state.key(),
        "status": view.status,
        "notice": view.notice,
        "used": view.used,
        "quota": view.quota,
        "usage": view.usage,
        "remaining": view.remaining,
        "percent": view.percent,
        "unlimited": view.unlimited,
        "warning": view.warning,
        "expires": view.expires,
        "expiry_note": view.expiry_note,
        "reset": view.reset,
        "forward_count": view.forward_count,
        "tunnels": view.tunnels.iter().map(|t| json!({
            "id": t.id, "name": t.name, "speed": t.speed,
        })).collect::<Vec<_>>(),
        "forwards": view.forwards.iter().map(|f| json!({
            "id": f.id, "name": f.name, "tunnel": f.tunnel, "entries": f.entries,
            "target": f.target, "traffic": f.traffic, "status": f.status, "running": f.running,
        })).collect::<Vec<_>>(),
        "hours": chart_json(&view.hours),
        "days": chart_json(&view.days),
        "login": view.login.as_ref().map(|l| json!({
            "address": l.address,
            "username": l.username,
            "password": flvx_api::ExposeSecret::expose_secret(&l.password),
        })),
    })
}

/// A chart as the PHP module hands it to the template.
fn chart_json(chart: &Chart) -> Value {
    json!({
        "title": chart.title, "note": chart.note, "empty": chart.empty,
        "view_box": chart.view_box, "slot_width": chart.slot_width,
        "bars": chart.bars.iter().map(|b| json!({
            "slot_x": b.slot_x, "x": b.x, "y": b.y, "width": b.width, "height": b.height,
            "title": b.title, "over": b.over,
        })).collect::<Vec<_>>(),
        "top": chart.top, "quota": chart.quota, "quota_y": chart.quota_y,
        "quota_label": chart.quota_label, "start": chart.start, "end": chart.end,
    })
}

/// PHP's `trim()`: ASCII white space and NUL only.
fn php_trim(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'))
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The add-forward form as the module reads it: the port is empty (any) or a whole number
/// up to 65535; a tunnel that is not a number becomes 0 (not in any plan).
fn forward_request(post: &BTreeMap<String, String>) -> Result<ForwardRequest, ProvisionError> {
    let text = |key: &str| post.get(key).cloned().unwrap_or_default();
    let tunnel = text("tunnel_id");
    let tunnel = php_trim(&tunnel);
    let port = text("port");
    let port = php_trim(&port);
    let parsed_port = if port.is_empty() {
        None
    } else {
        let significant = port.trim_start_matches('0');
        let value = significant.parse::<u32>().unwrap_or(0);
        if !digits(port) || significant.len() > 5 || value > 65_535 {
            return Err(ProvisionError::InvalidForward {
                field: ForwardField::Port,
            });
        }
        Some(value as u16)
    };
    let tunnel = match digits(tunnel) && tunnel.len() <= 18 {
        true => tunnel.parse().unwrap_or(0),
        false => 0,
    };
    Ok(ForwardRequest {
        tunnel: TunnelId(tunnel),
        name: text("name"),
        target: text("target"),
        port: parsed_port,
    })
}

/// A forward id from the form: a positive whole number, else "forward 0 not found".
fn forward_id(value: &str) -> Result<ForwardId, ProvisionError> {
    let text = php_trim(value);
    let id = match digits(text) && text.len() <= 18 {
        true => text.parse::<i64>().unwrap_or(0),
        false => 0,
    };
    if id <= 0 {
        return Err(ProvisionError::ForwardNotFound {
            forward: ForwardId(0),
        });
    }
    Ok(ForwardId(id))
}
