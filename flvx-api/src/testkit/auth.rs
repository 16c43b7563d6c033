//! The panel's JWT middleware (contract §2.3, `auth.go`).
//!
//! Only `/api/` paths are checked. Public paths pass without a token; the others need a
//! valid raw token in `Authorization` (trimmed; a `Bearer ` prefix makes it invalid), and
//! admin-only paths need the admin role. Every failure is an HTTP 200 envelope. Endpoints of
//! the endpoint table use the table's `auth` level; other paths use the panel's own prefix
//! rules (a unit test keeps the two in agreement).

use super::envelope::Reply;
use super::tokens::Claims;
use crate::endpoints::{AuthLevel, Endpoint};

/// Missing or blank `Authorization`.
pub(crate) const NOT_LOGGED_IN: &str = "未登录或token已过期";
/// A token that does not verify or has expired.
pub(crate) const INVALID_TOKEN: &str = "无效的token或token已过期";
/// A non-admin token on an admin-only path.
pub(crate) const ADMIN_ONLY: &str = "权限不足，仅管理员可操作";

/// `shouldSkip`: paths the middleware lets through without a token.
pub(crate) fn is_public_path(path: &str) -> bool {
    path.starts_with("/flow/")
        || path.starts_with("/api/v1/open_api/")
        || path.starts_with("/api/v1/captcha/")
        || matches!(
            path,
            "/api/v1/config/get"
                | "/api/v1/user/login"
                | "/api/v1/federation/connect"
                | "/api/v1/federation/tunnel/create"
                | "/api/v1/federation/runtime/reserve-port"
                | "/api/v1/federation/runtime/apply-role"
                | "/api/v1/federation/runtime/release-role"
                | "/api/v1/federation/runtime/diagnose"
                | "/api/v1/federation/runtime/command"
        )
}

/// `requiresAdmin`: paths that need `role_id` 0.
pub(crate) fn requires_admin(path: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "/api/v1/group/",
        "/api/v1/federation/share/",
        "/api/v1/node/",
        "/api/v1/speed-limit/",
        "/api/v1/backup/",
        "/api/v1/api/v1/backup/",
    ];
    if PREFIXES.iter().any(|p| path.starts_with(p)) {
        return true;
    }
    if path.starts_with("/api/v1/tunnel/") {
        return !path.starts_with("/api/v1/tunnel/user/tunnel");
    }
    matches!(
        path,
        "/api/v1/user/create"
            | "/api/v1/user/list"
            | "/api/v1/user/update"
            | "/api/v1/user/delete"
            | "/api/v1/user/reset"
            | "/api/v1/config/update"
            | "/api/v1/config/update-single"
            | "/api/v1/announcement/update"
    )
}

/// Runs the middleware for `path`. `Ok(None)`: passed without checking a token;
/// `Ok(Some(claims))`: passed with this token; `Err`: the envelope to answer.
pub(crate) fn check<'a>(
    path: &str,
    endpoint: Option<&Endpoint>,
    header: Option<&str>,
    validate: impl FnOnce(&str) -> Option<&'a Claims>,
) -> Result<Option<&'a Claims>, Reply> {
    let (public, admin) = match endpoint {
        Some(e) => (e.auth == AuthLevel::Public, e.auth == AuthLevel::Admin),
        None => (is_public_path(path), requires_admin(path)),
    };
    if public || !path.starts_with("/api/") {
        return Ok(None);
    }
    let token = header.map(str::trim).unwrap_or_default();
    if token.is_empty() {
        return Err(Reply::err(401, NOT_LOGGED_IN));
    }
    let claims = validate(token).ok_or_else(|| Reply::err(401, INVALID_TOKEN))?;
    if admin && !claims.is_admin() {
        return Err(Reply::err(403, ADMIN_ONLY));
    }
    Ok(Some(claims))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::ALL;

    #[test]
    fn endpoint_table_agrees_with_the_panel_rules() {
        for e in ALL {
            assert_eq!(
                e.auth == AuthLevel::Public,
                is_public_path(e.path),
                "{}",
                e.path
            );
            assert_eq!(
                e.auth == AuthLevel::Admin,
                requires_admin(e.path),
                "{}",
                e.path
            );
        }
    }
}
