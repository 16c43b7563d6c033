//! The fake panel's database and runtime state, as plain rows.
//!
//! Rows mirror the panel's tables (panel behaviour §3) at the JSON level: ids are `i64`, times are
//! milliseconds, `flow` is GiB, counters are bytes. Nothing here knows the SDK's models.

use super::clock::Clock;
use super::config::Configs;
use super::faults::{Fault, Faults};
use super::hourly::FlowRow;
use super::journal::JournalEntry;
use super::profile::Profile;
use super::quota::QuotaRow;
use super::tokens::Tokens;
use std::collections::{BTreeMap, HashMap};

/// The seeded admin's id (`repository.go` `seedData`).
pub(crate) const ADMIN_ID: i64 = 1;
/// The one gost node every fake tunnel enters through.
pub(crate) const NODE_ID: i64 = 1;
/// Its name, as it appears in node error messages.
pub(crate) const NODE_NAME: &str = "node-1";
/// Its server IP (TEST-NET-2), used for `inIp` when a tunnel has no `in_ip`.
pub(crate) const NODE_IP: &str = "198.51.100.1";
/// The node's default port range; `forward/create` picks the lowest free port in it when
/// `inPort` is missing.
pub(crate) const PORT_RANGE: (i64, i64) = (10_000, 65_535);
/// How long a `captcha/verify` token stays usable.
const CAPTCHA_TOKEN_MS: i64 = 5 * 60 * 1000;

/// A `user` row.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: i64,
    pub(crate) user: String,
    /// The password as stored (trimmed; the panel stores its MD5).
    pub(crate) pwd: String,
    pub(crate) role_id: i64,
    pub(crate) exp_time: i64,
    pub(crate) flow: i64,
    pub(crate) in_flow: i64,
    pub(crate) out_flow: i64,
    pub(crate) flow_reset_time: i64,
    pub(crate) num: i64,
    pub(crate) created_time: i64,
    pub(crate) updated_time: Option<i64>,
    pub(crate) status: i64,
    /// `max_conn` (3.0; 0 = no cap).
    pub(crate) max_conn: i64,
    /// `password_changed_at` in ms (3.0; never returned by the API).
    pub(crate) password_changed_at: i64,
}

/// A `user_tunnel` row (a binding).
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) id: i64,
    pub(crate) user_id: i64,
    pub(crate) tunnel_id: i64,
    pub(crate) speed_id: Option<i64>,
    pub(crate) num: i64,
    pub(crate) flow: i64,
    pub(crate) in_flow: i64,
    pub(crate) out_flow: i64,
    pub(crate) flow_reset_time: i64,
    pub(crate) exp_time: i64,
    pub(crate) status: i64,
}

/// A `tunnel` row, with its single entry node.
#[derive(Debug, Clone)]
pub(crate) struct Tunnel {
    pub(crate) id: i64,
    pub(crate) inx: i64,
    pub(crate) name: String,
    pub(crate) kind: i64,
    /// The 1|2 accounting multiplier.
    pub(crate) flow: i64,
    pub(crate) traffic_ratio: f64,
    pub(crate) status: i64,
    pub(crate) created_time: i64,
    pub(crate) in_ip: Option<String>,
}

/// A `forward` row, its entry port, and what the node is doing with it.
#[derive(Debug, Clone)]
pub(crate) struct Forward {
    pub(crate) id: i64,
    pub(crate) user_id: i64,
    pub(crate) user_name: String,
    pub(crate) name: String,
    pub(crate) tunnel_id: i64,
    pub(crate) remote_addr: String,
    pub(crate) strategy: String,
    pub(crate) in_flow: i64,
    pub(crate) out_flow: i64,
    pub(crate) created_time: i64,
    pub(crate) updated_time: i64,
    pub(crate) status: i64,
    pub(crate) inx: i64,
    /// The `forward_port` port on the entry node.
    pub(crate) port: i64,
    /// The binding id baked into the node service name at the last push
    /// (`<forwardId>_<userId>_<bindingId>`); 0 when the owner had no binding.
    pub(crate) service_binding_id: i64,
    /// Whether the service runs on the node. Differs from `status` after a re-push of a
    /// paused forward (panel behaviour §4.7).
    pub(crate) node_running: bool,
    /// The node never started the service: its entry port was already used by another
    /// forward when it was created (2.1 does not check; seen on a real node agent). The
    /// node has no such service, so pausing or resuming it fails.
    pub(crate) port_clash: bool,
    /// The 3.0 columns; all zero or `None` on 2.1.
    pub(crate) extras: ForwardExtras,
}

/// The forward columns 3.0 added (panel behaviour §3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ForwardExtras {
    pub(crate) speed_id: Option<i64>,
    pub(crate) ip_speed_id: Option<i64>,
    pub(crate) max_conn: i64,
    pub(crate) ip_max_conn: i64,
    pub(crate) proxy_protocol: i64,
    pub(crate) proxy_protocol_receive: i64,
    pub(crate) proxy_protocol_send: i64,
}

/// A `speed_limit` row.
#[derive(Debug, Clone)]
pub(crate) struct SpeedLimit {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) speed: i64,
    /// The tunnel (2.1 only: 3.0 stores NULL and lists no tunnel).
    pub(crate) tunnel_id: i64,
    pub(crate) tunnel_name: String,
    pub(crate) status: i64,
    pub(crate) created_time: i64,
    pub(crate) updated_time: Option<i64>,
}

/// A `user_group` or `tunnel_group` row.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) status: i64,
    pub(crate) created_time: i64,
    /// Member tunnels (tunnel groups only).
    pub(crate) members: Vec<i64>,
}

/// Auto-increment counters (ids are never reused, as with SQLite `AUTOINCREMENT`).
#[derive(Debug)]
pub(crate) struct Sequences {
    pub(crate) user: i64,
    pub(crate) binding: i64,
    pub(crate) tunnel: i64,
    pub(crate) forward: i64,
    pub(crate) speed_limit: i64,
    pub(crate) user_group: i64,
    pub(crate) tunnel_group: i64,
    pub(crate) statistic: i64,
}

/// The whole fake panel.
#[derive(Debug)]
pub(crate) struct State {
    /// The FLVX line being modelled.
    pub(crate) profile: Profile,
    pub(crate) clock: Clock,
    pub(crate) users: BTreeMap<i64, User>,
    pub(crate) bindings: BTreeMap<i64, Binding>,
    pub(crate) tunnels: BTreeMap<i64, Tunnel>,
    pub(crate) forwards: BTreeMap<i64, Forward>,
    pub(crate) speed_limits: BTreeMap<i64, SpeedLimit>,
    pub(crate) user_groups: BTreeMap<i64, Group>,
    pub(crate) tunnel_groups: BTreeMap<i64, Group>,
    /// `user_group_user` rows `(groupId, userId)`, in insertion order.
    pub(crate) memberships: Vec<(i64, i64)>,
    /// `user_quota` rows by user id (3.0).
    pub(crate) quotas: BTreeMap<i64, QuotaRow>,
    /// `statistics_flow` rows, oldest first.
    pub(crate) statistics: Vec<FlowRow>,
    /// `vite_config` rows.
    pub(crate) configs: Configs,
    pub(crate) seq: Sequences,
    pub(crate) captcha_tokens: HashMap<String, i64>,
    pub(crate) nodes_online: bool,
    /// The entry node's `port_range`, inclusive.
    pub(crate) port_range: (i64, i64),
    /// Whether the commercial licence is active (only the 3.0 profile looks).
    pub(crate) licence_active: bool,
    pub(crate) tokens: Tokens,
    pub(crate) journal: Vec<JournalEntry>,
    pub(crate) faults: Faults,
    /// The fault chosen for the request being handled (see `responder`).
    pub(crate) pending: Option<Option<Fault>>,
    /// (user, tunnel) of every binding ever made, removed ones too, by id.
    pub(crate) binding_history: BTreeMap<i64, (i64, i64)>,
}

impl State {
    /// A fresh panel of this line: the seeded admin and nothing else.
    pub(crate) fn new(profile: Profile) -> Self {
        let admin = User {
            id: ADMIN_ID,
            user: "admin_user".into(),
            pwd: "admin_user".into(),
            role_id: 0,
            exp_time: 2_727_251_700_000,
            flow: 99_999,
            in_flow: 0,
            out_flow: 0,
            flow_reset_time: 1,
            num: 99_999,
            created_time: 1_748_914_865_000,
            updated_time: Some(1_754_011_744_252),
            status: 1,
            max_conn: 0,
            password_changed_at: 1_748_914_865_000,
        };
        State {
            profile,
            clock: Clock::default(),
            users: BTreeMap::from([(ADMIN_ID, admin)]),
            bindings: BTreeMap::new(),
            tunnels: BTreeMap::new(),
            forwards: BTreeMap::new(),
            speed_limits: BTreeMap::new(),
            user_groups: BTreeMap::new(),
            tunnel_groups: BTreeMap::new(),
            memberships: Vec::new(),
            quotas: BTreeMap::new(),
            statistics: Vec::new(),
            configs: Configs::seeded(),
            seq: Sequences {
                user: ADMIN_ID,
                binding: 0,
                tunnel: 0,
                forward: 0,
                speed_limit: 0,
                user_group: 0,
                tunnel_group: 0,
                statistic: 0,
            },
            captcha_tokens: HashMap::new(),
            nodes_online: true,
            port_range: PORT_RANGE,
            licence_active: true,
            tokens: Tokens::default(),
            journal: Vec::new(),
            faults: Faults::default(),
            pending: None,
            binding_history: BTreeMap::new(),
        }
    }

    /// The panel's current time in milliseconds.
    pub(crate) fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The user with this exact (case-sensitive) name.
    pub(crate) fn user_by_name(&self, name: &str) -> Option<&User> {
        self.users.values().find(|u| u.user == name)
    }

    /// The first binding of `(user, tunnel)` (the pair is unique in the panel).
    pub(crate) fn binding_of(&self, user_id: i64, tunnel_id: i64) -> Option<&Binding> {
        self.bindings
            .values()
            .find(|b| b.user_id == user_id && b.tunnel_id == tunnel_id)
    }

    /// The group ids a user belongs to, in insertion order.
    pub(crate) fn groups_of(&self, user_id: i64) -> Vec<i64> {
        self.memberships
            .iter()
            .filter(|(_, u)| *u == user_id)
            .map(|(g, _)| *g)
            .collect()
    }

    /// Adds memberships, ignoring pairs that exist (`ON CONFLICT DO NOTHING`).
    pub(crate) fn add_memberships(&mut self, user_id: i64, group_ids: &[i64]) {
        for &group in group_ids {
            if !self.memberships.contains(&(group, user_id)) {
                self.memberships.push((group, user_id));
            }
        }
    }

    /// `inx` for a new forward: `COALESCE(MAX(inx), -1) + 1` on 2.1; 3.0's `NextIndex`
    /// takes `MIN(inx) - 1` (0 for the first), so new forwards list first.
    pub(crate) fn next_forward_inx(&self) -> i64 {
        let inxs = self.forwards.values().map(|f| f.inx);
        if self.profile.newest_first {
            inxs.min().map_or(0, |m| m - 1)
        } else {
            inxs.max().map_or(0, |m| m + 1)
        }
    }

    /// `inx` for a new tunnel.
    pub(crate) fn next_tunnel_inx(&self) -> i64 {
        self.tunnels
            .values()
            .map(|t| t.inx)
            .max()
            .map_or(0, |m| m + 1)
    }

    /// The lowest port of the node's range that no forward uses on the (single) entry
    /// node; the range's first port when all are taken.
    pub(crate) fn pick_port(&self) -> i64 {
        let (min, max) = self.port_range;
        (min..=max)
            .find(|p| !self.forwards.values().any(|f| f.port == *p))
            .unwrap_or(min)
    }

    /// The node's error for a pause or resume of a forward whose service it never
    /// started (see [`Forward::port_clash`]); an offline node fails for that first.
    pub(crate) fn missing_service(&self, forward_id: i64) -> Option<String> {
        if !self.nodes_online {
            return None;
        }
        let f = self.forwards.get(&forward_id).filter(|f| f.port_clash)?;
        let service = format!("{}_{}_{}_tcp", f.id, f.user_id, f.service_binding_id);
        Some(format!("service {service} not found"))
    }

    /// Marks a `captcha/verify` id as usable for one login within five minutes.
    pub(crate) fn mark_captcha(&mut self, id: &str) {
        let now = self.now();
        self.captcha_tokens.retain(|_, exp| *exp > now);
        self.captcha_tokens
            .insert(id.to_string(), now + CAPTCHA_TOKEN_MS);
    }

    /// Consumes a captcha id; true if it was marked and is still fresh.
    pub(crate) fn consume_captcha(&mut self, id: &str) -> bool {
        let now = self.now();
        self.captcha_tokens.retain(|_, exp| *exp > now);
        self.captcha_tokens.remove(id).is_some_and(|exp| exp > now)
    }
}
