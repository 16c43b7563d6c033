//! The panel's handlers, one module per area, and the path → handler table.
//!
//! Each handler takes the state and the request and answers as the Go handler of the same
//! path does, including its own method check (some Go handlers check none) and the order
//! of its validations.

mod bindings;
mod config;
mod forward_rules;
mod forward_status;
mod forwards;
mod groups;
mod login;
mod quota;
mod tunnels;
mod user_limits;
mod user_views;
mod users;

use super::decode;
use super::envelope::{Outcome, Reply};
use super::profile::Profile;
use super::state::State;
use super::tokens::Claims;
use crate::endpoints::{self as ep, Endpoint};

/// A request as the handlers see it, after the auth middleware.
pub(crate) struct Call<'a> {
    /// HTTP method.
    pub(crate) method: &'a str,
    /// Raw body.
    pub(crate) body: &'a [u8],
    /// The token's claims, when the middleware checked one.
    pub(crate) claims: Option<Claims>,
    /// The `X-FLVX-API-Client` header.
    pub(crate) api_client: Option<&'a str>,
}

impl Call<'_> {
    /// The caller's claims; the Go handlers answer 401 when they cannot read them.
    pub(crate) fn actor(&self) -> Result<&Claims, Reply> {
        self.claims
            .as_ref()
            .ok_or_else(|| Reply::err(401, super::auth::INVALID_TOKEN))
    }

    /// `r.Method != http.MethodPost` → `-1 "请求失败"`.
    pub(crate) fn require_post(&self) -> Result<(), Reply> {
        if self.method == "POST" {
            Ok(())
        } else {
            Err(Reply::fail("请求失败"))
        }
    }

    /// A lenient (map) body; a decode error is `-1 "请求参数错误"`.
    pub(crate) fn lenient(&self) -> Result<serde_json::Map<String, serde_json::Value>, Reply> {
        decode::lenient(self.body).map_err(|()| Reply::fail("请求参数错误"))
    }

    /// `asInt64FromBodyKey`: method check, lenient decode, then `key` must be > 0
    /// (`-1 "参数错误"`).
    pub(crate) fn id_from_body(&self, key: &str) -> Result<i64, Reply> {
        self.require_post()?;
        let req = self.lenient()?;
        let id = decode::as_int(req.get(key), 0);
        if id <= 0 {
            return Err(Reply::fail("参数错误"));
        }
        Ok(id)
    }

    /// `idsFromBody`: method check, lenient decode, a non-empty `ids` array; invalid ids
    /// are dropped and the rest sorted ascending.
    pub(crate) fn ids_from_body(&self) -> Result<Vec<i64>, Reply> {
        self.require_post()?;
        let req = self.lenient()?;
        let items = decode::as_any_slice(req.get("ids"))
            .filter(|items| !items.is_empty())
            .ok_or_else(|| Reply::fail("ids不能为空"))?;
        let mut ids: Vec<i64> = items
            .iter()
            .map(|v| decode::as_int(Some(v), 0))
            .filter(|id| *id > 0)
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }
}

/// A handler.
pub(crate) type Handler = fn(&mut State, &Call) -> Outcome;

/// `captcha/verify`: registered by the panel but not part of the SDK's endpoint table.
pub(crate) const CAPTCHA_VERIFY_PATH: &str = "/api/v1/captcha/verify";

const ROUTES: &[(&Endpoint, Handler)] = &[
    (&ep::USER_LOGIN, login::login),
    (&ep::USER_CREATE, users::create),
    (&ep::USER_UPDATE, users::update),
    (&ep::USER_DELETE, users::delete),
    (&ep::USER_LIST, user_views::list),
    (&ep::USER_PACKAGE, user_views::package),
    (&ep::USER_RESET, users::reset),
    (&ep::USER_GROUPS, user_views::groups),
    (&ep::USER_QUOTA_RESET, quota::reset),
    (&ep::TUNNEL_LIST, tunnels::list),
    (&ep::TUNNEL_GET, tunnels::get),
    (&ep::SPEED_LIMIT_LIST, tunnels::speed_limits),
    (&ep::NODE_LIST, tunnels::nodes),
    (&ep::BINDING_ASSIGN, bindings::assign),
    (&ep::BINDING_BATCH_ASSIGN, bindings::batch_assign),
    (&ep::BINDING_UPDATE, bindings::update),
    (&ep::BINDING_REMOVE, bindings::remove),
    (&ep::BINDING_LIST, bindings::list),
    (&ep::FORWARD_LIST, forwards::list),
    (&ep::FORWARD_CREATE, forwards::create),
    (&ep::FORWARD_UPDATE, forwards::update),
    (&ep::FORWARD_DELETE, forward_status::delete),
    (&ep::FORWARD_PAUSE, forward_status::pause),
    (&ep::FORWARD_RESUME, forward_status::resume),
    (&ep::FORWARD_RESET_FLOW, forward_status::reset_flow),
    (&ep::FORWARD_BATCH_DELETE, forward_status::batch_delete),
    (&ep::FORWARD_BATCH_PAUSE, forward_status::batch_pause),
    (&ep::FORWARD_BATCH_RESUME, forward_status::batch_resume),
    (&ep::TUNNEL_GROUP_LIST, groups::tunnel_groups),
    (&ep::USER_GROUP_LIST, groups::user_groups),
    (&ep::CAPTCHA_CHECK, login::captcha_check),
    (&ep::PUBLIC_CONFIG_GET, config::public_get),
];

/// The handler of a path on this line: table endpoints, plus `captcha/verify`.
pub(crate) fn route(profile: &Profile, path: &str) -> Option<Handler> {
    if path == CAPTCHA_VERIFY_PATH {
        return Some(login::captcha_verify);
    }
    if !profile.serves(path) {
        return None;
    }
    ROUTES.iter().find(|(e, _)| e.path == path).map(|(_, h)| *h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_endpoint_has_a_handler() {
        for e in ep::ALL {
            assert!(route(&Profile::V3_0, e.path).is_some(), "{}", e.path);
            let on_21 = route(&Profile::V2_1, e.path).is_some();
            assert_eq!(on_21, Profile::V2_1.serves(e.path), "{}", e.path);
        }
        assert!(route(&Profile::V2_1, ep::USER_QUOTA_RESET.path).is_none());
    }
}
