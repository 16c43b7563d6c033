use secrecy::SecretString;
use serde::Deserialize;

/// `user/login` data. Its role key is snake_case, unlike the lists (panel behaviour §10.5).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LoginData {
    /// The 90-day token, sent raw in `Authorization`.
    pub token: SecretString,
    /// The username.
    #[serde(default)]
    pub name: String,
    /// 0 = admin, 1 = user.
    #[serde(default)]
    pub role_id: i64,
    /// True when the username or password is the seeded `admin_user`.
    #[serde(default, rename = "requirePasswordChange")]
    pub require_password_change: bool,
}
