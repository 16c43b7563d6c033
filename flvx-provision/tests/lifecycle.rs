//! The lifecycle of one service on a fresh fake panel: create, suspend, unsuspend, renew,
//! change package, change password, reset traffic, terminate (delete and disable).

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, PASSWORD, PAUSED, RUNNING, SERVICE_ID, USERNAME, World, int};
use flvx_api::endpoints;
use flvx_api::ids::{BindingId, TunnelId, UserId};
use flvx_api::units::EpochMs;
use flvx_api::{Error, FlvxApi};
use flvx_provision::ServiceRecord;
use serde_json::json;
use std::collections::BTreeMap;

fn user_id(w: &World) -> UserId {
    UserId(int(&w.user(USERNAME), "id"))
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn create_provisions_user_bindings_and_customer_login(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    let record = w.engine.create(&svc).await.expect("create");

    let user = w.user(USERNAME);
    assert_eq!(user["flow"], 250, "quota in GiB");
    assert_eq!(user["num"], 3);
    assert_eq!(
        user["expTime"],
        due.expiry_ms(3),
        "end of due date + 3 grace days, in ms"
    );
    assert_eq!(user["flowResetTime"], i64::from(due.date.day()));
    assert_eq!(user["status"], 1);
    assert_eq!(user["roleId"], 1);
    assert_eq!(user["pwd"], PASSWORD);
    let uid = UserId(int(&user, "id"));

    let bindings = w.bindings_of(uid);
    assert_eq!(bindings.len(), 2, "{bindings:?}");
    let mut expected = BTreeMap::new();
    for (b, tunnel) in bindings.iter().zip([w.t1, w.t2]) {
        assert_eq!(b["tunnelId"], tunnel.0);
        assert_eq!(b["speedId"], w.s1.0);
        assert_eq!(b["flow"], 250);
        assert_eq!(b["num"], 3);
        assert_eq!(b["expTime"], due.expiry_ms(3));
        assert_eq!(b["status"], 1);
        expected.insert(tunnel, BindingId(int(b, "id")));
    }

    assert_eq!(record.username.as_deref(), Some(USERNAME));
    assert_eq!(record.user_id, Some(uid));
    assert_eq!(record.bindings, expected);
    assert!(!record.create_pending && !record.suspended);
    assert_eq!(
        w.record(SERVICE_ID),
        record,
        "the returned record is the stored one"
    );

    let customer = w.client(USERNAME, PASSWORD);
    let package = customer
        .package()
        .await
        .expect("the customer logs in with the service password");
    assert_eq!(package.user_info.user, USERNAME);
    assert_eq!(package.tunnel_permissions.len(), 2);
    assert!(
        package
            .tunnel_permissions
            .iter()
            .all(|b| b.speed_id == Some(w.s1))
    );
    let wrong = w.client(USERNAME, "not-the-password").package().await;
    assert!(
        matches!(wrong, Err(Error::LoginRejected { .. })),
        "{wrong:?}"
    );
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn suspend_pauses_running_forwards_and_unsuspend_resumes_exactly_those(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);

    let record = w.engine.suspend(&svc).await.expect("suspend");
    assert_eq!(w.user(USERNAME)["status"], 0);
    for id in [f.a, f.b, f.c] {
        let row = w.forward(id).expect("forward kept");
        assert_eq!(row["status"], 0, "{row}");
        assert_eq!(
            row["nodeRunning"], false,
            "paused on the node at once: {row}"
        );
    }
    assert!(record.suspended);
    assert_eq!(
        record.suspended_forwards,
        vec![f.a, f.b],
        "only what was running"
    );
    assert_eq!(record.customer_paused, vec![f.c]);
    assert_eq!(w.record(SERVICE_ID), record);
    let login = w.client(USERNAME, PASSWORD).package().await;
    assert!(
        matches!(&login, Err(Error::LoginRejected { msg }) if msg == "账号被停用"),
        "{login:?}"
    );

    w.panel.clear_journal();
    let record = w.engine.unsuspend(&svc).await.expect("unsuspend");
    assert_eq!(w.user(USERNAME)["status"], 1);
    for id in [f.a, f.b] {
        let row = w.forward(id).expect("forward");
        assert_eq!(
            (row["status"].clone(), row["nodeRunning"].clone()),
            (json!(1), json!(true))
        );
    }
    let c = w.forward(f.c).expect("forward c");
    assert_eq!(
        c["status"], 0,
        "the customer's own pause survives unsuspend"
    );
    assert_eq!(c["nodeRunning"], false);
    assert_eq!(
        w.bodies_to(endpoints::FORWARD_BATCH_RESUME.path),
        vec![json!({"ids": [f.a.0, f.b.0]})]
    );
    assert!(!record.suspended);
    assert!(record.suspended_forwards.is_empty());
    assert_eq!(record.customer_paused, vec![f.c]);
    assert_eq!(w.forwards_of(uid).len(), 3);
    w.client(USERNAME, PASSWORD)
        .package()
        .await
        .expect("login works again");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn renew_pushes_the_new_expiry_and_revives_what_the_panel_expired(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let near = Due::in_days(5);
    let svc = opts.service(SERVICE_ID, &near);
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);
    let before = w.record(SERVICE_ID);
    assert_eq!(before.pushed_expiry, Some(EpochMs(near.expiry_ms(3))));

    w.expire(&svc);
    assert_eq!(
        w.user(USERNAME)["status"],
        0,
        "the daily job disabled the expired user"
    );
    assert_eq!(w.forward_state(f.a), PAUSED);
    assert_eq!(w.forward_state(f.b), PAUSED);
    assert_eq!(w.binding_statuses(uid), vec![0, 0], "and the bindings");

    let later = Due::in_days(70);
    let renewed = w.at_panel_now(&opts.service(SERVICE_ID, &later));
    w.panel.clear_journal();
    let record = w.engine.renew(&renewed).await.expect("renew");
    let expected: &[&str] = if w.v3() {
        // 3.0: the connection cap is read first (a full update resets it), and the panel
        // pauses re-pushed forwards again by itself.
        &[
            "user/list",
            "user/update",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "forward/list",
            "forward/batch-resume",
        ]
    } else {
        &[
            "user/update",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "forward/list",
            "forward/batch-resume",
            "forward/batch-pause",
        ]
    };
    assert_eq!(
        w.short_paths(),
        expected,
        "the pushed expiry had passed: every binding is re-assigned"
    );
    let user = w.user(USERNAME);
    assert_eq!(user["expTime"], later.expiry_ms(3));
    assert_eq!(user["status"], 1, "renew re-enables the user");
    assert_eq!(user["flow"], 250);
    assert_eq!(user["flowResetTime"], i64::from(later.date.day()));
    for b in w.bindings_of(uid) {
        assert_eq!(b["expTime"], later.expiry_ms(3), "{b}");
        assert_eq!(b["status"], 1, "{b}");
    }
    assert_eq!(w.forward_state(f.a), RUNNING);
    assert_eq!(w.forward_state(f.b), RUNNING);
    assert_eq!(
        w.forward_state(f.c),
        PAUSED,
        "the customer's pause is kept, on the node too (the re-assign restarted it)"
    );
    assert_eq!(
        w.bodies_to(endpoints::FORWARD_BATCH_RESUME.path),
        vec![json!({"ids": [f.a.0, f.b.0]})]
    );
    let repause = match w.v3() {
        true => vec![],
        false => vec![json!({"ids": [f.c.0]})],
    };
    assert_eq!(w.bodies_to(endpoints::FORWARD_BATCH_PAUSE.path), repause);
    assert_eq!(
        record,
        ServiceRecord {
            pushed_expiry: Some(EpochMs(later.expiry_ms(3))),
            ..before
        },
        "renew only records the expiry it pushed"
    );
    assert_eq!(w.record(SERVICE_ID), record);
    w.client(USERNAME, PASSWORD)
        .package()
        .await
        .expect("customer logs in again");

    // A renewal before the new expiry passed touches no binding.
    let again = w.at_panel_now(&opts.service(SERVICE_ID, &Due::in_days(100)));
    w.panel.clear_journal();
    w.engine.renew(&again).await.expect("second renew");
    let expected: &[&str] = match w.v3() {
        true => &["user/list", "user/update", "forward/list"],
        false => &["user/update", "forward/list"],
    };
    assert_eq!(w.short_paths(), expected);
    assert_eq!(w.forward_state(f.c), PAUSED);
}

/// The daily job also disables every expired binding (panel behaviour §4.4 step 3), and
/// `user/update` never touches binding status (§5.3): after a renewal the bindings must be
/// enabled again, or the customer cannot add forwards and the next traffic report pauses
/// the forwards renew just resumed.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn renew_re_enables_bindings_the_daily_job_disabled(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(5));
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);
    w.expire(&svc);
    assert_eq!(w.binding_statuses(uid), vec![0, 0]);

    let renewed = w.at_panel_now(&opts.service(SERVICE_ID, &Due::in_days(70)));
    w.engine.renew(&renewed).await.expect("renew");
    assert_eq!(
        w.binding_statuses(uid),
        vec![1, 1],
        "bindings still disabled after renew"
    );
    w.panel.add_traffic(f.a, 1_000, 1_000);
    assert_eq!(
        w.forward_state(f.a),
        RUNNING,
        "paused again by the first traffic report"
    );
    w.engine
        .delete_forward(&renewed, f.b)
        .await
        .expect("delete b");
    w.add_forward(&renewed, w.t2, "after-renewal").await;
}

/// The usual WHMCS order for an overdue service: the panel's own expiry (due date + grace)
/// pauses the forwards first, WHMCS suspends later, and on payment WHMCS renews (while
/// still suspended) and then unsuspends. The forwards the panel paused must run again at
/// the end, on enabled bindings; the customer's own pause must stay, on the node too.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn expiry_then_suspend_then_renew_and_unsuspend_brings_forwards_back(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let near = Due::in_days(5);
    let svc = opts.service(SERVICE_ID, &near);
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);
    w.expire(&svc);
    let svc = w.at_panel_now(&svc);

    w.panel.clear_journal();
    let record = w.engine.suspend(&svc).await.expect("suspend");
    let expected: &[&str] = if w.v3() {
        &["user/list", "user/update", "forward/list"]
    } else {
        &["user/update", "forward/list"]
    };
    assert_eq!(w.short_paths(), expected, "nothing runs any more: no pause");
    assert_eq!(
        record.suspended_forwards,
        vec![f.a, f.b],
        "the forwards the panel paused, not the customer's own"
    );
    assert!(record.suspended);
    assert_eq!(w.record(SERVICE_ID), record);

    let later = Due::in_days(70);
    let renewed = w.at_panel_now(&opts.service(SERVICE_ID, &later));
    w.panel.clear_journal();
    let record = w.engine.renew(&renewed).await.expect("renew");
    let expected: &[&str] = if w.v3() {
        &[
            "user/list",
            "user/update",
            "tunnel/user/assign",
            "tunnel/user/assign",
        ]
    } else {
        &[
            "user/update",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "forward/list",
            "forward/batch-pause",
        ]
    };
    assert_eq!(
        w.short_paths(),
        expected,
        "suspended: nothing resumed, and everything the re-assign restarted paused again"
    );
    let repause = match w.v3() {
        true => vec![],
        false => vec![json!({"ids": [f.a.0, f.b.0, f.c.0]})],
    };
    assert_eq!(w.bodies_to(endpoints::FORWARD_BATCH_PAUSE.path), repause);
    assert_eq!(w.user(USERNAME)["status"], 0, "still suspended");
    assert_eq!(w.user(USERNAME)["expTime"], later.expiry_ms(3));
    assert_eq!(w.binding_statuses(uid), vec![1, 1]);
    for id in [f.a, f.b, f.c] {
        assert_eq!(w.forward_state(id), PAUSED, "forward {id} while suspended");
    }
    assert!(record.suspended);
    assert_eq!(record.suspended_forwards, vec![f.a, f.b]);
    assert_eq!(record.pushed_expiry, Some(EpochMs(later.expiry_ms(3))));
    assert_eq!(w.record(SERVICE_ID), record);

    w.panel.clear_journal();
    let record = w.engine.unsuspend(&renewed).await.expect("unsuspend");
    let expected: &[&str] = match w.v3() {
        true => &["user/list", "user/update", "forward/batch-resume"],
        false => &["user/update", "forward/batch-resume"],
    };
    assert_eq!(
        w.short_paths(),
        expected,
        "renew already re-enabled the bindings"
    );
    assert_eq!(
        w.bodies_to(endpoints::FORWARD_BATCH_RESUME.path),
        vec![json!({"ids": [f.a.0, f.b.0]})]
    );
    assert_eq!(w.user(USERNAME)["status"], 1);
    assert_eq!(w.binding_statuses(uid), vec![1, 1]);
    assert_eq!(w.forward_state(f.a), RUNNING, "forward a still paused");
    assert_eq!(w.forward_state(f.b), RUNNING, "forward b still paused");
    assert_eq!(w.forward_state(f.c), PAUSED, "the customer's pause is kept");
    assert!(!record.suspended);
    assert!(record.suspended_forwards.is_empty());
    assert_eq!(record.customer_paused, vec![f.c]);
    assert_eq!(w.record(SERVICE_ID), record);

    // Nothing pauses them again: the next traffic report finds a valid user and bindings.
    w.panel.add_traffic(f.a, 1_000, 1_000);
    w.panel.add_traffic(f.b, 1_000, 1_000);
    assert_eq!(w.forward_state(f.a), RUNNING);
    assert_eq!(w.forward_state(f.b), RUNNING);
    w.client(USERNAME, PASSWORD)
        .package()
        .await
        .expect("customer logs in again");
}

/// An administrator moves the due date and unsuspends without a renewal: unsuspend finds
/// the pushed expiry passed and re-enables the bindings itself, then re-pauses what the
/// re-assign restarted and must stay paused.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn unsuspend_after_expiry_re_enables_bindings_and_keeps_the_customer_pause(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(5));
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);
    w.engine.suspend(&svc).await.expect("suspend");
    w.expire(&svc);
    assert_eq!(w.binding_statuses(uid), vec![0, 0]);

    let later = Due::in_days(70);
    let moved = w.at_panel_now(&opts.service(SERVICE_ID, &later));
    w.panel.clear_journal();
    let record = w.engine.unsuspend(&moved).await.expect("unsuspend");
    let expected: &[&str] = if w.v3() {
        &[
            "user/list",
            "user/update",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "forward/batch-resume",
        ]
    } else {
        &[
            "user/update",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "forward/batch-resume",
            "forward/list",
            "forward/batch-pause",
        ]
    };
    assert_eq!(w.short_paths(), expected);
    assert_eq!(
        w.bodies_to(endpoints::FORWARD_BATCH_RESUME.path),
        vec![json!({"ids": [f.a.0, f.b.0]})]
    );
    let repause = match w.v3() {
        true => vec![],
        false => vec![json!({"ids": [f.c.0]})],
    };
    assert_eq!(w.bodies_to(endpoints::FORWARD_BATCH_PAUSE.path), repause);
    assert_eq!(w.user(USERNAME)["status"], 1);
    assert_eq!(w.binding_statuses(uid), vec![1, 1]);
    assert_eq!(w.forward_state(f.a), RUNNING);
    assert_eq!(w.forward_state(f.b), RUNNING);
    assert_eq!(w.forward_state(f.c), PAUSED);
    assert!(!record.suspended);
    assert!(record.suspended_forwards.is_empty());
    assert_eq!(record.pushed_expiry, Some(EpochMs(later.expiry_ms(3))));
    assert_eq!(w.record(SERVICE_ID), record);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_package_applies_new_limits_and_drops_tunnels(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    w.engine.create(&svc).await.expect("create");
    let a = w.add_forward(&svc, w.t1, "a").await;
    let b = w.add_forward(&svc, w.t2, "b").await;
    let uid = user_id(&w);
    let old = w.record(SERVICE_ID);
    let exp_before = w.user(USERNAME)["expTime"].clone();

    let mut opts = Opts::standard(&w);
    opts.tunnels = format!("{},{}", w.t1, w.t3);
    opts.quota = "500".into();
    opts.max = "5".into();
    opts.speed = w.s2.to_string();
    let upgraded = opts.service(SERVICE_ID, &due);
    w.panel.clear_journal();
    let record = w
        .engine
        .change_package(&upgraded)
        .await
        .expect("change package");

    let user = w.user(USERNAME);
    assert_eq!(
        (user["flow"].clone(), user["num"].clone()),
        (json!(500), json!(5))
    );
    assert_eq!(user["expTime"], exp_before, "the expiry is not reset");
    assert_eq!(user["status"], 1);
    let bindings = w.bindings_of(uid);
    let tunnels: Vec<i64> = bindings.iter().map(|b| int(b, "tunnelId")).collect();
    assert_eq!(
        tunnels,
        vec![w.t1.0, w.t3.0],
        "tunnel 2 dropped, tunnel 3 added"
    );
    for b in &bindings {
        assert_eq!(b["speedId"], w.s2.0, "{b}");
        assert_eq!(
            (b["flow"].clone(), b["num"].clone()),
            (json!(500), json!(5))
        );
        assert_eq!(b["expTime"], exp_before);
    }
    assert!(
        w.forward(b).is_none(),
        "the dropped tunnel's forward is deleted"
    );
    assert_eq!(
        w.forward(a).unwrap()["status"],
        1,
        "the kept tunnel's forward keeps running"
    );
    assert_eq!(
        w.bodies_to(endpoints::FORWARD_BATCH_DELETE.path),
        vec![json!({"ids": [b.0]})]
    );
    assert_eq!(
        w.bodies_to(endpoints::BINDING_REMOVE.path),
        vec![json!({"id": old.bindings[&w.t2].0})]
    );
    assert_eq!(record.bindings.len(), 2);
    assert_eq!(
        record.bindings[&w.t1], old.bindings[&w.t1],
        "binding ids are stable"
    );
    assert_eq!(record.bindings[&w.t3].0, int(&bindings[1], "id"));
    assert_eq!(w.record(SERVICE_ID), record);
}

/// A re-assign restarts paused forwards on the node (panel behaviour §4.7, §10.18: "after any such
/// call, re-pause what should be paused"). A speed change re-assigns every binding, so the
/// forward the customer paused must be paused again on the node.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_package_keeps_customer_paused_forwards_stopped_on_the_node(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);
    let before = w.record(SERVICE_ID);
    let mut opts = Opts::standard(&w);
    opts.speed = w.s2.to_string();
    w.panel.clear_journal();
    let record = w
        .engine
        .change_package(&opts.service(SERVICE_ID, &due))
        .await
        .expect("change package");
    let expected: &[&str] = if w.v3() {
        &[
            "user/list",
            "user/update",
            "tunnel/user/list",
            "tunnel/user/assign",
            "tunnel/user/assign",
            // The resume rule: nothing the panel paused (c is the customer's).
            "forward/list",
        ]
    } else {
        &[
            "user/update",
            "tunnel/user/list",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "forward/list",
            "forward/batch-pause",
            "forward/list",
        ]
    };
    assert_eq!(w.short_paths(), expected);
    let repause = match w.v3() {
        true => vec![],
        false => vec![json!({"ids": [f.c.0]})],
    };
    assert_eq!(w.bodies_to(endpoints::FORWARD_BATCH_PAUSE.path), repause);
    for b in w.bindings_of(uid) {
        assert_eq!(b["speedId"], w.s2.0, "{b}");
    }
    assert_eq!(
        w.forward_state(f.c),
        PAUSED,
        "customer-paused forward restarted on the node"
    );
    assert_eq!(w.forward_state(f.a), RUNNING);
    assert_eq!(w.forward_state(f.b), RUNNING);
    assert_eq!(record, before, "same tunnels, same binding ids");
    assert_eq!(w.record(SERVICE_ID), record);
}

/// The same for sync, which re-applies the plan's speed limit.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn sync_with_a_speed_change_keeps_customer_paused_forwards_stopped_on_the_node(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    let f = w.provision_with_forwards(&svc).await;
    let before = w.record(SERVICE_ID);
    let mut opts = Opts::standard(&w);
    opts.speed = w.s2.to_string();
    w.panel.clear_journal();
    let record = w
        .engine
        .sync(&opts.service(SERVICE_ID, &due))
        .await
        .expect("sync");
    let mut expected = vec![
        "user/list",
        "user/update",
        "tunnel/user/list",
        "tunnel/user/assign",
        "tunnel/user/assign",
    ];
    if !w.v3() {
        expected.extend(["forward/list", "forward/batch-pause"]);
    }
    assert_eq!(w.short_paths(), expected);
    let repause = match w.v3() {
        true => vec![],
        false => vec![json!({"ids": [f.c.0]})],
    };
    assert_eq!(w.bodies_to(endpoints::FORWARD_BATCH_PAUSE.path), repause);
    assert_eq!(w.forward_state(f.c), PAUSED);
    assert_eq!(w.forward_state(f.a), RUNNING);
    assert_eq!(w.forward_state(f.b), RUNNING);
    assert_eq!(record, before);
    assert_eq!(w.record(SERVICE_ID), record);
}

/// A panel user deleted by hand is re-created by sync; a suspended service must come back
/// suspended: user status 0, its login refused, nothing of it running. (The panel deletes
/// a user's forwards with it, so the re-created user starts without forwards.)
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn sync_re_creates_a_user_deleted_by_hand_and_keeps_a_suspended_service_suspended(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    let f = w.provision_with_forwards(&svc).await;
    w.engine.suspend(&svc).await.expect("suspend");
    let old = user_id(&w);
    w.admin
        .delete_user(old)
        .await
        .expect("admin deletes the user");

    w.panel.clear_journal();
    let record = w.engine.sync(&svc).await.expect("sync");
    assert_eq!(
        w.short_paths(),
        [
            "user/list",
            "user/create",
            "user/list",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "tunnel/user/list",
        ],
        "the user is missing: re-created disabled (a new user has no forwards to pause)"
    );
    let user = w.user(USERNAME);
    let uid = UserId(int(&user, "id"));
    assert_ne!(uid, old, "a new user");
    assert_eq!(user["status"], 0, "re-created suspended");
    assert_eq!(user["flow"], 250);
    assert_eq!(user["expTime"], due.expiry_ms(3));
    assert_eq!(user["pwd"], PASSWORD);
    assert_eq!(w.binding_statuses(uid), vec![1, 1]);
    assert!(w.forwards_of(uid).is_empty());
    for id in [f.a, f.b, f.c] {
        assert!(w.forward(id).is_none(), "deleted with the old user");
    }
    assert!(
        w.rows("forwards").iter().all(|r| r["nodeRunning"] == false),
        "nothing of the service runs"
    );
    let login = w.client(USERNAME, PASSWORD).package().await;
    assert!(
        matches!(&login, Err(Error::LoginRejected { msg }) if msg == "账号被停用"),
        "{login:?}"
    );
    let bindings: BTreeMap<_, _> = w
        .bindings_of(uid)
        .iter()
        .map(|b| (TunnelId(int(b, "tunnelId")), BindingId(int(b, "id"))))
        .collect();
    assert_eq!(
        record,
        ServiceRecord {
            username: Some(USERNAME.into()),
            user_id: Some(uid),
            bindings,
            suspended: true,
            pushed_expiry: Some(EpochMs(due.expiry_ms(3))),
            ..ServiceRecord::default()
        }
    );
    assert_eq!(w.record(SERVICE_ID), record);

    w.engine.unsuspend(&svc).await.expect("unsuspend");
    assert_eq!(w.user(USERNAME)["status"], 1);
    w.client(USERNAME, PASSWORD)
        .package()
        .await
        .expect("the customer logs in to the new user");
}

/// Tokens outlive their user (panel behaviour §2.2: the middleware never consults the database),
/// so the engine's cached customer handle still acts as the deleted user after sync
/// re-created it: the customer's forward calls must go to the new user.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn customer_forwards_act_as_the_re_created_user_after_sync(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.provision_with_forwards(&svc).await;
    w.admin
        .delete_user(user_id(&w))
        .await
        .expect("admin deletes the user");
    w.engine.sync(&svc).await.expect("sync re-creates");
    let uid = user_id(&w);
    assert!(w.engine.forwards(&svc).await.expect("list").is_empty());
    let a = w.add_forward(&svc, w.t1, "again").await;
    assert_eq!(w.forward(a).expect("row")["userId"], uid.0);
    assert_eq!(w.forward_state(a), RUNNING);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_password_changes_only_the_password(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    let before = w.user(USERNAME);

    let mut changed = svc.clone();
    changed.password = "N3w-secret".into();
    w.panel.clear_journal();
    let record = w
        .engine
        .change_password(&changed)
        .await
        .expect("change password");
    let after = w.user(USERNAME);
    assert_eq!(after["pwd"], "N3w-secret");
    for key in [
        "flow",
        "num",
        "expTime",
        "flowResetTime",
        "status",
        "id",
        "user",
    ] {
        assert_eq!(after[key], before[key], "{key}");
    }
    assert_eq!(
        w.bodies_to(endpoints::USER_UPDATE.path)[0]["pwd"],
        "N3w-secret"
    );
    assert_eq!(record, w.record(SERVICE_ID));
    w.client(USERNAME, "N3w-secret")
        .package()
        .await
        .expect("the new password logs in");
    let old = w.client(USERNAME, PASSWORD).package().await;
    assert!(matches!(old, Err(Error::LoginRejected { .. })), "{old:?}");

    // While suspended, a password change must not re-enable the account.
    w.engine.suspend(&changed).await.expect("suspend");
    let mut again = changed.clone();
    again.password = "Th1rd-secret".into();
    w.engine
        .change_password(&again)
        .await
        .expect("change password while suspended");
    let user = w.user(USERNAME);
    assert_eq!(user["status"], 0, "still suspended");
    assert_eq!(user["pwd"], "Th1rd-secret");
    assert_eq!(user["flow"], before["flow"]);
    assert_eq!(user["expTime"], before["expTime"]);
    assert!(w.record(SERVICE_ID).suspended);
}

/// Every operation that sends `user/update` records the expiry it pushed, so that the next
/// one knows whether the panel's daily job may have disabled the bindings (§4.4). Each
/// step here moves the due date, so a missing update of the record shows.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn every_user_update_records_the_expiry_it_pushed(version: PanelVersion) {
    let w = World::new(version).await;
    let mut opts = Opts::standard(&w);
    opts.terminate = "disable".into();
    let check = |w: &World, step: &str, due: &Due| {
        let exp = due.expiry_ms(3);
        assert_eq!(w.user(USERNAME)["expTime"], exp, "{step}: panel");
        assert_eq!(
            w.record(SERVICE_ID).pushed_expiry,
            Some(EpochMs(exp)),
            "{step}: record"
        );
    };
    let due = Due::in_days(38);
    w.engine
        .create(&opts.service(SERVICE_ID, &due))
        .await
        .expect("create");
    check(&w, "create", &due);
    let due = Due::in_days(40);
    w.engine
        .suspend(&opts.service(SERVICE_ID, &due))
        .await
        .expect("suspend");
    check(&w, "suspend", &due);
    let due = Due::in_days(42);
    w.engine
        .unsuspend(&opts.service(SERVICE_ID, &due))
        .await
        .expect("unsuspend");
    check(&w, "unsuspend", &due);
    let due = Due::in_days(44);
    w.engine
        .renew(&opts.service(SERVICE_ID, &due))
        .await
        .expect("renew");
    check(&w, "renew", &due);
    let due = Due::in_days(46);
    w.engine
        .sync(&opts.service(SERVICE_ID, &due))
        .await
        .expect("sync");
    check(&w, "sync", &due);
    let due = Due::in_days(48);
    w.engine
        .terminate(&opts.service(SERVICE_ID, &due))
        .await
        .expect("terminate (disable)");
    check(&w, "terminate (disable)", &due);
}

/// An upgrade can move the due date earlier. change_package pushes that expiry with the
/// whole user, so the record must follow: otherwise, once the earlier expiry has passed
/// and the daily job disabled the bindings, renew compares against the stale later expiry,
/// skips the re-assign and leaves the bindings disabled.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_package_records_the_expiry_it_pushed(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    w.engine
        .create(&opts.service(SERVICE_ID, &Due::in_days(38)))
        .await
        .expect("create");
    let uid = user_id(&w);
    let near = Due::in_days(5);
    let moved = opts.service(SERVICE_ID, &near);
    let record = w
        .engine
        .change_package(&moved)
        .await
        .expect("change package");
    assert_eq!(w.user(USERNAME)["expTime"], near.expiry_ms(3));
    assert_eq!(record.pushed_expiry, Some(EpochMs(near.expiry_ms(3))));
    assert_eq!(w.record(SERVICE_ID), record);

    w.expire(&moved);
    assert_eq!(w.binding_statuses(uid), vec![0, 0]);
    let renewed = w.at_panel_now(&opts.service(SERVICE_ID, &Due::in_days(70)));
    w.engine.renew(&renewed).await.expect("renew");
    assert_eq!(w.binding_statuses(uid), vec![1, 1]);
}

/// The same for change_password, which sends every user field too and must save the
/// record with the expiry it pushed.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_password_records_the_expiry_it_pushed(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    w.engine
        .create(&opts.service(SERVICE_ID, &Due::in_days(38)))
        .await
        .expect("create");
    let uid = user_id(&w);
    let near = Due::in_days(5);
    let mut moved = opts.service(SERVICE_ID, &near);
    moved.password = "N3w-secret".into();
    let record = w
        .engine
        .change_password(&moved)
        .await
        .expect("change password");
    assert_eq!(w.user(USERNAME)["expTime"], near.expiry_ms(3));
    assert_eq!(record.pushed_expiry, Some(EpochMs(near.expiry_ms(3))));
    assert_eq!(w.record(SERVICE_ID), record);

    w.expire(&moved);
    assert_eq!(w.binding_statuses(uid), vec![0, 0]);
    let renewed = w.at_panel_now(&opts.service(SERVICE_ID, &Due::in_days(70)));
    w.engine.renew(&renewed).await.expect("renew");
    assert_eq!(w.binding_statuses(uid), vec![1, 1]);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn reset_traffic_zeroes_counters_and_resumes_quota_paused_forwards(version: PanelVersion) {
    let w = World::new(version).await;
    let mut opts = Opts::standard(&w);
    opts.quota = "1".into();
    let svc = opts.service(SERVICE_ID, &Due::in_days(38));
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);

    w.panel.add_traffic(f.a, 1 << 30, 1 << 30);
    let user = w.user(USERNAME);
    assert_eq!(int(&user, "inFlow") + int(&user, "outFlow"), 2 << 30);
    assert_eq!(
        w.forward(f.a).unwrap()["status"],
        0,
        "over quota: paused by the panel"
    );
    assert_eq!(w.forward(f.b).unwrap()["status"], 0);

    w.engine.reset_traffic(&svc).await.expect("reset traffic");
    let user = w.user(USERNAME);
    assert_eq!(
        (user["inFlow"].clone(), user["outFlow"].clone()),
        (json!(0), json!(0))
    );
    for b in w.bindings_of(uid) {
        assert_eq!(
            (b["inFlow"].clone(), b["outFlow"].clone()),
            (json!(0), json!(0)),
            "{b}"
        );
    }
    for id in [f.a, f.b] {
        let row = w.forward(id).unwrap();
        assert_eq!(
            (row["status"].clone(), row["nodeRunning"].clone()),
            (json!(1), json!(true))
        );
    }
    assert_eq!(
        w.forward(f.c).unwrap()["status"],
        0,
        "the customer's pause is kept"
    );
    w.panel.add_traffic(f.a, 1_000, 1_000);
    assert_eq!(w.forward(f.a).unwrap()["status"], 1, "under quota again");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_deletes_forwards_before_the_user_and_is_idempotent(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);

    w.panel.clear_journal();
    let record = w.engine.terminate(&svc).await.expect("terminate");
    let paths = w.call_paths();
    let delete_forwards = paths
        .iter()
        .position(|p| p == endpoints::FORWARD_BATCH_DELETE.path);
    let delete_user = paths.iter().position(|p| p == endpoints::USER_DELETE.path);
    assert!(
        matches!((delete_forwards, delete_user), (Some(f), Some(u)) if f < u),
        "forwards must be deleted before the user: {paths:?}"
    );
    assert_eq!(
        w.bodies_to(endpoints::FORWARD_BATCH_DELETE.path),
        vec![json!({"ids": [f.a.0, f.b.0, f.c.0]})]
    );
    assert_eq!(
        w.bodies_to(endpoints::USER_DELETE.path),
        vec![json!({"id": uid.0})]
    );
    assert!(w.users_named(USERNAME).is_empty());
    assert!(w.bindings_of(uid).is_empty());
    assert!(w.forwards_of(uid).is_empty());
    assert_eq!(record, ServiceRecord::default());
    assert_eq!(
        w.store.get(SERVICE_ID),
        Some(ServiceRecord::default()),
        "ids cleared"
    );

    w.panel.clear_journal();
    let again = w
        .engine
        .terminate(&svc)
        .await
        .expect("a second terminate is 'already gone'");
    assert_eq!(again, ServiceRecord::default());
    assert!(w.call_paths().is_empty(), "{:?}", w.call_paths());
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_treats_a_user_deleted_by_hand_as_already_gone(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.engine.create(&svc).await.expect("create");
    w.admin
        .delete_user(user_id(&w))
        .await
        .expect("admin deletes the user");
    let record = w.engine.terminate(&svc).await.expect("terminate");
    assert_eq!(record, ServiceRecord::default());
    assert_eq!(w.record(SERVICE_ID), ServiceRecord::default());
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_in_disable_mode_keeps_a_disabled_user(version: PanelVersion) {
    let w = World::new(version).await;
    let mut opts = Opts::standard(&w);
    opts.terminate = "disable".into();
    let due = Due::in_days(38);
    let svc = opts.service(SERVICE_ID, &due);
    let f = w.provision_with_forwards(&svc).await;
    let uid = user_id(&w);
    let created = w.record(SERVICE_ID);

    let record = w.engine.terminate(&svc).await.expect("terminate");
    let user = w.user(USERNAME);
    assert_eq!(user["status"], 0);
    assert_eq!(user["flow"], 250, "a full update, not the panel default");
    assert_eq!(user["expTime"], due.expiry_ms(3));
    assert_eq!(w.bindings_of(uid).len(), 2, "bindings kept");
    for id in [f.a, f.b, f.c] {
        let row = w.forward(id).expect("forwards kept");
        assert_eq!(
            (row["status"].clone(), row["nodeRunning"].clone()),
            (json!(0), json!(false))
        );
    }
    assert_eq!(record.user_id, Some(uid));
    assert_eq!(record.bindings, created.bindings);
    assert!(record.suspended);
    assert_eq!(record.suspended_forwards, vec![f.a, f.b]);
    assert_eq!(w.record(SERVICE_ID), record);
    assert!(
        w.client(USERNAME, PASSWORD).package().await.is_err(),
        "login refused"
    );
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn operations_on_an_unprovisioned_service_send_nothing(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    assert!(w.engine.suspend(&svc).await.is_err());
    assert!(w.engine.unsuspend(&svc).await.is_err());
    assert!(w.engine.renew(&svc).await.is_err());
    assert!(w.engine.change_package(&svc).await.is_err());
    let err = w.engine.change_password(&svc).await.unwrap_err();
    assert!(err.to_string().contains("Create"), "{err}");
    assert!(w.panel.journal().is_empty(), "{:?}", w.panel.journal());
    assert_eq!(w.store.get(SERVICE_ID), None, "nothing saved");
}
