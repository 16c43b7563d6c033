//! Panel messages that carry meaning for a client. The panel's messages are hard-coded
//! Chinese strings (panel behaviour §1.3); these few are matched on, so they are defined once
//! here (the code generator also emits them for the PHP module).

/// `user/create` and `user/update`: the name is taken (exact, case-sensitive match).
pub const NAME_TAKEN: &str = "用户名已存在";
/// `user/login`: a captcha was required and missing or wrong.
pub const CAPTCHA_FAILED: &str = "验证码校验失败";
/// `user/login`: wrong username or password.
pub const BAD_CREDENTIALS: &str = "账号或密码错误";
/// `user/login`: the password was right but the account is disabled (checked after the
/// password, on both lines).
pub const LOGIN_DISABLED: &str = "账号被停用";
/// No such user.
pub const USER_NOT_FOUND: &str = "用户不存在";
/// No such forward, or another user's forward.
pub const FORWARD_NOT_FOUND: &str = "转发不存在";
/// No such tunnel.
pub const TUNNEL_NOT_FOUND: &str = "隧道不存在";
/// Every "does not exist" answer.
pub const NOT_FOUND: &[&str] = &[USER_NOT_FOUND, FORWARD_NOT_FOUND, TUNNEL_NOT_FOUND, NO_ROWS];

/// 3.0 `tunnel/user/update` and `remove` on an unknown id: the binding is already gone.
pub const NO_ROWS: &str = "sql: no rows in result set";
/// 3.0 bcrypt refuses passwords over 72 bytes.
pub const PASSWORD_TOO_LONG: &str = "bcrypt: password length exceeds 72 bytes";

/// 3.0's checks before a forward may run (create, resume, quota release), in the panel's
/// order. Each is the whole message.
pub mod gate {
    /// The owner is disabled.
    pub const ACCOUNT_DISABLED: &str = "账号已禁用";
    /// The owner's expiry passed.
    pub const ACCOUNT_EXPIRED: &str = "账号已过期";
    /// The owner's total traffic quota is used up.
    pub const TRAFFIC_EXCEEDED: &str = "流量已超额，禁止开启转发";
    /// A daily or monthly quota window is used up.
    pub const QUOTA_EXCEEDED: &str = "该用户流量配额已超额，禁止开启转发";
    /// The owner runs `num` forwards already.
    pub const FORWARD_LIMIT: &str = "转发数量已达上限";
    /// The binding is disabled.
    pub const BINDING_DISABLED: &str = "该隧道已禁用";
    /// The binding expired.
    pub const BINDING_EXPIRED: &str = "该隧道已过期";
    /// The binding's traffic quota is used up (or it is 0).
    pub const BINDING_TRAFFIC_EXCEEDED: &str = "该隧道流量已超额，禁止开启转发";
    /// The binding runs `num` forwards already.
    pub const BINDING_FORWARD_LIMIT: &str = "该隧道转发数量已达上限";
}

/// 3.0 entry-port checks; the messages carry numbers, so these are the constant parts.
pub mod port {
    /// `端口 N 超出节点 X 允许范围 a-b`.
    pub const OUT_OF_RANGE: &str = "允许范围";
    /// `节点 X 端口 N 已被其他转发占用`.
    pub const TAKEN: &str = "已被其他转发占用";
}
