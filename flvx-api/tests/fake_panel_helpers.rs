//! Shared helpers for the `fake_panel_*` tests: raw reqwest + serde_json, no SDK.
//! Included by the other test files with `#[path = "fake_panel_helpers.rs"] mod helpers;`.
#![cfg(feature = "testkit")]
#![allow(dead_code)]

use flvx_api::endpoints::{self as ep, Endpoint};
use flvx_api::testkit::FakePanel;
use flvx_api::version::PanelVersion;
use serde_json::{Value, json};

/// A raw HTTP client for one fake panel.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(panel: &FakePanel) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: panel.url(),
        }
    }

    /// Sends `body` (raw text, possibly empty) with `method`; returns the response.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        if !body.is_empty() {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        request.send().await.expect("request failed")
    }

    /// POSTs a raw body and parses the envelope (asserting HTTP 200).
    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: &str) -> Value {
        let response = self.send("POST", path, token, body).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response.json().await.expect("envelope JSON")
    }

    /// POSTs JSON to an endpoint and parses the envelope.
    pub async fn call(&self, endpoint: &Endpoint, token: &str, body: Value) -> Value {
        self.post_raw(endpoint.path, Some(token), &body.to_string())
            .await
    }

    /// Logs in; returns the whole envelope.
    pub async fn login_envelope(&self, username: &str, password: &str) -> Value {
        let body = json!({"username": username, "password": password});
        self.post_raw(ep::USER_LOGIN.path, None, &body.to_string())
            .await
    }

    /// Logs in and returns the token (panics on failure).
    pub async fn login(&self, username: &str, password: &str) -> String {
        let envelope = self.login_envelope(username, password).await;
        assert_eq!(envelope["code"], 0, "login failed: {envelope}");
        envelope["data"]["token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    /// Logs in as the seeded admin.
    pub async fn admin(&self) -> String {
        self.login(FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD)
            .await
    }

    /// Creates a user and returns its id (looked up in `user/list`).
    pub async fn create_user(&self, admin: &str, name: &str, password: &str, extra: Value) -> i64 {
        let mut body = json!({"user": name, "pwd": password});
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
            body.extend(extra);
        }
        ok(&self.call(&ep::USER_CREATE, admin, body).await);
        self.user(admin, name).await["id"]
            .as_i64()
            .expect("user id")
    }

    /// The `user/list` item of `name` (exact match).
    pub async fn user(&self, admin: &str, name: &str) -> Value {
        let list = self
            .call(&ep::USER_LIST, admin, json!({"keyword": name}))
            .await;
        ok(&list);
        list["data"]
            .as_array()
            .expect("list")
            .iter()
            .find(|u| u["user"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no user {name} in {list}"))
    }

    /// The `tunnel/user/list` items of a user.
    pub async fn bindings(&self, admin: &str, user_id: i64) -> Vec<Value> {
        let list = self
            .call(&ep::BINDING_LIST, admin, json!({"userId": user_id}))
            .await;
        ok(&list);
        list["data"].as_array().expect("bindings").clone()
    }

    /// The `forward/list` items visible to `token`.
    pub async fn forwards(&self, token: &str) -> Vec<Value> {
        let list = self.call(&ep::FORWARD_LIST, token, json!({})).await;
        ok(&list);
        list["data"].as_array().expect("forwards").clone()
    }
}

/// Asserts a success envelope.
pub fn ok(envelope: &Value) {
    assert_eq!(envelope["code"], 0, "expected success: {envelope}");
    assert_eq!(envelope["msg"], "操作成功", "{envelope}");
    assert!(
        envelope["ts"]
            .as_i64()
            .is_some_and(|ts| ts > 1_600_000_000_000),
        "{envelope}"
    );
}

/// Asserts a success envelope without a `data` key.
pub fn ok_empty(envelope: &Value) {
    ok(envelope);
    assert!(
        envelope.get("data").is_none(),
        "data must be absent: {envelope}"
    );
}

/// Asserts an error envelope with exactly this code and message, and no data.
pub fn err(envelope: &Value, code: i64, msg: &str) {
    assert_eq!(envelope["code"], code, "{envelope}");
    assert_eq!(envelope["msg"], msg, "{envelope}");
    assert!(envelope.get("data").is_none(), "{envelope}");
}

/// A fresh panel, a client and an admin token.
pub async fn setup() -> (FakePanel, Api, String) {
    setup_version(PanelVersion::V2_1).await
}

/// A fresh panel of this line, a client and an admin token.
pub async fn setup_version(version: PanelVersion) -> (FakePanel, Api, String) {
    let panel = FakePanel::start_version(version).await;
    let api = Api::new(&panel);
    let admin = api.admin().await;
    (panel, api, admin)
}

/// A panel with a tunnel, a customer `alice`/`secret` bound to it, and both tokens.
pub struct World {
    pub panel: FakePanel,
    pub api: Api,
    pub admin: String,
    pub tunnel: i64,
    pub alice: i64,
    pub alice_token: String,
}

pub async fn world() -> World {
    world_version(PanelVersion::V2_1).await
}

/// [`world`] on a panel of this line.
pub async fn world_version(version: PanelVersion) -> World {
    let (panel, api, admin) = setup_version(version).await;
    let tunnel = panel.add_tunnel("HK-SG").0;
    let alice = api.create_user(&admin, "alice", "secret", json!({})).await;
    ok(&api
        .call(
            &ep::BINDING_ASSIGN,
            &admin,
            json!({"userId": alice, "tunnelId": tunnel}),
        )
        .await);
    let alice_token = api.login("alice", "secret").await;
    World {
        panel,
        api,
        admin,
        tunnel,
        alice,
        alice_token,
    }
}

/// Creates a forward as `token` and returns its id (the newest forward visible to it).
pub async fn create_forward(api: &Api, token: &str, tunnel: i64, name: &str) -> i64 {
    create_forward_to(api, token, tunnel, name, "10.0.0.1:80").await
}

/// [`create_forward`] with this target (3.0 refuses private targets from customers).
pub async fn create_forward_to(
    api: &Api,
    token: &str,
    tunnel: i64,
    name: &str,
    remote_addr: &str,
) -> i64 {
    let body = json!({"tunnelId": tunnel, "name": name, "remoteAddr": remote_addr});
    ok_empty(&api.call(&ep::FORWARD_CREATE, token, body).await);
    api.forwards(token)
        .await
        .iter()
        .filter(|f| f["name"] == name)
        .filter_map(|f| f["id"].as_i64())
        .max()
        .expect("created forward")
}
