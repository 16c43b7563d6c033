//! From WHMCS-shaped option values to a typed [`Plan`]. Every rejection names the option,
//! the value and what is allowed, before any panel call.

use crate::error::ProvisionError;
use crate::messages::Msg;
use crate::policy::networks::{self, Network};
use crate::policy::port;
use crate::schema::{self, Field, OptionSpec, Rule};
use flvx_api::ids::{SpeedLimitId, TunnelGroupId, TunnelId, UserGroupId};
use flvx_api::models::QuotaLimits;
use flvx_api::units::Gib;
use std::collections::BTreeMap;

/// The option values of one service as WHMCS passes them.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    /// Module settings in order: index 0 is `configoption1`.
    pub product_options: Vec<String>,
    /// Configurable options chosen by the customer, by option name. A name equal to an
    /// option key (or its English label) overrides that option.
    pub configurable_options: BTreeMap<String, String>,
}

/// When the panel zeroes the traffic counters each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficReset {
    /// On the day of the month of the service's due date.
    BillingDay,
    /// On this day of the month.
    Day(u8),
    /// Never.
    Never,
}

/// What Terminate does on the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminateAction {
    /// Delete the user's forwards, then the user.
    Delete,
    /// Pause the forwards and disable the user, keeping both.
    Disable,
}

/// A validated product plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Tunnels named explicitly.
    pub tunnels: Vec<TunnelId>,
    /// Quota (never 0; [`Gib::UNLIMITED`] for unlimited).
    pub quota: Gib,
    /// Maximum forwards, enforced by the engine.
    pub max_forwards: i64,
    /// Speed limit on every binding.
    pub speed_limit: Option<SpeedLimitId>,
    /// A tunnel group whose tunnels are granted too.
    pub tunnel_group: Option<TunnelGroupId>,
    /// Validity for services without a due date; 0 = never expires.
    pub expiry_days: u32,
    /// Days after the due date before the panel expires the account.
    pub grace_days: u32,
    /// Monthly reset schedule.
    pub traffic_reset: TrafficReset,
    /// Panel usernames are this plus the service id.
    pub username_prefix: String,
    /// What Terminate does.
    pub on_terminate: TerminateAction,
    /// User group for new users.
    pub user_group: Option<UserGroupId>,
    /// Connection cap per customer (3.0); `None` leaves the panel's value alone.
    pub max_connections: Option<i64>,
    /// Daily and monthly quotas (3.0); a `None` window leaves the panel's value alone.
    pub quota_limits: QuotaLimits,
    /// Whether customers may zero a forward's own counters (3.0, `forward/reset-flow`).
    pub forward_traffic_reset: bool,
    /// Networks customers may forward to although the policy refuses them by default.
    pub allowed_networks: Vec<Network>,
    /// The seller's entry-port range; `None` leaves it to the nodes' ranges.
    pub entry_ports: Option<(u16, u16)>,
    /// Whether the customer may log in to the panel itself; without, the panel password
    /// is a secret only the module knows ([`crate::secret`]).
    pub panel_access: bool,
}

impl Plan {
    /// Validates every option and builds the plan.
    pub fn parse(input: &PlanInput) -> Result<Plan, ProvisionError> {
        let get = |key: &str| resolve(input, key);
        Ok(Plan {
            tunnels: get("tunnels")?.ids.into_iter().map(TunnelId).collect(),
            quota: quota(get("traffic_quota")?.number),
            max_forwards: get("max_forwards")?.number as i64,
            speed_limit: nonzero(get("speed_limit")?.number).map(SpeedLimitId),
            tunnel_group: nonzero(get("tunnel_group")?.number).map(TunnelGroupId),
            expiry_days: get("expiry_days")?.number as u32,
            grace_days: get("expiry_grace_days")?.number as u32,
            traffic_reset: traffic_reset(&get("traffic_reset")?.text),
            username_prefix: get("username_prefix")?.text,
            on_terminate: match get("terminate_action")?.text.as_str() {
                "disable" => TerminateAction::Disable,
                _ => TerminateAction::Delete,
            },
            user_group: nonzero(get("user_group")?.number).map(UserGroupId),
            max_connections: get("max_connections")?.optional().map(|n| n as i64),
            quota_limits: QuotaLimits {
                daily: get("daily_quota")?.optional().map(quota),
                monthly: get("monthly_quota")?.optional().map(quota),
            },
            forward_traffic_reset: get("forward_traffic_reset")?.text == "yes",
            allowed_networks: networks::parse_list(&get("allowed_target_networks")?.text)
                .unwrap_or_default(),
            entry_ports: port::parse_range(&get("entry_port_range")?.text).flatten(),
            panel_access: get("customer_panel_access")?.text != "no",
        })
    }

    /// The English label of the first option this plan sets that needs FLVX 3.0.
    pub fn needs_v3(&self) -> Option<&'static str> {
        let label = schema::label_of;
        if self.max_connections.is_some() {
            Some(label("max_connections"))
        } else if self.quota_limits.daily.is_some() {
            Some(label("daily_quota"))
        } else if self.quota_limits.monthly.is_some() {
            Some(label("monthly_quota"))
        } else if self.forward_traffic_reset {
            Some(label("forward_traffic_reset"))
        } else {
            None
        }
    }

    /// The panel username of service `service_id`.
    pub fn username(&self, service_id: u64) -> String {
        format!("{}{service_id}", self.username_prefix)
    }
}

/// A checked option value in the forms the plan needs.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    text: String,
    number: u64,
    ids: Vec<i64>,
}

/// The effective raw value of option `key`: a configurable option of that name, else the
/// module setting, else the default; then checked.
fn resolve(input: &PlanInput, key: &str) -> Result<Checked, ProvisionError> {
    let (index, spec) = schema::OPTIONS
        .iter()
        .enumerate()
        .find(|(_, o)| o.key == key)
        .expect("plan keys are schema keys");
    let overridden = input.configurable_options.iter().find(|(name, _)| {
        let name = name.trim();
        name.eq_ignore_ascii_case(spec.key) || name.eq_ignore_ascii_case(spec.label.en)
    });
    let raw = match overridden {
        Some((_, value)) => value.as_str(),
        None => input.product_options.get(index).map_or("", String::as_str),
    };
    let raw = if raw.trim().is_empty() {
        spec.default
    } else {
        raw
    };
    check_value(spec, raw)
}

/// Checks `raw` against the option's rule.
pub(crate) fn check_value(spec: &OptionSpec, raw: &str) -> Result<Checked, ProvisionError> {
    let text = raw.trim().to_owned();
    let reject = |allowed: (Msg, Vec<(&'static str, String)>)| ProvisionError::InvalidOption {
        option: spec.label.en,
        value: raw.to_owned(),
        allowed,
    };
    match spec.rule {
        Rule::Integer { min, max } => match parse_whole(&text) {
            Some(n) if (min..=max).contains(&n) => Ok(Checked::number(text, n)),
            _ => Err(reject(range(Msg::AllowedInteger, min, max))),
        },
        Rule::IntegerOrUnlimited { min, max } => {
            if text.eq_ignore_ascii_case("unlimited") {
                return Ok(Checked::number(text, Gib::UNLIMITED.get()));
            }
            match parse_whole(&text) {
                Some(n) if (min..=max).contains(&n) => Ok(Checked::number(text, n)),
                _ => Err(reject(range(Msg::AllowedIntegerOrUnlimited, min, max))),
            }
        }
        Rule::OptionalInteger { .. } if text.is_empty() => Ok(Checked::number(text, 0)),
        Rule::OptionalInteger { min, max } => match parse_whole(&text) {
            Some(n) if (min..=max).contains(&n) => Ok(Checked::number(text, n)),
            _ => Err(reject(range(Msg::AllowedOptionalInteger, min, max))),
        },
        Rule::IdList => {
            let ids: Option<Vec<i64>> = text
                .split(',')
                .map(|part| {
                    parse_whole(part.trim())
                        .filter(|n| *n > 0)
                        .map(|n| n as i64)
                })
                .collect();
            match ids {
                Some(mut ids) if !ids.is_empty() => {
                    dedup_keep_order(&mut ids);
                    Ok(Checked {
                        text,
                        number: 0,
                        ids,
                    })
                }
                _ => Err(reject((Msg::AllowedIdList, vec![]))),
            }
        }
        Rule::OptionalId => match parse_whole(&text) {
            Some(n) => Ok(Checked::number(text, n)),
            None => Err(reject((Msg::AllowedOptionalId, vec![]))),
        },
        Rule::OneOf => {
            let choices = match spec.field {
                Field::Dropdown(choices) => choices,
                _ => &[],
            };
            if choices.iter().any(|c| c.value == text) {
                Ok(Checked::number(text, 0))
            } else {
                let list: Vec<&str> = choices.iter().map(|c| c.value).collect();
                Err(reject((
                    Msg::AllowedOneOf,
                    vec![("choices", list.join(", "))],
                )))
            }
        }
        Rule::ResetSchedule => {
            let day_ok = parse_whole(&text).is_some_and(|d| (1..=31).contains(&d));
            if day_ok || text == "billing_day" || text == "never" {
                Ok(Checked::number(text, 0))
            } else {
                Err(reject((Msg::AllowedResetSchedule, vec![])))
            }
        }
        Rule::Prefix { max } => {
            let mut chars = text.chars();
            let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
            let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if first_ok && rest_ok && text.len() <= max {
                Ok(Checked::number(text, 0))
            } else {
                Err(reject((Msg::AllowedPrefix, vec![("max", max.to_string())])))
            }
        }
        Rule::NetworkList { max } => match networks::parse_list(&text) {
            Some(list) if list.len() <= max => Ok(Checked::number(text, 0)),
            _ => Err(reject((
                Msg::AllowedNetworks,
                vec![("max", max.to_string())],
            ))),
        },
        Rule::PortRange => match port::parse_range(&text) {
            Some(_) => Ok(Checked::number(text, 0)),
            None => Err(reject((Msg::AllowedPortRange, vec![]))),
        },
    }
}

impl Checked {
    fn number(text: String, number: u64) -> Self {
        Checked {
            text,
            number,
            ids: Vec::new(),
        }
    }

    /// The number of an optional option, `None` when left empty.
    fn optional(&self) -> Option<u64> {
        (!self.text.is_empty()).then_some(self.number)
    }
}

fn range(msg: Msg, min: u64, max: u64) -> (Msg, Vec<(&'static str, String)>) {
    (
        msg,
        vec![("min", min.to_string()), ("max", max.to_string())],
    )
}

/// Digits only (no sign, no decimals, no exponent), and small enough to be sane.
fn parse_whole(text: &str) -> Option<u64> {
    let ok = !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

fn dedup_keep_order(ids: &mut Vec<i64>) {
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(*id));
}

fn nonzero(n: u64) -> Option<i64> {
    (n > 0).then_some(n as i64)
}

fn quota(gib: u64) -> Gib {
    // The rule bounds the value far below the overflow limit, so this cannot fail.
    Gib::new(gib).unwrap_or(Gib::UNLIMITED)
}

fn traffic_reset(text: &str) -> TrafficReset {
    match text {
        "billing_day" => TrafficReset::BillingDay,
        "never" => TrafficReset::Never,
        day => day
            .parse()
            .map_or(TrafficReset::BillingDay, TrafficReset::Day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    fn input(options: &[&str]) -> PlanInput {
        PlanInput {
            product_options: options.iter().map(|s| s.to_string()).collect(),
            configurable_options: BTreeMap::new(),
        }
    }

    #[test]
    fn parses_a_full_product() {
        let plan = Plan::parse(&input(&[
            "3, 5,3", "250", "4", "7", "0", "30", "2", "15", "cust", "disable", "9",
        ]))
        .unwrap();
        assert_eq!(plan.tunnels, vec![TunnelId(3), TunnelId(5)]);
        assert_eq!(plan.quota, Gib::new(250).unwrap());
        assert_eq!(plan.max_forwards, 4);
        assert_eq!(plan.speed_limit, Some(SpeedLimitId(7)));
        assert_eq!(plan.tunnel_group, None);
        assert_eq!(plan.grace_days, 2);
        assert_eq!(plan.traffic_reset, TrafficReset::Day(15));
        assert_eq!(plan.on_terminate, TerminateAction::Disable);
        assert_eq!(plan.user_group, Some(UserGroupId(9)));
        assert_eq!(plan.username(42), "cust42");
    }

    #[test]
    fn empty_settings_take_defaults_but_tunnels_are_required() {
        let err = Plan::parse(&input(&[])).unwrap_err();
        let text = err.message(Lang::En);
        assert!(
            text.contains("\"Tunnels\"") && text.contains("3,5"),
            "{text}"
        );
        let plan = Plan::parse(&input(&["1"])).unwrap();
        assert_eq!(plan.quota, Gib::new(100).unwrap());
        assert_eq!(plan.max_forwards, 10);
        assert_eq!(plan.traffic_reset, TrafficReset::BillingDay);
        assert_eq!(plan.username_prefix, "flvx");
        assert_eq!(plan.on_terminate, TerminateAction::Delete);
    }

    #[test]
    fn quota_zero_negative_decimal_and_huge_are_rejected() {
        for bad in ["0", "-5", "1.5", "1e3", "99999999999999", "lots"] {
            let err = Plan::parse(&input(&["1", bad])).unwrap_err();
            let text = err.message(Lang::En);
            assert!(
                text.contains("Traffic quota (GiB)") && text.contains(bad),
                "{text}"
            );
            assert!(text.contains("from 1 to 99998, or \"unlimited\""), "{text}");
        }
        let plan = Plan::parse(&input(&["1", "Unlimited"])).unwrap();
        assert_eq!(plan.quota, Gib::UNLIMITED);
    }

    #[test]
    fn messages_come_in_chinese_too() {
        let err = Plan::parse(&input(&["1", "10", "0"])).unwrap_err();
        assert_eq!(
            err.message(Lang::Zh),
            "产品选项“Max forwards”的值“0”无效：1 到 1000 之间的整数。请在产品的模块设置或可配置选项中修正。"
        );
    }

    #[test]
    fn configurable_options_override_by_key_or_label() {
        let mut i = input(&["1", "100", "5"]);
        i.configurable_options
            .insert("traffic_quota".into(), "500".into());
        i.configurable_options
            .insert(" max forwards ".into(), "8".into());
        let plan = Plan::parse(&i).unwrap();
        assert_eq!(plan.quota, Gib::new(500).unwrap());
        assert_eq!(plan.max_forwards, 8);
        i.configurable_options
            .insert("traffic_quota".into(), "0".into());
        assert!(Plan::parse(&i).is_err());
    }

    #[test]
    fn target_networks_and_entry_ports_are_checked_and_parsed() {
        let mut options = vec![""; 17];
        options[0] = "1";
        options[15] = " 10.20.0.0/16, fd00:1::/64 ";
        options[16] = "20000-29999";
        let plan = Plan::parse(&input(&options)).unwrap();
        assert_eq!(plan.allowed_networks.len(), 2);
        assert_eq!(plan.allowed_networks[0].to_string(), "10.20.0.0/16");
        assert_eq!(plan.entry_ports, Some((20_000, 29_999)));
        let plan = Plan::parse(&input(&["1"])).unwrap();
        assert!(plan.allowed_networks.is_empty());
        assert_eq!(plan.entry_ports, None);
        for (pos, bad, label) in [
            (15, "10.0.0.5/8", "Allowed target networks"),
            (15, "10.0.0.0/8,intranet", "Allowed target networks"),
            (16, "30000-20000", "Entry port range"),
            (16, "0-100", "Entry port range"),
            (16, "22", "Entry port range"),
        ] {
            let mut options = vec![""; 17];
            options[0] = "1";
            options[pos] = bad;
            let text = Plan::parse(&input(&options)).unwrap_err().to_string();
            assert!(text.contains(label) && text.contains(bad), "{text}");
        }
        let many = vec!["10.0.0.0/8"; 33].join(",");
        let mut options = vec![""; 17];
        options[0] = "1";
        options[15] = &many;
        let text = Plan::parse(&input(&options)).unwrap_err().to_string();
        assert!(text.contains("at most 32 networks"), "{text}");
    }

    #[test]
    fn bad_prefix_reset_and_terminate_values_are_named() {
        let cases = [
            (8, "1bad", "Username prefix"),
            (7, "32", "Monthly traffic reset"),
            (9, "purge", "On termination"),
            (3, "x", "Speed limit"),
        ];
        for (pos, value, label) in cases {
            let mut options = vec!["1"; 11];
            options[1] = "10";
            options[2] = "5";
            options[5] = "30";
            options[6] = "3";
            options[7] = "billing_day";
            options[8] = "flvx";
            options[9] = "delete";
            options[pos] = value;
            let text = Plan::parse(&input(&options)).unwrap_err().to_string();
            assert!(text.contains(label) && text.contains(value), "{text}");
        }
    }
}
