//! The panel's full-replace traps (contract §5.3, §5.14, §10.7): an update that omits a
//! field resets it to the panel's default (user flow 100, num 10, expTime now + 1 year,
//! flowResetTime 1, status 1; binding speedId null). Every engine write must carry them all.

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, SERVICE_ID, USERNAME, World, int};
use flvx_api::endpoints;
use flvx_api::ids::UserId;
use serde_json::json;

/// Asserts the panel user and its bindings hold the plan's values, not the defaults.
fn assert_plan_values(w: &World, step: &str, exp_ms: i64, reset_day: u8, status: i64) {
    let user = w.user(USERNAME);
    assert_eq!(user["flow"], 250, "{step}: flow reset to a default? {user}");
    assert_eq!(user["num"], 3, "{step}: num reset to a default? {user}");
    assert_eq!(
        user["expTime"], exp_ms,
        "{step}: expTime reset to now + 1 year? {user}"
    );
    assert_eq!(
        user["flowResetTime"],
        i64::from(reset_day),
        "{step}: {user}"
    );
    assert_eq!(user["status"], status, "{step}: {user}");
    let bindings = w.bindings_of(UserId(int(&user, "id")));
    assert_eq!(bindings.len(), 2, "{step}");
    for b in bindings {
        assert_eq!(b["speedId"], w.s1.0, "{step}: speed limit cleared? {b}");
        assert_eq!(b["flow"], 250, "{step}: {b}");
        assert_eq!(b["num"], 3, "{step}: {b}");
        assert_eq!(b["expTime"], exp_ms, "{step}: {b}");
        assert_eq!(b["flowResetTime"], i64::from(reset_day), "{step}: {b}");
        assert_eq!(b["status"], 1, "{step}: bindings stay enabled: {b}");
    }
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn no_update_falls_back_to_panel_defaults(version: PanelVersion) {
    let w = World::new(version).await;
    let opts = Opts::standard(&w);
    let due = Due::in_days(38);
    assert_ne!(
        due.date.day(),
        1,
        "the billing day must differ from the panel default"
    );
    let svc = opts.service(SERVICE_ID, &due);
    w.engine.create(&svc).await.expect("create");
    w.add_forward(&svc, w.t1, "web").await;
    let exp = due.expiry_ms(3);
    let year_from_now = w.panel.now_ms() + 365 * common::DAY_MS;
    assert!(
        (exp - year_from_now).abs() > 30 * common::DAY_MS,
        "expiry distinguishable from the default"
    );
    assert_plan_values(&w, "create", exp, due.date.day(), 1);

    w.engine.suspend(&svc).await.expect("suspend");
    assert_plan_values(&w, "suspend", exp, due.date.day(), 0);

    let mut changed = svc.clone();
    changed.password = "N3w-secret".into();
    w.engine
        .change_password(&changed)
        .await
        .expect("change password while suspended");
    assert_plan_values(&w, "change password", exp, due.date.day(), 0);

    w.engine.unsuspend(&changed).await.expect("unsuspend");
    assert_plan_values(&w, "unsuspend", exp, due.date.day(), 1);

    w.engine
        .change_password(&svc)
        .await
        .expect("change password");
    assert_plan_values(&w, "change password", exp, due.date.day(), 1);

    let later = Due::in_days(100);
    let renewed = opts.service(SERVICE_ID, &later);
    w.engine.renew(&renewed).await.expect("renew");
    assert_plan_values(&w, "renew", later.expiry_ms(3), later.date.day(), 1);

    w.engine
        .change_package(&renewed)
        .await
        .expect("change package to the same plan");
    assert_plan_values(
        &w,
        "change package",
        later.expiry_ms(3),
        later.date.day(),
        1,
    );

    w.engine
        .reset_traffic(&renewed)
        .await
        .expect("reset traffic");
    assert_plan_values(&w, "reset traffic", later.expiry_ms(3), later.date.day(), 1);

    let mut disable = opts.clone();
    disable.terminate = "disable".into();
    w.engine
        .terminate(&disable.service(SERVICE_ID, &later))
        .await
        .expect("terminate (disable)");
    assert_plan_values(
        &w,
        "terminate (disable)",
        later.expiry_ms(3),
        later.date.day(),
        0,
    );

    let updates = w.bodies_to(endpoints::USER_UPDATE.path);
    assert!(updates.len() >= 7, "{updates:?}");
    for body in &updates {
        for key in [
            "id",
            "user",
            "flow",
            "num",
            "expTime",
            "flowResetTime",
            "status",
        ] {
            assert!(
                body.get(key).is_some_and(|v| !v.is_null()),
                "user/update without {key}: {body}"
            );
        }
        assert_eq!(body["user"], USERNAME);
        assert!(
            body["flow"].is_u64() && body["expTime"].is_i64(),
            "JSON integers: {body}"
        );
    }
    let assigns = w.bodies_to(endpoints::BINDING_ASSIGN.path);
    assert!(!assigns.is_empty());
    for body in &assigns {
        for key in endpoints::BINDING_ASSIGN.keys {
            assert!(
                body.get(key).is_some(),
                "tunnel/user/assign without {key}: {body}"
            );
        }
        assert_eq!(body["speedId"], json!(w.s1.0));
    }
    assert_eq!(
        w.panel.requests_to(endpoints::BINDING_UPDATE.path),
        0,
        "the full-replace binding update is never needed"
    );
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn create_sends_every_user_field(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let svc = Opts::standard(&w).service(SERVICE_ID, &due);
    w.engine.create(&svc).await.expect("create");
    let bodies = w.bodies_to(endpoints::USER_CREATE.path);
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    let expected = json!({
        "user": USERNAME, "pwd": common::PASSWORD, "flow": 250, "num": 3,
        "expTime": due.expiry_ms(3), "flowResetTime": due.date.day(), "status": 1,
    });
    assert_eq!(body, &expected);
    let keys: Vec<&str> = body
        .as_object()
        .map_or(vec![], |m| m.keys().map(String::as_str).collect());
    assert!(
        keys.iter().all(|k| endpoints::USER_CREATE.keys.contains(k)),
        "{keys:?}"
    );
}
