//! `user/quota/reset` (3.0, panel behaviour §5.23, `user_quota.go` 103-128).

use super::Call;
use crate::testkit::decode::{self, Field, Schema};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::quota::Scope;
use crate::testkit::state::State;

const RESET: Schema = &[("userId", Field::Int), ("scope", Field::Str)];

/// `POST /api/v1/user/quota/reset`: any token, any user id (an unknown one gets a row).
pub(crate) fn reset(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req = decode::strict(call.body, RESET, false).map_err(|()| Reply::fail("请求参数错误"))?;
    let user_id = decode::field_int(&req, "userId");
    if user_id <= 0 {
        return Err(Reply::fail("用户ID不能为空"));
    }
    let scope = Scope::parse(&decode::field_str(&req, "scope")).map_err(|e| Reply::err(-2, e))?;
    st.reset_quota(user_id, scope);
    Ok(Reply::ok())
}
