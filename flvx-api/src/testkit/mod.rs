//! A stateful fake FLVX panel for tests and examples (feature `testkit`).
//!
//! [`FakePanel`] is an in-process HTTP server (wiremock) that behaves like a fresh FLVX
//! panel of one release line, chosen at start ([`FakePanel::start_version`]; the default
//! [`FakePanel::start`] is 2.1). It keeps its state as JSON-level rows, independent of the
//! SDK's models, so it can catch SDK mistakes.
//!
//! Tests can seed what the API cannot create (tunnels, speed limits, groups, config rows),
//! simulate traffic, run the daily job, move the clock, take the node offline, inject
//! faults, and read back a journal of requests and a snapshot of the database.
//!
//! ```no_run
//! # async fn demo() {
//! use flvx_api::testkit::{FakePanel, Fault, FaultRule};
//! use flvx_api::endpoints::USER_LIST;
//! use flvx_api::version::PanelVersion;
//!
//! let panel = FakePanel::start_version(PanelVersion::V3_0).await;
//! let tunnel = panel.add_tunnel("HK-SG");
//! panel.inject(FaultRule::new(Fault::Html502).on(USER_LIST.path));
//! // ... point a client at panel.url() and log in as FakePanel::ADMIN_USER ...
//! # let _ = tunnel;
//! # }
//! ```
//!
//! # The 2.1 profile
//! The contract in `flvx_api::panel_behaviour` (backend `088027d`, 2.1.5-alpha6): HTTP 200 envelopes,
//! raw-token auth with 401/403 in the body, 90-day tokens the database never revokes,
//! captcha on whenever `captcha_enabled=true` (no API-client header), strict and lenient
//! bodies, full-replace updates with their defaults, creates that return no id,
//! `tunnel/user/list` reporting status 1, upserting assign, forwards owned by their
//! creator, `num` never enforced, pushes that restart paused forwards on the node, node
//! commands failing while the node is offline, the daily job expiring `expTime` 0, no
//! pagination. The 3.0-only paths answer Go's 404 after the auth check.
//!
//! # The 3.0 profile
//! The delta in `flvx_api::panel_behaviour` (EchoHS `b8af12a`, 3.0.1-beta3): 7-day tokens with `iat_ms`,
//! checked against the database on every call; captcha only with both Turnstile keys, and
//! the `X-FLVX-API-Client` bypass; bcrypt's 72-byte limit; `maxConn` and daily/monthly
//! quotas; newest-first lists; the create/resume gate with `num` enforced; the SSRF
//! filter; port-range and port-conflict checks; customer speed-limit refusals; the new
//! forward columns; batch `failures`; offline nodes skipped (with `data.warnings` on the
//! updates) and redeployed on reconnect; pushes that keep paused forwards paused; real
//! binding status, `-2 "sql: no rows in result set"` and destructive `tunnel/user/remove`;
//! tunnel-less speed limits; the quota daily job; `user/quota/reset`, `forward/reset-flow`
//! and `public/config/get`; and a licence block that is *not* from the source (see
//! [`FakePanel::set_licence_active`]).
//!
//! # Not modelled
//! Endpoints outside the SDK's endpoint table (they answer Go's plain-text 404 after the
//! auth check) except `captcha/verify`, so neither `config/get` nor `user/updatePassword`;
//! group permissions and the bindings they grant; hourly statistics (`statisticsFlows` is
//! always empty); more than one node (every tunnel enters through one node,
//! [`FakePanel::NODE_NAME`]); orphaned node services after database-only deletes; time
//! zones (the daily job and the quota windows use UTC); legacy MD5 passwords and their
//! re-hash; Cloudflare Turnstile (a configured secret makes every captcha fail); real DNS
//! (see [`FakePanel::set_allow_local_remote_addr`]); `inIp` listen addresses; the
//! connection and speed limiters themselves (only the warnings they cause).

mod auth;
mod binding_keys;
mod clock;
mod config;
mod decode;
mod envelope;
mod faults;
mod gate;
mod handlers;
mod hourly;
mod journal;
mod licence;
mod node;
mod policy;
mod profile;
mod quota;
mod responder;
mod rtt_proxy;
mod snapshot;
mod ssrf;
mod state;
mod tokens;

pub use binding_keys::BindingKeys;
pub use faults::{Fault, FaultRule};
pub use journal::{Identity, JournalEntry};
pub use rtt_proxy::RttProxy;

use crate::ids::{ForwardId, SpeedLimitId, TunnelGroupId, TunnelId, UserGroupId, UserId};
use crate::units::Mbps;
use crate::version::PanelVersion;
use profile::Profile;
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
    /// multiplied by it (panel behaviour §4.1).
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

    /// Starts a fresh 2.1 panel on a random loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start() -> FakePanel {
        FakePanel::start_version(PanelVersion::V2_1).await
    }

    /// Starts a fresh panel of this line on a random loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start_version(version: PanelVersion) -> FakePanel {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        match FakePanel::start_on_version(addr, version).await {
            Ok(panel) => panel,
            Err(e) => panic!("fake FLVX panel: cannot bind a loopback port: {e}"),
        }
    }

    /// Starts a fresh 2.1 panel listening on `addr` (port 0 picks a free port).
    pub async fn start_on(addr: SocketAddr) -> io::Result<FakePanel> {
        FakePanel::start_on_version(addr, PanelVersion::V2_1).await
    }

    /// Starts a fresh panel of this line listening on `addr` (port 0 picks a free port).
    pub async fn start_on_version(
        addr: SocketAddr,
        version: PanelVersion,
    ) -> io::Result<FakePanel> {
        let listener = TcpListener::bind(addr)?;
        let server = MockServer::builder()
            .listener(listener)
            .disable_request_recording()
            .start()
            .await;
        let state: Shared = Arc::new(Mutex::new(State::new(Profile::of(version))));
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

    /// The release line this panel behaves as.
    pub fn version(&self) -> PanelVersion {
        lock(&self.state).profile.version
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
    /// On 3.0 limits belong to no tunnel, and `tunnel` only matters to 2.1 lists.
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

    /// Sets `captcha_enabled` to `"true"` or `"false"`. On 2.1 that alone turns the login
    /// captcha on, and login then needs a `captchaId` previously marked by
    /// `POST /api/v1/captcha/verify {"id":…,"data":"ok"}`. On 3.0 captcha is on only if
    /// `cloudflare_site_key` and `cloudflare_secret_key` are set too ([`Self::set_config`]);
    /// then no captcha can pass (there is no Cloudflare), and only the
    /// `X-FLVX-API-Client: whmcs` header gets a login through.
    pub fn set_captcha(&self, enabled: bool) {
        self.set_config("captcha_enabled", if enabled { "true" } else { "false" });
    }

    /// Inserts or updates a `vite_config` row (`public/config/get` serves `app_name`,
    /// `app_logo`, `app_favicon`, `app_bg_image` and `cloudflare_site_key`; the panel seeds
    /// `app_name = flux`).
    pub fn set_config(&self, name: &str, value: &str) {
        let mut st = lock(&self.state);
        let now = st.now();
        st.configs.set(name, value, now);
    }

    /// 3.0: sets `allow_local_remote_addr`, which turns the customers' SSRF filter off.
    ///
    /// The filter resolves no real names: `localhost` is 127.0.0.1; names ending in
    /// `.invalid`, and numeric shorthands such as `127.1`, do not resolve; every other name
    /// resolves to the public 192.0.2.1.
    pub fn set_allow_local_remote_addr(&self, allow: bool) {
        self.set_config(
            "allow_local_remote_addr",
            if allow { "true" } else { "false" },
        );
    }

    /// Brings the node online or offline. Offline, on 2.1 forward create/update/delete/
    /// pause/resume fail with the node's message and change nothing; on 3.0 they succeed
    /// without reaching the node (updates report `data.warnings`), and bringing the node
    /// back redeploys every forward from the database.
    pub fn set_nodes_online(&self, online: bool) {
        lock(&self.state).set_nodes_online(online);
    }

    /// Sets the node's port range (default 10000-65535): automatic ports are picked from
    /// it, and on 3.0 an `inPort` outside it is refused.
    pub fn set_node_port_range(&self, min: u16, max: u16) {
        lock(&self.state).port_range = (i64::from(min), i64::from(max));
    }

    /// 3.0 only: with `false`, every node, tunnel (bindings included), forward,
    /// speed-limit and group path answers `{code:451, msg:"需要商业版授权"}` after the auth
    /// check, until set back to `true` (the default).
    ///
    /// This is **not** the panel's behaviour: FLVX 3.0 (EchoHS `b8af12a`) has no code 451;
    /// an inactive licence only refuses the branding keys of `config/update` with
    /// `-1 "需要商业版授权"`. It exists so that integrations can test how they handle a
    /// licence block a commercial build might add.
    pub fn set_licence_active(&self, active: bool) {
        lock(&self.state).licence_active = active;
    }

    /// A token for `user` as anyone holding the panel's `JWT_SECRET` could mint it: issued
    /// now, valid for `lifetime`, with an `iat_ms` claim of `iat_ms` if given. 2.1 accepts
    /// it until it expires; 3.0 also needs `iat_ms` later than the user's last password
    /// change, so a token without one (every 2.1 token) is refused.
    pub fn mint_token(&self, user: UserId, iat_ms: Option<i64>, lifetime: Duration) -> String {
        let mut st = lock(&self.state);
        let now = st.now();
        let lifetime = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX / 2);
        st.mint(user.0, now, iat_ms, lifetime)
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
    /// its node service names, and the quota/expiry/status policy runs (panel behaviour §4.1–4.2).
    /// On 3.0 the bytes also count against the owner's daily and monthly quota, which
    /// pauses all of the owner's active forwards when reached. Unknown forwards are ignored.
    pub fn add_traffic(&self, forward: ForwardId, up: u64, down: u64) {
        lock(&self.state).add_traffic(forward.0, up, down);
    }

    /// Runs the panel's daily job now: monthly counter reset for today's reset day, on 3.0
    /// the quota window roll and release, then expiry of users and bindings (status 0,
    /// running forwards paused) (panel behaviour §4.4, panel behaviour §4.4).
    pub fn run_daily_job(&self) {
        lock(&self.state).run_daily_job();
    }

    /// Runs the panel's hourly statistics job now: one `statisticsFlows` row per user
    /// (the traffic since the previous row, stamped with the full hour), rows older than
    /// 48 h purged (panel behaviour §4.6). The real panel runs it at every full hour; tests
    /// run it where an hour ends.
    pub fn run_hourly_job(&self) {
        lock(&self.state).run_hourly_job();
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
    /// A 3.0 panel adds `maxConn` and `passwordChangedAt` to users, `speedId`, `ipSpeedId`,
    /// `maxConn`, `ipMaxConn` and `proxyProtocol*` to forwards, and a `quotas` table
    /// (`userId`, limits, usage, window keys, `disabledByQuota`, `disabledAt`,
    /// `pausedForwardIds`; windows as stored, not rolled). A 2.1 snapshot has none of them.
    pub fn snapshot(&self) -> serde_json::Value {
        lock(&self.state).snapshot()
    }

    /// What every binding id this panel ever gave out stands for (removed bindings too),
    /// to compare panels that made the same bindings in another order.
    pub fn binding_keys(&self) -> BindingKeys {
        BindingKeys::from_history(lock(&self.state).binding_history.clone())
    }
}
