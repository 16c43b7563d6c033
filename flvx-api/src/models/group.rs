use crate::ids::{TunnelGroupId, TunnelId, UserGroupId, UserId};
use serde::Deserialize;

/// A user group (`group/user/list`, panel behaviour §5.20).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserGroup {
    /// The group id.
    pub id: UserGroupId,
    /// Its name.
    pub name: String,
    /// Member users.
    #[serde(default)]
    pub user_ids: Vec<UserId>,
}

/// A tunnel group (`group/tunnel/list`, panel behaviour §5.20).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TunnelGroup {
    /// The group id.
    pub id: TunnelGroupId,
    /// Its name.
    pub name: String,
    /// Member tunnels.
    #[serde(default)]
    pub tunnel_ids: Vec<TunnelId>,
}
