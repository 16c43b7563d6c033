//! Scenario files and the WHMCS side of the world they describe.
//!
//! A scenario (`tests/conformance/*.json`) lists services and then steps, each one of:
//! a WHMCS action (`"do"`), a panel event (`"event"`) or a fault to inject (`"fault"`).
//! Option values and form fields may name the seeded panel objects as `t1`, `t2`, … (tunnels)
//! and `s1`, `s2` (speed limits); they are replaced by the ids of the panel in use. Dates are
//! `+Nd` (N days after the scenario's current time), `YYYY-MM-DD`, or any WHMCS text.

use flvx_api::units::EpochMs;
use flvx_provision::dates::Date;
use flvx_provision::schema::OPTIONS;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One day in ms.
pub const DAY_MS: i64 = 86_400_000;
/// One hour in ms.
pub const HOUR_MS: i64 = 3_600_000;

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (the file name without `.json` when loaded from disk).
    #[serde(default)]
    pub name: String,
    /// What it proves (for readers of the file).
    #[allow(dead_code)]
    pub description: String,
    /// Tunnel names to seed as t1, t2, … (default HK-1, SG-1, JP-1).
    #[serde(default)]
    pub tunnels: Option<Vec<String>>,
    /// Whether it can run against a real panel (no faults or fake-only events).
    #[serde(default)]
    pub live: bool,
    /// The WHMCS services.
    pub services: Vec<ServiceSpec>,
    /// What happens, in order.
    pub steps: Vec<Step>,
}

/// A WHMCS service of a scenario, on its own product.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// `tblhosting.id`.
    pub id: u64,
    /// Module settings by option key, over [`standard_options`].
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Configurable options by name.
    #[serde(default)]
    pub configoptions: BTreeMap<String, String>,
    /// The next due date.
    #[serde(default = "default_due")]
    pub due: String,
    /// The service password WHMCS generated.
    #[serde(default = "default_password")]
    pub password: String,
    /// The registration date.
    #[serde(default = "default_registered")]
    pub registered: String,
}

impl ServiceSpec {
    /// Service `id` with the standard scenario settings on these tunnels (`t1,t2`…).
    #[allow(dead_code)] // the round-trip test's and benchmarks' (scenarios are files)
    pub fn on_tunnels(id: u64, tunnels: &str) -> ServiceSpec {
        ServiceSpec {
            id,
            options: BTreeMap::from([("tunnels".to_owned(), tunnels.to_owned())]),
            configoptions: BTreeMap::new(),
            due: default_due(),
            password: default_password(),
            registered: default_registered(),
        }
    }
}

fn default_due() -> String {
    "+30d".into()
}

fn default_registered() -> String {
    "+0d".into()
}

fn default_password() -> String {
    "Cust0mer-pw".into()
}

/// One step of a scenario.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A WHMCS action: CreateAccount, SuspendAccount, …, AddForward, ClientArea, UsageUpdate.
    #[serde(rename = "do")]
    pub action: Option<String>,
    /// The service (default: the first).
    pub service: Option<u64>,
    /// A new next due date, written before the action (Renew).
    pub due: Option<String>,
    /// Module setting changes, written before the action (ChangePackage).
    pub options: Option<BTreeMap<String, String>>,
    /// Configurable options replacing the service's, before the action.
    pub configoptions: Option<BTreeMap<String, String>>,
    /// A new service password, written before the action (ChangePassword).
    pub password: Option<String>,
    /// The POSTed form of AddForward.
    pub post: Option<BTreeMap<String, String>>,
    /// The forward of Pause/Resume/DeleteForward: a forward name, or `#text` for that raw
    /// form value.
    pub forward: Option<String>,
    /// The expected outcome: `success`, `nothing` or a catalogue key.
    pub expect: Option<String>,
    /// The expected panel calls (paths without `/api/v1/`, logins aside), in order.
    pub calls: Option<Vec<String>>,
    /// The expected outcome on FLVX 3.0, where it differs from `expect`.
    pub expect_v3: Option<String>,
    /// The expected panel calls on FLVX 3.0, where they differ from `calls`.
    pub calls_v3: Option<Vec<String>>,

    /// Two actions on one service at once, as WHMCS runs two requests side by side
    /// ([`crate::conformance_support::pair::Pair::together`]).
    pub together: Option<Vec<Step>>,

    /// A panel event: `add_traffic`, `advance_days`, `advance_hours`, `daily_job`,
    /// `hourly_job` (the panel's statistics job, at a full hour), `delete_user`,
    /// `create_user`, `rename_user` (the service's customer renames itself to `name`),
    /// `legacy_account` (the 1.0 module provisioned the service: a user `name` with
    /// `password`, bound to `tunnel`, and the 1.0 custom fields; the service Active),
    /// `server_sync_import` (WHMCS Server Sync imported panel user `name` as the service:
    /// its username, the service password `password`, Active),
    /// `customer_login` (the service's customer logs in to the panel with the password
    /// WHMCS shows; `expect`: `success` or `refused`),
    /// `nodes`, `expire_tokens`, `clear_faults`, `server_down`.
    pub event: Option<String>,
    /// advance_days: how many.
    pub days: Option<i64>,
    /// advance_hours: how many.
    pub hours: Option<i64>,
    /// add_traffic: bytes up.
    pub up: Option<u64>,
    /// add_traffic: bytes down.
    pub down: Option<u64>,
    /// nodes: online or not.
    pub online: Option<bool>,
    /// create_user: the name (default: the service's username); rename_user: the new one;
    /// legacy_account: the 1.0 username.
    pub name: Option<String>,
    /// legacy_account: the tunnel 1.0 bound (default `t1`).
    pub tunnel: Option<String>,
    /// legacy_account: the service is suspended as 1.0 did it (binding status 0).
    pub suspended: Option<bool>,
    /// legacy_account: custom fields written over the ones 1.0 would have left
    /// (`""` clears one).
    pub fields: Option<BTreeMap<String, String>>,
    /// legacy_account: copy the 1.0 fields of this service instead of making a user.
    pub same_as: Option<u64>,

    /// A fault: `html502`, `malformed_json`, `internal_error`, `expired_token`, `timeout`,
    /// `connection_drop`.
    pub fault: Option<String>,
    /// The path it applies to, without `/api/v1/` (default: any but login).
    pub path: Option<String>,
    /// Only requests whose JSON body has these fields (`t1`… resolved): a fault aimed at
    /// one of several calls sent at once, which reach the panel in any order.
    pub body: Option<BTreeMap<String, String>>,
    /// Matching requests let through first.
    pub after: Option<usize>,
    /// How many matching requests it hits (default 1).
    pub times: Option<usize>,
    /// internal_error: the panel message.
    pub message: Option<String>,
    /// A comment (for readers of the file).
    #[allow(dead_code)]
    pub note: Option<String>,
}

/// The standard module settings: tunnels t1 and t2, 250 GiB, 3 forwards, speed limit s1,
/// 30 days without a due date, 3 grace days, reset on the billing day, prefix `flvx`,
/// terminate deletes. Every value differs from the panel's defaults.
pub fn standard_options() -> BTreeMap<String, String> {
    [
        ("tunnels", "t1,t2"),
        ("traffic_quota", "250"),
        ("max_forwards", "3"),
        ("speed_limit", "s1"),
        ("tunnel_group", "0"),
        ("expiry_days", "30"),
        ("expiry_grace_days", "3"),
        ("traffic_reset", "billing_day"),
        ("username_prefix", "flvx"),
        ("terminate_action", "delete"),
        ("user_group", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Panel ids standing for the names `t1`, `s1`, … of scenarios.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    /// Tunnel ids, t1 first.
    pub tunnels: Vec<i64>,
    /// Speed-limit ids, s1 first.
    pub speeds: Vec<i64>,
}

impl Ids {
    /// `text` with every comma-separated `tN` / `sN` replaced by its id (an unknown one by
    /// `0`); anything else is kept as written.
    pub fn resolve(&self, text: &str) -> String {
        let parts: Vec<&str> = text.split(',').collect();
        let named = |p: &str| {
            let p = p.trim();
            let (list, rest) = match p.split_at_checked(1) {
                Some(("t", rest)) => (&self.tunnels, rest),
                Some(("s", rest)) => (&self.speeds, rest),
                _ => return None,
            };
            let n: usize = rest.parse().ok().filter(|n| *n > 0)?;
            Some(list.get(n - 1).copied().unwrap_or(0))
        };
        if parts.iter().all(|p| named(p).is_some()) {
            parts
                .iter()
                .map(|p| named(p).unwrap_or(0).to_string())
                .collect::<Vec<_>>()
                .join(",")
        } else {
            text.to_owned()
        }
    }
}

/// The WHMCS side of one service.
#[derive(Debug, Clone)]
pub struct Svc {
    /// `tblhosting.id` (also its product's id).
    pub id: u64,
    /// Module settings by key, unresolved (`t1`…).
    pub options: BTreeMap<String, String>,
    /// Configurable options by name, unresolved.
    pub configoptions: BTreeMap<String, String>,
    /// `tblhosting.nextduedate`.
    pub due: String,
    /// `tblhosting.regdate`.
    pub registered: String,
    /// The service password.
    pub password: String,
    /// `tblhosting.domainstatus`.
    pub status: String,
    /// The product custom fields of the service by name (the 1.0 module's, for imports).
    pub customfields: BTreeMap<String, String>,
    /// `tblhosting.username` as WHMCS wrote it (Server Sync imports), until the module
    /// writes its own; `None` leaves the column to the module.
    pub username_field: Option<String>,
    /// Whether this side's module took over the 1.0 account (and wrote its password to
    /// the service).
    pub imported: bool,
}

impl Svc {
    /// `configoption1..N` in schema order, with panel names resolved.
    pub fn product_options(&self, ids: &Ids) -> Vec<String> {
        OPTIONS
            .iter()
            .map(|o| ids.resolve(self.options.get(o.key).map_or("", String::as_str)))
            .collect()
    }

    /// The configurable options with panel names resolved.
    pub fn resolved_configoptions(&self, ids: &Ids) -> BTreeMap<String, String> {
        self.configoptions
            .iter()
            .map(|(k, v)| (k.clone(), ids.resolve(v)))
            .collect()
    }

    /// The panel username (`prefix` + id), as the module computes it for a valid prefix.
    pub fn username(&self) -> String {
        let prefix = self
            .options
            .get("username_prefix")
            .map_or("flvx", String::as_str);
        format!("{prefix}{}", self.id)
    }
}

/// The WHMCS database as far as the module is concerned.
#[derive(Debug, Clone, Default)]
pub struct Whmcs {
    /// Services by id.
    pub services: BTreeMap<u64, Svc>,
}

impl Whmcs {
    /// The services of a scenario, Pending, with their dates resolved at `now`.
    pub fn new(specs: &[ServiceSpec], now: i64, prefix: Option<&str>) -> Whmcs {
        let mut services = BTreeMap::new();
        for spec in specs {
            let mut options = standard_options();
            options.extend(spec.options.clone());
            if let Some(prefix) = prefix {
                options.insert("username_prefix".into(), prefix.to_owned());
            }
            services.insert(
                spec.id,
                Svc {
                    id: spec.id,
                    options,
                    configoptions: spec.configoptions.clone(),
                    due: resolve_date(&spec.due, now),
                    registered: resolve_date(&spec.registered, now),
                    password: spec.password.clone(),
                    status: "Pending".into(),
                    customfields: BTreeMap::new(),
                    username_field: None,
                    imported: false,
                },
            );
        }
        Whmcs { services }
    }

    /// The service `id` (panics when the scenario names an unknown one).
    pub fn svc(&self, id: u64) -> &Svc {
        self.services
            .get(&id)
            .unwrap_or_else(|| panic!("no service {id} in the scenario"))
    }

    /// The service `id`, to change.
    pub fn svc_mut(&mut self, id: u64) -> &mut Svc {
        self.services
            .get_mut(&id)
            .unwrap_or_else(|| panic!("no service {id} in the scenario"))
    }

    /// What WHMCS writes before calling the module for `step`: a new due date, options,
    /// configurable options or password.
    pub fn prepare(&mut self, step: &Step, service: u64, now: i64) {
        let svc = self.svc_mut(service);
        if let Some(due) = &step.due {
            svc.due = resolve_date(due, now);
        }
        if let Some(options) = &step.options {
            for (k, v) in options {
                svc.options.insert(k.clone(), v.clone());
            }
        }
        if let Some(c) = &step.configoptions {
            svc.configoptions = c.clone();
        }
        if let Some(p) = &step.password {
            svc.password = p.clone();
        }
    }

    /// After an action: when the module took over the 1.0 account (its record now holds
    /// the 1.0 user), it wrote the 1.0 password to the service, which WHMCS keeps from
    /// then on; ChangePassword (`keep`) kept the new one instead.
    pub fn after_import(&mut self, service: u64, user: Option<flvx_api::ids::UserId>, keep: bool) {
        let svc = self.svc_mut(service);
        if user.is_some() {
            // The module wrote its own username (a take-over, a create).
            svc.username_field = None;
        }
        let legacy = svc
            .customfields
            .get("flvx_user_id")
            .map(|v| v.trim().to_owned());
        let linked = user.is_some_and(|u| legacy.as_deref() == Some(u.to_string().as_str()));
        if svc.imported || !linked {
            return;
        }
        svc.imported = true;
        let password = svc.customfields.get("flvx_password").filter(|_| !keep);
        if let Some(password) = password.cloned() {
            svc.password = password;
        }
    }

    /// The status WHMCS gives the service after the module answered `success`.
    pub fn after_success(&mut self, function: &str, service: u64) {
        let status = match function {
            "CreateAccount" | "UnsuspendAccount" => "Active",
            "SuspendAccount" => "Suspended",
            "TerminateAccount" => "Terminated",
            _ => return,
        };
        self.svc_mut(service).status = status.into();
    }
}

/// A scenario date: `+Nd` (`-Nd`) is N days after (before) `now` (UTC), anything else is kept.
pub fn resolve_date(text: &str, now: i64) -> String {
    let days = text
        .strip_suffix('d')
        .filter(|t| t.starts_with(['+', '-']))
        .and_then(|n| n.parse::<i64>().ok());
    match days {
        Some(days) => Date::of(EpochMs(now + days * DAY_MS)).to_string(),
        None => text.to_owned(),
    }
}

/// Every scenario under `tests/conformance/`, by file name.
pub fn load_scenarios() -> Vec<Scenario> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("scenario is readable");
            let mut scenario: Scenario =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            scenario.name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            scenario
        })
        .collect()
}
