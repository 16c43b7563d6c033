//! Per-tunnel binding writes go out at once: through a proxy that makes the panel 40 ms
//! away (`RttProxy`), the assigns of a three-tunnel create and the removes of a package
//! change that drops two tunnels are in flight together, and a failed one still reports
//! the first failure in tunnel order after every other answered.

mod common;

use common::{Due, Opts, SERVICE_ID, World};
use flvx_api::endpoints;
use flvx_api::testkit::{FakePanel, Fault, FaultRule, RttProxy};
use flvx_api::{Credentials, FlvxApi, FlvxClient, PanelVersion};
use flvx_provision::{Engine, ProvisionError};
use std::sync::Arc;
use std::time::Duration;
use test_case::test_matrix;

/// An engine on the world's store whose panel is behind `proxy`.
fn engine_behind(w: &World, proxy: &RttProxy) -> Engine {
    let client = FlvxClient::builder(
        proxy.url(),
        Credentials::password(FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD),
    )
    .build()
    .expect("client");
    let api: Arc<dyn FlvxApi> = Arc::new(client);
    Engine::new(api, w.store.clone())
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn binding_writes_of_several_tunnels_are_in_flight_together(version: PanelVersion) {
    let w = World::new(version).await;
    let proxy = RttProxy::start(&w.panel.url(), Duration::from_millis(40)).await;
    let engine = engine_behind(&w, &proxy);
    let mut opts = Opts::standard(&w);
    opts.tunnels = format!("{},{},{}", w.t1, w.t2, w.t3);
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    engine.create(&svc).await.expect("create");
    assert_eq!(
        proxy.peak_in_flight(),
        3,
        "the three assigns at once: {:?}",
        w.call_paths()
    );
    assert_eq!(w.panel.requests_to(endpoints::BINDING_ASSIGN.path), 3);

    proxy.reset();
    opts.tunnels = w.t1.to_string();
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    let record = engine.change_package(&svc).await.expect("change package");
    assert_eq!(proxy.peak_in_flight(), 2, "the two removes at once");
    assert_eq!(record.bindings.len(), 1);
    assert_eq!(w.bindings_of(record.user_id.expect("user")).len(), 1);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_failed_assign_is_reported_after_the_others_answered(version: PanelVersion) {
    let w = World::new(version).await;
    let mut opts = Opts::standard(&w);
    opts.tunnels = format!("{},{},{}", w.t1, w.t2, w.t3);
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    w.panel.inject(
        FaultRule::new(Fault::Html502)
            .on(endpoints::BINDING_ASSIGN.path)
            .when_body("tunnelId", w.t2.0),
    );
    let err = w.engine.create(&svc).await.expect_err("t2's assign failed");
    assert!(
        matches!(err, ProvisionError::Panel { .. }),
        "a panel error: {err}"
    );
    assert_eq!(w.panel.requests_to(endpoints::BINDING_ASSIGN.path), 3);
    let user = w.user(common::USERNAME);
    let mut tunnels: Vec<i64> = w
        .rows("bindings")
        .iter()
        .filter(|b| b["userId"] == user["id"])
        .filter_map(|b| b["tunnelId"].as_i64())
        .collect();
    tunnels.sort();
    assert_eq!(tunnels, [w.t1.0, w.t3.0], "the other two were assigned");
    assert!(
        w.record(SERVICE_ID).create_pending,
        "the record still says create pending, so the retry adopts the user"
    );
    let record = w.engine.create(&svc).await.expect("the retry converges");
    assert_eq!(record.bindings.len(), 3);
}
