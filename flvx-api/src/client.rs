//! The HTTP client: construction, authentication and one request through the envelope.

use crate::auth::{Credentials, IssuedToken, TokenCache};
use crate::endpoints::{self, AuthLevel, Endpoint, Method};
use crate::envelope::{CODE_UNAUTHORIZED, Envelope};
use crate::models::LoginData;
use crate::retry::RetryPolicy;
use crate::version::PanelVersion;
use crate::{Error, Result, panel_messages};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request; above the panel's own 30 s write timeout for
/// calls that wait on slow nodes (panel behaviour §1.1).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(35);

/// A client for one FLVX panel. Cheap to clone: clones share the connection pool and token.
#[derive(Clone)]
pub struct FlvxClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    tokens: TokenCache,
    retry: Option<RetryPolicy>,
    /// What the panel is, shared by every handle on it (customers included).
    panel: Arc<PanelFacts>,
}

/// Facts about the panel, learnt once per client from what the API returns.
#[derive(Default)]
struct PanelFacts {
    version: OnceCell<PanelVersion>,
    forward_reset_flow: OnceCell<bool>,
}

impl fmt::Debug for FlvxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlvxClient")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`FlvxClient`] with bounded timeouts and rustls.
#[derive(Debug)]
pub struct FlvxClientBuilder {
    base_url: String,
    credentials: Credentials,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    retry: Option<RetryPolicy>,
}

impl FlvxClientBuilder {
    /// Time allowed to open a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole request (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `flvx-api/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Repeat idempotent calls after transport or gateway failures. Off by default.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Builds the client. Redirects are not followed, so the token never leaves the panel.
    pub fn build(self) -> Result<FlvxClient> {
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(self.user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        FlvxClient::assemble(&self.base_url, http, self.credentials, self.retry)
    }
}

impl FlvxClient {
    /// Starts building a client for the panel at `base_url` (for example
    /// `https://panel.example.com:6366`; a path prefix is kept).
    pub fn builder(base_url: impl Into<String>, credentials: Credentials) -> FlvxClientBuilder {
        FlvxClientBuilder {
            base_url: base_url.into(),
            credentials,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: concat!("flvx-api/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: None,
        }
    }

    /// A client on a caller-built `reqwest::Client` (its timeouts, proxy and TLS apply).
    pub fn with_http_client(
        base_url: &str,
        http: reqwest::Client,
        credentials: Credentials,
    ) -> Result<FlvxClient> {
        FlvxClient::assemble(base_url, http, credentials, None)
    }

    fn assemble(
        base_url: &str,
        http: reqwest::Client,
        credentials: Credentials,
        retry: Option<RetryPolicy>,
    ) -> Result<FlvxClient> {
        Ok(FlvxClient {
            inner: Arc::new(Inner {
                http,
                base_url: normalise_base_url(base_url)?,
                credentials,
                tokens: TokenCache::default(),
                retry,
                panel: Arc::default(),
            }),
        })
    }

    /// A client for the same panel and connection pool acting as another account, for
    /// example a customer (forwards always belong to their creator, panel behaviour §5.19).
    pub fn with_credentials(&self, credentials: Credentials) -> FlvxClient {
        FlvxClient {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                base_url: self.inner.base_url.clone(),
                credentials,
                tokens: TokenCache::default(),
                retry: self.inner.retry,
                panel: Arc::clone(&self.inner.panel),
            }),
        }
    }

    /// The panel's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The current token, logging in first if there is none or it is about to expire.
    pub async fn token(&self) -> Result<SecretString> {
        Ok(self.issued_token().await?.value)
    }

    /// Which FLVX line the panel runs, learnt from the token it issues (3.0 tokens carry an
    /// `iat_ms` claim), or for an opaque pre-issued token from whether the public
    /// `public/config/get` path exists. Cached for the client and every handle made from it.
    pub async fn panel_version(&self) -> Result<PanelVersion> {
        self.inner
            .panel
            .version
            .get_or_try_init(|| self.detect_version())
            .await
            .copied()
    }

    async fn detect_version(&self) -> Result<PanelVersion> {
        let token = self.token().await?;
        if let Some(version) = PanelVersion::of_token(token.expose_secret()) {
            return Ok(version);
        }
        let endpoint = &endpoints::PUBLIC_CONFIG_GET;
        let probe = json!({ "name": "app_name" });
        let envelope = self.send(endpoint, &probe, None).await?;
        // 2.1 has no such path, and its middleware refuses unknown paths without a token.
        Ok(match envelope.code {
            CODE_UNAUTHORIZED => PanelVersion::V2_1,
            _ => PanelVersion::V3_0,
        })
    }

    /// Whether the panel has `forward/reset-flow` (3.0 builds since July 2026). Asked once
    /// with an empty body, which the panel refuses without touching anything.
    pub async fn supports_forward_reset_flow(&self) -> Result<bool> {
        self.inner
            .panel
            .forward_reset_flow
            .get_or_try_init(|| self.probe_forward_reset_flow())
            .await
            .copied()
    }

    async fn probe_forward_reset_flow(&self) -> Result<bool> {
        if self.panel_version().await? == PanelVersion::V2_1 {
            return Ok(false);
        }
        let endpoint = &endpoints::FORWARD_RESET_FLOW;
        match self.call::<Value>(endpoint, &json!({})).await {
            Err(Error::UnexpectedResponse { status: 404, .. }) => Ok(false),
            Err(Error::Api { .. }) | Ok(_) => Ok(true),
            Err(other) => Err(other),
        }
    }

    /// Calls `endpoint` with `body` and decodes its `data`. This is the escape hatch for
    /// endpoints the typed methods do not cover; `body` should hold only the table's keys.
    pub async fn call<T: DeserializeOwned>(&self, endpoint: &Endpoint, body: &Value) -> Result<T> {
        debug_assert!(
            body_keys_allowed(endpoint, body),
            "{}: {body}",
            endpoint.path
        );
        let envelope = match endpoint.auth {
            AuthLevel::Public => self.send(endpoint, body, None).await?,
            AuthLevel::User | AuthLevel::Admin => self.send_authenticated(endpoint, body).await?,
        };
        envelope.into_result(endpoint.path)?.data(endpoint.path)
    }

    /// Sends with the cached token; on a body `401` logs in again once and retries once.
    async fn send_authenticated(&self, endpoint: &Endpoint, body: &Value) -> Result<Envelope> {
        let token = self.issued_token().await?;
        let envelope = self.send(endpoint, body, Some(&token)).await?;
        let refreshable = matches!(self.inner.credentials, Credentials::Password { .. });
        if envelope.code != CODE_UNAUTHORIZED || !refreshable {
            return Ok(envelope);
        }
        tracing::debug!(path = endpoint.path, "token refused; logging in again");
        self.inner.tokens.invalidate(&token).await;
        let token = self.issued_token().await?;
        self.send(endpoint, body, Some(&token)).await
    }

    async fn issued_token(&self) -> Result<IssuedToken> {
        self.inner.tokens.get_or_login(|| self.login()).await
    }

    /// `user/login` with the configured password, mapping refusals to clear errors.
    async fn login(&self) -> Result<SecretString> {
        let (username, password) = match &self.inner.credentials {
            Credentials::Password { username, password } => (username, password),
            Credentials::Token(token) => return Ok(token.clone()),
        };
        let body = json!({ "username": username, "password": password.expose_secret() });
        let endpoint = &endpoints::USER_LOGIN;
        let envelope = self.send_login(&body).await?;
        match envelope.into_result(endpoint.path) {
            Ok(envelope) => Ok(envelope.data::<LoginData>(endpoint.path)?.token),
            Err(Error::Api { msg, .. }) if msg == panel_messages::CAPTCHA_FAILED => {
                Err(Error::CaptchaRequired { msg })
            }
            Err(Error::Api { msg, .. }) => Err(Error::LoginRejected { msg }),
            Err(other) => Err(other),
        }
    }

    /// `user/login`, sending the API-client header with which panels since late 2.1.5 let
    /// billing modules past the captcha (older panels ignore it).
    async fn send_login(&self, body: &Value) -> Result<Envelope> {
        let endpoint = &endpoints::USER_LOGIN;
        let url = format!("{}{}", self.inner.base_url, endpoint.path);
        let request = self
            .inner
            .http
            .post(url)
            .header(endpoints::API_CLIENT_HEADER, endpoints::API_CLIENT_NAME)
            .json(body);
        let transport = |source| Error::Transport {
            path: endpoint.path,
            source,
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let bytes = read_body(response, endpoint.path).await?;
        tracing::debug!(path = endpoint.path, status, "flvx login");
        Envelope::parse(endpoint.path, status, &bytes)
    }

    /// One request, repeated per the retry policy when the endpoint is idempotent.
    async fn send(
        &self,
        endpoint: &Endpoint,
        body: &Value,
        token: Option<&IssuedToken>,
    ) -> Result<Envelope> {
        let attempts = match self.inner.retry {
            Some(policy) if endpoint.idempotent => policy.max_attempts.max(1),
            _ => 1,
        };
        let mut attempt = 1;
        loop {
            match self.send_once(endpoint, body, token).await {
                Err(e) if e.is_retryable() && attempt < attempts => {
                    attempt += 1;
                    if let Some(policy) = self.inner.retry {
                        tokio::time::sleep(policy.delay_before(attempt)).await;
                    }
                }
                result => return result,
            }
        }
    }

    async fn send_once(
        &self,
        endpoint: &Endpoint,
        body: &Value,
        token: Option<&IssuedToken>,
    ) -> Result<Envelope> {
        let url = format!("{}{}", self.inner.base_url, endpoint.path);
        let mut request = match endpoint.method {
            Method::Post => self.inner.http.post(url).json(body),
            Method::Get => self.inner.http.get(url),
        };
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, auth_header(&token.value)?);
        }
        let started = Instant::now();
        let transport = |source| Error::Transport {
            path: endpoint.path,
            source,
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let bytes = read_body(response, endpoint.path).await?;
        let envelope = Envelope::parse(endpoint.path, status, &bytes);
        tracing::debug!(
            method = endpoint.method.as_str(),
            path = endpoint.path,
            status,
            code = envelope.as_ref().map(|e| e.code).ok(),
            latency_ms = started.elapsed().as_millis() as u64,
            "flvx request"
        );
        envelope
    }
}

/// The raw token as the panel wants it (no `Bearer`), marked sensitive so that reqwest and
/// any logging layer keep it out of their output.
fn auth_header(token: &SecretString) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(token.expose_secret().trim()).map_err(|_| {
        Error::Config("the token contains characters not allowed in a header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Parses the base URL and removes a trailing slash, so endpoint paths join cleanly.
fn normalise_base_url(raw: &str) -> Result<String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        Error::Config(format!(
            "base URL {raw:?} is not a URL ({e}); write it like https://panel.example.com:6366"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL {raw:?} must start with http:// or https://"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {raw:?} must not carry a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Whether every key of an object body is one the endpoint table allows.
fn body_keys_allowed(endpoint: &Endpoint, body: &Value) -> bool {
    match body {
        Value::Object(map) => map.keys().all(|k| endpoint.keys.contains(&k.as_str())),
        _ => true,
    }
}

/// The body of `response`, refused as soon as it grows past
/// [`endpoints::MAX_RESPONSE_BYTES`] (announced or streamed), so a wrong server address
/// cannot make the client buffer gigabytes.
async fn read_body(mut response: reqwest::Response, path: &'static str) -> Result<Vec<u8>> {
    let limit = endpoints::MAX_RESPONSE_BYTES;
    let too_large = || Error::ResponseTooLarge {
        path,
        limit_mib: limit / (1024 * 1024),
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|source| Error::Transport { path, source })?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised_and_checked() {
        assert_eq!(
            normalise_base_url("https://panel.example.com:6366/").unwrap(),
            "https://panel.example.com:6366"
        );
        assert_eq!(
            normalise_base_url("http://h/prefix/").unwrap(),
            "http://h/prefix"
        );
        assert!(normalise_base_url("panel.example.com").is_err());
        assert!(normalise_base_url("ftp://h").is_err());
        assert!(normalise_base_url("http://h/?x=1").is_err());
    }

    #[test]
    fn auth_header_is_raw_and_sensitive() {
        let value = auth_header(&SecretString::from("abc.def.ghi")).unwrap();
        assert_eq!(value.to_str().unwrap(), "abc.def.ghi");
        assert!(value.is_sensitive());
    }

    #[test]
    fn debug_shows_no_secret() {
        let client = FlvxClient::builder(
            "http://127.0.0.1:1",
            Credentials::password("admin", "very-secret-pw"),
        )
        .build()
        .unwrap();
        let text = format!("{client:?}");
        assert!(!text.contains("very-secret-pw"), "{text}");
        assert!(text.contains("127.0.0.1"));
    }
}
