//! 3.0's user limits on `user/create` and `user/update` (panel behaviour §5.2, §5.3): `maxConn`, the
//! daily/monthly quota keys, and bcrypt's 72-byte password limit. On 2.1 every function
//! here is a no-op, so the user handlers read as the 2.1 contract.

use crate::testkit::decode::as_int;
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::State;
use serde_json::{Map, Value, json};

/// bcrypt's refusal of a longer password (x/crypto `ErrPasswordTooLong`).
const TOO_LONG: &str = "bcrypt: password length exceeds 72 bytes";

/// The 3.0 fields of `user/create`.
pub(super) struct Limits {
    pub(super) max_conn: i64,
    daily_gb: i64,
    monthly_gb: i64,
}

impl Limits {
    /// Reads them; a negative quota is refused before anything is written.
    pub(super) fn of_create(st: &State, req: &Map<String, Value>) -> Result<Limits, Reply> {
        if !st.profile.user_limits {
            return Ok(Limits {
                max_conn: 0,
                daily_gb: 0,
                monthly_gb: 0,
            });
        }
        let daily_gb = as_int(req.get("dailyQuotaGB"), 0);
        let monthly_gb = as_int(req.get("monthlyQuotaGB"), 0);
        if daily_gb < 0 || monthly_gb < 0 {
            return Err(Reply::fail("配额不能小于0"));
        }
        let max_conn = as_int(req.get("maxConn"), 0);
        Ok(Limits {
            max_conn,
            daily_gb,
            monthly_gb,
        })
    }

    /// Writes the quota row of a new user, only if a limit is set.
    pub(super) fn save_created(&self, st: &mut State, user_id: i64) {
        if self.daily_gb > 0 || self.monthly_gb > 0 {
            // Both are >= 0 here, so this cannot fail.
            let _ = st.save_quota_limits(user_id, self.daily_gb, self.monthly_gb);
        }
    }
}

/// `security.HashPassword`: on 3.0, `-2` for a password over 72 bytes.
pub(super) fn hash_check(st: &State, pwd: &str) -> Result<(), Reply> {
    if st.profile.bcrypt && pwd.len() > 72 {
        return Err(Reply::err(-2, TOO_LONG));
    }
    Ok(())
}

/// `user/update`'s `maxConn`: full-replace, so an omitted key is 0 (trap 32).
pub(super) fn max_conn(st: &State, req: &Map<String, Value>) -> i64 {
    if st.profile.user_limits {
        as_int(req.get("maxConn"), 0)
    } else {
        0
    }
}

/// `user/update`'s quota keys, the exception to the full replace: untouched when both are
/// absent, and a missing one is taken from the current row (0 without a row). A negative
/// value is `-2` after the user row has been written.
pub(super) fn save_updated_quota(
    st: &mut State,
    user_id: i64,
    req: &Map<String, Value>,
) -> Result<(), Reply> {
    let (has_daily, has_monthly) = (
        req.contains_key("dailyQuotaGB"),
        req.contains_key("monthlyQuotaGB"),
    );
    if !st.profile.user_limits || !(has_daily || has_monthly) {
        return Ok(());
    }
    let current = st.quota_view(user_id);
    let pick = |key: &str, present: bool, current: Option<i64>| match (present, current) {
        (false, Some(value)) => value,
        _ => as_int(req.get(key), 0),
    };
    let daily = pick(
        "dailyQuotaGB",
        has_daily,
        current.as_ref().map(|q| q.daily_limit_gb),
    );
    let monthly = pick(
        "monthlyQuotaGB",
        has_monthly,
        current.as_ref().map(|q| q.monthly_limit_gb),
    );
    st.save_quota_limits(user_id, daily, monthly)
        .map_err(|e| Reply::err(-2, e))
}

/// `syncUserMaxConnForwards`: when `maxConn` changed, re-push (restart) every active
/// forward of the user without its own cap. Skipped offline nodes come back as
/// `data.warnings` with code 0.
pub(super) fn push_max_conn(st: &mut State, user_id: i64, old_max_conn: i64) -> Outcome {
    let changed = st
        .users
        .get(&user_id)
        .is_some_and(|u| u.max_conn != old_max_conn);
    if !st.profile.user_limits || !changed {
        return Ok(Reply::ok());
    }
    let ids: Vec<i64> = st
        .forwards
        .values()
        .filter(|f| f.user_id == user_id && f.status == 1 && f.extras.max_conn <= 0)
        .map(|f| f.id)
        .collect();
    let mut warnings = Vec::new();
    for id in ids {
        let pushed = st.push_forward(id);
        warnings.extend(pushed.map_err(|e| Reply::fail(format!("最大连接数下发失败: {e}")))?);
    }
    if warnings.is_empty() {
        return Ok(Reply::ok());
    }
    Ok(Reply::data(json!({"warnings": warnings})))
}
