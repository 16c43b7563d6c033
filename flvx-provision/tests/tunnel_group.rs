//! A plan's tunnel group grants every member tunnel, at the cost of one group listing.

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, SERVICE_ID, World};
use flvx_api::endpoints;
use flvx_provision::{Plan, PlanInput};

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn create_binds_the_plan_tunnels_and_the_group_members(version: PanelVersion) {
    let w = World::new(version).await;
    let group = w.panel.add_tunnel_group_with("Asia", &[w.t2, w.t3]);
    let mut opts = Opts::standard(&w);
    opts.tunnels = w.t1.to_string();
    let mut values = opts.values();
    values[4] = group.to_string(); // configoption5: tunnel_group
    let plan = Plan::parse(&PlanInput {
        product_options: values,
        ..PlanInput::default()
    })
    .expect("plan");
    let mut svc = opts.service(SERVICE_ID, &Due::in_days(38));
    svc.plan = plan;

    w.panel.clear_journal();
    let record = w.engine.create(&svc).await.expect("create");

    let bound: Vec<_> = record.bindings.keys().copied().collect();
    assert_eq!(bound, vec![w.t1, w.t2, w.t3]);
    assert_eq!(w.panel.requests_to(endpoints::TUNNEL_GROUP_LIST.path), 1);
    assert_eq!(w.panel.requests_to(endpoints::BINDING_ASSIGN.path), 3);
}
