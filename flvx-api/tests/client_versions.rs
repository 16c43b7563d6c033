//! What the SDK does differently on FLVX 2.1 and 3.0: telling them apart without side
//! effects, the login header, the full-replace guard for `maxConn`, 3.0-only fields refused
//! on 2.1, and the 3.0 answers (403 from the address check, 451, batch failures, warnings).
//!
//! These run on hand-written wiremock answers shaped like the recorded ones; the recorded
//! 3.0 bodies are exercised in `client_endpoints_v3.rs`.

use base64::Engine;
use flvx_api::endpoints::{self, Endpoint};
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::models::{NewForward, NewUser, QuotaLimits, UserUpdate};
use flvx_api::units::{EpochMs, Gib, ResetDay, Status};
use flvx_api::{Credentials, Error, FlvxApi, FlvxClient, PanelVersion};
use serde_json::{Value, json};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn jwt(claims: Value) -> String {
    let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.sig",
        enc.encode(br#"{"alg":"HmacSHA256","typ":"JWT"}"#),
        enc.encode(claims.to_string())
    )
}

/// A 2.1 token: 90 days, no `iat_ms`.
fn token_v21() -> String {
    jwt(json!({"sub": "1", "iat": 1_771_700_000, "exp": 4_102_444_800_u64}))
}

/// A 3.0 token: `iat_ms` present.
fn token_v3() -> String {
    jwt(
        json!({"sub": "1", "iat": 1_796_154_299, "iat_ms": 1_796_154_299_256_u64, "exp": 4_102_444_800_u64}),
    )
}

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 0, "msg": "操作成功", "data": data}))
}

fn refused(code: i64, msg: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": code, "msg": msg}))
}

/// A server whose unexpected requests fail the test.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .with_priority(u8::MAX)
        .expect(0)
        .named("unexpected request")
        .mount(&server)
        .await;
    server
}

async fn answer(server: &MockServer, endpoint: &Endpoint, response: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path(endpoint.path))
        .respond_with(response)
        .expect(times)
        .named(endpoint.name)
        .mount(server)
        .await;
}

fn client(server: &MockServer, token: String) -> FlvxClient {
    FlvxClient::builder(server.uri(), Credentials::token(token))
        .build()
        .unwrap()
}

fn update(max_conn: Option<i64>) -> UserUpdate {
    UserUpdate {
        id: UserId(12),
        user: "d3x_u1".into(),
        password: None,
        flow: Gib::new(6).unwrap(),
        num: 3,
        exp_time: EpochMs(1_900_000_000_000),
        flow_reset_time: ResetDay::day(1).unwrap(),
        status: Status::Enabled,
        group_ids: None,
        max_conn,
        quota_limits: QuotaLimits::KEEP,
    }
}

fn new_user(max_conn: Option<i64>, quota_limits: QuotaLimits) -> NewUser {
    NewUser {
        user: "d3x_u1".into(),
        password: "secret-pw".into(),
        flow: Gib::new(6).unwrap(),
        num: 3,
        exp_time: EpochMs(1_900_000_000_000),
        flow_reset_time: ResetDay::day(1).unwrap(),
        status: Status::Enabled,
        group_ids: None,
        max_conn,
        quota_limits,
    }
}

#[tokio::test]
async fn the_line_comes_from_the_token_without_a_request() {
    let server = server().await;
    assert_eq!(
        client(&server, token_v21()).panel_version().await.unwrap(),
        PanelVersion::V2_1
    );
    assert_eq!(
        client(&server, token_v3()).panel_version().await.unwrap(),
        PanelVersion::V3_0
    );
}

#[tokio::test]
async fn an_opaque_token_is_told_by_one_public_probe_cached_for_every_handle() {
    for (answer_code, expected) in [(401, PanelVersion::V2_1), (-1, PanelVersion::V3_0)] {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path(endpoints::PUBLIC_CONFIG_GET.path))
            .and(|req: &wiremock::Request| !req.headers.contains_key("authorization"))
            .respond_with(refused(answer_code, "配置不存在"))
            .expect(1)
            .mount(&server)
            .await;
        let admin = client(&server, "opaque-admin-token".into());
        assert_eq!(admin.panel_version().await.unwrap(), expected);
        assert_eq!(admin.panel_version().await.unwrap(), expected);
        let customer = admin.with_credentials(Credentials::token("opaque-customer"));
        assert_eq!(customer.panel_version().await.unwrap(), expected);
    }
}

#[tokio::test]
async fn login_sends_the_billing_module_header() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(endpoints::USER_LOGIN.path))
        .and(header(
            endpoints::API_CLIENT_HEADER,
            endpoints::API_CLIENT_NAME,
        ))
        .respond_with(ok(
            json!({"token": token_v3(), "name": "admin_user", "role_id": 0}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, &endpoints::USER_LIST, ok(json!([])), 1).await;
    let client = FlvxClient::builder(server.uri(), Credentials::password("admin_user", "pw"))
        .build()
        .unwrap();
    client.list_users(None).await.unwrap();
    assert_eq!(client.panel_version().await.unwrap(), PanelVersion::V3_0);
}

#[tokio::test]
async fn a_3_0_update_without_max_conn_is_refused_before_sending() {
    let server = server().await;
    let err = client(&server, token_v3())
        .update_user(&update(None))
        .await
        .unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(*field, "maxConn");
            assert!(reason.contains("from_user"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn a_3_0_update_sends_max_conn_and_returns_the_warnings() {
    let server = server().await;
    let warning = "节点 d3x_node 不在线，已跳过下发";
    Mock::given(method("POST"))
        .and(path(endpoints::USER_UPDATE.path))
        .and(wiremock::matchers::body_partial_json(json!({"maxConn": 7})))
        .respond_with(ok(json!({ "warnings": [warning] })))
        .expect(1)
        .mount(&server)
        .await;
    let warnings = client(&server, token_v3())
        .update_user(&update(Some(7)))
        .await
        .unwrap();
    assert_eq!(warnings.warnings, vec![warning.to_owned()]);
}

#[tokio::test]
async fn a_2_1_update_without_max_conn_sends_no_such_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(endpoints::USER_UPDATE.path))
        .and(|req: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            body.get("maxConn").is_none() && body.get("dailyQuotaGB").is_none()
        })
        .respond_with(ok(Value::Null))
        .expect(1)
        .mount(&server)
        .await;
    let warnings = client(&server, token_v21())
        .update_user(&update(None))
        .await
        .unwrap();
    assert!(warnings.is_empty());
}

#[tokio::test]
async fn v3_fields_are_refused_on_2_1_rather_than_silently_ignored() {
    let server = server().await;
    let api = client(&server, token_v21());
    let quotas = QuotaLimits {
        daily: Some(Gib::new(2).unwrap()),
        monthly: None,
    };
    for user in [new_user(Some(5), QuotaLimits::KEEP), new_user(None, quotas)] {
        let err = api.create_user(&user).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
        assert!(err.to_string().contains("FLVX 3.0"), "{err}");
    }
    let mut with_quota = update(None);
    with_quota.quota_limits = quotas;
    assert!(api.update_user(&with_quota).await.is_err());
}

#[tokio::test]
async fn v3_user_fields_are_sent_on_create() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(endpoints::USER_CREATE.path))
        .and(wiremock::matchers::body_partial_json(
            json!({"maxConn": 7, "dailyQuotaGB": 2, "monthlyQuotaGB": 20}),
        ))
        .respond_with(ok(Value::Null))
        .expect(1)
        .mount(&server)
        .await;
    let quotas = QuotaLimits {
        daily: Some(Gib::new(2).unwrap()),
        monthly: Some(Gib::new(20).unwrap()),
    };
    client(&server, token_v3())
        .create_user(&new_user(Some(7), quotas))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refused_target_and_an_inactive_licence_have_their_own_errors() {
    let server = server().await;
    let ssrf = r#"address "127.0.0.1:80" resolves to internal IP: 127.0.0.1"#;
    answer(&server, &endpoints::FORWARD_CREATE, refused(403, ssrf), 1).await;
    answer(
        &server,
        &endpoints::TUNNEL_LIST,
        refused(451, "商业版授权未激活"),
        1,
    )
    .await;
    let api = client(&server, token_v3());
    let forward = NewForward {
        tunnel_id: flvx_api::ids::TunnelId(1),
        name: "web".into(),
        remote_addr: "127.0.0.1:80".into(),
        in_port: None,
        strategy: None,
    };
    let err = api.create_forward(&forward).await.unwrap_err();
    assert!(matches!(err, Error::TargetRefused { .. }), "{err:?}");
    assert_eq!(err.code(), Some(403));
    assert!(!err.to_string().contains("admin"), "{err}");
    let err = api.list_tunnels().await.unwrap_err();
    assert!(matches!(err, Error::LicenceInactive { .. }), "{err:?}");
    assert_eq!(err.code(), Some(451));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn batch_failures_are_decoded_with_their_reasons() {
    let server = server().await;
    let body = json!({"successCount": 0, "failCount": 2, "failures": [
        {"id": 14, "name": "d3x_f1", "reason": "转发数量已达上限"},
        {"id": 999999, "reason": "转发不存在"}
    ]});
    answer(&server, &endpoints::FORWARD_BATCH_RESUME, ok(body), 1).await;
    answer(
        &server,
        &endpoints::FORWARD_BATCH_PAUSE,
        ok(json!({"successCount": 1, "failCount": 0})),
        1,
    )
    .await;
    let api = client(&server, token_v3());
    let result = api
        .resume_forwards(&[ForwardId(14), ForwardId(999_999)])
        .await
        .unwrap();
    assert_eq!(result.fail_count, 2);
    assert_eq!(result.failures[0].id, ForwardId(14));
    assert_eq!(result.failures[0].name.as_deref(), Some("d3x_f1"));
    assert_eq!(result.failures[1].reason, "转发不存在");
    let paused = api.pause_forwards(&[ForwardId(15)]).await.unwrap();
    assert!(paused.all_succeeded() && paused.failures.is_empty());
}

#[tokio::test]
async fn forward_reset_flow_is_probed_once_and_never_on_2_1() {
    let quiet = server().await;
    let old = client(&quiet, token_v21());
    assert!(!old.supports_forward_reset_flow().await.unwrap());

    for (response, expected) in [
        (refused(-1, "参数错误"), true),
        (
            ResponseTemplate::new(404).set_body_string("404 page not found"),
            false,
        ),
    ] {
        let panel = server().await;
        answer(&panel, &endpoints::FORWARD_RESET_FLOW, response, 1).await;
        let api = client(&panel, token_v3());
        assert_eq!(api.supports_forward_reset_flow().await.unwrap(), expected);
        assert_eq!(api.supports_forward_reset_flow().await.unwrap(), expected);
    }
}
