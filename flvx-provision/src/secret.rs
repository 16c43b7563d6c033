//! The panel password of a service whose customer gets no panel access: a random secret
//! the module keeps, never shown to anyone (product option `customer_panel_access`).

use crate::engine::Service;
use flvx_api::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A panel password only the module knows. Kept in the service record (the store holds it
/// as it holds the rest of the record; the WHMCS module encrypts it with `encrypt()`).
/// `Debug` never shows it.
#[derive(Clone)]
pub struct PanelSecret(SecretString);

impl PanelSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        PanelSecret(SecretString::from(secret.into()))
    }

    /// The secret as a password.
    pub fn password(&self) -> &SecretString {
        &self.0
    }
}

impl fmt::Debug for PanelSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PanelSecret([REDACTED])")
    }
}

impl PartialEq for PanelSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl Eq for PanelSecret {}

impl Serialize for PanelSecret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose_secret())
    }
}

impl<'de> Deserialize<'de> for PanelSecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(PanelSecret::new)
    }
}

/// Where new panel secrets come from: [`RandomSecrets`] unless a test needs to know them.
pub trait SecretSource: Send + Sync {
    /// A new secret for `service`.
    fn panel_secret(&self, service: &Service) -> PanelSecret;
}

/// 24 bytes from the operating system's random source, as 48 hex digits (well inside
/// FLVX 3.0's 72-byte bcrypt limit, and nothing the panel trims).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomSecrets;

impl SecretSource for RandomSecrets {
    fn panel_secret(&self, _service: &Service) -> PanelSecret {
        let mut bytes = [0u8; 24];
        // The OS random source does not fail on the platforms Rust supports for servers;
        // should it, the secret is still not one a customer is ever shown.
        if getrandom::getrandom(&mut bytes).is_err() {
            bytes = fallback_bytes();
        }
        PanelSecret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
    }
}

/// Randomness from the standard library's per-process hash keys, for a platform whose
/// OS source failed.
fn fallback_bytes() -> [u8; 24] {
    use std::hash::{BuildHasher, RandomState};
    let mut bytes = [0u8; 24];
    for chunk in bytes.chunks_mut(8) {
        let word = RandomState::new().hash_one(std::time::SystemTime::now());
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = PanelSecret::new("hunter2-secret");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn serde_keeps_the_secret_as_a_string() {
        let secret = PanelSecret::new("s3cret");
        let json = serde_json::to_string(&secret).expect("serialize");
        assert_eq!(json, "\"s3cret\"");
        let back: PanelSecret = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, secret);
    }
}
