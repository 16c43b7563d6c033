//! The typed FLVX operations, as a trait so that callers can hold `Arc<dyn FlvxApi>` and
//! substitute their own implementation in tests.

use crate::Credentials;
use crate::client::FlvxClient;
use crate::endpoints::{self as ep, Endpoint};
use crate::ids::{BindingId, ForwardId, SpeedLimitId, TunnelId, UserGroupId, UserId};
use crate::models::to_body;
use crate::models::{
    BatchResult, Binding, BindingAssign, BindingUpdate, Forward, ForwardPatch, NewForward, NewUser,
    Node, Package, QuotaLimits, QuotaScope, ResetTarget, SpeedLimit, Tunnel, TunnelGroup, User,
    UserGroup, UserUpdate, Warnings,
};
use crate::version::PanelVersion;
use crate::{Error, Result};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::Arc;

/// Every FLVX operation a billing integration uses (panel behaviour §5). Section numbers refer
/// to [`crate::panel_behaviour`]; each method documents the trap it guards against.
#[async_trait]
pub trait FlvxApi: Send + Sync {
    /// The same panel, acting as another account (for example a customer, since forwards
    /// always belong to their creator, §5.19). The new handle has its own token cache.
    fn acting_as(&self, credentials: Credentials) -> Arc<dyn FlvxApi>;

    /// The panel's base URL, when this handle talks HTTP to one (a forward target must
    /// not point back at the panel itself).
    fn base_url(&self) -> Option<&str> {
        None
    }

    /// `captcha/check`: whether logins need a captcha. 3.0 (and late 2.1.5) let this SDK
    /// past it (it sends the API-client header); older panels need a pre-issued token.
    async fn captcha_required(&self) -> Result<bool>;

    /// Which FLVX line the panel runs (see [`FlvxClient::panel_version`]); no side effects.
    async fn panel_version(&self) -> Result<PanelVersion>;
    /// Whether the panel has `forward/reset-flow` (3.0 since July 2026).
    async fn supports_forward_reset_flow(&self) -> Result<bool>;

    /// `user/create`. Returns nothing: the panel gives no id (use
    /// [`crate::recipes::create_user`] to get the new [`User`]).
    async fn create_user(&self, user: &NewUser) -> Result<()>;
    /// `user/update`, a full replace that also overwrites every binding's flow, num,
    /// expiry and reset day (§5.3). On 3.0 an update without `max_conn` would reset the
    /// user's connection cap, so it is refused before sending; the panel's warnings (a node
    /// that did not get the change) are returned.
    async fn update_user(&self, update: &UserUpdate) -> Result<Warnings>;
    /// `user/delete`. Database only: delete the user's forwards first to stop traffic (§5.4).
    async fn delete_user(&self, id: UserId) -> Result<()>;
    /// `user/list`: all non-admin users, or those whose name contains `keyword`
    /// (case-insensitive). No pagination exists.
    async fn list_users(&self, keyword: Option<&str>) -> Result<Vec<User>>;
    /// `user/package`: the calling account's own package.
    async fn package(&self) -> Result<Package>;
    /// `user/reset`: zero traffic counters. Resumes nothing (§5.7); an unknown id still
    /// succeeds.
    async fn reset_traffic(&self, target: ResetTarget) -> Result<()>;
    /// `user/groups`: the user groups a user belongs to.
    async fn user_groups_of(&self, id: UserId) -> Result<Vec<UserGroupId>>;
    /// `user/quota/reset` (3.0): zero a quota window and release the quota block, which
    /// resumes the forwards the block paused (if they pass the panel's checks).
    async fn reset_quota(&self, user: UserId, scope: QuotaScope) -> Result<()>;

    /// `tunnel/list`.
    async fn list_tunnels(&self) -> Result<Vec<Tunnel>>;
    /// `tunnel/get`.
    async fn get_tunnel(&self, id: TunnelId) -> Result<Tunnel>;

    /// `tunnel/user/assign`: create or patch the (user, tunnel) binding (§5.12). Re-pushes
    /// the user's forwards on that tunnel, which restarts paused ones (§4.7).
    async fn assign_binding(&self, assign: &BindingAssign) -> Result<()>;
    /// `tunnel/user/batch-assign`: bind several tunnels with only a speed limit each; other
    /// fields come from the user (new binding) or stay (existing one). Unlike
    /// [`FlvxApi::assign_binding`], a `None` speed limit here KEEPS an existing binding's
    /// limit: the panel decodes this body strictly, where `null` counts as absent.
    async fn batch_assign_bindings(
        &self,
        user: UserId,
        tunnels: &[(TunnelId, Option<SpeedLimitId>)],
    ) -> Result<()>;
    /// `tunnel/user/update`, a full replace (§5.14). Unknown ids succeed silently.
    async fn update_binding(&self, update: &BindingUpdate) -> Result<()>;
    /// `tunnel/user/remove`. Leaves the user's forwards running (§5.15); an unknown id
    /// still succeeds.
    async fn remove_binding(&self, id: BindingId) -> Result<()>;
    /// `tunnel/user/list`: a user's bindings (their status is not reported, §5.16).
    async fn list_bindings(&self, user: UserId) -> Result<Vec<Binding>>;

    /// `speed-limit/list`.
    async fn list_speed_limits(&self) -> Result<Vec<SpeedLimit>>;

    /// `node/list` (admin): every node, with its addresses and entry-port range.
    async fn list_nodes(&self) -> Result<Vec<Node>>;

    /// `forward/list`: the caller's forwards; every user's for an admin.
    async fn list_forwards(&self) -> Result<Vec<Forward>>;
    /// `forward/create`, owned by the calling account; returns no id.
    async fn create_forward(&self, forward: &NewForward) -> Result<()>;
    /// `forward/update`, a patch; restarts a paused forward on its nodes on 2.1 (§4.7).
    async fn update_forward(&self, patch: &ForwardPatch) -> Result<Warnings>;
    /// `forward/delete`: fails, changing nothing, while a node is offline.
    async fn delete_forward(&self, id: ForwardId) -> Result<()>;
    /// `forward/pause`.
    async fn pause_forward(&self, id: ForwardId) -> Result<()>;
    /// `forward/resume`. 2.1 checks nothing; 3.0 refuses a disabled, expired, over-quota
    /// or at-limit owner (the panel's reason is in the error).
    async fn resume_forward(&self, id: ForwardId) -> Result<()>;
    /// `forward/reset-flow` (3.0 since July 2026): zero one forward's own counters (the
    /// user's and the quota's are untouched).
    async fn reset_forward_traffic(&self, id: ForwardId) -> Result<()>;
    /// `forward/batch-delete`.
    async fn delete_forwards(&self, ids: &[ForwardId]) -> Result<BatchResult>;
    /// `forward/batch-pause`.
    async fn pause_forwards(&self, ids: &[ForwardId]) -> Result<BatchResult>;
    /// `forward/batch-resume`; on 3.0 each refusal is in [`BatchResult::failures`].
    async fn resume_forwards(&self, ids: &[ForwardId]) -> Result<BatchResult>;

    /// `group/user/list`.
    async fn list_user_groups(&self) -> Result<Vec<UserGroup>>;
    /// `group/tunnel/list`.
    async fn list_tunnel_groups(&self) -> Result<Vec<TunnelGroup>>;
}

#[async_trait]
impl FlvxApi for FlvxClient {
    fn acting_as(&self, credentials: Credentials) -> Arc<dyn FlvxApi> {
        Arc::new(self.with_credentials(credentials))
    }

    fn base_url(&self) -> Option<&str> {
        Some(FlvxClient::base_url(self))
    }

    async fn captcha_required(&self) -> Result<bool> {
        let flag: i64 = self.call(&ep::CAPTCHA_CHECK, &json!({})).await?;
        Ok(flag != 0)
    }

    async fn panel_version(&self) -> Result<PanelVersion> {
        FlvxClient::panel_version(self).await
    }

    async fn supports_forward_reset_flow(&self) -> Result<bool> {
        FlvxClient::supports_forward_reset_flow(self).await
    }

    async fn create_user(&self, user: &NewUser) -> Result<()> {
        let body = user.body()?;
        check_fields_exist(self, user.max_conn, &user.quota_limits).await?;
        self.call(&ep::USER_CREATE, &body).await
    }

    async fn update_user(&self, update: &UserUpdate) -> Result<Warnings> {
        let body = update.body()?;
        check_fields_exist(self, update.max_conn, &update.quota_limits).await?;
        if update.max_conn.is_none() && self.panel_version().await? >= PanelVersion::V3_0 {
            return Err(Error::invalid(
                "maxConn",
                "FLVX 3.0 resets the connection cap of an update without it; build the \
                 update from the listed user (UserUpdate::from_user) or set max_conn",
            ));
        }
        warnings(self.call(&ep::USER_UPDATE, &body).await?)
    }

    async fn delete_user(&self, id: UserId) -> Result<()> {
        self.call(&ep::USER_DELETE, &json!({ "id": id })).await
    }

    async fn list_users(&self, keyword: Option<&str>) -> Result<Vec<User>> {
        let body = keyword.map_or_else(|| json!({}), |k| json!({ "keyword": k }));
        self.call(&ep::USER_LIST, &body).await
    }

    async fn package(&self) -> Result<Package> {
        self.call(&ep::USER_PACKAGE, &json!({})).await
    }

    async fn reset_traffic(&self, target: ResetTarget) -> Result<()> {
        self.call(&ep::USER_RESET, &target.body()).await
    }

    async fn user_groups_of(&self, id: UserId) -> Result<Vec<UserGroupId>> {
        self.call(&ep::USER_GROUPS, &json!({ "id": id })).await
    }

    async fn reset_quota(&self, user: UserId, scope: QuotaScope) -> Result<()> {
        let body = json!({ "userId": user, "scope": scope.as_str() });
        self.call(&ep::USER_QUOTA_RESET, &body).await
    }

    async fn list_tunnels(&self) -> Result<Vec<Tunnel>> {
        self.call(&ep::TUNNEL_LIST, &json!({})).await
    }

    async fn get_tunnel(&self, id: TunnelId) -> Result<Tunnel> {
        self.call(&ep::TUNNEL_GET, &json!({ "id": id })).await
    }

    async fn assign_binding(&self, assign: &BindingAssign) -> Result<()> {
        self.call(&ep::BINDING_ASSIGN, &to_body(assign)).await
    }

    async fn batch_assign_bindings(
        &self,
        user: UserId,
        tunnels: &[(TunnelId, Option<SpeedLimitId>)],
    ) -> Result<()> {
        let items: Vec<Value> = tunnels
            .iter()
            .map(|(tunnel, speed)| json!({ "tunnelId": tunnel, "speedId": speed }))
            .collect();
        let body = json!({ "userId": user, "tunnels": items });
        self.call(&ep::BINDING_BATCH_ASSIGN, &body).await
    }

    async fn update_binding(&self, update: &BindingUpdate) -> Result<()> {
        self.call(&ep::BINDING_UPDATE, &to_body(update)).await
    }

    async fn remove_binding(&self, id: BindingId) -> Result<()> {
        self.call(&ep::BINDING_REMOVE, &json!({ "id": id })).await
    }

    async fn list_bindings(&self, user: UserId) -> Result<Vec<Binding>> {
        self.call(&ep::BINDING_LIST, &json!({ "userId": user }))
            .await
    }

    async fn list_speed_limits(&self) -> Result<Vec<SpeedLimit>> {
        self.call(&ep::SPEED_LIMIT_LIST, &json!({})).await
    }

    async fn list_nodes(&self) -> Result<Vec<Node>> {
        self.call(&ep::NODE_LIST, &json!({})).await
    }

    async fn list_forwards(&self) -> Result<Vec<Forward>> {
        self.call(&ep::FORWARD_LIST, &json!({})).await
    }

    async fn create_forward(&self, forward: &NewForward) -> Result<()> {
        if forward.name.trim().is_empty() || forward.remote_addr.trim().is_empty() {
            return Err(Error::invalid(
                "remoteAddr",
                "a forward needs a name and a target such as 198.51.100.7:443",
            ));
        }
        self.call(&ep::FORWARD_CREATE, &to_body(forward)).await
    }

    async fn update_forward(&self, patch: &ForwardPatch) -> Result<Warnings> {
        warnings(self.call(&ep::FORWARD_UPDATE, &to_body(patch)).await?)
    }

    async fn delete_forward(&self, id: ForwardId) -> Result<()> {
        self.call(&ep::FORWARD_DELETE, &json!({ "id": id })).await
    }

    async fn pause_forward(&self, id: ForwardId) -> Result<()> {
        self.call(&ep::FORWARD_PAUSE, &json!({ "id": id })).await
    }

    async fn resume_forward(&self, id: ForwardId) -> Result<()> {
        self.call(&ep::FORWARD_RESUME, &json!({ "id": id })).await
    }

    async fn reset_forward_traffic(&self, id: ForwardId) -> Result<()> {
        self.call(&ep::FORWARD_RESET_FLOW, &json!({ "id": id }))
            .await
    }

    async fn delete_forwards(&self, ids: &[ForwardId]) -> Result<BatchResult> {
        batch(self, &ep::FORWARD_BATCH_DELETE, ids).await
    }

    async fn pause_forwards(&self, ids: &[ForwardId]) -> Result<BatchResult> {
        batch(self, &ep::FORWARD_BATCH_PAUSE, ids).await
    }

    async fn resume_forwards(&self, ids: &[ForwardId]) -> Result<BatchResult> {
        batch(self, &ep::FORWARD_BATCH_RESUME, ids).await
    }

    async fn list_user_groups(&self) -> Result<Vec<UserGroup>> {
        self.call(&ep::USER_GROUP_LIST, &json!({})).await
    }

    async fn list_tunnel_groups(&self) -> Result<Vec<TunnelGroup>> {
        self.call(&ep::TUNNEL_GROUP_LIST, &json!({})).await
    }
}

/// The warnings of an update answer: `data` is absent on 2.1 and on a quiet 3.0 success.
/// The panel repeats each warning once per forward it pushed, so repeats are dropped.
fn warnings(data: Option<Warnings>) -> Result<Warnings> {
    let mut warnings = data.unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    warnings.warnings.retain(|w| seen.insert(w.clone()));
    Ok(warnings)
}

/// 2.1 ignores the 3.0 user fields without a word, so sending them there is refused: the
/// seller would believe a limit holds that the panel does not know.
async fn check_fields_exist(
    client: &FlvxClient,
    max_conn: Option<i64>,
    quotas: &QuotaLimits,
) -> Result<()> {
    let uses_v3 = max_conn.is_some_and(|n| n != 0) || quotas.is_sent();
    if uses_v3 && client.panel_version().await? < PanelVersion::V3_0 {
        return Err(Error::invalid(
            "maxConn",
            "connection caps and daily/monthly quotas need FLVX 3.0; this panel runs 2.1",
        ));
    }
    Ok(())
}

/// A batch forward call. An empty list is answered here: the panel would refuse it
/// (`ids不能为空`), and doing nothing to nothing is a success.
async fn batch(client: &FlvxClient, endpoint: &Endpoint, ids: &[ForwardId]) -> Result<BatchResult> {
    if ids.is_empty() {
        return Ok(BatchResult::EMPTY);
    }
    client.call(endpoint, &json!({ "ids": ids })).await
}
