//! Fake panel, 3.0 profile: tokens checked against the database, captcha keys and the
//! API-client bypass, bcrypt's limit, `public/config/get`, the 2.1 answers of the 3.0
//! paths, and the licence switch.
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flvx_api::endpoints as ep;
use flvx_api::ids::UserId;
use flvx_api::testkit::Identity;
use flvx_api::version::PanelVersion::{self, V2_1, V3_0};
use helpers::{Api, err, ok, ok_empty, setup_version, world_version};
use serde_json::{Value, json};
use std::time::Duration;

const INVALID: &str = "无效的token或token已过期";

fn claims(token: &str) -> Value {
    let payload = URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

async fn package(api: &Api, token: &str) -> Value {
    api.call(&ep::USER_PACKAGE, token, json!({})).await
}

#[tokio::test]
async fn tokens_carry_iat_ms_and_live_7_days() {
    let (panel, api, admin) = setup_version(V3_0).await;
    assert_eq!(panel.version(), V3_0);
    let c = claims(&admin);
    let (iat, exp) = (c["iat"].as_i64().unwrap(), c["exp"].as_i64().unwrap());
    assert_eq!(exp - iat, 7 * 86_400);
    assert_eq!(c["iat_ms"].as_i64().unwrap() / 1000, iat);
    assert_eq!(PanelVersion::of_token(&admin), Some(V3_0));
    panel.advance_clock(Duration::from_secs(7 * 86_400 - 5));
    ok(&api.call(&ep::USER_LIST, &admin, json!({})).await);
    panel.advance_clock(Duration::from_secs(10));
    err(
        &api.call(&ep::USER_LIST, &admin, json!({})).await,
        401,
        INVALID,
    );
}

#[tokio::test]
async fn disable_password_change_and_delete_end_sessions_and_reenable_restores_them() {
    let w = world_version(V3_0).await;
    let (api, admin, alice) = (&w.api, &w.admin, w.alice);
    let token = w.alice_token.clone();
    ok(&package(api, &token).await);
    let update = |extra: Value| {
        let mut body = json!({"id": alice, "user": "alice"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    ok_empty(
        &api.call(&ep::USER_UPDATE, admin, update(json!({"status": 0})))
            .await,
    );
    err(&package(api, &token).await, 401, INVALID);
    let last = w.panel.journal().pop().unwrap();
    assert_eq!(last.identity, Identity::InvalidToken);
    ok_empty(
        &api.call(&ep::USER_UPDATE, admin, update(json!({"status": 1})))
            .await,
    );
    ok(&package(api, &token).await);
    // Any password change kills every token issued before it.
    ok_empty(
        &api.call(&ep::USER_UPDATE, admin, update(json!({"pwd": "new"})))
            .await,
    );
    err(&package(api, &token).await, 401, INVALID);
    let fresh = api.login("alice", "new").await;
    ok(&package(api, &fresh).await);
    let changed_at = w.panel.snapshot()["users"][1]["passwordChangedAt"]
        .as_i64()
        .unwrap();
    assert!(claims(&fresh)["iat_ms"].as_i64().unwrap() > changed_at);
    ok_empty(
        &api.call(&ep::USER_DELETE, admin, json!({"id": alice}))
            .await,
    );
    err(&package(api, &fresh).await, 401, INVALID);
}

#[tokio::test]
async fn expiry_does_not_revoke_tokens() {
    let w = world_version(V3_0).await;
    let body = json!({"id": w.alice, "user": "alice", "expTime": 1000});
    ok_empty(&w.api.call(&ep::USER_UPDATE, &w.admin, body).await);
    ok(&package(&w.api, &w.alice_token).await);
}

#[tokio::test]
async fn minted_tokens_need_an_iat_ms_after_the_last_password_change() {
    let (panel, api, _admin) = setup_version(V3_0).await;
    let year = Duration::from_secs(90 * 86_400);
    let old_style = panel.mint_token(UserId(1), None, year);
    assert_eq!(PanelVersion::of_token(&old_style), Some(V2_1));
    err(
        &api.call(&ep::USER_LIST, &old_style, json!({})).await,
        401,
        INVALID,
    );
    let minted = panel.mint_token(UserId(1), Some(panel.now_ms()), year);
    ok(&api.call(&ep::USER_LIST, &minted, json!({})).await);
    // The seeded admin's password_changed_at is 1748914865000.
    let stale = panel.mint_token(UserId(1), Some(1_748_914_865_000), year);
    err(
        &api.call(&ep::USER_LIST, &stale, json!({})).await,
        401,
        INVALID,
    );

    let (panel, api, _admin) = setup_version(V2_1).await;
    let old_style = panel.mint_token(UserId(1), None, year);
    ok(&api.call(&ep::USER_LIST, &old_style, json!({})).await);
}

async fn login_with_client(api: &Api, client: &str) -> Value {
    let body = json!({"username": "admin_user", "password": "admin_user"}).to_string();
    let response = api
        .http
        .post(format!("{}{}", api.base, ep::USER_LOGIN.path))
        .header("X-FLVX-API-Client", client)
        .body(body)
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

async fn captcha_check(api: &Api) -> Value {
    api.post_raw(ep::CAPTCHA_CHECK.path, None, "").await["data"].clone()
}

#[tokio::test]
async fn captcha_needs_both_turnstile_keys_and_the_whmcs_header_skips_it() {
    let (panel, api, _admin) = setup_version(V3_0).await;
    panel.set_captcha(true);
    assert_eq!(captcha_check(&api).await, 0);
    ok(&api.login_envelope("admin_user", "admin_user").await);
    panel.set_config("cloudflare_site_key", "site");
    assert_eq!(captcha_check(&api).await, 0);
    panel.set_config("cloudflare_secret_key", "secret");
    assert_eq!(captcha_check(&api).await, 1);
    let failed = "验证码校验失败";
    err(
        &api.login_envelope("admin_user", "admin_user").await,
        -1,
        failed,
    );
    // With a secret, captcha/verify needs Cloudflare: the headless trick is dead.
    let verify = api
        .post_raw("/api/v1/captcha/verify", None, r#"{"id":"c1","data":"ok"}"#)
        .await;
    assert_eq!(
        verify,
        json!({"success": false, "data": {"validToken": ""}})
    );
    ok(&login_with_client(&api, " WHMCS ").await);
    ok(&login_with_client(&api, "whmcs-module").await);
    err(&login_with_client(&api, "rust-sdk").await, -1, failed);

    // 2.1 (088027d) predates the header: captcha_enabled alone blocks.
    let (panel, api, _admin) = setup_version(V2_1).await;
    panel.set_captcha(true);
    assert_eq!(captcha_check(&api).await, 1);
    err(&login_with_client(&api, "whmcs").await, -1, failed);
}

#[tokio::test]
async fn passwords_over_72_bytes_fail_create_and_update_with_minus_2() {
    let (panel, api, admin) = setup_version(V3_0).await;
    let too_long = "p".repeat(73);
    let bcrypt = "bcrypt: password length exceeds 72 bytes";
    let body = json!({"user": "long", "pwd": too_long});
    err(&api.call(&ep::USER_CREATE, &admin, body).await, -2, bcrypt);
    assert_eq!(panel.snapshot()["users"].as_array().unwrap().len(), 1);
    let max = "p".repeat(72);
    let id = api
        .create_user(&admin, "max", &max, json!({"flow": 5}))
        .await;
    // bcrypt reads 72 bytes, so the longer password logs in too.
    ok(&api.login_envelope("max", &too_long).await);
    let body = json!({"id": id, "user": "max", "pwd": too_long, "flow": 9});
    err(&api.call(&ep::USER_UPDATE, &admin, body).await, -2, bcrypt);
    assert_eq!(
        api.user(&admin, "max").await["flow"],
        5,
        "refused before writing"
    );

    let (_panel, api, admin) = setup_version(V2_1).await;
    api.create_user(&admin, "long", &too_long, json!({})).await;
}

#[tokio::test]
async fn public_config_get_serves_public_keys_without_a_token() {
    let (panel, api, _admin) = setup_version(V3_0).await;
    let get = |name: &str| json!({ "name": name }).to_string();
    let path = ep::PUBLIC_CONFIG_GET.path;
    let app = api.post_raw(path, None, &get(" APP_NAME ")).await;
    ok(&app);
    assert_eq!(
        app["data"],
        json!({"id": 1, "name": "app_name", "value": "flux", "time": 1_755_147_963_000_i64})
    );
    let sensitive = "禁止访问敏感配置";
    err(
        &api.post_raw(path, None, &get("captcha_enabled")).await,
        403,
        sensitive,
    );
    panel.set_config("cloudflare_secret_key", "s");
    err(
        &api.post_raw(path, None, &get("cloudflare_secret_key"))
            .await,
        403,
        sensitive,
    );
    err(
        &api.post_raw(path, None, &get("app_logo")).await,
        -1,
        "配置不存在",
    );
    err(
        &api.post_raw(path, None, "{}").await,
        -1,
        "配置名称不能为空",
    );
    err(
        &api.post_raw(path, None, r#"{"x":1}"#).await,
        -1,
        "配置名称不能为空",
    );
    panel.set_config("app_logo", "logo.png");
    assert_eq!(
        api.post_raw(path, None, &get("app_logo")).await["data"]["value"],
        "logo.png"
    );
}

#[tokio::test]
async fn on_2_1_the_3_0_paths_are_401_without_a_token_and_404_with_one() {
    let (_panel, api, admin) = setup_version(V2_1).await;
    for endpoint in [
        ep::PUBLIC_CONFIG_GET,
        ep::USER_QUOTA_RESET,
        ep::FORWARD_RESET_FLOW,
    ] {
        let anonymous = api.post_raw(endpoint.path, None, "{}").await;
        err(&anonymous, 401, "未登录或token已过期");
        let response = api.send("POST", endpoint.path, Some(&admin), "{}").await;
        assert_eq!(response.status().as_u16(), 404, "{}", endpoint.path);
        assert_eq!(response.text().await.unwrap(), "404 page not found\n");
    }
}

#[tokio::test]
async fn an_inactive_licence_blocks_the_modelled_paths_with_451() {
    let (panel, api, admin) = setup_version(V3_0).await;
    panel.set_licence_active(false);
    for path in [
        ep::FORWARD_LIST.path,
        ep::TUNNEL_LIST.path,
        ep::BINDING_LIST.path,
        ep::SPEED_LIMIT_LIST.path,
        ep::USER_GROUP_LIST.path,
        "/api/v1/node/list",
    ] {
        err(
            &api.post_raw(path, Some(&admin), "{}").await,
            451,
            "需要商业版授权",
        );
    }
    ok(&api.call(&ep::USER_LIST, &admin, json!({})).await);
    let anonymous = api.post_raw(ep::FORWARD_LIST.path, None, "{}").await;
    err(&anonymous, 401, "未登录或token已过期");
    panel.set_licence_active(true);
    ok(&api.call(&ep::FORWARD_LIST, &admin, json!({})).await);

    let (panel, api, admin) = setup_version(V2_1).await;
    panel.set_licence_active(false);
    ok(&api.call(&ep::FORWARD_LIST, &admin, json!({})).await);
}
