//! The request journal: every request the fake panel received, faulted ones included.

use super::faults::Fault;
use crate::ids::UserId;
use serde_json::Value;

/// Who sent a request, as the panel's auth middleware would see its `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// No `Authorization` header, or a blank one.
    Anonymous,
    /// A header that is not a valid token: unknown, expired, revoked, or `Bearer`-prefixed.
    InvalidToken,
    /// A valid token.
    User {
        /// The token's user id (`sub`).
        id: UserId,
        /// The username in the token.
        name: String,
        /// Whether the token carries the admin role (`role_id` 0).
        admin: bool,
    },
}

/// One request the fake panel received.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// The URL path, without the query string.
    pub path: String,
    /// The body: `None` when empty, the parsed JSON when it is JSON, otherwise the raw text
    /// as a JSON string.
    pub body: Option<Value>,
    /// Who sent it.
    pub identity: Identity,
    /// The envelope `code` answered, or `None` when the answer was not a readable envelope
    /// (a dropped connection, an HTML 502, truncated JSON, a plain-text 404, a CORS
    /// preflight, the `captcha/verify` object).
    pub code: Option<i64>,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
}

/// The journal body of a raw request body.
pub(crate) fn body_value(body: &[u8]) -> Option<Value> {
    if body.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned())),
    )
}
