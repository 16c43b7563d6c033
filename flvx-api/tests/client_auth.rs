//! Login, token reuse, re-login on a body 401, single flight and captcha, on wiremock.

use base64::Engine;
use flvx_api::{Credentials, Error, FlvxApi, FlvxClient};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn jwt(sub: &str, exp: u64) -> String {
    let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2ln",
        enc.encode(br#"{"alg":"HmacSHA256","typ":"JWT"}"#),
        enc.encode(json!({ "sub": sub, "exp": exp, "role_id": 0 }).to_string())
    )
}

fn in_a_day() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 86_400
}

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({ "code": 0, "msg": "操作成功", "ts": 1, "data": data }))
}

fn refused(code: i64, msg: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "code": code, "msg": msg, "ts": 1 }))
}

fn login_ok(token: &str) -> ResponseTemplate {
    ok(json!({ "token": token, "name": "admin_user", "role_id": 0, "requirePasswordChange": true }))
}

fn client(server: &MockServer) -> FlvxClient {
    FlvxClient::builder(
        server.uri(),
        Credentials::password("admin_user", "admin_user"),
    )
    .build()
    .unwrap()
}

#[tokio::test]
async fn logs_in_once_and_reuses_the_raw_token() {
    let server = MockServer::start().await;
    let token = jwt("1", in_a_day());
    Mock::given(method("POST"))
        .and(path("/api/v1/user/login"))
        .respond_with(login_ok(&token))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/tunnel/list"))
        .and(header("Authorization", token.as_str()))
        .respond_with(ok(json!([])))
        .expect(3)
        .mount(&server)
        .await;
    let panel = client(&server);
    for _ in 0..3 {
        assert!(panel.list_tunnels().await.unwrap().is_empty());
    }
    let login = &server.received_requests().await.unwrap()[0];
    let body: Value = serde_json::from_slice(&login.body).unwrap();
    assert_eq!(
        body,
        json!({ "username": "admin_user", "password": "admin_user" })
    );
}

#[tokio::test]
async fn a_body_401_leads_to_one_login_and_one_retry() {
    let server = MockServer::start().await;
    let old = jwt("1", in_a_day());
    let new = jwt("1", in_a_day() + 1);
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&old))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&new))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/user/list"))
        .and(header("Authorization", old.as_str()))
        .respond_with(refused(401, "无效的token或token已过期"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/user/list"))
        .and(header("Authorization", new.as_str()))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    assert!(client(&server).list_users(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_second_401_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&jwt("1", in_a_day())))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/user/list"))
        .respond_with(refused(401, "无效的token或token已过期"))
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&server).list_users(None).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err}");
}

#[tokio::test]
async fn twenty_concurrent_calls_with_an_expired_token_log_in_once() {
    let server = MockServer::start().await;
    let stale = jwt("1", in_a_day());
    let fresh = jwt("1", in_a_day() + 60);
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&stale))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let panel = client(&server);
    panel.token().await.unwrap();
    server.reset().await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&fresh).set_delay(std::time::Duration::from_millis(50)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/tunnel/list"))
        .and(header("Authorization", stale.as_str()))
        .respond_with(refused(401, "无效的token或token已过期"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/tunnel/list"))
        .and(header("Authorization", fresh.as_str()))
        .respond_with(ok(json!([])))
        .expect(20)
        .mount(&server)
        .await;
    let calls = (0..20).map(|_| {
        let panel = panel.clone();
        tokio::spawn(async move { panel.list_tunnels().await })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_token_past_its_exp_is_refreshed_before_use() {
    let server = MockServer::start().await;
    let expired = jwt("1", 1_000);
    let fresh = jwt("1", in_a_day());
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&expired))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&fresh))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/tunnel/list"))
        .and(header("Authorization", fresh.as_str()))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let panel = client(&server);
    panel.token().await.unwrap();
    panel.list_tunnels().await.unwrap();
}

#[tokio::test]
async fn a_captcha_refusal_says_what_the_admin_can_do() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(refused(-1, "验证码校验失败"))
        .mount(&server)
        .await;
    let err = client(&server).list_tunnels().await.unwrap_err();
    assert!(matches!(err, Error::CaptchaRequired { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("captcha_enabled=false") && text.contains("token"),
        "{text}"
    );
}

#[tokio::test]
async fn wrong_password_is_a_login_rejection() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(refused(-1, "账号或密码错误"))
        .mount(&server)
        .await;
    let err = client(&server).list_tunnels().await.unwrap_err();
    assert!(
        matches!(err, Error::LoginRejected { ref msg } if msg == "账号或密码错误"),
        "{err}"
    );
}

#[tokio::test]
async fn a_pre_issued_token_is_used_as_is_and_never_logs_in() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok("x"))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/tunnel/list"))
        .and(header("Authorization", "pre-issued"))
        .respond_with(refused(401, "无效的token或token已过期"))
        .expect(1)
        .mount(&server)
        .await;
    let panel = FlvxClient::builder(server.uri(), Credentials::token("pre-issued"))
        .build()
        .unwrap();
    let err = panel.list_tunnels().await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err}");
}

#[tokio::test]
async fn a_non_admin_account_gets_forbidden() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/login"))
        .respond_with(login_ok(&jwt("5", in_a_day())))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/user/list"))
        .respond_with(refused(403, "权限不足，仅管理员可操作"))
        .mount(&server)
        .await;
    let err = client(&server).list_users(None).await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err}");
    assert!(err.to_string().contains("admin"));
}
