//! Transport failures, non-envelope bodies, decode errors, timeouts and opt-in retries.

use flvx_api::ids::UserId;
use flvx_api::models::{NewForward, ResetTarget};
use flvx_api::{Credentials, Error, FlvxApi, FlvxClient, RetryPolicy};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "opaque-token";

fn client(server: &MockServer) -> FlvxClient {
    FlvxClient::builder(server.uri(), Credentials::token(TOKEN))
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

fn retrying(server: &MockServer) -> FlvxClient {
    FlvxClient::builder(server.uri(), Credentials::token(TOKEN))
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        })
        .build()
        .unwrap()
}

fn html_502() -> ResponseTemplate {
    ResponseTemplate::new(502)
        .insert_header("content-type", "text/html")
        .set_body_string(
            "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        )
}

#[tokio::test]
async fn an_html_502_is_reported_with_status_and_snippet() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/tunnel/list"))
        .respond_with(html_502())
        .mount(&server)
        .await;
    let err = client(&server).list_tunnels().await.unwrap_err();
    match &err {
        Error::UnexpectedResponse {
            status,
            snippet,
            path,
        } => {
            assert_eq!(*status, 502);
            assert!(snippet.contains("502 Bad Gateway"));
            assert_eq!(*path, "/api/v1/tunnel/list");
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn malformed_json_with_http_200_is_not_mistaken_for_success() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"code":0,"msg":"ok","data":[{"id":1"#),
        )
        .mount(&server)
        .await;
    let err = client(&server).list_users(None).await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 200, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_decode_error_names_the_json_path() {
    let server = MockServer::start().await;
    let users = json!([
        { "id": 2, "user": "a", "status": 1, "flow": 10, "expTime": 1_900_000_000_000_i64, "flowResetTime": 1 },
        { "id": 3, "user": "b", "status": 1, "flow": "lots", "expTime": 1_900_000_000_000_i64, "flowResetTime": 1 }
    ]);
    Mock::given(path("/api/v1/user/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "code": 0, "msg": "操作成功", "data": users })),
        )
        .mount(&server)
        .await;
    let err = client(&server).list_users(None).await.unwrap_err();
    assert!(
        matches!(err, Error::Decode { ref json_path, .. } if json_path == "[1].flow"),
        "{err}"
    );
}

#[tokio::test]
async fn a_slow_panel_times_out_as_a_transport_error() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/tunnel/list"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let err = client(&server).list_tunnels().await.unwrap_err();
    match &err {
        Error::Transport { source, .. } => assert!(source.is_timeout(), "{source}"),
        other => panic!("unexpected {other}"),
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let panel = FlvxClient::builder(format!("http://{addr}"), Credentials::token(TOKEN))
        .build()
        .unwrap();
    let err = panel.list_tunnels().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(err.is_retryable());
    assert!(err.to_string().contains("could not reach"), "{err}");
}

#[tokio::test]
async fn retries_repeat_idempotent_calls_only() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/tunnel/list"))
        .respond_with(html_502())
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/tunnel/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "code": 0, "msg": "ok", "data": [] })),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/forward/create"))
        .respond_with(html_502())
        .expect(1)
        .mount(&server)
        .await;
    let panel = retrying(&server);
    assert!(panel.list_tunnels().await.unwrap().is_empty());
    let new = NewForward {
        tunnel_id: 1.into(),
        name: "web".into(),
        remote_addr: "198.51.100.7:443".into(),
        in_port: None,
        strategy: None,
    };
    let err = panel.create_forward(&new).await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 502, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn panel_refusals_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/user/reset"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "code": -2, "msg": "database is locked", "ts": 1 })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = retrying(&server)
        .reset_traffic(ResetTarget::User(UserId(4)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(-2));
    assert_eq!(err.panel_message(), Some("database is locked"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn empty_batches_make_no_call() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/forward/batch-pause"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let result = client(&server).pause_forwards(&[]).await.unwrap();
    assert_eq!(result.success_count + result.fail_count, 0);
}

/// An answer above the size cap (a wrong address serving a big file, say) is refused
/// without decoding it; one just below is read.
#[tokio::test]
async fn an_answer_above_the_size_cap_is_refused_by_name() {
    let limit = flvx_api::endpoints::MAX_RESPONSE_BYTES;
    let server = MockServer::start().await;
    let padding = " ".repeat(limit);
    Mock::given(path("/api/v1/tunnel/list"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            "{{\"code\":0,\"msg\":\"ok\",\"data\":[]}}{padding}"
        )))
        .mount(&server)
        .await;
    let small = " ".repeat(limit - 64);
    Mock::given(path("/api/v1/speed-limit/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!("{{\"code\":0,\"msg\":\"ok\",\"data\":[]}}{small}")),
        )
        .mount(&server)
        .await;
    let api = client(&server);
    let err = api.list_tunnels().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                path: "/api/v1/tunnel/list",
                limit_mib: 16
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("more than 16 MiB"), "{err}");
    assert!(!err.is_retryable());
    let limits = api.list_speed_limits().await.expect("just below the cap");
    assert!(limits.is_empty());
}
