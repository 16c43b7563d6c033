//! The hourly traffic rows of `user/package` (`statisticsFlows`, panel behaviour §3.7, §4.6).

use crate::units::Bytes;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// One hour of a user's traffic, as the panel's hourly job recorded it.
///
/// Read leniently: a missing or odd field reads as 0 or empty, so one bad row never
/// costs the customer the whole package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HourlyFlow {
    /// The row id (`id`), when the panel sent one.
    pub id: Option<i64>,
    /// Bytes used in that hour (`flow`); a negative or missing count reads as 0.
    pub flow: Bytes,
    /// The user's in + out at the snapshot (`totalFlow`).
    pub total_flow: Bytes,
    /// The panel's clock at the snapshot, `"HH:MM"` (`time`), in the panel's time zone;
    /// empty when missing.
    pub time: String,
}

impl HourlyFlow {
    /// A row from its JSON object; `None` for anything else.
    pub fn from_json(value: &Value) -> Option<HourlyFlow> {
        let row = value.as_object()?;
        Some(HourlyFlow {
            id: row.get("id").and_then(whole_number),
            flow: bytes(row, "flow"),
            total_flow: bytes(row, "totalFlow"),
            time: text(row.get("time")),
        })
    }
}

/// `statisticsFlows`: the rows that are objects, in the panel's order (ascending); null or
/// anything but a list is none.
pub(crate) fn hourly_flows<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<HourlyFlow>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items.iter().filter_map(HourlyFlow::from_json).collect(),
        _ => Vec::new(),
    })
}

fn bytes(row: &Map<String, Value>, key: &str) -> Bytes {
    Bytes(row.get(key).and_then(whole_number).unwrap_or(0).max(0) as u64)
}

/// A JSON number (or a numeric string) as an integer: fractions cut, out-of-range values
/// saturated, as the PHP module's `FlvxViews::intField` reads them.
fn whole_number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().map(|_| i64::MAX))
            .or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => numeric_text(s.trim()),
        _ => None,
    }
}

/// Digits, or a decimal number such as `1.5e3` (no `inf` or `NaN`, which PHP does not
/// take for numbers either).
fn numeric_text(s: &str) -> Option<i64> {
    let decimal = |c: char| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-');
    if s.is_empty() || !s.chars().all(decimal) {
        return None;
    }
    s.parse::<i64>()
        .ok()
        .or_else(|| s.parse::<f64>().ok().map(|f| f as i64))
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "hourly_flows")]
        rows: Vec<HourlyFlow>,
    }

    fn rows(value: Value) -> Vec<HourlyFlow> {
        serde_json::from_value::<Holder>(json!({ "rows": value }))
            .expect("lenient")
            .rows
    }

    #[test]
    fn reads_the_panel_rows() {
        let got = rows(json!([
            {"id": 7, "userId": 2, "flow": 1024, "totalFlow": 4096, "time": "13:00"},
            {"id": 8, "userId": 2, "flow": 2048, "totalFlow": 6144, "time": "14:00", "new": 1},
        ]));
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].id, Some(8));
        assert_eq!(got[1].flow, Bytes(2048));
        assert_eq!(got[1].total_flow, Bytes(6144));
        assert_eq!(got[1].time, "14:00");
    }

    #[test]
    fn odd_rows_read_as_zero_or_are_skipped() {
        let got = rows(json!([
            {"flow": -5, "time": null},
            "not a row",
            {"flow": 1.9e3, "totalFlow": "1.2e1", "time": 5},
            {"flow": 18446744073709551615u64, "totalFlow": "inf"},
        ]));
        assert_eq!(got.len(), 3);
        assert_eq!(got[2].total_flow, Bytes(0));
        assert_eq!(
            (got[0].flow, got[0].time.as_str(), got[0].id),
            (Bytes(0), "", None)
        );
        assert_eq!((got[1].flow, got[1].total_flow), (Bytes(1900), Bytes(12)));
        assert_eq!(got[1].time, "5");
        assert_eq!(got[2].flow, Bytes(i64::MAX as u64));
        assert!(rows(json!(null)).is_empty());
        assert!(rows(json!({"flow": 1})).is_empty());
    }
}
