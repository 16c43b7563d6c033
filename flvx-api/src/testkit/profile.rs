//! The version profiles: every behaviour that differs between the FLVX lines the fake
//! models, as one table of switches.
//!
//! [`Profile::V2_1`] is the 2.1 contract (`flvx_api::panel_behaviour`, backend `088027d`, 2.1.5-alpha6).
//! [`Profile::V3_0`] is the 3.0 delta (`flvx_api::panel_behaviour`, EchoHS `b8af12a`, 3.0.1-beta3).
//! Handlers read a named switch rather than the version, so each difference is explained
//! once, here, with the source it comes from.

use crate::endpoints::{FORWARD_RESET_FLOW, PUBLIC_CONFIG_GET, USER_QUOTA_RESET};
use crate::version::PanelVersion;

/// One FLVX line's behaviour. File names are under `go-backend/internal/` at the line's
/// reference commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Profile {
    /// The line this profile models.
    pub(crate) version: PanelVersion,
    /// Token lifetime in seconds (`auth/jwt.go` `expireTime`: 90 days, then 7).
    pub(crate) token_lifetime_secs: i64,
    /// Tokens carry `iat_ms`, and the middleware loads the user on every call: a missing
    /// user, `status != 1`, another role, or `iat_ms <= password_changed_at` is a 401
    /// (`http/middleware/auth.go` 22-85). Password changes record `password_changed_at`.
    pub(crate) db_checked_tokens: bool,
    /// Captcha counts as on only with `cloudflare_site_key` and `cloudflare_secret_key` set
    /// as well; with a secret, `captcha/verify` needs Turnstile (`handler.go` 1350-1376,
    /// 794-826). 2.1.5-alpha6 needs only `captcha_enabled=true`.
    pub(crate) captcha_needs_turnstile_keys: bool,
    /// `X-FLVX-API-Client: whmcs|whmcs-module` skips the login captcha (`bafcfbd`, one day
    /// after `088027d`).
    pub(crate) captcha_client_bypass: bool,
    /// Passwords are bcrypt: over 72 bytes is `-2` on create/update, and login compares
    /// only the first 72 bytes (`security/password.go`, x/crypto v0.31.0).
    pub(crate) bcrypt: bool,
    /// Users gain `maxConn` and a lazily created `user_quota` row with daily/monthly
    /// quotas; `user/list` and the snapshot show them (`mutations.go` 31-246).
    pub(crate) user_limits: bool,
    /// `user/list` and `speed-limit/list` are by id descending, and a new forward gets
    /// `MIN(inx) - 1`, so lists are newest first (`repository.go` 888, 928, `NextIndex`).
    pub(crate) newest_first: bool,
    /// `forward/create`, `resume`, `batch-resume` and the quota release run the
    /// `ensureUserTunnelForwardAllowed` gate; `num` is enforced (`flow_policy.go` 338-420).
    pub(crate) forward_gate: bool,
    /// The daily job expires users and bindings only when `exp_time > 0`, and rolls the
    /// quota windows (`jobs.go` 266-313, `repository.go` 3014-3049).
    pub(crate) daily_job_v3: bool,
    /// Non-admin remote addresses go through the SSRF filter (`security_utils.go`).
    pub(crate) ssrf_filter: bool,
    /// `inPort` is checked against the node's port range and other forwards' ports
    /// (`mutations.go` 5513-5543).
    pub(crate) port_checks: bool,
    /// Forwards gain `speedId`, `ipSpeedId`, `maxConn`, `ipMaxConn` and the PROXY-protocol
    /// fields, and `forward/list` shows them (`repository.go` 943-1017).
    pub(crate) forward_extras: bool,
    /// Batch answers list their `failures` (`mutations.go` 1853-1906).
    pub(crate) batch_failures: bool,
    /// Offline nodes are skipped instead of failing (with `data.warnings` on the updates),
    /// and a reconnecting node is redeployed from the database (`control_plane.go`
    /// 318-397, `upgrade.go` 590-601).
    pub(crate) offline_nodes_skipped: bool,
    /// After a push, paused forwards are paused again (`control_plane.go` 391-397).
    pub(crate) pushes_keep_paused: bool,
    /// `tunnel/user/list` shows the real binding status (`handler.go` 712).
    pub(crate) binding_real_status: bool,
    /// Binding update/remove of an unknown id is `-2 "sql: no rows in result set"`,
    /// remove deletes the binding's forwards, an unknown `speedId` becomes null, and a new
    /// binding pushes the user's forwards on that tunnel (`mutations.go` 1992-2074, 5081+).
    pub(crate) bindings_v3: bool,
    /// Speed limits no longer belong to a tunnel (`repository_mutations.go` 1027-1064).
    pub(crate) speed_limits_decoupled: bool,
    /// `user/quota/reset`, `forward/reset-flow` and `public/config/get` exist.
    pub(crate) v3_endpoints: bool,
    /// [`crate::testkit::FakePanel::set_licence_active`] can block paths with code 451.
    pub(crate) licence_gate: bool,
}

/// Paths that only the 3.0 line serves; 2.1 answers Go's 404 after the auth check.
const V3_ONLY_PATHS: [&str; 3] = [
    USER_QUOTA_RESET.path,
    FORWARD_RESET_FLOW.path,
    PUBLIC_CONFIG_GET.path,
];

impl Profile {
    /// FLVX 2.1 (`088027d`).
    pub(crate) const V2_1: Profile = Profile {
        version: PanelVersion::V2_1,
        token_lifetime_secs: 90 * 24 * 3600,
        db_checked_tokens: false,
        captcha_needs_turnstile_keys: false,
        captcha_client_bypass: false,
        bcrypt: false,
        user_limits: false,
        newest_first: false,
        forward_gate: false,
        daily_job_v3: false,
        ssrf_filter: false,
        port_checks: false,
        forward_extras: false,
        batch_failures: false,
        offline_nodes_skipped: false,
        pushes_keep_paused: false,
        binding_real_status: false,
        bindings_v3: false,
        speed_limits_decoupled: false,
        v3_endpoints: false,
        licence_gate: false,
    };

    /// FLVX 3.0 (EchoHS `b8af12a`).
    pub(crate) const V3_0: Profile = Profile {
        version: PanelVersion::V3_0,
        token_lifetime_secs: 7 * 24 * 3600,
        db_checked_tokens: true,
        captcha_needs_turnstile_keys: true,
        captcha_client_bypass: true,
        bcrypt: true,
        user_limits: true,
        newest_first: true,
        forward_gate: true,
        daily_job_v3: true,
        ssrf_filter: true,
        port_checks: true,
        forward_extras: true,
        batch_failures: true,
        offline_nodes_skipped: true,
        pushes_keep_paused: true,
        binding_real_status: true,
        bindings_v3: true,
        speed_limits_decoupled: true,
        v3_endpoints: true,
        licence_gate: true,
    };

    /// The profile of a line.
    pub(crate) fn of(version: PanelVersion) -> Profile {
        match version {
            PanelVersion::V2_1 => Profile::V2_1,
            PanelVersion::V3_0 => Profile::V3_0,
        }
    }

    /// Whether this line registers a handler for `path` (as far as the fake models it).
    pub(crate) fn serves(&self, path: &str) -> bool {
        self.v3_endpoints || !V3_ONLY_PATHS.contains(&path)
    }
}
