//! Credentials and the cached admin token.
//!
//! The panel's tokens live 90 days and cannot be revoked (panel behaviour §2.2), so one login is
//! reused until it expires or the panel refuses it. Refreshes are single-flight: the lock is
//! held across the login, and a refusal only clears the token it was given.

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// Log in with `user/login`, and again whenever the token is refused.
    Password {
        /// The panel username (sent untrimmed, as the panel compares it).
        username: String,
        /// The password.
        password: SecretString,
    },
    /// A pre-issued token, for panels whose login needs a captcha (panel behaviour §2.4).
    Token(SecretString),
}

impl Credentials {
    /// Username and password.
    pub fn password(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Password {
            username: username.into(),
            password: SecretString::from(password.into()),
        }
    }

    /// A pre-issued token.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(SecretString::from(token.into()))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password { username, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"[REDACTED]")
                .finish(),
            Credentials::Token(_) => f.write_str("Token([REDACTED])"),
        }
    }
}

/// A token with the generation it was issued in.
#[derive(Clone)]
pub(crate) struct IssuedToken {
    pub(crate) value: SecretString,
    pub(crate) generation: u64,
    expires_at: Option<u64>,
}

/// Refresh this long before the token's own expiry.
const EXPIRY_SKEW: Duration = Duration::from_secs(60);

impl IssuedToken {
    pub(crate) fn new(value: SecretString, generation: u64) -> Self {
        let expires_at = jwt_expiry(value.expose_secret());
        IssuedToken {
            value,
            generation,
            expires_at,
        }
    }

    fn is_fresh(&self, now: SystemTime) -> bool {
        let Some(exp) = self.expires_at else {
            return true;
        };
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        now + EXPIRY_SKEW.as_secs() < exp
    }
}

/// The shared token slot. `generation` counts logins, so a task whose token was refused
/// clears the slot only if nobody has logged in since.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    token: Option<IssuedToken>,
    generation: u64,
}

impl TokenCache {
    /// The cached token if still fresh, otherwise the result of `login`, run at most once
    /// however many tasks ask at the same time.
    pub(crate) async fn get_or_login<F, Fut>(&self, login: F) -> crate::Result<IssuedToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = crate::Result<SecretString>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(token) = slot
            .token
            .as_ref()
            .filter(|t| t.is_fresh(SystemTime::now()))
        {
            return Ok(token.clone());
        }
        let value = login().await?;
        slot.generation += 1;
        let token = IssuedToken::new(value, slot.generation);
        slot.token = Some(token.clone());
        Ok(token)
    }

    /// Forget `refused`, unless a newer token has replaced it already.
    pub(crate) async fn invalidate(&self, refused: &IssuedToken) {
        let mut slot = self.slot.lock().await;
        if slot.generation == refused.generation {
            slot.token = None;
        }
    }
}

/// The `exp` claim (unix seconds) of a JWT-shaped token, read without verifying it: it is
/// only a hint for refreshing early. The panel's `alg` name is non-standard (panel behaviour §2.2).
fn jwt_expiry(token: &str) -> Option<u64> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt_with_exp(exp: u64) -> String {
        let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = serde_json::json!({ "sub": "1", "exp": exp });
        format!(
            "{}.{}.sig",
            enc.encode(br#"{"alg":"HmacSHA256","typ":"JWT"}"#),
            enc.encode(payload.to_string())
        )
    }

    #[test]
    fn reads_exp_from_the_payload() {
        assert_eq!(
            jwt_expiry(&jwt_with_exp(1_900_000_000)),
            Some(1_900_000_000)
        );
        assert_eq!(jwt_expiry("opaque-token"), None);
        assert_eq!(jwt_expiry("a.%%%.c"), None);
    }

    #[test]
    fn a_token_near_its_expiry_is_not_fresh() {
        let now = SystemTime::now();
        let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
        let soon = IssuedToken::new(jwt_with_exp(secs + 30).into(), 1);
        let later = IssuedToken::new(jwt_with_exp(secs + 3600).into(), 1);
        let opaque = IssuedToken::new("opaque".into(), 1);
        assert!(!soon.is_fresh(now));
        assert!(later.is_fresh(now));
        assert!(opaque.is_fresh(now));
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!(
            "{:?} {:?}",
            Credentials::password("admin", "hunter2-secret"),
            Credentials::token("tok-secret")
        );
        assert!(
            !text.contains("hunter2-secret") && !text.contains("tok-secret"),
            "{text}"
        );
        assert!(text.contains("admin"));
    }

    #[tokio::test]
    async fn invalidating_an_old_generation_keeps_the_new_token() {
        let cache = TokenCache::default();
        let first = cache
            .get_or_login(|| async { Ok("one".into()) })
            .await
            .unwrap();
        cache.invalidate(&first).await;
        let second = cache
            .get_or_login(|| async { Ok("two".into()) })
            .await
            .unwrap();
        cache.invalidate(&first).await;
        let again = cache
            .get_or_login(|| async { panic!("must not log in again") })
            .await
            .unwrap();
        assert_eq!(again.generation, second.generation);
        assert_eq!(again.value.expose_secret(), "two");
    }
}
