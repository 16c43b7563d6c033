//! Which FLVX line a panel runs, told from what the API returns.
//!
//! Two lines are in use: 2.1 (February 2026) and 3.0 (July 2026). They share the API but
//! differ in behaviour a billing integration depends on (a connection cap that full
//! updates reset, enforced forward limits, tokens checked against the database, quota
//! windows). The version is never read from `system/version`, which calls out to the
//! internet: it is told from the login token the panel issues (3.0 tokens carry an
//! `iat_ms` claim and live 7 days; 2.1 tokens live 90 days without it).

use base64::Engine;
use std::fmt;

/// An FLVX release line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PanelVersion {
    /// FLVX 2.1.4 and later 2.1 releases.
    V2_1,
    /// FLVX 3.0.x (3.0.1-beta1 and later).
    V3_0,
}

impl PanelVersion {
    /// Every supported line, oldest first.
    pub const ALL: [PanelVersion; 2] = [PanelVersion::V2_1, PanelVersion::V3_0];

    /// The line as sellers name it: `"2.1"` or `"3.0"`.
    pub fn label(self) -> &'static str {
        match self {
            PanelVersion::V2_1 => "2.1",
            PanelVersion::V3_0 => "3.0",
        }
    }

    /// The line that issued `token`, if it is JWT-shaped: 3.0 when its payload has an
    /// `iat_ms` claim, 2.1 otherwise.
    pub fn of_token(token: &str) -> Option<PanelVersion> {
        let payload = token.split('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let claims = claims.as_object()?;
        if !claims.contains_key("exp") {
            return None;
        }
        Some(if claims.contains_key("iat_ms") {
            PanelVersion::V3_0
        } else {
            PanelVersion::V2_1
        })
    }
}

impl fmt::Display for PanelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FLVX {}", self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            enc.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
            enc.encode(claims)
        )
    }

    #[test]
    fn tokens_tell_the_line() {
        let v3 = jwt(r#"{"sub":"1","iat":1796154299,"iat_ms":1796154299256,"exp":1796759099}"#);
        let v21 = jwt(r#"{"sub":"1","iat":1796154299,"exp":1803930299}"#);
        assert_eq!(PanelVersion::of_token(&v3), Some(PanelVersion::V3_0));
        assert_eq!(PanelVersion::of_token(&v21), Some(PanelVersion::V2_1));
        assert_eq!(PanelVersion::of_token("opaque-token"), None);
        assert_eq!(PanelVersion::of_token(&jwt(r#"{"sub":"1"}"#)), None);
    }
}
