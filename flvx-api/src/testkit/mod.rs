//! A stateful fake FLVX panel for tests and examples (feature `testkit`).
//!
//! [`FakePanel`] is an in-process HTTP server (wiremock) that behaves like a fresh FLVX
//! panel, following the contract in `flvx-api.md`: HTTP 200 envelopes, raw-token auth with
//! 401/403 in the body, strict and lenient bodies, full-replace updates with their defaults,
//! creates that return no id, `tunnel/user/list` reporting status 1, upserting assign,
//! forwards owned by their creator, no pagination. It keeps its state as JSON-level rows,
//! independent of the SDK's models, so it can catch SDK mistakes.
//!
//! Tests can seed what the API cannot create (tunnels, speed limits, groups), simulate
//! traffic, run the daily job, move the clock, take nodes offline, inject faults, and read
//! back a journal of requests and a snapshot of the database.
//!
//! ```no_run
//! # async fn demo() {
//! use flvx_api::testkit::{FakePanel, Fault, FaultRule};
//! use flvx_api::endpoints::USER_LIST;
//!
//! let panel = FakePanel::start().await;
//! let tunnel = panel.add_tunnel("HK-SG");
//! panel.inject(FaultRule::new(Fault::Html502).on(USER_LIST.path));
//! // ... point a client at panel.url() and log in as FakePanel::ADMIN_USER ...
//! # let _ = tunnel;
//! # }
//! ```
//!
//! Not modelled: endpoints outside the SDK's endpoint table (they answer Go's plain-text
//! 404 after the auth check) except `captcha/verify`; group permissions and the bindings
//! they grant; hourly statistics (`statisticsFlows` is always empty); more than one node
//! (every tunnel enters through one node, [`FakePanel::NODE_NAME`]); node port ranges;
//! orphaned node services after database-only deletes; time zones (the daily job uses UTC).

mod auth;
mod clock;
mod decode;
mod envelope;
mod faults;
mod handlers;
mod journal;
mod policy;
mod responder;
mod snapshot;
mod state;
mod tokens;

pub use faults::{Fault, FaultRule};
pub use journal::{Identity, JournalEntry};

use crate::ids::{ForwardId, SpeedLimitId, TunnelGroupId, TunnelId, UserGroupId};
use crate::units::Mbps;
use responder::{DropMatcher, PanelResponder, Shared, lock};
use state::{Group, SpeedLimit, State, Tunnel};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, matchers::any};

/// How to create a tunnel with [`FakePanel::add_tunnel_with`].
///
/// The tunnel is always a port-forward tunnel (type 1) entering through the fake node.
#[derive(Debug, Clone, PartialEq)]
pub struct TunnelSpec {
    /// Tunnel name.
    pub name: String,
    /// The tunnel's `in_ip` (a comma-joined IP list) shown in forward addresses; `None`
    /// makes forwards show the node's IP instead.
    pub in_ip: Option<String>,
    /// The accounting multiplier, 1 (one-way) or 2 (two-way): both directions are
    /// multiplied by it (contract §4.1).
    pub flow_multiplier: u8,
    /// The traffic ratio applied to reported bytes before the multiplier.
    pub traffic_ratio: f64,
    /// Whether the tunnel is enabled (status 1); a disabled tunnel refuses new forwards.
    pub enabled: bool,
}

impl TunnelSpec {
    /// An enabled tunnel named `name`, in IP `203.0.113.10`, multiplier 1, ratio 1.0.
    pub fn new(name: impl Into<String>) -> Self {
        TunnelSpec {
            name: name.into(),
            in_ip: Some("203.0.113.10".into()),
            flow_multiplier: 1,
            traffic_ratio: 1.0,
            enabled: true,
        }
    }
}

/// A running fake FLVX panel. Dropping it stops the server.
pub struct FakePanel {
    server: MockServer,
    state: Shared,
}

impl std::fmt::Debug for FakePanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakePanel")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

impl FakePanel {
    /// The seeded admin's username.
    pub const ADMIN_USER: &'static str = "admin_user";
    /// The seeded admin's password.
    pub const ADMIN_PASSWORD: &'static str = "admin_user";
    /// The name of the node every tunnel enters through, as it appears in node errors
    /// (`"节点 node-1 下发失败: 节点不在线"`).
    pub const NODE_NAME: &'static str = state::NODE_NAME;

    /// Starts a fresh panel on a random loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start() -> FakePanel {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        match FakePanel::start_on(addr).await {
            Ok(panel) => panel,
            Err(e) => panic!("fake FLVX panel: cannot bind a loopback port: {e}"),
        }
    }

    /// Starts a fresh panel listening on `addr` (port 0 picks a free port).
    pub async fn start_on(addr: SocketAddr) -> io::Result<FakePanel> {
        let listener = TcpListener::bind(addr)?;
        let server = MockServer::builder()
            .listener(listener)
            .disable_request_recording()
            .start()
            .await;
        let state: Shared = Arc::new(Mutex::new(State::new()));
        Mock::given(DropMatcher(state.clone()))
            .respond_with_err(|_: &wiremock::Request| {
                io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "fake FLVX panel: injected connection drop",
                )
            })
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(PanelResponder(state.clone()))
            .with_priority(2)
            .mount(&server)
            .await;
        Ok(FakePanel { server, state })
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Adds an enabled port-forward tunnel with the [`TunnelSpec::new`] defaults.
    pub fn add_tunnel(&self, name: impl Into<String>) -> TunnelId {
        self.add_tunnel_with(TunnelSpec::new(name))
    }

    /// Adds a tunnel as described.
    pub fn add_tunnel_with(&self, spec: TunnelSpec) -> TunnelId {
        let mut st = lock(&self.state);
        st.seq.tunnel += 1;
        let id = st.seq.tunnel;
        let tunnel = Tunnel {
            id,
            inx: st.next_tunnel_inx(),
            name: spec.name,
            kind: 1,
            flow: i64::from(spec.flow_multiplier),
            traffic_ratio: spec.traffic_ratio,
            status: i64::from(spec.enabled),
            created_time: st.now(),
            in_ip: spec.in_ip,
        };
        st.tunnels.insert(id, tunnel);
        TunnelId(id)
    }

    /// Adds a speed limit of `speed` on `tunnel` (its name is copied, as the panel does).
    pub fn add_speed_limit(
        &self,
        name: impl Into<String>,
        tunnel: TunnelId,
        speed: Mbps,
    ) -> SpeedLimitId {
        let mut st = lock(&self.state);
        st.seq.speed_limit += 1;
        let id = st.seq.speed_limit;
        let now = st.now();
        let tunnel_name = st
            .tunnels
            .get(&tunnel.0)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        st.speed_limits.insert(
            id,
            SpeedLimit {
                id,
                name: name.into(),
                speed: i64::from(speed.0),
                tunnel_id: tunnel.0,
                tunnel_name,
                status: 1,
                created_time: now,
                updated_time: Some(now),
            },
        );
        SpeedLimitId(id)
    }

    /// Adds a user group (users join it through `groupIds` on `user/create|update`).
    pub fn add_user_group(&self, name: impl Into<String>) -> UserGroupId {
        let mut st = lock(&self.state);
        st.seq.user_group += 1;
        let id = st.seq.user_group;
        let group = Group {
            id,
            name: name.into(),
            status: 1,
            created_time: st.now(),
            members: Vec::new(),
        };
        st.user_groups.insert(id, group);
        UserGroupId(id)
    }

    /// Adds a tunnel group (without members).
    pub fn add_tunnel_group(&self, name: impl Into<String>) -> TunnelGroupId {
        self.add_tunnel_group_with(name, &[])
    }

    /// Adds a tunnel group with these member tunnels.
    pub fn add_tunnel_group_with(
        &self,
        name: impl Into<String>,
        tunnels: &[TunnelId],
    ) -> TunnelGroupId {
        let mut st = lock(&self.state);
        st.seq.tunnel_group += 1;
        let id = st.seq.tunnel_group;
        let group = Group {
            id,
            name: name.into(),
            status: 1,
            created_time: st.now(),
            members: tunnels.iter().map(|t| t.0).collect(),
        };
        st.tunnel_groups.insert(id, group);
        TunnelGroupId(id)
    }

    /// Turns the login captcha on or off (`captcha_enabled`). When on, login needs a
    /// `captchaId` previously marked by `POST /api/v1/captcha/verify {"id":…,"data":"ok"}`.
    pub fn set_captcha(&self, enabled: bool) {
        lock(&self.state).captcha_enabled = enabled;
    }

    /// Brings the node online or offline. Offline, forward create/update/delete/pause/
    /// resume fail with the node's message and change nothing.
    pub fn set_nodes_online(&self, online: bool) {
        lock(&self.state).nodes_online = online;
    }

    /// Every request received so far, faulted ones included, oldest first.
    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.state).journal.clone()
    }

    /// Forgets the journal.
    pub fn clear_journal(&self) {
        lock(&self.state).journal.clear();
    }

    /// How many journaled requests went to `path`.
    pub fn requests_to(&self, path: &str) -> usize {
        lock(&self.state)
            .journal
            .iter()
            .filter(|e| e.path == path)
            .count()
    }

    /// Adds a fault rule. Rules are tried in the order they were injected.
    pub fn inject(&self, rule: FaultRule) {
        lock(&self.state).faults.inject(rule);
    }

    /// Removes every fault rule not yet used up.
    pub fn clear_faults(&self) {
        lock(&self.state).faults.clear();
    }

    /// Makes every token issued so far invalid (as if they had expired).
    pub fn expire_tokens(&self) {
        lock(&self.state).tokens.expire_all();
    }

    /// Simulates a node traffic report for a forward: `up` and `down` bytes are scaled by
    /// the tunnel (ratio, then multiplier), added to the forward, its owner and the binding
    /// its node service names, and the quota/expiry/status policy runs (contract §4.1–4.2).
    /// Unknown forwards are ignored.
    pub fn add_traffic(&self, forward: ForwardId, up: u64, down: u64) {
        lock(&self.state).add_traffic(forward.0, up, down);
    }

    /// Runs the panel's daily job now: monthly counter reset for today's reset day, then
    /// expiry of users and bindings (status 0, running forwards paused) (contract §4.4).
    pub fn run_daily_job(&self) {
        lock(&self.state).run_daily_job();
    }

    /// Moves the panel's clock forward. Token expiry, defaults such as "now + 365 days",
    /// `ts`, expiry checks and the daily job all use this clock.
    pub fn advance_clock(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        lock(&self.state).clock.advance_ms(ms);
    }

    /// The panel's current time in milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        lock(&self.state).now()
    }

    /// The database as JSON, for state assertions: `users` (admin included, with `pwd` and
    /// `groupIds`), `bindings` (with their real `status`) and `forwards` (with `nodeRunning`,
    /// whether the node runs the service, and `serviceBindingId`). Ordered by id, keys sorted.
    pub fn snapshot(&self) -> serde_json::Value {
        lock(&self.state).snapshot()
    }
}
