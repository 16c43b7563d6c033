//! The product options schema: the single definition of the module's settings, which
//! becomes WHMCS `configoption1..N` in this order. Order is ABI: WHMCS stores settings by
//! position, so options are only ever appended (pinned by a test).

mod options;

pub use options::OPTIONS;

use crate::ProvisionError;
use crate::messages::Text;

/// The English label of option `key` (empty for an unknown key).
pub fn label_of(key: &str) -> &'static str {
    option(key).map_or("", |o| o.label.en)
}

/// The hand-written 1.0 module's settings, by position: (`configoptionN`, its 1.0 label,
/// the key of the option that takes its value here). 1.0 had only these five, so a product
/// it configured has every later position blank, which no product of this module has:
/// WHMCS saves a choice for every dropdown (*Monthly traffic reset*, *On termination*) and
/// the prefilled *Username prefix*.
pub const LEGACY_LAYOUT: [(usize, &str, &str); 5] = [
    (1, "Traffic Quota (GB)", "traffic_quota"),
    (2, "Max Forwards", "max_forwards"),
    (3, "Tunnel ID", "tunnels"),
    (4, "Speed Limit ID", "speed_limit"),
    (5, "Expiry Days", "expiry_days"),
];

/// Whether product settings (`configoption1..N` in order) are in the 1.0 layout: every
/// position of this module given (WHMCS always passes all of them; a shorter list, as Rust
/// callers pass, means defaults), one of the first five set, and every later one blank.
pub fn is_legacy_layout(product_options: &[String]) -> bool {
    if product_options.len() < OPTIONS.len() {
        return false;
    }
    let blank = |i: usize| product_options[i].trim().is_empty();
    let first = LEGACY_LAYOUT.len();
    (0..first).any(|i| !blank(i)) && (first..OPTIONS.len()).all(blank)
}

/// Refuses product settings in the 1.0 layout, naming each value and where it goes: read
/// as this module's, each would land in another setting (the traffic quota would be a
/// tunnel id), so nothing may run until the admin moves them. A WHMCS integration calls it
/// on the product's `configoption1..N` before [`crate::Plan::parse`] (the PHP module does);
/// `Plan::parse` itself reads blank settings as defaults, as Rust callers pass them.
pub fn refuse_legacy_layout(product_options: &[String]) -> Result<(), ProvisionError> {
    if !is_legacy_layout(product_options) {
        return Ok(());
    }
    Err(ProvisionError::LegacyLayout {
        values: LEGACY_LAYOUT
            .iter()
            .map(|(position, _, _)| product_options[position - 1].trim().to_owned())
            .collect(),
    })
}

/// WHMCS allows at most this many module settings.
pub const MAX_OPTIONS: usize = 24;

/// How an option is edited in WHMCS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A text box.
    Text,
    /// A drop-down of fixed choices.
    Dropdown(&'static [Choice]),
    /// A tick box (`on` when ticked).
    YesNo,
}

/// One choice of a drop-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The stored value.
    pub value: &'static str,
    /// What the admin sees.
    pub label: Text,
}

/// What values an option accepts. Rules are data, so that the generated PHP applies the
/// same checks as the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A whole number in `min..=max`.
    Integer {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A whole number in `min..=max`, or the word `unlimited`.
    IntegerOrUnlimited {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// Empty (the panel's value is kept), or a whole number in `min..=max`.
    OptionalInteger {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A comma-separated list of positive ids, at least one.
    IdList,
    /// A non-negative id, 0 meaning none.
    OptionalId,
    /// One of the drop-down's values.
    OneOf,
    /// `billing_day`, `never`, or a day of the month 1-31.
    ResetSchedule,
    /// A username prefix: a letter, then letters, digits, `-` or `_`, at most `max` long.
    Prefix {
        /// Longest allowed.
        max: usize,
    },
    /// Empty, or at most `max` comma-separated networks in CIDR form (no host bits set).
    NetworkList {
        /// Most networks allowed.
        max: usize,
    },
    /// Empty, or a port range `min-max` within 1-65535.
    PortRange,
}

/// Panel data a drop-down is filled from (WHMCS loader functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loader {
    /// `tunnel/list`.
    Tunnels,
    /// `speed-limit/list`.
    SpeedLimits,
    /// `group/tunnel/list`.
    TunnelGroups,
    /// `group/user/list`.
    UserGroups,
}

/// One product option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// Stable key; also the configurable-option name that overrides it.
    pub key: &'static str,
    /// Label.
    pub label: Text,
    /// Help text beside the field.
    pub description: Text,
    /// How it is edited.
    pub field: Field,
    /// Value when left empty.
    pub default: &'static str,
    /// What it accepts.
    pub rule: Rule,
    /// Panel data to offer as choices, if any.
    pub loader: Option<Loader>,
    /// Input width in WHMCS.
    pub size: u8,
    /// Shown in WHMCS's Simple Mode.
    pub simple: bool,
}

/// The option with this key.
pub fn option(key: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|o| o.key == key)
}

/// The 1-based WHMCS position (`configoptionN`) of the option with this key.
pub fn position(key: &str) -> Option<usize> {
    OPTIONS.iter().position(|o| o.key == key).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Order is ABI: this pins every key to its configoptionN. Append, never reorder.
    #[test]
    fn option_positions_are_frozen() {
        let keys: Vec<&str> = OPTIONS.iter().map(|o| o.key).collect();
        assert_eq!(
            keys,
            [
                "tunnels",
                "traffic_quota",
                "max_forwards",
                "speed_limit",
                "tunnel_group",
                "expiry_days",
                "expiry_grace_days",
                "traffic_reset",
                "username_prefix",
                "terminate_action",
                "user_group",
                "max_connections",
                "daily_quota",
                "monthly_quota",
                "forward_traffic_reset",
                "allowed_target_networks",
                "entry_port_range",
                "customer_panel_access",
            ]
        );
        assert!(OPTIONS.len() <= MAX_OPTIONS);
        assert_eq!(position("traffic_quota"), Some(2));
    }

    #[test]
    fn defaults_satisfy_their_own_rules() {
        for spec in OPTIONS {
            if spec.key == "tunnels" {
                continue; // no sensible default: the admin must pick a tunnel
            }
            crate::plan::check_value(spec, spec.default)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.key));
        }
    }

    #[test]
    fn dropdowns_have_one_of_rules_and_choices() {
        for spec in OPTIONS {
            if let Field::Dropdown(choices) = spec.field {
                assert!(!choices.is_empty(), "{}", spec.key);
                assert!(
                    choices.iter().any(|c| c.value == spec.default),
                    "{}",
                    spec.key
                );
            }
        }
    }
}
