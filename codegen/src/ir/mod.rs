//! The validated intermediate representation the templates render. Every naming,
//! numbering and validation decision is made here; templates only loop and branch.

mod endpoints;
mod messages;
mod options;

pub use endpoints::EndpointIr;
pub use messages::MessageIr;
pub use options::{ChoiceIr, OptionIr};

use flvx_api::endpoints::Endpoint;
use flvx_provision::messages::{Msg, Text};
use flvx_provision::schema::{MAX_OPTIONS, OptionSpec};
use std::fmt;

/// The module's system name: the folder, the file and every function prefix.
pub const MODULE_NAME: &str = "flvx";

/// Everything the module's files are rendered from.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleIr {
    /// `flvx`.
    pub name: &'static str,
    /// Shown in WHMCS.
    pub display_name: &'static str,
    /// The release version.
    pub version: String,
    /// Module settings, in `configoptionN` order.
    pub options: Vec<OptionIr>,
    /// The panel endpoints the PHP client may call.
    pub endpoints: Vec<EndpointIr>,
    /// The message catalogue.
    pub messages: Vec<MessageIr>,
    /// Units, limits and panel facts both runtimes share.
    pub constants: Vec<ConstantIr>,
}

/// A named PHP class constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstantIr {
    /// UPPER_SNAKE name.
    pub name: String,
    /// A PHP literal (number, or single-quoted string already escaped).
    pub literal: String,
    /// Why it exists (safe for a PHP comment).
    pub doc: String,
}

/// Invalid input to the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrError(pub String);

impl fmt::Display for IrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IrError {}

impl ModuleIr {
    /// The IR of the real module, from the crates' definitions.
    pub fn from_definitions() -> Result<ModuleIr, IrError> {
        let messages: Vec<(&str, Text)> = Msg::ALL.iter().map(|m| (m.key(), m.text())).collect();
        ModuleIr::build(
            flvx_provision::schema::OPTIONS,
            flvx_api::endpoints::ALL,
            &messages,
        )
    }

    /// Builds and validates an IR from any definitions (tests feed edge cases here).
    pub fn build(
        options: &[OptionSpec],
        endpoints: &[Endpoint],
        messages: &[(&str, Text)],
    ) -> Result<ModuleIr, IrError> {
        if options.len() > MAX_OPTIONS {
            return Err(IrError(format!(
                "{} options, but WHMCS stores at most {MAX_OPTIONS}",
                options.len()
            )));
        }
        Ok(ModuleIr {
            name: MODULE_NAME,
            display_name: "FLVX Traffic Forwarding",
            version: env!("CARGO_PKG_VERSION").to_owned(),
            options: options::build(options)?,
            endpoints: endpoints::build(endpoints)?,
            messages: messages::build(messages)?,
            constants: constants(),
        })
    }
}

/// A lowercase identifier safe as a PHP array key, function suffix or file name.
pub(crate) fn check_identifier(what: &str, name: &str) -> Result<(), IrError> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if first_ok && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        Ok(())
    } else {
        Err(IrError(format!(
            "{what} {name:?} is not an identifier (a-z, then a-z, 0-9 or _)"
        )))
    }
}

fn constants() -> Vec<ConstantIr> {
    use flvx_api::panel_messages as panel;
    use flvx_api::units::{BYTES_PER_GIB, BYTES_PER_MB, EpochMs, Gib};
    let number = |name: &str, value: i128, doc: &str| ConstantIr {
        name: name.to_owned(),
        literal: value.to_string(),
        doc: crate::escape::php_comment(doc),
    };
    let text = |name: &str, value: &str, doc: &str| ConstantIr {
        name: name.to_owned(),
        literal: format!("'{}'", php_single_quoted(value)),
        doc: crate::escape::php_comment(doc),
    };
    vec![
        number(
            "BYTES_PER_GIB",
            BYTES_PER_GIB.into(),
            "The panel's quotas are GiB: flow x 2^30 bytes.",
        ),
        number(
            "BYTES_PER_MB",
            BYTES_PER_MB.into(),
            "WHMCS bwusage/bwlimit are MB of 1024^2 bytes.",
        ),
        number(
            "UNLIMITED_GIB",
            Gib::UNLIMITED.get().into(),
            "The panel UI's unlimited quota.",
        ),
        number(
            "GIB_OVERFLOW",
            Gib::OVERFLOW.into(),
            "Quotas from here on wrap the panel's int64 arithmetic.",
        ),
        number(
            "FAR_FUTURE_MS",
            EpochMs::FAR_FUTURE.get().into(),
            "Expiry for services that never expire.",
        ),
        number(
            "TIMEOUT_SECONDS",
            flvx_api::DEFAULT_TIMEOUT.as_secs().into(),
            "Whole-request timeout, above the panel's 30 s write timeout.",
        ),
        number(
            "CONNECT_TIMEOUT_SECONDS",
            flvx_api::DEFAULT_CONNECT_TIMEOUT.as_secs().into(),
            "Connection timeout.",
        ),
        text(
            "HINT_UNAUTHORIZED",
            flvx_api::hints::UNAUTHORIZED,
            "Fix for a refused token.",
        ),
        text(
            "HINT_FORBIDDEN",
            flvx_api::hints::FORBIDDEN,
            "Fix for a 403.",
        ),
        text(
            "HINT_CAPTCHA",
            flvx_api::hints::CAPTCHA,
            "Fix for a captcha refusal at login.",
        ),
        text(
            "MSG_NAME_TAKEN",
            panel::NAME_TAKEN,
            "Panel answer: the username is taken.",
        ),
        text(
            "MSG_CAPTCHA_FAILED",
            panel::CAPTCHA_FAILED,
            "Panel answer: login needs a captcha.",
        ),
        text(
            "MSG_BAD_CREDENTIALS",
            panel::BAD_CREDENTIALS,
            "Panel answer: wrong username or password.",
        ),
        text(
            "MSG_LOGIN_DISABLED",
            panel::LOGIN_DISABLED,
            "Panel answer: right password, disabled account.",
        ),
        text(
            "MSG_USER_NOT_FOUND",
            panel::USER_NOT_FOUND,
            "Panel answer: no such user.",
        ),
        text(
            "MSG_FORWARD_NOT_FOUND",
            panel::FORWARD_NOT_FOUND,
            "Panel answer: no such forward (or not yours).",
        ),
        text(
            "MSG_TUNNEL_NOT_FOUND",
            panel::TUNNEL_NOT_FOUND,
            "Panel answer: no such tunnel.",
        ),
        text(
            "MSG_NO_ROWS",
            panel::NO_ROWS,
            "Panel answer (3.0): the binding is already gone.",
        ),
        text(
            "HINT_TARGET",
            flvx_api::hints::TARGET,
            "Fix for a refused forward target (3.0).",
        ),
        text(
            "HINT_LICENCE",
            flvx_api::hints::LICENCE,
            "Fix for the commercial edition's code 451.",
        ),
        text(
            "API_CLIENT_HEADER",
            flvx_api::endpoints::API_CLIENT_HEADER,
            "Login header that lets billing modules past the captcha (3.0, late 2.1.5).",
        ),
        text(
            "API_CLIENT_NAME",
            flvx_api::endpoints::API_CLIENT_NAME,
            "Its value.",
        ),
        number(
            "MAX_PARALLEL_CALLS",
            flvx_provision::engine::MAX_PARALLEL_CALLS as i128,
            "Most independent panel calls in flight at once (per-tunnel assigns and removes).",
        ),
        number(
            "MAX_RESPONSE_BYTES",
            flvx_api::endpoints::MAX_RESPONSE_BYTES as i128,
            "Largest panel answer read; a larger one is refused.",
        ),
        text(
            "LEGACY_FIELD_USER_ID",
            flvx_provision::engine::FIELD_USER_ID,
            "The 1.0 module's custom field: the panel user id.",
        ),
        text(
            "LEGACY_FIELD_USERNAME",
            flvx_provision::engine::FIELD_USERNAME,
            "The 1.0 module's custom field: the panel username.",
        ),
        text(
            "LEGACY_FIELD_PASSWORD",
            flvx_provision::engine::FIELD_PASSWORD,
            "The 1.0 module's custom field: the panel password, in clear text.",
        ),
        number(
            "CHART_HOURS",
            flvx_provision::views::CHART_HOURS.into(),
            "Hours in the client area's hourly traffic chart.",
        ),
        number(
            "DAILY_USAGE_DAYS",
            flvx_provision::store::DAILY_USAGE_DAYS.into(),
            "Days of daily usage samples kept and charted (today included).",
        ),
        number(
            "CHART_WIDTH",
            flvx_provision::views::CHART_WIDTH.into(),
            "Width of a traffic chart in SVG user units.",
        ),
        number(
            "CHART_HEIGHT",
            flvx_provision::views::CHART_HEIGHT.into(),
            "Height of a traffic chart in SVG user units.",
        ),
        number(
            "CHART_HEADROOM",
            flvx_provision::views::CHART_HEADROOM.into(),
            "Room above a chart's tallest bar.",
        ),
        number(
            "CHART_GAP",
            flvx_provision::views::CHART_GAP.into(),
            "Space between two chart bars.",
        ),
        number(
            "MAX_PASSWORD_BYTES",
            flvx_provision::engine::MAX_PASSWORD_BYTES as i128,
            "FLVX 3.0's bcrypt refuses longer passwords.",
        ),
        text(
            "VERSION_2_1",
            flvx_api::PanelVersion::V2_1.label(),
            "The FLVX 2.1 line.",
        ),
        text(
            "VERSION_3_0",
            flvx_api::PanelVersion::V3_0.label(),
            "The FLVX 3.0 line (its tokens carry an iat_ms claim).",
        ),
        number(
            "MAX_TARGETS",
            flvx_provision::policy::target::MAX_TARGETS as i128,
            "A forward has at most this many targets (the forward policy).",
        ),
        number(
            "MAX_HOST_CHARS",
            flvx_provision::policy::target::MAX_HOST_CHARS as i128,
            "A target host name is at most this long.",
        ),
        ConstantIr {
            name: "LEGACY_LAYOUT".to_owned(),
            literal: legacy_layout_literal(),
            doc: crate::escape::php_comment(
                "The 1.0 module's settings: (configoptionN, its 1.0 label, the option key that takes its value).",
            ),
        },
        ConstantIr {
            name: "REFUSED_NETWORKS".to_owned(),
            literal: pairs_literal(flvx_provision::policy::networks::REFUSED),
            doc: crate::escape::php_comment(
                "Networks forwards may not target by default: (CIDR, message key of its kind).",
            ),
        },
        ConstantIr {
            name: "REFUSALS".to_owned(),
            literal: pairs_literal(flvx_provision::refusals::REFUSALS),
            doc: crate::escape::php_comment(
                "Panel refusals the catalogue explains: (part of the panel's message, message key).",
            ),
        },
    ]
}

/// `array(array(N, '<1.0 label>', '<option key>'), ...)`, in position order.
fn legacy_layout_literal() -> String {
    let rows: Vec<String> = flvx_provision::schema::LEGACY_LAYOUT
        .iter()
        .map(|(position, old, key)| {
            format!(
                "array({position}, '{}', '{}')",
                php_single_quoted(old),
                php_single_quoted(key)
            )
        })
        .collect();
    format!("array(\n        {},\n    )", rows.join(",\n        "))
}

/// `array(array('<text>', '<message key>'), ...)`, in the table's order.
fn pairs_literal(table: &[(&str, Msg)]) -> String {
    let pairs: Vec<String> = table
        .iter()
        .map(|(text, msg)| {
            format!(
                "array('{}', '{}')",
                php_single_quoted(text),
                php_single_quoted(msg.key())
            )
        })
        .collect();
    format!("array(\n        {},\n    )", pairs.join(",\n        "))
}

/// Escapes a value for the inside of a PHP single-quoted literal (for literals built in
/// the IR rather than by a template).
pub(crate) fn php_single_quoted(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}
