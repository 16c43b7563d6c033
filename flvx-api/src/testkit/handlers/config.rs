//! `public/config/get` (3.0, panel behaviour §5.23, `config_access.go`).

use super::Call;
use crate::testkit::config::PUBLIC_KEYS;
use crate::testkit::decode::{self, Field, Schema};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::State;

const GET: Schema = &[("name", Field::Str)];

/// `POST /api/v1/public/config/get`: a public key's row, without a token; any other key
/// is refused as sensitive.
pub(crate) fn public_get(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let blank = || Reply::fail("配置名称不能为空");
    let req = decode::strict(call.body, GET, false).map_err(|()| blank())?;
    let name = decode::field_str(&req, "name").trim().to_lowercase();
    if name.is_empty() {
        return Err(blank());
    }
    if !PUBLIC_KEYS.contains(&name.as_str()) {
        return Err(Reply::err(403, "禁止访问敏感配置"));
    }
    let item = st
        .configs
        .item(&name)
        .ok_or_else(|| Reply::fail("配置不存在"))?;
    Ok(Reply::data(item))
}
