//! Request and response types. Responses tolerate unknown fields and the `null`s the panel
//! sends; requests carry every key the panel would otherwise reset, so none can be forgotten.

mod binding;
mod forward;
mod group;
mod hourly_flow;
mod login;
mod node;
mod package;
mod speed_limit;
mod tunnel;
mod user;

pub use binding::{Binding, BindingAssign, BindingUpdate};
pub use forward::{BatchFailure, BatchResult, Forward, ForwardPatch, NewForward};
pub use group::{TunnelGroup, UserGroup};
pub use hourly_flow::HourlyFlow;
pub use login::LoginData;
pub use node::Node;
pub use package::Package;
pub use speed_limit::SpeedLimit;
pub use tunnel::{Tunnel, TunnelKind, TunnelNode};
pub use user::{
    NewUser, QuotaLimits, QuotaScope, QuotaUsage, ResetTarget, User, UserUpdate, Warnings,
};

/// A request struct as the JSON body the panel expects.
pub(crate) fn to_body<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
