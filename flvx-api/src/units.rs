//! Units as types. The panel mixes GiB, bytes, milliseconds and days of the month in
//! neighbouring fields (panel behaviour §10.6); each gets its own type so they cannot be swapped.

use crate::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Bytes in one GiB: the factor the panel multiplies quotas by (`flow_policy.go` `bytesPerGB`).
pub const BYTES_PER_GIB: u64 = 1 << 30;

/// Bytes in one MB as WHMCS counts `bwusage`/`bwlimit` (binary, 1024²).
pub const BYTES_PER_MB: u64 = 1 << 20;

/// A traffic quota in binary gigabytes, as the panel stores `flow`.
///
/// Zero is a valid panel value but does not mean "unlimited": the panel pauses on the
/// first byte (§4.2). The panel's convention for unlimited is [`Gib::UNLIMITED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Gib(u64);

impl Gib {
    /// The panel UI's "unlimited" (99999 GiB; the backend treats it as a plain number).
    pub const UNLIMITED: Gib = Gib(99_999);
    /// The first value the panel's `flow × 2^30` int64 arithmetic wraps on (§4.2).
    pub const OVERFLOW: u64 = 1 << 33;

    /// A quota of `gib` GiB. Rejects values the panel would silently wrap (≥ 2^33),
    /// which is what a quota sent in bytes by mistake looks like.
    pub fn new(gib: u64) -> Result<Self, Error> {
        if gib >= Self::OVERFLOW {
            return Err(Error::invalid(
                "flow",
                format!(
                    "{gib} GiB overflows the panel's quota arithmetic (limit {}); \
                     the quota is in GiB, not bytes",
                    Self::OVERFLOW - 1
                ),
            ));
        }
        Ok(Gib(gib))
    }

    /// The number of GiB.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The quota in bytes, as the panel compares it with traffic.
    pub fn to_bytes(self) -> Bytes {
        Bytes(self.0.saturating_mul(BYTES_PER_GIB))
    }

    /// Whether this is the panel's "unlimited" convention.
    pub fn is_unlimited(self) -> bool {
        self.0 >= Self::UNLIMITED.0
    }
}

impl fmt::Display for Gib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} GiB", self.0)
    }
}

/// A 0|1 (or boolean) flag, as the panel writes some of its booleans.
pub(crate) fn flag<'de, D: serde::Deserializer<'de>>(de: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match Flag::deserialize(de)? {
        Flag::Bool(b) => b,
        Flag::Int(i) => i != 0,
    })
}

/// An amount of traffic in bytes (`inFlow`, `outFlow`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Bytes(pub u64);

impl Bytes {
    /// Whole WHMCS megabytes (1024²), rounded down, as `bwusage`/`bwlimit` want them.
    pub fn to_mb(self) -> u64 {
        self.0 / BYTES_PER_MB
    }
}

impl std::ops::Add for Bytes {
    type Output = Bytes;
    fn add(self, rhs: Bytes) -> Bytes {
        Bytes(self.0.saturating_add(rhs.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    // The panel's counters are int64; a negative one is corrupt data, read as 0.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Bytes(i64::deserialize(d)?.max(0) as u64))
    }
}

/// A point in time in milliseconds since the Unix epoch (`expTime`, `createdTime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EpochMs(pub i64);

impl EpochMs {
    /// The far-future expiry the panel seeds its admin with (2056-06-03).
    pub const FAR_FUTURE: EpochMs = EpochMs(2_727_251_700_000);
    /// Below this, a value is almost certainly seconds sent by mistake (1973-03-03).
    const SMALLEST_PLAUSIBLE: i64 = 100_000_000_000;

    /// An expiry for a request. Rejects 0 (the daily job expires it, §4.4) and values that
    /// look like seconds, which the panel would read as a 1970 date (§10.15).
    pub fn expiry(ms: i64) -> Result<Self, Error> {
        if ms < Self::SMALLEST_PLAUSIBLE {
            return Err(Error::invalid(
                "expTime",
                format!("{ms} is not a millisecond timestamp (seconds or 0 expire at once)"),
            ));
        }
        Ok(EpochMs(ms))
    }

    /// The current time.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Converts a `SystemTime`; times before 1970 become 0.
    pub fn from_system_time(t: SystemTime) -> Self {
        let ms = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        EpochMs(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    /// This time plus a duration.
    pub fn plus(self, d: Duration) -> Self {
        let add = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        EpochMs(self.0.saturating_add(add))
    }

    /// Milliseconds since the epoch.
    pub fn get(self) -> i64 {
        self.0
    }
}

/// The day of the month on which the panel zeroes traffic counters (`flowResetTime`);
/// [`ResetDay::NEVER`] (0) disables the reset (§4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ResetDay(u8);

impl ResetDay {
    /// No automatic reset.
    pub const NEVER: ResetDay = ResetDay(0);

    /// Day `day` of the month (1–31). Days past a short month's end reset on its last day.
    pub fn day(day: u8) -> Result<Self, Error> {
        if !(1..=31).contains(&day) {
            return Err(Error::invalid(
                "flowResetTime",
                format!("{day} is not a day of the month (1-31)"),
            ));
        }
        Ok(ResetDay(day))
    }

    /// The day, or 0 for never.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for ResetDay {
    // Anything outside 0..=31 never matches a day, so the panel never resets it.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(d)?;
        Ok(ResetDay(
            u8::try_from(v).ok().filter(|d| *d <= 31).unwrap_or(0),
        ))
    }
}

/// A speed in megabits per second (speed-limit `speed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mbps(pub u32);

/// Enabled or disabled, as the panel's `status` columns store it. The panel accepts any
/// integer and treats everything but 1 as disabled (§4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `1`.
    Enabled,
    /// `0`.
    Disabled,
    /// Any other integer (treated as disabled by the panel).
    Other(i64),
}

impl Status {
    /// The integer the panel stores.
    pub fn code(self) -> i64 {
        match self {
            Status::Enabled => 1,
            Status::Disabled => 0,
            Status::Other(n) => n,
        }
    }

    /// [`Status::Enabled`], as a function (a serde default for fields 2.1 omits).
    pub fn enabled() -> Status {
        Status::Enabled
    }

    /// Whether the panel treats it as enabled.
    pub fn is_enabled(self) -> bool {
        self == Status::Enabled
    }
}

impl From<i64> for Status {
    fn from(n: i64) -> Self {
        match n {
            1 => Status::Enabled,
            0 => Status::Disabled,
            n => Status::Other(n),
        }
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Status::from(i64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gib_rejects_values_that_wrap() {
        assert!(Gib::new(Gib::OVERFLOW - 1).is_ok());
        let err = Gib::new(10 * BYTES_PER_GIB).unwrap_err().to_string();
        assert!(err.contains("not bytes"), "{err}");
    }

    #[test]
    fn gib_to_bytes_and_mb() {
        assert_eq!(Gib::new(2).unwrap().to_bytes(), Bytes(2 * BYTES_PER_GIB));
        assert_eq!(Gib::new(1).unwrap().to_bytes().to_mb(), 1024);
        assert!(Gib::UNLIMITED.is_unlimited());
        assert!(!Gib::new(500).unwrap().is_unlimited());
    }

    #[test]
    fn expiry_rejects_seconds_and_zero() {
        assert!(EpochMs::expiry(0).is_err());
        assert!(EpochMs::expiry(1_700_000_000).is_err());
        assert_eq!(
            EpochMs::expiry(1_700_000_000_000).unwrap().get(),
            1_700_000_000_000
        );
    }

    #[test]
    fn reset_day_bounds() {
        assert!(ResetDay::day(0).is_err());
        assert!(ResetDay::day(32).is_err());
        assert_eq!(ResetDay::day(31).unwrap().get(), 31);
        let d: ResetDay = serde_json::from_str("45").unwrap();
        assert_eq!(d, ResetDay::NEVER);
    }

    #[test]
    fn status_round_trips_unknown_values() {
        let s: Status = serde_json::from_str("7").unwrap();
        assert_eq!(s, Status::Other(7));
        assert!(!s.is_enabled());
        assert_eq!(serde_json::to_string(&Status::Enabled).unwrap(), "1");
    }

    #[test]
    fn negative_byte_counters_read_as_zero() {
        let b: Bytes = serde_json::from_str("-5").unwrap();
        assert_eq!(b, Bytes(0));
    }
}
