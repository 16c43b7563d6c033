//! Options IR: positions, PHP-safe keys and flattened rules.

use super::{IrError, check_identifier};
use crate::escape::php_comment;
use flvx_provision::schema::{Field, Loader, OptionSpec, Rule};

/// One module setting, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionIr {
    /// 1-based `configoptionN` position.
    pub position: usize,
    /// Key (identifier).
    pub key: String,
    /// Labels.
    pub label_en: String,
    /// Chinese label.
    pub label_zh: String,
    /// Help text.
    pub description_en: String,
    /// Chinese help text.
    pub description_zh: String,
    /// Comment-safe label for generated comments.
    pub comment: String,
    /// WHMCS field type: `text`, `dropdown` or `yesno`.
    pub field_type: &'static str,
    /// Default value.
    pub default: String,
    /// Rule name: `integer`, `integer_or_unlimited`, `id_list`, `optional_id`, `one_of`,
    /// `reset_schedule`, `prefix`, `network_list` or `port_range`.
    pub rule: &'static str,
    /// Rule bound (0 when unused).
    pub min: u64,
    /// Rule bound (0 when unused).
    pub max: u64,
    /// Drop-down choices.
    pub choices: Vec<ChoiceIr>,
    /// Loader function suffix (`LoadTunnels`…), if any.
    pub loader: Option<&'static str>,
    /// Input width.
    pub size: u8,
    /// Shown in Simple Mode.
    pub simple: bool,
}

/// One drop-down choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceIr {
    /// Stored value.
    pub value: String,
    /// Label.
    pub label_en: String,
    /// Chinese label.
    pub label_zh: String,
}

pub(super) fn build(specs: &[OptionSpec]) -> Result<Vec<OptionIr>, IrError> {
    let mut seen = Vec::new();
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            check_identifier("option key", spec.key)?;
            if seen.contains(&spec.key) {
                return Err(IrError(format!("option key {:?} appears twice", spec.key)));
            }
            seen.push(spec.key);
            option(i + 1, spec)
        })
        .collect()
}

fn option(position: usize, spec: &OptionSpec) -> Result<OptionIr, IrError> {
    let (rule, min, max) = rule(spec.rule);
    let (field_type, choices) = match spec.field {
        Field::Text => ("text", Vec::new()),
        Field::YesNo => ("yesno", Vec::new()),
        Field::Dropdown(choices) => ("dropdown", choices.iter().map(choice).collect()),
    };
    if field_type == "dropdown" && choices.is_empty() {
        return Err(IrError(format!("drop-down {:?} has no choices", spec.key)));
    }
    if choices.iter().any(|c: &ChoiceIr| c.value.contains(',')) {
        return Err(IrError(format!(
            "a choice of {:?} contains a comma",
            spec.key
        )));
    }
    Ok(OptionIr {
        position,
        key: spec.key.to_owned(),
        label_en: spec.label.en.to_owned(),
        label_zh: spec.label.zh.to_owned(),
        description_en: spec.description.en.to_owned(),
        description_zh: spec.description.zh.to_owned(),
        comment: php_comment(spec.label.en),
        field_type,
        default: spec.default.to_owned(),
        rule,
        min,
        max,
        choices,
        loader: spec.loader.map(loader),
        size: spec.size,
        simple: spec.simple,
    })
}

fn choice(c: &flvx_provision::schema::Choice) -> ChoiceIr {
    ChoiceIr {
        value: c.value.to_owned(),
        label_en: c.label.en.to_owned(),
        label_zh: c.label.zh.to_owned(),
    }
}

fn rule(rule: Rule) -> (&'static str, u64, u64) {
    match rule {
        Rule::Integer { min, max } => ("integer", min, max),
        Rule::IntegerOrUnlimited { min, max } => ("integer_or_unlimited", min, max),
        Rule::OptionalInteger { min, max } => ("optional_integer", min, max),
        Rule::IdList => ("id_list", 0, 0),
        Rule::OptionalId => ("optional_id", 0, 0),
        Rule::OneOf => ("one_of", 0, 0),
        Rule::ResetSchedule => ("reset_schedule", 1, 31),
        Rule::Prefix { max } => ("prefix", 1, max as u64),
        Rule::NetworkList { max } => ("network_list", 0, max as u64),
        Rule::PortRange => ("port_range", 1, 65_535),
    }
}

fn loader(loader: Loader) -> &'static str {
    match loader {
        Loader::Tunnels => "LoadTunnels",
        Loader::SpeedLimits => "LoadSpeedLimits",
        Loader::TunnelGroups => "LoadTunnelGroups",
        Loader::UserGroups => "LoadUserGroups",
    }
}
