//! Panel refusals the catalogue explains. The panel's reasons are terse Chinese strings;
//! these say in the reader's language what happened and what to do. The table is also
//! generated into the PHP module, so both runtimes explain the same refusals alike.

use crate::messages::Msg;
use flvx_api::panel_messages::{gate, port};

/// A panel message (or a constant part of one) and the catalogue reason for it.
pub const REFUSALS: &[(&str, Msg)] = &[
    (gate::ACCOUNT_DISABLED, Msg::ReasonAccountDisabled),
    (gate::ACCOUNT_EXPIRED, Msg::ReasonAccountExpired),
    (gate::QUOTA_EXCEEDED, Msg::ReasonQuotaExceeded),
    (gate::BINDING_TRAFFIC_EXCEEDED, Msg::ReasonTunnelLimit),
    (gate::BINDING_FORWARD_LIMIT, Msg::ReasonTunnelLimit),
    (gate::TRAFFIC_EXCEEDED, Msg::ReasonTrafficExceeded),
    (gate::FORWARD_LIMIT, Msg::ReasonForwardLimit),
    (gate::BINDING_DISABLED, Msg::ReasonTunnelUnavailable),
    (gate::BINDING_EXPIRED, Msg::ReasonTunnelUnavailable),
    (port::OUT_OF_RANGE, Msg::ReasonPortOutOfRange),
    (port::TAKEN, Msg::ReasonPortTaken),
];

/// The catalogue reason for a panel message, if the table knows it. Longer entries come
/// first where one message contains another (`该隧道流量已超额…` contains `流量已超额…`).
pub fn reason_for(panel_message: &str) -> Option<Msg> {
    REFUSALS
        .iter()
        .find(|(text, _)| panel_message.contains(text))
        .map(|(_, msg)| *msg)
}

/// The catalogue reason for an SDK error: a known refusal, a refused target, or the
/// commercial edition's inactive licence.
pub fn reason_of(error: &flvx_api::Error) -> Option<Msg> {
    match error {
        flvx_api::Error::TargetRefused { .. } => Some(Msg::ReasonTargetRefused),
        flvx_api::Error::LicenceInactive { .. } => Some(Msg::ReasonLicenceInactive),
        flvx_api::Error::Api { msg, .. } => reason_for(msg),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gate_refusal_has_a_reason() {
        for text in [
            gate::ACCOUNT_DISABLED,
            gate::ACCOUNT_EXPIRED,
            gate::TRAFFIC_EXCEEDED,
            gate::QUOTA_EXCEEDED,
            gate::FORWARD_LIMIT,
            gate::BINDING_DISABLED,
            gate::BINDING_EXPIRED,
            gate::BINDING_TRAFFIC_EXCEEDED,
            gate::BINDING_FORWARD_LIMIT,
        ] {
            assert!(reason_for(text).is_some(), "{text}");
        }
    }

    #[test]
    fn the_longer_message_wins() {
        assert_eq!(
            reason_for(gate::BINDING_TRAFFIC_EXCEEDED),
            Some(Msg::ReasonTunnelLimit)
        );
        assert_eq!(
            reason_for(gate::TRAFFIC_EXCEEDED),
            Some(Msg::ReasonTrafficExceeded)
        );
        assert_eq!(
            reason_for("端口 22 超出节点 n1 允许范围 10000-20000"),
            Some(Msg::ReasonPortOutOfRange)
        );
        assert_eq!(
            reason_for("节点 n1 端口 10001 已被其他转发占用"),
            Some(Msg::ReasonPortTaken)
        );
        assert_eq!(reason_for("something else"), None);
    }
}
