//! Newtype ids, so a binding id can never be passed where a user id is wanted.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }
    )*};
}

id_type! {
    /// A panel user (`user.id`).
    UserId;
    /// A tunnel (`tunnel.id`).
    TunnelId;
    /// A user's binding to a tunnel (`user_tunnel.id`, "权限" in the panel UI).
    BindingId;
    /// A forward (`forward.id`).
    ForwardId;
    /// A speed limit (`speed_limit.id`).
    SpeedLimitId;
    /// A user group.
    UserGroupId;
    /// A tunnel group.
    TunnelGroupId;
    /// A gost node (`node.id`).
    NodeId;
}
