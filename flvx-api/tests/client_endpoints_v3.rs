//! The SDK against answers recorded from a real FLVX 3.0 panel (EchoHS/flvx `b8af12a`,
//! tag 3.0.1-beta3), and the few 2.1 answers that tell the lines apart (Sagit-chu/flvx
//! `088027d`).
//!
//! Every file in `tests/fixtures/v3/` is the raw body the panel answered, byte for byte;
//! the only edit is the signature part of the login tokens (header and claims are real).
//! Files whose name has `v21` come from the 2.1 panel: `forward_reset_flow_v21_404` is
//! Go's plain-text 404 for a path 2.1 lacks, `public_config_get_v21` its 401 envelope.
//! Each test matches the exact request body the SDK must send.

use flvx_api::endpoints::{self, AuthLevel, Endpoint};
use flvx_api::ids::{BindingId, ForwardId, SpeedLimitId, TunnelId, UserId};
use flvx_api::models::{
    BindingUpdate, ForwardPatch, NewForward, NewUser, QuotaLimits, QuotaScope, UserUpdate,
};
use flvx_api::panel_messages::{self, gate};
use flvx_api::units::{Bytes, EpochMs, Gib, ResetDay, Status};
use flvx_api::{Credentials, Error, FlvxApi, FlvxClient, PanelVersion};
use serde_json::{Value, json};
use std::path::PathBuf;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A 3.0 admin token as the panel issues it (real claims: `iat_ms`, 7 days; fake signature).
const TOKEN_V3: &str = "eyJhbGciOiJIbWFjU0hBMjU2IiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwiaWF0IjoxNzk2MTYzMzEyLCJpYXRfbXMiOjE3OTYxNjMzMTIyNTMsImV4cCI6MTc5Njc2ODExMiwidXNlciI6ImFkbWluX3VzZXIiLCJuYW1lIjoiYWRtaW5fdXNlciIsInJvbGVfaWQiOjB9.Zml4dHVyZS1zaWduYXR1cmUtbm90LWEtcmVhbC1obWFj";
/// The recorded expiry every fixture user has.
const EXPIRY: i64 = 2_727_251_700_000;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v3")
}

fn fixture(name: &str) -> Vec<u8> {
    let file = fixture_dir().join(format!("{name}.json"));
    std::fs::read(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
}

/// A panel whose unexpected requests fail the test, and a client with a 3.0 token.
async fn panel() -> (MockServer, FlvxClient) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .with_priority(u8::MAX)
        .expect(0)
        .named("unexpected request")
        .mount(&server)
        .await;
    let client = FlvxClient::builder(server.uri(), Credentials::token(TOKEN_V3))
        .build()
        .unwrap();
    (server, client)
}

/// Expects one call of `endpoint` with exactly `body`, answered with the fixture.
async fn expect(server: &MockServer, endpoint: &Endpoint, body: Value, name: &str, status: u16) {
    let mock = Mock::given(method("POST"))
        .and(path(endpoint.path))
        .and(body_json(body));
    let mock = match endpoint.auth {
        AuthLevel::Public => mock.and(|req: &Request| !req.headers.contains_key("authorization")),
        _ => mock.and(header("Authorization", TOKEN_V3)),
    };
    mock.respond_with(
        ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json"),
    )
    .expect(1)
    .named(name)
    .mount(server)
    .await;
}

fn gib(n: u64) -> Gib {
    Gib::new(n).unwrap()
}

#[test]
fn every_fixture_is_used() {
    let source = include_str!("client_endpoints_v3.rs");
    for entry in std::fs::read_dir(fixture_dir()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            source.contains(&format!("\"{stem}\"")),
            "{stem}.json is unused"
        );
    }
}

#[tokio::test]
async fn a_3_0_login_token_tells_the_line_and_the_header_passes_the_captcha() {
    for name in ["user_login", "user_login_captcha_api_client"] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(endpoints::USER_LOGIN.path))
            .and(header(
                endpoints::API_CLIENT_HEADER,
                endpoints::API_CLIENT_NAME,
            ))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = FlvxClient::builder(
            server.uri(),
            Credentials::password("admin_user", "admin_user"),
        )
        .build()
        .unwrap();
        assert_eq!(
            client.panel_version().await.unwrap(),
            PanelVersion::V3_0,
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_captcha_the_header_cannot_pass_is_captcha_required() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(endpoints::USER_LOGIN.path))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("user_login_captcha_refused"), "application/json"),
        )
        .mount(&server)
        .await;
    let client = FlvxClient::builder(
        server.uri(),
        Credentials::password("admin_user", "admin_user"),
    )
    .build()
    .unwrap();
    let err = client.token().await.unwrap_err();
    assert!(matches!(err, Error::CaptchaRequired { .. }), "{err:?}");
    assert!(
        err.to_string().contains("FLVX 3.0"),
        "the fix names the upgrade: {err}"
    );
}

#[tokio::test]
async fn opaque_tokens_are_told_by_the_public_config_probe() {
    for (name, expected) in [
        ("public_config_get", PanelVersion::V3_0),
        ("public_config_get_v21", PanelVersion::V2_1),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(endpoints::PUBLIC_CONFIG_GET.path))
            .and(body_json(json!({"name": "app_name"})))
            .and(|req: &Request| !req.headers.contains_key("authorization"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = FlvxClient::builder(server.uri(), Credentials::token("opaque"))
            .build()
            .unwrap();
        assert_eq!(client.panel_version().await.unwrap(), expected, "{name}");
    }
}

#[tokio::test]
async fn forward_reset_flow_is_told_by_its_refusal_of_an_empty_body() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::FORWARD_RESET_FLOW,
        json!({}),
        "forward_reset_flow_empty_body",
        200,
    )
    .await;
    assert!(client.supports_forward_reset_flow().await.unwrap());

    // A 3.0 build from before July 2026 answers like 2.1: Go's plain-text 404.
    let (server, client) = panel().await;
    Mock::given(method("POST"))
        .and(path(endpoints::FORWARD_RESET_FLOW.path))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw(fixture("forward_reset_flow_v21_404"), "text/plain"),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert!(!client.supports_forward_reset_flow().await.unwrap());
}

#[tokio::test]
async fn create_user_sends_the_3_0_fields() {
    let (server, client) = panel().await;
    let body = json!({"user":"fx_cust1","pwd":"fx_cust1_pw","flow":100,"num":3,"expTime":EXPIRY,
        "flowResetTime":1,"status":1,"maxConn":7,"dailyQuotaGB":2,"monthlyQuotaGB":20});
    expect(
        &server,
        &endpoints::USER_CREATE,
        body,
        "user_create_with_quota",
        200,
    )
    .await;
    let user = NewUser {
        user: "fx_cust1".into(),
        password: "fx_cust1_pw".into(),
        flow: gib(100),
        num: 3,
        exp_time: EpochMs(EXPIRY),
        flow_reset_time: ResetDay::day(1).unwrap(),
        status: Status::Enabled,
        group_ids: None,
        max_conn: Some(7),
        quota_limits: QuotaLimits {
            daily: Some(gib(2)),
            monthly: Some(gib(20)),
        },
    };
    client.create_user(&user).await.unwrap();
}

#[tokio::test]
async fn user_list_decodes_connection_caps_and_optional_quota_windows() {
    let (server, client) = panel().await;
    expect(&server, &endpoints::USER_LIST, json!({}), "user_list", 200).await;
    let users = client.list_users(None).await.unwrap();
    let ids: Vec<i64> = users.iter().map(|u| u.id.0).collect();
    assert_eq!(ids, [4, 3, 2], "3.0 lists newest first");
    assert!(users.iter().all(|u| u.max_conn.is_some()));
    let with_quota = &users[2];
    assert_eq!(with_quota.max_conn, Some(7));
    let quota = with_quota.quota.as_ref().expect("quota keys");
    assert_eq!((quota.daily_quota, quota.monthly_quota), (gib(2), gib(20)));
    assert_eq!(quota.daily_used_bytes, Bytes(0));
    assert!(!quota.disabled_by_quota);
    assert!(users[0].quota.is_none() && users[1].quota.is_none());
}

#[tokio::test]
async fn an_update_from_the_listed_user_resends_its_connection_cap() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::USER_LIST,
        json!({"keyword": "fx_cust"}),
        "user_list",
        200,
    )
    .await;
    let body = json!({"id":3,"user":"fx_cust2","flow":60,"num":10,"expTime":EXPIRY,
        "flowResetTime":15,"status":1,"maxConn":0});
    expect(&server, &endpoints::USER_UPDATE, body, "user_update", 200).await;
    let users = client.list_users(Some("fx_cust")).await.unwrap();
    let mut update = UserUpdate::from_user(users.iter().find(|u| u.id == UserId(3)).unwrap());
    update.flow = gib(60);
    let warnings = client.update_user(&update).await.unwrap();
    assert!(warnings.is_empty());
}

#[tokio::test]
async fn update_warnings_are_returned_once_each() {
    let (server, client) = panel().await;
    let body = json!({"id":2,"user":"fx_cust1","flow":100,"num":3,"expTime":EXPIRY,
        "flowResetTime":1,"status":1,"maxConn":8});
    expect(
        &server,
        &endpoints::USER_UPDATE,
        body,
        "user_update_warnings_node_offline",
        200,
    )
    .await;
    let update = UserUpdate {
        id: UserId(2),
        user: "fx_cust1".into(),
        password: None,
        flow: gib(100),
        num: 3,
        exp_time: EpochMs(EXPIRY),
        flow_reset_time: ResetDay::day(1).unwrap(),
        status: Status::Enabled,
        group_ids: None,
        max_conn: Some(8),
        quota_limits: QuotaLimits::KEEP,
    };
    let warnings = client.update_user(&update).await.unwrap();
    // The panel repeats both per active forward (3 here).
    assert_eq!(
        warnings.warnings,
        [
            "节点 1 连接限制器下发失败: 连接限制器下发失败: 节点不在线",
            "节点 local-v3-node 不在线，已跳过下发"
        ]
    );

    let (server, client) = panel().await;
    let body = json!({"id":5,"name":"fx_f4","remoteAddr":"8.8.4.4:53"});
    expect(
        &server,
        &endpoints::FORWARD_UPDATE,
        body,
        "forward_update_warnings_node_offline",
        200,
    )
    .await;
    let mut patch = ForwardPatch::new(ForwardId(5));
    patch.name = Some("fx_f4".into());
    patch.remote_addr = Some("8.8.4.4:53".into());
    assert_eq!(
        client.update_forward(&patch).await.unwrap().warnings.len(),
        2
    );
}

#[tokio::test]
async fn the_package_of_a_3_0_customer_and_its_refused_token() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::USER_PACKAGE,
        json!({}),
        "user_package",
        200,
    )
    .await;
    let package = client.package().await.unwrap();
    assert_eq!(package.user_info.user, "fx_cust1");
    assert_eq!(
        package.user_info.max_conn, None,
        "user/package has no maxConn"
    );

    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::USER_PACKAGE,
        json!({}),
        "user_package_disabled_401",
        200,
    )
    .await;
    let err = client.package().await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
}

#[tokio::test]
async fn quota_reset_sends_the_scope_and_keeps_refusals_verbatim() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::USER_QUOTA_RESET,
        json!({"userId":2,"scope":"all"}),
        "user_quota_reset",
        200,
    )
    .await;
    client
        .reset_quota(UserId(2), QuotaScope::All)
        .await
        .unwrap();

    let (server, client) = panel().await;
    // No typed scope is invalid; the raw call shows how the panel refuses one.
    expect(
        &server,
        &endpoints::USER_QUOTA_RESET,
        json!({"userId":2,"scope":"weekly"}),
        "user_quota_reset_bad_scope",
        200,
    )
    .await;
    let err = client
        .call::<Value>(
            &endpoints::USER_QUOTA_RESET,
            &json!({"userId":2,"scope":"weekly"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(-2));
    assert_eq!(
        err.panel_message(),
        Some("unsupported quota reset scope: weekly")
    );
}

#[tokio::test]
async fn gone_users_and_bindings_are_not_found() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::USER_DELETE,
        json!({"id":999999}),
        "user_delete_not_found",
        200,
    )
    .await;
    expect(
        &server,
        &endpoints::BINDING_REMOVE,
        json!({"id":999999}),
        "binding_remove_unknown",
        200,
    )
    .await;
    let body = json!({"id":999999,"flow":50,"num":0,"expTime":EXPIRY,"flowResetTime":1,"speedId":null,"status":1});
    Mock::given(method("POST"))
        .and(path(endpoints::BINDING_UPDATE.path))
        .and(body_json(body))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("binding_update_unknown"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert!(
        client
            .delete_user(UserId(999_999))
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        client
            .remove_binding(BindingId(999_999))
            .await
            .unwrap_err()
            .is_not_found()
    );
    let update = BindingUpdate {
        id: BindingId(999_999),
        flow: gib(50),
        num: 0,
        exp_time: EpochMs(EXPIRY),
        flow_reset_time: ResetDay::day(1).unwrap(),
        speed_id: None,
        status: Status::Enabled,
    };
    let err = client.update_binding(&update).await.unwrap_err();
    assert_eq!(err.panel_message(), Some(panel_messages::NO_ROWS));
    assert!(err.is_not_found());
}

#[tokio::test]
async fn bindings_report_their_real_status() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::BINDING_LIST,
        json!({"userId":3}),
        "binding_list_disabled",
        200,
    )
    .await;
    let bindings = client.list_bindings(UserId(3)).await.unwrap();
    assert_eq!(bindings[0].status, Status::Disabled);
    assert_eq!(bindings[0].num, 0);
}

#[tokio::test]
async fn speed_limits_no_longer_belong_to_a_tunnel() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::SPEED_LIMIT_LIST,
        json!({}),
        "speed_limit_list",
        200,
    )
    .await;
    let limits = client.list_speed_limits().await.unwrap();
    assert_eq!(limits[0].id, SpeedLimitId(2));
    assert!(limits.iter().all(|l| l.tunnel_id.is_none()));
    assert!(limits[0].updated_time.is_some());
}

#[tokio::test]
async fn tunnels_and_forwards_decode_with_their_3_0_keys() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::TUNNEL_LIST,
        json!({}),
        "tunnel_list",
        200,
    )
    .await;
    expect(
        &server,
        &endpoints::FORWARD_LIST,
        json!({}),
        "forward_list",
        200,
    )
    .await;
    let tunnels = client.list_tunnels().await.unwrap();
    assert_eq!(tunnels[0].id, TunnelId(1));
    let forwards = client.list_forwards().await.unwrap();
    let ids: Vec<i64> = forwards.iter().map(|f| f.id.0).collect();
    assert_eq!(ids, [4, 3, 2], "newest first");
    let f = &forwards[0];
    assert_eq!((f.max_conn, f.ip_max_conn), (Some(0), Some(0)));
    assert_eq!(f.tunnel_traffic_ratio, Some(1.0));
    assert_eq!(f.proxy_protocol_send, Some(0));
    assert_eq!(f.speed_id, None, "present only when set");
}

#[tokio::test]
async fn refusals_of_customer_forwards() {
    let (server, client) = panel().await;
    let ssrf = json!({"tunnelId":1,"name":"fx_ssrf","remoteAddr":"127.0.0.1:80"});
    expect(
        &server,
        &endpoints::FORWARD_CREATE,
        ssrf,
        "forward_create_ssrf_refused",
        200,
    )
    .await;
    let limit = json!({"tunnelId":1,"name":"fx_f4","remoteAddr":"8.8.4.4:53"});
    expect(
        &server,
        &endpoints::FORWARD_CREATE,
        limit,
        "forward_create_num_limit",
        200,
    )
    .await;
    expect(
        &server,
        &endpoints::FORWARD_RESUME,
        json!({"id":2}),
        "forward_resume_num_limit",
        200,
    )
    .await;
    let forward = |name: &str, target: &str| NewForward {
        tunnel_id: TunnelId(1),
        name: name.into(),
        remote_addr: target.into(),
        in_port: None,
        strategy: None,
    };
    let err = client
        .create_forward(&forward("fx_ssrf", "127.0.0.1:80"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TargetRefused { .. }), "{err:?}");
    let err = client
        .create_forward(&forward("fx_f4", "8.8.4.4:53"))
        .await
        .unwrap_err();
    assert_eq!(err.panel_message(), Some(gate::FORWARD_LIMIT));
    let err = client.resume_forward(ForwardId(2)).await.unwrap_err();
    assert_eq!(err.panel_message(), Some(gate::FORWARD_LIMIT));
}

#[tokio::test]
async fn batch_answers_name_their_failures_on_3_0_and_only_count_on_2_1() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::FORWARD_BATCH_RESUME,
        json!({"ids":[2,999999]}),
        "forward_batch_resume_failures",
        200,
    )
    .await;
    expect(
        &server,
        &endpoints::FORWARD_BATCH_PAUSE,
        json!({"ids":[3]}),
        "forward_batch_pause",
        200,
    )
    .await;
    let result = client
        .resume_forwards(&[ForwardId(2), ForwardId(999_999)])
        .await
        .unwrap();
    assert_eq!((result.success_count, result.fail_count), (0, 2));
    assert_eq!(result.failures[0].reason, gate::FORWARD_LIMIT);
    assert_eq!(result.failures[1].name, None);
    assert!(
        client
            .pause_forwards(&[ForwardId(3)])
            .await
            .unwrap()
            .all_succeeded()
    );

    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::FORWARD_BATCH_RESUME,
        json!({"ids":[3,999999]}),
        "forward_batch_resume_v21_failures",
        200,
    )
    .await;
    let result = client
        .resume_forwards(&[ForwardId(3), ForwardId(999_999)])
        .await
        .unwrap();
    assert_eq!((result.success_count, result.fail_count), (1, 1));
    assert!(result.failures.is_empty());
}

#[tokio::test]
async fn forward_traffic_reset() {
    let (server, client) = panel().await;
    expect(
        &server,
        &endpoints::FORWARD_RESET_FLOW,
        json!({"id":2}),
        "forward_reset_flow",
        200,
    )
    .await;
    expect(
        &server,
        &endpoints::FORWARD_RESET_FLOW,
        json!({"id":999999}),
        "forward_reset_flow_unknown",
        200,
    )
    .await;
    client.reset_forward_traffic(ForwardId(2)).await.unwrap();
    let err = client
        .reset_forward_traffic(ForwardId(999_999))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}
