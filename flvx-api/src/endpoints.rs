//! The endpoint table: one definition of every FLVX endpoint this SDK calls.
//!
//! The Rust client reads it to build requests, and the code generator reads it to emit
//! the PHP client, so a path, an auth level or a request key is written only here.

/// HTTP method of an endpoint. Almost everything is `POST` with a JSON body (panel behaviour §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `POST` with a JSON body.
    Post,
    /// `GET` without a body.
    Get,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// Who may call an endpoint (panel behaviour §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLevel {
    /// No token needed.
    Public,
    /// Any valid token; the panel scopes the result to the caller.
    User,
    /// A token whose role is admin (role 0).
    Admin,
}

/// How the panel decodes the request body (panel behaviour §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Decoded into a Go struct: unknown keys, string numbers and a missing body are errors.
    Strict,
    /// Decoded into a map: unknown keys are ignored, unparsable values become defaults.
    Lenient,
    /// The panel ignores the body (it must still be valid JSON for some handlers).
    Ignored,
}

/// One FLVX endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Stable snake-case name, used for method names in generated clients.
    pub name: &'static str,
    /// Path below the panel's base URL.
    pub path: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Who may call it.
    pub auth: AuthLevel,
    /// How the body is decoded.
    pub body: BodyKind,
    /// Every key the request body may carry. The SDK never sends another.
    pub keys: &'static [&'static str],
    /// Whether repeating the call has no further effect, so opt-in retries may repeat it.
    pub idempotent: bool,
}

macro_rules! endpoints {
    ($($(#[$doc:meta])* $konst:ident = $name:literal, $path:literal, $method:ident, $auth:ident, $body:ident, [$($key:literal),*], $idem:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $konst: Endpoint = Endpoint {
                name: $name,
                path: $path,
                method: Method::$method,
                auth: AuthLevel::$auth,
                body: BodyKind::$body,
                keys: &[$($key),*],
                idempotent: $idem,
            };
        )*
        /// Every endpoint, in a stable order.
        pub const ALL: &[Endpoint] = &[$($konst),*];
    };
}

endpoints! {
    /// `user/login`: exchange a username and password for a 90-day token (§5.1).
    USER_LOGIN = "user_login", "/api/v1/user/login", Post, Public, Strict, ["username", "password", "captchaId"], false;
    /// `user/create`: create a customer account; returns no id (§5.2).
    USER_CREATE = "user_create", "/api/v1/user/create", Post, Admin, Lenient, ["user", "pwd", "flow", "num", "expTime", "flowResetTime", "status", "groupIds", "maxConn", "dailyQuotaGB", "monthlyQuotaGB"], false;
    /// `user/update`: full replace of a user; omitted fields get defaults (§5.3).
    USER_UPDATE = "user_update", "/api/v1/user/update", Post, Admin, Lenient, ["id", "user", "pwd", "flow", "num", "expTime", "flowResetTime", "status", "groupIds", "maxConn", "dailyQuotaGB", "monthlyQuotaGB"], true;
    /// `user/delete`: delete a user and its forwards in the database only (§5.4).
    USER_DELETE = "user_delete", "/api/v1/user/delete", Post, Admin, Lenient, ["id"], false;
    /// `user/list`: every non-admin user, optionally filtered by a keyword (§5.5).
    USER_LIST = "user_list", "/api/v1/user/list", Post, Admin, Strict, ["keyword"], true;
    /// `user/package`: the caller's own package (§5.6).
    USER_PACKAGE = "user_package", "/api/v1/user/package", Post, User, Ignored, [], true;
    /// `user/reset`: zero traffic counters of a user (type 1) or a binding (type 2) (§5.7).
    USER_RESET = "user_reset", "/api/v1/user/reset", Post, Admin, Lenient, ["id", "type"], true;
    /// `user/groups`: the user-group ids of a user (§5.8).
    USER_GROUPS = "user_groups", "/api/v1/user/groups", Post, User, Lenient, ["id"], true;
    /// `user/quota/reset` (3.0): zero a user's daily and/or monthly quota usage and release a
    /// quota block. Any token may call it, for any user (so quotas only hold where customers
    /// cannot reach the panel).
    USER_QUOTA_RESET = "user_quota_reset", "/api/v1/user/quota/reset", Post, User, Strict, ["userId", "scope"], true;
    /// `tunnel/list`: every tunnel (§5.10).
    TUNNEL_LIST = "tunnel_list", "/api/v1/tunnel/list", Post, Admin, Ignored, [], true;
    /// `tunnel/get`: one tunnel (§5.11).
    TUNNEL_GET = "tunnel_get", "/api/v1/tunnel/get", Post, Admin, Lenient, ["id"], true;
    /// `tunnel/user/assign`: upsert a binding keyed on (user, tunnel); a patch when it exists (§5.12).
    BINDING_ASSIGN = "binding_assign", "/api/v1/tunnel/user/assign", Post, Admin, Lenient, ["userId", "tunnelId", "flow", "num", "expTime", "flowResetTime", "status", "speedId"], true;
    /// `tunnel/user/batch-assign`: upsert several bindings with only a speed limit (§5.13).
    BINDING_BATCH_ASSIGN = "binding_batch_assign", "/api/v1/tunnel/user/batch-assign", Post, Admin, Strict, ["userId", "tunnels"], true;
    /// `tunnel/user/update`: full replace of a binding; omitted fields get defaults (§5.14).
    BINDING_UPDATE = "binding_update", "/api/v1/tunnel/user/update", Post, Admin, Lenient, ["id", "flow", "num", "expTime", "flowResetTime", "speedId", "status"], true;
    /// `tunnel/user/remove`: delete a binding row only; its forwards keep running (§5.15).
    BINDING_REMOVE = "binding_remove", "/api/v1/tunnel/user/remove", Post, Admin, Lenient, ["id"], true;
    /// `tunnel/user/list`: a user's bindings; `status` is always reported as 1 (§5.16).
    BINDING_LIST = "binding_list", "/api/v1/tunnel/user/list", Post, Admin, Strict, ["userId"], true;
    /// `speed-limit/list`: every speed limit (§5.18).
    SPEED_LIMIT_LIST = "speed_limit_list", "/api/v1/speed-limit/list", Post, Admin, Ignored, [], true;
    /// `forward/list`: the caller's forwards, or every forward for an admin (§5.19).
    FORWARD_LIST = "forward_list", "/api/v1/forward/list", Post, User, Ignored, [], true;
    /// `forward/create`: create a forward owned by the caller; returns no id (§5.19).
    FORWARD_CREATE = "forward_create", "/api/v1/forward/create", Post, User, Lenient, ["tunnelId", "name", "remoteAddr", "inPort", "strategy"], false;
    /// `forward/update`: patch a forward; restarts it on the node (§5.19, §4.7).
    FORWARD_UPDATE = "forward_update", "/api/v1/forward/update", Post, User, Lenient, ["id", "tunnelId", "name", "remoteAddr", "inPort", "strategy"], true;
    /// `forward/delete`: delete a forward on its nodes, then in the database (§5.19).
    FORWARD_DELETE = "forward_delete", "/api/v1/forward/delete", Post, User, Lenient, ["id"], false;
    /// `forward/pause`: stop a forward now (§5.19).
    FORWARD_PAUSE = "forward_pause", "/api/v1/forward/pause", Post, User, Lenient, ["id"], true;
    /// `forward/resume`: restart a paused forward; no quota check (§5.19).
    FORWARD_RESUME = "forward_resume", "/api/v1/forward/resume", Post, User, Lenient, ["id"], true;
    /// `forward/reset-flow` (3.0, since July 2026): zero one forward's own traffic counters.
    FORWARD_RESET_FLOW = "forward_reset_flow", "/api/v1/forward/reset-flow", Post, User, Lenient, ["id"], true;
    /// `forward/batch-delete`: delete several forwards (§5.19).
    FORWARD_BATCH_DELETE = "forward_batch_delete", "/api/v1/forward/batch-delete", Post, User, Lenient, ["ids"], false;
    /// `forward/batch-pause`: pause several forwards (§5.19).
    FORWARD_BATCH_PAUSE = "forward_batch_pause", "/api/v1/forward/batch-pause", Post, User, Lenient, ["ids"], true;
    /// `forward/batch-resume`: resume several forwards (§5.19).
    FORWARD_BATCH_RESUME = "forward_batch_resume", "/api/v1/forward/batch-resume", Post, User, Lenient, ["ids"], true;
    /// `node/list`: every gost node, with its addresses and port range. 2.1 ignores the
    /// body; 3.0 decodes optional filters from it, so `{}` is sent.
    NODE_LIST = "node_list", "/api/v1/node/list", Post, Admin, Ignored, [], true;
    /// `group/tunnel/list`: tunnel groups (§5.20).
    TUNNEL_GROUP_LIST = "tunnel_group_list", "/api/v1/group/tunnel/list", Post, Admin, Ignored, [], true;
    /// `group/user/list`: user groups (§5.20).
    USER_GROUP_LIST = "user_group_list", "/api/v1/group/user/list", Post, Admin, Ignored, [], true;
    /// `captcha/check`: whether login requires a captcha (§5.21).
    CAPTCHA_CHECK = "captcha_check", "/api/v1/captcha/check", Post, Public, Ignored, [], true;
    /// `public/config/get` (3.0): one public setting (`app_name`, …) without a token; 2.1
    /// answers 401 because the path does not exist there.
    PUBLIC_CONFIG_GET = "public_config_get", "/api/v1/public/config/get", Post, Public, Strict, ["name"], true;
}

/// The header `user/login` carries so that the panel lets a billing module past the
/// captcha (FLVX since late 2.1.5; older panels ignore it).
pub const API_CLIENT_HEADER: &str = "X-FLVX-API-Client";
/// Its value: the panel accepts `whmcs` or `whmcs-module`.
pub const API_CLIENT_NAME: &str = "whmcs";

/// The largest panel answer either runtime reads: 16 MiB, about 40,000 forwards or users
/// in one list. Anything larger is not an FLVX answer (a wrong URL, a file server, a
/// proxy gone mad), and in PHP it would exhaust the memory limit with a fatal error that
/// no module code can catch.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The endpoint with this path, if the table has one.
pub fn by_path(path: &str) -> Option<&'static Endpoint> {
    ALL.iter().find(|e| e.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.path, b.path);
            }
        }
    }

    #[test]
    fn names_are_php_safe_identifiers() {
        for e in ALL {
            assert!(
                e.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                e.name
            );
            assert!(e.path.starts_with("/api/v1/"), "{}", e.path);
        }
    }

    #[test]
    fn by_path_finds_the_entry() {
        assert_eq!(by_path("/api/v1/user/create"), Some(&USER_CREATE));
        assert_eq!(by_path("/api/v1/nope"), None);
    }
}
