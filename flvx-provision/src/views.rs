//! Display models for the client area and the admin tab: every value formatted and ready
//! to print (templates only escape and lay out).

mod chart;

pub use chart::{
    CHART_GAP, CHART_HEADROOM, CHART_HEIGHT, CHART_HOURS, CHART_WIDTH, Chart, ChartBar, scaled,
};

use crate::dates::Date;
use crate::engine::{Engine, Service};
use crate::error::ProvisionError;
use crate::messages::{Lang, Msg};
use crate::store::{DailyUsage, day_of, first_kept_day};
use flvx_api::ids::UserId;
use flvx_api::models::{Binding, Forward, Package};
use flvx_api::units::{Bytes, EpochMs, Gib, ResetDay};
use secrecy::{ExposeSecret, SecretString};
use std::net::Ipv6Addr;

/// How the host formats what the customer reads: the language, WHMCS's date format and
/// the address customers log in at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSettings {
    /// The customer's language.
    pub lang: Lang,
    /// WHMCS's `DateFormat` setting (see [`Date::formatted`]).
    pub date_format: String,
    /// The panel's web front end, where customers log in (the server's IP Address field
    /// when it holds an `http(s)://` address; see [`login_address`]); empty when unset.
    /// Never the API address, which may be internal.
    pub login_address: String,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            lang: Lang::En,
            date_format: "YYYY-MM-DD".to_owned(),
            login_address: String::new(),
        }
    }
}

/// The login address from a server setting: an `http://` or `https://` address without
/// white space or markup-breaking characters, else empty (a bare host name or IP is the
/// API fallback address, not a login page).
pub fn login_address(setting: &str) -> String {
    let text = setting.trim();
    let lower = text.to_ascii_lowercase();
    let scheme = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\'' | '`'));
    if scheme && clean && text.len() <= 255 {
        text.to_owned()
    } else {
        String::new()
    }
}

/// Where the service stands, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceState {
    /// Running normally.
    Active,
    /// Suspended in WHMCS.
    Suspended,
    /// The panel expiry has passed.
    Expired,
    /// The traffic quota is used up.
    OverQuota,
    /// Disabled on the panel for another reason.
    Disabled,
}

impl ServiceState {
    /// The stable name templates style by.
    pub fn key(self) -> &'static str {
        match self {
            ServiceState::Active => "active",
            ServiceState::Suspended => "suspended",
            ServiceState::Expired => "expired",
            ServiceState::OverQuota => "over_quota",
            ServiceState::Disabled => "disabled",
        }
    }
}

/// The customer's own panel login. One optional part of the view, so a product that keeps
/// customers off the panel can leave it out.
#[derive(Debug, Clone)]
pub struct PanelLogin {
    /// The login page (empty when the server has none set).
    pub address: String,
    /// Panel username.
    pub username: String,
    /// Panel password (the service password; redacted in Debug output).
    pub password: SecretString,
}

impl PartialEq for PanelLogin {
    fn eq(&self, other: &Self) -> bool {
        self.address == other.address
            && self.username == other.username
            && self.password.expose_secret() == other.password.expose_secret()
    }
}

impl Eq for PanelLogin {}

/// What the customer sees on the product page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceView {
    /// Panel username.
    pub username: String,
    /// Where the service stands.
    pub state: ServiceState,
    /// The state in words: Active, Suspended, Expired, Traffic used up, Stopped.
    pub status: String,
    /// For any state but Active: what happened and what the customer can do; else empty.
    pub notice: String,
    /// Traffic used, e.g. `12.5 GiB`.
    pub used: String,
    /// Quota, e.g. `100 GiB` or `Unlimited`.
    pub quota: String,
    /// The usage line, e.g. `12.5 GiB of 100 GiB used`.
    pub usage: String,
    /// Traffic left, e.g. `87.5 GiB left`; empty without a quota.
    pub remaining: String,
    /// Percent of the quota used, 0-100.
    pub percent: u8,
    /// Whether there is no quota (no bar then).
    pub unlimited: bool,
    /// The near-limit warning from 80 % while still running; else empty.
    pub warning: String,
    /// The last day forwards run, in WHMCS's date format, or "Never".
    pub expires: String,
    /// How that date relates to the next due date; empty without a due date.
    pub expiry_note: String,
    /// Reset schedule.
    pub reset: String,
    /// Forwards used and allowed, e.g. `2 / 10`.
    pub forward_count: String,
    /// Tunnels.
    pub tunnels: Vec<TunnelView>,
    /// Forwards.
    pub forwards: Vec<ForwardView>,
    /// The last 24 hours, from the panel's hourly rows (none in the admin's lists, so
    /// empty for a suspended or disabled customer).
    pub hours: Chart,
    /// The last 30 days, from the module's daily samples, with the quota line.
    pub days: Chart,
    /// The customer's panel login, if the product shows it.
    pub login: Option<PanelLogin>,
}

/// One tunnel of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelView {
    /// Tunnel id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Speed limit, e.g. `100 Mbps` or `Unlimited`.
    pub speed: String,
}

/// One forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardView {
    /// Forward id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Tunnel name.
    pub tunnel: String,
    /// Entry addresses, `ip:port` or `[ipv6]:port`; empty when the panel gave none.
    pub entries: Vec<String>,
    /// Target addresses.
    pub target: String,
    /// Traffic through it, e.g. `1.2 GiB`.
    pub traffic: String,
    /// Running or paused.
    pub status: String,
    /// Whether it runs.
    pub running: bool,
}

/// What a view needs besides the package.
#[derive(Debug, Clone, Copy)]
pub struct ViewContext<'a> {
    /// The plan's forward limit.
    pub max_forwards: i64,
    /// Whether WHMCS suspended the service.
    pub suspended: bool,
    /// The plan's grace days after the due date, `None` for a service without one.
    pub grace_days: Option<u32>,
    /// The current time.
    pub now: EpochMs,
    /// Language, date format, login address.
    pub settings: &'a ViewSettings,
    /// The service's daily usage samples (see [`crate::store::UsageHistory`]); the chart
    /// shows those of the last 30 days.
    pub daily: &'a [DailyUsage],
}

impl<'a> ViewContext<'a> {
    /// The context of a service.
    pub fn of(service: &Service, suspended: bool, settings: &'a ViewSettings) -> Self {
        ViewContext {
            max_forwards: service.plan.max_forwards,
            suspended,
            grace_days: service.due_date.map(|_| service.plan.grace_days),
            now: service.now,
            settings,
            daily: &[],
        }
    }

    /// The same context with the service's daily samples.
    pub fn with_daily(self, daily: &'a [DailyUsage]) -> Self {
        ViewContext { daily, ..self }
    }
}

impl Engine {
    /// The client-area view, from the customer's own package. Calls (as the customer):
    /// `user/package` (plus a login when the customer's token is not cached); for a
    /// suspended service, or one the panel disabled, `user/list` and `forward/list` as the
    /// admin.
    pub async fn client_view(
        &self,
        service: &Service,
        settings: &ViewSettings,
    ) -> Result<ServiceView, ProvisionError> {
        let (record, user) = self.provisioned(service.id).await?;
        let daily = self.daily_usage(service).await?;
        let context = ViewContext::of(service, record.suspended, settings).with_daily(&daily);
        let mut view = if record.suspended {
            self.admin_view(service, user, &context).await?
        } else {
            let customer = self.customer(service, &record);
            match customer.package().await {
                Ok(package) => service_view(&package, &context),
                // Disabled by the panel itself (expired, quota): 3.0 refuses the customer's
                // token and its login, so the view comes from the admin's lists too.
                Err(
                    flvx_api::Error::LoginRejected { .. } | flvx_api::Error::Unauthorized { .. },
                ) => self.admin_view(service, user, &context).await?,
                Err(source) => {
                    return Err(ProvisionError::Panel {
                        action: Msg::ActionUsage,
                        source,
                    });
                }
            }
        };
        // Without panel access the panel password is the module's secret: nothing to show.
        view.login = service.plan.panel_access.then(|| PanelLogin {
            address: settings.login_address.clone(),
            username: service.username(),
            password: service.password.clone(),
        });
        Ok(view)
    }

    /// The service's samples of the last 30 days; none without a usage history.
    async fn daily_usage(&self, service: &Service) -> Result<Vec<DailyUsage>, ProvisionError> {
        let Some(history) = self.history() else {
            return Ok(Vec::new());
        };
        let from = first_kept_day(day_of(service.now));
        Ok(history.daily_usage(service.id, from).await?)
    }

    /// A disabled customer cannot log in (and 3.0 refuses its tokens too), so its view
    /// comes from the admin's lists: `user/list` and `forward/list`; no tunnel details.
    async fn admin_view(
        &self,
        service: &Service,
        user: UserId,
        context: &ViewContext<'_>,
    ) -> Result<ServiceView, ProvisionError> {
        let action = Msg::ActionUsage;
        let found = self.current_user(service, user, action).await?;
        let account = found.ok_or_else(|| ProvisionError::Panel {
            action,
            source: flvx_api::Error::NotFound {
                what: format!("user {user}"),
            },
        })?;
        let forwards = self.forwards_of(user, action).await?;
        let package = Package::of(account, Vec::new(), forwards);
        Ok(service_view(&package, context))
    }
}

/// Builds the view from a package (without the login, which the engine adds).
pub fn service_view(package: &Package, context: &ViewContext<'_>) -> ServiceView {
    let lang = context.settings.lang;
    let user = &package.user_info;
    // The panel lists bindings in the order they were made, and the engine makes those of
    // several tunnels at once: tunnel order is what stays put.
    let mut tunnels: Vec<TunnelView> = package
        .tunnel_permissions
        .iter()
        .map(|b| tunnel_view(b, lang))
        .collect();
    tunnels.sort_by_key(|t| t.id);
    let used = human_bytes(user.used());
    let quota = quota_label(user.flow, lang);
    // A quota of 0 is a real one (the panel stops at the first byte).
    let unlimited = user.flow.is_unlimited();
    let percent = percent(user.used(), user.flow);
    let reset = reset_label(user.flow_reset_time, lang);
    let never = user.exp_time >= EpochMs::FAR_FUTURE;
    // The panel expiry is the first instant the account is off: the day before is the
    // last one the forwards run.
    let last_day = if never {
        String::new()
    } else {
        Date::of(EpochMs(user.exp_time.get().saturating_sub(1)))
            .formatted(&context.settings.date_format)
    };
    let state = if context.suspended {
        ServiceState::Suspended
    } else if !never && user.exp_time.get() > 0 && user.exp_time <= context.now {
        ServiceState::Expired
    } else if !unlimited && user.used().0 >= user.flow.to_bytes().0 {
        ServiceState::OverQuota
    } else if !user.status.is_enabled() {
        ServiceState::Disabled
    } else {
        ServiceState::Active
    };
    let (status, notice) = match state {
        ServiceState::Active => (Msg::StatusActive, String::new()),
        ServiceState::Suspended => (Msg::StatusSuspended, Msg::NoticeSuspended.format(lang, &[])),
        ServiceState::Expired => (
            Msg::StatusExpired,
            Msg::NoticeExpired.format(lang, &[("date", &last_day)]),
        ),
        ServiceState::OverQuota if user.flow_reset_time.get() > 0 => (
            Msg::StatusOverQuota,
            Msg::NoticeOverQuotaReset.format(lang, &[("quota", &quota), ("reset", &reset)]),
        ),
        ServiceState::OverQuota => (
            Msg::StatusOverQuota,
            Msg::NoticeOverQuota.format(lang, &[("quota", &quota)]),
        ),
        ServiceState::Disabled => (Msg::StatusDisabled, Msg::NoticeDisabled.format(lang, &[])),
    };
    let left = if unlimited {
        String::new()
    } else {
        human_bytes(Bytes(user.flow.to_bytes().0.saturating_sub(user.used().0)))
    };
    let warning = if state == ServiceState::Active && !unlimited && percent >= 80 {
        Msg::NoticeNearLimit.format(
            lang,
            &[("percent", &percent.to_string()), ("remaining", &left)],
        )
    } else {
        String::new()
    };
    let expiry_note = match context.grace_days {
        _ if never => String::new(),
        None => String::new(),
        Some(0) => Msg::ExpiryOnDue.format(lang, &[]),
        Some(days) => Msg::ExpiryGrace.format(lang, &[("days", &days.to_string())]),
    };
    ServiceView {
        username: user.user.clone(),
        state,
        status: status.format(lang, &[]),
        notice,
        usage: if unlimited {
            Msg::UsageUnlimited.format(lang, &[("used", &used)])
        } else {
            Msg::UsageOfQuota.format(lang, &[("used", &used), ("quota", &quota)])
        },
        remaining: if unlimited {
            String::new()
        } else {
            Msg::UsageRemaining.format(lang, &[("remaining", &left)])
        },
        used,
        quota,
        percent,
        unlimited,
        warning,
        expires: if never {
            Msg::NeverExpires.format(lang, &[])
        } else {
            last_day
        },
        expiry_note,
        reset,
        forward_count: format!("{} / {}", package.forwards.len(), context.max_forwards),
        tunnels,
        forwards: package
            .forwards
            .iter()
            .map(|f| forward_view(f, lang))
            .collect(),
        hours: chart::hours_chart(&package.statistics_flows, lang),
        days: chart::days_chart(context.daily, user.flow, context),
        login: None,
    }
}

fn tunnel_view(binding: &Binding, lang: Lang) -> TunnelView {
    TunnelView {
        id: binding.tunnel_id.0,
        name: binding.tunnel_name.clone().unwrap_or_default(),
        speed: binding.speed.map_or_else(
            || Msg::Unlimited.format(lang, &[]),
            |s| format!("{} Mbps", s.0),
        ),
    }
}

/// The entry addresses: the panel gives a comma-joined list, of `ip:port` (3.0) or of bare
/// IPs with the port apart (2.1). A bare IPv6 address gets brackets before its port.
pub fn entry_addresses(in_ip: Option<&str>, in_port: Option<i64>) -> Vec<String> {
    let items: Vec<&str> = in_ip
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() {
        return in_port.map(|p| vec![format!(":{p}")]).unwrap_or_default();
    }
    items
        .into_iter()
        .map(|item| {
            let bare_v6 = item.parse::<Ipv6Addr>().is_ok();
            match in_port {
                Some(port) if bare_v6 => format!("[{item}]:{port}"),
                Some(port) if !item.contains(':') => format!("{item}:{port}"),
                _ => item.to_owned(),
            }
        })
        .collect()
}

fn forward_view(forward: &Forward, lang: Lang) -> ForwardView {
    let running = forward.is_running();
    let status = if running {
        Msg::ForwardRunning
    } else {
        Msg::ForwardPaused
    };
    ForwardView {
        id: forward.id.0,
        name: forward.name.clone(),
        tunnel: forward.tunnel_name.clone().unwrap_or_default(),
        entries: entry_addresses(forward.in_ip.as_deref(), forward.in_port),
        target: forward.remote_addr.clone(),
        traffic: human_bytes(forward.in_flow + forward.out_flow),
        status: status.format(lang, &[]),
        running,
    }
}

/// Bytes in binary units with one decimal, e.g. `1.5 GiB`.
pub fn human_bytes(bytes: Bytes) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes.0 as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} B", bytes.0)
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn quota_label(quota: Gib, lang: Lang) -> String {
    if quota.is_unlimited() {
        Msg::Unlimited.format(lang, &[])
    } else {
        format!("{} GiB", quota.get())
    }
}

/// Percent of the quota used, rounded down, capped at 100; 0 for unlimited.
pub fn percent(used: Bytes, quota: Gib) -> u8 {
    let limit = quota.to_bytes().0;
    if quota.is_unlimited() || limit == 0 {
        return 0;
    }
    ((u128::from(used.0) * 100 / u128::from(limit)).min(100)) as u8
}

/// The panel expiry as the admin tab shows it (UTC, `YYYY-MM-DD`), or "Never".
pub fn expiry_label(exp: EpochMs, lang: Lang) -> String {
    if exp >= EpochMs::FAR_FUTURE {
        Msg::NeverExpires.format(lang, &[])
    } else {
        Date::of(exp).to_string()
    }
}

fn reset_label(day: ResetDay, lang: Lang) -> String {
    match day.get() {
        0 => Msg::ResetNever.format(lang, &[]),
        d => Msg::ResetOnDay.format(lang, &[("day", &d.to_string())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: EpochMs = EpochMs(1_795_000_000_000);

    /// A package as the panel sends it: `used` GiB of `flow`, expiring at `exp`.
    fn package(used_gib: u64, flow: i64, status: i64, exp: i64) -> Package {
        let user = serde_json::json!({
            "id": 2, "user": "whmcs42", "status": status, "flow": flow, "num": 5,
            "expTime": exp, "flowResetTime": 5, "inFlow": used_gib << 30, "outFlow": 0,
        });
        serde_json::from_value(serde_json::json!({
            "userInfo": user, "tunnelPermissions": [], "forwards": [],
        }))
        .unwrap()
    }

    fn view(package: &Package, suspended: bool, lang: Lang) -> ServiceView {
        let settings = ViewSettings {
            lang,
            date_format: "DD/MM/YYYY".into(),
            login_address: String::new(),
        };
        let context = ViewContext {
            max_forwards: 5,
            suspended,
            grace_days: Some(3),
            now: NOW,
            settings: &settings,
            daily: &[],
        };
        service_view(package, &context)
    }

    #[test]
    fn states_say_what_happened_most_pressing_first() {
        let later = NOW.get() + 86_400_000 * 10;
        let active = view(&package(10, 100, 1, later), false, Lang::En);
        assert_eq!(
            (active.state, active.notice.as_str()),
            (ServiceState::Active, "")
        );
        assert_eq!(active.usage, "10.0 GiB of 100 GiB used");
        assert_eq!(active.remaining, "90.0 GiB left");
        assert_eq!(active.warning, "");
        let near = view(&package(80, 100, 1, later), false, Lang::En);
        assert!(
            near.warning
                .starts_with("80% of the traffic is used; 20.0 GiB left"),
            "{near:?}"
        );
        let over = view(&package(100, 100, 0, later), false, Lang::En);
        assert_eq!(over.state, ServiceState::OverQuota);
        assert_eq!(over.status, "Traffic used up");
        assert!(
            over.notice.contains("Day 5 of each month"),
            "{}",
            over.notice
        );
        assert_eq!(over.warning, "", "the notice says it already");
        let expired = view(&package(100, 100, 0, NOW.get()), false, Lang::En);
        assert_eq!(expired.state, ServiceState::Expired, "expiry before quota");
        let suspended = view(&package(1, 100, 0, NOW.get()), true, Lang::Zh);
        assert_eq!(suspended.state, ServiceState::Suspended);
        assert_eq!(suspended.status, "已暂停");
        let stopped = view(&package(1, 100, 0, later), false, Lang::En);
        assert_eq!(stopped.state, ServiceState::Disabled);
        assert!(stopped.notice.contains("Contact support"));
        let unlimited = view(&package(1, 99_999, 1, later), false, Lang::En);
        assert!(unlimited.unlimited && unlimited.remaining.is_empty());
        assert_eq!(unlimited.usage, "1.0 GiB used, no traffic limit");
    }

    #[test]
    fn the_expiry_is_the_last_running_day_with_the_grace_explained() {
        // 2027-01-05T00:00Z: the panel expiry of a service due 2027-01-01 with 3 grace days.
        let exp = Date::new(2027, 1, 5).unwrap().start_ms().get();
        let v = view(&package(1, 100, 1, exp), false, Lang::En);
        assert_eq!(v.expires, "04/01/2027");
        assert!(v.expiry_note.contains("3 days after the next due date"));
        let never = view(
            &package(1, 100, 1, EpochMs::FAR_FUTURE.get()),
            false,
            Lang::Zh,
        );
        assert_eq!(
            (never.expires.as_str(), never.expiry_note.as_str()),
            ("永不过期", "")
        );
    }

    #[test]
    fn entries_keep_their_ports() {
        assert_eq!(
            entry_addresses(Some("2001:db8::1"), Some(443)),
            ["[2001:db8::1]:443"]
        );
        assert_eq!(
            entry_addresses(Some("203.0.113.1, 2001:db8::2"), Some(80)),
            ["203.0.113.1:80", "[2001:db8::2]:80"]
        );
        assert_eq!(
            entry_addresses(Some("203.0.113.1:10000,[2001:db8::1]:10000"), Some(10000)),
            ["203.0.113.1:10000", "[2001:db8::1]:10000"]
        );
        assert_eq!(entry_addresses(Some(""), None), Vec::<String>::new());
        assert_eq!(entry_addresses(None, Some(7)), [":7"]);
    }

    #[test]
    fn login_addresses_are_web_addresses_only() {
        assert_eq!(
            login_address(" https://panel.example.com "),
            "https://panel.example.com"
        );
        assert_eq!(
            login_address("HTTP://10.0.0.1:6366/"),
            "HTTP://10.0.0.1:6366/"
        );
        assert_eq!(login_address("panel.example.com"), "");
        assert_eq!(login_address("javascript:alert(1)"), "");
        assert_eq!(login_address("https://a.example/\"><script>"), "");
    }

    #[test]
    fn formats_bytes_and_percentages() {
        assert_eq!(human_bytes(Bytes(512)), "512 B");
        assert_eq!(human_bytes(Bytes(3 << 29)), "1.5 GiB");
        let ten = Gib::new(10).unwrap();
        assert_eq!(percent(Bytes(1 << 30), ten), 10);
        assert_eq!(percent(Bytes(u64::MAX), ten), 100);
        assert_eq!(percent(Bytes(1 << 40), Gib::UNLIMITED), 0);
    }

    #[test]
    fn labels_in_both_languages() {
        assert_eq!(
            reset_label(ResetDay::day(5).unwrap(), Lang::En),
            "Day 5 of each month"
        );
        assert_eq!(reset_label(ResetDay::NEVER, Lang::Zh), "从不");
        assert_eq!(quota_label(Gib::UNLIMITED, Lang::Zh), "不限");
        assert_eq!(
            expiry_label(EpochMs(1_795_392_000_000), Lang::En),
            "2026-11-23"
        );
    }
}
