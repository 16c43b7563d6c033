//! The panel's JWT middleware (panel behaviour §2.3, panel behaviour §2.3, `auth.go`).
//!
//! Only `/api/` paths are checked. Public paths pass without a token; the others need a
//! valid raw token in `Authorization` (trimmed; a `Bearer ` prefix makes it invalid), and
//! admin-only paths need the admin role. Every failure is an HTTP 200 envelope. The path
//! rules are the panel's own prefix rules for the profile's line; a unit test keeps the
//! SDK's endpoint table in agreement with them.

use super::envelope::Reply;
use super::profile::Profile;
use super::state::{State, User};
use super::tokens::{Claims, TokenSpec};

/// Missing or blank `Authorization`.
pub(crate) const NOT_LOGGED_IN: &str = "未登录或token已过期";
/// A token that does not verify or has expired.
pub(crate) const INVALID_TOKEN: &str = "无效的token或token已过期";
/// A non-admin token on an admin-only path.
pub(crate) const ADMIN_ONLY: &str = "权限不足，仅管理员可操作";

/// `shouldSkip`: paths the middleware lets through without a token. 3.0 adds
/// `public/config/get`.
pub(crate) fn is_public_path(profile: &Profile, path: &str) -> bool {
    if profile.v3_endpoints && path == "/api/v1/public/config/get" {
        return true;
    }
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

/// `requiresAdmin`: paths that need `role_id` 0. 3.0 adds three prefixes.
pub(crate) fn requires_admin(profile: &Profile, path: &str) -> bool {
    const V3_PREFIXES: &[&str] = &[
        "/api/v1/system/",
        "/api/v1/monitor/permission/",
        "/api/v1/federation/node/",
    ];
    if profile.v3_endpoints && V3_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return true;
    }
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
    profile: &Profile,
    path: &str,
    header: Option<&str>,
    validate: impl FnOnce(&str) -> Option<&'a Claims>,
) -> Result<Option<&'a Claims>, Reply> {
    if is_public_path(profile, path) || !path.starts_with("/api/") {
        return Ok(None);
    }
    let token = header.map(str::trim).unwrap_or_default();
    if token.is_empty() {
        return Err(Reply::err(401, NOT_LOGGED_IN));
    }
    let claims = validate(token).ok_or_else(|| Reply::err(401, INVALID_TOKEN))?;
    if requires_admin(profile, path) && !claims.is_admin() {
        return Err(Reply::err(403, ADMIN_ONLY));
    }
    Ok(Some(claims))
}

/// 3.0's database check of a token that verified (`auth.go` 60-75): the user exists, is
/// enabled, still has the token's role, and has not changed the password since the token
/// was issued. A token without `iat_ms` (a 2.1 token) reads as 0 and always fails.
pub(crate) fn user_admits(user: Option<&User>, claims: &Claims) -> bool {
    user.is_some_and(|u| {
        u.status == 1
            && u.role_id == claims.role_id
            && claims.iat_ms.unwrap_or(0) > u.password_changed_at
    })
}

impl State {
    /// The token `user/login` returns for an existing user, shaped by the profile. On 3.0
    /// it is issued at least 1 ms after the user's last password change: the real panel
    /// can issue a token in that same millisecond, dead on arrival, which would only make
    /// tests flaky.
    pub(crate) fn issue_login_token(&mut self, user_id: i64) -> String {
        let now = self.now();
        let floor = self
            .users
            .get(&user_id)
            .map_or(0, |u| u.password_changed_at + 1);
        let issued_ms = if self.profile.db_checked_tokens {
            now.max(floor)
        } else {
            now
        };
        let lifetime = self.profile.token_lifetime_secs;
        let iat_ms = self.profile.db_checked_tokens.then_some(issued_ms);
        self.mint(user_id, issued_ms, iat_ms, lifetime)
    }

    /// A token as anyone holding `JWT_SECRET` could mint it, for the user's current name
    /// and role (role 1 and an empty name if there is no such user).
    pub(crate) fn mint(
        &mut self,
        user_id: i64,
        issued_ms: i64,
        iat_ms: Option<i64>,
        lifetime_secs: i64,
    ) -> String {
        let (name, role_id) = self
            .users
            .get(&user_id)
            .map_or((String::new(), 1), |u| (u.user.clone(), u.role_id));
        self.tokens.issue(&TokenSpec {
            user_id,
            name: &name,
            role_id,
            issued_ms,
            iat_ms,
            lifetime_secs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::{ALL, AuthLevel, PUBLIC_CONFIG_GET};

    /// The table describes 3.0; on 2.1 it holds for the endpoints that line serves.
    #[test]
    fn endpoint_table_agrees_with_the_panel_rules() {
        for profile in [Profile::V2_1, Profile::V3_0] {
            for e in ALL.iter().filter(|e| profile.serves(e.path)) {
                let public = is_public_path(&profile, e.path);
                assert_eq!(e.auth == AuthLevel::Public, public, "{}", e.path);
                let admin = requires_admin(&profile, e.path);
                assert_eq!(e.auth == AuthLevel::Admin, admin, "{}", e.path);
            }
        }
        assert!(!is_public_path(&Profile::V2_1, PUBLIC_CONFIG_GET.path));
    }
}
