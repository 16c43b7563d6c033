//! The options themselves, in WHMCS order. Append new options at the end only.

use super::{Choice, Field, Loader, OptionSpec, Rule};
use crate::messages::Text;

const TERMINATE_ACTIONS: &[Choice] = &[
    Choice {
        value: "delete",
        label: Text {
            en: "Delete the panel user and its forwards",
            zh: "删除面板用户及其转发",
        },
    },
    Choice {
        value: "disable",
        label: Text {
            en: "Disable the panel user and pause its forwards",
            zh: "停用面板用户并暂停其转发",
        },
    },
];

const YES_NO: &[Choice] = &[
    Choice {
        value: "no",
        label: Text {
            en: "No", zh: "否"
        },
    },
    Choice {
        value: "yes",
        label: Text {
            en: "Yes",
            zh: "是",
        },
    },
];

/// Every product option, in `configoptionN` order.
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        key: "tunnels",
        label: Text {
            en: "Tunnels",
            zh: "隧道",
        },
        description: Text {
            en: "Tunnel id(s) the customer may use, comma-separated (e.g. 3 or 3,5)",
            zh: "客户可使用的隧道 ID，多个用逗号分隔（如 3 或 3,5）",
        },
        field: Field::Text,
        default: "",
        rule: Rule::IdList,
        loader: Some(Loader::Tunnels),
        size: 20,
        simple: true,
    },
    OptionSpec {
        key: "traffic_quota",
        label: Text {
            en: "Traffic quota (GiB)",
            zh: "流量配额 (GiB)",
        },
        description: Text {
            en: "Monthly traffic in GiB, both directions counted; 1-99998 or \"unlimited\"",
            zh: "每月流量（GiB），上下行合计；1-99998 或 \"unlimited\"",
        },
        field: Field::Text,
        default: "100",
        rule: Rule::IntegerOrUnlimited {
            min: 1,
            max: 99_998,
        },
        loader: None,
        size: 10,
        simple: true,
    },
    OptionSpec {
        key: "max_forwards",
        label: Text {
            en: "Max forwards",
            zh: "最大转发数",
        },
        description: Text {
            en: "Forwards the customer may create (enforced by this module; the panel does not)",
            zh: "客户可创建的转发数（由本模块限制，面板本身不限制）",
        },
        field: Field::Text,
        default: "10",
        rule: Rule::Integer { min: 1, max: 1000 },
        loader: None,
        size: 10,
        simple: true,
    },
    OptionSpec {
        key: "speed_limit",
        label: Text {
            en: "Speed limit",
            zh: "限速",
        },
        description: Text {
            en: "Panel speed-limit id applied to every tunnel; 0 for none",
            zh: "应用于所有隧道的面板限速规则 ID；0 表示不限速",
        },
        field: Field::Text,
        default: "0",
        rule: Rule::OptionalId,
        loader: Some(Loader::SpeedLimits),
        size: 10,
        simple: true,
    },
    OptionSpec {
        key: "tunnel_group",
        label: Text {
            en: "Tunnel group",
            zh: "隧道分组",
        },
        description: Text {
            en: "Also grant every tunnel of this panel tunnel group; 0 for none",
            zh: "同时授予该面板隧道分组中的所有隧道；0 表示不使用",
        },
        field: Field::Text,
        default: "0",
        rule: Rule::OptionalId,
        loader: Some(Loader::TunnelGroups),
        size: 10,
        simple: true,
    },
    OptionSpec {
        key: "expiry_days",
        label: Text {
            en: "Validity (days)",
            zh: "有效期（天）",
        },
        description: Text {
            en: "Only for products without a due date (free or one-time): days until expiry; 0 = never",
            zh: "仅用于没有到期日的产品（免费或一次性）：到期天数；0 表示永不过期",
        },
        field: Field::Text,
        default: "30",
        rule: Rule::Integer {
            min: 0,
            max: 36_500,
        },
        loader: None,
        size: 10,
        simple: false,
    },
    OptionSpec {
        key: "expiry_grace_days",
        label: Text {
            en: "Expiry grace (days)",
            zh: "到期宽限（天）",
        },
        description: Text {
            en: "Days after the due date before the panel itself expires the account",
            zh: "到期日之后面板自身停用账户前的宽限天数",
        },
        field: Field::Text,
        default: "3",
        rule: Rule::Integer { min: 0, max: 365 },
        loader: None,
        size: 10,
        simple: false,
    },
    OptionSpec {
        key: "traffic_reset",
        label: Text {
            en: "Monthly traffic reset",
            zh: "每月流量重置",
        },
        description: Text {
            en: "When the panel zeroes traffic each month: billing_day, a day 1-31, or never",
            zh: "面板每月清零流量的时间：billing_day（账单日）、1-31 中的某日，或 never（从不）",
        },
        field: Field::Text,
        default: "billing_day",
        rule: Rule::ResetSchedule,
        loader: None,
        size: 12,
        simple: false,
    },
    OptionSpec {
        key: "username_prefix",
        label: Text {
            en: "Username prefix",
            zh: "用户名前缀",
        },
        description: Text {
            en: "Panel usernames are this prefix plus the WHMCS service id (e.g. flvx12)",
            zh: "面板用户名为该前缀加 WHMCS 服务 ID（如 flvx12）",
        },
        field: Field::Text,
        default: "flvx",
        rule: Rule::Prefix { max: 20 },
        loader: None,
        size: 20,
        simple: false,
    },
    OptionSpec {
        key: "terminate_action",
        label: Text {
            en: "On termination",
            zh: "终止时",
        },
        description: Text {
            en: "What Terminate does on the panel",
            zh: "终止服务时在面板上的操作",
        },
        field: Field::Dropdown(TERMINATE_ACTIONS),
        default: "delete",
        rule: Rule::OneOf,
        loader: None,
        size: 0,
        simple: false,
    },
    OptionSpec {
        key: "user_group",
        label: Text {
            en: "User group",
            zh: "用户分组",
        },
        description: Text {
            en: "Panel user group to put new users in; 0 for none",
            zh: "新用户加入的面板用户分组；0 表示不加入",
        },
        field: Field::Text,
        default: "0",
        rule: Rule::OptionalId,
        loader: Some(Loader::UserGroups),
        size: 10,
        simple: false,
    },
    OptionSpec {
        key: "max_connections",
        label: Text {
            en: "Max connections (FLVX 3.0)",
            zh: "最大连接数（FLVX 3.0）",
        },
        description: Text {
            en: "Concurrent connections per customer, 0 = no cap; empty keeps the panel's value. Needs FLVX 3.0; a customer who can log in to the panel can lift it per forward",
            zh: "每个客户的并发连接数，0 表示不限；留空则保留面板上的值。需要 FLVX 3.0；能登录面板的客户可按转发自行提高",
        },
        field: Field::Text,
        default: "",
        rule: Rule::OptionalInteger {
            min: 0,
            max: 1_000_000,
        },
        loader: None,
        size: 10,
        simple: false,
    },
    OptionSpec {
        key: "daily_quota",
        label: Text {
            en: "Daily quota (GiB, FLVX 3.0)",
            zh: "每日流量配额（GiB，FLVX 3.0）",
        },
        description: Text {
            en: "Traffic per calendar day in GiB, 0 = none; empty keeps the panel's value. Needs FLVX 3.0; only holds where customers cannot call the panel",
            zh: "每个自然日的流量（GiB），0 表示不限；留空则保留面板上的值。需要 FLVX 3.0；仅在客户无法访问面板时有效",
        },
        field: Field::Text,
        default: "",
        rule: Rule::OptionalInteger {
            min: 0,
            max: 99_998,
        },
        loader: None,
        size: 10,
        simple: false,
    },
    OptionSpec {
        key: "monthly_quota",
        label: Text {
            en: "Calendar-month quota (GiB, FLVX 3.0)",
            zh: "自然月流量配额（GiB，FLVX 3.0）",
        },
        description: Text {
            en: "Traffic per calendar month in GiB (separate from the monthly reset), 0 = none; empty keeps the panel's value. Needs FLVX 3.0; only holds where customers cannot call the panel",
            zh: "每个自然月的流量（GiB，独立于每月重置），0 表示不限；留空则保留面板上的值。需要 FLVX 3.0；仅在客户无法访问面板时有效",
        },
        field: Field::Text,
        default: "",
        rule: Rule::OptionalInteger {
            min: 0,
            max: 99_998,
        },
        loader: None,
        size: 10,
        simple: false,
    },
    OptionSpec {
        key: "forward_traffic_reset",
        label: Text {
            en: "Customers reset forward traffic",
            zh: "客户可重置转发流量",
        },
        description: Text {
            en: "Lets customers zero a forward's own traffic counter (not the quota). Needs an FLVX 3.0 build from July 2026 or later",
            zh: "允许客户清零单个转发自身的流量计数（不影响配额）。需要 2026 年 7 月及以后的 FLVX 3.0 版本",
        },
        field: Field::Dropdown(YES_NO),
        default: "no",
        rule: Rule::OneOf,
        loader: None,
        size: 0,
        simple: false,
    },
    OptionSpec {
        key: "allowed_target_networks",
        label: Text {
            en: "Allowed target networks",
            zh: "允许的目标网段",
        },
        description: Text {
            en: "Networks customers may forward to although they are refused by default (loopback, private, link-local, CGNAT, multicast), as CIDRs such as 10.20.0.0/16,fd00:1::/64; empty = none. The panel's and the nodes' own addresses stay refused, and FLVX 3.0 itself refuses customers' loopback and private targets unless its allow_local_remote_addr setting is on",
            zh: "默认拒绝（回环、内网、链路本地、运营商级 NAT、组播）但仍允许客户转发到的网段，CIDR 格式，如 10.20.0.0/16,fd00:1::/64；留空表示无。面板和节点自身的地址始终拒绝；FLVX 3.0 面板本身也会拒绝客户的回环和内网目标，除非开启其 allow_local_remote_addr 设置",
        },
        field: Field::Text,
        default: "",
        rule: Rule::NetworkList { max: 32 },
        loader: None,
        size: 40,
        simple: false,
    },
    OptionSpec {
        key: "entry_port_range",
        label: Text {
            en: "Entry port range",
            zh: "入口端口范围",
        },
        description: Text {
            en: "Entry ports customers' forwards may listen on, such as 20000-29999 (each node's own range applies too); empty = the node's range. With a range set, a forward without a port gets the lowest free port of it",
            zh: "客户转发可监听的入口端口，如 20000-29999（同时受各节点自身范围限制）；留空表示使用节点的范围。设置后，未指定端口的转发将使用该范围内最小的空闲端口",
        },
        field: Field::Text,
        default: "",
        rule: Rule::PortRange,
        loader: None,
        size: 15,
        simple: false,
    },
    OptionSpec {
        key: "customer_panel_access",
        label: Text {
            en: "Customer panel access",
            zh: "客户面板访问",
        },
        description: Text {
            en: "yes: the client area shows the customer's panel login, and what the customer changes on the panel itself is put back by the daily reconciliation (up to a day later). no: the panel password is a secret only this module knows, the client area is the customer's only interface and every limit holds at once. A change applies at the next Sync, Change Package, Change Password or reconciliation",
            zh: "\"yes\"：客户区显示客户的面板登录信息，客户直接在面板上做的更改由每日对账恢复（最多延迟一天）。\"no\"：面板密码是仅本模块知道的随机密钥，客户区是客户唯一的操作界面，所有限制即时生效。更改在下次同步、更换套餐、修改密码或对账时生效",
        },
        field: Field::Dropdown(YES_NO),
        default: "yes",
        rule: Rule::OneOf,
        loader: None,
        size: 0,
        simple: false,
    },
];
