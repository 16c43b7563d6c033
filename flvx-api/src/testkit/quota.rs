//! 3.0's daily and monthly user quotas (panel behaviour §3, §4.3, §4.4 step 2, §5.23;
//! `user_quota.go`, `repository_user_quota.go`).
//!
//! A `user_quota` row is created lazily. Usage is counted per calendar day and month (UTC
//! here, the server's `TZ` on a real panel); reaching a limit pauses every active forward
//! of the user and remembers their ids, and a reset or the daily window roll releases
//! exactly those forwards through the gate.

use super::clock::window_keys;
use super::state::State;
use crate::units::BYTES_PER_GIB;

const GIB: i64 = BYTES_PER_GIB as i64;

/// A `user_quota` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuotaRow {
    pub(crate) daily_limit_gb: i64,
    pub(crate) monthly_limit_gb: i64,
    pub(crate) daily_used_bytes: i64,
    pub(crate) monthly_used_bytes: i64,
    /// `YYYYMMDD` of the window `daily_used_bytes` counts.
    pub(crate) day_key: i64,
    /// `YYYYMM` of the window `monthly_used_bytes` counts.
    pub(crate) month_key: i64,
    /// `disabled_by_quota`, 0 or 1.
    pub(crate) disabled_by_quota: i64,
    /// `disabled_at` in ms, 0 when not blocked.
    pub(crate) disabled_at: i64,
    /// `paused_forward_ids`: the forwards the block paused.
    pub(crate) paused_forward_ids: Vec<i64>,
}

impl QuotaRow {
    fn new(now: i64) -> QuotaRow {
        let (day_key, month_key) = window_keys(now);
        QuotaRow {
            daily_limit_gb: 0,
            monthly_limit_gb: 0,
            daily_used_bytes: 0,
            monthly_used_bytes: 0,
            day_key,
            month_key,
            disabled_by_quota: 0,
            disabled_at: 0,
            paused_forward_ids: Vec::new(),
        }
    }

    /// `applyUserQuotaWindowRoll`: zeroes a window whose day or month has passed.
    fn roll(&mut self, now: i64) -> bool {
        let (day_key, month_key) = window_keys(now);
        let mut changed = false;
        if self.day_key != day_key {
            (self.day_key, self.daily_used_bytes) = (day_key, 0);
            changed = true;
        }
        if self.month_key != month_key {
            (self.month_key, self.monthly_used_bytes) = (month_key, 0);
            changed = true;
        }
        changed
    }

    /// The row as the API reads it (`normalizeUserQuotaView`): a passed window shows 0,
    /// even before the daily job has rolled it.
    pub(crate) fn view(&self, now: i64) -> QuotaRow {
        let mut view = self.clone();
        view.roll(now);
        view
    }

    /// `userQuotaExceeded`: usage has reached a non-zero limit.
    pub(crate) fn exceeded(&self) -> bool {
        let over = |limit: i64, used: i64| limit > 0 && used >= limit.wrapping_mul(GIB);
        over(self.daily_limit_gb, self.daily_used_bytes)
            || over(self.monthly_limit_gb, self.monthly_used_bytes)
    }

    /// Clears the block if it no longer holds, returning the forwards to release.
    fn unblock(&mut self) -> Option<Vec<i64>> {
        if self.disabled_by_quota != 1 || self.exceeded() {
            return None;
        }
        self.disabled_by_quota = 0;
        self.disabled_at = 0;
        Some(std::mem::take(&mut self.paused_forward_ids))
    }
}

/// Which window `user/quota/reset` zeroes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Daily,
    Monthly,
    All,
}

impl Scope {
    /// Trimmed and lower-cased; empty means `all`.
    pub(crate) fn parse(raw: &str) -> Result<Scope, String> {
        match raw.trim().to_lowercase().as_str() {
            "" | "all" => Ok(Scope::All),
            "daily" => Ok(Scope::Daily),
            "monthly" => Ok(Scope::Monthly),
            other => Err(format!("unsupported quota reset scope: {other}")),
        }
    }
}

impl State {
    /// `loadOrCreateUserQuotaTx`: the user's row, created with the current window keys.
    fn quota_row(&mut self, user_id: i64) -> &mut QuotaRow {
        let now = self.now();
        self.quotas
            .entry(user_id)
            .or_insert_with(|| QuotaRow::new(now))
    }

    /// `SaveUserQuotaConfigTx`: sets both limits, creating the row.
    pub(crate) fn save_quota_limits(
        &mut self,
        user_id: i64,
        daily_gb: i64,
        monthly_gb: i64,
    ) -> Result<(), String> {
        if daily_gb < 0 || monthly_gb < 0 {
            return Err("quota limit cannot be negative".into());
        }
        let row = self.quota_row(user_id);
        row.daily_limit_gb = daily_gb;
        row.monthly_limit_gb = monthly_gb;
        Ok(())
    }

    /// The user's quota row as the API reads it, if there is one.
    pub(crate) fn quota_view(&self, user_id: i64) -> Option<QuotaRow> {
        let now = self.now();
        self.quotas.get(&user_id).map(|q| q.view(now))
    }

    /// `userQuotaBlockReason`: flagged, or a window at its limit.
    pub(crate) fn quota_blocks(&self, user_id: i64) -> bool {
        self.quota_view(user_id)
            .is_some_and(|q| q.disabled_by_quota == 1 || q.exceeded())
    }

    /// Counts reported traffic (`AddUserQuotaUsageBatch`), then blocks the user when a
    /// limit is reached (`enforceUserQuotaIfNeeded`): every active forward is paused and
    /// recorded; `user.status` is left alone.
    pub(crate) fn add_quota_usage(&mut self, user_id: i64, bytes: i64) {
        let now = self.now();
        let row = self.quota_row(user_id);
        row.roll(now);
        if bytes > 0 {
            row.daily_used_bytes = row.daily_used_bytes.wrapping_add(bytes);
            row.monthly_used_bytes = row.monthly_used_bytes.wrapping_add(bytes);
        }
        if row.disabled_by_quota == 1 || !row.exceeded() {
            return;
        }
        let paused = self.pause_running(|f| f.user_id == user_id);
        let row = self.quota_row(user_id);
        row.disabled_by_quota = 1;
        row.disabled_at = now;
        row.paused_forward_ids = paused;
    }

    /// `ResetUserQuotaUsage` then `applyUserQuotaRelease`: zeroes the window(s), creating
    /// the row for any id, and releases the block if it no longer holds.
    pub(crate) fn reset_quota(&mut self, user_id: i64, scope: Scope) {
        let now = self.now();
        let row = self.quota_row(user_id);
        row.roll(now);
        if scope != Scope::Monthly {
            row.daily_used_bytes = 0;
        }
        if scope != Scope::Daily {
            row.monthly_used_bytes = 0;
        }
        if let Some(ids) = row.unblock() {
            self.release_quota_forwards(&ids);
        }
    }

    /// The daily job's step 2 (`RollUserQuotaWindows`): rolls every row and releases the
    /// blocks that no longer hold.
    pub(crate) fn roll_quota_windows(&mut self) {
        let now = self.now();
        let mut releases = Vec::new();
        for row in self.quotas.values_mut() {
            row.roll(now);
            if let Some(ids) = row.unblock() {
                releases.push(ids);
            }
        }
        for ids in releases {
            self.release_quota_forwards(&ids);
        }
    }

    /// `applyUserQuotaRelease`: resumes each recorded forward that still exists and passes
    /// the gate; the others stay paused (and are forgotten, the list is already cleared).
    fn release_quota_forwards(&mut self, ids: &[i64]) {
        let now = self.now();
        for &id in ids {
            let Some((owner, tunnel)) = self.forwards.get(&id).map(|f| (f.user_id, f.tunnel_id))
            else {
                continue;
            };
            if self.gate(owner, tunnel).is_err() || self.control_forward(id, true).is_err() {
                continue;
            }
            if let Some(f) = self.forwards.get_mut(&id) {
                f.status = 1;
                f.updated_time = now;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_windows() {
        assert_eq!(Scope::parse(" Monthly "), Ok(Scope::Monthly));
        assert_eq!(Scope::parse(""), Ok(Scope::All));
        assert_eq!(
            Scope::parse("WEEKLY"),
            Err("unsupported quota reset scope: weekly".into())
        );
        let day = 86_400_000;
        let mut row = QuotaRow::new(0);
        row.daily_limit_gb = 1;
        row.daily_used_bytes = GIB;
        row.monthly_used_bytes = 5;
        assert!(row.exceeded());
        let next_day = row.view(day);
        assert_eq!(
            (next_day.daily_used_bytes, next_day.monthly_used_bytes),
            (0, 5)
        );
        assert!(!next_day.exceeded());
        assert_eq!(row.view(31 * day).monthly_used_bytes, 0);
    }
}
