//! Display models for the client area and the admin tab: every value formatted and ready
//! to print (templates only escape and lay out).

use crate::dates::Date;
use crate::engine::{Engine, Service};
use crate::error::ProvisionError;
use crate::messages::{Lang, Msg};
use flvx_api::ids::UserId;
use flvx_api::models::{Binding, Forward, Package};
use flvx_api::units::{Bytes, EpochMs, Gib, ResetDay, Status};

/// What the customer sees on the product page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceView {
    /// Panel username.
    pub username: String,
    /// Active / suspended / disabled on the panel.
    pub status: String,
    /// Traffic used, e.g. `12.5 GiB`.
    pub used: String,
    /// Quota, e.g. `100 GiB` or `Unlimited`.
    pub quota: String,
    /// Percent of the quota used, 0-100.
    pub percent: u8,
    /// Expiry date, or "Never".
    pub expires: String,
    /// Reset schedule.
    pub reset: String,
    /// Forwards used and allowed, e.g. `2 / 10`.
    pub forward_count: String,
    /// Tunnels.
    pub tunnels: Vec<TunnelView>,
    /// Forwards.
    pub forwards: Vec<ForwardView>,
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
    /// Entry addresses, `ip:port`.
    pub entry: String,
    /// Target addresses.
    pub target: String,
    /// Traffic through it, e.g. `1.2 GiB`.
    pub traffic: String,
    /// Running or paused.
    pub status: String,
    /// Whether it runs.
    pub running: bool,
}

impl Engine {
    /// The client-area view, from the customer's own package. Calls (as the customer):
    /// `user/package` (plus a login when the customer's token is not cached); for a
    /// suspended service, or one the panel disabled, `user/list` and `forward/list` as the
    /// admin.
    pub async fn client_view(
        &self,
        service: &Service,
        lang: Lang,
    ) -> Result<ServiceView, ProvisionError> {
        let (record, user) = self.provisioned(service.id).await?;
        if record.suspended {
            return self.admin_view(service, user, lang).await;
        }
        let customer = self.customer(service, &service.username());
        match customer.package().await {
            Ok(package) => Ok(service_view(&package, service.plan.max_forwards, lang)),
            // Disabled by the panel itself (expired, quota): 3.0 refuses the customer's
            // token and its login, so the view comes from the admin's lists too.
            Err(flvx_api::Error::LoginRejected { .. } | flvx_api::Error::Unauthorized { .. }) => {
                self.admin_view(service, user, lang).await
            }
            Err(source) => Err(ProvisionError::Panel {
                action: Msg::ActionUsage,
                source,
            }),
        }
    }

    /// A disabled customer cannot log in (and 3.0 refuses its tokens too), so its view
    /// comes from the admin's lists: `user/list` and `forward/list`; no tunnel details.
    async fn admin_view(
        &self,
        service: &Service,
        user: UserId,
        lang: Lang,
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
        Ok(service_view(&package, service.plan.max_forwards, lang))
    }
}

/// Builds the view from a package.
pub fn service_view(package: &Package, max_forwards: i64, lang: Lang) -> ServiceView {
    let user = &package.user_info;
    // The panel lists bindings in the order they were made, and the engine makes those of
    // several tunnels at once: tunnel order is what stays put.
    let mut tunnels: Vec<TunnelView> = package
        .tunnel_permissions
        .iter()
        .map(|b| tunnel_view(b, lang))
        .collect();
    tunnels.sort_by_key(|t| t.id);
    ServiceView {
        username: user.user.clone(),
        status: status_label(user.status, lang),
        used: human_bytes(user.used()),
        quota: quota_label(user.flow, lang),
        percent: percent(user.used(), user.flow),
        expires: expiry_label(user.exp_time, lang),
        reset: reset_label(user.flow_reset_time, lang),
        forward_count: format!("{} / {max_forwards}", package.forwards.len()),
        tunnels,
        forwards: package
            .forwards
            .iter()
            .map(|f| forward_view(f, lang))
            .collect(),
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

fn forward_view(forward: &Forward, lang: Lang) -> ForwardView {
    let entry = match (&forward.in_ip, forward.in_port) {
        (Some(ip), _) if ip.contains(':') => ip.clone(),
        (Some(ip), Some(port)) if !ip.is_empty() => format!("{ip}:{port}"),
        (_, Some(port)) => format!(":{port}"),
        _ => String::new(),
    };
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
        entry,
        target: forward.remote_addr.clone(),
        traffic: human_bytes(forward.in_flow + forward.out_flow),
        status: status.format(lang, &[]),
        running,
    }
}

fn status_label(status: Status, lang: Lang) -> String {
    let msg = if status.is_enabled() {
        Msg::StatusActive
    } else {
        Msg::StatusDisabled
    };
    msg.format(lang, &[])
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

fn expiry_label(exp: EpochMs, lang: Lang) -> String {
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
