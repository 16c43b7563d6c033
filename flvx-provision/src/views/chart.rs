//! The traffic charts of the client area, as geometry: the last 24 hours from the panel's
//! hourly rows and the last 30 days from the module's daily samples. Both runtimes
//! compute the same integer coordinates, so the template only draws rectangles and a
//! line, and Rust and PHP can be compared value for value.

use super::{ViewContext, human_bytes};
use crate::dates::Date;
use crate::messages::{Lang, Msg};
use crate::store::{DAILY_USAGE_DAYS, DailyUsage, day_of, first_kept_day};
use flvx_api::models::HourlyFlow;
use flvx_api::units::{Bytes, EpochMs, Gib};

/// Hours in the hourly chart (the panel lists at most 24 rows).
pub const CHART_HOURS: i64 = 24;
/// Width of the drawing in SVG user units; the page stretches it to the card.
pub const CHART_WIDTH: u64 = 720;
/// Height of the drawing in SVG user units.
pub const CHART_HEIGHT: u64 = 120;
/// Room above the tallest bar, so the quota line at the top is not cut.
pub const CHART_HEADROOM: u64 = 4;
/// Space between two bars, in user units.
pub const CHART_GAP: u64 = 4;
/// `value * span` must fit PHP's 63-bit integers: larger scales are halved first.
const SAFE_TOP: u64 = (i64::MAX as u64) / CHART_HEIGHT;

/// One chart: bars in fixed slots (newest on the right), an optional quota line, and
/// the texts around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Heading, e.g. `Last 24 hours`.
    pub title: String,
    /// What the bars show.
    pub note: String,
    /// Shown instead of the drawing when there is nothing to draw; else empty.
    pub empty: String,
    /// The SVG `viewBox`, `0 0 720 120`.
    pub view_box: String,
    /// Width of one slot (the hover area of a bar).
    pub slot_width: u64,
    /// The bars, left to right.
    pub bars: Vec<ChartBar>,
    /// The value at the top of the scale, e.g. `1.5 GiB`.
    pub top: String,
    /// Whether the quota line is drawn.
    pub quota: bool,
    /// Its height from the top; 0 without one.
    pub quota_y: u64,
    /// Its legend, e.g. `Dashed line: the 100 GiB quota`; empty without one.
    pub quota_label: String,
    /// The label under the first slot.
    pub start: String,
    /// The label under the last slot.
    pub end: String,
}

/// One bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartBar {
    /// Left edge of its slot.
    pub slot_x: u64,
    /// Left edge of the bar.
    pub x: u64,
    /// Top edge of the bar.
    pub y: u64,
    /// Width.
    pub width: u64,
    /// Height (at least 1 for any traffic at all).
    pub height: u64,
    /// The hover text, e.g. `14:00: 1.2 GiB`.
    pub title: String,
    /// Whether the value reaches the quota (drawn in the warning colour).
    pub over: bool,
}

/// One value to draw in a slot.
struct Point {
    slot: u64,
    value: u64,
    title: String,
    over: bool,
}

/// The last 24 hours: one bar per hourly row of the panel, the newest in the last slot.
pub fn hours_chart(rows: &[HourlyFlow], lang: Lang) -> Chart {
    let slots = CHART_HOURS as u64;
    let shown = &rows[rows.len().saturating_sub(slots as usize)..];
    let first_slot = slots - shown.len() as u64;
    let points: Vec<Point> = shown
        .iter()
        .zip(first_slot..)
        .map(|(row, slot)| Point {
            slot,
            value: row.flow.0,
            // The panel's text goes last: a placeholder in it stays text.
            title: Msg::ChartHourBar.format(
                lang,
                &[("traffic", &human_bytes(row.flow)), ("time", &row.time)],
            ),
            over: false,
        })
        .collect();
    let mut chart = draw(slots, &points, None, lang);
    chart.title = Msg::ChartHoursTitle.format(lang, &[("hours", &CHART_HOURS.to_string())]);
    chart.note = Msg::ChartHoursNote.format(lang, &[]);
    match (shown.first(), shown.last()) {
        (Some(first), Some(last)) => {
            chart.start = first.time.clone();
            chart.end = last.time.clone();
        }
        _ => chart.empty = Msg::ChartHoursEmpty.format(lang, &[]),
    }
    chart
}

/// The last 30 days: the counter at each day's sample, today in the last slot, with the
/// quota line when there is a quota.
pub fn days_chart(samples: &[DailyUsage], quota: Gib, context: &ViewContext<'_>) -> Chart {
    let lang = context.settings.lang;
    let format = context.settings.date_format.as_str();
    let today = day_of(context.now);
    let first = first_kept_day(today);
    let quota = (!quota.is_unlimited()).then_some(quota);
    let limit = quota.map(|q| q.to_bytes().0);
    let date = |day: i64| Date::of(EpochMs(day.saturating_mul(86_400_000))).formatted(format);
    let points: Vec<Point> = samples
        .iter()
        .filter(|s| (first..=today).contains(&s.day))
        .map(|s| Point {
            slot: (s.day - first) as u64,
            value: s.used.0,
            title: Msg::ChartDayBar.format(
                lang,
                &[("used", &human_bytes(s.used)), ("date", &date(s.day))],
            ),
            over: limit.is_some_and(|l| s.used.0 >= l),
        })
        .collect();
    let mut chart = draw(DAILY_USAGE_DAYS as u64, &points, quota, lang);
    chart.title = Msg::ChartDaysTitle.format(lang, &[("days", &DAILY_USAGE_DAYS.to_string())]);
    chart.note = Msg::ChartDaysNote.format(lang, &[]);
    chart.start = date(first);
    chart.end = date(today);
    if points.is_empty() {
        chart.empty = Msg::ChartDaysEmpty.format(lang, &[]);
    }
    chart
}

/// The geometry of `points` in `slots` equal slots, scaled to the largest value (or the
/// quota, when higher); titles and labels are left to the caller.
fn draw(slots: u64, points: &[Point], quota: Option<Gib>, lang: Lang) -> Chart {
    let slot_width = CHART_WIDTH / slots;
    let limit = quota.map(|q| q.to_bytes().0);
    let top = points
        .iter()
        .map(|p| p.value)
        .chain(limit)
        .max()
        .unwrap_or(0);
    let span = CHART_HEIGHT - CHART_HEADROOM;
    let bars = points
        .iter()
        .map(|p| {
            let height = scaled(p.value, top, span);
            ChartBar {
                slot_x: p.slot * slot_width,
                x: p.slot * slot_width + CHART_GAP / 2,
                y: CHART_HEIGHT - height,
                width: slot_width - CHART_GAP,
                height,
                title: p.title.clone(),
                over: p.over,
            }
        })
        .collect();
    let quota_label = quota.map_or_else(String::new, |q| {
        Msg::ChartQuotaLine.format(lang, &[("quota", &format!("{} GiB", q.get()))])
    });
    Chart {
        title: String::new(),
        note: String::new(),
        empty: String::new(),
        view_box: format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}"),
        slot_width,
        bars,
        top: human_bytes(Bytes(top)),
        quota: quota.is_some(),
        quota_y: limit.map_or(0, |q| CHART_HEIGHT - scaled(q, top, span)),
        quota_label,
        start: String::new(),
        end: String::new(),
    }
}

/// `value` of `top` in `span` units, rounded down; any traffic at all is at least 1, so
/// a small hour stays visible. Both numbers are halved until the product fits 63 bits,
/// exactly as the PHP module does.
pub fn scaled(value: u64, top: u64, span: u64) -> u64 {
    if top == 0 {
        return 0;
    }
    let (mut v, mut t) = (value.min(top), top);
    while t > SAFE_TOP {
        v >>= 1;
        t >>= 1;
    }
    match v * span / t {
        0 if value > 0 => 1,
        h => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::ViewSettings;

    const GIB: u64 = 1 << 30;

    fn hour(flow: u64, time: &str) -> HourlyFlow {
        let row = serde_json::json!({"flow": flow, "time": time});
        HourlyFlow::from_json(&row).expect("a row")
    }

    fn context(settings: &ViewSettings, now_day: i64) -> ViewContext<'_> {
        ViewContext {
            max_forwards: 1,
            suspended: false,
            grace_days: None,
            now: EpochMs(now_day * 86_400_000 + 3_600_000),
            settings,
            daily: &[],
        }
    }

    #[test]
    fn scaling_keeps_small_values_visible_and_huge_ones_exact_enough() {
        assert_eq!(scaled(0, 0, 116), 0);
        assert_eq!(scaled(0, 10, 116), 0);
        assert_eq!(scaled(1, 1 << 40, 116), 1, "any traffic shows");
        assert_eq!(scaled(5, 10, 116), 58);
        assert_eq!(scaled(20, 10, 116), 116, "capped at the top");
        let max = i64::MAX as u64;
        assert_eq!(
            scaled(max, max, 116),
            116,
            "no overflow at the largest counter"
        );
        assert_eq!(scaled(max / 2, max, 116), 57);
    }

    #[test]
    fn hours_fill_the_last_slots_newest_right() {
        let rows = [hour(GIB, "13:00"), hour(0, "14:00"), hour(GIB / 2, "15:00")];
        let chart = hours_chart(&rows, Lang::En);
        assert_eq!(chart.title, "Last 24 hours");
        assert_eq!(chart.bars.len(), 3);
        assert_eq!(chart.slot_width, 30);
        let last = &chart.bars[2];
        assert_eq!((last.slot_x, last.x, last.width), (690, 692, 26));
        assert_eq!((chart.bars[0].y, chart.bars[0].height), (4, 116));
        assert_eq!((chart.bars[1].y, chart.bars[1].height), (120, 0));
        assert_eq!(last.height, 58);
        assert_eq!(last.title, "15:00: 512.0 MiB");
        assert_eq!(
            (chart.start.as_str(), chart.end.as_str()),
            ("13:00", "15:00")
        );
        assert_eq!((chart.top.as_str(), chart.quota), ("1.0 GiB", false));
        assert_eq!(chart.empty, "");
    }

    #[test]
    fn at_most_24_hours_and_an_empty_text_without_rows() {
        let rows: Vec<HourlyFlow> = (0..30).map(|h| hour(h, &format!("{h:02}:00"))).collect();
        let chart = hours_chart(&rows, Lang::Zh);
        assert_eq!(chart.bars.len(), 24);
        assert_eq!(chart.bars[0].slot_x, 0);
        assert_eq!(chart.start, "06:00", "the oldest rows are left out");
        assert_eq!(chart.bars[23].title, "29:00：29 B");
        let empty = hours_chart(&[], Lang::En);
        assert!(empty.bars.is_empty());
        assert!(empty.empty.starts_with("No hourly figures yet"));
    }

    #[test]
    fn a_placeholder_in_the_panel_time_stays_text() {
        let chart = hours_chart(&[hour(1, "{traffic}")], Lang::En);
        assert_eq!(chart.bars[0].title, "{traffic}: 1 B");
    }

    #[test]
    fn days_put_today_last_with_the_quota_line_and_over_quota_bars() {
        let settings = ViewSettings {
            date_format: "DD/MM/YYYY".into(),
            ..ViewSettings::default()
        };
        let today = 20_600; // 2026-05-27
        let samples = [
            DailyUsage {
                day: today - 40,
                used: Bytes(GIB),
            },
            DailyUsage {
                day: today - 29,
                used: Bytes(5 * GIB),
            },
            DailyUsage {
                day: today,
                used: Bytes(12 * GIB),
            },
        ];
        let chart = days_chart(&samples, Gib::new(10).unwrap(), &context(&settings, today));
        assert_eq!(chart.title, "Last 30 days");
        assert_eq!(chart.bars.len(), 2, "older than 30 days is left out");
        assert_eq!((chart.bars[0].slot_x, chart.bars[1].slot_x), (0, 696));
        assert_eq!(chart.bars[1].height, 116, "the largest value is the top");
        assert!(chart.bars[1].over && !chart.bars[0].over);
        assert_eq!(chart.quota_y, 120 - 96, "10 of 12 GiB");
        assert_eq!(chart.quota_label, "Dashed line: the 10 GiB quota");
        assert_eq!(chart.bars[1].title, "27/05/2026: 12.0 GiB used");
        assert_eq!(
            (chart.start.as_str(), chart.end.as_str()),
            ("28/04/2026", "27/05/2026")
        );
        let unlimited = days_chart(&samples, Gib::UNLIMITED, &context(&settings, today));
        assert!(!unlimited.quota && unlimited.quota_label.is_empty());
        let none = days_chart(&[], Gib::new(10).unwrap(), &context(&settings, today));
        assert!(none.empty.starts_with("No daily figures yet"));
        assert_eq!(
            (none.quota, none.quota_y, none.top.as_str()),
            (true, 4, "10.0 GiB")
        );
    }
}
