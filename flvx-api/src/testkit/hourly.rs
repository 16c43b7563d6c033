//! The panel's hourly statistics job (panel behaviour §3.7, §4.6): one `statistics_flow`
//! row per user at every full hour, rows older than 48 h purged; `user/package` lists the
//! latest 24 of the caller's.

use super::state::State;
use serde_json::{Value, json};

/// One hour in milliseconds.
const HOUR_MS: i64 = 3_600_000;
/// Rows older than this are purged by the job.
const KEEP_MS: i64 = 48 * HOUR_MS;
/// How many rows `user/package` lists.
const LISTED: usize = 24;

/// A `statistics_flow` row, with the instant it was written (for the purge).
#[derive(Debug, Clone)]
pub(crate) struct FlowRow {
    pub(crate) id: i64,
    pub(crate) user_id: i64,
    pub(crate) flow: i64,
    pub(crate) total_flow: i64,
    pub(crate) time: String,
    pub(crate) at_ms: i64,
}

impl State {
    /// Runs the hourly job now: for every user, `flow` = its in+out minus the previous
    /// row's `totalFlow` (the whole total when that is negative, after a reset), stamped
    /// with the full hour `"HH:00"` (UTC here; the real panel uses its own zone).
    pub(crate) fn run_hourly_job(&mut self) {
        let now = self.now();
        let time = hour_label(now);
        let totals: Vec<(i64, i64)> = self
            .users
            .values()
            .map(|u| (u.id, u.in_flow.saturating_add(u.out_flow)))
            .collect();
        for (user_id, total) in totals {
            let previous = self.last_total(user_id).unwrap_or(0);
            let flow = match total - previous {
                d if d < 0 => total,
                d => d,
            };
            self.seq.statistic += 1;
            self.statistics.push(FlowRow {
                id: self.seq.statistic,
                user_id,
                flow,
                total_flow: total,
                time: time.clone(),
                at_ms: now,
            });
        }
        self.statistics.retain(|r| now - r.at_ms < KEEP_MS);
    }

    /// The caller's latest rows, oldest first, as `user/package` lists them.
    pub(crate) fn hourly_rows(&self, user_id: i64) -> Vec<Value> {
        let theirs: Vec<&FlowRow> = self
            .statistics
            .iter()
            .filter(|r| r.user_id == user_id)
            .collect();
        let skip = theirs.len().saturating_sub(LISTED);
        theirs[skip..]
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "userId": r.user_id, "flow": r.flow,
                    "totalFlow": r.total_flow, "time": r.time,
                })
            })
            .collect()
    }

    fn last_total(&self, user_id: i64) -> Option<i64> {
        self.statistics
            .iter()
            .rev()
            .find(|r| r.user_id == user_id)
            .map(|r| r.total_flow)
    }
}

/// `"HH:00"` of the hour containing `ms` (UTC).
fn hour_label(ms: i64) -> String {
    format!("{:02}:00", ms.div_euclid(HOUR_MS).rem_euclid(24))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::profile::Profile;

    #[test]
    fn hour_labels_wrap_at_midnight() {
        assert_eq!(hour_label(0), "00:00");
        assert_eq!(hour_label(23 * HOUR_MS + 59_000), "23:00");
        assert_eq!(hour_label(25 * HOUR_MS), "01:00");
    }

    #[test]
    fn rows_are_deltas_listed_24_and_purged_after_48_hours() {
        let mut st = State::new(Profile::V2_1);
        for hour in 0..50 {
            if let Some(admin) = st.users.get_mut(&1) {
                admin.in_flow = hour * 10;
            }
            st.run_hourly_job();
            st.clock.advance_ms(HOUR_MS);
        }
        let rows = st.hourly_rows(1);
        assert_eq!(rows.len(), LISTED);
        assert_eq!(rows[23]["totalFlow"], 490);
        assert_eq!(rows[23]["flow"], 10);
        assert_eq!(st.statistics.len(), 48, "older rows are purged");
        if let Some(admin) = st.users.get_mut(&1) {
            admin.in_flow = 5;
        }
        st.run_hourly_job();
        assert_eq!(
            st.hourly_rows(1)[23]["flow"],
            5,
            "after a reset the whole total"
        );
    }
}
