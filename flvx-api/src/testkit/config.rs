//! The `vite_config` table and the settings the fake reads from it: the captcha switch
//! and keys, and `allow_local_remote_addr`.

use super::state::State;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Keys `public/config/get` serves (`store/repo/config_policy.go` 12-18).
pub(crate) const PUBLIC_KEYS: [&str; 5] = [
    "app_name",
    "app_logo",
    "app_favicon",
    "app_bg_image",
    "cloudflare_site_key",
];

/// A `vite_config` row.
#[derive(Debug, Clone)]
pub(crate) struct ConfigRow {
    pub(crate) id: i64,
    pub(crate) value: String,
    pub(crate) time: i64,
}

/// The config rows by (unique) name.
#[derive(Debug)]
pub(crate) struct Configs {
    rows: BTreeMap<String, ConfigRow>,
    seq: i64,
}

impl Configs {
    /// The seed: `app_name = flux` (`repository.go` `seedData`).
    pub(crate) fn seeded() -> Configs {
        let app_name = ConfigRow {
            id: 1,
            value: "flux".into(),
            time: 1_755_147_963_000,
        };
        Configs {
            rows: BTreeMap::from([("app_name".to_string(), app_name)]),
            seq: 1,
        }
    }

    /// Inserts or updates a row (`UpsertConfig`).
    pub(crate) fn set(&mut self, name: &str, value: &str, now: i64) {
        if let Some(row) = self.rows.get_mut(name) {
            row.value = value.to_string();
            row.time = now;
            return;
        }
        self.seq += 1;
        let row = ConfigRow {
            id: self.seq,
            value: value.to_string(),
            time: now,
        };
        self.rows.insert(name.to_string(), row);
    }

    /// The trimmed value of a row, "" when absent.
    pub(crate) fn value(&self, name: &str) -> &str {
        self.rows.get(name).map_or("", |r| r.value.trim())
    }

    /// A row as the config endpoints return it: `{id, name, value, time}`.
    pub(crate) fn item(&self, name: &str) -> Option<Value> {
        self.rows
            .get(name)
            .map(|r| json!({"id": r.id, "name": name, "value": r.value, "time": r.time}))
    }
}

impl State {
    /// Whether login needs a captcha: `captcha_enabled` is `"true"` (any case), and on 3.0
    /// both Turnstile keys are set too (panel behaviour §2.4).
    pub(crate) fn captcha_required(&self) -> bool {
        let on = self
            .configs
            .value("captcha_enabled")
            .eq_ignore_ascii_case("true");
        if !self.profile.captcha_needs_turnstile_keys {
            return on;
        }
        on && self.turnstile_secret_set() && !self.configs.value("cloudflare_site_key").is_empty()
    }

    /// Whether a Turnstile secret is configured; then only Cloudflare can verify a captcha,
    /// which the fake (offline) never does.
    pub(crate) fn turnstile_secret_set(&self) -> bool {
        !self.configs.value("cloudflare_secret_key").is_empty()
    }

    /// `allowLocalRemoteAddr`: the config value is `"true"` (any case).
    pub(crate) fn allow_local_remote_addr(&self) -> bool {
        self.configs
            .value("allow_local_remote_addr")
            .eq_ignore_ascii_case("true")
    }
}
