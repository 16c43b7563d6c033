//! A commercial-licence block for the 3.0 profile, switched by
//! [`crate::testkit::FakePanel::set_licence_active`].
//!
//! **Not from the panel's source.** EchoHS/flvx at `b8af12a` (and every earlier commit) has
//! no code 451 and no licence check on these paths: the licence (`/api/v1/license/activate`,
//! `is_commercial`) only guards the branding keys of `config/update` and
//! `config/update-single` with `-1 "需要商业版授权"` (`http/handler/handler.go` 1003-1004,
//! 1045-1046). This block models what the integration's brief expects of a commercial
//! build instead: while the licence is inactive, every node, tunnel (bindings included),
//! forward, speed-limit and group path answers code 451 after the auth check, with the
//! panel's only licence message. Keep it for testing defensive handling, nothing more.

use super::envelope::Reply;

/// The body code of a blocked call.
pub(crate) const CODE: i64 = 451;
/// Its message: the panel's licence message, reused (no source gives one for 451).
pub(crate) const MESSAGE: &str = "需要商业版授权";

const BLOCKED_PREFIXES: [&str; 5] = [
    "/api/v1/node/",
    "/api/v1/tunnel/",
    "/api/v1/forward/",
    "/api/v1/speed-limit/",
    "/api/v1/group/",
];

/// The answer for `path` while the licence is inactive, if it is blocked.
pub(crate) fn block(path: &str) -> Option<Reply> {
    BLOCKED_PREFIXES
        .iter()
        .any(|p| path.starts_with(p))
        .then(|| Reply::err(CODE, MESSAGE))
}
