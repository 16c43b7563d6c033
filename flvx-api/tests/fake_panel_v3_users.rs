//! Fake panel, 3.0 profile: `maxConn`, daily/monthly quota keys, negative quotas,
//! `user/list` order and keys, `user/package`, and the `maxConn` re-push.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::version::PanelVersion::{V2_1, V3_0};
use helpers::{Api, create_forward_to, err, ok, ok_empty, setup_version, world_version};
use serde_json::{Value, json};

const QUOTA_KEYS: [&str; 6] = [
    "dailyQuotaGB",
    "monthlyQuotaGB",
    "dailyUsedBytes",
    "monthlyUsedBytes",
    "disabledByQuota",
    "quotaDisabledAt",
];

async fn update(api: &Api, admin: &str, body: Value) -> Value {
    api.call(&ep::USER_UPDATE, admin, body).await
}

#[tokio::test]
async fn create_takes_max_conn_and_quotas_and_list_is_newest_first() {
    let (panel, api, admin) = setup_version(V3_0).await;
    let body = json!({"maxConn": 7, "dailyQuotaGB": 2, "monthlyQuotaGB": 20, "flowMiB": 123});
    let u1 = api.create_user(&admin, "u1", "pw", body).await;
    let u2 = api.create_user(&admin, "u2", "pw", json!({})).await;
    let list = api.call(&ep::USER_LIST, &admin, json!({})).await;
    let ids: Vec<i64> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [u2, u1], "id descending");
    let first = api.user(&admin, "u1").await;
    assert_eq!(first["maxConn"], 7);
    assert_eq!(
        QUOTA_KEYS.map(|k| first[k].clone()),
        [json!(2), json!(20), json!(0), json!(0), json!(0), json!(0)]
    );
    assert!(first.get("flowMiB").is_none());
    let second = api.user(&admin, "u2").await;
    assert_eq!(second["maxConn"], 0);
    assert!(
        QUOTA_KEYS.iter().all(|k| second.get(*k).is_none()),
        "{second}"
    );
    assert_eq!(
        panel.snapshot()["quotas"].as_array().unwrap().len(),
        1,
        "rows are lazy"
    );
}

#[tokio::test]
async fn on_2_1_users_have_no_max_conn_and_list_ascending() {
    let (panel, api, admin) = setup_version(V2_1).await;
    let a = api
        .create_user(&admin, "a", "pw", json!({"maxConn": 7}))
        .await;
    let b = api.create_user(&admin, "b", "pw", json!({})).await;
    let list = api.call(&ep::USER_LIST, &admin, json!({})).await;
    let items = list["data"].as_array().unwrap();
    assert_eq!(
        [items[0]["id"].clone(), items[1]["id"].clone()],
        [json!(a), json!(b)]
    );
    assert!(items[0].get("maxConn").is_none());
    let snapshot = panel.snapshot();
    assert!(snapshot.get("quotas").is_none());
    assert!(snapshot["users"][1].get("maxConn").is_none());
}

#[tokio::test]
async fn negative_quotas_fail_before_create_and_after_update_writes_the_row() {
    let (panel, api, admin) = setup_version(V3_0).await;
    let body = json!({"user": "n", "pwd": "pw", "dailyQuotaGB": -1});
    err(
        &api.call(&ep::USER_CREATE, &admin, body).await,
        -1,
        "配额不能小于0",
    );
    assert_eq!(panel.snapshot()["users"].as_array().unwrap().len(), 1);
    let id = api.create_user(&admin, "n", "pw", json!({})).await;
    let body = json!({"id": id, "user": "n", "flow": 6, "monthlyQuotaGB": -5});
    err(
        &update(&api, &admin, body).await,
        -2,
        "quota limit cannot be negative",
    );
    assert_eq!(api.user(&admin, "n").await["flow"], 6, "not atomic");
}

#[tokio::test]
async fn update_resets_max_conn_but_keeps_quotas_unless_a_key_is_sent() {
    let (_panel, api, admin) = setup_version(V3_0).await;
    let body = json!({"maxConn": 7, "dailyQuotaGB": 2, "monthlyQuotaGB": 20});
    let id = api.create_user(&admin, "u", "pw", body).await;
    ok_empty(&update(&api, &admin, json!({"id": id, "user": "u"})).await);
    let u = api.user(&admin, "u").await;
    assert_eq!(
        (u["maxConn"].clone(), u["dailyQuotaGB"].clone()),
        (json!(0), json!(2))
    );
    assert_eq!(u["monthlyQuotaGB"], 20);
    ok_empty(
        &update(
            &api,
            &admin,
            json!({"id": id, "user": "u", "dailyQuotaGB": 3}),
        )
        .await,
    );
    let u = api.user(&admin, "u").await;
    assert_eq!(
        (u["dailyQuotaGB"].clone(), u["monthlyQuotaGB"].clone()),
        (json!(3), json!(20))
    );
    // A user without a row gets one, the other limit 0.
    let other = api.create_user(&admin, "v", "pw", json!({})).await;
    let body = json!({"id": other, "user": "v", "monthlyQuotaGB": 4});
    ok_empty(&update(&api, &admin, body).await);
    let v = api.user(&admin, "v").await;
    assert_eq!(
        (v["dailyQuotaGB"].clone(), v["monthlyQuotaGB"].clone()),
        (json!(0), json!(4))
    );
}

#[tokio::test]
async fn package_has_no_max_conn_or_quota_fields() {
    let (_panel, api, admin) = setup_version(V3_0).await;
    let body = json!({"maxConn": 7, "dailyQuotaGB": 2});
    api.create_user(&admin, "p", "pw", body).await;
    let token = api.login("p", "pw").await;
    let package = api.call(&ep::USER_PACKAGE, &token, json!({})).await;
    ok(&package);
    let info = &package["data"]["userInfo"];
    assert!(info.get("maxConn").is_none());
    assert!(QUOTA_KEYS.iter().all(|k| info.get(*k).is_none()), "{info}");
}

#[tokio::test]
async fn a_max_conn_change_repushes_active_forwards_and_warns_about_an_offline_node() {
    let w = world_version(V3_0).await;
    let (api, admin, panel) = (&w.api, &w.admin, &w.panel);
    let a = create_forward_to(api, &w.alice_token, w.tunnel, "a", "1.1.1.1:80").await;
    ok_empty(
        &api.call(&ep::FORWARD_PAUSE, &w.alice_token, json!({"id": a}))
            .await,
    );
    let b = create_forward_to(api, &w.alice_token, w.tunnel, "b", "1.1.1.1:81").await;
    panel.set_nodes_online(false);
    let body = json!({"id": w.alice, "user": "alice", "maxConn": 5});
    let answer = update(api, admin, body.clone()).await;
    ok(&answer);
    // Only the active forward is pushed; a user limiter exists, so it fails first.
    assert_eq!(
        answer["data"],
        json!({"warnings": [
            "节点 1 连接限制器下发失败: 连接限制器下发失败: 节点不在线",
            "节点 node-1 不在线，已跳过下发",
        ]})
    );
    // Unchanged maxConn: no push, no warnings.
    ok_empty(&update(api, admin, body).await);
    panel.set_nodes_online(true);
    let forwards = panel.snapshot()["forwards"].clone();
    let running: Vec<(Value, Value)> = forwards
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].clone(), f["nodeRunning"].clone()))
        .collect();
    assert_eq!(running, [(json!(a), json!(false)), (json!(b), json!(true))]);
}
