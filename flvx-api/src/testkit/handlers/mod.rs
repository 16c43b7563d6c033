//! The panel's handlers, one module per area, and the path → handler table.
//!
//! Each handler takes the state and the request and answers as the Go handler of the same
//! path does, including its own method check (some Go handlers check none) and the order
//! of its validations.

mod bindings;
mod forwards;
mod groups;
mod login;
mod tunnels;
mod users;

use super::decode;
use super::envelope::{Outcome, Reply};
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
    (&ep::CAPTCHA_CHECK, login::captcha_check),
    (&ep::USER_CREATE, users::create),
    (&ep::USER_UPDATE, users::update),
    (&ep::USER_DELETE, users::delete),
    (&ep::USER_LIST, users::list),
    (&ep::USER_PACKAGE, users::package),
    (&ep::USER_RESET, users::reset),
    (&ep::USER_GROUPS, users::groups),
    (&ep::TUNNEL_LIST, tunnels::list),
    (&ep::TUNNEL_GET, tunnels::get),
    (&ep::SPEED_LIMIT_LIST, tunnels::speed_limits),
    (&ep::BINDING_ASSIGN, bindings::assign),
    (&ep::BINDING_BATCH_ASSIGN, bindings::batch_assign),
    (&ep::BINDING_UPDATE, bindings::update),
    (&ep::BINDING_REMOVE, bindings::remove),
    (&ep::BINDING_LIST, bindings::list),
    (&ep::FORWARD_LIST, forwards::list),
    (&ep::FORWARD_CREATE, forwards::create),
    (&ep::FORWARD_UPDATE, forwards::update),
    (&ep::FORWARD_DELETE, forwards::delete),
    (&ep::FORWARD_PAUSE, forwards::pause),
    (&ep::FORWARD_RESUME, forwards::resume),
    (&ep::FORWARD_BATCH_DELETE, forwards::batch_delete),
    (&ep::FORWARD_BATCH_PAUSE, forwards::batch_pause),
    (&ep::FORWARD_BATCH_RESUME, forwards::batch_resume),
    (&ep::TUNNEL_GROUP_LIST, groups::tunnel_groups),
    (&ep::USER_GROUP_LIST, groups::user_groups),
];

/// The handler of a path: table endpoints with their entry, plus `captcha/verify`.
pub(crate) fn route(path: &str) -> Option<(Option<&'static Endpoint>, Handler)> {
    if path == CAPTCHA_VERIFY_PATH {
        return Some((None, login::captcha_verify));
    }
    ROUTES
        .iter()
        .find(|(e, _)| e.path == path)
        .map(|(e, h)| (Some(*e), *h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_endpoint_has_a_handler() {
        for e in ep::ALL {
            assert!(route(e.path).is_some(), "{}", e.path);
        }
    }
}
