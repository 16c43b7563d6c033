//! The client area's traffic charts end to end: the panel's hourly rows through the SDK
//! into the 24-hour chart, and the daily samples a reconciliation records into the 30-day
//! chart, on both panel lines.

mod common;

use common::{DAY_MS, Due, Opts, World};
use flvx_api::PanelVersion;
use flvx_api::units::EpochMs;
use flvx_provision::store::{UsageHistory, record_usage};
use flvx_provision::views::{ServiceView, ViewSettings};
use flvx_provision::{Engine, MemoryStore, Service};
use std::sync::Arc;
use std::time::Duration;
use test_case::test_matrix;

const MIB: u64 = 1 << 20;

async fn view(engine: &Engine, service: &Service) -> ServiceView {
    match engine.client_view(service, &ViewSettings::default()).await {
        Ok(view) => view,
        Err(e) => panic!("client view: {e}"),
    }
}

/// The world's engine with a usage history.
fn charting(w: &World, history: Arc<MemoryStore>) -> Engine {
    Engine::new(w.admin.clone(), w.store.clone())
        .with_resolver(Arc::new(flvx_provision::policy::OfflineResolver))
        .with_history(history)
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn the_hourly_chart_shows_the_panels_last_hours(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(42, &Due::in_days(30));
    w.engine.create(&svc).await.expect("create");
    let a = w.add_forward(&svc, w.t1, "a").await;
    assert!(
        view(&w.engine, &svc)
            .await
            .hours
            .empty
            .starts_with("No hourly")
    );
    for mib in [3, 0, 1] {
        w.panel.add_traffic(a, mib * MIB, 0);
        w.panel.run_hourly_job();
        w.panel.advance_clock(Duration::from_secs(3600));
    }
    let hours = view(&w.engine, &svc).await.hours;
    assert_eq!(hours.empty, "");
    let heights: Vec<u64> = hours.bars.iter().map(|b| b.height).collect();
    assert_eq!(heights, [116, 0, 38], "3, 0 and 1 MiB, in the last slots");
    assert_eq!(hours.bars[2].slot_x, 690);
    assert!(
        hours.bars[0].title.ends_with(": 3.0 MiB"),
        "{:?}",
        hours.bars[0]
    );
    assert_eq!(hours.top, "3.0 MiB");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn the_daily_chart_shows_what_each_reconciliation_recorded(version: PanelVersion) {
    let w = World::new(version).await;
    let history = Arc::new(MemoryStore::new());
    let engine = charting(&w, history.clone());
    let mut svc = Opts::standard(&w).service(42, &Due::in_days(60));
    engine.create(&svc).await.expect("create");
    let a = w.add_forward(&svc, w.t1, "a").await;
    for day in 0..3 {
        w.panel.add_traffic(a, 100 * MIB, 0);
        svc.now = EpochMs(w.now().get() + day * DAY_MS);
        let report = engine.reconcile(&[svc.clone()]).await.expect("reconcile");
        record_usage(history.as_ref(), &report.usage, svc.now)
            .await
            .expect("record");
    }
    let days = view(&engine, &svc).await.days;
    assert_eq!(days.bars.len(), 3);
    let slots: Vec<u64> = days
        .bars
        .iter()
        .map(|b| b.slot_x / days.slot_width)
        .collect();
    assert_eq!(slots, [27, 28, 29], "today in the last slot");
    assert!(
        days.bars[2].title.ends_with(": 300.0 MiB used"),
        "{:?}",
        days.bars[2]
    );
    assert!(days.quota, "the 250 GiB quota line");
    assert_eq!(days.quota_y, 4, "the quota is the top of the scale");
    let stored = history.daily_usage(42, 0).await.expect("samples");
    assert_eq!(stored.len(), 3);
    let without = view(&w.engine, &svc).await.days;
    assert!(
        without.bars.is_empty() && !without.empty.is_empty(),
        "no history, no days"
    );
}
