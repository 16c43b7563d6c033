//! The daily reconciliation (issue 10, item 5): what customers changed on the panel itself,
//! and what the panel paused and never resumes, is brought back to the plan, with writes
//! only for what drifted.

mod common;

use common::{DAY_MS, Due, Opts, PASSWORD, PAUSED, RUNNING, SERVICE_ID, USERNAME, World, int};
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::models::{NewForward, ResetTarget};
use flvx_api::{FlvxApi, PanelVersion};
use flvx_provision::engine::{PauseReason, Repair};
use flvx_provision::messages::Lang;
use test_case::test_matrix;

/// The customer adds a forward on the panel with its own login, past the module.
async fn panel_forward(w: &World, target: &str, name: &str) -> ForwardId {
    let customer = w.client(USERNAME, PASSWORD);
    let new = NewForward {
        tunnel_id: w.t1,
        name: name.into(),
        remote_addr: target.into(),
        in_port: None,
        strategy: None,
    };
    customer.create_forward(&new).await.expect("panel forward");
    let listed = customer.list_forwards().await.expect("list");
    listed.iter().find(|f| f.name == name).expect("created").id
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn drift_made_on_the_panel_is_repaired_and_a_second_run_writes_nothing(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let four = Opts {
        max: "4".into(),
        ..Opts::standard(&w)
    };
    let svc = four.service(SERVICE_ID, &Due::in_days(30));
    w.engine.create(&svc).await.expect("create");
    let a = w.add_forward(&svc, w.t1, "a").await;
    let metadata = panel_forward(&w, "169.254.169.254:80", "m").await;
    let b = panel_forward(&w, "198.51.100.8:443", "b").await;
    let newest = panel_forward(&w, "198.51.100.9:443", "n").await;
    // The plan drops to 3 forwards, then the customer renames itself.
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(30));
    w.engine.change_package(&svc).await.expect("change package");
    w.change_user(USERNAME, |u| u.user = "taken-over".into())
        .await;

    let report = w
        .engine
        .reconcile(std::slice::from_ref(&svc))
        .await
        .expect("reconcile");

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(
        report.repairs,
        vec![
            Repair::User {
                service: SERVICE_ID,
                renamed_from: Some("taken-over".into()),
            },
            Repair::Paused {
                service: SERVICE_ID,
                forward: metadata,
                reason: PauseReason::RefusedTarget,
            },
            Repair::Paused {
                service: SERVICE_ID,
                forward: newest,
                reason: PauseReason::BeyondMaxForwards,
            },
        ]
    );
    assert_eq!(w.user(USERNAME)["num"], 3, "renamed back, the plan written");
    for (forward, state) in [
        (a, RUNNING),
        (metadata, PAUSED),
        (b, RUNNING),
        (newest, PAUSED),
    ] {
        assert_eq!(w.forward_state(forward), state, "forward {forward}");
    }
    let text = report.repairs[0].describe(Lang::En);
    assert!(text.contains("taken-over") && text.contains("42"), "{text}");
    assert_eq!(report.usage.len(), 1);

    let before = w.calls().len();
    let again = w.engine.reconcile(&[svc]).await.expect("reconcile again");
    assert!(again.repairs.is_empty(), "{:?}", again.repairs);
    let paths: Vec<String> = w.short_paths()[before..].to_vec();
    assert_eq!(paths, ["user/list", "forward/list", "node/list"]);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn forwards_the_quota_paused_resume_after_the_panels_monthly_reset_but_not_the_customers(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let one = Opts {
        quota: "1".into(),
        ..Opts::standard(&w)
    };
    let svc = one.service(SERVICE_ID, &Due::in_days(30));
    let f = w.provision_with_forwards(&svc).await;
    w.panel.add_traffic(f.a, 2 << 30, 0);
    assert_eq!(w.forward_state(f.a), PAUSED, "the panel paused it");
    assert_eq!(w.forward_state(f.b), PAUSED, "the panel paused it");

    // Still over quota: nothing to resume.
    let report = w
        .engine
        .reconcile(std::slice::from_ref(&svc))
        .await
        .expect("reconcile");
    assert!(report.repairs.is_empty(), "{:?}", report.repairs);

    // The panel's monthly reset zeroes the counters and resumes nothing (§4.4).
    let user = UserId(int(&w.user(USERNAME), "id"));
    w.admin
        .reset_traffic(ResetTarget::User(user))
        .await
        .expect("reset on the panel");
    let report = w
        .engine
        .reconcile(std::slice::from_ref(&svc))
        .await
        .expect("reconcile");
    assert_eq!(
        report.repairs,
        vec![
            Repair::Resumed {
                service: SERVICE_ID,
                forward: f.a,
            },
            Repair::Resumed {
                service: SERVICE_ID,
                forward: f.b,
            },
        ]
    );
    assert_eq!(w.forward_state(f.a), RUNNING);
    assert_eq!(w.forward_state(f.b), RUNNING);
    assert_eq!(w.forward_state(f.c), PAUSED, "the customer paused c");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_package_resumes_what_the_quota_paused_once_the_new_quota_allows_it(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let with_quota = |gib: &str| {
        Opts {
            quota: gib.into(),
            ..Opts::standard(&w)
        }
        .service(SERVICE_ID, &Due::in_days(30))
    };
    let f = w.provision_with_forwards(&with_quota("1")).await;
    w.panel.add_traffic(f.a, 2 << 30, 0);
    // 2 GiB used: the same quota of 1 resumes nothing, a quota of 5 does.
    w.engine
        .change_package(&with_quota("1"))
        .await
        .expect("same quota");
    assert_eq!(w.forward_state(f.a), PAUSED);
    w.engine
        .change_package(&with_quota("5"))
        .await
        .expect("raise the quota");
    assert_eq!(w.forward_state(f.a), RUNNING);
    assert_eq!(w.forward_state(f.b), RUNNING);
    assert_eq!(w.forward_state(f.c), PAUSED, "the customer paused c");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_suspended_or_expired_service_gets_nothing_resumed(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(30));
    let f = w.provision_with_forwards(&svc).await;
    w.engine.suspend(&svc).await.expect("suspend");
    // Someone with the admin login resumes a forward of the suspended service.
    let resumed = w.admin.resume_forwards(&[f.b]).await.expect("resume");
    let report = w
        .engine
        .reconcile(std::slice::from_ref(&svc))
        .await
        .expect("reconcile");
    match (version, resumed.fail_count) {
        // 3.0 refuses to resume a forward of a disabled user; 2.1 does it.
        (PanelVersion::V2_1, 0) => assert_eq!(
            report.repairs,
            vec![Repair::Paused {
                service: SERVICE_ID,
                forward: f.b,
                reason: PauseReason::Suspended,
            }]
        ),
        _ => assert!(report.repairs.is_empty(), "{:?}", report.repairs),
    }
    assert_eq!(w.forward_state(f.b), PAUSED);

    // Unsuspended but past its expiry: the panel paused everything, and it stays so.
    w.engine.unsuspend(&svc).await.expect("unsuspend");
    w.expire(&svc);
    let later = flvx_provision::Service {
        now: flvx_api::units::EpochMs(svc.expiry().get() + DAY_MS),
        ..svc
    };
    let report = w.engine.reconcile(&[later]).await.expect("reconcile");
    assert!(
        !report
            .repairs
            .iter()
            .any(|r| matches!(r, Repair::Resumed { .. })),
        "{:?}",
        report.repairs
    );
    assert_eq!(w.forward_state(f.a), PAUSED);
}

/// A forward the reconciliation paused for being beyond max forwards stays paused through
/// the resume rule of Renew, Reset traffic and Change Package: only the oldest
/// `max_forwards` are ever resumed.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_forward_paused_beyond_max_forwards_stays_paused_through_renew_reset_and_change_package(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let four = Opts {
        max: "4".into(),
        ..Opts::standard(&w)
    };
    w.engine
        .create(&four.service(SERVICE_ID, &Due::in_days(30)))
        .await
        .expect("create");
    let a = panel_forward(&w, "198.51.100.7:443", "a").await;
    let b = panel_forward(&w, "198.51.100.8:443", "b").await;
    let c = panel_forward(&w, "198.51.100.9:443", "c").await;
    let extra = panel_forward(&w, "198.51.100.10:443", "extra").await;
    // The plan drops to 3 forwards.
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(30));
    w.engine.change_package(&svc).await.expect("change package");
    let report = w
        .engine
        .reconcile(std::slice::from_ref(&svc))
        .await
        .expect("reconcile");
    assert_eq!(
        report.repairs,
        [Repair::Paused {
            service: SERVICE_ID,
            forward: extra,
            reason: PauseReason::BeyondMaxForwards,
        }]
    );

    let renewed = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(60));
    w.engine.renew(&renewed).await.expect("renew");
    w.engine.reset_traffic(&renewed).await.expect("reset");
    w.engine
        .change_package(&renewed)
        .await
        .expect("change package");
    for (forward, state) in [(a, RUNNING), (b, RUNNING), (c, RUNNING), (extra, PAUSED)] {
        assert_eq!(w.forward_state(forward), state, "forward {forward}");
    }
}
