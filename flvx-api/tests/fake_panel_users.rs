//! Fake panel: user endpoints, strict and lenient body decoding.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use helpers::{create_forward, err, ok, ok_empty, setup, world};
use serde_json::{Value, json};

const DAY_MS: i64 = 86_400_000;

fn near(actual: &Value, expected: i64) {
    let actual = actual
        .as_i64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    assert!(
        (actual - expected).abs() < 10_000,
        "{actual} is not close to {expected}"
    );
}

#[tokio::test]
async fn create_returns_no_data_and_list_shows_create_defaults() {
    let (panel, api, admin) = setup().await;
    ok_empty(
        &api.call(
            &ep::USER_CREATE,
            &admin,
            json!({"user": "alice", "pwd": "pw"}),
        )
        .await,
    );
    let list = api.call(&ep::USER_LIST, &admin, json!({})).await;
    ok(&list);
    let items = list["data"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the admin is never listed: {list}");
    let u = &items[0];
    let mut keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "createdTime",
            "expTime",
            "flow",
            "flowResetTime",
            "id",
            "inFlow",
            "name",
            "num",
            "outFlow",
            "roleId",
            "status",
            "updatedTime",
            "user"
        ]
    );
    assert_eq!(u["id"], 2);
    assert_eq!(u["user"], "alice");
    assert_eq!(u["name"], "alice");
    assert_eq!(u["roleId"], 1);
    assert_eq!(u["status"], 1);
    assert_eq!(u["flow"], 100);
    assert_eq!(u["num"], 10);
    assert_eq!(u["flowResetTime"], 1);
    assert_eq!(u["inFlow"], 0);
    assert_eq!(u["outFlow"], 0);
    near(&u["expTime"], panel.now_ms() + 365 * DAY_MS);
    near(&u["createdTime"], panel.now_ms());
    // The panel's CreateUser sets updated_time = created_time.
    assert_eq!(u["updatedTime"], u["createdTime"]);
}

#[tokio::test]
async fn create_errors_and_exact_duplicate_check() {
    let (_panel, api, admin) = setup().await;
    let create = |body: Value| api.call(&ep::USER_CREATE, &admin, body);
    err(
        &create(json!({"user": "  ", "pwd": "pw"})).await,
        -1,
        "用户名或密码不能为空",
    );
    err(
        &create(json!({"user": "bob"})).await,
        -1,
        "用户名或密码不能为空",
    );
    ok_empty(&create(json!({"user": "bob", "pwd": "pw"})).await);
    err(
        &create(json!({"user": "bob", "pwd": "other"})).await,
        -1,
        "用户名已存在",
    );
    err(
        &create(json!({"user": " bob ", "pwd": "other"})).await,
        -1,
        "用户名已存在",
    );
    ok_empty(&create(json!({"user": "Bob", "pwd": "pw"})).await);
    err(
        &api.post_raw(ep::USER_CREATE.path, Some(&admin), "").await,
        -1,
        "请求参数错误",
    );
    err(
        &api.post_raw(ep::USER_CREATE.path, Some(&admin), "[1]")
            .await,
        -1,
        "请求参数错误",
    );
    err(
        &api.post_raw(ep::USER_CREATE.path, Some(&admin), "{nope")
            .await,
        -1,
        "请求参数错误",
    );
    // JSON null decodes into an empty map: the fields are then missing.
    err(
        &api.post_raw(ep::USER_CREATE.path, Some(&admin), "null")
            .await,
        -1,
        "用户名或密码不能为空",
    );
}

#[tokio::test]
async fn lenient_bodies_trim_accept_numeric_strings_and_default_the_rest() {
    let (panel, api, admin) = setup().await;
    let body = json!({
        "user": "  carol  ", "pwd": " pw ", "flow": "250", "num": 1.5, "expTime": true,
        "flowResetTime": "abc", "status": null, "roleId": 0, "unknownKey": [1, 2],
    });
    ok_empty(&api.call(&ep::USER_CREATE, &admin, body).await);
    let u = api.user(&admin, "carol").await;
    assert_eq!(u["flow"], 250);
    assert_eq!(u["num"], 10);
    near(&u["expTime"], panel.now_ms() + 365 * DAY_MS);
    assert_eq!(u["flowResetTime"], 1);
    assert_eq!(u["status"], 1);
    assert_eq!(u["roleId"], 1, "roleId is ignored");
    // The password was trimmed before storing.
    api.login("carol", "pw").await;
    err(
        &api.login_envelope("carol", " pw ").await,
        -1,
        "账号或密码错误",
    );
    // An integral float is an integer for the panel.
    ok_empty(
        &api.call(
            &ep::USER_CREATE,
            &admin,
            json!({"user": "dan", "pwd": "x", "flow": 3e2}),
        )
        .await,
    );
    assert_eq!(api.user(&admin, "dan").await["flow"], 300);
}

#[tokio::test]
async fn list_filters_by_keyword_and_decodes_strictly() {
    let (_panel, api, admin) = setup().await;
    for name in ["zed", "Alice", "malice", "bob"] {
        api.create_user(&admin, name, "pw", json!({})).await;
    }
    let names = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["user"].as_str().unwrap().to_string())
            .collect()
    };
    let all = api
        .call(&ep::USER_LIST, &admin, json!({"current": 1, "size": 1}))
        .await;
    assert_eq!(
        names(&all),
        ["zed", "Alice", "malice", "bob"],
        "by id, no pagination"
    );
    let some = api
        .call(&ep::USER_LIST, &admin, json!({"keyword": " ALI "}))
        .await;
    assert_eq!(names(&some), ["Alice", "malice"]);
    let none = api
        .call(&ep::USER_LIST, &admin, json!({"keyword": "nobody"}))
        .await;
    ok(&none);
    assert_eq!(none["data"], json!([]));
    // user/list tolerates an empty body, but nothing else odd.
    ok(&api.post_raw(ep::USER_LIST.path, Some(&admin), "").await);
    let path = ep::USER_LIST.path;
    err(
        &api.post_raw(path, Some(&admin), r#"{"keyword":"a","x":1}"#)
            .await,
        -1,
        "请求参数错误",
    );
    err(
        &api.post_raw(path, Some(&admin), r#"{"current":"1"}"#).await,
        -1,
        "请求参数错误",
    );
    err(
        &api.post_raw(path, Some(&admin), r#"{"keyword":5}"#).await,
        -1,
        "请求参数错误",
    );
    err(
        &api.post_raw(path, Some(&admin), r#"{"size":1.5}"#).await,
        -1,
        "请求参数错误",
    );
}

#[tokio::test]
async fn update_is_a_full_replace_and_propagates_to_every_binding() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let t2 = w.panel.add_tunnel("JP-US").0;
    let assign = json!({"userId": w.alice, "tunnelId": t2, "flow": 7, "num": 3, "expTime": 2_000_000_000_000_i64, "flowResetTime": 9});
    ok_empty(&api.call(&ep::BINDING_ASSIGN, admin, assign).await);
    let full = json!({"id": w.alice, "user": "alice", "flow": 500, "num": 50, "expTime": 2_500_000_000_000_i64, "flowResetTime": 15, "status": 0});
    ok_empty(&api.call(&ep::USER_UPDATE, admin, full).await);
    let u = api.user(admin, "alice").await;
    assert_eq!(
        (u["flow"].clone(), u["num"].clone(), u["status"].clone()),
        (json!(500), json!(50), json!(0))
    );
    for b in api.bindings(admin, w.alice).await {
        assert_eq!(b["flow"], 500);
        assert_eq!(b["num"], 50);
        assert_eq!(b["expTime"], 2_500_000_000_000_i64);
        assert_eq!(b["flowResetTime"], 15);
    }
    // Only id and user: every other field goes back to the create defaults.
    ok_empty(
        &api.call(
            &ep::USER_UPDATE,
            admin,
            json!({"id": w.alice, "user": "alice2"}),
        )
        .await,
    );
    let u = api.user(admin, "alice2").await;
    assert_eq!(u["flow"], 100);
    assert_eq!(u["num"], 10);
    assert_eq!(u["flowResetTime"], 1);
    assert_eq!(u["status"], 1);
    near(&u["expTime"], w.panel.now_ms() + 365 * DAY_MS);
    near(&u["updatedTime"], w.panel.now_ms());
    let bindings = api.bindings(admin, w.alice).await;
    assert_eq!(bindings.len(), 2);
    assert!(
        bindings
            .iter()
            .all(|b| b["flow"] == 100 && b["num"] == 10 && b["flowResetTime"] == 1)
    );
    // A blank pwd keeps the password; a new one replaces it.
    api.login("alice2", "secret").await;
    ok_empty(
        &api.call(
            &ep::USER_UPDATE,
            admin,
            json!({"id": w.alice, "user": "alice2", "pwd": "new"}),
        )
        .await,
    );
    err(
        &api.login_envelope("alice2", "secret").await,
        -1,
        "账号或密码错误",
    );
    api.login("alice2", "new").await;
}

#[tokio::test]
async fn update_errors_in_the_panel_order() {
    let (_panel, api, admin) = setup().await;
    let bob = api.create_user(&admin, "bob", "pw", json!({})).await;
    api.create_user(&admin, "carl", "pw", json!({})).await;
    let update = |body: Value| api.call(&ep::USER_UPDATE, &admin, body);
    err(&update(json!({"user": "bob"})).await, -1, "用户ID不能为空");
    err(&update(json!({"id": bob})).await, -1, "用户名不能为空");
    err(
        &update(json!({"id": 999, "user": "x"})).await,
        -1,
        "用户不存在",
    );
    err(
        &update(json!({"id": 1, "user": "admin_user"})).await,
        -1,
        "请不要作死",
    );
    err(
        &update(json!({"id": bob, "user": "carl"})).await,
        -1,
        "用户名已存在",
    );
    ok_empty(&update(json!({"id": bob.to_string(), "user": "bob"})).await);
}

#[tokio::test]
async fn delete_cascades_forwards_and_bindings_but_not_the_admin() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    create_forward(api, &w.alice_token, w.tunnel, "web").await;
    let delete = |body: Value| api.call(&ep::USER_DELETE, admin, body);
    err(&delete(json!({})).await, -1, "参数错误");
    err(
        &api.post_raw(ep::USER_DELETE.path, Some(admin), "").await,
        -1,
        "请求参数错误",
    );
    err(&delete(json!({"id": 999})).await, -1, "用户不存在");
    err(&delete(json!({"id": 1})).await, -1, "请不要作死");
    ok_empty(&delete(json!({"id": w.alice})).await);
    let snapshot = w.panel.snapshot();
    assert_eq!(snapshot["forwards"], json!([]));
    assert_eq!(snapshot["bindings"], json!([]));
    assert_eq!(snapshot["users"].as_array().unwrap().len(), 1);
    err(&delete(json!({"id": w.alice})).await, -1, "用户不存在");
}

#[tokio::test]
async fn reset_zeroes_counters_by_user_or_binding() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let fwd = create_forward(api, &w.alice_token, w.tunnel, "web").await;
    w.panel
        .add_traffic(flvx_api::ids::ForwardId(fwd), 1000, 2000);
    let binding = api.bindings(admin, w.alice).await[0]["id"]
        .as_i64()
        .unwrap();
    let reset = |body: Value| api.call(&ep::USER_RESET, admin, body);
    err(
        &reset(json!({"id": w.alice, "type": 3})).await,
        -1,
        "请求参数错误",
    );
    err(&reset(json!({"type": 1})).await, -1, "请求参数错误");
    ok_empty(&reset(json!({"id": binding, "type": 2})).await);
    assert_eq!(api.bindings(admin, w.alice).await[0]["inFlow"], 0);
    assert_eq!(api.user(admin, "alice").await["inFlow"], 2000);
    ok_empty(&reset(json!({"id": w.alice, "type": "1"})).await);
    let u = api.user(admin, "alice").await;
    assert_eq!(
        (u["inFlow"].clone(), u["outFlow"].clone()),
        (json!(0), json!(0))
    );
    // Forward counters are never reset; unknown ids still succeed.
    assert_eq!(api.forwards(admin).await[0]["inFlow"], 2000);
    ok_empty(&reset(json!({"id": 4242, "type": 1})).await);
}

#[tokio::test]
async fn package_is_the_callers_own() {
    let w = world().await;
    let (api, admin) = (&w.api, &w.admin);
    let limit = w.panel.add_speed_limit(
        "50M",
        flvx_api::ids::TunnelId(w.tunnel),
        flvx_api::units::Mbps(50),
    );
    ok_empty(
        &api.call(
            &ep::BINDING_ASSIGN,
            admin,
            json!({"userId": w.alice, "tunnelId": w.tunnel, "speedId": limit.0}),
        )
        .await,
    );
    create_forward(api, &w.alice_token, w.tunnel, "web").await;
    let package = api
        .call(&ep::USER_PACKAGE, &w.alice_token, json!(null))
        .await;
    ok(&package);
    let data = &package["data"];
    assert_eq!(data["userInfo"]["user"], "alice");
    assert_eq!(data["userInfo"]["name"], "alice");
    assert!(data["userInfo"].get("roleId").is_none());
    let perm = &data["tunnelPermissions"][0];
    assert_eq!(perm["tunnelName"], "HK-SG");
    assert_eq!(perm["tunnelFlow"], 1);
    assert_eq!(perm["speedId"], limit.0);
    assert_eq!(perm["speedLimitName"], "50M");
    assert_eq!(perm["speed"], 50);
    assert!(perm.get("status").is_none());
    let fwd = &data["forwards"][0];
    assert_eq!(fwd["name"], "web");
    assert_eq!(fwd["inIp"], "203.0.113.10:10000");
    assert_eq!(fwd["inPort"], 10000);
    assert_eq!(data["statisticsFlows"], json!([]));
    // The admin token reads the admin's own package.
    let admin_package = api.call(&ep::USER_PACKAGE, admin, json!({})).await;
    assert_eq!(admin_package["data"]["userInfo"]["id"], 1);
    assert_eq!(admin_package["data"]["tunnelPermissions"], json!([]));
}

#[tokio::test]
async fn group_membership_via_create_and_update() {
    let (panel, api, admin) = setup().await;
    let g1 = panel.add_user_group("gold").0;
    let g2 = panel.add_user_group("silver").0;
    let id = api
        .create_user(&admin, "gina", "pw", json!({"groupIds": [g1, "0", g2]}))
        .await;
    let token = api.login("gina", "pw").await;
    let groups = api.call(&ep::USER_GROUPS, &token, json!({"id": id})).await;
    ok(&groups);
    assert_eq!(groups["data"], json!([g1, g2]));
    err(
        &api.call(&ep::USER_GROUPS, &token, json!({})).await,
        -1,
        "参数错误",
    );
    let list = api.call(&ep::USER_GROUP_LIST, &admin, json!({})).await;
    ok(&list);
    assert_eq!(list["data"][0]["name"], "gold");
    assert_eq!(list["data"][0]["userIds"], json!([id]));
    assert_eq!(list["data"][0]["userNames"], json!(["gina"]));
    assert_eq!(list["data"][0]["status"], 1);
    // groupIds absent keeps memberships; present replaces them.
    ok_empty(
        &api.call(&ep::USER_UPDATE, &admin, json!({"id": id, "user": "gina"}))
            .await,
    );
    assert_eq!(
        api.call(&ep::USER_GROUPS, &admin, json!({"id": id})).await["data"],
        json!([g1, g2])
    );
    ok_empty(
        &api.call(
            &ep::USER_UPDATE,
            &admin,
            json!({"id": id, "user": "gina", "groupIds": [g2]}),
        )
        .await,
    );
    assert_eq!(
        api.call(&ep::USER_GROUPS, &admin, json!({"id": id})).await["data"],
        json!([g2])
    );
    assert_eq!(
        api.call(&ep::USER_GROUPS, &admin, json!({"id": 999})).await["data"],
        json!([])
    );
}
