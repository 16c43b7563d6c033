//! Fake panel: auth middleware, tokens, login and captcha.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flvx_api::endpoints::{self as ep, AuthLevel};
use flvx_api::testkit::FakePanel;
use flvx_api::version::PanelVersion;
use helpers::{Api, err, ok, ok_empty, setup, setup_version};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn admin_login_returns_a_jwt_shaped_90_day_token() {
    let panel = FakePanel::start().await;
    let api = Api::new(&panel);
    let envelope = api.login_envelope("admin_user", "admin_user").await;
    ok(&envelope);
    let data = &envelope["data"];
    assert_eq!(data["name"], "admin_user");
    assert_eq!(data["role_id"], 0);
    assert_eq!(data["requirePasswordChange"], true);
    let token = data["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert!(!token.contains('='));
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header, json!({"alg": "HmacSHA256", "typ": "JWT"}));
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["sub"], "1");
    assert_eq!(claims["user"], "admin_user");
    assert_eq!(claims["name"], "admin_user");
    assert_eq!(claims["role_id"], 0);
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 90 * 86_400);
    assert!(
        (iat - panel.now_ms() / 1000).abs() <= 2,
        "iat is unix seconds"
    );
}

#[tokio::test]
async fn missing_blank_bearer_and_unknown_tokens() {
    let (_panel, api, admin) = setup().await;
    let path = ep::USER_LIST.path;
    err(
        &api.post_raw(path, None, "{}").await,
        401,
        "未登录或token已过期",
    );
    err(
        &api.post_raw(path, Some("   "), "{}").await,
        401,
        "未登录或token已过期",
    );
    let bearer = format!("Bearer {admin}");
    err(
        &api.post_raw(path, Some(&bearer), "{}").await,
        401,
        "无效的token或token已过期",
    );
    err(
        &api.post_raw(path, Some("abc.def.ghi"), "{}").await,
        401,
        "无效的token或token已过期",
    );
    // The header value is trimmed.
    ok(&api.post_raw(path, Some(&format!("  {admin} ")), "{}").await);
}

#[tokio::test]
async fn customers_get_403_on_every_admin_endpoint_and_pass_user_endpoints() {
    for version in PanelVersion::ALL {
        customers_get_403_on_every_admin_endpoint_on(version).await;
    }
}

/// The endpoints 3.0 added.
const V3_ONLY: [&str; 3] = [
    ep::USER_QUOTA_RESET.path,
    ep::FORWARD_RESET_FLOW.path,
    ep::PUBLIC_CONFIG_GET.path,
];

async fn customers_get_403_on_every_admin_endpoint_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    let tunnel = panel.add_tunnel("T").0;
    let id = api.create_user(&admin, "carol", "pw", json!({})).await;
    ok(&api
        .call(
            &ep::BINDING_ASSIGN,
            &admin,
            json!({"userId": id, "tunnelId": tunnel}),
        )
        .await);
    let carol = api.login("carol", "pw").await;
    let mut admin_only = 0;
    for endpoint in ep::ALL {
        if version == PanelVersion::V2_1 && V3_ONLY.contains(&endpoint.path) {
            // 2.1 has no such handler: Go's 404 once the token passed.
            let response = api.send("POST", endpoint.path, Some(&carol), "{}").await;
            assert_eq!(response.status().as_u16(), 404, "{}", endpoint.path);
            continue;
        }
        let envelope = api
            .post_raw(endpoint.path, Some(&carol), r#"{"id":1}"#)
            .await;
        match endpoint.auth {
            AuthLevel::Admin => {
                admin_only += 1;
                err(&envelope, 403, "权限不足，仅管理员可操作");
            }
            _ => assert_ne!(envelope["code"], 403, "{}: {envelope}", endpoint.path),
        }
    }
    assert_eq!(admin_only, 16);
}

#[tokio::test]
async fn public_paths_need_no_token() {
    let (_panel, api, _admin) = setup().await;
    let check = api.post_raw(ep::CAPTCHA_CHECK.path, None, "").await;
    ok(&check);
    assert_eq!(check["data"], 0);
    // An invalid token on a public path is not even looked at.
    let envelope = api
        .post_raw(ep::CAPTCHA_CHECK.path, Some("Bearer x"), "")
        .await;
    assert_eq!(envelope["data"], 0);
}

#[tokio::test]
async fn unknown_api_paths_401_without_token_and_plain_404_with_one() {
    let (_panel, api, admin) = setup().await;
    err(
        &api.post_raw("/api/v1/does/not-exist", None, "{}").await,
        401,
        "未登录或token已过期",
    );
    let response = api
        .send("POST", "/api/v1/does/not-exist", Some(&admin), "{}")
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(response.text().await.unwrap(), "404 page not found\n");
    // A path that looks admin-only by prefix gets 403 before 404 for a customer.
    let carol_id = api.create_user(&admin, "carol", "pw", json!({})).await;
    assert!(carol_id > 1);
    let carol = api.login("carol", "pw").await;
    err(
        &api.post_raw("/api/v1/node/list", Some(&carol), "{}").await,
        403,
        "权限不足，仅管理员可操作",
    );
}

#[tokio::test]
async fn non_post_methods_and_handlers_without_a_method_check() {
    let (panel, api, admin) = setup().await;
    let tunnel = panel.add_tunnel("T").0;
    let get = api.send("GET", ep::USER_LIST.path, Some(&admin), "").await;
    assert_eq!(get.status().as_u16(), 200);
    err(&get.json().await.unwrap(), -1, "请求失败");
    let put = api
        .send("PUT", ep::FORWARD_DELETE.path, Some(&admin), r#"{"id":1}"#)
        .await;
    err(&put.json().await.unwrap(), -1, "请求失败");
    let login = api.send("GET", ep::USER_LOGIN.path, None, "").await;
    err(&login.json().await.unwrap(), -1, "请求失败");
    // tunnel/user/assign does not check the method (panel behaviour §1.2).
    let body = json!({"userId": 5, "tunnelId": tunnel}).to_string();
    let put = api
        .send("PUT", ep::BINDING_ASSIGN.path, Some(&admin), &body)
        .await;
    ok_empty(&put.json().await.unwrap());
    assert_eq!(panel.snapshot()["bindings"][0]["userId"], 5);
    // CORS preflight.
    let options = api.send("OPTIONS", ep::USER_LIST.path, None, "").await;
    assert_eq!(options.status().as_u16(), 204);
    assert_eq!(options.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn login_validation_order_and_codes() {
    let (_panel, api, admin) = setup().await;
    let login = ep::USER_LOGIN.path;
    err(&api.post_raw(login, None, "").await, 500, "请求参数错误");
    err(
        &api.post_raw(login, None, r#"{"username":"a","password":"b","x":1}"#)
            .await,
        500,
        "请求参数错误",
    );
    err(
        &api.post_raw(login, None, r#"{"username":1,"password":"b"}"#)
            .await,
        500,
        "请求参数错误",
    );
    err(
        &api.post_raw(login, None, r#"{"username":" ","password":"b"}"#)
            .await,
        500,
        "用户名不能为空",
    );
    err(
        &api.post_raw(login, None, r#"{"username":"a"}"#).await,
        500,
        "密码不能为空",
    );
    err(
        &api.login_envelope("nobody", "x").await,
        -1,
        "账号或密码错误",
    );
    err(
        &api.login_envelope("admin_user", "wrong").await,
        -1,
        "账号或密码错误",
    );
    // Usernames are not trimmed on login, and are case-sensitive.
    err(
        &api.login_envelope(" admin_user", "admin_user").await,
        -1,
        "账号或密码错误",
    );
    err(
        &api.login_envelope("ADMIN_USER", "admin_user").await,
        -1,
        "账号或密码错误",
    );
    api.create_user(&admin, "dave", "pw", json!({"status": 0}))
        .await;
    err(&api.login_envelope("dave", "pw").await, -1, "账号被停用");
    api.create_user(&admin, "erin", "pw", json!({})).await;
    let envelope = api.login_envelope("erin", "pw").await;
    ok(&envelope);
    assert_eq!(envelope["data"]["role_id"], 1);
    assert_eq!(envelope["data"]["requirePasswordChange"], false);
}

#[tokio::test]
async fn captcha_on_requires_a_verified_single_use_captcha_id() {
    let (panel, api, _admin) = setup().await;
    panel.set_captcha(true);
    assert_eq!(
        api.post_raw(ep::CAPTCHA_CHECK.path, None, "").await["data"],
        1
    );
    err(
        &api.login_envelope("admin_user", "admin_user").await,
        -1,
        "验证码校验失败",
    );
    let with_id = |id: &str| {
        json!({"username": "admin_user", "password": "admin_user", "captchaId": id}).to_string()
    };
    err(
        &api.post_raw(ep::USER_LOGIN.path, None, &with_id("c1"))
            .await,
        -1,
        "验证码校验失败",
    );
    let verify = api
        .post_raw("/api/v1/captcha/verify", None, r#"{"id":"c1","data":"ok"}"#)
        .await;
    assert_eq!(
        verify,
        json!({"success": true, "data": {"validToken": "c1"}})
    );
    ok(&api
        .post_raw(ep::USER_LOGIN.path, None, &with_id("c1"))
        .await);
    err(
        &api.post_raw(ep::USER_LOGIN.path, None, &with_id("c1"))
            .await,
        -1,
        "验证码校验失败",
    );
    panel.set_captcha(false);
    ok(&api.login_envelope("admin_user", "admin_user").await);
}

#[tokio::test]
async fn tokens_outlive_password_change_disable_and_delete() {
    let (_panel, api, admin) = setup().await;
    let id = api.create_user(&admin, "frank", "pw", json!({})).await;
    let token = api.login("frank", "pw").await;
    let update = json!({"id": id, "user": "frank", "pwd": "new", "status": 0});
    ok_empty(&api.call(&ep::USER_UPDATE, &admin, update).await);
    err(&api.login_envelope("frank", "new").await, -1, "账号被停用");
    ok(&api.call(&ep::USER_PACKAGE, &token, json!({})).await);
    ok_empty(&api.call(&ep::USER_DELETE, &admin, json!({"id": id})).await);
    // Still a valid token: the middleware never consults the database.
    err(
        &api.call(&ep::USER_PACKAGE, &token, json!({})).await,
        -1,
        "用户不存在",
    );
    ok(&api.call(&ep::FORWARD_LIST, &token, json!({})).await);
}

#[tokio::test]
async fn tokens_expire_after_90_days_on_the_panel_clock_or_on_demand() {
    let (panel, api, admin) = setup().await;
    panel.advance_clock(Duration::from_secs(89 * 86_400));
    ok(&api.call(&ep::USER_LIST, &admin, json!({})).await);
    panel.advance_clock(Duration::from_secs(86_400 + 5));
    err(
        &api.call(&ep::USER_LIST, &admin, json!({})).await,
        401,
        "无效的token或token已过期",
    );
    let fresh = api.admin().await;
    ok(&api.call(&ep::USER_LIST, &fresh, json!({})).await);
    panel.expire_tokens();
    err(
        &api.call(&ep::USER_LIST, &fresh, json!({})).await,
        401,
        "无效的token或token已过期",
    );
    let again = api.admin().await;
    assert_ne!(again, fresh);
    ok(&api.call(&ep::USER_LIST, &again, json!({})).await);
}
