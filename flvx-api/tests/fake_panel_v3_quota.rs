//! Fake panel, 3.0 profile: daily/monthly quota usage and blocks, `user/quota/reset`, the
//! 3.0 daily job, and the 3.0 snapshot.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::ids::ForwardId;
use flvx_api::units::BYTES_PER_GIB;
use flvx_api::version::PanelVersion::V3_0;
use helpers::{World, create_forward_to, err, ok, ok_empty, world_version};
use serde_json::{Value, json};
use std::time::Duration;

const GIB: u64 = BYTES_PER_GIB;
const DAY: Duration = Duration::from_secs(86_400);

async fn forward(w: &World, token: &str, name: &str) -> i64 {
    create_forward_to(&w.api, token, w.tunnel, name, "1.1.1.1:80").await
}

async fn statuses(w: &World) -> Vec<(i64, i64)> {
    w.api
        .forwards(&w.admin)
        .await
        .iter()
        .rev()
        .map(|f| (f["id"].as_i64().unwrap(), f["status"].as_i64().unwrap()))
        .collect()
}

/// Alice with a 1 GiB daily quota and two forwards, the second paused by herself.
async fn quota_world() -> (World, i64, i64) {
    let w = world_version(V3_0).await;
    let body = json!({"id": w.alice, "user": "alice", "dailyQuotaGB": 1, "num": 0});
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, body).await);
    let a = forward(&w, &w.alice_token, "a").await;
    let b = forward(&w, &w.alice_token, "b").await;
    ok_empty(
        &w.api
            .call(&ep::FORWARD_PAUSE, &w.alice_token, json!({"id": b}))
            .await,
    );
    (w, a, b)
}

async fn quota_reset(w: &World, token: &str, body: Value) -> Value {
    w.api.call(&ep::USER_QUOTA_RESET, token, body).await
}

#[tokio::test]
async fn reaching_a_quota_pauses_every_active_forward_and_blocks_resume() {
    let (w, a, b) = quota_world().await;
    w.panel.add_traffic(ForwardId(a), 0, GIB - 1);
    assert_eq!(statuses(&w).await, [(a, 1), (b, 0)]);
    w.panel.add_traffic(ForwardId(a), 1, 0);
    assert_eq!(statuses(&w).await, [(a, 0), (b, 0)]);
    let u = w.api.user(&w.admin, "alice").await;
    assert_eq!(
        (u["status"].clone(), u["disabledByQuota"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(u["dailyUsedBytes"], GIB);
    assert!(u["quotaDisabledAt"].as_i64().unwrap() > 0);
    assert_eq!(
        w.panel.snapshot()["quotas"][0]["pausedForwardIds"],
        json!([a])
    );
    let resume = w
        .api
        .call(&ep::FORWARD_RESUME, &w.admin, json!({"id": a}))
        .await;
    err(&resume, -1, "该用户流量配额已超额，禁止开启转发");
    // Raising the limit does not unblock.
    let raise = json!({"id": w.alice, "user": "alice", "dailyQuotaGB": 50, "num": 0});
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, raise).await);
    let resume = w
        .api
        .call(&ep::FORWARD_RESUME, &w.admin, json!({"id": a}))
        .await;
    err(&resume, -1, "该用户流量配额已超额，禁止开启转发");
}

#[tokio::test]
async fn quota_reset_releases_exactly_the_recorded_forwards_for_any_caller() {
    let (w, a, b) = quota_world().await;
    w.panel.add_traffic(ForwardId(a), 0, GIB);
    // Monthly is not the exceeded window: the block stays.
    ok_empty(
        &quota_reset(
            &w,
            &w.alice_token,
            json!({"userId": w.alice, "scope": "Monthly"}),
        )
        .await,
    );
    assert_eq!(statuses(&w).await, [(a, 0), (b, 0)]);
    // Any token may reset anyone, and the recorded forward comes back, not the other one.
    ok_empty(
        &quota_reset(
            &w,
            &w.alice_token,
            json!({"userId": w.alice, "scope": " DAILY "}),
        )
        .await,
    );
    assert_eq!(statuses(&w).await, [(a, 1), (b, 0)]);
    let u = w.api.user(&w.admin, "alice").await;
    assert_eq!(
        (u["disabledByQuota"].clone(), u["dailyUsedBytes"].clone()),
        (json!(0), json!(0))
    );
}

#[tokio::test]
async fn quota_reset_validates_strictly_and_creates_rows_for_unknown_users() {
    let (w, _a, _b) = quota_world().await;
    let token = &w.alice_token;
    err(
        &quota_reset(&w, token, json!({"scope": "all"})).await,
        -1,
        "用户ID不能为空",
    );
    err(
        &quota_reset(&w, token, json!({"userId": "12"})).await,
        -1,
        "请求参数错误",
    );
    err(
        &quota_reset(&w, token, json!({"userId": 1, "x": 1})).await,
        -1,
        "请求参数错误",
    );
    let weekly = quota_reset(&w, token, json!({"userId": w.alice, "scope": "Weekly"})).await;
    err(&weekly, -2, "unsupported quota reset scope: weekly");
    ok_empty(&quota_reset(&w, token, json!({"userId": 999_999})).await);
    let rows: Vec<Value> = w.panel.snapshot()["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["userId"].clone())
        .collect();
    assert_eq!(rows, [json!(w.alice), json!(999_999)]);
}

#[tokio::test]
async fn the_daily_job_rolls_windows_and_releases_through_the_gate() {
    let (w, a, b) = quota_world().await;
    w.panel.add_traffic(ForwardId(a), 0, GIB);
    w.panel.advance_clock(DAY);
    // The rolled day reads 0 before the job, but the flag still blocks.
    let u = w.api.user(&w.admin, "alice").await;
    assert_eq!(
        (u["dailyUsedBytes"].clone(), u["disabledByQuota"].clone()),
        (json!(0), json!(1))
    );
    w.panel.run_daily_job();
    assert_eq!(
        statuses(&w).await,
        [(a, 1), (b, 0)],
        "the customer's own pause stays"
    );

    // A recorded forward that fails the gate stays paused and is forgotten.
    w.panel.add_traffic(ForwardId(a), 0, GIB);
    assert_eq!(statuses(&w).await, [(a, 0), (b, 0)]);
    let disable = json!({"id": w.alice, "user": "alice", "status": 0, "num": 0});
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, disable).await);
    w.panel.advance_clock(DAY);
    w.panel.run_daily_job();
    assert_eq!(statuses(&w).await, [(a, 0), (b, 0)]);
    assert_eq!(
        w.panel.snapshot()["quotas"][0]["pausedForwardIds"],
        json!([])
    );
    assert_eq!(w.panel.snapshot()["quotas"][0]["disabledByQuota"], 0);
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
async fn the_daily_job_never_expires_exp_time_0_and_its_monthly_reset_resumes_nothing() {
    let w = world_version(V3_0).await;
    let today = utc_day(w.panel.now_ms());
    let body =
        json!({"id": w.alice, "user": "alice", "expTime": 0, "flow": 1, "flowResetTime": today});
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, body).await);
    let assign = json!({"userId": w.alice, "tunnelId": w.tunnel, "flow": 100});
    ok_empty(&w.api.call(&ep::BINDING_ASSIGN, &w.admin, assign).await);
    let a = forward(&w, &w.alice_token, "a").await;
    w.panel.add_traffic(ForwardId(a), 0, GIB + 1);
    assert_eq!(statuses(&w).await, [(a, 0)], "paused by total flow");
    w.panel.run_daily_job();
    let snapshot = w.panel.snapshot();
    assert_eq!(snapshot["users"][1]["status"], 1, "expTime 0 is never");
    assert_eq!(snapshot["users"][1]["inFlow"], 0, "reset today");
    assert_eq!(snapshot["bindings"][0]["status"], 1);
    ok(&w
        .api
        .call(&ep::USER_PACKAGE, &w.alice_token, json!({}))
        .await);
    assert_eq!(statuses(&w).await, [(a, 0)]);
}

#[tokio::test]
async fn snapshots_of_3_0_carry_the_new_columns() {
    let (w, a, _b) = quota_world().await;
    let snapshot = w.panel.snapshot();
    let alice = &snapshot["users"][1];
    assert_eq!(alice["maxConn"], 0);
    assert!(alice["passwordChangedAt"].is_i64());
    let f = snapshot["forwards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == a)
        .unwrap();
    assert_eq!(f["speedId"], Value::Null);
    assert_eq!(f["proxyProtocolSend"], 0);
    let q = &snapshot["quotas"][0];
    assert_eq!(
        (q["userId"].clone(), q["dailyLimitGB"].clone()),
        (json!(w.alice), json!(1))
    );
    assert!(q["dayKey"].as_i64().unwrap() > 20_000_000);
}
