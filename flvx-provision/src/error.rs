//! The engine's error: every variant renders as a catalogue message naming the cause and
//! the fix, in English or Chinese.

use crate::messages::{Lang, Msg};
use crate::refusals::{reason_for, reason_of};
use crate::store::{ServiceId, StoreError, Version};
use flvx_api::ids::{ForwardId, TunnelId, UserId};
use std::net::IpAddr;

/// Why a provisioning operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProvisionError {
    /// An option value is not allowed (nothing was sent to the panel).
    #[error("{}", self.message(Lang::En))]
    InvalidOption {
        /// The option's English label.
        option: &'static str,
        /// The value given.
        value: String,
        /// What is allowed (a catalogue message and its arguments).
        allowed: (Msg, Vec<(&'static str, String)>),
    },
    /// A WHMCS date could not be read.
    #[error("{}", self.message(Lang::En))]
    InvalidDate {
        /// Which date.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// The service has no panel account.
    #[error("{}", self.message(Lang::En))]
    NotProvisioned,
    /// The service password could never log in on the panel.
    #[error("{}", self.message(Lang::En))]
    InvalidPassword,
    /// A panel user with the service's username exists and this service did not create it.
    #[error("{}", self.message(Lang::En))]
    UserNotOurs {
        /// The username.
        username: String,
    },
    /// A FLVX 1.0 custom field cannot be read (nothing was sent to the panel).
    #[error("{}", self.message(Lang::En))]
    LegacyField {
        /// The custom field's name.
        field: &'static str,
        /// Its value.
        value: String,
        /// What it must hold.
        allowed: Msg,
    },
    /// The product's settings are in the 1.0 layout (nothing was sent to the panel).
    #[error("{}", self.message(Lang::En))]
    LegacyLayout {
        /// The values at the 1.0 positions, in [`crate::schema::LEGACY_LAYOUT`] order.
        values: Vec<String>,
    },
    /// The 1.0 user id names no panel user.
    #[error("{}", self.message(Lang::En))]
    LegacyUserMissing {
        /// The id 1.0 recorded.
        user_id: UserId,
    },
    /// The 1.0 user is named otherwise than 1.0 recorded.
    #[error("{}", self.message(Lang::En))]
    LegacyNameMismatch {
        /// The id 1.0 recorded.
        user_id: UserId,
        /// The name 1.0 recorded.
        username: String,
        /// The name on the panel.
        found: String,
    },
    /// The 1.0 password does not log in as the user.
    #[error("{}", self.message(Lang::En))]
    LegacyPasswordMismatch {
        /// The user's name.
        username: String,
    },
    /// The 1.0 user is another service's.
    #[error("{}", self.message(Lang::En))]
    LegacyUserTaken {
        /// The id 1.0 recorded.
        user_id: UserId,
        /// The user's name.
        username: String,
        /// The service holding it.
        other: ServiceId,
    },
    /// The service is linked to another panel user than its 1.0 fields name.
    #[error("{}", self.message(Lang::En))]
    LegacyAlreadyLinked {
        /// The user the record holds.
        linked: UserId,
        /// The id 1.0 recorded.
        user_id: UserId,
    },
    /// An import was asked for a service without 1.0 fields.
    #[error("{}", self.message(Lang::En))]
    NoLegacyAccount,
    /// Link: the service already has a panel user.
    #[error("{}", self.message(Lang::En))]
    LinkAlreadyLinked {
        /// Its user.
        linked: UserId,
    },
    /// Link: no such panel user.
    #[error("{}", self.message(Lang::En))]
    LinkUserMissing {
        /// The user as the admin named it.
        user: String,
    },
    /// Link: the user is a panel admin.
    #[error("{}", self.message(Lang::En))]
    LinkAdminUser {
        /// The user.
        user: UserId,
    },
    /// Link: the user is another service's.
    #[error("{}", self.message(Lang::En))]
    LinkUserTaken {
        /// The user.
        user: UserId,
        /// The service holding it.
        other: ServiceId,
    },
    /// Link: another panel user has the service's name.
    #[error("{}", self.message(Lang::En))]
    LinkNameTaken {
        /// The service's name.
        username: String,
    },
    /// The panel refused or could not be reached.
    #[error("{}", self.message(Lang::En))]
    Panel {
        /// What the engine was doing.
        action: Msg,
        /// The SDK error.
        #[source]
        source: flvx_api::Error,
    },
    /// Some forwards could not be changed on the nodes.
    #[error("{}", self.message(Lang::En))]
    ForwardsFailed {
        /// How many failed.
        failed: u64,
        /// Paused, resumed or deleted.
        verb: Msg,
        /// The panel's reason for the first failure, when it gave one (3.0).
        reason: Option<String>,
    },
    /// The plan sets an option the panel's version lacks.
    #[error("{}", self.message(Lang::En))]
    NeedsPanel3 {
        /// The option's English label.
        option: &'static str,
        /// The panel's line, e.g. `2.1`.
        version: &'static str,
    },
    /// The plan lets customers reset forward traffic, and the panel cannot.
    #[error("{}", self.message(Lang::En))]
    NeedsForwardResetFlow {
        /// The option's English label.
        option: &'static str,
    },
    /// The product does not let customers reset forward traffic.
    #[error("{}", self.message(Lang::En))]
    ForwardResetNotOffered,
    /// The service password is too long for the panel.
    #[error("{}", self.message(Lang::En))]
    PasswordTooLong,
    /// The customer has as many forwards as the plan allows.
    #[error("{}", self.message(Lang::En))]
    ForwardLimit {
        /// Forwards owned now.
        count: usize,
        /// The plan's maximum.
        max: i64,
    },
    /// The tunnel is not in the plan.
    #[error("{}", self.message(Lang::En))]
    TunnelNotInPlan {
        /// The tunnel.
        tunnel: TunnelId,
    },
    /// The forward is not the customer's.
    #[error("{}", self.message(Lang::En))]
    ForwardNotFound {
        /// The forward.
        forward: ForwardId,
    },
    /// The service is suspended.
    #[error("{}", self.message(Lang::En))]
    ServiceSuspended,
    /// A forward field is invalid.
    #[error("{}", self.message(Lang::En))]
    InvalidForward {
        /// The field, which also names the rule it breaks.
        field: ForwardField,
    },
    /// A forward has more targets than allowed.
    #[error("{}", self.message(Lang::En))]
    TooManyTargets {
        /// Targets given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A target's host is neither an IP address nor a valid host name.
    #[error("{}", self.message(Lang::En))]
    TargetHostInvalid,
    /// A target's host name does not resolve.
    #[error("{}", self.message(Lang::En))]
    TargetUnresolved {
        /// The target, `host:port`.
        target: String,
    },
    /// A target's address is in a network forwards may not reach.
    #[error("{}", self.message(Lang::En))]
    TargetRefused {
        /// The target, `host:port`.
        target: String,
        /// The address it stands for.
        address: IpAddr,
        /// The kind of network (a catalogue name).
        network: Msg,
        /// The refused network, in CIDR form.
        range: &'static str,
    },
    /// A target's address is the panel's own.
    #[error("{}", self.message(Lang::En))]
    TargetIsPanel {
        /// The target, `host:port`.
        target: String,
        /// The address it stands for.
        address: IpAddr,
    },
    /// A target's address is a node's own.
    #[error("{}", self.message(Lang::En))]
    TargetIsNode {
        /// The target, `host:port`.
        target: String,
        /// The address it stands for.
        address: IpAddr,
        /// The node's name.
        node: String,
    },
    /// The entry port is outside the plan's range.
    #[error("{}", self.message(Lang::En))]
    PortOutsidePlan {
        /// The port asked for.
        port: u16,
        /// First allowed.
        min: u16,
        /// Last allowed.
        max: u16,
    },
    /// The entry port is outside an entry node's range.
    #[error("{}", self.message(Lang::En))]
    PortOutsideNode {
        /// The port asked for.
        port: u16,
        /// The node's name.
        node: String,
        /// First allowed.
        min: u16,
        /// Last allowed.
        max: u16,
    },
    /// Another forward listens on the entry port on a shared entry node.
    #[error("{}", self.message(Lang::En))]
    PortTaken {
        /// The port asked for.
        port: u16,
        /// The node's name.
        node: String,
    },
    /// No port of the plan's range is free on the tunnel's entry nodes.
    #[error("{}", self.message(Lang::En))]
    NoFreePort {
        /// First port of the plan's range.
        min: u16,
        /// Last port of the plan's range.
        max: u16,
    },
    /// The service store failed.
    #[error("{}", self.message(Lang::En))]
    Store {
        /// The store's error.
        #[source]
        source: StoreError,
    },
    /// Another operation saved the service's record while this one ran: nothing was
    /// overwritten, and running the operation again continues from the newer record.
    #[error("{}", self.message(Lang::En))]
    Conflict {
        /// The service.
        service: ServiceId,
        /// The version this operation read.
        expected: Version,
        /// The version stored by the other operation.
        found: Version,
    },
}

impl From<StoreError> for ProvisionError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict {
                service,
                expected,
                found,
            } => ProvisionError::Conflict {
                service,
                expected,
                found,
            },
            source => ProvisionError::Store { source },
        }
    }
}

impl ProvisionError {
    /// Whether running the same operation again is the fix: another operation saved the
    /// service's record first ([`ProvisionError::Conflict`]). The retry reloads the record,
    /// so it converges; the panel calls the failed attempt made are all safe to repeat.
    pub fn is_conflict(&self) -> bool {
        matches!(self, ProvisionError::Conflict { .. })
    }

    /// The message for the service's customer (the client area): [`message`](Self::message),
    /// except that a panel that could not be reached or did not answer like FLVX is
    /// reported without the transport's details (addresses, ports, a proxy's page), which
    /// are for the admin.
    pub fn customer_message(&self, lang: Lang) -> String {
        match self {
            ProvisionError::Panel { source, .. } if unreachable(source) => {
                Msg::PanelUnavailable.format(lang, &[])
            }
            _ => self.message(lang),
        }
    }

    /// The message in `lang`, from the catalogue (for the admin and the module log).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ProvisionError::InvalidOption {
                option,
                value,
                allowed: (msg, args),
            } => {
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let allowed = msg.format(lang, &args);
                Msg::InvalidOption.format(
                    lang,
                    &[("option", option), ("value", value), ("allowed", &allowed)],
                )
            }
            ProvisionError::InvalidDate { field, value } => {
                Msg::InvalidDate.format(lang, &[("field", field), ("value", value)])
            }
            ProvisionError::NotProvisioned => Msg::NotProvisioned.format(lang, &[]),
            ProvisionError::InvalidPassword => Msg::InvalidPassword.format(lang, &[]),
            ProvisionError::UserNotOurs { username } => {
                Msg::UserNotOurs.format(lang, &[("username", username)])
            }
            ProvisionError::LegacyField {
                field,
                value,
                allowed,
            } => Msg::LegacyField.format(
                lang,
                &[
                    ("field", field),
                    ("value", value),
                    ("allowed", allowed.text().get(lang)),
                ],
            ),
            ProvisionError::LegacyLayout { values } => {
                let moves: Vec<String> = crate::schema::LEGACY_LAYOUT
                    .iter()
                    .zip(values)
                    .map(|((position, old, key), value)| {
                        Msg::LegacyMove.format(
                            lang,
                            &[
                                ("old", old),
                                ("value", value),
                                ("position", &position.to_string()),
                                ("new", crate::schema::label_of(key)),
                            ],
                        )
                    })
                    .collect();
                Msg::LegacyLayout.format(lang, &[("moves", &moves.join("; "))])
            }
            ProvisionError::LegacyUserMissing { user_id } => {
                Msg::LegacyUserMissing.format(lang, &[("user_id", &user_id.to_string())])
            }
            ProvisionError::LegacyNameMismatch {
                user_id,
                username,
                found,
            } => Msg::LegacyNameMismatch.format(
                lang,
                &[
                    ("user_id", &user_id.to_string()),
                    ("username", username),
                    ("found", found),
                ],
            ),
            ProvisionError::LegacyPasswordMismatch { username } => {
                Msg::LegacyPasswordMismatch.format(lang, &[("username", username)])
            }
            ProvisionError::LegacyUserTaken {
                user_id,
                username,
                other,
            } => Msg::LegacyUserTaken.format(
                lang,
                &[
                    ("user_id", &user_id.to_string()),
                    ("username", username),
                    ("other", &other.to_string()),
                ],
            ),
            ProvisionError::LegacyAlreadyLinked { linked, user_id } => Msg::LegacyAlreadyLinked
                .format(
                    lang,
                    &[
                        ("linked", &linked.to_string()),
                        ("user_id", &user_id.to_string()),
                    ],
                ),
            ProvisionError::NoLegacyAccount => Msg::NoLegacyAccount.format(lang, &[]),
            ProvisionError::LinkAlreadyLinked { linked } => {
                Msg::LinkAlreadyLinked.format(lang, &[("linked", &linked.to_string())])
            }
            ProvisionError::LinkUserMissing { user } => {
                Msg::LinkUserMissing.format(lang, &[("user", user)])
            }
            ProvisionError::LinkAdminUser { user } => {
                Msg::LinkAdminUser.format(lang, &[("user", &user.to_string())])
            }
            ProvisionError::LinkUserTaken { user, other } => Msg::LinkUserTaken.format(
                lang,
                &[("user", &user.to_string()), ("other", &other.to_string())],
            ),
            ProvisionError::LinkNameTaken { username } => {
                Msg::LinkNameTaken.format(lang, &[("username", username)])
            }
            ProvisionError::Panel { action, source } => match reason_of(source) {
                Some(reason) => Msg::PanelRefused.format(
                    lang,
                    &[
                        ("action", action.text().get(lang)),
                        ("reason", reason.text().get(lang)),
                    ],
                ),
                None => Msg::PanelError.format(
                    lang,
                    &[
                        ("action", action.text().get(lang)),
                        ("detail", &source.to_string()),
                    ],
                ),
            },
            ProvisionError::ForwardsFailed {
                failed,
                verb,
                reason,
            } => {
                let failed = failed.to_string();
                let verb = verb.text().get(lang);
                match reason {
                    Some(reason) => Msg::ForwardsRefused.format(
                        lang,
                        &[
                            ("failed", &failed),
                            ("action", verb),
                            (
                                "reason",
                                reason_for(reason).map_or(reason, |m| m.text().get(lang)),
                            ),
                        ],
                    ),
                    None => {
                        Msg::ForwardsFailed.format(lang, &[("failed", &failed), ("action", verb)])
                    }
                }
            }
            ProvisionError::NeedsPanel3 { option, version } => {
                Msg::NeedsPanel3.format(lang, &[("option", option), ("version", version)])
            }
            ProvisionError::NeedsForwardResetFlow { option } => {
                Msg::NeedsForwardResetFlow.format(lang, &[("option", option)])
            }
            ProvisionError::PasswordTooLong => Msg::PasswordTooLong.format(lang, &[]),
            ProvisionError::ForwardResetNotOffered => Msg::ForwardResetNotOffered.format(lang, &[]),
            ProvisionError::ForwardLimit { count, max } => Msg::ForwardLimit.format(
                lang,
                &[("count", &count.to_string()), ("max", &max.to_string())],
            ),
            ProvisionError::TunnelNotInPlan { tunnel } => {
                Msg::TunnelNotInPlan.format(lang, &[("tunnel", &tunnel.to_string())])
            }
            ProvisionError::ForwardNotFound { forward } => {
                Msg::ForwardNotFound.format(lang, &[("forward", &forward.to_string())])
            }
            ProvisionError::ServiceSuspended => Msg::ServiceSuspended.format(lang, &[]),
            ProvisionError::InvalidForward { field } => Msg::InvalidForward.format(
                lang,
                &[
                    ("field", &field.label().format(lang, &[])),
                    ("reason", &field.rule().format(lang, &[])),
                ],
            ),
            ProvisionError::TooManyTargets { count, max } => Msg::TooManyTargets.format(
                lang,
                &[("count", &count.to_string()), ("max", &max.to_string())],
            ),
            ProvisionError::TargetHostInvalid => Msg::TargetHostInvalid.format(lang, &[]),
            ProvisionError::TargetUnresolved { target } => {
                Msg::TargetUnresolved.format(lang, &[("target", target)])
            }
            ProvisionError::TargetRefused {
                target,
                address,
                network,
                range,
            } => Msg::TargetRefused.format(
                lang,
                &[
                    ("target", target),
                    ("address", &address.to_string()),
                    ("network", network.text().get(lang)),
                    ("range", range),
                ],
            ),
            ProvisionError::TargetIsPanel { target, address } => Msg::TargetIsPanel.format(
                lang,
                &[("target", target), ("address", &address.to_string())],
            ),
            ProvisionError::TargetIsNode {
                target,
                address,
                node,
            } => Msg::TargetIsNode.format(
                lang,
                &[
                    ("target", target),
                    ("address", &address.to_string()),
                    ("node", node),
                ],
            ),
            ProvisionError::PortOutsidePlan { port, min, max } => Msg::PortOutsidePlan.format(
                lang,
                &[
                    ("port", &port.to_string()),
                    ("min", &min.to_string()),
                    ("max", &max.to_string()),
                ],
            ),
            ProvisionError::PortOutsideNode {
                port,
                node,
                min,
                max,
            } => Msg::PortOutsideNode.format(
                lang,
                &[
                    ("port", &port.to_string()),
                    ("node", node),
                    ("min", &min.to_string()),
                    ("max", &max.to_string()),
                ],
            ),
            ProvisionError::PortTaken { port, node } => {
                Msg::PortTaken.format(lang, &[("port", &port.to_string()), ("node", node)])
            }
            ProvisionError::NoFreePort { min, max } => Msg::NoFreePort.format(
                lang,
                &[("min", &min.to_string()), ("max", &max.to_string())],
            ),
            ProvisionError::Store { source } => {
                Msg::StoreFailed.format(lang, &[("detail", &source.to_string())])
            }
            ProvisionError::Conflict { service, .. } => {
                Msg::StoreConflict.format(lang, &[("service", &service.to_string())])
            }
        }
    }
}

/// Attaches the action to an SDK error.
pub(crate) trait PanelContext<T> {
    fn during(self, action: Msg) -> Result<T, ProvisionError>;
}

impl<T> PanelContext<T> for flvx_api::Result<T> {
    fn during(self, action: Msg) -> Result<T, ProvisionError> {
        self.map_err(|source| ProvisionError::Panel { action, source })
    }
}

/// Whether the panel could not be reached or did not answer like FLVX: what a customer
/// cannot act on, and whose details (host, port, a proxy's page) are the seller's.
fn unreachable(source: &flvx_api::Error) -> bool {
    matches!(
        source,
        flvx_api::Error::Transport { .. }
            | flvx_api::Error::UnexpectedResponse { .. }
            | flvx_api::Error::ResponseTooLarge { .. }
    )
}

/// A field of the add-forward form, for [`ProvisionError::InvalidForward`]: its name and
/// its rule come from the catalogue, so the message reads whole in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardField {
    /// The forward's name.
    Name,
    /// The target list.
    Target,
    /// The entry port.
    Port,
}

impl ForwardField {
    /// The field's name in messages.
    pub fn label(self) -> Msg {
        match self {
            ForwardField::Name => Msg::FieldName,
            ForwardField::Target => Msg::FieldTarget,
            ForwardField::Port => Msg::FieldPort,
        }
    }

    /// What the field must hold.
    pub fn rule(self) -> Msg {
        match self {
            ForwardField::Name => Msg::RuleName,
            ForwardField::Target => Msg::RuleTarget,
            ForwardField::Port => Msg::RulePort,
        }
    }
}
