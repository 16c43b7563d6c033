//! One test per typed operation, against response bodies recorded from a real FLVX panel.
//!
//! Every file in `tests/fixtures/` is the raw body a real panel (flvx go-backend, commit
//! `088027d`) answered to a probe, copied byte for byte. The only edit is in
//! `user_login.json`, whose token is replaced by a fake JWT-shaped value (real claims,
//! fake signature). The one exception is `forward_update_contract.json`: no `forward/update`
//! call was recorded, so that fixture is written from the contract (panel behaviour §5.19:
//! `data` none, so the key is absent, §1.3), and `node_list_contract.json`, written from the
//! Go `Node` model's JSON names (`id`, `name`, `ip`, `serverIp`, `portSta`, `portEnd`,
//! `status`, …) because no `node/list` answer was recorded.
//!
//! Each test mounts its fixture on the endpoint's path and matches the exact body the SDK
//! must send and the raw token header. The test expects exactly one call. A low-priority
//! catch-all answers anything else with HTTP 500, so an unexpected request fails loudly.

use flvx_api::endpoints::{self, AuthLevel, Endpoint};
use flvx_api::ids::{
    BindingId, ForwardId, SpeedLimitId, TunnelGroupId, TunnelId, UserGroupId, UserId,
};
use flvx_api::models::{
    BatchResult, BindingAssign, BindingUpdate, ForwardPatch, NewForward, NewUser, ResetTarget,
    TunnelKind, UserUpdate,
};
use flvx_api::units::{BYTES_PER_GIB, Bytes, EpochMs, Gib, Mbps, ResetDay, Status};
use flvx_api::{Credentials, Error, ExposeSecret, FlvxApi, FlvxClient, panel_messages};
use serde_json::{Value, json};
use std::path::PathBuf;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The pre-issued token every client here uses (token credentials never log in). It is
/// JWT-shaped like a 2.1 token (no `iat_ms`), so the client knows the panel's line without
/// a probe; `client_endpoints_v3.rs` uses a 3.0 one.
const TOKEN: &str = "eyJhbGciOiJIbWFjU0hBMjU2IiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwiaWF0IjoxNzcxNzAwMDAwLCJleHAiOjQxMDI0NDQ4MDAsInVzZXIiOiJhZG1pbl91c2VyIiwicm9sZV9pZCI6MH0.fixture-signature";
/// A customer's token, for `acting_as`.
const CUSTOMER_TOKEN: &str = "customer-fixture-token";
/// The 403 message the panel's middleware gives a non-admin token.
const ADMIN_ONLY: &str = "权限不足，仅管理员可操作";

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The raw bytes of `tests/fixtures/<name>.json`.
fn fixture(name: &str) -> Vec<u8> {
    let file = fixture_dir().join(format!("{name}.json"));
    std::fs::read(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap_or_else(|e| panic!("{name}.json: {e}"))
}

/// A mock server with the catch-all already mounted, and a client on it.
async fn panel_with(credentials: Credentials) -> (MockServer, FlvxClient) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|req: &Request| {
            ResponseTemplate::new(500).set_body_string(format!(
                "unexpected request: {} {} {}",
                req.method,
                req.url.path(),
                String::from_utf8_lossy(&req.body)
            ))
        })
        .with_priority(u8::MAX)
        .expect(0)
        .named("catch-all (unexpected request)")
        .mount(&server)
        .await;
    let client = FlvxClient::builder(server.uri(), credentials)
        .build()
        .unwrap();
    (server, client)
}

async fn panel() -> (MockServer, FlvxClient) {
    panel_with(Credentials::token(TOKEN)).await
}

/// Expects exactly one call of `endpoint` with exactly `body`, authenticated with `token`
/// (or with no `Authorization` header at all for a public endpoint), and answers it with
/// the fixture, as the panel did: HTTP 200 and a JSON body.
async fn expect_call_as(
    server: &MockServer,
    token: &str,
    endpoint: &Endpoint,
    body: Value,
    fixture_name: &str,
) {
    let mock = Mock::given(method(endpoint.method.as_str()))
        .and(path(endpoint.path))
        .and(body_json(body));
    let mock = match endpoint.auth {
        AuthLevel::Public => mock.and(|req: &Request| !req.headers.contains_key("authorization")),
        AuthLevel::User | AuthLevel::Admin => mock.and(header("Authorization", token)),
    };
    mock.respond_with(
        ResponseTemplate::new(200)
            .set_body_raw(fixture(fixture_name), "application/json; charset=utf-8"),
    )
    .expect(1)
    .named(fixture_name)
    .mount(server)
    .await;
}

async fn expect_call(server: &MockServer, endpoint: &Endpoint, body: Value, fixture_name: &str) {
    expect_call_as(server, TOKEN, endpoint, body, fixture_name).await;
}

fn gib(n: u64) -> Gib {
    Gib::new(n).unwrap()
}

fn day(d: u8) -> ResetDay {
    ResetDay::day(d).unwrap()
}

/// `err` is the panel's refusal `code`/`msg` on `endpoint`, kept verbatim.
fn assert_api_error(err: &Error, endpoint: &Endpoint, code: i64, msg: &str) {
    match err {
        Error::Api {
            path,
            code: got_code,
            msg: got_msg,
        } => {
            assert_eq!(*path, endpoint.path);
            assert_eq!(*got_code, code);
            assert_eq!(got_msg, msg);
        }
        other => panic!("expected Error::Api({code}, {msg}), got {other:?}"),
    }
    assert_eq!(err.code(), Some(code));
    assert_eq!(err.panel_message(), Some(msg));
    assert!(!err.is_retryable(), "{err}");
}

fn assert_forbidden(err: &Error, endpoint: &Endpoint) {
    match err {
        Error::Forbidden { path, msg } => {
            assert_eq!(*path, endpoint.path);
            assert_eq!(msg, ADMIN_ONLY);
        }
        other => panic!("expected Error::Forbidden, got {other:?}"),
    }
    assert_eq!(err.code(), Some(403));
    assert!(!err.is_not_found());
}

// ---------------------------------------------------------------------------------------
// The fixture set itself
// ---------------------------------------------------------------------------------------

fn fixture_stems() -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    stems
}

/// The endpoint a fixture belongs to: its stem is `<endpoint name>[_case]`.
fn endpoint_of(stem: &str) -> Option<&'static Endpoint> {
    endpoints::ALL
        .iter()
        .filter(|e| stem == e.name || stem.starts_with(&format!("{}_", e.name)))
        .max_by_key(|e| e.name.len())
}

#[test]
fn every_fixture_is_a_panel_envelope_of_a_known_endpoint_and_is_used() {
    let stems = fixture_stems();
    assert!(stems.len() >= 62, "fixtures went missing: {stems:?}");
    let source = include_str!("client_endpoints.rs");
    for stem in &stems {
        let body = fixture_json(stem);
        let code = body["code"].as_i64();
        assert!(code.is_some(), "{stem}: no integer code");
        assert!(body["msg"].is_string(), "{stem}: no msg");
        assert!(body["ts"].is_i64(), "{stem}: no integer ts");
        if code != Some(0) {
            assert!(body.get("data").is_none(), "{stem}: an error carries data");
        }
        assert!(endpoint_of(stem).is_some(), "{stem}: names no endpoint");
        assert!(
            source.contains(&format!("\"{stem}\"")),
            "{stem}.json is not used by any test"
        );
    }
}

#[test]
fn every_endpoint_but_login_has_a_fixture() {
    // Endpoints that only 3.0 has are recorded in `fixtures/v3` (client_endpoints_v3.rs).
    let mut stems = fixture_stems();
    for entry in std::fs::read_dir(fixture_dir().join("v3")).unwrap() {
        let path = entry.unwrap().path();
        stems.push(path.file_stem().unwrap().to_string_lossy().into_owned());
    }
    for endpoint in endpoints::ALL {
        if endpoint.name == endpoints::USER_LOGIN.name {
            continue;
        }
        assert!(
            stems
                .iter()
                .any(|s| endpoint_of(s).is_some_and(|e| e.name == endpoint.name)),
            "no fixture for {} ({})",
            endpoint.name,
            endpoint.path
        );
    }
}

#[test]
fn only_forward_update_and_node_list_are_written_from_the_contract() {
    let contract: Vec<String> = fixture_stems()
        .into_iter()
        .filter(|s| s.ends_with("_contract"))
        .collect();
    assert_eq!(contract, ["forward_update_contract", "node_list_contract"]);
}

#[test]
fn the_login_fixture_holds_only_a_fake_token() {
    let body = fixture_json("user_login");
    let token = body["data"]["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT-shaped");
    assert!(token.ends_with(".Zml4dHVyZS1zaWduYXR1cmUtbm90LWEtcmVhbC1obWFj"));
    for stem in fixture_stems() {
        if stem != "user_login" {
            let text = String::from_utf8(fixture(&stem)).unwrap();
            assert!(!text.contains("eyJ"), "{stem} holds a token");
        }
    }
}

// ---------------------------------------------------------------------------------------
// user/login (through password credentials; not a trait method)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn login_takes_the_raw_token_from_the_real_answer_and_reuses_it() {
    let (server, client) = panel_with(Credentials::password("admin_user", "admin_user")).await;
    let token = fixture_json("user_login")["data"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    expect_call(
        &server,
        &endpoints::USER_LOGIN,
        json!({"username": "admin_user", "password": "admin_user"}),
        "user_login",
    )
    .await;
    expect_call_as(
        &server,
        &token,
        &endpoints::USER_GROUPS,
        json!({"id": 2}),
        "user_groups",
    )
    .await;

    assert_eq!(client.token().await.unwrap().expose_secret(), token);
    let groups = client.user_groups_of(UserId(2)).await.unwrap();
    assert_eq!(groups, [UserGroupId(1)]);
}

async fn login_error(username: &str, password: &str, fixture_name: &str) -> Error {
    let (server, client) = panel_with(Credentials::password(username, password)).await;
    expect_call(
        &server,
        &endpoints::USER_LOGIN,
        json!({"username": username, "password": password}),
        fixture_name,
    )
    .await;
    client.list_tunnels().await.unwrap_err()
}

#[tokio::test]
async fn login_validation_errors_with_code_500_are_login_rejections() {
    let err = login_error("", "admin_user", "user_login_blank_username").await;
    assert!(
        matches!(&err, Error::LoginRejected { msg } if msg == "用户名不能为空"),
        "{err:?}"
    );
    let err = login_error("admin_user", "  ", "user_login_blank_password").await;
    assert!(
        matches!(&err, Error::LoginRejected { msg } if msg == "密码不能为空"),
        "{err:?}"
    );
    assert_eq!(err.panel_message(), Some("密码不能为空"));
}

#[tokio::test]
async fn login_refusals_keep_the_panel_message() {
    let err = login_error("admin_user", "nope", "user_login_wrong_password").await;
    assert!(
        matches!(&err, Error::LoginRejected { msg } if msg == panel_messages::BAD_CREDENTIALS),
        "{err:?}"
    );
    let err = login_error("bob", "bobpw2", "user_login_disabled").await;
    assert!(
        matches!(&err, Error::LoginRejected { msg } if msg == "账号被停用"),
        "{err:?}"
    );
}

#[tokio::test]
async fn login_behind_a_captcha_is_a_captcha_error() {
    let err = login_error("admin_user", "admin_user", "user_login_captcha_failed").await;
    assert!(
        matches!(&err, Error::CaptchaRequired { msg } if msg == panel_messages::CAPTCHA_FAILED),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------
// captcha/check
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn captcha_required_is_false_for_data_0_without_a_token() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::CAPTCHA_CHECK,
        json!({}),
        "captcha_check",
    )
    .await;
    assert!(!client.captcha_required().await.unwrap());
}

#[tokio::test]
async fn captcha_required_is_true_for_data_1() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::CAPTCHA_CHECK,
        json!({}),
        "captcha_check_enabled",
    )
    .await;
    assert!(client.captcha_required().await.unwrap());
}

// ---------------------------------------------------------------------------------------
// user/*
// ---------------------------------------------------------------------------------------

fn alice() -> NewUser {
    NewUser {
        user: "alice".into(),
        password: "alicepw".into(),
        flow: gib(50),
        num: 5,
        exp_time: EpochMs::expiry(1_893_456_000_000).unwrap(),
        flow_reset_time: day(15),
        status: Status::Enabled,
        group_ids: None,
        max_conn: None,
        quota_limits: Default::default(),
    }
}

/// What `create_user(&alice())` must send: every key, numbers as JSON integers.
fn alice_create_body() -> Value {
    json!({"user": "alice", "pwd": "alicepw", "flow": 50, "num": 5,
        "expTime": 1_893_456_000_000_i64, "flowResetTime": 15, "status": 1})
}

#[tokio::test]
async fn create_user_sends_every_field_as_integers() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_CREATE,
        alice_create_body(),
        "user_create",
    )
    .await;
    client.create_user(&alice()).await.unwrap();
}

#[tokio::test]
async fn create_user_with_groups_sends_their_ids() {
    let (server, client) = panel().await;
    let mut body = alice_create_body();
    body["groupIds"] = json!([1, 2]);
    expect_call(&server, &endpoints::USER_CREATE, body, "user_create").await;
    let user = NewUser {
        group_ids: Some(vec![UserGroupId(1), UserGroupId(2)]),
        max_conn: None,
        quota_limits: Default::default(),
        ..alice()
    };
    client.create_user(&user).await.unwrap();
}

#[tokio::test]
async fn create_user_with_a_taken_name_is_an_api_error() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_CREATE,
        alice_create_body(),
        "user_create_name_taken",
    )
    .await;
    let err = client.create_user(&alice()).await.unwrap_err();
    assert_api_error(&err, &endpoints::USER_CREATE, -1, "用户名已存在");
    assert_eq!(err.panel_message(), Some(panel_messages::NAME_TAKEN));
    assert!(!err.is_not_found());
}

#[tokio::test]
async fn create_user_with_a_customer_token_is_forbidden() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_CREATE,
        alice_create_body(),
        "user_create_forbidden",
    )
    .await;
    let err = client.create_user(&alice()).await.unwrap_err();
    assert_forbidden(&err, &endpoints::USER_CREATE);
}

fn bob2_update() -> UserUpdate {
    UserUpdate {
        id: UserId(3),
        user: "bob2".into(),
        password: Some("bobpw2".into()),
        flow: gib(20),
        num: 2,
        exp_time: EpochMs::expiry(1_900_000_000_000).unwrap(),
        flow_reset_time: day(10),
        status: Status::Disabled,
        group_ids: None,
        max_conn: None,
        quota_limits: Default::default(),
    }
}

#[tokio::test]
async fn update_user_sends_the_full_record() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_UPDATE,
        json!({"id": 3, "user": "bob2", "pwd": "bobpw2", "flow": 20, "num": 2,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 10, "status": 0}),
        "user_update",
    )
    .await;
    client.update_user(&bob2_update()).await.unwrap();
}

#[tokio::test]
async fn update_user_without_password_keeps_it_and_sends_group_ids() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_UPDATE,
        json!({"id": 3, "user": "bob2", "flow": 20, "num": 2,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 10, "status": 0,
            "groupIds": []}),
        "user_update",
    )
    .await;
    let update = UserUpdate {
        password: None,
        group_ids: Some(vec![]),
        max_conn: None,
        quota_limits: Default::default(),
        ..bob2_update()
    };
    client.update_user(&update).await.unwrap();
}

#[tokio::test]
async fn update_user_of_an_unknown_id_is_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_UPDATE,
        json!({"id": 999, "user": "zzz", "flow": 20, "num": 2,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 10, "status": 0}),
        "user_update_not_found",
    )
    .await;
    let update = UserUpdate {
        id: UserId(999),
        user: "zzz".into(),
        password: None,
        ..bob2_update()
    };
    let err = client.update_user(&update).await.unwrap_err();
    assert_api_error(&err, &endpoints::USER_UPDATE, -1, "用户不存在");
    assert!(err.is_not_found());
}

#[tokio::test]
async fn update_user_to_a_taken_name_is_an_api_error() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_UPDATE,
        json!({"id": 3, "user": "alice", "flow": 20, "num": 2,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 10, "status": 0}),
        "user_update_name_taken",
    )
    .await;
    let update = UserUpdate {
        user: "alice".into(),
        password: None,
        ..bob2_update()
    };
    let err = client.update_user(&update).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::USER_UPDATE,
        -1,
        panel_messages::NAME_TAKEN,
    );
    assert!(!err.is_not_found());
}

#[tokio::test]
async fn update_user_of_the_admin_is_refused() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_UPDATE,
        json!({"id": 1, "user": "admin_user", "flow": 20, "num": 2,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 10, "status": 0}),
        "user_update_admin",
    )
    .await;
    let update = UserUpdate {
        id: UserId(1),
        user: "admin_user".into(),
        password: None,
        ..bob2_update()
    };
    let err = client.update_user(&update).await.unwrap_err();
    assert_api_error(&err, &endpoints::USER_UPDATE, -1, "请不要作死");
}

#[tokio::test]
async fn delete_user_sends_the_id() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_DELETE,
        json!({"id": 5}),
        "user_delete",
    )
    .await;
    client.delete_user(UserId(5)).await.unwrap();
}

#[tokio::test]
async fn delete_user_of_an_unknown_id_is_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_DELETE,
        json!({"id": 999}),
        "user_delete_not_found",
    )
    .await;
    let err = client.delete_user(UserId(999)).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::USER_DELETE,
        -1,
        panel_messages::USER_NOT_FOUND,
    );
    assert!(err.is_not_found());
}

#[tokio::test]
async fn list_users_decodes_quota_expiry_reset_day_and_counters() {
    let (server, client) = panel().await;
    expect_call(&server, &endpoints::USER_LIST, json!({}), "user_list").await;
    let users = client.list_users(None).await.unwrap();

    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    assert_eq!(ids, [UserId(2), UserId(3), UserId(4)]);
    let alice = &users[0];
    assert_eq!(alice.user, "alice");
    assert_eq!(alice.role_id, Some(1));
    assert_eq!(alice.status, Status::Enabled);
    assert_eq!(alice.flow, gib(50));
    assert_eq!(alice.flow.to_bytes(), Bytes(50 * BYTES_PER_GIB));
    assert_eq!(alice.num, 5);
    assert_eq!(alice.exp_time, EpochMs(1_893_456_000_000));
    assert_eq!(alice.flow_reset_time, day(15));
    assert_eq!(alice.created_time, Some(EpochMs(1_795_470_938_118)));
    assert_eq!(alice.updated_time, Some(EpochMs(1_795_470_938_118)));
    assert_eq!(alice.in_flow, Bytes(0));
    assert_eq!(alice.out_flow, Bytes(0));
    assert_eq!(alice.used(), Bytes(0));

    // bob was created with panel defaults: 100 GiB, 10 forwards, now + 365 d, day 1.
    let bob = &users[1];
    assert_eq!(bob.user, "bob");
    assert_eq!(bob.flow.get(), 100);
    assert_eq!(bob.num, 10);
    assert_eq!(bob.exp_time, EpochMs(1_827_006_938_352));
    assert_eq!(bob.flow_reset_time.get(), 1);

    // carol was created with string numbers, which the panel coerced.
    let carol = &users[2];
    assert_eq!(
        (carol.user.as_str(), carol.flow.get(), carol.num),
        ("carol", 7, 3)
    );
}

#[tokio::test]
async fn list_users_with_a_keyword_sends_it() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_LIST,
        json!({"keyword": "ALI"}),
        "user_list_keyword",
    )
    .await;
    let users = client.list_users(Some("ALI")).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!((users[0].id, users[0].user.as_str()), (UserId(2), "alice"));
}

#[tokio::test]
async fn list_users_with_a_customer_token_is_forbidden() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_LIST,
        json!({}),
        "user_list_forbidden",
    )
    .await;
    let err = client.list_users(None).await.unwrap_err();
    assert_forbidden(&err, &endpoints::USER_LIST);
}

#[tokio::test]
async fn a_refused_pre_issued_token_is_unauthorized() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_LIST,
        json!({}),
        "user_list_unauthorized",
    )
    .await;
    let err = client.list_users(None).await.unwrap_err();
    match &err {
        Error::Unauthorized { path, msg } => {
            assert_eq!(*path, endpoints::USER_LIST.path);
            assert_eq!(msg, "无效的token或token已过期");
        }
        other => panic!("expected Error::Unauthorized, got {other:?}"),
    }
    assert_eq!(err.code(), Some(401));
}

#[tokio::test]
async fn package_decodes_user_bindings_and_forwards() {
    let (server, client) = panel().await;
    expect_call(&server, &endpoints::USER_PACKAGE, json!({}), "user_package").await;
    let package = client.package().await.unwrap();

    let me = &package.user_info;
    assert_eq!((me.id, me.user.as_str()), (UserId(2), "alice"));
    assert_eq!(me.role_id, None, "user/package has no roleId");
    assert_eq!(me.status, Status::Enabled);
    assert_eq!(me.flow, gib(60));
    assert_eq!(me.num, 6);
    assert_eq!(me.exp_time, EpochMs(1_920_000_000_000));
    assert_eq!(me.flow_reset_time, day(25));
    assert_eq!(me.created_time, Some(EpochMs(1_795_470_938_118)));
    assert_eq!(me.updated_time, Some(EpochMs(1_795_470_981_299)));
    assert_eq!(me.used(), Bytes(0));

    assert_eq!(package.tunnel_permissions.len(), 1);
    let binding = &package.tunnel_permissions[0];
    assert_eq!(binding.id, BindingId(1));
    assert_eq!(binding.user_id, UserId(2));
    assert_eq!(binding.tunnel_id, TunnelId(1));
    assert_eq!(binding.tunnel_name.as_deref(), Some("t-remote"));
    assert_eq!(binding.flow, gib(60));
    assert_eq!(binding.num, 6);
    assert_eq!(binding.exp_time, EpochMs(1_920_000_000_000));
    assert_eq!(binding.flow_reset_time, day(25));
    assert_eq!(binding.tunnel_flow, Some(2));
    assert_eq!(binding.speed_id, None);
    assert_eq!(binding.speed_limit_name, None);
    assert_eq!(binding.speed, None);
    assert_eq!(binding.used(), Bytes(0));

    assert_eq!(package.forwards.len(), 1);
    let forward = &package.forwards[0];
    assert_eq!(forward.id, ForwardId(2));
    assert_eq!(forward.name, "fw-alice");
    assert_eq!(
        forward.user_id, None,
        "user/package forwards carry no userId"
    );
    assert_eq!(forward.user_name, None);
    assert_eq!(forward.tunnel_id, TunnelId(1));
    assert_eq!(forward.tunnel_name.as_deref(), Some("t-remote"));
    assert_eq!(forward.in_ip.as_deref(), Some("127.0.0.1:30008"));
    assert_eq!(forward.in_port, Some(30008));
    assert_eq!(forward.remote_addr, "8.8.8.8:53");
    assert_eq!(forward.strategy, None);
    assert_eq!(forward.in_flow, Bytes(0));
    assert_eq!(forward.out_flow, Bytes(0));
    assert_eq!(forward.created_time, Some(EpochMs(1_795_470_994_939)));
    assert!(forward.is_running());
}

#[tokio::test]
async fn package_of_the_admin_is_unlimited_and_empty() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_PACKAGE,
        json!({}),
        "user_package_admin",
    )
    .await;
    let package = client.package().await.unwrap();
    let admin = &package.user_info;
    assert_eq!((admin.id, admin.user.as_str()), (UserId(1), "admin_user"));
    assert_eq!(admin.flow, Gib::UNLIMITED);
    assert!(admin.flow.is_unlimited());
    assert_eq!(admin.num, 99_999);
    assert_eq!(admin.exp_time, EpochMs::FAR_FUTURE);
    assert_eq!(admin.created_time, Some(EpochMs(1_748_914_865_000)));
    assert_eq!(admin.updated_time, Some(EpochMs(1_754_011_744_252)));
    assert!(package.tunnel_permissions.is_empty());
    assert!(package.forwards.is_empty());
}

#[tokio::test]
async fn reset_traffic_of_a_user_sends_type_1() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_RESET,
        json!({"id": 2, "type": 1}),
        "user_reset",
    )
    .await;
    client
        .reset_traffic(ResetTarget::User(UserId(2)))
        .await
        .unwrap();
}

#[tokio::test]
async fn reset_traffic_of_a_binding_sends_type_2() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_RESET,
        json!({"id": 2, "type": 2}),
        "user_reset_binding",
    )
    .await;
    client
        .reset_traffic(ResetTarget::Binding(BindingId(2)))
        .await
        .unwrap();
}

#[tokio::test]
async fn user_groups_of_decodes_group_ids() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_GROUPS,
        json!({"id": 2}),
        "user_groups",
    )
    .await;
    assert_eq!(
        client.user_groups_of(UserId(2)).await.unwrap(),
        [UserGroupId(1)]
    );
}

#[tokio::test]
async fn user_groups_of_a_user_in_no_group_is_empty() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_GROUPS,
        json!({"id": 4}),
        "user_groups_empty",
    )
    .await;
    assert!(client.user_groups_of(UserId(4)).await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// tunnel/*
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn list_tunnels_decodes_kind_multiplier_and_ratio() {
    let (server, client) = panel().await;
    expect_call(&server, &endpoints::TUNNEL_LIST, json!({}), "tunnel_list").await;
    let tunnels = client.list_tunnels().await.unwrap();
    assert_eq!(tunnels.len(), 2);

    let first = &tunnels[0];
    assert_eq!((first.id, first.name.as_str()), (TunnelId(1), "t-remote"));
    assert_eq!(first.kind, TunnelKind::PortForward);
    assert_eq!(first.traffic_multiplier, 2);
    assert_eq!(first.traffic_ratio, 1.5);
    assert_eq!(first.status, Status::Enabled);
    assert_eq!(first.in_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(first.entry_addresses(), ["127.0.0.1"]);
    assert_eq!(first.ip_preference.as_deref(), Some(""));
    assert_eq!(first.inx, Some(0));
    assert_eq!(first.created_time, Some(EpochMs(1_795_470_962_263)));

    let second = &tunnels[1];
    assert_eq!(
        (second.id, second.name.as_str()),
        (TunnelId(2), "t-remote-2")
    );
    assert_eq!(second.traffic_multiplier, 1);
    assert_eq!(
        second.traffic_ratio, 1.0,
        "an integer ratio reads as a float"
    );
    assert_eq!(second.inx, Some(1));
}

#[tokio::test]
async fn list_nodes_decodes_addresses_and_the_port_range() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::NODE_LIST,
        json!({}),
        "node_list_contract",
    )
    .await;
    let nodes = client.list_nodes().await.unwrap();
    assert_eq!(nodes.len(), 1);
    let node = &nodes[0];
    assert_eq!((node.id.0, node.name.as_str()), (2, "hk-1"));
    assert_eq!(node.addresses(), ["203.0.113.21", "203.0.113.20"]);
    assert_eq!(node.port_range(), Some((20_000, 30_000)));
}

#[tokio::test]
async fn list_tunnels_names_their_entry_nodes() {
    let (server, client) = panel().await;
    expect_call(&server, &endpoints::TUNNEL_LIST, json!({}), "tunnel_list").await;
    let tunnels = client.list_tunnels().await.unwrap();
    assert_eq!(tunnels[0].entry_nodes(), [flvx_api::ids::NodeId(2)]);
}

#[tokio::test]
async fn list_tunnels_with_a_customer_token_is_forbidden() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::TUNNEL_LIST,
        json!({}),
        "tunnel_list_forbidden",
    )
    .await;
    let err = client.list_tunnels().await.unwrap_err();
    assert_forbidden(&err, &endpoints::TUNNEL_LIST);
}

#[tokio::test]
async fn get_tunnel_sends_the_id() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::TUNNEL_GET,
        json!({"id": 1}),
        "tunnel_get",
    )
    .await;
    let tunnel = client.get_tunnel(TunnelId(1)).await.unwrap();
    assert_eq!(tunnel.id, TunnelId(1));
    assert_eq!(tunnel.name, "t-remote");
    assert_eq!(tunnel.kind, TunnelKind::PortForward);
    assert_eq!(tunnel.traffic_multiplier, 2);
    assert_eq!(tunnel.traffic_ratio, 1.5);
    assert_eq!(tunnel.status, Status::Enabled);
    assert_eq!(tunnel.entry_addresses(), ["127.0.0.1"]);
}

#[tokio::test]
async fn get_tunnel_of_an_unknown_id_is_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::TUNNEL_GET,
        json!({"id": 999}),
        "tunnel_get_not_found",
    )
    .await;
    let err = client.get_tunnel(TunnelId(999)).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::TUNNEL_GET,
        -1,
        panel_messages::TUNNEL_NOT_FOUND,
    );
    assert!(err.is_not_found());
}

// ---------------------------------------------------------------------------------------
// tunnel/user/* (bindings)
// ---------------------------------------------------------------------------------------

fn bob_on_tunnel_1() -> BindingAssign {
    BindingAssign {
        user_id: UserId(3),
        tunnel_id: TunnelId(1),
        flow: gib(7),
        num: 3,
        exp_time: EpochMs::expiry(1_900_000_000_000).unwrap(),
        flow_reset_time: day(5),
        status: Status::Enabled,
        speed_id: Some(SpeedLimitId(1)),
    }
}

#[tokio::test]
async fn assign_binding_sends_every_key() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_ASSIGN,
        json!({"userId": 3, "tunnelId": 1, "flow": 7, "num": 3,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 5, "status": 1, "speedId": 1}),
        "binding_assign",
    )
    .await;
    client.assign_binding(&bob_on_tunnel_1()).await.unwrap();
}

#[tokio::test]
async fn assign_binding_without_speed_limit_sends_null_speed_id() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_ASSIGN,
        json!({"userId": 2, "tunnelId": 1, "flow": 50, "num": 5,
            "expTime": 1_893_456_000_000_i64, "flowResetTime": 15, "status": 1,
            "speedId": null}),
        "binding_assign_no_speed",
    )
    .await;
    let assign = BindingAssign {
        user_id: UserId(2),
        tunnel_id: TunnelId(1),
        flow: gib(50),
        num: 5,
        exp_time: EpochMs::expiry(1_893_456_000_000).unwrap(),
        flow_reset_time: day(15),
        status: Status::Enabled,
        speed_id: None,
    };
    client.assign_binding(&assign).await.unwrap();
}

#[tokio::test]
async fn assign_binding_with_user_0_is_the_code_minus_2_error() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_ASSIGN,
        json!({"userId": 0, "tunnelId": 1, "flow": 7, "num": 3,
            "expTime": 1_900_000_000_000_i64, "flowResetTime": 5, "status": 1, "speedId": 1}),
        "binding_assign_missing_id",
    )
    .await;
    let assign = BindingAssign {
        user_id: UserId(0),
        ..bob_on_tunnel_1()
    };
    let err = client.assign_binding(&assign).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::BINDING_ASSIGN,
        -2,
        "userId or tunnelId missing",
    );
    assert!(!err.is_not_found());
}

#[tokio::test]
async fn batch_assign_bindings_sends_null_for_no_speed_limit() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_BATCH_ASSIGN,
        json!({"userId": 4, "tunnels": [
            {"tunnelId": 1, "speedId": 1},
            {"tunnelId": 2, "speedId": null}
        ]}),
        "binding_batch_assign",
    )
    .await;
    client
        .batch_assign_bindings(
            UserId(4),
            &[(TunnelId(1), Some(SpeedLimitId(1))), (TunnelId(2), None)],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn batch_assign_bindings_with_user_0_is_a_bad_request() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_BATCH_ASSIGN,
        json!({"userId": 0, "tunnels": [{"tunnelId": 1, "speedId": null}]}),
        "binding_batch_assign_bad_request",
    )
    .await;
    let err = client
        .batch_assign_bindings(UserId(0), &[(TunnelId(1), None)])
        .await
        .unwrap_err();
    assert_api_error(&err, &endpoints::BINDING_BATCH_ASSIGN, -1, "请求参数错误");
}

#[tokio::test]
async fn update_binding_sends_the_full_record() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_UPDATE,
        json!({"id": 2, "flow": 30, "num": 4, "expTime": 1_910_000_000_000_i64,
            "flowResetTime": 20, "speedId": 1, "status": 0}),
        "binding_update",
    )
    .await;
    let update = BindingUpdate {
        id: BindingId(2),
        flow: gib(30),
        num: 4,
        exp_time: EpochMs::expiry(1_910_000_000_000).unwrap(),
        flow_reset_time: day(20),
        speed_id: Some(SpeedLimitId(1)),
        status: Status::Disabled,
    };
    client.update_binding(&update).await.unwrap();
}

#[tokio::test]
async fn update_binding_without_speed_limit_sends_null() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_UPDATE,
        json!({"id": 2, "flow": 0, "num": 0, "expTime": 1_910_000_000_000_i64,
            "flowResetTime": 0, "speedId": null, "status": 1}),
        "binding_update",
    )
    .await;
    let update = BindingUpdate {
        id: BindingId(2),
        flow: gib(0),
        num: 0,
        exp_time: EpochMs::expiry(1_910_000_000_000).unwrap(),
        flow_reset_time: ResetDay::NEVER,
        speed_id: None,
        status: Status::Enabled,
    };
    client.update_binding(&update).await.unwrap();
}

#[tokio::test]
async fn remove_binding_sends_the_id() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_REMOVE,
        json!({"id": 3}),
        "binding_remove",
    )
    .await;
    client.remove_binding(BindingId(3)).await.unwrap();
}

#[tokio::test]
async fn remove_binding_of_an_unknown_id_succeeds() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_REMOVE,
        json!({"id": 999}),
        "binding_remove_unknown",
    )
    .await;
    client.remove_binding(BindingId(999)).await.unwrap();
}

#[tokio::test]
async fn list_bindings_decodes_speed_limits_and_null_speed() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_LIST,
        json!({"userId": 3}),
        "binding_list",
    )
    .await;
    let bindings = client.list_bindings(UserId(3)).await.unwrap();
    assert_eq!(bindings.len(), 2);

    let limited = &bindings[0];
    assert_eq!(limited.id, BindingId(2));
    assert_eq!(limited.user_id, UserId(3));
    assert_eq!(limited.tunnel_id, TunnelId(1));
    assert_eq!(limited.tunnel_name.as_deref(), Some("t-remote"));
    assert_eq!(limited.flow, gib(30));
    assert_eq!(limited.flow.to_bytes(), Bytes(30 * BYTES_PER_GIB));
    assert_eq!(limited.num, 4);
    assert_eq!(limited.exp_time, EpochMs(1_910_000_000_000));
    assert_eq!(limited.flow_reset_time, day(20));
    assert_eq!(limited.in_flow, Bytes(0));
    assert_eq!(limited.out_flow, Bytes(0));
    assert_eq!(limited.tunnel_flow, Some(2));
    assert_eq!(limited.speed_id, Some(SpeedLimitId(1)));
    assert_eq!(limited.speed_limit_name.as_deref(), Some("sl-10"));
    assert_eq!(limited.speed, None, "tunnel/user/list has no speed");

    let unlimited = &bindings[1];
    assert_eq!(unlimited.id, BindingId(7));
    assert_eq!(unlimited.tunnel_id, TunnelId(2));
    assert_eq!(unlimited.tunnel_name.as_deref(), Some("t-remote-2"));
    assert_eq!(unlimited.flow, gib(100));
    assert_eq!(unlimited.num, 10);
    assert_eq!(unlimited.exp_time, EpochMs(1_827_006_944_507));
    assert_eq!(unlimited.flow_reset_time, day(1));
    assert_eq!(unlimited.tunnel_flow, Some(1));
    assert_eq!(unlimited.speed_id, None);
    assert_eq!(unlimited.speed_limit_name, None);

    // What update_binding would send to keep it as listed.
    let keep = BindingUpdate::from_binding(limited, Status::Enabled);
    assert_eq!(keep.speed_id, Some(SpeedLimitId(1)));
    assert_eq!(keep.flow, gib(30));
}

#[tokio::test]
async fn list_bindings_with_a_customer_token_is_forbidden() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::BINDING_LIST,
        json!({"userId": 2}),
        "binding_list_forbidden",
    )
    .await;
    let err = client.list_bindings(UserId(2)).await.unwrap_err();
    assert_forbidden(&err, &endpoints::BINDING_LIST);
}

// ---------------------------------------------------------------------------------------
// speed-limit/list
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn list_speed_limits_decodes_mbps() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::SPEED_LIMIT_LIST,
        json!({}),
        "speed_limit_list",
    )
    .await;
    let limits = client.list_speed_limits().await.unwrap();
    assert_eq!(limits.len(), 1);
    let limit = &limits[0];
    assert_eq!(limit.id, SpeedLimitId(1));
    assert_eq!(limit.name, "sl-10");
    assert_eq!(limit.speed, Mbps(10));
    assert_eq!(limit.tunnel_id, Some(TunnelId(1)));
    assert_eq!(limit.tunnel_name.as_deref(), Some("t-remote"));
    assert_eq!(limit.status, Status::Enabled);
    assert_eq!(limit.created_time, Some(EpochMs(1_795_470_966_879)));
}

// ---------------------------------------------------------------------------------------
// forward/*
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn list_forwards_decodes_owner_entry_and_status() {
    let (server, client) = panel().await;
    expect_call(&server, &endpoints::FORWARD_LIST, json!({}), "forward_list").await;
    let forwards = client.list_forwards().await.unwrap();
    assert_eq!(forwards.len(), 2);

    let paused = &forwards[0];
    assert_eq!(paused.id, ForwardId(1));
    assert_eq!(paused.user_id, Some(UserId(1)));
    assert_eq!(paused.user_name.as_deref(), Some("admin_user"));
    assert_eq!(paused.name, "fw1");
    assert_eq!(paused.tunnel_id, TunnelId(1));
    assert_eq!(paused.tunnel_name.as_deref(), Some("t-remote"));
    assert_eq!(paused.in_ip.as_deref(), Some("127.0.0.1:30001"));
    assert_eq!(paused.in_port, Some(30001));
    assert_eq!(paused.remote_addr, "1.1.1.1:80");
    assert_eq!(paused.strategy.as_deref(), Some("fifo"));
    assert_eq!(paused.in_flow, Bytes(0));
    assert_eq!(paused.out_flow, Bytes(0));
    assert_eq!(paused.created_time, Some(EpochMs(1_795_470_990_823)));
    assert_eq!(paused.status, Status::Disabled);
    assert!(!paused.is_running());

    let running = &forwards[1];
    assert_eq!(running.id, ForwardId(2));
    assert_eq!(running.user_id, Some(UserId(2)));
    assert_eq!(running.user_name.as_deref(), Some("alice"));
    assert_eq!(running.name, "fw-alice");
    assert_eq!(running.in_port, Some(30008));
    assert_eq!(running.remote_addr, "8.8.8.8:53");
    assert_eq!(running.status, Status::Enabled);
    assert!(running.is_running());
}

fn fw1() -> NewForward {
    NewForward {
        tunnel_id: TunnelId(1),
        name: "fw1".into(),
        remote_addr: "1.1.1.1:80".into(),
        in_port: Some(30001),
        strategy: None,
    }
}

#[tokio::test]
async fn create_forward_sends_port_and_omits_default_strategy() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_CREATE,
        json!({"tunnelId": 1, "name": "fw1", "remoteAddr": "1.1.1.1:80", "inPort": 30001}),
        "forward_create",
    )
    .await;
    client.create_forward(&fw1()).await.unwrap();
}

#[tokio::test]
async fn create_forward_acting_as_a_customer_uses_the_customer_token() {
    let (server, client) = panel().await;
    expect_call_as(
        &server,
        CUSTOMER_TOKEN,
        &endpoints::FORWARD_CREATE,
        json!({"tunnelId": 1, "name": "fw-alice", "remoteAddr": "8.8.8.8:53",
            "strategy": "fifo"}),
        "forward_create_as_customer",
    )
    .await;
    let customer = client.acting_as(Credentials::token(CUSTOMER_TOKEN));
    let forward = NewForward {
        tunnel_id: TunnelId(1),
        name: "fw-alice".into(),
        remote_addr: "8.8.8.8:53".into(),
        in_port: None,
        strategy: Some("fifo".into()),
    };
    customer.create_forward(&forward).await.unwrap();
}

#[tokio::test]
async fn create_forward_on_an_unknown_tunnel_is_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_CREATE,
        json!({"tunnelId": 999, "name": "f", "remoteAddr": "1.1.1.1:80"}),
        "forward_create_tunnel_not_found",
    )
    .await;
    let forward = NewForward {
        tunnel_id: TunnelId(999),
        name: "f".into(),
        remote_addr: "1.1.1.1:80".into(),
        in_port: None,
        strategy: None,
    };
    let err = client.create_forward(&forward).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::FORWARD_CREATE,
        -1,
        panel_messages::TUNNEL_NOT_FOUND,
    );
    assert!(err.is_not_found());
}

#[tokio::test]
async fn create_forward_without_a_binding_is_refused() {
    let (server, client) = panel().await;
    expect_call_as(
        &server,
        CUSTOMER_TOKEN,
        &endpoints::FORWARD_CREATE,
        json!({"tunnelId": 2, "name": "fw-alice2", "remoteAddr": "8.8.8.8:53"}),
        "forward_create_no_permission",
    )
    .await;
    let forward = NewForward {
        tunnel_id: TunnelId(2),
        name: "fw-alice2".into(),
        remote_addr: "8.8.8.8:53".into(),
        in_port: None,
        strategy: None,
    };
    let customer = client.acting_as(Credentials::token(CUSTOMER_TOKEN));
    let err = customer.create_forward(&forward).await.unwrap_err();
    assert_api_error(&err, &endpoints::FORWARD_CREATE, -1, "你没有该隧道的权限");
    assert!(!err.is_not_found());
}

#[tokio::test]
async fn create_forward_on_an_offline_node_keeps_the_node_name() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_CREATE,
        json!({"tunnelId": 1, "name": "fw-off", "remoteAddr": "1.1.1.1:81", "inPort": 30002}),
        "forward_create_node_offline",
    )
    .await;
    let forward = NewForward {
        name: "fw-off".into(),
        remote_addr: "1.1.1.1:81".into(),
        in_port: Some(30002),
        ..fw1()
    };
    let err = client.create_forward(&forward).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::FORWARD_CREATE,
        -1,
        "节点 remote-node 下发失败: 节点不在线",
    );
    assert!(!err.is_not_found());
}

#[tokio::test]
async fn create_forward_without_a_target_is_refused_before_sending() {
    let (_server, client) = panel().await;
    let forward = NewForward {
        remote_addr: "  ".into(),
        ..fw1()
    };
    let err = client.create_forward(&forward).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "remoteAddr",
                ..
            }
        ),
        "{err:?}"
    );
}

/// No `forward/update` call was recorded: `forward_update_contract.json` is the answer the
/// contract describes (panel behaviour §5.19, data none).
#[tokio::test]
async fn update_forward_sends_only_the_patched_keys() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_UPDATE,
        json!({"id": 1, "name": "fw1-renamed", "inPort": 30005}),
        "forward_update_contract",
    )
    .await;
    let patch = ForwardPatch {
        name: Some("fw1-renamed".into()),
        in_port: Some(30005),
        ..ForwardPatch::new(ForwardId(1))
    };
    client.update_forward(&patch).await.unwrap();
}

/// Contract fixture, as above.
#[tokio::test]
async fn update_forward_with_every_key() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_UPDATE,
        json!({"id": 1, "tunnelId": 2, "name": "fw1", "remoteAddr": "1.1.1.1:80,1.0.0.1:80",
            "inPort": 30003, "strategy": "round"}),
        "forward_update_contract",
    )
    .await;
    let patch = ForwardPatch {
        id: ForwardId(1),
        tunnel_id: Some(TunnelId(2)),
        name: Some("fw1".into()),
        remote_addr: Some("1.1.1.1:80,1.0.0.1:80".into()),
        in_port: Some(30003),
        strategy: Some("round".into()),
    };
    client.update_forward(&patch).await.unwrap();
}

#[tokio::test]
async fn delete_forward_sends_the_id() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_DELETE,
        json!({"id": 1}),
        "forward_delete",
    )
    .await;
    client.delete_forward(ForwardId(1)).await.unwrap();
}

#[tokio::test]
async fn delete_forward_of_an_unknown_id_is_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_DELETE,
        json!({"id": 999}),
        "forward_delete_not_found",
    )
    .await;
    let err = client.delete_forward(ForwardId(999)).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::FORWARD_DELETE,
        -1,
        panel_messages::FORWARD_NOT_FOUND,
    );
    assert!(err.is_not_found());
}

#[tokio::test]
async fn delete_forward_on_an_offline_node_is_not_a_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_DELETE,
        json!({"id": 1}),
        "forward_delete_node_offline",
    )
    .await;
    let err = client.delete_forward(ForwardId(1)).await.unwrap_err();
    assert_api_error(&err, &endpoints::FORWARD_DELETE, -1, "节点不在线");
    assert!(!err.is_not_found(), "the forward still exists");
}

#[tokio::test]
async fn pause_forward_sends_the_id() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_PAUSE,
        json!({"id": 1}),
        "forward_pause",
    )
    .await;
    client.pause_forward(ForwardId(1)).await.unwrap();
}

#[tokio::test]
async fn pause_forward_of_an_unknown_id_is_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_PAUSE,
        json!({"id": 999}),
        "forward_pause_not_found",
    )
    .await;
    let err = client.pause_forward(ForwardId(999)).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::FORWARD_PAUSE,
        -1,
        panel_messages::FORWARD_NOT_FOUND,
    );
    assert!(err.is_not_found());
}

#[tokio::test]
async fn resume_forward_sends_the_id() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_RESUME,
        json!({"id": 1}),
        "forward_resume",
    )
    .await;
    client.resume_forward(ForwardId(1)).await.unwrap();
}

#[tokio::test]
async fn resume_forward_of_an_unknown_id_is_not_found() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_RESUME,
        json!({"id": 999}),
        "forward_resume_not_found",
    )
    .await;
    let err = client.resume_forward(ForwardId(999)).await.unwrap_err();
    assert_api_error(
        &err,
        &endpoints::FORWARD_RESUME,
        -1,
        panel_messages::FORWARD_NOT_FOUND,
    );
    assert!(err.is_not_found());
}

fn batch_counts(result: BatchResult) -> (u64, u64) {
    (result.success_count, result.fail_count)
}

#[tokio::test]
async fn delete_forwards_decodes_the_counts() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_BATCH_DELETE,
        json!({"ids": [2, 999]}),
        "forward_batch_delete",
    )
    .await;
    let result = client
        .delete_forwards(&[ForwardId(2), ForwardId(999)])
        .await
        .unwrap();
    assert_eq!(batch_counts(result), (1, 1));
}

#[tokio::test]
async fn pause_forwards_decodes_the_counts() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_BATCH_PAUSE,
        json!({"ids": [1, 2, 999]}),
        "forward_batch_pause",
    )
    .await;
    let result = client
        .pause_forwards(&[ForwardId(1), ForwardId(2), ForwardId(999)])
        .await
        .unwrap();
    assert_eq!(batch_counts(result), (1, 2));
}

#[tokio::test]
async fn resume_forwards_of_unknown_ids_count_as_failures() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::FORWARD_BATCH_RESUME,
        json!({"ids": [999]}),
        "forward_batch_resume",
    )
    .await;
    let result = client.resume_forwards(&[ForwardId(999)]).await.unwrap();
    assert_eq!(batch_counts(result), (0, 1));
}

#[tokio::test]
async fn batch_forward_calls_with_no_ids_send_nothing() {
    // The catch-all expects no call: the panel would refuse an empty list (ids不能为空).
    let (_server, client) = panel().await;
    assert_eq!(
        client.delete_forwards(&[]).await.unwrap(),
        BatchResult::EMPTY
    );
    assert_eq!(
        client.pause_forwards(&[]).await.unwrap(),
        BatchResult::EMPTY
    );
    assert_eq!(
        client.resume_forwards(&[]).await.unwrap(),
        BatchResult::EMPTY
    );
}

// ---------------------------------------------------------------------------------------
// group/*
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn list_user_groups_decodes_member_ids() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_GROUP_LIST,
        json!({}),
        "user_group_list",
    )
    .await;
    let groups = client.list_user_groups().await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].id, UserGroupId(1));
    assert_eq!(groups[0].name, "ug1");
    assert_eq!(groups[0].user_ids, [UserId(2), UserId(3)]);
}

#[tokio::test]
async fn list_user_groups_with_a_customer_token_is_forbidden() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::USER_GROUP_LIST,
        json!({}),
        "user_group_list_forbidden",
    )
    .await;
    let err = client.list_user_groups().await.unwrap_err();
    assert_forbidden(&err, &endpoints::USER_GROUP_LIST);
}

#[tokio::test]
async fn list_tunnel_groups_decodes_member_ids() {
    let (server, client) = panel().await;
    expect_call(
        &server,
        &endpoints::TUNNEL_GROUP_LIST,
        json!({}),
        "tunnel_group_list",
    )
    .await;
    let groups = client.list_tunnel_groups().await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].id, TunnelGroupId(1));
    assert_eq!(groups[0].name, "tg1");
    assert_eq!(groups[0].tunnel_ids, [TunnelId(1), TunnelId(2)]);
}
