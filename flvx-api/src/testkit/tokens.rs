//! Login tokens shaped like the panel's (panel behaviour §2.2): `base64url(header).base64url(claims).
//! base64url(signature)` without padding, claims `sub` (string), `iat`, `exp` (unix seconds),
//! `user`, `name`, `role_id`; 3.0 adds `iat_ms` after `iat` (panel behaviour §2.2).
//!
//! The fake keeps a table of the tokens it issued instead of verifying an HMAC; a token is
//! valid here while it is in the table and `exp` is after the panel's clock. Whether the
//! database is consulted as well is the profile's business (`auth`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

/// What the panel reads from a token's claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    /// `sub`, parsed.
    pub(crate) user_id: i64,
    /// `user` / `name`.
    pub(crate) name: String,
    /// `role_id`, frozen at issue time.
    pub(crate) role_id: i64,
    /// `exp` in unix seconds.
    pub(crate) exp: i64,
    /// `iat_ms`, present in 3.0 tokens.
    pub(crate) iat_ms: Option<i64>,
}

/// What to put in a new token.
#[derive(Debug, Clone)]
pub(crate) struct TokenSpec<'a> {
    pub(crate) user_id: i64,
    pub(crate) name: &'a str,
    pub(crate) role_id: i64,
    /// Issue time in milliseconds (`iat` is its second, `exp` counts from it).
    pub(crate) issued_ms: i64,
    /// The `iat_ms` claim, if the payload has one.
    pub(crate) iat_ms: Option<i64>,
    pub(crate) lifetime_secs: i64,
}

impl Claims {
    /// Whether the token carries the admin role.
    pub(crate) fn is_admin(&self) -> bool {
        self.role_id == 0
    }
}

/// The tokens issued so far.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    issued: HashMap<String, Claims>,
    serial: u64,
    key: RandomState,
}

impl Tokens {
    /// Issues a token.
    pub(crate) fn issue(&mut self, spec: &TokenSpec<'_>) -> String {
        let iat = spec.issued_ms.div_euclid(1000);
        let exp = iat + spec.lifetime_secs;
        let iat_ms = spec.iat_ms;
        let header = r#"{"alg":"HmacSHA256","typ":"JWT"}"#;
        // Go encodes the claims struct in field order: sub, iat, [iat_ms,] exp, user, name,
        // role_id.
        let quoted = serde_json::Value::from(spec.name).to_string();
        let iat_ms_claim = iat_ms
            .map(|ms| format!(r#""iat_ms":{ms},"#))
            .unwrap_or_default();
        let (user_id, role_id) = (spec.user_id, spec.role_id);
        let payload = format!(
            r#"{{"sub":"{user_id}","iat":{iat},{iat_ms_claim}"exp":{exp},"user":{quoted},"name":{quoted},"role_id":{role_id}}}"#
        );
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        // An opaque 32-byte signature, unique per issue so that tokens revoked by a fault
        // are never re-issued verbatim.
        self.serial += 1;
        let mut signature = Vec::with_capacity(32);
        for lane in 0..4u8 {
            let mut hasher = self.key.build_hasher();
            hasher.write(signing_input.as_bytes());
            hasher.write_u64(self.serial);
            hasher.write_u8(lane);
            signature.extend_from_slice(&hasher.finish().to_le_bytes());
        }
        let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature));
        let claims = Claims {
            user_id,
            name: spec.name.to_string(),
            role_id,
            exp,
            iat_ms,
        };
        self.issued.insert(token.clone(), claims);
        token
    }

    /// The claims of a valid token (issued here, not revoked, `exp > now`).
    pub(crate) fn validate(&self, token: &str, now_ms: i64) -> Option<&Claims> {
        let claims = self.issued.get(token)?;
        (claims.exp > now_ms.div_euclid(1000)).then_some(claims)
    }

    /// Makes every token issued so far invalid.
    pub(crate) fn expire_all(&mut self) {
        self.issued.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFETIME_SECS: i64 = 90 * 24 * 3600;

    fn spec(now: i64, with_iat_ms: bool) -> TokenSpec<'static> {
        TokenSpec {
            user_id: 2,
            name: "bob",
            role_id: 1,
            issued_ms: now,
            iat_ms: with_iat_ms.then_some(now),
            lifetime_secs: LIFETIME_SECS,
        }
    }

    #[test]
    fn token_shape_and_lifetime() {
        let mut tokens = Tokens::default();
        let now = 1_700_000_000_123;
        let token = tokens.issue(&spec(now, false));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert!(!token.contains('='));
        let payload = URL_SAFE_NO_PAD.decode(parts[1]).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(claims["sub"], "2");
        assert_eq!(claims["iat"], 1_700_000_000);
        assert_eq!(claims["exp"], 1_700_000_000 + LIFETIME_SECS);
        assert_eq!(claims["role_id"], 1);
        assert!(claims.get("iat_ms").is_none());
        assert!(tokens.validate(&token, now).is_some());
        assert!(
            tokens
                .validate(&token, (1_700_000_000 + LIFETIME_SECS) * 1000)
                .is_none()
        );
        assert_ne!(token, tokens.issue(&spec(now, false)));
        tokens.expire_all();
        assert!(tokens.validate(&token, now).is_none());
    }

    #[test]
    fn v3_tokens_carry_iat_ms_after_iat() {
        let mut tokens = Tokens::default();
        let token = tokens.issue(&spec(1_700_000_000_123, true));
        let payload = URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap();
        let text = String::from_utf8(payload).unwrap();
        assert!(
            text.starts_with(r#"{"sub":"2","iat":1700000000,"iat_ms":1700000000123,"exp":"#),
            "{text}"
        );
        assert_eq!(
            tokens.validate(&token, 0).unwrap().iat_ms,
            Some(1_700_000_000_123)
        );
    }
}
