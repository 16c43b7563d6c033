//! Fake panel, 3.0 profile: bindings (real status, unknown ids, destructive remove,
//! unknown speed limits) and tunnel-less speed limits.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::ids::TunnelId;
use flvx_api::units::Mbps;
use flvx_api::version::PanelVersion::V3_0;
use helpers::{World, create_forward_to, err, ok, ok_empty, world_version};
use serde_json::{Value, json};

const NO_ROWS: &str = "sql: no rows in result set";

async fn binding(w: &World) -> Value {
    w.api.bindings(&w.admin, w.alice).await[0].clone()
}

#[tokio::test]
async fn binding_list_shows_the_real_status_and_unknown_ids_fail() {
    let w = world_version(V3_0).await;
    let id = binding(&w).await["id"].clone();
    ok_empty(
        &w.api
            .call(
                &ep::BINDING_UPDATE,
                &w.admin,
                json!({"id": id, "status": 0}),
            )
            .await,
    );
    let b = binding(&w).await;
    assert_eq!(
        (b["status"].clone(), b["flow"].clone()),
        (json!(0), json!(0))
    );
    let update = w
        .api
        .call(&ep::BINDING_UPDATE, &w.admin, json!({"id": 999_999}))
        .await;
    err(&update, -2, NO_ROWS);
    let remove = w
        .api
        .call(&ep::BINDING_REMOVE, &w.admin, json!({"id": 999_999}))
        .await;
    err(&remove, -2, NO_ROWS);
}

#[tokio::test]
async fn remove_deletes_the_users_forwards_on_that_tunnel() {
    let w = world_version(V3_0).await;
    let other = w.panel.add_tunnel("JP").0;
    let assign = json!({"userId": w.alice, "tunnelId": other, "flow": 10});
    ok_empty(&w.api.call(&ep::BINDING_ASSIGN, &w.admin, assign).await);
    let token = &w.alice_token;
    let a = create_forward_to(&w.api, token, w.tunnel, "a", "1.1.1.1:80").await;
    let paused = create_forward_to(&w.api, token, w.tunnel, "p", "1.1.1.1:81").await;
    ok_empty(
        &w.api
            .call(&ep::FORWARD_PAUSE, token, json!({"id": paused}))
            .await,
    );
    let kept = create_forward_to(&w.api, token, other, "k", "1.1.1.1:82").await;
    let admins = create_forward_to(&w.api, &w.admin, w.tunnel, "admin", "1.1.1.1:83").await;
    let id = binding(&w).await["id"].clone();
    ok_empty(
        &w.api
            .call(&ep::BINDING_REMOVE, &w.admin, json!({"id": id}))
            .await,
    );
    let left: Vec<Value> = w
        .api
        .forwards(&w.admin)
        .await
        .iter()
        .map(|f| f["id"].clone())
        .collect();
    assert_eq!(left, [json!(admins), json!(kept)]);
    assert!(![a, paused].iter().any(|id| left.contains(&json!(id))));
    assert_eq!(w.api.bindings(&w.admin, w.alice).await.len(), 1);
}

#[tokio::test]
async fn an_unknown_speed_id_silently_clears_the_limit() {
    let w = world_version(V3_0).await;
    let limit = w
        .panel
        .add_speed_limit("d3x", TunnelId(w.tunnel), Mbps(10))
        .0;
    let assign = |speed: Value| json!({"userId": w.alice, "tunnelId": w.tunnel, "speedId": speed});
    ok_empty(
        &w.api
            .call(&ep::BINDING_ASSIGN, &w.admin, assign(json!(limit)))
            .await,
    );
    let b = binding(&w).await;
    assert_eq!(
        (b["speedId"].clone(), b["speedLimitName"].clone()),
        (json!(limit), json!("d3x"))
    );
    ok_empty(
        &w.api
            .call(&ep::BINDING_ASSIGN, &w.admin, assign(json!(999_999)))
            .await,
    );
    assert_eq!(binding(&w).await["speedId"], Value::Null);
    let id = binding(&w).await["id"].clone();
    let update = json!({"id": id, "flow": 5, "speedId": 999_999});
    ok_empty(&w.api.call(&ep::BINDING_UPDATE, &w.admin, update).await);
    assert_eq!(binding(&w).await["speedId"], Value::Null);
}

#[tokio::test]
async fn speed_limits_list_newest_first_without_a_tunnel() {
    let w = world_version(V3_0).await;
    let first = w.panel.add_speed_limit("a", TunnelId(w.tunnel), Mbps(10)).0;
    let second = w.panel.add_speed_limit("b", TunnelId(w.tunnel), Mbps(20)).0;
    let list = w.api.call(&ep::SPEED_LIMIT_LIST, &w.admin, json!({})).await;
    ok(&list);
    let items = list["data"].as_array().unwrap();
    assert_eq!(
        [items[0]["id"].clone(), items[1]["id"].clone()],
        [json!(second), json!(first)]
    );
    let mut keys: Vec<&str> = items[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "createdTime",
            "id",
            "name",
            "speed",
            "status",
            "updatedTime"
        ]
    );
}
