//! Calendar dates as WHMCS writes them (`YYYY-MM-DD`), converted to the panel's epoch
//! milliseconds in UTC. Small on purpose: the engine needs nothing more.

use flvx_api::units::EpochMs;
use std::fmt;

const MS_PER_DAY: i64 = 86_400_000;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A valid date of years 1 to 9999 (what WHMCS can store), or `None`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`. WHMCS's "no date", `0000-00-00`, and blanks give `Ok(None)`.
    pub fn parse_whmcs(text: &str) -> Result<Option<Date>, String> {
        let text = text.trim();
        if text.is_empty() || text == "0000-00-00" {
            return Ok(None);
        }
        let mut parts = text.splitn(3, '-').map(str::parse::<u32>);
        let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("{text:?} is not a date like 2026-12-31"));
        };
        let date = i32::try_from(y)
            .ok()
            .zip(u8::try_from(m).ok())
            .zip(u8::try_from(d).ok())
            .and_then(|((y, m), d)| Date::new(y, m, d));
        date.map(Some)
            .ok_or_else(|| format!("{text:?} is not a date like 2026-12-31"))
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Midnight UTC at the start of this date.
    pub fn start_ms(self) -> EpochMs {
        EpochMs(days_from_civil(self.year, self.month, self.day) * MS_PER_DAY)
    }

    /// The UTC date containing `t`.
    pub fn of(t: EpochMs) -> Date {
        civil_from_days(t.get().div_euclid(MS_PER_DAY))
    }
}

impl Date {
    /// The date in a WHMCS date format (the `DateFormat` setting: `DD/MM/YYYY`,
    /// `DD.MM.YYYY`, `DD-MM-YYYY`, `MM/DD/YYYY`, `YYYY/MM/DD` or `YYYY-MM-DD`), so the
    /// module's dates read like the ones WHMCS prints next to them. Anything else is not
    /// trusted as a pattern and gives `YYYY-MM-DD`.
    pub fn formatted(self, pattern: &str) -> String {
        const KNOWN: [&str; 6] = [
            "DD/MM/YYYY",
            "DD.MM.YYYY",
            "DD-MM-YYYY",
            "MM/DD/YYYY",
            "YYYY/MM/DD",
            "YYYY-MM-DD",
        ];
        let pattern = pattern.trim();
        let pattern = if KNOWN.contains(&pattern) {
            pattern
        } else {
            "YYYY-MM-DD"
        };
        pattern
            .replace("YYYY", &format!("{:04}", self.year))
            .replace("MM", &format!("{:02}", self.month))
            .replace("DD", &format!("{:02}", self.day))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Milliseconds in `days` days.
pub fn days_ms(days: u32) -> i64 {
    i64::from(days) * MS_PER_DAY
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_whmcs_date_formats() {
        let date = Date::new(2027, 1, 4).unwrap();
        assert_eq!(date.formatted("DD/MM/YYYY"), "04/01/2027");
        assert_eq!(date.formatted("MM/DD/YYYY"), "01/04/2027");
        assert_eq!(date.formatted("DD.MM.YYYY"), "04.01.2027");
        assert_eq!(date.formatted(" YYYY/MM/DD "), "2027/01/04");
        assert_eq!(
            date.formatted("<b>DD</b>"),
            "2027-01-04",
            "unknown patterns"
        );
        assert_eq!(date.formatted(""), "2027-01-04");
    }

    #[test]
    fn parses_whmcs_dates() {
        assert_eq!(Date::parse_whmcs("0000-00-00"), Ok(None));
        assert_eq!(Date::parse_whmcs(""), Ok(None));
        assert_eq!(
            Date::parse_whmcs("2026-02-29").unwrap_err(),
            "\"2026-02-29\" is not a date like 2026-12-31"
        );
        assert_eq!(
            Date::parse_whmcs("2028-02-29").unwrap(),
            Date::new(2028, 2, 29)
        );
        assert!(Date::parse_whmcs("tomorrow").is_err());
        assert!(
            Date::parse_whmcs("0000-01-01").is_err(),
            "year 0 would expire at once"
        );
        assert!(Date::parse_whmcs("10000-01-01").is_err());
    }

    #[test]
    fn converts_to_and_from_epoch_ms() {
        let d = Date::new(2026, 11, 23).unwrap();
        assert_eq!(d.start_ms(), EpochMs(1_795_392_000_000));
        assert_eq!(Date::of(EpochMs(1_795_392_000_000 + 5_000)), d);
        assert_eq!(Date::of(EpochMs(0)).to_string(), "1970-01-01");
        for days in [-1000_i64, 0, 59, 10_957, 20_000, 40_000] {
            let date = civil_from_days(days);
            assert_eq!(days_from_civil(date.year, date.month, date.day), days);
        }
    }
}
