//! The daily usage samples behind the client area's 30-day chart: the panel keeps only
//! 48 hours of hourly figures, so the module notes each service's counter once a day (at
//! the daily usage update) and keeps the last [`DAILY_USAGE_DAYS`].
//!
//! A trait of its own, not part of [`ServiceStore`](super::ServiceStore): samples are
//! plain upserts, not compare-and-swap records, they are pruned, and an integrator's own
//! record store keeps working without them (its chart then shows no days). The bundled
//! stores implement both.

use super::{ServiceId, StoreError};
use crate::usage::ServiceUsage;
use async_trait::async_trait;
use flvx_api::units::{Bytes, EpochMs};

/// Days of samples kept, and shown in the chart (today included).
pub const DAILY_USAGE_DAYS: i64 = 30;

const MS_PER_DAY: i64 = 86_400_000;

/// One day's sample of a service: its counter (bytes used against the quota) at the
/// last usage update of that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyUsage {
    /// The UTC day, in days since 1970-01-01.
    pub day: i64,
    /// Bytes used at the sample.
    pub used: Bytes,
}

/// The UTC day of `t`, in days since 1970-01-01.
pub fn day_of(t: EpochMs) -> i64 {
    t.get().div_euclid(MS_PER_DAY)
}

/// The first day the chart shows on `today`; older samples are pruned.
pub fn first_kept_day(today: i64) -> i64 {
    today - (DAILY_USAGE_DAYS - 1)
}

/// Where the daily samples live.
#[async_trait]
pub trait UsageHistory: Send + Sync {
    /// Keeps `used` as `day`'s sample of each service (a later sample of the same day
    /// replaces the earlier one), and deletes every sample before
    /// [`first_kept_day`]`(day)`.
    async fn record_daily(
        &self,
        day: i64,
        samples: &[(ServiceId, Bytes)],
    ) -> Result<(), StoreError>;

    /// The samples of `service` from `from_day` on, oldest first.
    async fn daily_usage(
        &self,
        service: ServiceId,
        from_day: i64,
    ) -> Result<Vec<DailyUsage>, StoreError>;
}

/// Notes the usage a reconciliation read as today's samples (what the PHP module's
/// UsageUpdate does beside writing `bwusage`).
pub async fn record_usage(
    history: &dyn UsageHistory,
    usage: &[ServiceUsage],
    now: EpochMs,
) -> Result<(), StoreError> {
    let samples: Vec<(ServiceId, Bytes)> = usage.iter().map(|u| (u.service, u.used)).collect();
    history.record_daily(day_of(now), &samples).await
}
