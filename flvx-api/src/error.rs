//! The one error type of the SDK.

/// Everything that can go wrong talking to an FLVX panel.
///
/// The variants separate "not sent" ([`Error::InvalidInput`], [`Error::Config`]), "could
/// not reach the panel" ([`Error::Transport`]), "the panel said no" ([`Error::Api`] and the
/// auth variants) and "the panel answered something unreadable" ([`Error::UnexpectedResponse`],
/// [`Error::Decode`]). Panel messages are kept verbatim (they are Chinese, hard-coded strings).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured with something unusable (base URL, timeouts).
    #[error("invalid FLVX client configuration: {0}")]
    Config(String),

    /// A value was rejected before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The field (panel key) at fault.
        field: &'static str,
        /// Why, and what is allowed.
        reason: String,
    },

    /// The request did not complete: connection refused or reset, DNS, TLS, or timeout.
    #[error("could not reach the FLVX panel at {path}: {source}")]
    Transport {
        /// The endpoint path.
        path: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The answer was larger than [`crate::endpoints::MAX_RESPONSE_BYTES`]; nothing of it
    /// was used.
    #[error(
        "{path} answered with more than {limit_mib} MiB, which no FLVX panel sends: check \
         that the server address points at the FLVX panel itself"
    )]
    ResponseTooLarge {
        /// The endpoint path.
        path: &'static str,
        /// The limit, in MiB.
        limit_mib: usize,
    },

    /// The panel (or a proxy in front of it) answered with something that is not an FLVX
    /// envelope, such as an HTML 502 page or a plain-text 404.
    #[error("{path} answered HTTP {status} with a non-FLVX body: {snippet:?}")]
    UnexpectedResponse {
        /// The endpoint path.
        path: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        snippet: String,
    },

    /// The envelope was fine but its `data` did not have the expected shape.
    #[error("could not decode {path} data at `{json_path}`: {message}")]
    Decode {
        /// The endpoint path.
        path: &'static str,
        /// Where in `data` decoding failed (e.g. `[0].flow`).
        json_path: String,
        /// What was wrong.
        message: String,
    },

    /// The panel refused the request (`code` -1, -2 or 500) with its message.
    #[error("FLVX {path} failed (code {code}): {msg}")]
    Api {
        /// The endpoint path.
        path: &'static str,
        /// The envelope `code`.
        code: i64,
        /// The panel's message, verbatim.
        msg: String,
    },

    /// The token was refused (`code` 401) and logging in again did not help, or there is
    /// nothing to log in with (a pre-issued token).
    #[error("FLVX rejected the token at {path}: {msg}; {hint}", hint = hints::UNAUTHORIZED)]
    Unauthorized {
        /// The endpoint path.
        path: &'static str,
        /// The panel's message.
        msg: String,
    },

    /// The account is not an admin (`code` 403).
    #[error("FLVX refused {path} (code 403): {msg}; {hint}", hint = hints::FORBIDDEN)]
    Forbidden {
        /// The endpoint path.
        path: &'static str,
        /// The panel's message.
        msg: String,
    },

    /// A 3.0 panel refused a forward's target address (body code 403 from its SSRF
    /// filter: loopback or private addresses, or a name it could not resolve).
    #[error("FLVX refused the forward target at {path}: {msg}; {hint}", hint = hints::TARGET)]
    TargetRefused {
        /// The endpoint path.
        path: &'static str,
        /// The panel's message (English, naming the address).
        msg: String,
    },

    /// The commercial FLVX edition refused the call because its licence is not active
    /// (body code 451). Repeating it will not help until the licence is activated.
    #[error("FLVX refused {path} (code 451): {msg}; {hint}", hint = hints::LICENCE)]
    LicenceInactive {
        /// The endpoint path.
        path: &'static str,
        /// The panel's message.
        msg: String,
    },

    /// Login failed: wrong username or password, or the account is disabled.
    #[error("FLVX rejected the login: {msg}")]
    LoginRejected {
        /// The panel's message.
        msg: String,
    },

    /// Login needs a captcha, which an API client cannot solve (panel behaviour §2.4).
    #[error(
        "FLVX rejected the login: the panel requires a captcha ({msg}); {hint}",
        hint = hints::CAPTCHA
    )]
    CaptchaRequired {
        /// The panel's message.
        msg: String,
    },

    /// A lookup after a create found nothing (the panel returns no ids, so the SDK re-reads).
    #[error("{what} was not found on the panel")]
    NotFound {
        /// What was looked for.
        what: String,
    },
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// Whether repeating the same call later may succeed: transport failures and
    /// gateway errors (HTTP 429/502/503/504) are; refusals by the panel are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            Error::UnexpectedResponse { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// The envelope `code` when the panel answered with one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            Error::Unauthorized { .. } => Some(401),
            Error::Forbidden { .. } | Error::TargetRefused { .. } => Some(403),
            Error::LicenceInactive { .. } => Some(451),
            _ => None,
        }
    }

    /// The panel's message, when it sent one.
    pub fn panel_message(&self) -> Option<&str> {
        match self {
            Error::Api { msg, .. }
            | Error::Unauthorized { msg, .. }
            | Error::Forbidden { msg, .. }
            | Error::TargetRefused { msg, .. }
            | Error::LicenceInactive { msg, .. }
            | Error::LoginRejected { msg }
            | Error::CaptchaRequired { msg } => Some(msg),
            _ => None,
        }
    }

    /// Whether the panel said the thing does not exist (a delete that is already done).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::NotFound { .. } => true,
            Error::Api { msg, .. } => crate::panel_messages::NOT_FOUND.contains(&msg.as_str()),
            _ => false,
        }
    }
}

/// How to fix what the panel refused. Shared with the generated PHP client, so both say
/// the same.
pub mod hints {
    /// After a refused token.
    pub const UNAUTHORIZED: &str = "log in again or issue a new token";
    /// After a 403.
    pub const FORBIDDEN: &str = "the account must be the panel admin";
    /// After a 3.0 panel refused a forward target.
    pub const TARGET: &str = "use a public address or a host name that resolves to one";
    /// After a 451 from the commercial edition.
    pub const LICENCE: &str = "the panel's commercial licence is not active; activate it on \
                               the panel (or run the open-source edition)";
    /// After a captcha refusal at login.
    pub const CAPTCHA: &str = "update the panel to FLVX 3.0 (it lets billing modules past the \
                               captcha), disable captcha on the panel (config \
                               captcha_enabled=false) or use a pre-issued API token";
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
