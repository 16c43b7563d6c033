//! `user/login`, `captcha/check` and `captcha/verify` (contract §2.4, §5.1, §5.21).
//!
//! Captcha follows 2.1.5-alpha6: when it is on, login needs a `captchaId` that
//! `captcha/verify` marked (with `data:"ok"`, as when no Turnstile secret is configured);
//! the id is single-use and consumed even when the password then turns out wrong.

use super::Call;
use crate::testkit::decode::{self, Field, Schema};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::State;
use serde_json::json;

const LOGIN: Schema = &[
    ("username", Field::Str),
    ("password", Field::Str),
    ("captchaId", Field::Str),
];
const VERIFY: Schema = &[("id", Field::Str), ("data", Field::Str)];

/// `POST /api/v1/user/login`.
pub(crate) fn login(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let req =
        decode::strict(call.body, LOGIN, false).map_err(|()| Reply::err(500, "请求参数错误"))?;
    let username = decode::field_str(&req, "username");
    let password = decode::field_str(&req, "password");
    if username.trim().is_empty() {
        return Err(Reply::err(500, "用户名不能为空"));
    }
    if password.trim().is_empty() {
        return Err(Reply::err(500, "密码不能为空"));
    }
    if st.captcha_enabled {
        let captcha = decode::field_str(&req, "captchaId");
        let captcha = captcha.trim();
        // No Turnstile secret is configured, so only ids marked by captcha/verify pass.
        if captcha.is_empty() || !st.consume_captcha(captcha) {
            return Err(Reply::fail("验证码校验失败"));
        }
    }
    // Looked up untrimmed and case-sensitively; the stored password was trimmed on create.
    let user = st
        .user_by_name(&username)
        .filter(|u| u.pwd == password)
        .cloned()
        .ok_or_else(|| Reply::fail("账号或密码错误"))?;
    if user.status == 0 {
        return Err(Reply::fail("账号被停用"));
    }
    let now = st.now();
    let token = st.tokens.issue(user.id, &user.user, user.role_id, now);
    Ok(Reply::data(json!({
        "token": token,
        "name": user.user,
        "role_id": user.role_id,
        "requirePasswordChange": username == "admin_user" || password == "admin_user",
    })))
}

/// `POST /api/v1/captcha/check`: 1 when login needs a captcha, else 0.
pub(crate) fn captcha_check(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    Ok(Reply::data(json!(i64::from(st.captcha_enabled))))
}

/// `POST /api/v1/captcha/verify`: marks `id` when `data` is `"ok"`. Not an envelope.
pub(crate) fn captcha_verify(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let failed = Reply::Raw(json!({"success": false, "data": {"validToken": ""}}));
    let req = decode::strict(call.body, VERIFY, false).map_err(|()| failed.clone())?;
    let id = decode::field_str(&req, "id").trim().to_string();
    let data = decode::field_str(&req, "data").trim().to_string();
    if id.is_empty() || data != "ok" {
        return Err(failed);
    }
    st.mark_captcha(&id);
    Ok(Reply::Raw(
        json!({"success": true, "data": {"validToken": id}}),
    ))
}
