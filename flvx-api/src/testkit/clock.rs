//! The panel's clock: system time plus an offset that tests can advance, and the calendar
//! arithmetic the daily job needs (day of month, last day of month), in UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// One day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// The panel's "now + 365 days" default for `expTime` (`time.Now().Add(365*24*time.Hour)`).
pub(crate) const YEAR_MS: i64 = 365 * DAY_MS;

/// A clock that starts at system time and can only be moved forward by tests.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: i64,
}

impl Clock {
    /// Milliseconds since the epoch, as the panel sees them.
    pub(crate) fn now_ms(&self) -> i64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        system.saturating_add(self.offset_ms)
    }

    /// Moves the clock forward.
    pub(crate) fn advance_ms(&mut self, ms: i64) {
        self.offset_ms = self.offset_ms.saturating_add(ms);
    }
}

/// `(year, month 1-12, day 1-31)` of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The UTC `YYYYMMDD` and `YYYYMM` keys of `ms`, as the 3.0 quota windows name them
/// (`userQuotaWindowKeys`).
pub(crate) fn window_keys(ms: i64) -> (i64, i64) {
    let (year, month, day) = civil_from_days(ms.div_euclid(DAY_MS));
    let month_key = year * 100 + i64::from(month);
    (month_key * 100 + i64::from(day), month_key)
}

/// The UTC day of the month of `ms`, and the last day of that month.
pub(crate) fn day_and_last_day(ms: i64) -> (u32, u32) {
    let (year, month, day) = civil_from_days(ms.div_euclid(DAY_MS));
    (day, days_in_month(year, month))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // 2024-02-29 is day 19782.
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(day_and_last_day(19_782 * DAY_MS + 5), (29, 29));
        // 2023-04-30
        assert_eq!(day_and_last_day(19_477 * DAY_MS), (30, 30));
        assert_eq!(window_keys(19_782 * DAY_MS + 5), (20_240_229, 202_402));
    }
}
