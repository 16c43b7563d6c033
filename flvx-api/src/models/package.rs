use super::{Binding, Forward, User};
use serde::Deserialize;

/// The caller's own package (`user/package`, panel behaviour §5.6). An admin token returns the
/// admin's own, so this is read with the customer's token.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Package {
    /// The account.
    pub user_info: User,
    /// Its bindings, with speed limits.
    #[serde(default)]
    pub tunnel_permissions: Vec<Binding>,
    /// Its forwards.
    #[serde(default)]
    pub forwards: Vec<Forward>,
}

impl Package {
    /// A package assembled from the admin's lists, for an account that cannot read its own
    /// (a disabled customer cannot log in).
    pub fn of(user_info: User, tunnel_permissions: Vec<Binding>, forwards: Vec<Forward>) -> Self {
        Package {
            user_info,
            tunnel_permissions,
            forwards,
        }
    }
}
