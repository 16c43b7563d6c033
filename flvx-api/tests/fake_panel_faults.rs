//! Fake panel: fault injection and the request journal, on every version profile (neither
//! depends on the line).
#![cfg(feature = "testkit")]

#[path = "fake_panel_helpers.rs"]
mod helpers;

use flvx_api::endpoints as ep;
use flvx_api::ids::UserId;
use flvx_api::testkit::{Fault, FaultRule, Identity};
use flvx_api::version::PanelVersion;
use helpers::{err, ok, ok_empty, setup_version};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A test that runs `$body` once per version profile.
macro_rules! on_every_version {
    ($($name:ident => $body:ident;)*) => {$(
        #[tokio::test]
        async fn $name() {
            for version in PanelVersion::ALL {
                $body(version).await;
            }
        }
    )*};
}

on_every_version! {
    connection_drop_fails_the_request_without_processing_it => connection_drop_fails_the_request_without_processing_it_on;
    latency_delays_a_normal_answer => latency_delays_a_normal_answer_on;
    html_502_is_an_nginx_page_and_nothing_happens => html_502_is_an_nginx_page_and_nothing_happens_on;
    malformed_json_is_truncated_after_the_request_took_effect => malformed_json_is_truncated_after_the_request_took_effect_on;
    internal_error_answers_minus_2_with_the_message => internal_error_answers_minus_2_with_the_message_on;
    expired_token_fault_invalidates_every_issued_token => expired_token_fault_invalidates_every_issued_token_on;
    rules_count_matching_requests_and_skip_login_by_default => rules_count_matching_requests_and_skip_login_by_default_on;
    journal_records_method_path_body_identity_and_code => journal_records_method_path_body_identity_and_code_on;
}

fn user_count(snapshot: &Value) -> usize {
    snapshot["users"].as_array().unwrap().len()
}

async fn connection_drop_fails_the_request_without_processing_it_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    panel.inject(FaultRule::new(Fault::ConnectionDrop).on(ep::USER_CREATE.path));
    let body = json!({"user": "alice", "pwd": "pw"}).to_string();
    let sent = api
        .http
        .post(format!("{}{}", api.base, ep::USER_CREATE.path))
        .header("Authorization", &admin)
        .body(body.clone())
        .send()
        .await;
    let error = sent.expect_err("the connection must be dropped");
    assert!(!error.is_status(), "{error}");
    assert_eq!(user_count(&panel.snapshot()), 1);
    let last = panel.journal().pop().unwrap();
    assert_eq!(last.path, ep::USER_CREATE.path);
    assert_eq!(last.fault, Some(Fault::ConnectionDrop));
    assert_eq!(last.code, None);
    // Only once: the retry goes through.
    ok_empty(
        &api.post_raw(ep::USER_CREATE.path, Some(&admin), &body)
            .await,
    );
    assert_eq!(user_count(&panel.snapshot()), 2);
}

async fn latency_delays_a_normal_answer_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    panel.inject(FaultRule::new(Fault::Latency(Duration::from_millis(400))));
    let started = Instant::now();
    let envelope = api.call(&ep::USER_LIST, &admin, json!({})).await;
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    ok(&envelope);
    let entry = panel.journal().pop().unwrap();
    assert_eq!(entry.code, Some(0));
    assert_eq!(
        entry.fault,
        Some(Fault::Latency(Duration::from_millis(400)))
    );
    let started = Instant::now();
    ok(&api.call(&ep::USER_LIST, &admin, json!({})).await);
    assert!(started.elapsed() < Duration::from_millis(400));
}

async fn html_502_is_an_nginx_page_and_nothing_happens_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    panel.inject(FaultRule::new(Fault::Html502));
    let body = json!({"user": "alice", "pwd": "pw"}).to_string();
    let response = api
        .send("POST", ep::USER_CREATE.path, Some(&admin), &body)
        .await;
    assert_eq!(response.status().as_u16(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("<title>502 Bad Gateway</title>") && text.contains("nginx"),
        "{text}"
    );
    assert_eq!(user_count(&panel.snapshot()), 1);
    assert_eq!(panel.journal().pop().unwrap().code, None);
}

async fn malformed_json_is_truncated_after_the_request_took_effect_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    panel.inject(FaultRule::new(Fault::MalformedJson).on(ep::USER_CREATE.path));
    let body = json!({"user": "alice", "pwd": "pw"}).to_string();
    let response = api
        .send("POST", ep::USER_CREATE.path, Some(&admin), &body)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.unwrap();
    assert!(text.starts_with("{\"code\":0"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(user_count(&panel.snapshot()), 2, "the create happened");
    // A retry now meets the duplicate check.
    err(
        &api.post_raw(ep::USER_CREATE.path, Some(&admin), &body)
            .await,
        -1,
        "用户名已存在",
    );
}

async fn internal_error_answers_minus_2_with_the_message_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    panel.inject(FaultRule::new(Fault::InternalError("database is locked".into())).times(2));
    let body = json!({"user": "alice", "pwd": "pw"});
    err(
        &api.call(&ep::USER_CREATE, &admin, body.clone()).await,
        -2,
        "database is locked",
    );
    err(
        &api.call(&ep::USER_LIST, &admin, json!({})).await,
        -2,
        "database is locked",
    );
    ok_empty(&api.call(&ep::USER_CREATE, &admin, body).await);
    let codes: Vec<Option<i64>> = panel.journal().iter().map(|e| e.code).collect();
    assert_eq!(codes, [Some(0), Some(-2), Some(-2), Some(0)]);
}

async fn expired_token_fault_invalidates_every_issued_token_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    let second = api.admin().await;
    panel.inject(FaultRule::new(Fault::ExpiredToken));
    err(
        &api.call(&ep::USER_LIST, &admin, json!({})).await,
        401,
        "无效的token或token已过期",
    );
    err(
        &api.call(&ep::USER_LIST, &second, json!({})).await,
        401,
        "无效的token或token已过期",
    );
    let fresh = api.admin().await;
    ok(&api.call(&ep::USER_LIST, &fresh, json!({})).await);
    let faulted = &panel.journal()[2];
    assert_eq!(faulted.fault, Some(Fault::ExpiredToken));
    assert_eq!(faulted.code, Some(401));
    assert!(
        matches!(faulted.identity, Identity::User { .. }),
        "identity as sent: {faulted:?}"
    );
}

async fn rules_count_matching_requests_and_skip_login_by_default_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    panel.inject(
        FaultRule::new(Fault::Html502)
            .on(ep::USER_LIST.path)
            .after(1)
            .times(2),
    );
    let statuses = {
        let mut statuses = Vec::new();
        for _ in 0..4 {
            let response = api
                .send("POST", ep::USER_LIST.path, Some(&admin), "{}")
                .await;
            statuses.push(response.status().as_u16());
            // Other paths are not counted.
            api.send("POST", ep::TUNNEL_LIST.path, Some(&admin), "{}")
                .await;
        }
        statuses
    };
    assert_eq!(statuses, [200, 502, 502, 200]);
    panel.inject(FaultRule::new(Fault::InternalError("boom".into())));
    ok(&api.login_envelope("admin_user", "admin_user").await);
    err(
        &api.call(&ep::TUNNEL_LIST, &admin, json!({})).await,
        -2,
        "boom",
    );
    panel.inject(FaultRule::new(Fault::Html502).times(5));
    panel.clear_faults();
    ok(&api.call(&ep::TUNNEL_LIST, &admin, json!({})).await);
}

async fn journal_records_method_path_body_identity_and_code_on(version: PanelVersion) {
    let (panel, api, admin) = setup_version(version).await;
    api.create_user(&admin, "alice", "pw", json!({})).await;
    let alice = api.login("alice", "pw").await;
    panel.clear_journal();
    api.call(&ep::FORWARD_LIST, &alice, json!({})).await;
    api.post_raw(ep::USER_LIST.path, Some(&format!("Bearer {admin}")), "{}")
        .await;
    api.post_raw(ep::CAPTCHA_CHECK.path, None, "").await;
    api.post_raw(ep::USER_CREATE.path, Some(&admin), "not json")
        .await;
    let journal = panel.journal();
    assert_eq!(journal.len(), 4);
    assert_eq!(journal[0].method, "POST");
    assert_eq!(journal[0].path, ep::FORWARD_LIST.path);
    assert_eq!(journal[0].body, Some(json!({})));
    assert_eq!(
        journal[0].identity,
        Identity::User {
            id: UserId(2),
            name: "alice".into(),
            admin: false
        }
    );
    assert_eq!(journal[0].code, Some(0));
    assert_eq!(journal[1].identity, Identity::InvalidToken);
    assert_eq!(journal[1].code, Some(401));
    assert_eq!(journal[2].identity, Identity::Anonymous);
    assert_eq!(journal[2].body, None);
    assert_eq!(
        journal[3].identity,
        Identity::User {
            id: UserId(1),
            name: "admin_user".into(),
            admin: true
        }
    );
    assert_eq!(journal[3].body, Some(json!("not json")));
    assert_eq!(journal[3].code, Some(-1));
    assert_eq!(panel.requests_to(ep::USER_CREATE.path), 1);
    assert_eq!(panel.requests_to(ep::USER_LOGIN.path), 0);
    panel.clear_journal();
    assert!(panel.journal().is_empty());
}
