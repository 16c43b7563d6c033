//! Fake panel: traffic accounting, quota/expiry enforcement and the daily job.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::ids::ForwardId;
use flvx_api::testkit::TunnelSpec;
use flvx_api::units::BYTES_PER_GIB;
use helpers::{World, create_forward, ok_empty, world};
use serde_json::{Value, json};
use std::time::Duration;

const GIB: u64 = BYTES_PER_GIB;

/// Forward statuses by id, from the admin's `forward/list`.
async fn statuses(w: &World) -> Vec<(i64, i64)> {
    w.api
        .forwards(&w.admin)
        .await
        .iter()
        .map(|f| (f["id"].as_i64().unwrap(), f["status"].as_i64().unwrap()))
        .collect()
}

async fn assign(w: &World, body: Value) {
    ok_empty(&w.api.call(&ep::BINDING_ASSIGN, &w.admin, body).await);
}

/// The UTC day of the month of a millisecond timestamp.
fn utc_day(ms: i64) -> i64 {
    let z = ms.div_euclid(86_400_000) + 719_468;
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    doy - (153 * mp + 2) / 5 + 1
}

#[tokio::test]
async fn traffic_is_scaled_by_ratio_then_multiplier_and_counted_three_times() {
    let w = world().await;
    let spec = TunnelSpec {
        flow_multiplier: 2,
        traffic_ratio: 1.5,
        ..TunnelSpec::new("2x")
    };
    let tunnel = w.panel.add_tunnel_with(spec).0;
    assign(
        &w,
        json!({"userId": w.alice, "tunnelId": tunnel, "flow": 10}),
    )
    .await;
    let fwd = create_forward(&w.api, &w.alice_token, tunnel, "web").await;
    w.panel.add_traffic(ForwardId(fwd), 101, 1000);
    let f = &w.api.forwards(&w.admin).await[0];
    assert_eq!(
        (f["inFlow"].clone(), f["outFlow"].clone()),
        (json!(3000), json!(302))
    );
    let u = w.api.user(&w.admin, "alice").await;
    assert_eq!(
        (u["inFlow"].clone(), u["outFlow"].clone()),
        (json!(3000), json!(302))
    );
    let b = w.api.bindings(&w.admin, w.alice).await;
    let b = b.iter().find(|b| b["tunnelId"] == tunnel).unwrap();
    assert_eq!(
        (b["inFlow"].clone(), b["outFlow"].clone()),
        (json!(3000), json!(302))
    );
}

#[tokio::test]
async fn binding_quota_is_non_strict_and_pauses_only_that_tunnel() {
    let w = world().await;
    let t2 = w.panel.add_tunnel("JP-US").0;
    assign(
        &w,
        json!({"userId": w.alice, "tunnelId": w.tunnel, "flow": 1}),
    )
    .await;
    assign(&w, json!({"userId": w.alice, "tunnelId": t2, "flow": 5})).await;
    let a = create_forward(&w.api, &w.alice_token, w.tunnel, "a").await;
    let b = create_forward(&w.api, &w.alice_token, t2, "b").await;
    w.panel.add_traffic(ForwardId(a), 0, GIB - 1);
    assert_eq!(statuses(&w).await, [(a, 1), (b, 1)]);
    w.panel.add_traffic(ForwardId(a), 1, 0);
    assert_eq!(statuses(&w).await, [(a, 0), (b, 1)], "used == quota pauses");
    assert_eq!(w.panel.snapshot()["forwards"][0]["nodeRunning"], false);
    // Quota excess changes no status, and resume has no quota check...
    assert_eq!(w.api.user(&w.admin, "alice").await["status"], 1);
    assert_eq!(w.panel.snapshot()["bindings"][0]["status"], 1);
    ok_empty(
        &w.api
            .call(&ep::FORWARD_RESUME, &w.alice_token, json!({"id": a}))
            .await,
    );
    assert_eq!(statuses(&w).await, [(a, 1), (b, 1)]);
    // ...so the next report pauses it again.
    w.panel.add_traffic(ForwardId(a), 1, 0);
    assert_eq!(statuses(&w).await, [(a, 0), (b, 1)]);
}

#[tokio::test]
async fn a_zero_binding_quota_pauses_on_the_first_byte() {
    let w = world().await;
    assign(
        &w,
        json!({"userId": w.alice, "tunnelId": w.tunnel, "flow": 0}),
    )
    .await;
    let a = create_forward(&w.api, &w.alice_token, w.tunnel, "a").await;
    w.panel.add_traffic(ForwardId(a), 1, 0);
    assert_eq!(statuses(&w).await, [(a, 0)]);
}

#[tokio::test]
async fn user_quota_is_strict_and_pauses_every_tunnel() {
    let w = world().await;
    let t2 = w.panel.add_tunnel("JP-US").0;
    let update =
        json!({"id": w.alice, "user": "alice", "flow": 1, "expTime": 4_000_000_000_000_i64});
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, update).await);
    // Raise the binding quotas above the user's after the user update propagated flow 1.
    assign(
        &w,
        json!({"userId": w.alice, "tunnelId": w.tunnel, "flow": 100}),
    )
    .await;
    assign(&w, json!({"userId": w.alice, "tunnelId": t2, "flow": 100})).await;
    let a = create_forward(&w.api, &w.alice_token, w.tunnel, "a").await;
    let b = create_forward(&w.api, &w.alice_token, t2, "b").await;
    w.panel.add_traffic(ForwardId(a), 0, GIB);
    assert_eq!(
        statuses(&w).await,
        [(a, 1), (b, 1)],
        "used == quota is still allowed for users"
    );
    w.panel.add_traffic(ForwardId(a), 1, 0);
    assert_eq!(statuses(&w).await, [(a, 0), (b, 0)]);
}

#[tokio::test]
async fn disabled_or_expired_users_are_paused_at_the_next_report() {
    let w = world().await;
    let a = create_forward(&w.api, &w.alice_token, w.tunnel, "a").await;
    let disable = json!({"id": w.alice, "user": "alice", "status": 0});
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, disable).await);
    assert_eq!(
        statuses(&w).await,
        [(a, 1)],
        "disabling stops nothing by itself"
    );
    w.panel.add_traffic(ForwardId(a), 1, 1);
    assert_eq!(statuses(&w).await, [(a, 0)]);

    let w = world().await;
    let a = create_forward(&w.api, &w.alice_token, w.tunnel, "a").await;
    w.panel.advance_clock(Duration::from_secs(366 * 86_400));
    w.panel.add_traffic(ForwardId(a), 1, 1);
    // The 90-day admin token has expired too.
    let admin = w.api.admin().await;
    let status = w.api.forwards(&admin).await[0]["status"].clone();
    assert_eq!(status, 0, "the default expiry (now + 365 d) has passed");
}

#[tokio::test]
async fn forwards_without_a_binding_are_counted_but_never_enforced() {
    let w = world().await;
    let fwd = create_forward(&w.api, &w.admin, w.tunnel, "admin").await;
    ok_empty(
        &w.api
            .call(
                &ep::USER_UPDATE,
                &w.admin,
                json!({"id": w.alice, "user": "alice", "status": 0}),
            )
            .await,
    );
    w.panel.add_traffic(ForwardId(fwd), 5 * GIB, 5 * GIB);
    assert_eq!(statuses(&w).await, [(fwd, 1)]);
    assert_eq!(w.panel.snapshot()["users"][0]["inFlow"], 5 * GIB);
    // A forward created before its owner had a binding keeps binding 0 in its service name.
    let bob = w
        .api
        .create_user(&w.admin, "bob", "pw", json!({"flow": 0}))
        .await;
    ok_empty(
        &w.api
            .call(
                &ep::BINDING_ASSIGN,
                &w.admin,
                json!({"userId": bob, "tunnelId": w.tunnel}),
            )
            .await,
    );
    let bob_token = w.api.login("bob", "pw").await;
    let bob_fwd = create_forward(&w.api, &bob_token, w.tunnel, "b").await;
    let binding = w.api.bindings(&w.admin, bob).await[0]["id"]
        .as_i64()
        .unwrap();
    ok_empty(
        &w.api
            .call(&ep::BINDING_REMOVE, &w.admin, json!({"id": binding}))
            .await,
    );
    // The service still names the removed binding: the user-level check still runs.
    w.panel.add_traffic(ForwardId(bob_fwd), 1, 0);
    assert_eq!(statuses(&w).await, [(fwd, 1), (bob_fwd, 0)]);
}

#[tokio::test]
async fn assign_on_an_existing_binding_restarts_paused_forwards_on_the_node() {
    let w = world().await;
    let a = create_forward(&w.api, &w.alice_token, w.tunnel, "a").await;
    ok_empty(
        &w.api
            .call(&ep::FORWARD_PAUSE, &w.alice_token, json!({"id": a}))
            .await,
    );
    assign(
        &w,
        json!({"userId": w.alice, "tunnelId": w.tunnel, "flow": 50}),
    )
    .await;
    let f = &w.panel.snapshot()["forwards"][0];
    assert_eq!(
        (f["status"].clone(), f["nodeRunning"].clone()),
        (json!(0), json!(true))
    );
}

#[tokio::test]
async fn daily_job_expires_users_and_bindings_and_resets_todays_counters() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let today = utc_day(w.panel.now_ms());
    let other_day = if today == 1 { 2 } else { 1 };
    let long = 4_000_000_000_000_i64;
    let bob = api
        .create_user(
            admin,
            "bob",
            "pw",
            json!({"expTime": long, "flowResetTime": other_day}),
        )
        .await;
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            admin,
            json!({"userId": bob, "tunnelId": w.tunnel, "expTime": long}),
        )
        .await,
    );
    let bob_token = api.login("bob", "pw").await;
    let update = json!({"id": w.alice, "user": "alice", "expTime": long, "flowResetTime": today});
    ok_empty(&api.call(&ep::USER_UPDATE, admin, update).await);
    let a = create_forward(api, &w.alice_token, w.tunnel, "a").await;
    let b = create_forward(api, &bob_token, w.tunnel, "b").await;
    w.panel.add_traffic(ForwardId(a), 10, 10);
    w.panel.add_traffic(ForwardId(b), 10, 10);
    w.panel.run_daily_job();
    let snapshot = w.panel.snapshot();
    assert_eq!(snapshot["users"][1]["inFlow"], 0, "alice resets today");
    assert_eq!(
        snapshot["bindings"][0]["inFlow"], 0,
        "so does her binding (same day, propagated)"
    );
    assert_eq!(snapshot["users"][2]["inFlow"], 10, "bob does not");
    assert_eq!(
        snapshot["forwards"][0]["inFlow"], 10,
        "forward counters never reset"
    );
    assert_eq!(statuses(&w).await, [(a, 1), (b, 1)]);

    // Bob's binding expires (expTime 0 counts as expired for the job); bob himself does not.
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            admin,
            json!({"userId": bob, "tunnelId": w.tunnel, "expTime": 0}),
        )
        .await,
    );
    w.panel.add_traffic(ForwardId(b), 1, 0);
    assert_eq!(
        statuses(&w).await,
        [(a, 1), (b, 1)],
        "reports treat expTime 0 as never"
    );
    w.panel.run_daily_job();
    assert_eq!(statuses(&w).await, [(a, 1), (b, 0)]);
    let snapshot = w.panel.snapshot();
    assert_eq!(snapshot["bindings"][1]["status"], 0);
    assert_eq!(snapshot["users"][2]["status"], 1);
    assert_eq!(
        api.bindings(admin, bob).await[0]["status"],
        1,
        "the list still says 1"
    );

    // Alice's account expires: status 0, every forward paused; the admin never expires.
    ok_empty(
        &api.call(
            &ep::USER_UPDATE,
            admin,
            json!({"id": w.alice, "user": "alice", "expTime": w.panel.now_ms() + 1000}),
        )
        .await,
    );
    assign(
        &w,
        json!({"userId": w.alice, "tunnelId": w.tunnel, "expTime": long}),
    )
    .await;
    w.panel.advance_clock(Duration::from_secs(2));
    w.panel.run_daily_job();
    assert_eq!(statuses(&w).await, [(a, 0), (b, 0)]);
    let snapshot = w.panel.snapshot();
    assert_eq!(snapshot["users"][1]["status"], 0);
    assert_eq!(snapshot["bindings"][0]["status"], 1);
    assert_eq!(snapshot["users"][0]["status"], 1);
    helpers::err(
        &api.login_envelope("alice", "secret").await,
        -1,
        "账号被停用",
    );
}
