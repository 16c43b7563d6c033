//! The customer's own forwards through the engine: the max-forwards limit the panel never
//! enforces (panel behaviour §3.1, §10.12), the plan's tunnels, suspension, and ownership.

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, SERVICE_ID, USERNAME, World, int};
use flvx_api::endpoints;
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::testkit::Identity;
use flvx_provision::ProvisionError;
use flvx_provision::engine::ForwardRequest;

fn request(w: &World, name: &str) -> ForwardRequest {
    ForwardRequest {
        tunnel: w.t1,
        name: name.into(),
        target: "198.51.100.7:443".into(),
        port: None,
    }
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn add_forward_creates_a_customer_owned_forward(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    let uid = int(&w.user(USERNAME), "id");
    w.panel.clear_journal();
    let mut req = request(&w, " web ");
    req.port = Some(20_443);
    let forward = w.engine.add_forward(&svc, &req).await.expect("add forward");
    assert_eq!(forward.name, "web", "trimmed");
    assert_eq!(
        forward.user_id,
        Some(UserId(uid)),
        "owned by the customer, not the admin"
    );
    assert_eq!(forward.in_port, Some(20_443));
    let row = w.forward(forward.id).expect("row");
    assert_eq!(row["userId"], uid);
    assert_eq!(row["status"], 1);
    // The policy's reads (every forward, the nodes, the tunnels' entry nodes) are the
    // admin's; the create and the new id's lookup are the customer's own.
    let calls = w.calls();
    let (reads, writes) = calls.split_at(3);
    for e in reads {
        assert!(
            matches!(&e.identity, Identity::User { admin: true, .. }),
            "{} sent as {:?}",
            e.path,
            e.identity
        );
    }
    for e in writes {
        assert!(
            matches!(&e.identity, Identity::User { name, admin: false, .. } if name == USERNAME),
            "{} sent as {:?}",
            e.path,
            e.identity
        );
    }
    assert_eq!(
        w.call_paths(),
        [
            endpoints::FORWARD_LIST.path,
            endpoints::NODE_LIST.path,
            endpoints::TUNNEL_LIST.path,
            endpoints::FORWARD_CREATE.path,
            endpoints::FORWARD_LIST.path,
        ]
    );
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn max_forwards_is_enforced_without_calling_create(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    w.engine.create(&svc).await.expect("create");
    for name in ["a", "b", "c"] {
        w.add_forward(&svc, w.t1, name).await;
    }

    w.panel.clear_journal();
    let err = w
        .engine
        .add_forward(&svc, &request(&w, "d"))
        .await
        .expect_err("limit reached");
    assert!(
        matches!(err, ProvisionError::ForwardLimit { count: 3, max: 3 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("3 of 3"), "{err}");
    assert_eq!(w.panel.requests_to(endpoints::FORWARD_CREATE.path), 0);
    assert_eq!(
        w.call_paths(),
        vec![endpoints::FORWARD_LIST.path.to_string()]
    );
    assert_eq!(w.rows("forwards").len(), 3);

    // A downgrade below the current count: the message names both numbers.
    let mut small = Opts::standard(&w);
    small.max = "2".into();
    let downgraded = small.service(SERVICE_ID, &due);
    w.engine
        .change_package(&downgraded)
        .await
        .expect("downgrade");
    w.panel.clear_journal();
    let err = w
        .engine
        .add_forward(&downgraded, &request(&w, "e"))
        .await
        .expect_err("over the limit");
    let text = err.to_string();
    assert!(
        text.contains('3') && text.contains('2'),
        "both counts: {text}"
    );
    assert!(text.contains("3 of 2"), "{text}");
    assert_eq!(w.panel.requests_to(endpoints::FORWARD_CREATE.path), 0);
    assert_eq!(w.rows("forwards").len(), 3);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_tunnel_outside_the_plan_is_refused_before_any_call(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    w.panel.clear_journal();
    let mut req = request(&w, "x");
    req.tunnel = w.t3;
    let err = w
        .engine
        .add_forward(&svc, &req)
        .await
        .expect_err("tunnel 3 is not in the plan");
    assert!(
        matches!(err, ProvisionError::TunnelNotInPlan { tunnel } if tunnel == w.t3),
        "{err:?}"
    );
    assert!(err.to_string().contains(&w.t3.to_string()), "{err}");
    assert!(w.panel.journal().is_empty(), "{:?}", w.call_paths());
    assert!(w.rows("forwards").is_empty());
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn bad_forward_input_is_refused_before_any_call(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    w.panel.clear_journal();
    for (name, target, port) in [
        ("", "198.51.100.7:443", None),
        ("web", "198.51.100.7", None),
        ("web", "198.51.100.7:0", None),
        ("web", "198.51.100.7:443", Some(0)),
        ("web", "host name:80", None),
    ] {
        let req = ForwardRequest {
            tunnel: w.t1,
            name: name.into(),
            target: target.into(),
            port,
        };
        let err = w.engine.add_forward(&svc, &req).await.expect_err(target);
        assert!(
            matches!(err, ProvisionError::InvalidForward { .. }),
            "{err:?}"
        );
        assert!(!err.to_string().is_empty());
    }
    assert!(w.panel.journal().is_empty(), "{:?}", w.call_paths());
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_suspended_service_refuses_add_and_resume(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    let f = w.provision_with_forwards(&svc).await;
    w.engine.suspend(&svc).await.expect("suspend");

    w.panel.clear_journal();
    let err = w
        .engine
        .add_forward(&svc, &request(&w, "d"))
        .await
        .expect_err("suspended");
    assert!(matches!(err, ProvisionError::ServiceSuspended), "{err:?}");
    for id in [f.a, f.c] {
        let err = w
            .engine
            .resume_forward(&svc, id)
            .await
            .expect_err("suspended");
        assert!(matches!(err, ProvisionError::ServiceSuspended), "{err:?}");
    }
    assert!(w.panel.journal().is_empty(), "{:?}", w.call_paths());
    assert_eq!(w.forward(f.a).unwrap()["status"], 0);
    assert_eq!(w.forward(f.c).unwrap()["status"], 0);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn pause_resume_and_delete_keep_the_record_in_step(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    let a = w.add_forward(&svc, w.t1, "a").await;

    w.engine.pause_forward(&svc, a).await.expect("pause");
    assert_eq!(w.forward(a).unwrap()["status"], 0);
    assert_eq!(w.record(SERVICE_ID).customer_paused, vec![a]);
    w.engine.resume_forward(&svc, a).await.expect("resume");
    assert_eq!(w.forward(a).unwrap()["status"], 1);
    assert!(w.record(SERVICE_ID).customer_paused.is_empty());
    w.engine.pause_forward(&svc, a).await.expect("pause again");
    w.engine.delete_forward(&svc, a).await.expect("delete");
    assert!(w.forward(a).is_none());
    assert!(
        w.record(SERVICE_ID).customer_paused.is_empty(),
        "forgotten with the forward"
    );

    let listed = w.engine.forwards(&svc).await.expect("list");
    assert!(listed.is_empty());
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn another_services_forward_is_not_found(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let due = Due::in_days(38);
    let mine = opts.service(SERVICE_ID, &due);
    let theirs = opts.service(SERVICE_ID + 1, &due);
    w.engine.create(&mine).await.expect("create mine");
    w.engine.create(&theirs).await.expect("create theirs");
    let their_forward = w.add_forward(&theirs, w.t1, "theirs").await;

    for result in [
        w.engine.pause_forward(&mine, their_forward).await,
        w.engine.delete_forward(&mine, their_forward).await,
    ] {
        let err = result.expect_err("not mine");
        assert!(
            matches!(err, ProvisionError::ForwardNotFound { forward } if forward == their_forward),
            "{err:?}"
        );
    }
    assert_eq!(w.forward(their_forward).unwrap()["status"], 1, "untouched");
    let missing = w
        .engine
        .pause_forward(&mine, ForwardId(999))
        .await
        .expect_err("missing");
    assert!(
        matches!(missing, ProvisionError::ForwardNotFound { .. }),
        "{missing:?}"
    );
    assert!(
        w.engine.forwards(&mine).await.expect("list").is_empty(),
        "only their own"
    );
}
