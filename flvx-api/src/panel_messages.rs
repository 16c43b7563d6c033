//! Panel messages that carry meaning for a client. The panel's messages are hard-coded
//! Chinese strings (contract §1.3); these few are matched on, so they are defined once
//! here (the code generator also emits them for the PHP module).

/// `user/create` and `user/update`: the name is taken (exact, case-sensitive match).
pub const NAME_TAKEN: &str = "用户名已存在";
/// `user/login`: a captcha was required and missing or wrong.
pub const CAPTCHA_FAILED: &str = "验证码校验失败";
/// `user/login`: wrong username or password.
pub const BAD_CREDENTIALS: &str = "账号或密码错误";
/// No such user.
pub const USER_NOT_FOUND: &str = "用户不存在";
/// No such forward, or another user's forward.
pub const FORWARD_NOT_FOUND: &str = "转发不存在";
/// No such tunnel.
pub const TUNNEL_NOT_FOUND: &str = "隧道不存在";
/// Every "does not exist" answer.
pub const NOT_FOUND: &[&str] = &[USER_NOT_FOUND, FORWARD_NOT_FOUND, TUNNEL_NOT_FOUND];
