use crate::ids::{BindingId, UserGroupId, UserId};
use crate::units::{Bytes, EpochMs, Gib, ResetDay, Status};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A panel user as `user/list` returns it (panel behaviour §5.5).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// The user id.
    pub id: UserId,
    /// The username (exact, case-sensitive).
    pub user: String,
    /// 0 = admin, 1 = user; absent in `user/package` (so `None` there, never a guess).
    #[serde(default)]
    pub role_id: Option<i64>,
    /// Enabled or disabled (login refused, forwards paused at the next report).
    pub status: Status,
    /// Traffic quota.
    pub flow: Gib,
    /// Maximum forwards; stored only, never enforced by the panel (panel behaviour §3.1).
    #[serde(default)]
    pub num: i64,
    /// Account expiry.
    pub exp_time: EpochMs,
    /// Monthly counter reset day.
    pub flow_reset_time: ResetDay,
    /// Creation time.
    #[serde(default)]
    pub created_time: Option<EpochMs>,
    /// Last update, null until the first.
    #[serde(default)]
    pub updated_time: Option<EpochMs>,
    /// Download traffic, scaled by the tunnel (panel behaviour §4.1).
    #[serde(default)]
    pub in_flow: Bytes,
    /// Upload traffic, scaled by the tunnel.
    #[serde(default)]
    pub out_flow: Bytes,
    /// The user-level cap on concurrent connections, 0 = none (3.0; absent on 2.1 and in
    /// `user/package`). A full update that omits it resets it to 0 on 3.0.
    #[serde(default)]
    pub max_conn: Option<i64>,
    /// Daily and monthly quota windows (3.0; absent until the user has a quota row).
    #[serde(default, flatten)]
    pub quota: Option<QuotaUsage>,
}

/// A 3.0 user's daily and monthly quota windows, as `user/list` reports them once the user
/// has a quota row (it is created by a quota limit, a quota reset or the first traffic).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuotaUsage {
    /// Daily limit, 0 = none.
    #[serde(rename = "dailyQuotaGB")]
    pub daily_quota: Gib,
    /// Monthly limit (calendar month), 0 = none.
    #[serde(rename = "monthlyQuotaGB")]
    pub monthly_quota: Gib,
    /// Used today; reads 0 once the day rolled, even before the block is released.
    #[serde(default)]
    pub daily_used_bytes: Bytes,
    /// Used this calendar month.
    #[serde(default)]
    pub monthly_used_bytes: Bytes,
    /// Whether a window's limit paused the user's forwards (the only reliable block flag).
    #[serde(default, deserialize_with = "crate::units::flag")]
    pub disabled_by_quota: bool,
    /// When the block started, 0 if none.
    #[serde(default)]
    pub quota_disabled_at: i64,
}

impl User {
    /// Traffic counted against the quota: both directions.
    pub fn used(&self) -> Bytes {
        self.in_flow + self.out_flow
    }
}

/// `user/create`: every field the panel would otherwise default (panel behaviour §5.2).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The username; the panel trims it, so leading or trailing spaces are rejected here.
    pub user: String,
    /// The password; trimmed by the panel too.
    pub password: SecretString,
    /// Traffic quota.
    pub flow: Gib,
    /// Maximum forwards (informational on the panel).
    pub num: i64,
    /// Account expiry.
    pub exp_time: EpochMs,
    /// Monthly reset day.
    pub flow_reset_time: ResetDay,
    /// Enabled or not.
    pub status: Status,
    /// User groups to join (their permissions may create bindings); `None` sends none.
    pub group_ids: Option<Vec<UserGroupId>>,
    /// Connection cap (3.0), `None` sends none (the panel's default is 0, no cap).
    pub max_conn: Option<i64>,
    /// Daily and monthly quotas (3.0), `None` sends none.
    pub quota_limits: QuotaLimits,
}

/// Daily and monthly quota limits to send (3.0). A `None` window is not sent, and the
/// panel then keeps its current limit: on update it is the one field that is not replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuotaLimits {
    /// Daily limit in GiB, 0 = none.
    pub daily: Option<Gib>,
    /// Monthly limit in GiB, 0 = none.
    pub monthly: Option<Gib>,
}

impl QuotaLimits {
    /// Send neither window: the panel keeps both.
    pub const KEEP: QuotaLimits = QuotaLimits {
        daily: None,
        monthly: None,
    };

    /// Whether any window is sent (which needs FLVX 3.0).
    pub fn is_sent(&self) -> bool {
        self.daily.is_some() || self.monthly.is_some()
    }
}

impl NewUser {
    pub(crate) fn body(&self) -> crate::Result<Value> {
        check_name("user", &self.user)?;
        check_password(self.password.expose_secret())?;
        Ok(wire(UserWire {
            id: None,
            user: &self.user,
            pwd: Some(self.password.expose_secret()),
            flow: self.flow,
            num: self.num,
            exp_time: self.exp_time,
            flow_reset_time: self.flow_reset_time,
            status: self.status,
            group_ids: self.group_ids.as_deref(),
            max_conn: self.max_conn,
            daily_quota: self.quota_limits.daily,
            monthly_quota: self.quota_limits.monthly,
        }))
    }
}

/// `user/update`: a full replace, so every field is required (panel behaviour §5.3). Build it
/// from the current [`User`] with [`UserUpdate::from_user`] and change what you mean to.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    /// The user to update.
    pub id: UserId,
    /// The username (resend the current one to keep it).
    pub user: String,
    /// A new password, or `None` to keep the current one.
    pub password: Option<SecretString>,
    /// Traffic quota; also written to every binding of the user.
    pub flow: Gib,
    /// Maximum forwards; also written to every binding.
    pub num: i64,
    /// Expiry; also written to every binding.
    pub exp_time: EpochMs,
    /// Reset day; also written to every binding.
    pub flow_reset_time: ResetDay,
    /// Enabled or not.
    pub status: Status,
    /// Replace group memberships (`Some`) or keep them (`None`).
    pub group_ids: Option<Vec<UserGroupId>>,
    /// Connection cap. On 3.0 an update without it resets the cap to 0 (and restarts the
    /// user's forwards), so the client refuses to send `None` to a 3.0 panel; on 2.1,
    /// which has no cap, `None` sends nothing.
    pub max_conn: Option<i64>,
    /// Daily and monthly quotas; a window left `None` keeps its panel value.
    pub quota_limits: QuotaLimits,
}

impl UserUpdate {
    /// An update that changes nothing: the user's current values, password and groups kept.
    pub fn from_user(user: &User) -> Self {
        UserUpdate {
            id: user.id,
            user: user.user.clone(),
            password: None,
            flow: user.flow,
            num: user.num,
            exp_time: user.exp_time,
            flow_reset_time: user.flow_reset_time,
            status: user.status,
            group_ids: None,
            max_conn: user.max_conn,
            quota_limits: QuotaLimits::KEEP,
        }
    }

    pub(crate) fn body(&self) -> crate::Result<Value> {
        check_name("user", &self.user)?;
        if let Some(password) = &self.password {
            check_password(password.expose_secret())?;
        }
        Ok(wire(UserWire {
            id: Some(self.id),
            user: &self.user,
            pwd: self.password.as_ref().map(|p| p.expose_secret()),
            flow: self.flow,
            num: self.num,
            exp_time: self.exp_time,
            flow_reset_time: self.flow_reset_time,
            status: self.status,
            group_ids: self.group_ids.as_deref(),
            max_conn: self.max_conn,
            daily_quota: self.quota_limits.daily,
            monthly_quota: self.quota_limits.monthly,
        }))
    }
}

/// What `user/reset` zeroes (panel behaviour §5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetTarget {
    /// The user's counters and those of all its bindings (`type` 1).
    User(UserId),
    /// One binding's counters (`type` 2).
    Binding(BindingId),
}

impl ResetTarget {
    pub(crate) fn body(self) -> Value {
        match self {
            ResetTarget::User(id) => serde_json::json!({ "id": id, "type": 1 }),
            ResetTarget::Binding(id) => serde_json::json!({ "id": id, "type": 2 }),
        }
    }
}

/// Which quota window `user/quota/reset` zeroes (3.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaScope {
    /// Today's usage.
    Daily,
    /// This calendar month's usage.
    Monthly,
    /// Both.
    All,
}

impl QuotaScope {
    /// The panel's name for the scope.
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaScope::Daily => "daily",
            QuotaScope::Monthly => "monthly",
            QuotaScope::All => "all",
        }
    }
}

/// What a 3.0 panel says alongside a success of `user/update` or `forward/update`: for
/// example that a node was offline and did not get the change. Empty on 2.1.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Warnings {
    /// The panel's warnings, verbatim.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Warnings {
    /// Whether the panel warned about anything.
    pub fn is_empty(&self) -> bool {
        self.warnings.is_empty()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<UserId>,
    user: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pwd: Option<&'a str>,
    flow: Gib,
    num: i64,
    exp_time: EpochMs,
    flow_reset_time: ResetDay,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_ids: Option<&'a [UserGroupId]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_conn: Option<i64>,
    #[serde(rename = "dailyQuotaGB", skip_serializing_if = "Option::is_none")]
    daily_quota: Option<Gib>,
    #[serde(rename = "monthlyQuotaGB", skip_serializing_if = "Option::is_none")]
    monthly_quota: Option<Gib>,
}

fn wire(w: UserWire<'_>) -> Value {
    serde_json::to_value(w).unwrap_or(Value::Null)
}

/// The panel trims names before storing them but not before login (panel behaviour §10.11), so a
/// name with outer spaces could never log in.
fn check_name(field: &'static str, name: &str) -> crate::Result<()> {
    if name.trim().is_empty() {
        return Err(crate::Error::invalid(field, "must not be blank"));
    }
    if name.trim() != name {
        return Err(crate::Error::invalid(
            field,
            "must not start or end with spaces",
        ));
    }
    Ok(())
}

fn check_password(password: &str) -> crate::Result<()> {
    if password.trim().is_empty() {
        return Err(crate::Error::invalid(
            "pwd",
            "the password must not be blank",
        ));
    }
    if password.trim() != password {
        return Err(crate::Error::invalid(
            "pwd",
            "the password must not start or end with spaces (the panel could never log it in)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints;

    fn sample() -> NewUser {
        NewUser {
            user: "whmcs-12".into(),
            password: "s3cret".into(),
            flow: Gib::new(100).unwrap(),
            num: 5,
            exp_time: EpochMs::expiry(1_900_000_000_000).unwrap(),
            flow_reset_time: ResetDay::day(3).unwrap(),
            status: Status::Enabled,
            group_ids: None,
            max_conn: None,
            quota_limits: QuotaLimits::KEEP,
        }
    }

    #[test]
    fn create_body_has_every_field_as_integers() {
        let body = sample().body().unwrap();
        assert_eq!(
            body,
            serde_json::json!({"user":"whmcs-12","pwd":"s3cret","flow":100,"num":5,
                "expTime":1_900_000_000_000_i64,"flowResetTime":3,"status":1})
        );
        for key in body.as_object().unwrap().keys() {
            assert!(endpoints::USER_CREATE.keys.contains(&key.as_str()), "{key}");
        }
    }

    #[test]
    fn update_body_is_full_and_keeps_password_unless_given() {
        let user: User = serde_json::from_value(serde_json::json!({
            "id": 7, "user": "u7", "name": "u7", "roleId": 1, "status": 0, "flow": 20, "num": 3,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 9, "createdTime": 1, "updatedTime": null,
            "inFlow": 5, "outFlow": 6, "futureField": true
        }))
        .unwrap();
        assert_eq!(user.used(), Bytes(11));
        let body = UserUpdate::from_user(&user).body().unwrap();
        assert_eq!(
            body,
            serde_json::json!({"id":7,"user":"u7","flow":20,"num":3,
                "expTime":1_900_000_000_000_i64,"flowResetTime":9,"status":0})
        );
        for key in body.as_object().unwrap().keys() {
            assert!(endpoints::USER_UPDATE.keys.contains(&key.as_str()), "{key}");
        }
    }

    #[test]
    fn blank_or_padded_credentials_are_rejected_before_sending() {
        let mut u = sample();
        u.password = " pw ".into();
        assert!(u.body().unwrap_err().to_string().contains("spaces"));
        let mut u = sample();
        u.user = "  ".into();
        assert!(u.body().is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("s3cret"), "{text}");
    }
}
