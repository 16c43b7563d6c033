//! Shared fixtures for the engine's integration tests: a fresh fake panel with tunnels and
//! speed limits, an engine on it, plans and services, and readers for the panel's state.
//!
//! Included by every test file with `mod common;`; not every file uses every helper.
//!
//! The world's store is a [`MemoryStore`](flvx_provision::MemoryStore), except in test
//! binaries whose name ends in `_sqlite`: they include a test file again with `#[path]`
//! (see `lifecycle_sqlite.rs`) and run all of it on a fresh SQLite file per world.
#![allow(dead_code)]

pub mod stores;

use flvx_api::endpoints;
use flvx_api::ids::BindingId;
use flvx_api::ids::{ForwardId, SpeedLimitId, TunnelId, UserId};
use flvx_api::models::UserUpdate;
use flvx_api::testkit::{FakePanel, JournalEntry};
use flvx_api::units::{EpochMs, Mbps};
use flvx_api::{Credentials, FlvxApi, FlvxClient, PanelVersion};
use flvx_provision::dates::Date;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::policy::OfflineResolver;
use flvx_provision::{Engine, Plan, PlanInput, Service, ServiceRecord, ServiceStore};
use serde_json::Value;
use std::sync::Arc;
use stores::{ObservedStore, TestDb};

/// `(status, nodeRunning)` of a forward that runs, as [`World::forward_state`] gives it.
pub const RUNNING: (i64, bool) = (1, true);
/// `(status, nodeRunning)` of a forward paused in the panel and on the node.
pub const PAUSED: (i64, bool) = (0, false);

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;
/// The service id every test provisions (unless it needs several).
pub const SERVICE_ID: u64 = 42;
/// Its panel username with the default prefix.
pub const USERNAME: &str = "flvx42";
/// The service password WHMCS generated.
pub const PASSWORD: &str = "Cust0mer-pw";

/// A fresh fake panel of one FLVX line with three tunnels and two speed limits, an admin
/// client, a store and an engine.
pub struct World {
    pub version: PanelVersion,
    pub panel: FakePanel,
    pub admin: Arc<FlvxClient>,
    pub store: Arc<ObservedStore>,
    pub engine: Engine,
    /// The database behind `store` (removed when the world is dropped).
    pub db: TestDb,
    pub t1: TunnelId,
    pub t2: TunnelId,
    pub t3: TunnelId,
    pub s1: SpeedLimitId,
    pub s2: SpeedLimitId,
}

impl World {
    /// A world on this test binary's store (SQLite in `*_sqlite` binaries, memory
    /// otherwise) and a fake panel of the given line.
    pub async fn new(version: PanelVersion) -> World {
        World::on(version, TestDb::for_this_binary()).await
    }

    /// A world whose engine keeps its records in `db`.
    pub async fn on(version: PanelVersion, db: TestDb) -> World {
        let panel = FakePanel::start_version(version).await;
        let t1 = panel.add_tunnel("HK-1");
        let t2 = panel.add_tunnel("SG-1");
        let t3 = panel.add_tunnel("JP-1");
        let s1 = panel.add_speed_limit("100M", t1, Mbps(100));
        let s2 = panel.add_speed_limit("200M", t1, Mbps(200));
        let admin = Arc::new(client(
            &panel,
            FakePanel::ADMIN_USER,
            FakePanel::ADMIN_PASSWORD,
        ));
        let store = Arc::new(ObservedStore::new(db.open().await));
        let api: Arc<dyn FlvxApi> = admin.clone();
        let engine = Engine::new(api, store.clone()).with_resolver(Arc::new(OfflineResolver));
        World {
            version,
            panel,
            admin,
            store,
            engine,
            db,
            t1,
            t2,
            t3,
            s1,
            s2,
        }
    }

    /// A client logging in as `username` with `password`.
    pub fn client(&self, username: &str, password: &str) -> FlvxClient {
        client(&self.panel, username, password)
    }

    /// The stored record of `service` (empty when none was saved).
    pub fn record(&self, service: u64) -> ServiceRecord {
        self.store.get(service).unwrap_or_default()
    }

    /// Every journaled request except logins (the engine's "panel calls").
    pub fn calls(&self) -> Vec<JournalEntry> {
        self.panel
            .journal()
            .into_iter()
            .filter(|e| e.path != endpoints::USER_LOGIN.path)
            .collect()
    }

    /// Whether the panel is on the 3.0 line.
    pub fn v3(&self) -> bool {
        self.version >= PanelVersion::V3_0
    }

    /// The paths of [`World::calls`].
    pub fn call_paths(&self) -> Vec<String> {
        self.calls().into_iter().map(|e| e.path).collect()
    }

    /// The bodies sent to `path`, oldest first.
    pub fn bodies_to(&self, path: &str) -> Vec<Value> {
        self.panel
            .journal()
            .into_iter()
            .filter(|e| e.path == path)
            .map(|e| e.body.unwrap_or(Value::Null))
            .collect()
    }

    /// The database rows of one table of the snapshot.
    pub fn rows(&self, table: &str) -> Vec<Value> {
        self.panel.snapshot()[table]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The users named exactly `name`.
    pub fn users_named(&self, name: &str) -> Vec<Value> {
        self.rows("users")
            .into_iter()
            .filter(|u| u["user"] == name)
            .collect()
    }

    /// The single user named `name` (panics unless exactly one exists).
    pub fn user(&self, name: &str) -> Value {
        let users = self.users_named(name);
        assert_eq!(users.len(), 1, "users named {name}: {users:?}");
        users[0].clone()
    }

    /// The bindings of user `id`, by binding id.
    pub fn bindings_of(&self, id: UserId) -> Vec<Value> {
        self.rows("bindings")
            .into_iter()
            .filter(|b| b["userId"] == id.0)
            .collect()
    }

    /// The forwards of user `id`, by forward id.
    pub fn forwards_of(&self, id: UserId) -> Vec<Value> {
        self.rows("forwards")
            .into_iter()
            .filter(|f| f["userId"] == id.0)
            .collect()
    }

    /// The forward row `id`, if it exists.
    pub fn forward(&self, id: ForwardId) -> Option<Value> {
        self.rows("forwards").into_iter().find(|f| f["id"] == id.0)
    }

    /// `record` with its binding ids as what they stand for on this panel
    /// (`BindingKeys::id` of the testkit): the engine sends the assigns of several tunnels at once, so
    /// two worlds number the same bindings in different orders.
    pub fn comparable(&self, record: ServiceRecord) -> ServiceRecord {
        let keys = self.panel.binding_keys();
        let bindings = record
            .bindings
            .iter()
            .map(|(tunnel, id)| (*tunnel, BindingId(keys.id(id.0))))
            .collect();
        ServiceRecord { bindings, ..record }
    }

    /// The database without the wall-clock columns, to compare two panels that went through
    /// the same operations at slightly different moments; binding ids as what they stand
    /// for ([`World::comparable`]).
    pub fn state(&self) -> Value {
        let keys = self.panel.binding_keys();
        let mut snapshot = self.panel.snapshot();
        for table in ["users", "forwards", "bindings"] {
            if let Some(rows) = snapshot[table].as_array_mut() {
                for row in rows {
                    if let Some(row) = row.as_object_mut() {
                        row.remove("createdTime");
                        row.remove("updatedTime");
                        // 3.0's wall-clock column: an adoption after a lost create answer
                        // resends the password, a clean create does not.
                        row.remove("passwordChangedAt");
                    }
                }
            }
        }
        keys.state(snapshot)
    }

    /// Adds a forward as the customer through the engine.
    pub async fn add_forward(&self, service: &Service, tunnel: TunnelId, name: &str) -> ForwardId {
        let request = ForwardRequest {
            tunnel,
            name: name.into(),
            target: "198.51.100.7:443".into(),
            port: None,
        };
        match self.engine.add_forward(service, &request).await {
            Ok(forward) => forward.id,
            Err(e) => panic!("add_forward {name}: {e}"),
        }
    }

    /// Creates `service` and three customer forwards: `a` on the first tunnel and `b` on
    /// the second (running) and `c` on the first, paused by the customer through the engine.
    pub async fn provision_with_forwards(&self, service: &Service) -> Forwards {
        self.engine.create(service).await.expect("create");
        let tunnels = &service.plan.tunnels;
        let a = self.add_forward(service, tunnels[0], "a").await;
        let b = self.add_forward(service, tunnels[1], "b").await;
        let c = self.add_forward(service, tunnels[0], "c").await;
        self.engine
            .pause_forward(service, c)
            .await
            .expect("customer pause");
        Forwards { a, b, c }
    }

    /// The panel's current time.
    pub fn now(&self) -> EpochMs {
        EpochMs(self.panel.now_ms())
    }

    /// `service` as the billing system describes it at the panel's current time. Needed
    /// after [`World::expire`]: the engine decides from `Service::now` whether the expiry
    /// it pushed has passed, and only the panel's clock was moved.
    pub fn at_panel_now(&self, service: &Service) -> Service {
        Service {
            now: self.now(),
            ..service.clone()
        }
    }

    /// The paths of [`World::calls`] without the `/api/v1/` prefix, and without the requests
    /// whose token was refused: the SDK logs in again and repeats them (3.0 tokens last 7
    /// days, so tests that move the clock see this).
    pub fn short_paths(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|e| e.code != Some(401))
            .map(|e| e.path.trim_start_matches("/api/v1/").to_string())
            .collect()
    }

    /// `(status, nodeRunning)` of forward `id`: what the panel shows and what the node does.
    pub fn forward_state(&self, id: ForwardId) -> (i64, bool) {
        let row = match self.forward(id) {
            Some(row) => row,
            None => panic!("forward {id} does not exist"),
        };
        let running = match row["nodeRunning"].as_bool() {
            Some(running) => running,
            None => panic!("nodeRunning missing in {row}"),
        };
        (int(&row, "status"), running)
    }

    /// The `status` of every binding of user `id`, in binding order.
    pub fn binding_statuses(&self, id: UserId) -> Vec<i64> {
        self.bindings_of(id)
            .iter()
            .map(|b| int(b, "status"))
            .collect()
    }

    /// Changes panel user `name` as its customer can itself: `user/updatePassword` takes
    /// a new name and a new password.
    pub async fn change_user(&self, name: &str, change: impl FnOnce(&mut UserUpdate)) {
        let id = UserId(int(&self.user(name), "id"));
        let user = flvx_api::recipes::find_user(self.admin.as_ref(), id)
            .await
            .expect("list")
            .expect("the user");
        let mut update = UserUpdate::from_user(&user);
        change(&mut update);
        self.admin
            .update_user(&update)
            .await
            .expect("change the user");
    }

    /// Moves the panel's clock to one day after `service`'s expiry and runs the daily job.
    pub fn expire(&self, service: &Service) {
        let target = service.expiry().get() + DAY_MS;
        let by = target - self.panel.now_ms();
        assert!(by > 0, "the service is already expired");
        self.panel
            .advance_clock(std::time::Duration::from_millis(by as u64));
        self.panel.run_daily_job();
    }
}

/// The forwards [`World::provision_with_forwards`] makes.
#[derive(Debug, Clone, Copy)]
pub struct Forwards {
    pub a: ForwardId,
    pub b: ForwardId,
    pub c: ForwardId,
}

/// A client for `panel` logging in as `username`.
pub fn client(panel: &FakePanel, username: &str, password: &str) -> FlvxClient {
    FlvxClient::builder(panel.url(), Credentials::password(username, password))
        .build()
        .expect("client")
}

/// A due date `days` from today (UTC), with its midnight computed independently of the
/// engine's date code.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    pub date: Date,
    pub midnight_ms: i64,
}

impl Due {
    /// `days` from today, moved a day later when it falls on the 1st, so that the billing
    /// day never equals the panel's `flowResetTime` default.
    pub fn in_days(days: i64) -> Due {
        let now = EpochMs::now().get();
        let mut midnight_ms = (now + days * DAY_MS).div_euclid(DAY_MS) * DAY_MS;
        if Date::of(EpochMs(midnight_ms)).day() == 1 {
            midnight_ms += DAY_MS;
        }
        Due {
            date: Date::of(EpochMs(midnight_ms)),
            midnight_ms,
        }
    }

    /// The expiry the panel must get: the end of the last grace day.
    pub fn expiry_ms(&self, grace_days: i64) -> i64 {
        self.midnight_ms + (grace_days + 1) * DAY_MS
    }
}

/// The product options of a plan, by name.
#[derive(Debug, Clone)]
pub struct Opts {
    pub tunnels: String,
    pub quota: String,
    pub max: String,
    pub speed: String,
    pub grace: String,
    pub reset: String,
    pub prefix: String,
    pub terminate: String,
    /// The user group id (`0`: none).
    pub user_group: String,
    /// The FLVX 3.0 options: max connections, daily and monthly quota (empty: left to the
    /// panel), and whether customers may reset a forward's traffic (`yes`/`no`).
    pub max_connections: String,
    pub daily_quota: String,
    pub monthly_quota: String,
    pub forward_reset: String,
    /// The forward policy's options: allowed target networks and the entry-port range
    /// (empty: none).
    pub allowed_networks: String,
    pub entry_ports: String,
    /// Customer panel access (`yes`/`no`).
    pub panel_access: String,
}

impl Opts {
    /// Tunnels 1 and 2, 250 GiB, 3 forwards, speed limit 1, 3 grace days, billing-day reset.
    /// Every value differs from the panel's defaults (100 GiB, 10 forwards, reset day 1).
    pub fn standard(w: &World) -> Opts {
        Opts {
            tunnels: format!("{},{}", w.t1, w.t2),
            quota: "250".into(),
            max: "3".into(),
            speed: w.s1.to_string(),
            grace: "3".into(),
            reset: "billing_day".into(),
            prefix: "flvx".into(),
            terminate: "delete".into(),
            user_group: "0".into(),
            max_connections: String::new(),
            daily_quota: String::new(),
            monthly_quota: String::new(),
            forward_reset: "no".into(),
            allowed_networks: String::new(),
            entry_ports: String::new(),
            panel_access: "yes".into(),
        }
    }

    /// The WHMCS `configoptionN` values, in schema order.
    pub fn values(&self) -> Vec<String> {
        [
            self.tunnels.as_str(),
            &self.quota,
            &self.max,
            &self.speed,
            "0",
            "30",
            &self.grace,
            &self.reset,
            &self.prefix,
            &self.terminate,
            &self.user_group,
            &self.max_connections,
            &self.daily_quota,
            &self.monthly_quota,
            &self.forward_reset,
            &self.allowed_networks,
            &self.entry_ports,
            &self.panel_access,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    pub fn plan(&self) -> Plan {
        let input = PlanInput {
            product_options: self.values(),
            ..PlanInput::default()
        };
        match Plan::parse(&input) {
            Ok(plan) => plan,
            Err(e) => panic!("plan {self:?}: {e}"),
        }
    }

    /// A service on this plan.
    pub fn service(&self, id: u64, due: &Due) -> Service {
        Service {
            id,
            plan: self.plan(),
            due_date: Some(due.date),
            registered: Some(Date::of(EpochMs::now())),
            password: PASSWORD.into(),
            now: EpochMs::now(),
        }
    }
}

/// A shorthand for `store.load` through the trait, as the engine sees it.
pub async fn load(store: &dyn ServiceStore, id: u64) -> ServiceRecord {
    match store.load(id).await {
        Ok(stored) => stored.into_inner(),
        Err(e) => panic!("load {id}: {e}"),
    }
}

/// The `i64` of a JSON number field (panics if absent).
pub fn int(v: &Value, key: &str) -> i64 {
    match v[key].as_i64() {
        Some(n) => n,
        None => panic!("{key} missing in {v}"),
    }
}
