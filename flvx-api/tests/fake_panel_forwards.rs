//! Fake panel: forwards, ownership and offline nodes.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::testkit::{FakePanel, TunnelSpec};
use helpers::{create_forward, err, ok, ok_empty, world};
use serde_json::{Value, json};

#[tokio::test]
async fn customer_creates_an_owned_forward_with_the_listed_fields() {
    let w = world().await;
    let body =
        json!({"tunnelId": w.tunnel, "name": " web ", "remoteAddr": "10.0.0.1:80,10.0.0.2:80"});
    ok_empty(&w.api.call(&ep::FORWARD_CREATE, &w.alice_token, body).await);
    let forwards = w.api.forwards(&w.alice_token).await;
    assert_eq!(forwards.len(), 1);
    let f = &forwards[0];
    let created = f["createdTime"].as_i64().unwrap();
    assert!((created - w.panel.now_ms()).abs() < 10_000);
    assert_eq!(
        f,
        &json!({
            "id": 1, "userId": w.alice, "userName": "alice", "name": "web", "tunnelId": w.tunnel,
            "tunnelName": "HK-SG", "inIp": "203.0.113.10:10000", "inPort": 10000,
            "remoteAddr": "10.0.0.1:80,10.0.0.2:80", "strategy": "fifo", "inFlow": 0, "outFlow": 0,
            "createdTime": created, "status": 1, "inx": 0,
        })
    );
}

#[tokio::test]
async fn ports_are_picked_from_10000_and_in_ip_drives_the_entry_address() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let multi = w
        .panel
        .add_tunnel_with(TunnelSpec {
            in_ip: Some("1.1.1.1, 2.2.2.2,1.1.1.1".into()),
            ..TunnelSpec::new("multi")
        })
        .0;
    let none = w
        .panel
        .add_tunnel_with(TunnelSpec {
            in_ip: None,
            ..TunnelSpec::new("plain")
        })
        .0;
    create_forward(api, admin, w.tunnel, "a").await;
    let body = json!({"tunnelId": multi, "name": "b", "remoteAddr": "x:1", "inPort": "20000", "strategy": "rr"});
    ok_empty(&api.call(&ep::FORWARD_CREATE, admin, body).await);
    create_forward(api, admin, none, "c").await;
    let list = api.forwards(admin).await;
    assert_eq!(list[0]["inPort"], 10000);
    assert_eq!(list[1]["inIp"], "1.1.1.1:20000,2.2.2.2:20000");
    assert_eq!(list[1]["strategy"], "rr");
    assert_eq!(list[2]["inPort"], 10001);
    assert_eq!(list[2]["inIp"], "198.51.100.1:10001");
    assert_eq!(
        list.iter().map(|f| f["inx"].clone()).collect::<Vec<_>>(),
        [json!(0), json!(1), json!(2)]
    );
}

#[tokio::test]
async fn forwards_belong_to_their_creator_and_customers_see_only_their_own() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let bob = api.create_user(admin, "bob", "pw", json!({})).await;
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            admin,
            json!({"userId": bob, "tunnelId": w.tunnel}),
        )
        .await,
    );
    let bob_token = api.login("bob", "pw").await;
    let a = create_forward(api, &w.alice_token, w.tunnel, "alice-fwd").await;
    let b = create_forward(api, &bob_token, w.tunnel, "bob-fwd").await;
    let admin_fwd = create_forward(api, admin, w.tunnel, "admin-fwd").await;
    let all = api.forwards(admin).await;
    let owners: Vec<(Value, Value)> = all
        .iter()
        .map(|f| (f["userId"].clone(), f["userName"].clone()))
        .collect();
    assert_eq!(
        owners,
        [
            (json!(w.alice), json!("alice")),
            (json!(bob), json!("bob")),
            (json!(1), json!("admin_user"))
        ]
    );
    let mine: Vec<Value> = api
        .forwards(&w.alice_token)
        .await
        .iter()
        .map(|f| f["id"].clone())
        .collect();
    assert_eq!(mine, [json!(a)]);
    // Acting on someone else's forward looks like a missing one.
    for endpoint in [&ep::FORWARD_PAUSE, &ep::FORWARD_RESUME, &ep::FORWARD_DELETE] {
        err(
            &api.call(endpoint, &w.alice_token, json!({"id": b})).await,
            -1,
            "转发不存在",
        );
        err(
            &api.call(endpoint, &w.alice_token, json!({"id": 999})).await,
            -1,
            "转发不存在",
        );
        err(
            &api.call(endpoint, &w.alice_token, json!({})).await,
            -1,
            "参数错误",
        );
    }
    err(
        &api.call(
            &ep::FORWARD_UPDATE,
            &w.alice_token,
            json!({"id": admin_fwd, "name": "x"}),
        )
        .await,
        -1,
        "转发不存在",
    );
    // The admin may act on anyone's forward.
    ok_empty(&api.call(&ep::FORWARD_PAUSE, admin, json!({"id": b})).await);
    assert_eq!(api.forwards(&bob_token).await[0]["status"], 0);
}

#[tokio::test]
async fn create_checks_in_the_panel_order() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let disabled = w
        .panel
        .add_tunnel_with(TunnelSpec {
            enabled: false,
            ..TunnelSpec::new("off")
        })
        .0;
    let unbound = w.panel.add_tunnel("unbound").0;
    let base = |tunnel: Value| json!({"tunnelId": tunnel, "name": "n", "remoteAddr": "a:1"});
    err(
        &api.call(&ep::FORWARD_CREATE, &w.alice_token, json!({"name": "n"}))
            .await,
        -1,
        "隧道ID不能为空",
    );
    err(
        &api.call(&ep::FORWARD_CREATE, &w.alice_token, base(json!(unbound)))
            .await,
        -1,
        "你没有该隧道的权限",
    );
    err(
        &api.call(&ep::FORWARD_CREATE, &w.alice_token, base(json!(999)))
            .await,
        -1,
        "你没有该隧道的权限",
    );
    err(
        &api.call(&ep::FORWARD_CREATE, admin, base(json!(999))).await,
        -1,
        "隧道不存在",
    );
    err(
        &api.call(&ep::FORWARD_CREATE, admin, base(json!(disabled)))
            .await,
        -1,
        "隧道已禁用，无法创建转发",
    );
    let blank = json!({"tunnelId": w.tunnel, "name": " ", "remoteAddr": "a:1"});
    err(
        &api.call(&ep::FORWARD_CREATE, &w.alice_token, blank).await,
        -1,
        "转发名称和目标地址不能为空",
    );
    err(
        &api.post_raw(ep::FORWARD_CREATE.path, Some(&w.alice_token), "")
            .await,
        -1,
        "请求参数错误",
    );
    // A binding with status 0 no longer grants the tunnel.
    let id = api.bindings(admin, w.alice).await[0]["id"]
        .as_i64()
        .unwrap();
    ok_empty(
        &api.call(
            &ep::BINDING_UPDATE,
            admin,
            json!({"id": id, "flow": 10, "status": 0}),
        )
        .await,
    );
    err(
        &api.call(&ep::FORWARD_CREATE, &w.alice_token, base(json!(w.tunnel)))
            .await,
        -1,
        "你没有该隧道的权限",
    );
    assert_eq!(w.panel.snapshot()["forwards"], json!([]));
}

#[tokio::test]
async fn update_is_a_patch_and_restarts_a_paused_forward_on_the_node() {
    let w = world().await;
    let (api, token) = (&w.api, &w.alice_token);
    let id = create_forward(api, token, w.tunnel, "web").await;
    ok_empty(&api.call(&ep::FORWARD_PAUSE, token, json!({"id": id})).await);
    assert_eq!(w.panel.snapshot()["forwards"][0]["nodeRunning"], false);
    ok_empty(
        &api.call(
            &ep::FORWARD_UPDATE,
            token,
            json!({"id": id, "name": "web2", "remoteAddr": " "}),
        )
        .await,
    );
    let f = &api.forwards(token).await[0];
    assert_eq!(f["name"], "web2");
    assert_eq!(f["remoteAddr"], "10.0.0.1:80");
    assert_eq!(f["inPort"], 10000);
    assert_eq!(f["status"], 0, "the DB still says paused");
    assert_eq!(
        w.panel.snapshot()["forwards"][0]["nodeRunning"],
        true,
        "but the node runs it (§4.7)"
    );
    ok_empty(
        &api.call(
            &ep::FORWARD_UPDATE,
            token,
            json!({"id": id, "inPort": 12345}),
        )
        .await,
    );
    assert_eq!(api.forwards(token).await[0]["inPort"], 12345);
    err(
        &api.call(&ep::FORWARD_UPDATE, token, json!({"name": "x"}))
            .await,
        -1,
        "转发ID不能为空",
    );
    let other = w.panel.add_tunnel("other").0;
    err(
        &api.call(
            &ep::FORWARD_UPDATE,
            token,
            json!({"id": id, "tunnelId": other}),
        )
        .await,
        -1,
        "你没有该隧道的权限",
    );
}

#[tokio::test]
async fn pause_resume_delete_and_their_batch_variants() {
    let w = world().await;
    let (api, admin, token) = (&w.api, &w.admin, &w.alice_token);
    let a = create_forward(api, token, w.tunnel, "a").await;
    let b = create_forward(api, token, w.tunnel, "b").await;
    let theirs = create_forward(api, admin, w.tunnel, "admin").await;
    ok_empty(&api.call(&ep::FORWARD_PAUSE, token, json!({"id": a})).await);
    assert_eq!(api.forwards(token).await[0]["status"], 0);
    ok_empty(
        &api.call(&ep::FORWARD_RESUME, token, json!({"id": a.to_string()}))
            .await,
    );
    assert_eq!(api.forwards(token).await[0]["status"], 1);
    let counts = |v: &Value| {
        (
            v["data"]["successCount"].clone(),
            v["data"]["failCount"].clone(),
        )
    };
    let paused = api
        .call(
            &ep::FORWARD_BATCH_PAUSE,
            token,
            json!({"ids": [b, a, theirs, 999, 0, "x"]}),
        )
        .await;
    ok(&paused);
    assert_eq!(
        counts(&paused),
        (json!(2), json!(2)),
        "invalid ids are dropped, others' fail: {paused}"
    );
    assert!(api.forwards(token).await.iter().all(|f| f["status"] == 0));
    let resumed = api
        .call(&ep::FORWARD_BATCH_RESUME, token, json!({"ids": [a]}))
        .await;
    assert_eq!(counts(&resumed), (json!(1), json!(0)));
    for body in [json!({"ids": []}), json!({}), json!({"ids": "1,2"})] {
        err(
            &api.call(&ep::FORWARD_BATCH_DELETE, token, body).await,
            -1,
            "ids不能为空",
        );
    }
    let deleted = api
        .call(
            &ep::FORWARD_BATCH_DELETE,
            token,
            json!({"ids": [a, theirs]}),
        )
        .await;
    assert_eq!(counts(&deleted), (json!(1), json!(1)));
    ok_empty(&api.call(&ep::FORWARD_DELETE, token, json!({"id": b})).await);
    assert!(api.forwards(token).await.is_empty());
    assert_eq!(api.forwards(admin).await.len(), 1);
}

#[tokio::test]
async fn offline_nodes_fail_node_operations_and_leave_the_database_unchanged() {
    let w = world().await;
    let (api, admin, token) = (&w.api, &w.admin, &w.alice_token);
    let id = create_forward(api, token, w.tunnel, "web").await;
    w.panel.set_nodes_online(false);
    let before = w.panel.snapshot();
    let body = json!({"tunnelId": w.tunnel, "name": "new", "remoteAddr": "a:1"});
    let push_failed = format!("节点 {} 下发失败: 节点不在线", FakePanel::NODE_NAME);
    err(
        &api.call(&ep::FORWARD_CREATE, token, body).await,
        -1,
        &push_failed,
    );
    err(
        &api.call(
            &ep::FORWARD_UPDATE,
            token,
            json!({"id": id, "name": "renamed"}),
        )
        .await,
        -1,
        &push_failed,
    );
    for endpoint in [&ep::FORWARD_PAUSE, &ep::FORWARD_RESUME, &ep::FORWARD_DELETE] {
        err(
            &api.call(endpoint, token, json!({"id": id})).await,
            -1,
            "节点不在线",
        );
    }
    for endpoint in [
        &ep::FORWARD_BATCH_PAUSE,
        &ep::FORWARD_BATCH_RESUME,
        &ep::FORWARD_BATCH_DELETE,
    ] {
        let envelope = api.call(endpoint, admin, json!({"ids": [id]})).await;
        ok(&envelope);
        assert_eq!(envelope["data"], json!({"successCount": 0, "failCount": 1}));
    }
    let after = w.panel.snapshot();
    assert_eq!(after["forwards"][0]["name"], "web");
    assert_eq!(after["forwards"].as_array().unwrap().len(), 1);
    assert_eq!(
        after["forwards"][0]["status"],
        before["forwards"][0]["status"]
    );
    // DB-only endpoints keep working.
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            admin,
            json!({"userId": w.alice, "tunnelId": w.tunnel, "flow": 5}),
        )
        .await,
    );
    w.panel.set_nodes_online(true);
    ok_empty(
        &api.call(&ep::FORWARD_DELETE, token, json!({"id": id}))
            .await,
    );
    assert!(api.forwards(token).await.is_empty());
}

#[tokio::test]
async fn node_list_reports_the_node_address_port_range_and_status() {
    let w = world().await;
    w.panel.set_node_port_range(20_000, 29_999);
    let nodes = w.api.call(&ep::NODE_LIST, &w.admin, json!({})).await;
    ok(&nodes);
    let node = &nodes["data"][0];
    assert_eq!(node["id"], 1);
    assert_eq!(node["serverIp"], "198.51.100.1");
    assert_eq!(
        (node["portSta"].clone(), node["portEnd"].clone()),
        (json!(20_000), json!(29_999))
    );
    assert_eq!(node["status"], 1);
    w.panel.set_nodes_online(false);
    let nodes = w.api.call(&ep::NODE_LIST, &w.admin, json!({})).await;
    assert_eq!(nodes["data"][0]["status"], 0);
    let refused = w.api.call(&ep::NODE_LIST, &w.alice_token, json!({})).await;
    assert_eq!(refused["code"], 403, "admin only: {refused}");
}

/// 2.1 does not check an explicit `inPort`: a second forward on a used port is created
/// ("success"), but the node cannot listen on it, so the service never runs, and pausing or
/// resuming it fails with the node's "service … not found" (seen on a real node agent).
#[tokio::test]
async fn a_used_port_is_accepted_on_2_1_but_the_node_never_starts_the_forward() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let first = json!({"tunnelId": w.tunnel, "name": "a", "remoteAddr": "x:1", "inPort": 20_000});
    ok_empty(&api.call(&ep::FORWARD_CREATE, admin, first).await);
    let again = json!({"tunnelId": w.tunnel, "name": "b", "remoteAddr": "x:2", "inPort": 20_000});
    ok_empty(&api.call(&ep::FORWARD_CREATE, admin, again).await);
    let rows = w.panel.snapshot()["forwards"].clone();
    assert_eq!(rows[0]["nodeRunning"], true);
    assert_eq!(rows[1]["nodeRunning"], false, "the node never started it");
    assert_eq!(rows[1]["status"], 1, "although the panel thinks it runs");
    let pause = api.call(&ep::FORWARD_PAUSE, admin, json!({"id": 2})).await;
    err(&pause, -1, "service 2_1_0_tcp not found");
    let resume = api.call(&ep::FORWARD_RESUME, admin, json!({"id": 2})).await;
    err(&resume, -1, "service 2_1_0_tcp not found");
    ok_empty(&api.call(&ep::FORWARD_PAUSE, admin, json!({"id": 1})).await);
    ok_empty(&api.call(&ep::FORWARD_DELETE, admin, json!({"id": 2})).await);
}
