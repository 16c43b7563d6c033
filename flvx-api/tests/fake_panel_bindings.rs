//! Fake panel: bindings (`tunnel/user/*`), tunnels and speed limits.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::ids::TunnelId;
use flvx_api::testkit::TunnelSpec;
use flvx_api::units::Mbps;
use helpers::{err, ok, ok_empty, setup};
use serde_json::{Value, json};

const DAY_MS: i64 = 86_400_000;

#[tokio::test]
async fn new_binding_copies_the_users_quota_and_lists_with_every_field() {
    let (panel, api, admin) = setup().await;
    let tunnel = panel
        .add_tunnel_with(TunnelSpec {
            flow_multiplier: 2,
            ..TunnelSpec::new("HK-SG")
        })
        .0;
    let limit = panel.add_speed_limit("100M", TunnelId(tunnel), Mbps(100)).0;
    let id = api
        .create_user(
            &admin,
            "alice",
            "pw",
            json!({"flow": 20, "num": 4, "expTime": 2_600_000_000_000_i64, "flowResetTime": 12}),
        )
        .await;
    let assign = json!({"userId": id, "tunnelId": tunnel, "speedId": limit, "ignored": "x"});
    ok_empty(&api.call(&ep::BINDING_ASSIGN, &admin, assign).await);
    let bindings = api.bindings(&admin, id).await;
    assert_eq!(
        bindings,
        vec![json!({
            "id": 1, "userId": id, "tunnelId": tunnel, "tunnelName": "HK-SG", "status": 1,
            "flow": 20, "num": 4, "expTime": 2_600_000_000_000_i64, "flowResetTime": 12,
            "inFlow": 0, "outFlow": 0, "tunnelFlow": 2, "speedId": limit, "speedLimitName": "100M",
        })]
    );
}

#[tokio::test]
async fn assign_without_a_user_uses_fallbacks_and_validates_ids_with_code_minus_2() {
    let (panel, api, admin) = setup().await;
    let tunnel = panel.add_tunnel("T").0;
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            &admin,
            json!({"userId": 77, "tunnelId": tunnel}),
        )
        .await,
    );
    let b = &panel.snapshot()["bindings"][0];
    assert_eq!(
        (
            b["flow"].clone(),
            b["num"].clone(),
            b["flowResetTime"].clone()
        ),
        (json!(0), json!(0), json!(1))
    );
    let exp = b["expTime"].as_i64().unwrap();
    assert!((exp - (panel.now_ms() + 365 * DAY_MS)).abs() < 10_000);
    let assign = |body: Value| api.call(&ep::BINDING_ASSIGN, &admin, body);
    err(
        &assign(json!({"userId": 77})).await,
        -2,
        "userId or tunnelId missing",
    );
    err(
        &assign(json!({"userId": 0, "tunnelId": tunnel})).await,
        -2,
        "userId or tunnelId missing",
    );
    err(
        &assign(json!({"userId": "abc", "tunnelId": tunnel})).await,
        -2,
        "userId or tunnelId missing",
    );
    err(
        &api.post_raw(ep::BINDING_ASSIGN.path, Some(&admin), "")
            .await,
        -1,
        "请求参数错误",
    );
}

#[tokio::test]
async fn reassign_keeps_the_id_and_patches_only_what_is_sent() {
    let (panel, api, admin) = setup().await;
    let tunnel = panel.add_tunnel("T").0;
    let s1 = panel.add_speed_limit("a", TunnelId(tunnel), Mbps(10)).0;
    let s2 = panel.add_speed_limit("b", TunnelId(tunnel), Mbps(20)).0;
    let user = api.create_user(&admin, "alice", "pw", json!({})).await;
    let first = json!({"userId": user, "tunnelId": tunnel, "flow": 30, "num": 3, "expTime": 2_600_000_000_000_i64, "speedId": s1});
    ok_empty(&api.call(&ep::BINDING_ASSIGN, &admin, first).await);
    let id = api.bindings(&admin, user).await[0]["id"].clone();
    let patch = |body: Value| api.call(&ep::BINDING_ASSIGN, &admin, body);
    // Present numbers >= 0 change; negative and unparsable ones are ignored; speedId absent keeps.
    ok_empty(
        &patch(
            json!({"userId": user, "tunnelId": tunnel, "flow": "40", "num": -1, "expTime": "x"}),
        )
        .await,
    );
    let b = &api.bindings(&admin, user).await[0];
    assert_eq!(b["id"], id);
    assert_eq!(b["flow"], 40);
    assert_eq!(b["num"], 3);
    assert_eq!(b["expTime"], 2_600_000_000_000_i64);
    assert_eq!(b["speedId"], s1);
    ok_empty(&patch(json!({"userId": user, "tunnelId": tunnel, "speedId": s2.to_string()})).await);
    assert_eq!(api.bindings(&admin, user).await[0]["speedId"], s2);
    for clear in [Value::Null, json!(""), json!("null")] {
        ok_empty(&patch(json!({"userId": user, "tunnelId": tunnel, "speedId": s1})).await);
        ok_empty(&patch(json!({"userId": user, "tunnelId": tunnel, "speedId": clear})).await);
        let b = &api.bindings(&admin, user).await[0];
        assert_eq!(b["speedId"], Value::Null);
        assert_eq!(b["speedLimitName"], Value::Null);
    }
    ok_empty(&patch(json!({"userId": user, "tunnelId": tunnel, "status": 0})).await);
    assert_eq!(api.bindings(&admin, user).await.len(), 1);
    assert_eq!(panel.snapshot()["bindings"][0]["status"], 0);
}

#[tokio::test]
async fn batch_assign_is_strict_and_upserts_each_item() {
    let (panel, api, admin) = setup().await;
    let t1 = panel.add_tunnel("A").0;
    let t2 = panel.add_tunnel("B").0;
    let s = panel.add_speed_limit("s", TunnelId(t1), Mbps(5)).0;
    let user = api
        .create_user(&admin, "alice", "pw", json!({"flow": 9}))
        .await;
    let body = json!({"userId": user, "tunnels": [{"tunnelId": t1, "speedId": s}, {"tunnelId": t2, "speedId": null}]});
    ok_empty(&api.call(&ep::BINDING_BATCH_ASSIGN, &admin, body).await);
    let bindings = api.bindings(&admin, user).await;
    assert_eq!(bindings.len(), 2);
    assert_eq!(bindings[0]["speedId"], s);
    assert_eq!(bindings[1]["speedId"], Value::Null);
    assert!(bindings.iter().all(|b| b["flow"] == 9));
    // In a batch, a null speedId on an existing binding keeps the limit.
    let body = json!({"userId": user, "tunnels": [{"tunnelId": t1, "speedId": null}]});
    ok_empty(&api.call(&ep::BINDING_BATCH_ASSIGN, &admin, body).await);
    assert_eq!(api.bindings(&admin, user).await[0]["speedId"], s);
    let path = ep::BINDING_BATCH_ASSIGN.path;
    let bad = [
        String::new(),
        json!({"userId": user, "tunnels": [], "x": 1}).to_string(),
        json!({"userId": user.to_string(), "tunnels": []}).to_string(),
        json!({"userId": user, "tunnels": [{"tunnelId": t1, "flow": 1}]}).to_string(),
        json!({"userId": 0, "tunnels": []}).to_string(),
    ];
    for body in bad {
        err(
            &api.post_raw(path, Some(&admin), &body).await,
            -1,
            "请求参数错误",
        );
    }
    let body = json!({"userId": user, "tunnels": [{"tunnelId": 0}]});
    err(
        &api.call(&ep::BINDING_BATCH_ASSIGN, &admin, body).await,
        -2,
        "userId or tunnelId missing",
    );
}

#[tokio::test]
async fn binding_update_is_a_full_replace_and_list_always_reports_status_1() {
    let (panel, api, admin) = setup().await;
    let tunnel = panel.add_tunnel("T").0;
    let s = panel.add_speed_limit("s", TunnelId(tunnel), Mbps(5)).0;
    let user = api.create_user(&admin, "alice", "pw", json!({})).await;
    let assign = json!({"userId": user, "tunnelId": tunnel, "flow": 50, "num": 5, "flowResetTime": 20, "speedId": s});
    ok_empty(&api.call(&ep::BINDING_ASSIGN, &admin, assign).await);
    let id = api.bindings(&admin, user).await[0]["id"].as_i64().unwrap();
    ok_empty(
        &api.call(&ep::BINDING_UPDATE, &admin, json!({"id": id, "status": 0}))
            .await,
    );
    let listed = &api.bindings(&admin, user).await[0];
    assert_eq!(listed["status"], 1, "tunnel/user/list hard-codes status 1");
    assert_eq!(listed["flow"], 0);
    assert_eq!(listed["num"], 0);
    assert_eq!(listed["flowResetTime"], 1);
    assert_eq!(listed["speedId"], Value::Null);
    let exp = listed["expTime"].as_i64().unwrap();
    assert!((exp - (panel.now_ms() + 365 * DAY_MS)).abs() < 10_000);
    assert_eq!(
        panel.snapshot()["bindings"][0]["status"],
        0,
        "the real status is kept"
    );
    let full = json!({"id": id, "flow": 8, "num": 2, "expTime": 2_600_000_000_000_i64, "flowResetTime": 3, "speedId": s, "status": 1});
    ok_empty(&api.call(&ep::BINDING_UPDATE, &admin, full).await);
    let listed = &api.bindings(&admin, user).await[0];
    assert_eq!(
        (listed["flow"].clone(), listed["speedId"].clone()),
        (json!(8), json!(s))
    );
    ok_empty(
        &api.call(&ep::BINDING_UPDATE, &admin, json!({"id": 999, "flow": 1}))
            .await,
    );
    err(
        &api.call(&ep::BINDING_UPDATE, &admin, json!({"flow": 1}))
            .await,
        -1,
        "权限ID不能为空",
    );
}

#[tokio::test]
async fn binding_list_is_strict_and_remove_succeeds_for_unknown_ids() {
    let (panel, api, admin) = setup().await;
    let tunnel = panel.add_tunnel("T").0;
    let user = api.create_user(&admin, "alice", "pw", json!({})).await;
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            &admin,
            json!({"userId": user, "tunnelId": tunnel}),
        )
        .await,
    );
    let path = ep::BINDING_LIST.path;
    for body in ["", r#"{"userId":"2"}"#, r#"{"userId":2,"x":1}"#] {
        err(
            &api.post_raw(path, Some(&admin), body).await,
            -1,
            "请求参数错误",
        );
    }
    let empty = api
        .call(&ep::BINDING_LIST, &admin, json!({"userId": 0}))
        .await;
    ok(&empty);
    assert_eq!(empty["data"], json!([]));
    let id = api.bindings(&admin, user).await[0]["id"].as_i64().unwrap();
    ok_empty(
        &api.call(&ep::BINDING_REMOVE, &admin, json!({"id": id}))
            .await,
    );
    assert!(api.bindings(&admin, user).await.is_empty());
    ok_empty(
        &api.call(&ep::BINDING_REMOVE, &admin, json!({"id": id}))
            .await,
    );
    err(
        &api.call(&ep::BINDING_REMOVE, &admin, json!({"id": 0}))
            .await,
        -1,
        "参数错误",
    );
    // Re-assigning creates a new id.
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            &admin,
            json!({"userId": user, "tunnelId": tunnel}),
        )
        .await,
    );
    assert_eq!(api.bindings(&admin, user).await[0]["id"], id + 1);
}

#[tokio::test]
async fn tunnel_list_get_and_speed_limit_list_shapes() {
    let (panel, api, admin) = setup().await;
    let t1 = panel.add_tunnel("HK-SG").0;
    let spec = TunnelSpec {
        in_ip: None,
        traffic_ratio: 1.5,
        enabled: false,
        ..TunnelSpec::new("JP-US")
    };
    let t2 = panel.add_tunnel_with(spec).0;
    let list = api.call(&ep::TUNNEL_LIST, &admin, json!({})).await;
    ok(&list);
    let items = list["data"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(first["id"], t1);
    assert_eq!(first["name"], "HK-SG");
    assert_eq!(first["type"], 1);
    assert_eq!(first["flow"], 1);
    assert_eq!(first["trafficRatio"], 1);
    assert_eq!(first["status"], 1);
    assert_eq!(first["inIp"], "203.0.113.10");
    assert_eq!(first["ipPreference"], "");
    assert_eq!(first["inNodeId"][0]["chainType"], 1);
    assert_eq!(first["outNodeId"], json!([]));
    assert_eq!(first["chainNodes"], json!([]));
    assert_eq!(items[1]["inIp"], Value::Null);
    assert_eq!(items[1]["trafficRatio"], 1.5);
    assert_eq!(items[1]["status"], 0);
    let get = api.call(&ep::TUNNEL_GET, &admin, json!({"id": t2})).await;
    ok(&get);
    assert_eq!(get["data"], items[1]);
    err(
        &api.call(&ep::TUNNEL_GET, &admin, json!({"id": 99})).await,
        -1,
        "隧道不存在",
    );
    err(
        &api.call(&ep::TUNNEL_GET, &admin, json!({})).await,
        -1,
        "参数错误",
    );
    let s = panel.add_speed_limit("fast", TunnelId(t1), Mbps(100)).0;
    let limits = api.call(&ep::SPEED_LIMIT_LIST, &admin, json!({})).await;
    ok(&limits);
    let limit = &limits["data"][0];
    assert_eq!(limit["id"], s);
    assert_eq!(limit["name"], "fast");
    assert_eq!(limit["speed"], 100);
    assert_eq!(limit["tunnelId"], t1);
    assert_eq!(limit["tunnelName"], "HK-SG");
    assert_eq!(limit["status"], 1);
    assert!(limit["createdTime"].is_i64());
}

#[tokio::test]
async fn group_lists_and_empty_lists_are_arrays() {
    let (panel, api, admin) = setup().await;
    for endpoint in [
        &ep::TUNNEL_GROUP_LIST,
        &ep::USER_GROUP_LIST,
        &ep::TUNNEL_LIST,
        &ep::SPEED_LIMIT_LIST,
    ] {
        let envelope = api.call(endpoint, &admin, json!({})).await;
        ok(&envelope);
        assert_eq!(envelope["data"], json!([]), "{}", endpoint.path);
    }
    let g = panel.add_tunnel_group("premium").0;
    let list = api.call(&ep::TUNNEL_GROUP_LIST, &admin, json!({})).await;
    let item = &list["data"][0];
    assert_eq!(item["id"], g);
    assert_eq!(item["name"], "premium");
    assert_eq!(item["status"], 1);
    assert_eq!(item["tunnelIds"], json!([]));
    assert_eq!(item["tunnelNames"], json!([]));
    assert!(item["createdTime"].is_i64());
}
