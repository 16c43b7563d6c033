//! The message catalogue: every user-facing sentence, in English and Chinese, written once.
//! Rust errors format these, and the code generator emits them as the module's language
//! files, so the PHP module and the engine say the same thing.
//!
//! Placeholders are `{name}`; [`Msg::format`] fills them.

/// A sentence in each supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

/// A language the catalogue is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (WHMCS `english`).
    En,
    /// Simplified Chinese (WHMCS `chinese`).
    Zh,
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

macro_rules! catalogue {
    ($($(#[$doc:meta])* $variant:ident = $key:literal { en: $en:literal, zh: $zh:literal })*) => {
        /// A message of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $($(#[$doc])* $variant,)*
        }

        impl Msg {
            /// Every message, in catalogue order.
            pub const ALL: &'static [Msg] = &[$(Msg::$variant),*];

            /// The stable key (used as the language-file key, prefixed `flvx_`).
            pub fn key(self) -> &'static str {
                match self { $(Msg::$variant => $key,)* }
            }

            /// The text in both languages.
            pub fn text(self) -> Text {
                match self { $(Msg::$variant => Text { en: $en, zh: $zh },)* }
            }
        }
    };
}

catalogue! {
    /// An option value is not allowed.
    InvalidOption = "invalid_option" {
        en: "Product option \"{option}\" has the value \"{value}\", which is not allowed: {allowed}. Fix it in the product's Module Settings or the configurable option.",
        zh: "产品选项“{option}”的值“{value}”无效：{allowed}。请在产品的模块设置或可配置选项中修正。"
    }
    /// Allowed values: a whole number in a range.
    AllowedInteger = "allowed_integer" {
        en: "a whole number from {min} to {max}",
        zh: "{min} 到 {max} 之间的整数"
    }
    /// Allowed values: a whole number in a range or unlimited.
    AllowedIntegerOrUnlimited = "allowed_integer_or_unlimited" {
        en: "a whole number from {min} to {max}, or \"unlimited\"",
        zh: "{min} 到 {max} 之间的整数，或 \"unlimited\""
    }
    /// Allowed values: empty or a whole number in a range.
    AllowedOptionalInteger = "allowed_optional_integer" {
        en: "empty (keep the panel's value), or a whole number from {min} to {max}",
        zh: "留空（保留面板上的值），或 {min} 到 {max} 之间的整数"
    }
    /// Allowed values: a list of ids.
    AllowedIdList = "allowed_id_list" {
        en: "one or more panel ids separated by commas, such as 3 or 3,5",
        zh: "一个或多个面板 ID，用逗号分隔，如 3 或 3,5"
    }
    /// Allowed values: an optional id.
    AllowedOptionalId = "allowed_optional_id" {
        en: "a panel id, or 0 for none",
        zh: "面板 ID，或 0 表示无"
    }
    /// Allowed values: one of a list.
    AllowedOneOf = "allowed_one_of" {
        en: "one of {choices}",
        zh: "以下之一：{choices}"
    }
    /// Allowed values: a reset schedule.
    AllowedResetSchedule = "allowed_reset_schedule" {
        en: "billing_day, never, or a day of the month from 1 to 31",
        zh: "billing_day、\"never\"，或 1 到 31 之间的日期"
    }
    /// Allowed values: a username prefix.
    AllowedPrefix = "allowed_prefix" {
        en: "a letter followed by letters, digits, - or _, at most {max} characters",
        zh: "以字母开头，由字母、数字、- 或 _ 组成，最多 {max} 个字符"
    }
    /// Allowed values: networks in CIDR form.
    AllowedNetworks = "allowed_networks" {
        en: "at most {max} networks in CIDR form separated by commas, such as 10.0.0.0/8,fd00::/8 (no host bits set), or empty for none",
        zh: "最多 {max} 个以逗号分隔的 CIDR 网段，如 10.0.0.0/8,fd00::/8（不含主机位），或留空表示无"
    }
    /// Allowed values: a port range.
    AllowedPortRange = "allowed_port_range" {
        en: "a port range such as 20000-29999 within 1-65535, or empty for the node's range",
        zh: "端口范围，如 20000-29999（1-65535 之内），或留空表示使用节点的范围"
    }
    /// A WHMCS date could not be read.
    InvalidDate = "invalid_date" {
        en: "The service's {field} \"{value}\" is not a date like 2026-12-31.",
        zh: "该服务的{field}“{value}”不是形如 2026-12-31 的日期。"
    }
    /// The service password cannot work on the panel.
    InvalidPassword = "invalid_password" {
        en: "The service password is empty or starts or ends with a space; the FLVX panel trims passwords, so the customer could never log in. Set a new password on the service and try again.",
        zh: "该服务密码为空或首尾含有空格；FLVX 面板会去除密码首尾空格，客户将无法登录。请为该服务设置新密码后重试。"
    }
    /// The service was never provisioned on the panel.
    NotProvisioned = "not_provisioned" {
        en: "This service has no FLVX account yet. Run Create first.",
        zh: "该服务尚未在 FLVX 面板上开通，请先执行“开通”。"
    }
    /// A FLVX 1.0 custom field of the service cannot be read.
    LegacyField = "legacy_field_invalid" {
        en: "The FLVX 1.0 custom field {field} of this service holds \"{value}\", which is not {allowed}, so the 1.0 account was not taken over and nothing was changed. Correct the field on the service page (or clear flvx_user_id to give the service a new account with Create), then try again.",
        zh: "该服务的 FLVX 1.0 自定义字段 {field} 的值为“{value}”，不是{allowed}，因此未接管 1.0 账户，也未做任何更改。请在服务页面更正该字段（或清空 flvx_user_id，再执行“开通”为该服务新建账户）后重试。"
    }
    /// The field must hold a panel user id.
    LegacyAllowedUserId = "legacy_allowed_user_id" { en: "a panel user id (a whole number above 0)", zh: "面板用户 ID（大于 0 的整数）" }
    /// The field must not be empty.
    LegacyAllowedText = "legacy_allowed_text" { en: "filled in (1.0 always wrote it)", zh: "已填写的值（1.0 总会写入）" }
    /// The product's settings are in the 1.0 layout.
    LegacyLayout = "legacy_layout" {
        en: "This product's Module Settings are still in the FLVX 1.0 layout (only configoption1 to configoption5 are set, and this module reads those positions differently), so nothing was done: every value would be misread. Open the product's Module Settings, set each 1.0 value in its new setting, and save: {moves}.",
        zh: "该产品的模块设置仍为 FLVX 1.0 的布局（仅设置了 configoption1 至 configoption5，而本模块对这些位置的解读不同），因此未执行任何操作：每个值都会被误读。请打开产品的模块设置，将每个 1.0 的值填入新的设置项后保存：{moves}。"
    }
    /// One setting to move.
    LegacyMove = "legacy_move" { en: "1.0 {old} \"{value}\" (configoption{position}) goes to {new}", zh: "1.0 的 {old}“{value}”（\"configoption{position}\"）改填到 {new}" }
    /// The 1.0 user id names no panel user.
    LegacyUserMissing = "legacy_user_missing" {
        en: "The FLVX 1.0 field flvx_user_id of this service names panel user #{user_id}, which does not exist on the panel, so nothing was taken over or changed. Check the field; if the user is gone, clear flvx_user_id and run Create to give the service a new account.",
        zh: "该服务的 FLVX 1.0 字段 flvx_user_id 指向面板用户 #{user_id}，但面板上不存在该用户，因此未接管也未做任何更改。请检查该字段；如该用户已删除，请清空 flvx_user_id 并执行“开通”为该服务新建账户。"
    }
    /// The 1.0 user's name is not the one 1.0 recorded.
    LegacyNameMismatch = "legacy_name_mismatch" {
        en: "Panel user #{user_id} is named \"{found}\", but the FLVX 1.0 field flvx_username of this service says \"{username}\", so it was not taken over and nothing was changed. Check in the panel which user belongs to this service, correct the fields, then click Import from 1.0.",
        zh: "面板用户 #{user_id} 的用户名为“{found}”，而该服务的 FLVX 1.0 字段 flvx_username 为“{username}”，因此未接管，也未做任何更改。请在面板中确认哪个用户属于该服务，更正字段后点击“从 1.0 导入”。"
    }
    /// The 1.0 password does not log in as the user.
    LegacyPasswordMismatch = "legacy_password_mismatch" {
        en: "The FLVX 1.0 password of this service (field flvx_password) does not log in as panel user \"{username}\", so the user was not taken over and nothing was changed: only the password 1.0 gave proves the user is this service's. Put the user's current panel password in flvx_password, then click Import from 1.0.",
        zh: "该服务的 FLVX 1.0 密码（字段 flvx_password）无法登录面板用户“{username}”，因此未接管该用户，也未做任何更改：只有 1.0 设置的密码能证明该用户属于本服务。请将该用户当前的面板密码填入 flvx_password，然后点击“从 1.0 导入”。"
    }
    /// The 1.0 user is already another service's.
    LegacyUserTaken = "legacy_user_taken" {
        en: "Panel user #{user_id} (\"{username}\") is already linked to service #{other}, and no two services may share one panel user, so it was not taken over and nothing was changed. Give this service its own account: clear its flvx_user_id field and run Create.",
        zh: "面板用户 #{user_id}（“{username}”）已关联到服务 #{other}，两个服务不能共用一个面板用户，因此未接管，也未做任何更改。请为该服务单独开户：清空其 flvx_user_id 字段后执行“开通”。"
    }
    /// The service already has another panel user.
    LegacyAlreadyLinked = "legacy_already_linked" {
        en: "This service is already linked to panel user #{linked}, not to user #{user_id} its FLVX 1.0 fields name, so nothing was changed. Clear the 1.0 fields if the link is right.",
        zh: "该服务已关联面板用户 #{linked}，而非其 FLVX 1.0 字段所指的用户 #{user_id}，因此未做任何更改。如现有关联正确，请清空 1.0 字段。"
    }
    /// Module log: a 1.0 account was taken over.
    LegacyImported = "legacy_imported" {
        en: "Imported the FLVX 1.0 account of this service: panel user #{user_id} \"{username}\" is now linked to it under the name \"{new_username}\", and the customer keeps the password 1.0 gave it. The 1.0 custom fields are no longer read.",
        zh: "已导入该服务的 FLVX 1.0 账户：面板用户 #{user_id}“{username}”现已关联到本服务，用户名改为“{new_username}”，客户继续使用 1.0 设置的密码。此后不再读取 1.0 自定义字段。"
    }
    /// The admin asked to import a service without 1.0 fields.
    NoLegacyAccount = "no_legacy_account" {
        en: "This service has no FLVX 1.0 account to import: its custom field flvx_user_id is empty or missing. Nothing was changed.",
        zh: "该服务没有可导入的 FLVX 1.0 账户：其自定义字段 flvx_user_id 为空或不存在。未做任何更改。"
    }
    /// Link: the service already has a panel user.
    LinkAlreadyLinked = "link_already_linked" {
        en: "This service is already linked to panel user #{linked}, so nothing was changed. Tick Unlink and save first, then link the other user.",
        zh: "该服务已关联面板用户 #{linked}，因此未做任何更改。请先勾选“解除关联”并保存，再关联其他用户。"
    }
    /// Link: no such panel user.
    LinkUserMissing = "link_user_missing" {
        en: "There is no panel user {user} (by id: digits only; by name: the exact username), so nothing was changed. Check the user on the panel and enter its id or name again.",
        zh: "面板上不存在用户 {user}（按 ID：仅数字；按名称：完整用户名），因此未做任何更改。请在面板中核对该用户后重新输入其 ID 或用户名。"
    }
    /// Link: the panel user is an administrator.
    LinkAdminUser = "link_admin_user" {
        en: "Panel user #{user} is a panel administrator, and a service may only be linked to an ordinary user (it would be renamed and get the customer's password), so nothing was changed. Choose an ordinary user.",
        zh: "面板用户 #{user} 是面板管理员，服务只能关联普通用户（关联后会被改名并改为客户密码），因此未做任何更改。请选择普通用户。"
    }
    /// Link: the panel user is another service's.
    LinkUserTaken = "link_user_taken" {
        en: "Panel user #{user} is already linked to service #{other}, and no two services may share one panel user, so nothing was changed. Unlink it from that service first, or choose another user.",
        zh: "面板用户 #{user} 已关联到服务 #{other}，两个服务不能共用一个面板用户，因此未做任何更改。请先在该服务上解除关联，或选择其他用户。"
    }
    /// Link: another panel user has the name the linked user would get.
    LinkNameTaken = "link_name_taken" {
        en: "The linked user would be renamed to this service's name \"{username}\", but another panel user already has that name, so nothing was changed. Rename or delete that panel user, or change the username prefix, then link again.",
        zh: "被关联的用户将改名为本服务的用户名“{username}”，但面板上已有其他用户使用该名称，因此未做任何更改。请重命名或删除该面板用户，或修改用户名前缀后重新关联。"
    }
    /// Module log: a service was linked to a panel user by hand.
    Linked = "link_done" {
        en: "Linked this service to panel user #{user} (was \"{was}\", now \"{username}\"); its password is now the service password.",
        zh: "已将本服务关联到面板用户 #{user}（原名“{was}”，现名“{username}”）；其密码已改为服务密码。"
    }
    /// Module log: a service was unlinked.
    Unlinked = "unlink_done" {
        en: "Unlinked this service from panel user #{user}; the panel user was left as it is.",
        zh: "已解除本服务与面板用户 #{user} 的关联；面板用户保持不变。"
    }
    /// A panel user with the service's name exists and was not created by this service.
    UserNotOurs = "user_not_ours" {
        en: "An FLVX user named \"{username}\" already exists and was not created by this service, so it was not taken over. Delete or rename that panel user, or change the username prefix, then run Create again.",
        zh: "FLVX 面板上已存在名为“{username}”的用户，且不是由该服务创建的，因此未接管。请删除或重命名该面板用户，或修改用户名前缀后重新执行“开通”。"
    }
    /// The plan sets an option the panel's version does not have.
    NeedsPanel3 = "needs_newer_panel" {
        en: "Product option \"{option}\" needs FLVX 3.0, but this panel runs FLVX {version}, which would silently ignore it. Update the panel to FLVX 3.0, or clear the option in the product's Module Settings.",
        zh: "产品选项“{option}”需要 FLVX 3.0，但该面板运行的是 FLVX {version}，会静默忽略此设置。请将面板升级到 FLVX 3.0，或在产品的模块设置中清空该选项。"
    }
    /// The plan lets customers reset forward traffic, which the panel build lacks.
    NeedsForwardResetFlow = "needs_forward_reset_flow" {
        en: "Product option \"{option}\" needs an FLVX 3.0 build from July 2026 or later, and this panel has no per-forward traffic reset. Update the panel, or set the option to No.",
        zh: "产品选项“{option}”需要 2026 年 7 月及以后的 FLVX 3.0 版本，而该面板不支持按转发重置流量。请升级面板，或将该选项设为“否”。"
    }
    /// The service password is too long for FLVX 3.0's bcrypt.
    PasswordTooLong = "password_too_long" {
        en: "The service password is longer than 72 bytes, which FLVX 3.0 cannot store (bcrypt). Set a shorter password on the service (64 characters at most) and try again.",
        zh: "该服务密码超过 72 字节，FLVX 3.0 无法保存（bcrypt 限制）。请为该服务设置更短的密码（最多 64 个字符）后重试。"
    }
    /// The panel refused, for a reason the catalogue explains.
    PanelRefused = "panel_refused" {
        en: "The FLVX panel did not allow {action}: {reason}",
        zh: "FLVX 面板不允许{action}：{reason}"
    }
    /// Reason: the account has as many running forwards as allowed (3.0 enforces it).
    ReasonForwardLimit = "reason_forward_limit" {
        en: "the account already runs as many forwards as its package allows. Pause or delete one first, or upgrade the package.",
        zh: "该账户运行中的转发已达套餐上限。请先暂停或删除一条，或升级套餐。"
    }
    /// Reason: the account is disabled.
    ReasonAccountDisabled = "reason_account_disabled" {
        en: "the account is disabled on the panel (suspended or expired). Reactivate or renew the service first.",
        zh: "该账户在面板上已停用（已暂停或已到期）。请先恢复或续费该服务。"
    }
    /// Reason: the account expired.
    ReasonAccountExpired = "reason_account_expired" {
        en: "the account has expired on the panel. Renew the service first.",
        zh: "该账户在面板上已到期。请先续费该服务。"
    }
    /// Reason: the traffic quota is used up.
    ReasonTrafficExceeded = "reason_traffic_exceeded" {
        en: "the traffic quota is used up. Wait for the monthly reset, or upgrade the package.",
        zh: "流量配额已用完。请等待每月重置，或升级套餐。"
    }
    /// Reason: a daily or monthly quota is used up.
    ReasonQuotaExceeded = "reason_quota_exceeded" {
        en: "the daily or calendar-month quota is used up. Wait for the next day or month, or ask for a quota reset.",
        zh: "每日或自然月流量配额已用完。请等待下一天或下个月，或申请重置配额。"
    }
    /// Reason: the tunnel is disabled or expired for the account.
    ReasonTunnelUnavailable = "reason_tunnel_unavailable" {
        en: "this tunnel is disabled or expired for the account. Run Sync from the admin area to restore it.",
        zh: "该隧道对此账户已停用或已到期。请在管理后台执行“同步”以恢复。"
    }
    /// Reason: the tunnel's own quota or forward limit is reached.
    ReasonTunnelLimit = "reason_tunnel_limit" {
        en: "this tunnel's traffic quota or forward limit for the account is reached. Upgrade the package or pause another forward on it.",
        zh: "该账户在此隧道上的流量配额或转发数量已达上限。请升级套餐或暂停该隧道上的其他转发。"
    }
    /// Reason: the target address was refused by the panel's address check.
    ReasonTargetRefused = "reason_target_refused" {
        en: "the target address is private, loopback or could not be resolved. Use a public address or a host name that resolves to one.",
        zh: "目标地址是内网、本机地址或无法解析。请使用公网地址或解析到公网地址的域名。"
    }
    /// Reason: the entry port is outside the node's range.
    ReasonPortOutOfRange = "reason_port_out_of_range" {
        en: "the entry port is outside the ports this node allows. Choose another port or leave it empty.",
        zh: "入口端口不在该节点允许的范围内。请选择其他端口或留空。"
    }
    /// Reason: the entry port is taken.
    ReasonPortTaken = "reason_port_taken" {
        en: "the entry port is already used by another forward. Choose another port or leave it empty.",
        zh: "入口端口已被其他转发占用。请选择其他端口或留空。"
    }
    /// Reason: the commercial edition's licence is inactive.
    ReasonLicenceInactive = "reason_licence_inactive" {
        en: "the commercial FLVX panel's licence is not active. Activate the licence on the panel.",
        zh: "商业版 FLVX 面板的授权未激活。请在面板上激活授权。"
    }
    /// Test connection: captcha blocks the login (a panel that ignores the header).
    TestCaptchaBlocked = "test_captcha_blocked" {
        en: "The FLVX panel requires a captcha to log in and does not let billing modules past it (FLVX 2.1 before late 2.1.5 ignores the X-FLVX-API-Client header), so the module cannot log in. Update the panel to FLVX 3.0, disable captcha on the panel (config captcha_enabled=false), or put a pre-issued admin token in the Access Hash field.",
        zh: "FLVX 面板登录需要验证码，且不允许计费模块绕过（2.1.5 后期之前的 FLVX 2.1 会忽略 X-FLVX-API-Client 请求头），模块无法登录。请将面板升级到 FLVX 3.0、在面板上关闭验证码（配置 captcha_enabled=false），或在 Access Hash 字段填入预先签发的管理员令牌。"
    }
    /// Test connection: products set options the panel's version lacks.
    TestProductsNeedPanel3 = "test_products_need_newer_panel" {
        en: "Connected to FLVX {version}, but these FLVX products set options that need FLVX 3.0, which Create and Change Package will refuse: {products}. Update the panel to FLVX 3.0, or clear those options.",
        zh: "已连接到 FLVX {version}，但以下 FLVX 产品设置了需要 FLVX 3.0 的选项，开通和变更套餐时将被拒绝：{products}。请将面板升级到 FLVX 3.0，或清空这些选项。"
    }
    /// Test connection: the commercial edition's licence is inactive.
    TestLicenceInactive = "test_licence_inactive" {
        en: "Connected and logged in, but the commercial FLVX panel refuses tunnel and forward calls (code 451) because its licence is not active. Activate the licence on the panel.",
        zh: "已连接并登录，但商业版 FLVX 面板因授权未激活而拒绝隧道和转发调用（代码 451）。请在面板上激活授权。"
    }
    /// Test connection succeeded: what the module found (for the module log).
    TestReport = "test_report" {
        en: "Connected to FLVX {version}; login captcha: {captcha}.",
        zh: "已连接到 FLVX {version}；登录验证码：{captcha}。"
    }
    /// Captcha state: off.
    CaptchaOff = "captcha_off" { en: "off", zh: "关闭" }
    /// Captcha state: on, passed by the billing-module header.
    CaptchaPassedByHeader = "captcha_passed_by_header" {
        en: "on, passed by the billing-module login header",
        zh: "开启，已通过计费模块登录请求头绕过"
    }
    /// Captcha state: on, a pre-issued token is used.
    CaptchaTokenUsed = "captcha_token_used" {
        en: "on, not needed (a pre-issued token is used)",
        zh: "开启，无需验证（使用预先签发的令牌）"
    }
    /// The panel answered with an error.
    PanelError = "panel_error" {
        en: "The FLVX panel refused {action}: {detail}",
        zh: "FLVX 面板拒绝了{action}：{detail}"
    }
    /// Some forwards were refused by the panel, with its reason.
    ForwardsRefused = "forwards_refused" {
        en: "{failed} forward(s) could not be {action}: {reason}",
        zh: "有 {failed} 条转发未能{action}：{reason}"
    }
    /// Some forwards could not be changed (typically a node is offline).
    ForwardsFailed = "forwards_failed" {
        en: "{failed} forward(s) could not be {action} on the FLVX nodes (is a node offline?). Bring the nodes online and try again.",
        zh: "有 {failed} 条转发未能在 FLVX 节点上{action}（节点是否离线？）。请让节点恢复在线后重试。"
    }
    /// The customer reached the maximum number of forwards.
    ForwardLimit = "forward_limit" {
        en: "You already have {count} of {max} forwards. Delete one or upgrade the package to add more.",
        zh: "您已有 {count} 条转发，已达上限 {max} 条。请删除一条或升级套餐。"
    }
    /// The tunnel is not part of the customer's package.
    TunnelNotInPlan = "tunnel_not_in_plan" {
        en: "Tunnel {tunnel} is not part of this package.",
        zh: "隧道 {tunnel} 不在此套餐内。"
    }
    /// The forward does not belong to this service.
    ForwardNotFound = "forward_not_found" {
        en: "Forward {forward} does not exist or does not belong to this service.",
        zh: "转发 {forward} 不存在或不属于此服务。"
    }
    /// The service is suspended, so forwards cannot be started.
    ServiceSuspended = "service_suspended" {
        en: "This service is suspended; forwards cannot be started until it is reactivated.",
        zh: "该服务已暂停，恢复前无法启动转发。"
    }
    /// The product does not offer per-forward traffic resets.
    ForwardResetNotOffered = "forward_reset_not_offered" {
        en: "This package does not include resetting a forward's traffic.",
        zh: "此套餐不提供重置单条转发流量的功能。"
    }
    /// A forward input field is invalid.
    InvalidForward = "invalid_forward" {
        en: "The forward's {field} is invalid: {reason}",
        zh: "转发的{field}无效：{reason}"
    }
    /// Too many targets in one forward.
    TooManyTargets = "too_many_targets" {
        en: "A forward can have at most {max} targets; {count} were given. Remove some.",
        zh: "一条转发最多可有 {max} 个目标，当前为 {count} 个。请删除一些。"
    }
    /// A target host is neither an address nor a valid host name.
    TargetHostInvalid = "target_host_invalid" {
        en: "A target's host must be an IPv4 address, an IPv6 address in brackets (such as [2001:db8::1]:443) or a host name of at most 253 letters, digits, hyphens and dots.",
        zh: "目标主机必须是 IPv4 地址、带方括号的 IPv6 地址（如 [2001:db8::1]:443），或最多 253 个字符（字母、数字、连字符和点）的域名。"
    }
    /// A target host name does not resolve.
    TargetUnresolved = "target_unresolved" {
        en: "The target {target} could not be resolved to an address. Check the host name, or use an IP address.",
        zh: "目标 {target} 无法解析为地址。请检查域名，或改用 IP 地址。"
    }
    /// A target is in a network forwards may not reach.
    TargetRefused = "target_refused" {
        en: "The target {target} points to {address}, which is in {network} ({range}); this service may not forward there. Use a public address.",
        zh: "目标 {target} 指向 {address}，属于{network}（{range}），此服务不允许转发到该地址。请使用公网地址。"
    }
    /// A target is the panel itself.
    TargetIsPanel = "target_is_panel" {
        en: "The target {target} points to {address}, the FLVX panel's own address; this service may not forward there. Use another address.",
        zh: "目标 {target} 指向 {address}，即 FLVX 面板自身的地址，此服务不允许转发到该地址。请使用其他地址。"
    }
    /// A target is a forwarding node.
    TargetIsNode = "target_is_node" {
        en: "The target {target} points to {address}, an address of the forwarding node {node}; this service may not forward there. Use another address.",
        zh: "目标 {target} 指向 {address}，即转发节点 {node} 的地址，此服务不允许转发到该地址。请使用其他地址。"
    }
    /// Network kind: loopback.
    NetLoopback = "net_loopback" { en: "the loopback network", zh: "本机回环网络" }
    /// Network kind: unspecified addresses.
    NetUnspecified = "net_unspecified" { en: "the unspecified (\"this host\") range", zh: "未指定地址段" }
    /// Network kind: private networks.
    NetPrivate = "net_private" { en: "a private network", zh: "内网" }
    /// Network kind: link-local.
    NetLinkLocal = "net_link_local" { en: "a link-local network (where cloud metadata services answer)", zh: "链路本地网络（云元数据服务所在）" }
    /// Network kind: carrier-grade NAT.
    NetCgnat = "net_cgnat" { en: "the carrier-grade NAT range", zh: "运营商级 NAT 地址段" }
    /// Network kind: multicast.
    NetMulticast = "net_multicast" { en: "a multicast range", zh: "组播地址段" }
    /// Network kind: broadcast.
    NetBroadcast = "net_broadcast" { en: "the broadcast address", zh: "广播地址" }
    /// The entry port is outside the package's range.
    PortOutsidePlan = "port_outside_plan" {
        en: "Entry port {port} is outside the ports this package allows ({min}-{max}). Choose a port in that range, or leave it empty.",
        zh: "入口端口 {port} 不在此套餐允许的范围内（{min}-{max}）。请选择该范围内的端口，或留空。"
    }
    /// The entry port is outside the node's range.
    PortOutsideNode = "port_outside_node" {
        en: "Entry port {port} is outside the ports node {node} allows ({min}-{max}). Choose a port in that range, or leave it empty.",
        zh: "入口端口 {port} 不在节点 {node} 允许的范围内（{min}-{max}）。请选择该范围内的端口，或留空。"
    }
    /// The entry port is used by another forward.
    PortTaken = "port_taken" {
        en: "Entry port {port} is already used by another forward on node {node}. Choose another port, or leave it empty.",
        zh: "入口端口 {port} 已被节点 {node} 上的其他转发占用。请选择其他端口，或留空。"
    }
    /// No port of the package's range is free.
    NoFreePort = "no_free_port" {
        en: "No entry port from {min} to {max} is free on this tunnel's nodes. Delete a forward, or ask the provider to widen the port range.",
        zh: "此隧道节点上 {min} 到 {max} 之间没有空闲的入口端口。请删除一条转发，或请服务商扩大端口范围。"
    }
    /// Storing service data failed.
    StoreFailed = "store_failed" {
        en: "Could not save the service's FLVX data: {detail}",
        zh: "无法保存该服务的 FLVX 数据：{detail}"
    }
    /// Another operation saved the service's record first (compare-and-swap).
    StoreConflict = "store_conflict" {
        en: "Another operation changed the FLVX data of service {service} while this one ran, so nothing was overwritten. Run the action again: it continues from the saved data.",
        zh: "另一个操作在此操作进行期间修改了服务 {service} 的 FLVX 数据，因此未覆盖任何内容。请重新执行此操作：它会从已保存的数据继续。"
    }
    /// A customer's action met a panel that could not be reached or did not answer like
    /// FLVX (the details are for the admin's log).
    PanelUnavailable = "panel_unavailable" {
        en: "The forwarding service cannot be reached right now. Please try again in a few minutes; if this keeps happening, contact support.",
        zh: "暂时无法连接转发服务，请几分钟后重试；如果问题持续，请联系客服。"
    }
    /// Another action on the same service holds its lock (the PHP module serialises one
    /// service's actions across processes).
    ServiceBusy = "service_busy" {
        en: "Another action on this service is still running. Try again in a minute.",
        zh: "该服务的另一个操作仍在进行中，请稍后重试。"
    }
    /// Status label: active.
    StatusActive = "status_active" { en: "Active", zh: "正常" }
    /// Status label: disabled on the panel (expired or by an admin).
    StatusDisabled = "status_disabled" { en: "Stopped", zh: "已停止" }
    /// Status label: suspended in WHMCS.
    StatusSuspended = "status_suspended" { en: "Suspended", zh: "已暂停" }
    /// Status label: the panel expiry has passed.
    StatusExpired = "status_expired" { en: "Expired", zh: "已到期" }
    /// Status label: the traffic quota is used up.
    StatusOverQuota = "status_over_quota" { en: "Traffic used up", zh: "流量已用完" }
    /// Client area notice: the service is suspended.
    NoticeSuspended = "notice_suspended" {
        en: "This service is suspended, so its forwards are stopped. Pay any overdue invoice or contact support to have it reactivated.",
        zh: "该服务已暂停，其转发已停止。请支付逾期账单，或联系客服恢复服务。"
    }
    /// Client area notice: the service expired on the panel.
    NoticeExpired = "notice_expired" {
        en: "This service expired on {date}, so its forwards are stopped. Renew it by paying the open invoice and they start again.",
        zh: "该服务已于 {date} 到期，其转发已停止。支付未付账单续费后，转发将重新运行。"
    }
    /// Client area notice: the quota is used up and resets monthly.
    NoticeOverQuotaReset = "notice_over_quota_reset" {
        en: "All {quota} of traffic is used, so the forwards are stopped. They run again after the monthly reset ({reset}); to continue sooner, upgrade the package.",
        zh: "{quota} 流量已全部用完，转发已停止。每月重置（{reset}）后将重新运行；如需提前恢复，请升级套餐。"
    }
    /// Client area notice: the quota is used up and never resets.
    NoticeOverQuota = "notice_over_quota" {
        en: "All {quota} of traffic is used, so the forwards are stopped. Upgrade the package to continue.",
        zh: "{quota} 流量已全部用完，转发已停止。请升级套餐以继续使用。"
    }
    /// Client area notice: the panel stopped the account for another reason.
    NoticeDisabled = "notice_disabled" {
        en: "This service has been stopped by the provider, so its forwards do not run. Contact support to find out why and to have it started again.",
        zh: "该服务已被服务商停止，转发不会运行。请联系客服了解原因并恢复服务。"
    }
    /// Client area warning: 80 % or more of the quota is used.
    NoticeNearLimit = "notice_near_limit" {
        en: "{percent}% of the traffic is used; {remaining} left. When it runs out the forwards stop until the reset.",
        zh: "已用 {percent}% 流量，剩余 {remaining}。用完后转发将停止，直到流量重置。"
    }
    /// Usage line with a quota.
    UsageOfQuota = "usage_of_quota" { en: "{used} of {quota} used", zh: "已用 {used}，共 {quota}" }
    /// Usage line without a quota.
    UsageUnlimited = "usage_unlimited" { en: "{used} used, no traffic limit", zh: "已用 {used}，流量不限" }
    /// Traffic left.
    UsageRemaining = "usage_remaining" { en: "{remaining} left", zh: "剩余 {remaining}" }
    /// Traffic chart heading: the panel's hourly figures.
    ChartHoursTitle = "chart_hours_title" { en: "Last {hours} hours", zh: "最近 {hours} 小时" }
    /// Traffic chart: what the hourly bars show.
    ChartHoursNote = "chart_hours_note" {
        en: "Traffic in each hour, as the panel recorded it.",
        zh: "每小时的流量，由面板记录。"
    }
    /// Traffic chart: no hourly figures.
    ChartHoursEmpty = "chart_hours_empty" {
        en: "No hourly figures yet: the panel records them at every full hour.",
        zh: "暂无每小时数据：面板每到整点记录一次。"
    }
    /// Traffic chart: one hour's bar (hover text).
    ChartHourBar = "chart_hour_bar" { en: "{time}: {traffic}", zh: "{time}：{traffic}" }
    /// Traffic chart heading: the module's daily samples.
    ChartDaysTitle = "chart_days_title" { en: "Last {days} days", zh: "最近 {days} 天" }
    /// Traffic chart: what the daily bars show.
    ChartDaysNote = "chart_days_note" {
        en: "Traffic used so far, at each day's usage update; it starts again from zero at the reset.",
        zh: "每天用量更新时的已用流量；流量重置后从零开始。"
    }
    /// Traffic chart: no daily figures.
    ChartDaysEmpty = "chart_days_empty" {
        en: "No daily figures yet: they are recorded at each daily usage update.",
        zh: "暂无每日数据：每次每日用量更新时记录。"
    }
    /// Traffic chart: one day's bar (hover text).
    ChartDayBar = "chart_day_bar" { en: "{date}: {used} used", zh: "{date}：已用 {used}" }
    /// Traffic chart legend: the quota line.
    ChartQuotaLine = "chart_quota_line" {
        en: "Dashed line: the {quota} quota",
        zh: "虚线：{quota} 流量配额"
    }
    /// Explains the panel expiry after the due date (grace days).
    ExpiryGrace = "expiry_grace" {
        en: "Forwards keep running until this date: {days} days after the next due date, so a late payment does not stop them at once.",
        zh: "转发将运行至该日期：即下次付款日后 {days} 天，逾期付款不会立即停止转发。"
    }
    /// Explains the panel expiry on the due date (no grace days).
    ExpiryOnDue = "expiry_on_due" {
        en: "Forwards stop on this date unless the next invoice is paid.",
        zh: "如未支付下一期账单，转发将在该日期停止。"
    }
    /// An entry the panel did not report.
    EntryUnknown = "entry_unknown" { en: "not reported by the panel yet", zh: "面板尚未提供" }
    /// Client area heading: the panel login.
    LabelPanelLogin = "label_panel_login" { en: "Panel login", zh: "面板登录" }
    /// Client area: no login address configured.
    LoginAddressMissing = "login_address_missing" {
        en: "Ask support for the address of the panel's login page.",
        zh: "请向客服索取面板登录页面的地址。"
    }
    /// Button: show the password.
    ActionShowPassword = "action_show_password" { en: "Show", zh: "显示" }
    /// Button: copy the password.
    ActionCopy = "action_copy" { en: "Copy", zh: "复制" }
    /// Link: upgrade the package.
    ActionUpgrade = "action_upgrade" { en: "Upgrade package", zh: "升级套餐" }
    /// Admin tab: a tunnel binding.
    AdminBinding = "admin_binding" { en: "{tunnel} (tunnel {tunnel_id}, binding {binding_id})", zh: "{tunnel}（隧道 {tunnel_id}，授权 {binding_id}）" }
    /// Admin tab: a tunnel whose name the panel did not give.
    AdminTunnelUnnamed = "admin_tunnel_unnamed" { en: "Tunnel {tunnel_id}", zh: "隧道 {tunnel_id}" }
    /// Admin tab: the panel user is gone.
    AdminUserMissing = "admin_user_missing" {
        en: "Panel user {user} was not found on the panel; use {button} to recreate it.",
        zh: "面板上找不到面板用户 {user}；请使用“{button}”重新创建。"
    }
    /// Invalid forward field: the name.
    FieldName = "field_name" { en: "name", zh: "名称" }
    /// Invalid forward field: the target.
    FieldTarget = "field_target" { en: "target", zh: "目标" }
    /// Invalid forward field: the entry port.
    FieldPort = "field_port" { en: "entry port", zh: "入口端口" }
    /// Rule for a forward name.
    RuleName = "rule_name" { en: "use 1 to 100 characters", zh: "请使用 1 到 100 个字符" }
    /// Rule for a forward target.
    RuleTarget = "rule_target" { en: "use host:port, such as 198.51.100.7:443", zh: "请使用“主机:端口”，如 198.51.100.7:443" }
    /// Rule for an entry port.
    RulePort = "rule_port" { en: "use 1 to 65535, or leave it empty for any free port", zh: "请使用 1 到 65535，或留空自动分配空闲端口" }
    /// Forward status: running.
    ForwardRunning = "forward_running" { en: "Running", zh: "运行中" }
    /// Forward status: paused.
    ForwardPaused = "forward_paused" { en: "Paused", zh: "已暂停" }
    /// Quota label for the panel's unlimited convention.
    Unlimited = "unlimited" { en: "Unlimited", zh: "不限" }
    /// Reset label: never.
    ResetNever = "reset_never" { en: "Never", zh: "从不" }
    /// Reset label: a day of the month.
    ResetOnDay = "reset_on_day" { en: "Day {day} of each month", zh: "每月 {day} 日" }
    /// Expiry label for a far-future expiry.
    NeverExpires = "never_expires" { en: "Never", zh: "永不过期" }
    /// Client area heading: traffic.
    LabelTraffic = "label_traffic" { en: "Traffic", zh: "流量" }
    /// Client area heading: expiry.
    LabelExpiry = "label_expiry" { en: "Forwards run until", zh: "转发运行至" }
    /// Client area heading: traffic reset.
    LabelReset = "label_reset" { en: "Traffic reset", zh: "流量重置" }
    /// Client area heading: panel username.
    LabelUsername = "label_username" { en: "Panel username", zh: "面板用户名" }
    /// Client area heading: panel password.
    LabelPassword = "label_password" { en: "Panel password", zh: "面板密码" }
    /// Client area heading: panel address.
    LabelPanel = "label_panel" { en: "Login page", zh: "登录页面" }
    /// Client area heading: status.
    LabelStatus = "label_status" { en: "Status", zh: "状态" }
    /// Client area heading: tunnels.
    LabelTunnels = "label_tunnels" { en: "Tunnels", zh: "隧道" }
    /// Client area heading: forwards.
    LabelForwards = "label_forwards" { en: "Forwards", zh: "转发" }
    /// Column: name.
    ColName = "col_name" { en: "Name", zh: "名称" }
    /// Column: entry address.
    ColEntry = "col_entry" { en: "Entry", zh: "入口" }
    /// Column: target.
    ColTarget = "col_target" { en: "Target", zh: "目标" }
    /// Column: traffic.
    ColTraffic = "col_traffic" { en: "Traffic", zh: "流量" }
    /// Column: speed.
    ColSpeed = "col_speed" { en: "Speed limit", zh: "限速" }
    /// No forwards yet.
    NoForwards = "no_forwards" { en: "No forwards yet.", zh: "暂无转发。" }
    /// Admin button: reset traffic.
    ButtonResetTraffic = "button_reset_traffic" { en: "Reset traffic", zh: "重置流量" }
    /// Admin button: sync / repair.
    ButtonSync = "button_sync" { en: "Sync from panel", zh: "与面板同步" }
    /// Admin button: reconcile every service of the server now, as the daily cron does.
    ButtonReconcile = "button_reconcile" { en: "Reconcile server now", zh: "立即校正本服务器" }
    /// WHMCS lacks the loader the daily job builds each service's parameters with.
    WhmcsLoaderMissing = "whmcs_loader_missing" {
        en: "This WHMCS has no WHMCS\\Module\\Server loader, so the daily job cannot read each service's settings. Update WHMCS (8.0 or newer).",
        zh: "此 WHMCS 没有 \"WHMCS\\Module\\Server\" 加载器，每日任务无法读取各服务的设置。请升级 WHMCS（8.0 或更高版本）。"
    }
    /// Result of a reconciliation run from the admin button.
    ReconcileDone = "reconcile_done" {
        en: "Reconciled {services} services of this server: {repairs} repairs, {missing} without a panel user, {failed} failed. Each repair is in the module log.",
        zh: "已校正本服务器的 {services} 个服务：修复 {repairs} 处，{missing} 个在面板上没有用户，{failed} 个失败。每项修复都记录在模块日志中。"
    }
    /// Module log: the user was written back to the plan.
    RepairUser = "repair_user" {
        en: "Service {service}: the panel user's limits, expiry or status differed from the plan and were written again.",
        zh: "服务 {service}：面板用户的限额、到期时间或状态与套餐不符，已重新写入。"
    }
    /// Module log: the user was renamed back.
    RepairUserRenamed = "repair_user_renamed" {
        en: "Service {service}: the panel user had been renamed to \"{name}\" and was renamed back, with the plan written again.",
        zh: "服务 {service}：面板用户曾被改名为“{name}”，已改回原名并重新写入套餐。"
    }
    /// Module log: a forward was paused.
    RepairPaused = "repair_paused" {
        en: "Service {service}: forward {forward} was running and has been paused: {reason}.",
        zh: "服务 {service}：转发 {forward} 正在运行，已暂停：{reason}。"
    }
    /// Module log: a forward was resumed.
    RepairResumed = "repair_resumed" {
        en: "Service {service}: forward {forward}, paused by the panel, has been resumed: the service is within its quota, not expired and not suspended.",
        zh: "服务 {service}：被面板暂停的转发 {forward} 已恢复：该服务在流量额度内、未到期且未暂停。"
    }
    /// Reconciliation: the panel password became the module's secret.
    RepairLoginClosed = "repair_login_closed" {
        en: "Service {service}: the panel password is now a secret only this module knows, because the product gives customers no panel access.",
        zh: "服务 {service}：面板密码已改为仅本模块知道的密钥，因为该产品不提供客户面板访问。"
    }
    /// Reconciliation: the panel password became the service password again.
    RepairLoginOpened = "repair_login_opened" {
        en: "Service {service}: the panel password is the service password again, because the product gives customers panel access.",
        zh: "服务 {service}：面板密码已恢复为服务密码，因为该产品提供客户面板访问。"
    }
    /// Module log: the user is gone.
    RepairMissing = "repair_missing" {
        en: "Service {service}: its panel user {user} is no longer on the panel. Use \"Sync from panel\" to create it again.",
        zh: "服务 {service}：其面板用户 {user} 已不在面板上。请使用“与面板同步”重新创建。"
    }
    /// Module log: a service's repair failed.
    RepairFailed = "repair_failed" {
        en: "Service {service}: the repair failed: {error}",
        zh: "服务 {service}：修复失败：{error}"
    }
    /// Pause reason: suspended.
    RepairReasonSuspended = "repair_reason_suspended" { en: "the service is suspended", zh: "该服务已暂停" }
    /// Pause reason: beyond max forwards.
    RepairReasonBeyondMax = "repair_reason_beyond_max" {
        en: "the service has more forwards than its plan allows (the oldest are kept)",
        zh: "该服务的转发数超过套餐上限（保留最早的转发）"
    }
    /// Pause reason: refused target.
    RepairReasonTarget = "repair_reason_target" {
        en: "its target is one the forward policy refuses",
        zh: "其目标地址被转发策略拒绝"
    }
    /// Pause reason: refused entry port.
    RepairReasonPort = "repair_reason_port" {
        en: "its entry port is outside the plan's port range",
        zh: "其入口端口不在套餐的端口范围内"
    }
    /// Admin button: take over the service's FLVX 1.0 account.
    ButtonImportLegacy = "button_import_legacy" { en: "Import from 1.0", zh: "从 1.0 导入" }
    /// Action: add a forward.
    ActionAddForward = "action_add_forward" { en: "Add forward", zh: "添加转发" }
    /// Action: pause a forward.
    ActionPause = "action_pause" { en: "Pause", zh: "暂停" }
    /// Action: resume a forward.
    ActionResume = "action_resume" { en: "Resume", zh: "恢复" }
    /// Action: delete a forward.
    ActionDelete = "action_delete" { en: "Delete", zh: "删除" }
    /// Forward action: zero its traffic counter.
    ActionResetForward = "action_reset_forward" { en: "Reset traffic", zh: "重置流量" }
    /// Column: tunnel.
    ColTunnel = "col_tunnel" { en: "Tunnel", zh: "隧道" }
    /// Column: entry port.
    ColPort = "col_port" { en: "Entry port", zh: "入口端口" }
    /// Column: status.
    ColStatus = "col_status" { en: "Status", zh: "状态" }
    /// Column: actions.
    ColActions = "col_actions" { en: "Actions", zh: "操作" }
    /// Form hint: the entry port.
    HintPort = "hint_port" { en: "Leave empty for any free port", zh: "留空则自动分配空闲端口" }
    /// Form hint: the target.
    HintTarget = "hint_target" { en: "host:port, several separated by commas", zh: "主机:端口，多个用逗号分隔" }
    /// Admin tab: panel user id.
    LabelPanelUserId = "label_panel_user_id" { en: "FLVX user id", zh: "FLVX 用户 ID" }
    /// Admin tab: link to a panel user.
    LabelLinkUser = "label_link_user" { en: "Link to panel user (id or exact name)", zh: "关联面板用户（ID 或完整用户名）" }
    /// Admin tab: unlink.
    LabelUnlink = "label_unlink" { en: "Unlink from the panel user (the panel user is kept)", zh: "解除与面板用户的关联（保留面板用户）" }
    /// Admin tab: the outcome of the last link or unlink.
    LabelLinkResult = "label_link_result" { en: "Last link change", zh: "上次关联变更" }
    /// Admin tab: bindings.
    LabelBindings = "label_bindings" { en: "Tunnel bindings", zh: "隧道授权" }
    /// Admin tab: forwards unsuspend will resume.
    LabelSuspendedForwards = "label_suspended_forwards" { en: "Forwards unsuspend will resume", zh: "恢复服务时将启动的转发" }
    /// Admin tab: forwards the customer paused.
    LabelCustomerPaused = "label_customer_paused" { en: "Forwards paused by the customer", zh: "客户自行暂停的转发" }
    /// Admin tab: create pending.
    LabelCreatePending = "label_create_pending" { en: "Create pending", zh: "开通进行中" }
    /// Admin tab: the expiry last pushed.
    LabelPushedExpiry = "label_pushed_expiry" { en: "Expiry last pushed to the panel (UTC)", zh: "最近推送到面板的到期时间（UTC）" }
    /// Admin tab: traffic used.
    LabelUsage = "label_usage" { en: "Traffic used", zh: "已用流量" }
    /// Placeholder for an empty value.
    LabelNone = "label_none" { en: "none", zh: "无" }
    /// Yes.
    LabelYes = "label_yes" { en: "yes", zh: "是" }
    /// Confirmation before deleting a forward.
    ConfirmDelete = "confirm_delete" { en: "Delete this forward? Its traffic stops at once.", zh: "确定删除此转发？其流量将立即停止。" }
    /// A forward action was not sent by the product page's form.
    PostRequired = "post_required" { en: "Use the buttons on the product page for this action.", zh: "请使用产品页面上的按钮执行此操作。" }
    /// Action words used in messages.
    ActionCreate = "action_create" { en: "creating the account", zh: "开通账户" }
    /// Action: suspend.
    ActionSuspend = "action_suspend" { en: "suspending the account", zh: "暂停账户" }
    /// Action: unsuspend.
    ActionUnsuspend = "action_unsuspend" { en: "unsuspending the account", zh: "恢复账户" }
    /// Action: renew.
    ActionRenew = "action_renew" { en: "renewing the account", zh: "续费账户" }
    /// Action: reset traffic.
    ActionResetTraffic = "action_reset_traffic" { en: "resetting the traffic", zh: "重置流量" }
    /// Action: sync / repair.
    ActionSync = "action_sync" { en: "syncing the account with the panel", zh: "与面板同步账户" }
    /// Action: taking over a panel user WHMCS Server Sync imported.
    ActionImportListed = "action_import_listed" { en: "taking over the panel user imported by Server Sync", zh: "接管服务器同步导入的面板用户" }
    /// Module log: a Server Sync import was taken over.
    ListedImported = "listed_imported" { en: "Took over panel user #{user_id} \"{username}\", imported by Server Sync: the service password logs in as it. It is now named \"{new_username}\".", zh: "已接管服务器同步导入的面板用户 #{user_id}“{username}”：服务密码可登录该用户。其用户名现为“{new_username}”。" }
    /// Action: linking a panel user by hand.
    ActionLink = "action_link" { en: "linking the panel user", zh: "关联面板用户" }
    /// Action: taking over a 1.0 account.
    ActionImportLegacy = "action_import_legacy" { en: "importing the FLVX 1.0 account", zh: "导入 FLVX 1.0 账户" }
    /// Action: the customer's forwards.
    ActionForwards = "action_forwards" { en: "changing the forwards", zh: "管理转发" }
    /// Action: reading traffic usage.
    ActionUsage = "action_usage" { en: "reading the traffic usage", zh: "读取流量用量" }
    /// Action: the daily reconciliation.
    ActionReconcile = "action_reconcile" { en: "reconciling the services with their plans", zh: "按套餐校正服务" }
    /// Action: terminate.
    ActionTerminate = "action_terminate" { en: "terminating the account", zh: "终止账户" }
    /// Action: change package.
    ActionChangePackage = "action_change_package" { en: "changing the package", zh: "变更套餐" }
    /// Action: change password.
    ActionChangePassword = "action_change_password" { en: "changing the password", zh: "修改密码" }
    /// Verb: paused.
    VerbPaused = "verb_paused" { en: "paused", zh: "暂停" }
    /// Verb: resumed.
    VerbResumed = "verb_resumed" { en: "resumed", zh: "恢复" }
    /// Verb: deleted.
    VerbDeleted = "verb_deleted" { en: "deleted", zh: "删除" }
}

impl Msg {
    /// The text in `lang` with `{name}` placeholders filled from `args`.
    pub fn format(self, lang: Lang, args: &[(&str, &str)]) -> String {
        let mut out = self.text().get(lang).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// Names that stay in Latin letters in Chinese text: products, protocols, units and the
/// WHMCS and panel fields and headers a seller types or looks up by that name.
pub const LATIN_NAMES: &[&str] = &[
    "FLVX",
    "WHMCS",
    "API",
    "ID",
    "IP",
    "IPv4",
    "IPv6",
    "CIDR",
    "NAT",
    "TLS",
    "UTC",
    "SSL",
    "HTTP",
    "HTTPS",
    "URL",
    "B",
    "KiB",
    "MiB",
    "GiB",
    "TiB",
    "MB",
    "GB",
    "Mbps",
    "bcrypt",
    "Access",
    "Hash",
    "Turnstile",
    "X-FLVX-API-Client",
    "Smarty",
    "PHP",
];

/// The English words of a Chinese text outside names and addresses: a word counts unless it
/// is one of [`LATIN_NAMES`], sits in ASCII double quotes (a value to type), or belongs to
/// an address, number or identifier (a token with a digit or one of `. : / _ = [ @`).
/// `{placeholders}` are skipped: they are filled with names and figures.
pub fn english_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut in_placeholder = false;
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '{' => in_placeholder = true,
            '}' => in_placeholder = false,
            '"' => {
                in_quotes = !in_quotes;
                plain.push(' ');
            }
            _ if in_placeholder || in_quotes => {}
            _ => plain.push(c),
        }
    }
    let token_char = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | ':' | '/' | '_' | '=' | '[' | ']' | '@' | '-' | '%')
    };
    plain
        .split(|c: char| !token_char(c))
        .map(|t| t.trim_matches(|c: char| matches!(c, '.' | ':' | '-' | '%')))
        .filter(|t| t.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|t| {
            let address = t.chars().any(|c| {
                c.is_ascii_digit() || matches!(c, '.' | ':' | '/' | '_' | '=' | '[' | '@')
            });
            !address && !LATIN_NAMES.contains(t)
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_messages_hold_no_english_words() {
        let found: Vec<String> = Msg::ALL
            .iter()
            .filter_map(|msg| {
                let words = english_words(msg.text().zh);
                (!words.is_empty()).then(|| format!("{}: {words:?}", msg.key()))
            })
            .collect();
        assert!(
            found.is_empty(),
            "English inside Chinese messages:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_english_word_check_can_fail() {
        assert_eq!(
            english_words("转发的target无效：host:port, such as 198.51.100.7:443"),
            ["target", "such", "as"]
        );
        assert_eq!(english_words("面板 (none)"), ["none"]);
        assert!(
            english_words("{quota} 流量，见 https://panel.example/a_b，FLVX 3.0，“unlimited”")
                .len()
                == 1
        );
        assert!(
            english_words("或 \"unlimited\"，billing_day，10.0.0.0/8，[2001:db8::1]:443")
                .is_empty()
        );
    }

    #[test]
    fn keys_are_unique_and_php_safe() {
        for (i, a) in Msg::ALL.iter().enumerate() {
            assert!(a.key().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            for b in &Msg::ALL[i + 1..] {
                assert_ne!(a.key(), b.key());
            }
        }
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        for msg in Msg::ALL {
            let t = msg.text();
            assert_eq!(placeholders(t.en), placeholders(t.zh), "{}", msg.key());
        }
    }

    #[test]
    fn format_fills_placeholders() {
        let s = Msg::ForwardLimit.format(Lang::En, &[("count", "3"), ("max", "3")]);
        assert_eq!(
            s,
            "You already have 3 of 3 forwards. Delete one or upgrade the package to add more."
        );
    }

    fn placeholders(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .collect();
        v.sort_unstable();
        v
    }
}
