//! `user/login`, `captcha/check` and `captcha/verify` (panel behaviour §2.4, §5.1, §5.21; delta
//! §2.4, §5.1).
//!
//! When captcha is on (see `State::captcha_required`), login needs a `captchaId` that
//! `captcha/verify` marked (with `data:"ok"`, possible only while no Turnstile secret is
//! configured); the id is single-use and consumed even when the password then turns out
//! wrong. Anything else would need Cloudflare, which the fake never reaches, so it fails.
//! On 3.0 the `X-FLVX-API-Client` header can skip the captcha.

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
    if st.captcha_required() && !bypasses_captcha(st, call) {
        let captcha = decode::field_str(&req, "captchaId");
        let captcha = captcha.trim();
        if captcha.is_empty() || !st.consume_captcha(captcha) {
            return Err(Reply::fail("验证码校验失败"));
        }
    }
    // Looked up untrimmed and case-sensitively; the stored password was trimmed on create.
    let bcrypt = st.profile.bcrypt;
    let user = st
        .user_by_name(&username)
        .filter(|u| password_matches(&u.pwd, &password, bcrypt))
        .cloned()
        .ok_or_else(|| Reply::fail("账号或密码错误"))?;
    if user.status == 0 {
        return Err(Reply::fail(crate::panel_messages::LOGIN_DISABLED));
    }
    let token = st.issue_login_token(user.id);
    Ok(Reply::data(json!({
        "token": token,
        "name": user.user,
        "role_id": user.role_id,
        "requirePasswordChange": username == "admin_user" || password == "admin_user",
    })))
}

/// `apiClientCaptchaBypassEnabled` (3.0): `X-FLVX-API-Client` is `whmcs` or
/// `whmcs-module`, trimmed, any case.
fn bypasses_captcha(st: &State, call: &Call) -> bool {
    let client = call.api_client.unwrap_or_default().trim().to_lowercase();
    st.profile.captcha_client_bypass && matches!(client.as_str(), "whmcs" | "whmcs-module")
}

/// bcrypt reads at most 72 bytes of the password, so a longer login password matches a
/// stored one equal to its first 72 bytes (x/crypto `CompareHashAndPassword`, which has no
/// length check; 3.0 never stores a longer one).
fn password_matches(stored: &str, given: &str, bcrypt: bool) -> bool {
    if bcrypt && given.len() > 72 {
        return stored.as_bytes() == &given.as_bytes()[..72];
    }
    stored == given
}

/// `POST /api/v1/captcha/check`: 1 when login needs a captcha, else 0.
pub(crate) fn captcha_check(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    Ok(Reply::data(json!(i64::from(st.captcha_required()))))
}

/// `POST /api/v1/captcha/verify`: marks `id` when `data` is `"ok"`. Not an envelope.
pub(crate) fn captcha_verify(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let failed = Reply::Raw(json!({"success": false, "data": {"validToken": ""}}));
    let req = decode::strict(call.body, VERIFY, false).map_err(|()| failed.clone())?;
    let id = decode::field_str(&req, "id").trim().to_string();
    let data = decode::field_str(&req, "data").trim().to_string();
    // With a Turnstile secret the data goes to Cloudflare, which the fake cannot reach.
    if id.is_empty() || data != "ok" || st.turnstile_secret_set() {
        return Err(failed);
    }
    st.mark_captcha(&id);
    Ok(Reply::Raw(
        json!({"success": true, "data": {"validToken": id}}),
    ))
}
