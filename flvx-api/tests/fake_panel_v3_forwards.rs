//! Fake panel, 3.0 profile: the create/resume gate and `num`, batch failures, the SSRF
//! filter, `inPort` checks, speed-limit permissions, the new list keys and order,
//! `forward/reset-flow`, offline nodes and re-paused pushes.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::ids::{ForwardId, TunnelId};
use flvx_api::units::Mbps;
use flvx_api::version::PanelVersion::{V2_1, V3_0};
use helpers::{World, create_forward_to, err, ok, ok_empty, world_version};
use serde_json::{Value, json};

const TARGET: &str = "1.1.1.1:80";

async fn create(w: &World, token: &str, body: Value) -> Value {
    let mut full = json!({"tunnelId": w.tunnel, "name": "f", "remoteAddr": TARGET});
    full.as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    w.api.call(&ep::FORWARD_CREATE, token, full).await
}

async fn forward(w: &World, token: &str, name: &str) -> i64 {
    create_forward_to(&w.api, token, w.tunnel, name, TARGET).await
}

async fn set_user(w: &World, extra: Value) {
    let mut body = json!({"id": w.alice, "user": "alice"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, body).await);
}

async fn assign(w: &World, extra: Value) {
    let mut body = json!({"userId": w.alice, "tunnelId": w.tunnel});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    ok_empty(&w.api.call(&ep::BINDING_ASSIGN, &w.admin, body).await);
}

async fn call(w: &World, endpoint: &ep::Endpoint, token: &str, body: Value) -> Value {
    w.api.call(endpoint, token, body).await
}

#[tokio::test]
async fn user_num_counts_active_forwards_at_create_and_resume_for_admins_too() {
    let w = world_version(V3_0).await;
    set_user(&w, json!({"num": 2})).await;
    let a = forward(&w, &w.alice_token, "a").await;
    forward(&w, &w.alice_token, "b").await;
    let limit = "转发数量已达上限";
    err(&create(&w, &w.alice_token, json!({})).await, -1, limit);
    ok_empty(&call(&w, &ep::FORWARD_PAUSE, &w.alice_token, json!({"id": a})).await);
    forward(&w, &w.alice_token, "c").await;
    for token in [&w.alice_token, &w.admin] {
        err(
            &call(&w, &ep::FORWARD_RESUME, token, json!({"id": a})).await,
            -1,
            limit,
        );
    }
    let batch = call(
        &w,
        &ep::FORWARD_BATCH_RESUME,
        &w.admin,
        json!({"ids": [999_999, a]}),
    )
    .await;
    ok(&batch);
    assert_eq!(
        batch["data"],
        json!({"successCount": 0, "failCount": 2, "failures": [
            {"id": a, "name": "a", "reason": limit},
            {"id": 999_999, "reason": "转发不存在"},
        ]})
    );
    let paused = call(
        &w,
        &ep::FORWARD_BATCH_PAUSE,
        &w.alice_token,
        json!({"ids": [a]}),
    )
    .await;
    assert_eq!(paused["data"], json!({"successCount": 1, "failCount": 0}));
    // num 0 is unlimited.
    set_user(&w, json!({"num": 0})).await;
    ok_empty(&call(&w, &ep::FORWARD_RESUME, &w.alice_token, json!({"id": a})).await);
}

#[tokio::test]
async fn the_gate_checks_user_then_binding_in_the_panel_order() {
    let w = world_version(V3_0).await;
    let a = forward(&w, &w.alice_token, "a").await;
    ok_empty(&call(&w, &ep::FORWARD_PAUSE, &w.admin, json!({"id": a})).await);
    let resume = || call(&w, &ep::FORWARD_RESUME, &w.admin, json!({"id": a}));
    set_user(&w, json!({"status": 0})).await;
    err(&resume().await, -1, "账号已禁用");
    set_user(&w, json!({"expTime": 1000})).await;
    err(&resume().await, -1, "账号已过期");
    set_user(&w, json!({"flow": 0})).await;
    w.panel.add_traffic(ForwardId(a), 0, 1);
    err(&resume().await, -1, "流量已超额，禁止开启转发");
    ok_empty(
        &call(
            &w,
            &ep::USER_RESET,
            &w.admin,
            json!({"id": w.alice, "type": 1}),
        )
        .await,
    );
    // user/update copied flow 0 to the binding: binding flow 0 always refuses.
    err(&resume().await, -1, "该隧道流量已超额，禁止开启转发");
    assign(&w, json!({"flow": 10, "num": 1, "status": 1})).await;
    forward(&w, &w.admin, "admin-owned").await;
    let b = forward(&w, &w.alice_token, "b").await;
    err(&resume().await, -1, "该隧道转发数量已达上限");
    ok_empty(&call(&w, &ep::FORWARD_DELETE, &w.alice_token, json!({"id": b})).await);
    assign(&w, json!({"expTime": 1000})).await;
    err(&resume().await, -1, "该隧道已过期");
    assign(&w, json!({"status": 0})).await;
    err(&resume().await, -1, "该隧道已禁用");
    // Create: a disabled binding is a permission error for the customer.
    err(
        &create(&w, &w.alice_token, json!({})).await,
        -1,
        "你没有该隧道的权限",
    );
}

#[tokio::test]
async fn on_2_1_nothing_is_gated() {
    let w = world_version(V2_1).await;
    set_user(&w, json!({"num": 1, "status": 0})).await;
    let a = forward(&w, &w.alice_token, "a").await;
    forward(&w, &w.alice_token, "b").await;
    ok_empty(&call(&w, &ep::FORWARD_PAUSE, &w.alice_token, json!({"id": a})).await);
    ok_empty(&call(&w, &ep::FORWARD_RESUME, &w.alice_token, json!({"id": a})).await);
    let batch = call(&w, &ep::FORWARD_BATCH_RESUME, &w.admin, json!({"ids": [9]})).await;
    assert_eq!(batch["data"], json!({"successCount": 0, "failCount": 1}));
}

#[tokio::test]
async fn customers_targets_go_through_the_ssrf_filter() {
    let w = world_version(V3_0).await;
    set_user(&w, json!({"num": 0})).await;
    let refused = [
        (
            "127.0.0.1:80",
            r#"address "127.0.0.1:80" resolves to internal IP: 127.0.0.1"#,
        ),
        (
            "[::ffff:10.0.0.1]:80",
            r#"address "[::ffff:10.0.0.1]:80" resolves to internal IP: 10.0.0.1"#,
        ),
        (
            "localhost:80",
            r#"address "localhost:80" resolves to internal IP: 127.0.0.1"#,
        ),
        (
            "[::1]:80",
            r#"address "[::1]:80" resolves to internal IP: ::1"#,
        ),
        (
            "1.1.1.1:80,192.168.1.1:80",
            r#"address "192.168.1.1:80" resolves to internal IP: 192.168.1.1"#,
        ),
        (
            "127.1:80",
            r#"could not resolve address "127.1:80": lookup 127.1: no such host"#,
        ),
        (
            "svc.invalid:80",
            r#"could not resolve address "svc.invalid:80": lookup svc.invalid: no such host"#,
        ),
    ];
    for (target, msg) in refused {
        let answer = create(&w, &w.alice_token, json!({"remoteAddr": target})).await;
        err(&answer, 403, msg);
    }
    for target in [
        "0.0.0.0:80",
        "[::]:80",
        "169.254.169.254:80",
        "100.64.0.1:80",
        "[fe80::1]:80",
        "example.com:443",
    ] {
        ok_empty(&create(&w, &w.alice_token, json!({"remoteAddr": target})).await);
    }
    // Admins bypass it, and so does allow_local_remote_addr.
    ok_empty(&create(&w, &w.admin, json!({"remoteAddr": "10.0.0.1:80"})).await);
    let a = forward(&w, &w.alice_token, "a").await;
    let to_private = json!({"id": a, "remoteAddr": "10.0.0.1:80"});
    let answer = call(&w, &ep::FORWARD_UPDATE, &w.alice_token, to_private.clone()).await;
    assert_eq!(answer["code"], 403);
    w.panel.set_allow_local_remote_addr(true);
    ok_empty(&call(&w, &ep::FORWARD_UPDATE, &w.alice_token, to_private).await);
    ok_empty(&create(&w, &w.alice_token, json!({"remoteAddr": "127.0.0.1:80"})).await);
}

#[tokio::test]
async fn in_port_must_be_in_the_node_range_and_free() {
    let w = world_version(V3_0).await;
    w.panel.set_node_port_range(20_000, 20_010);
    let outside = create(&w, &w.alice_token, json!({"inPort": 19_999})).await;
    err(
        &outside,
        -1,
        "端口 19999 超出节点 node-1 允许范围 20000-20010",
    );
    ok_empty(&create(&w, &w.alice_token, json!({"name": "a", "inPort": 20_005})).await);
    let taken = create(&w, &w.admin, json!({"inPort": 20_005})).await;
    err(&taken, -1, "节点 node-1 端口 20005 已被其他转发占用");
    let picked = forward(&w, &w.alice_token, "b").await;
    let list = w.api.forwards(&w.admin).await;
    let b = list.iter().find(|f| f["id"] == picked).unwrap();
    assert_eq!(b["inPort"], 20_000, "automatic ports come from the range");
    // Updating a forward to its own port is fine.
    let same = json!({"id": picked, "inPort": 20_000});
    ok_empty(&call(&w, &ep::FORWARD_UPDATE, &w.alice_token, same).await);
}

#[tokio::test]
async fn customers_may_not_set_speed_limits_and_the_list_shows_the_new_columns() {
    let w = world_version(V3_0).await;
    let limit = w.panel.add_speed_limit("10M", TunnelId(w.tunnel), Mbps(10));
    let refused = create(&w, &w.alice_token, json!({"speedId": limit.0})).await;
    err(&refused, -1, "普通用户无法设置限速规则");
    let refused = create(&w, &w.alice_token, json!({"ipSpeedId": ""})).await;
    err(&refused, -1, "普通用户无法设置每 IP 限速规则");
    let body = json!({"name": "c", "speedId": null, "maxConn": 5, "proxyProtocol": 2});
    ok_empty(&create(&w, &w.alice_token, body).await);
    let body = json!({"name": "admin", "speedId": limit.0, "ipSpeedId": limit.0});
    ok_empty(&create(&w, &w.admin, body).await);
    let list = w.api.forwards(&w.admin).await;
    let names: Vec<&str> = list.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["admin", "c"], "newest first");
    assert_eq!(
        (list[0]["inx"].clone(), list[1]["inx"].clone()),
        (json!(-1), json!(0))
    );
    let c = &list[1];
    assert_eq!(c["tunnelTrafficRatio"], 1);
    assert_eq!(
        (c["maxConn"].clone(), c["ipMaxConn"].clone()),
        (json!(5), json!(0))
    );
    assert_eq!(c["proxyProtocolSend"], 2, "send defaults to proxyProtocol");
    assert!(c.get("speedId").is_none() && c.get("ipSpeedId").is_none());
    assert_eq!(list[0]["speedId"], limit.0);
    assert_eq!(list[0]["ipSpeedLimitName"], "10M");
    // Customers may resend the current speedId but not change it.
    let own = list[0]["id"].as_i64().unwrap();
    let c_id = c["id"].as_i64().unwrap();
    let change = json!({"id": c_id, "speedId": limit.0});
    err(
        &call(&w, &ep::FORWARD_UPDATE, &w.alice_token, change).await,
        -1,
        "普通用户无法修改限速规则",
    );
    let admin_keeps = json!({"id": own, "speedId": limit.0, "maxConn": 3});
    ok_empty(&call(&w, &ep::FORWARD_UPDATE, &w.admin, admin_keeps).await);
}

#[tokio::test]
async fn reset_flow_zeroes_only_the_forwards_counters() {
    let w = world_version(V3_0).await;
    let a = forward(&w, &w.alice_token, "a").await;
    w.panel.add_traffic(ForwardId(a), 10, 20);
    ok_empty(
        &call(
            &w,
            &ep::FORWARD_RESET_FLOW,
            &w.alice_token,
            json!({"id": a}),
        )
        .await,
    );
    let f = &w.api.forwards(&w.alice_token).await[0];
    assert_eq!(
        (f["inFlow"].clone(), f["outFlow"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(w.api.user(&w.admin, "alice").await["inFlow"], 20);
    assert_eq!(w.api.bindings(&w.admin, w.alice).await[0]["outFlow"], 10);
    let missing = call(
        &w,
        &ep::FORWARD_RESET_FLOW,
        &w.alice_token,
        json!({"id": 999}),
    )
    .await;
    err(&missing, -1, "转发不存在");
    let admins = forward(&w, &w.admin, "admin").await;
    let foreign = call(
        &w,
        &ep::FORWARD_RESET_FLOW,
        &w.alice_token,
        json!({"id": admins}),
    )
    .await;
    err(&foreign, -1, "转发不存在");
    err(
        &call(&w, &ep::FORWARD_RESET_FLOW, &w.alice_token, json!({})).await,
        -1,
        "参数错误",
    );
}

fn node_state(w: &World) -> Vec<(i64, i64, bool)> {
    let snapshot = w.panel.snapshot();
    snapshot["forwards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let id = f["id"].as_i64().unwrap();
            (
                id,
                f["status"].as_i64().unwrap(),
                f["nodeRunning"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn offline_nodes_are_skipped_and_redeployed_from_the_database() {
    let w = world_version(V3_0).await;
    let a = forward(&w, &w.alice_token, "a").await;
    w.panel.set_nodes_online(false);
    let b = forward(&w, &w.alice_token, "b").await;
    ok_empty(&call(&w, &ep::FORWARD_PAUSE, &w.alice_token, json!({"id": a})).await);
    assert_eq!(
        node_state(&w),
        [(a, 0, true), (b, 1, false)],
        "the node got nothing"
    );
    let answer = call(
        &w,
        &ep::FORWARD_UPDATE,
        &w.alice_token,
        json!({"id": b, "name": "b2"}),
    )
    .await;
    ok(&answer);
    assert_eq!(
        answer["data"],
        json!({"warnings": ["节点 node-1 不在线，已跳过下发"]})
    );
    w.panel.set_nodes_online(true);
    assert_eq!(node_state(&w), [(a, 0, false), (b, 1, true)]);
}

#[tokio::test]
async fn pushes_keep_paused_forwards_paused() {
    let w = world_version(V3_0).await;
    let a = forward(&w, &w.alice_token, "a").await;
    let b = forward(&w, &w.alice_token, "b").await;
    ok_empty(&call(&w, &ep::FORWARD_PAUSE, &w.alice_token, json!({"id": a})).await);
    assign(&w, json!({"flow": 50})).await;
    let binding = w.api.bindings(&w.admin, w.alice).await[0]["id"].clone();
    ok_empty(
        &call(
            &w,
            &ep::BINDING_UPDATE,
            &w.admin,
            json!({"id": binding, "flow": 50}),
        )
        .await,
    );
    ok_empty(
        &call(
            &w,
            &ep::FORWARD_UPDATE,
            &w.alice_token,
            json!({"id": a, "name": "a2"}),
        )
        .await,
    );
    assert_eq!(node_state(&w), [(a, 0, false), (b, 1, true)]);
}
