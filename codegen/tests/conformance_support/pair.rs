//! One scenario run twice, step for step: on the Rust engine against one fake panel and on
//! the generated PHP module against a second, fresh fake panel; after every action both
//! must agree on the outcome, the panel calls, the stored record and the panel's state.

use super::concurrent;
use super::model::{DAY_MS, HOUR_MS, Ids, Scenario, ServiceSpec, Step, Whmcs};
use super::outcome::{self, Outcome};
use super::php::{PhpAnswer, PhpSide, SMARTIES};
use super::rust_side::{Call, RustAnswer, RustSide};
use flvx_api::PanelVersion;
use flvx_api::endpoints::USER_LOGIN;
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::models::NewUser;
use flvx_api::testkit::{BindingKeys, FakePanel, Fault, FaultRule};
use flvx_api::units::{EpochMs, Gib, Mbps, ResetDay, Status};
use flvx_api::{Credentials, FlvxApi, FlvxClient};
use flvx_provision::ServiceRecord;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::time::Duration;

/// The module's request timeout in these tests (both runtimes).
pub const TIMEOUT_MS: u64 = 2_000;
/// The latency of an injected `slow` fault: well within [`TIMEOUT_MS`], and long enough for
/// a second request started beside the slowed one to arrive while it waits (a WebAssembly
/// PHP takes about 0.5 s to start).
pub const SLOW_MS: u64 = 1_200;
/// The latency of an injected `timeout` fault: well beyond [`TIMEOUT_MS`].
pub const LATENCY_MS: u64 = 3_500;
/// A hostile name, for the escaping checks.
pub const HOSTILE: &str = "<script>alert(1)</script>";

/// Where a side's panel is.
pub enum Panel {
    /// A fake panel of this test.
    Fake(FakePanel),
    /// A real panel (outcomes only).
    Live,
}

impl Panel {
    /// The fake panel (panics on a live one).
    pub fn fake(&self) -> &FakePanel {
        match self {
            Panel::Fake(p) => p,
            Panel::Live => panic!("this needs a fake panel"),
        }
    }

    /// Waits until a request since `from` got a `slow` (latency) fault: the panel is then
    /// holding that request's answer. Gives up after 15 s (the next step then fails).
    pub async fn slowed_since(&self, from: usize) {
        let Panel::Fake(p) = self else { return };
        for _ in 0..3_000 {
            let journal = p.journal();
            let slowed = journal
                .iter()
                .skip(from)
                .any(|e| matches!(e.fault, Some(Fault::Latency(_))));
            if slowed {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn journal_len(&self) -> usize {
        match self {
            Panel::Fake(p) => p.journal().len(),
            Panel::Live => 0,
        }
    }

    /// `[method, path, body]` of every request since `from`, logins aside.
    pub fn calls_since(&self, from: usize) -> Vec<Value> {
        match self {
            Panel::Fake(p) => p
                .journal()
                .into_iter()
                .skip(from)
                .filter(|e| e.path != USER_LOGIN.path)
                .map(|e| json!([e.method, e.path, e.body]))
                .collect(),
            Panel::Live => Vec::new(),
        }
    }

    /// What each binding id the panel ever gave out stands for (see `concurrent`).
    pub fn binding_keys(&self) -> BindingKeys {
        match self {
            Panel::Fake(p) => p.binding_keys(),
            Panel::Live => BindingKeys::default(),
        }
    }

    /// The calls since `from` as the two runtimes are compared (see `concurrent`).
    pub fn comparable_calls_since(&self, from: usize) -> Vec<Value> {
        match self {
            Panel::Fake(p) => {
                let journal = p.journal();
                concurrent::calls(&p.binding_keys(), journal.get(from..).unwrap_or_default())
            }
            Panel::Live => Vec::new(),
        }
    }

    /// The database without the wall-clock columns (3.0 adds two) (the two panels run the same steps a
    /// little apart in time; ids, expiries and everything else must match exactly), binding
    /// ids as what they stand for (see `concurrent`).
    pub fn state(&self) -> Value {
        let mut snapshot = self.fake().snapshot();
        let keys = self.binding_keys();
        for table in ["users", "forwards", "bindings", "quotas"] {
            for row in snapshot[table].as_array_mut().into_iter().flatten() {
                if let Some(row) = row.as_object_mut() {
                    for column in WALL_CLOCK_COLUMNS {
                        row.remove(*column);
                    }
                }
            }
        }
        keys.state(snapshot)
    }

    /// A record of this panel's side as it is compared: JSON, binding ids as what they
    /// stand for on this panel (see `concurrent`).
    pub fn comparable_record(&self, record: &ServiceRecord) -> Value {
        concurrent::record(&self.binding_keys(), record)
    }
}

/// Columns that hold the moment something happened rather than a value the runtimes set.
const WALL_CLOCK_COLUMNS: &[&str] = &[
    "createdTime",
    "updatedTime",
    "passwordChangedAt",
    "disabledAt",
];

/// Which runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The Rust engine.
    Rust,
    /// The PHP module.
    Php,
}

/// What both runtimes answered to one action.
pub struct Both {
    /// The Rust answer.
    pub rust: RustAnswer,
    /// The PHP answer.
    pub php: PhpAnswer,
    /// Rust's panel calls, as compared (`Panel::comparable_calls_since`).
    pub rust_calls: Vec<Value>,
    /// PHP's panel calls, as compared.
    pub php_calls: Vec<Value>,
}

/// The two runtimes, their panels and their WHMCS worlds.
pub struct Pair {
    /// The FLVX line both panels run.
    pub version: PanelVersion,
    /// The Rust engine's panel.
    pub rust_panel: Panel,
    /// The PHP module's panel.
    pub php_panel: Panel,
    rust_admin: FlvxClient,
    php_admin: FlvxClient,
    /// The Rust side.
    pub rust: RustSide,
    /// The PHP side.
    pub php: PhpSide,
    /// WHMCS as the Rust side sees it.
    pub rust_whmcs: Whmcs,
    /// WHMCS as the PHP side sees it.
    pub php_whmcs: Whmcs,
    rust_ids: Ids,
    php_ids: Ids,
    /// The time both runtimes are given (`Service.now`, `FLVX_NOW_MS`).
    pub now: i64,
    /// When set, the next action's server points at this closed port.
    pub down: Option<u16>,
    /// Parameter overrides for the next PHP action (bad-input tests).
    pub overrides: Map<String, Value>,
    /// Whether ClientArea results are rendered with every Smarty.
    pub render: bool,
    /// Pages rendered so far: (label, html).
    pub pages: Vec<(String, String)>,
    /// Live runs: the username prefixes of the Rust and PHP sides, which messages may name.
    prefixes: Option<(String, String)>,
}

/// A directory for one side's files.
pub fn temp_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("conformance")
        .join(name)
}

fn admin_client(url: &str, user: &str, password: &str) -> FlvxClient {
    FlvxClient::builder(url, Credentials::password(user, password))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("admin client")
}

/// Seeds a fake panel: the tunnels (t1, t2, …), two speed limits on t1 (s1 100 Mbps,
/// s2 200 Mbps), a tunnel group (id 1, no members) and a user group (id 1).
fn seed(panel: &FakePanel, tunnels: &[String]) -> Ids {
    panel.add_tunnel_group("G-1");
    panel.add_user_group("U-1");
    let tunnels: Vec<i64> = tunnels
        .iter()
        .map(|t| panel.add_tunnel(t.as_str()).0)
        .collect();
    let t1 = flvx_api::ids::TunnelId(tunnels[0]);
    let speeds = vec![
        panel.add_speed_limit("100M", t1, Mbps(100)).0,
        panel.add_speed_limit("200M", t1, Mbps(200)).0,
    ];
    Ids { tunnels, speeds }
}

/// The default tunnels of scenarios.
pub fn default_tunnels() -> Vec<String> {
    vec!["HK-1".into(), "SG-1".into(), "JP-1".into()]
}

/// A port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

/// The current time in ms.
pub fn system_now() -> i64 {
    EpochMs::now().get()
}

impl Pair {
    /// Two fresh fake panels of one FLVX line seeded alike, the engine and a fresh WHMCS
    /// database.
    pub async fn fake(
        version: PanelVersion,
        name: &str,
        tunnels: &[String],
        services: &[ServiceSpec],
    ) -> Pair {
        Pair::fake_at(version, name, tunnels, services, system_now()).await
    }

    /// [`Pair::fake`] with "now" pinned at `now` (runs that must end in the same state).
    pub async fn fake_at(
        version: PanelVersion,
        name: &str,
        tunnels: &[String],
        services: &[ServiceSpec],
        now: i64,
    ) -> Pair {
        let rust_panel = FakePanel::start_version(version).await;
        let php_panel = FakePanel::start_version(version).await;
        // One temporary WHMCS per runtime and line: runs on both lines go on at once.
        let name = &format!("{name}-v{}", version.label());
        let rust_ids = seed(&rust_panel, tunnels);
        let php_ids = seed(&php_panel, tunnels);
        let (user, password) = (FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD);
        let timeout = Duration::from_millis(TIMEOUT_MS);
        Pair {
            version,
            rust: RustSide::new(&rust_panel.url(), user, password, timeout),
            php: PhpSide::new(temp_dir(name), &php_panel.url(), user, password, TIMEOUT_MS),
            rust_admin: admin_client(&rust_panel.url(), user, password),
            php_admin: admin_client(&php_panel.url(), user, password),
            rust_panel: Panel::Fake(rust_panel),
            php_panel: Panel::Fake(php_panel),
            rust_whmcs: Whmcs::new(services, now, None),
            php_whmcs: Whmcs::new(services, now, None),
            rust_ids,
            php_ids,
            now,
            down: None,
            overrides: Map::new(),
            render: true,
            pages: Vec::new(),
            prefixes: None,
        }
    }

    /// Both runtimes on one real panel, each with its own username prefix.
    pub async fn live(
        name: &str,
        url: &str,
        (user, password): (&str, &str),
        services: &[ServiceSpec],
        (rust_prefix, php_prefix): (&str, &str),
    ) -> Result<Pair, String> {
        let admin = admin_client(url, user, password);
        let tunnels = admin.list_tunnels().await.map_err(|e| e.to_string())?;
        let speeds = admin.list_speed_limits().await.map_err(|e| e.to_string())?;
        let ids = Ids {
            tunnels: tunnels.iter().map(|t| t.id.0).collect(),
            speeds: speeds.iter().map(|s| s.id.0).collect(),
        };
        if ids.tunnels.len() < 2 {
            return Err(format!("the panel at {url} needs at least two tunnels"));
        }
        let now = system_now();
        let timeout = Duration::from_secs(30);
        let version = admin.panel_version().await.map_err(|e| e.to_string())?;
        Ok(Pair {
            version,
            rust: RustSide::new(url, user, password, timeout),
            php: PhpSide::new(
                temp_dir(&format!("live-{name}")),
                url,
                user,
                password,
                30_000,
            ),
            rust_admin: admin_client(url, user, password),
            php_admin: admin,
            rust_panel: Panel::Live,
            php_panel: Panel::Live,
            rust_whmcs: Whmcs::new(services, now, Some(rust_prefix)),
            php_whmcs: Whmcs::new(services, now, Some(php_prefix)),
            rust_ids: ids.clone(),
            php_ids: ids,
            now,
            down: None,
            overrides: Map::new(),
            render: false,
            pages: Vec::new(),
            prefixes: Some((rust_prefix.to_owned(), php_prefix.to_owned())),
        })
    }

    fn is_fake(&self) -> bool {
        matches!(self.rust_panel, Panel::Fake(_))
    }

    /// The panel, WHMCS world, ids and admin client of one side.
    fn side(&self, which: Which) -> (&Panel, &Whmcs, &Ids, &FlvxClient) {
        match which {
            Which::Rust => (
                &self.rust_panel,
                &self.rust_whmcs,
                &self.rust_ids,
                &self.rust_admin,
            ),
            Which::Php => (
                &self.php_panel,
                &self.php_whmcs,
                &self.php_ids,
                &self.php_admin,
            ),
        }
    }

    /// The first service of the world, or the one the step names.
    fn service_of(&self, step: &Step) -> u64 {
        step.service
            .or_else(|| self.rust_whmcs.services.keys().next().copied())
            .expect("a scenario has a service")
    }

    /// Runs a whole scenario; the first disagreement or unmet expectation ends it.
    pub async fn run_scenario(&mut self, scenario: &Scenario) -> Result<(), String> {
        for (i, step) in scenario.steps.iter().enumerate() {
            self.step(step)
                .await
                .map_err(|e| format!("step {} {}: {e}", i + 1, describe(step)))?;
        }
        Ok(())
    }

    /// One step of any kind.
    pub async fn step(&mut self, step: &Step) -> Result<(), String> {
        if step.action.is_some() {
            self.action(step).await.map(drop)
        } else if step.event.is_some() {
            self.event(step).await
        } else if step.fault.is_some() {
            self.fault(step);
            Ok(())
        } else if let Some(steps) = &step.together {
            self.together(steps).await
        } else {
            Err("a step needs \"do\", \"event\", \"fault\" or \"together\"".into())
        }
    }

    /// The form value naming a forward: `#raw` as written, else the id of the newest
    /// forward of that name owned by the service's user (`999999` when there is none).
    async fn forward_text(&self, which: Which, service: u64, forward: &str) -> String {
        if let Some(raw) = forward.strip_prefix('#') {
            return raw.to_owned();
        }
        let (panel, whmcs, _, admin) = self.side(which);
        let username = whmcs.svc(service).username();
        let ids: Vec<i64> = match panel {
            Panel::Fake(p) => p.snapshot()["forwards"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["name"] == forward && f["userName"] == username.as_str())
                .filter_map(|f| f["id"].as_i64())
                .collect(),
            Panel::Live => admin
                .list_forwards()
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|f| f.name == forward && f.user_name.as_deref() == Some(username.as_str()))
                .map(|f| f.id.0)
                .collect(),
        };
        ids.into_iter().max().unwrap_or(999_999).to_string()
    }

    async fn call(&self, which: Which, step: &Step, service: u64) -> Call {
        let function = step.action.clone().unwrap_or_default();
        let (_, _, ids, _) = self.side(which);
        let post = match function.as_str() {
            "AddForward" => Some(
                step.post
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| {
                        let v = if k == "tunnel_id" { ids.resolve(&v) } else { v };
                        (k, v)
                    })
                    .collect(),
            ),
            "AdminServicesTabFieldsSave" => Some(step.post.clone().unwrap_or_default()),
            "PauseForward" | "ResumeForward" | "DeleteForward" | "ResetForwardTraffic" => {
                let forward = step.forward.clone().unwrap_or_default();
                let text = self.forward_text(which, service, &forward).await;
                Some([("forward_id".to_owned(), text)].into_iter().collect())
            }
            _ => None,
        };
        Call {
            function,
            service,
            post,
        }
    }

    /// Runs a WHMCS action on both runtimes and compares everything; `Err` lists what
    /// differs (or what was not as the step expected).
    pub async fn action(&mut self, step: &Step) -> Result<Both, String> {
        let both = self.run_action(step).await;
        let problems = self.check(step, &both).await;
        if problems.is_empty() {
            Ok(both)
        } else {
            Err(problems.join("\n    "))
        }
    }

    /// Runs a WHMCS action on both runtimes without judging the answers.
    pub async fn run_action(&mut self, step: &Step) -> Both {
        let service = self.service_of(step);
        let now = self.now;
        self.rust_whmcs.prepare(step, service, now);
        self.php_whmcs.prepare(step, service, now);
        let rust_call = self.call(Which::Rust, step, service).await;
        let php_call = self.call(Which::Php, step, service).await;
        let rust_from = self.rust_panel.journal_len();
        let php_from = self.php_panel.journal_len();
        let down = self.down.take();
        let overrides = std::mem::take(&mut self.overrides);
        let Pair {
            rust,
            php,
            rust_whmcs,
            php_whmcs,
            rust_ids,
            php_ids,
            ..
        } = self;
        let (rust_answer, php_answer) = tokio::join!(
            rust.run(rust_whmcs, rust_ids, &rust_call, now, down),
            php.run(php_whmcs, php_ids, &php_call, now, down, &overrides),
        );
        if rust_answer.outcome == Outcome::Success {
            self.rust_whmcs.after_success(&rust_call.function, service);
        }
        if php_answer.outcome == Outcome::Success {
            self.php_whmcs.after_success(&php_call.function, service);
        }
        let rust_record = self.rust.record(service);
        let php_user = php_answer.record.as_ref().ok().and_then(|r| r.user_id);
        let keep = rust_call.function == "ChangePassword";
        self.rust_whmcs
            .after_import(service, rust_record.user_id, keep);
        self.php_whmcs.after_import(service, php_user, keep);
        Both {
            rust_calls: self.rust_panel.comparable_calls_since(rust_from),
            php_calls: self.php_panel.comparable_calls_since(php_from),
            rust: rust_answer,
            php: php_answer,
        }
    }

    /// Two WHMCS actions at once, as WHMCS runs two requests on one service side by side:
    /// on each runtime the first starts, a `slow` fault set before holds the panel's
    /// answer to one of its requests, and the second starts once the panel has that
    /// request, so it runs while the first is in flight. Which finishes
    /// first is each runtime's own affair (the PHP module serialises them with its service
    /// lock; a Rust caller runs an operation again when the engine's compare-and-swap
    /// refused its save), so the outcomes are compared as multisets, each step's `expect`
    /// must be among them, the calls are not compared, and the panel states must be equal.
    /// The next step compares the records.
    pub async fn together(&mut self, steps: &[Step]) -> Result<(), String> {
        let [first, second] = steps else {
            return Err("together needs exactly two steps".into());
        };
        let now = self.now;
        let (mut rust_calls, mut php_calls) = (Vec::new(), Vec::new());
        for step in [first, second] {
            let service = self.service_of(step);
            self.rust_whmcs.prepare(step, service, now);
            self.php_whmcs.prepare(step, service, now);
            rust_calls.push(self.call(Which::Rust, step, service).await);
            php_calls.push(self.call(Which::Php, step, service).await);
        }
        let (rust_from, php_from) = (self.rust_panel.journal_len(), self.php_panel.journal_len());
        let Pair {
            rust,
            php,
            rust_whmcs,
            php_whmcs,
            rust_ids,
            php_ids,
            rust_panel,
            php_panel,
            ..
        } = self;
        let (rust_answers, php_answers) = tokio::join!(
            rust.run_together(
                rust_whmcs,
                rust_ids,
                [&rust_calls[0], &rust_calls[1]],
                now,
                rust_panel.slowed_since(rust_from),
            ),
            php.run_together(
                php_whmcs,
                php_ids,
                [&php_calls[0], &php_calls[1]],
                now,
                php_panel.slowed_since(php_from),
            ),
        );
        let mut problems: Vec<String> = php_answers
            .iter()
            .flat_map(|a| a.problems.iter().map(|p| format!("PHP: {p}")))
            .collect();
        for (call, answer) in rust_calls.iter().zip(&rust_answers) {
            if answer.outcome == Outcome::Success {
                self.rust_whmcs.after_success(&call.function, call.service);
            }
        }
        for (call, answer) in php_calls.iter().zip(&php_answers) {
            if answer.outcome == Outcome::Success {
                self.php_whmcs.after_success(&call.function, call.service);
            }
        }
        let labels = |outcomes: Vec<&Outcome>| {
            let mut labels: Vec<String> = outcomes.iter().map(|o| o.label().to_owned()).collect();
            labels.sort();
            labels
        };
        let rust_labels = labels(rust_answers.iter().map(|a| &a.outcome).collect());
        let php_labels = labels(php_answers.iter().map(|a| &a.outcome).collect());
        let v3 = self.version >= PanelVersion::V3_0;
        let mut expected: Vec<String> = [first, second]
            .iter()
            .map(|s| match (&s.expect_v3, v3) {
                (Some(on_v3), true) => on_v3.clone(),
                _ => s.expect.clone().unwrap_or_else(|| "success".into()),
            })
            .collect();
        expected.sort();
        if rust_labels != php_labels {
            problems.push(format!(
                "outcomes differ: Rust {rust_labels:?}, PHP {php_labels:?}"
            ));
        }
        if rust_labels != expected {
            problems.push(format!(
                "expected the outcomes {expected:?}, Rust got {rust_labels:?}"
            ));
        }
        let (a, b) = (self.rust_panel.state(), self.php_panel.state());
        if a != b {
            problems.push(format!("panel states differ: {}", first_difference(&a, &b)));
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(problems.join("\n    ")),
        }
    }

    /// Runs a WHMCS action on the PHP module only (settings the Rust engine has no
    /// counterpart for); its answer and panel calls.
    pub async fn php_action(&mut self, step: &Step) -> (PhpAnswer, Vec<Value>) {
        let service = self.service_of(step);
        let now = self.now;
        self.php_whmcs.prepare(step, service, now);
        let call = self.call(Which::Php, step, service).await;
        let from = self.php_panel.journal_len();
        let down = self.down.take();
        let overrides = std::mem::take(&mut self.overrides);
        let answer = self
            .php
            .run(&self.php_whmcs, &self.php_ids, &call, now, down, &overrides)
            .await;
        (answer, self.php_panel.calls_since(from))
    }

    /// Runs a WHMCS action on the Rust engine only (benchmarks time each runtime alone);
    /// its answer and panel calls, as [`Pair::php_action`] for the PHP module.
    #[allow(dead_code)] // the benchmarks' (the suite runs both runtimes together)
    pub async fn rust_action(&mut self, step: &Step) -> (RustAnswer, Vec<Value>) {
        let service = self.service_of(step);
        let now = self.now;
        self.rust_whmcs.prepare(step, service, now);
        let call = self.call(Which::Rust, step, service).await;
        let from = self.rust_panel.journal_len();
        let down = self.down.take();
        let answer = self
            .rust
            .run(&self.rust_whmcs, &self.rust_ids, &call, now, down)
            .await;
        (answer, self.rust_panel.calls_since(from))
    }

    /// Everything that differs between the two answers, or from the expectation.
    pub async fn check(&mut self, step: &Step, both: &Both) -> Vec<String> {
        let service = self.service_of(step);
        let function = step.action.clone().unwrap_or_default();
        let mut problems: Vec<String> = both
            .php
            .problems
            .iter()
            .map(|p| format!("PHP: {p}"))
            .collect();
        let (mut rust_outcome, mut php_outcome) =
            (both.rust.outcome.clone(), both.php.outcome.clone());
        if let Some((rust_prefix, php_prefix)) = &self.prefixes {
            for (outcome, prefix) in [
                (&mut rust_outcome, rust_prefix),
                (&mut php_outcome, php_prefix),
            ] {
                if let Outcome::Failure { message, .. } = outcome {
                    *message = message.replace(prefix.as_str(), "<prefix>");
                }
            }
        }
        if let Err(e) = outcome::compare(&rust_outcome, &php_outcome) {
            problems.push(e);
        }
        let default = if function == "UsageUpdate" {
            "nothing"
        } else {
            "success"
        };
        let v3 = self.version >= PanelVersion::V3_0;
        let expect = match (&step.expect_v3, v3) {
            (Some(on_v3), true) => Some(on_v3),
            _ => step.expect.as_ref(),
        };
        let want = expect.map_or(default, String::as_str);
        if both.rust.outcome.label() != want {
            problems.push(format!("expected {want}, Rust got {:?}", both.rust.outcome));
        }
        if !self.is_fake() {
            return problems;
        }
        let calls = match (&step.calls_v3, v3) {
            (Some(on_v3), true) => Some(on_v3),
            _ => step.calls.as_ref(),
        };
        if let Some(expected) = calls {
            let paths: Vec<&str> = both
                .rust_calls
                .iter()
                .map(|c| c[1].as_str().unwrap_or("?").trim_start_matches("/api/v1/"))
                .collect();
            if paths != *expected {
                problems.push(format!(
                    "expected the calls {expected:?}, Rust made {paths:?}"
                ));
            }
        }
        if both.rust_calls != both.php_calls {
            problems.push(format!(
                "panel calls differ: {}\n      Rust: {}\n      PHP:  {}",
                first_difference(&json!(both.rust_calls), &json!(both.php_calls)),
                summary(&both.rust_calls),
                summary(&both.php_calls)
            ));
        }
        let rust_record = self.rust.record(service);
        let same_record = |record: &ServiceRecord| {
            self.php_panel.comparable_record(record)
                == self.rust_panel.comparable_record(&rust_record)
        };
        match &both.php.record {
            Ok(record) if same_record(record) => {}
            Ok(record) => problems.push(format!(
                "records differ:\n      Rust: {}\n      PHP:  {}",
                json!(rust_record),
                json!(record)
            )),
            Err(e) => problems.push(e.clone()),
        }
        let (a, b) = (self.rust_panel.state(), self.php_panel.state());
        if a != b {
            problems.push(format!("panel states differ: {}", first_difference(&a, &b)));
        }
        if both.rust.detail != both.php.detail {
            problems.push(format!(
                "{function} details differ:\n      Rust: {}\n      PHP:  {}",
                json!(both.rust.detail),
                json!(both.php.detail)
            ));
        }
        if function == "CreateAccount" && both.php.outcome == Outcome::Success {
            let written = both.php.hosting["username"].as_str().unwrap_or("");
            if Some(written) != rust_record.username.as_deref() {
                problems.push(format!("tblhosting.username is {written:?} after create"));
            }
        }
        let svc = self.php_whmcs.svc(service);
        if svc.imported {
            let written = both.php.hosting["username"].as_str().unwrap_or("");
            if written != svc.username() {
                problems.push(format!(
                    "tblhosting.username is {written:?} after the import"
                ));
            }
            let password = both.php.hosting["password"].as_str().unwrap_or("");
            if password != whmcs_encrypted(&svc.password) {
                problems.push(format!(
                    "tblhosting.password is {password:?}, not the service password encrypted"
                ));
            }
        }
        if function == "ClientArea" && self.render && both.php.result.is_object() {
            for smarty in SMARTIES {
                if !std::path::Path::new(smarty.1).exists() {
                    continue;
                }
                match self.php.render(&both.php.result, smarty).await {
                    Ok(html) => {
                        if let Some(e) = escaping_problem(&html, &both.php.result) {
                            problems.push(format!("{}: {e}", smarty.0));
                        }
                        self.pages.push((smarty.0.to_owned(), html));
                    }
                    Err(e) => problems.push(format!("render failed: {e}")),
                }
            }
        }
        problems
    }

    /// A panel event, on both panels.
    pub async fn event(&mut self, step: &Step) -> Result<(), String> {
        let event = step.event.as_deref().unwrap_or("");
        let service = self.service_of(step);
        let fake_only =
            || -> Result<(), String> { Err(format!("event {event} needs fake panels")) };
        match event {
            "advance_days" | "advance_hours" => {
                let by = match event {
                    "advance_days" => step.days.unwrap_or(1) * DAY_MS,
                    _ => step.hours.unwrap_or(1) * HOUR_MS,
                };
                if !self.is_fake() {
                    return fake_only();
                }
                self.now += by;
                for panel in [&self.rust_panel, &self.php_panel] {
                    panel.fake().advance_clock(Duration::from_millis(by as u64));
                }
            }
            "daily_job" | "hourly_job" | "nodes" | "expire_tokens" | "clear_faults"
            | "add_traffic" => {
                if !self.is_fake() {
                    return fake_only();
                }
                for which in [Which::Rust, Which::Php] {
                    let forward = match (event, &step.forward) {
                        ("add_traffic", Some(name)) => {
                            self.forward_text(which, service, name).await.parse().ok()
                        }
                        _ => None,
                    };
                    let panel = self.side(which).0.fake();
                    match event {
                        "daily_job" => panel.run_daily_job(),
                        "hourly_job" => panel.run_hourly_job(),
                        "nodes" => panel.set_nodes_online(step.online.unwrap_or(true)),
                        "expire_tokens" => panel.expire_tokens(),
                        "clear_faults" => panel.clear_faults(),
                        _ => panel.add_traffic(
                            ForwardId(forward.ok_or("add_traffic needs a forward")?),
                            step.up.unwrap_or(0),
                            step.down.unwrap_or(0),
                        ),
                    }
                }
            }
            "server_down" => self.down = Some(closed_port()),
            "delete_user" | "create_user" => {
                for which in [Which::Rust, Which::Php] {
                    let (_, whmcs, _, admin) = self.side(which);
                    let name = step
                        .name
                        .clone()
                        .unwrap_or_else(|| whmcs.svc(service).username());
                    if event == "delete_user" {
                        let user = flvx_api::recipes::find_user_by_name(admin, &name)
                            .await
                            .map_err(|e| e.to_string())?
                            .ok_or_else(|| format!("no panel user {name} to delete"))?;
                        admin
                            .delete_user(user.id)
                            .await
                            .map_err(|e| e.to_string())?;
                    } else {
                        let user = NewUser {
                            user: name,
                            password: "Someone-else-1".into(),
                            flow: Gib::new(10).expect("10 GiB"),
                            num: 1,
                            exp_time: EpochMs(self.now + 100 * DAY_MS),
                            flow_reset_time: ResetDay::NEVER,
                            status: Status::Enabled,
                            group_ids: None,
                            max_conn: None,
                            quota_limits: Default::default(),
                        };
                        admin.create_user(&user).await.map_err(|e| e.to_string())?;
                    }
                }
            }
            "rename_user" | "panel_password" => {
                // The service's customer renames its own panel user or changes its
                // password on the panel (user/updatePassword takes both).
                for which in [Which::Rust, Which::Php] {
                    let (_, whmcs, _, admin) = self.side(which);
                    let from = whmcs.svc(service).username();
                    let user = flvx_api::recipes::find_user_by_name(admin, &from)
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("no panel user {from} to change"))?;
                    let mut update = flvx_api::models::UserUpdate::from_user(&user);
                    if event == "rename_user" {
                        update.user = step.name.clone().ok_or("rename_user needs a name")?;
                    } else {
                        let password = step
                            .password
                            .clone()
                            .ok_or("panel_password needs a password")?;
                        update.password = Some(password.into());
                    }
                    admin
                        .update_user(&update)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            "customer_login" => {
                // The service's customer tries the password WHMCS shows on the panel's
                // own login: `expect` is `success` or `refused`.
                let want = step
                    .expect
                    .as_deref()
                    .ok_or("customer_login needs expect")?;
                for which in [Which::Rust, Which::Php] {
                    let (_, whmcs, _, admin) = self.side(which);
                    let svc = whmcs.svc(service);
                    let customer = admin.acting_as(flvx_api::Credentials::password(
                        svc.username(),
                        svc.password.clone(),
                    ));
                    let got = match customer.package().await {
                        Ok(_) => "success",
                        Err(_) => "refused",
                    };
                    if got != want {
                        return Err(format!(
                            "{which:?}: the customer's login: {got}, not {want}"
                        ));
                    }
                }
            }
            "panel_forward" => {
                // The service's customer adds a forward on the panel itself, past the
                // module's checks (`post`: tunnel_id, name, target, optional port).
                let post = step.post.clone().ok_or("panel_forward needs post")?;
                let field = |k: &str| post.get(k).cloned().unwrap_or_default();
                for which in [Which::Rust, Which::Php] {
                    let (_, whmcs, ids, admin) = self.side(which);
                    let svc = whmcs.svc(service);
                    let customer = admin.acting_as(flvx_api::Credentials::password(
                        svc.username(),
                        svc.password.clone(),
                    ));
                    let tunnel = ids
                        .resolve(&field("tunnel_id"))
                        .parse()
                        .map_err(|_| "tunnel id")?;
                    let forward = flvx_api::models::NewForward {
                        tunnel_id: flvx_api::ids::TunnelId(tunnel),
                        name: field("name"),
                        remote_addr: field("target"),
                        in_port: field("port").parse().ok(),
                        strategy: None,
                    };
                    customer
                        .create_forward(&forward)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            "panel_resume" => {
                // Someone with the admin login resumes a forward on the panel.
                let name = step.forward.clone().ok_or("panel_resume needs a forward")?;
                for which in [Which::Rust, Which::Php] {
                    let id = self.forward_text(which, service, &name).await;
                    let id = ForwardId(id.parse().map_err(|_| "forward id")?);
                    let (_, _, _, admin) = self.side(which);
                    admin
                        .resume_forwards(&[id])
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            "server_sync_import" => {
                let name = step.name.clone().ok_or("server_sync_import needs a name")?;
                let password = step
                    .password
                    .clone()
                    .ok_or("server_sync_import needs a password")?;
                for whmcs in [&mut self.rust_whmcs, &mut self.php_whmcs] {
                    let svc = whmcs.svc_mut(service);
                    svc.username_field = Some(name.clone());
                    svc.password = password.clone();
                    svc.status = "Active".into();
                }
            }
            "legacy_account" => {
                for which in [Which::Rust, Which::Php] {
                    let fields = match step.same_as {
                        Some(other) => self.side(which).1.svc(other).customfields.clone(),
                        None => self.legacy_account(which, step).await?,
                    };
                    let whmcs = match which {
                        Which::Rust => &mut self.rust_whmcs,
                        Which::Php => &mut self.php_whmcs,
                    };
                    let svc = whmcs.svc_mut(service);
                    svc.customfields = fields;
                    for (name, value) in step.fields.clone().unwrap_or_default() {
                        svc.customfields.insert(name, value);
                    }
                    svc.status = match step.suspended {
                        Some(true) => "Suspended".into(),
                        _ => "Active".into(),
                    };
                }
            }
            other => return Err(format!("unknown event {other}")),
        }
        Ok(())
    }

    /// What the 1.0 module's CreateAccount left on one side: a panel user with its own
    /// name and random password, one binding (disabled when it suspended the service), and
    /// the five custom fields. Returns the fields.
    async fn legacy_account(
        &self,
        which: Which,
        step: &Step,
    ) -> Result<std::collections::BTreeMap<String, String>, String> {
        let (_, _, ids, admin) = self.side(which);
        let name = step.name.clone().ok_or("legacy_account needs a name")?;
        let password = step
            .password
            .clone()
            .ok_or("legacy_account needs a password")?;
        let tunnel = ids.resolve(step.tunnel.as_deref().unwrap_or("t1"));
        let tunnel = flvx_api::ids::TunnelId(tunnel.parse().map_err(|_| "unknown tunnel")?);
        let expiry = EpochMs(self.now + 30 * DAY_MS);
        let user = NewUser {
            user: name.clone(),
            password: password.clone().into(),
            flow: Gib::new(100).expect("100 GiB"),
            num: 10,
            exp_time: expiry,
            flow_reset_time: ResetDay::NEVER,
            status: Status::Enabled,
            group_ids: None,
            max_conn: None,
            quota_limits: Default::default(),
        };
        admin.create_user(&user).await.map_err(|e| e.to_string())?;
        let user = flvx_api::recipes::find_user_by_name(admin, &name)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the 1.0 user was not created")?;
        let assign = flvx_api::models::BindingAssign {
            user_id: user.id,
            tunnel_id: tunnel,
            flow: Gib::new(100).expect("100 GiB"),
            num: 10,
            exp_time: expiry,
            flow_reset_time: ResetDay::NEVER,
            status: match step.suspended {
                Some(true) => Status::Disabled,
                _ => Status::Enabled,
            },
            speed_id: None,
        };
        admin
            .assign_binding(&assign)
            .await
            .map_err(|e| e.to_string())?;
        let binding = admin
            .list_bindings(user.id)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|b| b.tunnel_id == tunnel)
            .ok_or("the 1.0 binding was not created")?;
        Ok([
            ("flvx_user_id", user.id.to_string()),
            ("flvx_username", name),
            ("flvx_password", password),
            ("flvx_tunnel_id", tunnel.to_string()),
            ("flvx_user_tunnel_id", binding.id.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect())
    }

    /// Injects a fault into both fake panels.
    pub fn fault(&mut self, step: &Step) {
        let kind = step.fault.as_deref().unwrap_or("");
        let fault = fault_of(kind, step.message.as_deref());
        for which in [Which::Rust, Which::Php] {
            let (panel, _, ids, _) = self.side(which);
            let mut rule = FaultRule::new(fault.clone())
                .after(step.after.unwrap_or(0))
                .times(step.times.unwrap_or(1));
            if let Some(path) = &step.path {
                rule = rule.on(format!("/api/v1/{path}"));
            }
            for (key, value) in step.body.iter().flatten() {
                let value = ids.resolve(value);
                let value = value
                    .parse::<i64>()
                    .map_or(Value::String(value), Value::from);
                rule = rule.when_body(key.as_str(), value);
            }
            panel.fake().inject(rule);
        }
    }

    /// Removes every panel user whose name starts with `prefix`, their forwards first.
    pub async fn cleanup_live(&self, prefixes: &[&str]) -> Result<usize, String> {
        let admin = &self.php_admin;
        let ours = |name: &str| prefixes.iter().any(|p| name.starts_with(p));
        let forwards: Vec<ForwardId> = admin
            .list_forwards()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|f| f.user_name.as_deref().is_some_and(ours))
            .map(|f| f.id)
            .collect();
        if !forwards.is_empty() {
            admin
                .delete_forwards(&forwards)
                .await
                .map_err(|e| e.to_string())?;
        }
        let users: Vec<UserId> = admin
            .list_users(None)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|u| ours(&u.user))
            .map(|u| u.id)
            .collect();
        for user in &users {
            admin.delete_user(*user).await.map_err(|e| e.to_string())?;
        }
        Ok(users.len())
    }
}

/// The fault a scenario names.
pub fn fault_of(kind: &str, message: Option<&str>) -> Fault {
    match kind {
        "html502" => Fault::Html502,
        "malformed_json" => Fault::MalformedJson,
        "oversized" => Fault::Oversized,
        "internal_error" => Fault::InternalError(message.unwrap_or("数据库错误").to_owned()),
        "expired_token" => Fault::ExpiredToken,
        "token_refused" => Fault::TokenRefused,
        "timeout" => Fault::Latency(Duration::from_millis(LATENCY_MS)),
        "slow" => Fault::Latency(Duration::from_millis(SLOW_MS)),
        "connection_drop" => Fault::ConnectionDrop,
        other => panic!("unknown fault {other}"),
    }
}

/// Why rendered HTML is unsafe: markup from the data printed raw.
pub fn escaping_problem(html: &str, result: &Value) -> Option<String> {
    if html.to_ascii_lowercase().contains("<script") {
        return Some("a <script> tag reached the page unescaped".into());
    }
    if result.to_string().contains(HOSTILE)
        && !html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    {
        return Some("the hostile name is missing from the page (not escaped as text)".into());
    }
    None
}

/// A step in a few words, for messages.
pub fn describe(step: &Step) -> String {
    if let Some(a) = &step.action {
        return a.clone();
    }
    if let Some(e) = &step.event {
        return format!("event {e}");
    }
    if let Some(steps) = &step.together {
        let names: Vec<String> = steps.iter().map(describe).collect();
        return format!("together: {}", names.join(" + "));
    }
    format!(
        "fault {} on {}",
        step.fault.as_deref().unwrap_or("?"),
        step.path.as_deref().unwrap_or("any path")
    )
}

/// `path body` of each call, one per line.
pub fn summary(calls: &[Value]) -> String {
    calls
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c[1].as_str().unwrap_or("?").trim_start_matches("/api/v1/"),
                c[2]
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Where two JSON values first differ, with both values there.
pub fn first_difference(a: &Value, b: &Value) -> String {
    fn walk(a: &Value, b: &Value, path: String) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys()) {
                    let (p, q) = (
                        x.get(key).unwrap_or(&Value::Null),
                        y.get(key).unwrap_or(&Value::Null),
                    );
                    if let Some(d) = walk(p, q, format!("{path}.{key}")) {
                        return Some(d);
                    }
                }
                None
            }
            (Value::Array(x), Value::Array(y)) => {
                for i in 0..x.len().max(y.len()) {
                    let (p, q) = (
                        x.get(i).unwrap_or(&Value::Null),
                        y.get(i).unwrap_or(&Value::Null),
                    );
                    if let Some(d) = walk(p, q, format!("{path}[{i}]")) {
                        return Some(d);
                    }
                }
                None
            }
            _ if a == b => None,
            _ => Some(format!("at {path}: Rust {a}, PHP {b}")),
        }
    }
    walk(a, b, String::new()).unwrap_or_else(|| "(no difference)".into())
}

/// A password as the stub WHMCS's `encrypt()` keeps it (`tests/php/bootstrap.php`).
fn whmcs_encrypted(password: &str) -> String {
    use base64::Engine as _;
    format!(
        "enc:{}",
        base64::engine::general_purpose::STANDARD.encode(password)
    )
}
