use super::hourly_flow::hourly_flows;
use super::{Binding, Forward, HourlyFlow, User};
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
    /// The latest hourly traffic rows (up to 24, oldest first; the panel deletes them
    /// after 48 h). Rows that are not objects are left out.
    #[serde(default, deserialize_with = "hourly_flows")]
    pub statistics_flows: Vec<HourlyFlow>,
}

impl Package {
    /// A package assembled from the admin's lists, for an account that cannot read its own
    /// (a disabled customer cannot log in); the admin's lists have no hourly rows.
    pub fn of(user_info: User, tunnel_permissions: Vec<Binding>, forwards: Vec<Forward>) -> Self {
        Package {
            user_info,
            tunnel_permissions,
            forwards,
            statistics_flows: Vec::new(),
        }
    }
}
