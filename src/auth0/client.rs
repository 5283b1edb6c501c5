//! The Management API client: transport with retries, authentication, and the two calls the
//! provider needs.

use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::signature::RsaKeyPair;
use reqwest::Method;
use serde_json::Value;
use tracing::debug;

use super::config::{parse_domain, ClientConfig};
use super::credentials::{parse_private_key, Credentials, Secret, SigningAlg};
use super::error::{body_excerpt, ApiError, ApiErrorKind, ConfigError};
use super::hints::{api_error, token_error, Caller};
use super::jwt::client_assertion;
use super::retry::now_unix;
use super::settings::{fields_query, SessionSettings, SessionUpdate};
use super::token::{Fetched, Token, TokenCache, TokenResponse, TOKEN_PATH};
use super::transport::{method_str, Body, Reply, Request, Transport};

pub(crate) const SETTINGS_PATH: &str = "/api/v2/tenants/settings";
const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client authenticates, with the private key already parsed.
enum Auth {
    Static(Secret),
    ClientSecret {
        client_id: String,
        client_secret: Secret,
    },
    PrivateKey {
        client_id: String,
        key: RsaKeyPair,
        alg: SigningAlg,
    },
}

impl Auth {
    fn client_id(&self) -> Option<&str> {
        match self {
            Auth::Static(_) => None,
            Auth::ClientSecret { client_id, .. } | Auth::PrivateKey { client_id, .. } => {
                Some(client_id)
            }
        }
    }
}

/// An Auth0 Management API client for one tenant. Cheap to clone: clones share the HTTP
/// connection pool and the access token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    audience: String,
    auth: Auth,
    tokens: TokenCache,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.endpoint.base)
            .field("audience", &self.inner.audience)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Validates the config and builds the client. Makes no network request; the first
    /// token is fetched by the first API call.
    pub fn new(cfg: ClientConfig) -> Result<Client, ConfigError> {
        let endpoint = parse_domain(&cfg.domain)?;
        let auth = match cfg.credentials {
            Credentials::ApiToken(t) => {
                if t.expose().trim().is_empty() {
                    return Err(ConfigError::new(Some("api_token"), "api_token is empty"));
                }
                Auth::Static(t)
            }
            Credentials::ClientSecret {
                client_id,
                client_secret,
            } => Auth::ClientSecret {
                client_id,
                client_secret,
            },
            Credentials::PrivateKeyJwt {
                client_id,
                private_key_pem,
                signing_alg,
            } => Auth::PrivateKey {
                client_id,
                key: parse_private_key(private_key_pem.expose())?,
                alg: signing_alg,
            },
        };
        if let Some(id) = auth.client_id() {
            if id.trim().is_empty() {
                return Err(ConfigError::new(Some("client_id"), "client_id is empty"));
            }
        }
        let audience = match cfg.audience.as_deref().map(str::trim) {
            Some(a) if !a.is_empty() => a.to_string(),
            _ => format!("{}/api/v2/", endpoint.base),
        };
        let transport = Transport::new(
            endpoint,
            cfg.user_agent,
            cfg.retry,
            cfg.request_timeout,
            cfg.log_bodies,
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                audience,
                auth,
                tokens: TokenCache::default(),
            }),
        })
    }

    /// `scheme://host[:port]` of the tenant.
    pub fn base_url(&self) -> &str {
        &self.inner.transport.endpoint.base
    }

    /// `host[:port]` of the tenant; stable, so it serves as the resource ID.
    pub fn domain_id(&self) -> String {
        self.inner.transport.endpoint.domain_id.clone()
    }

    /// The token audience in use.
    pub fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// How many HTTP requests to `/oauth/token` this client (and its clones) has sent.
    pub fn token_requests(&self) -> u64 {
        self.inner.transport.token_requests()
    }

    /// One `GET /api/v2/tenants/settings` narrowed to the session fields. Fields the tenant
    /// leaves out (as it does for defaults) read as Auth0's documented defaults.
    pub async fn read_session_settings(&self) -> Result<SessionSettings, ApiError> {
        let query = format!("fields={}&include_fields=true", fields_query());
        let reply = self
            .inner
            .api_call(Method::GET, SETTINGS_PATH, Some(&query), None)
            .await?;
        parse_settings(&Method::GET, &reply)
    }

    /// One `PATCH /api/v2/tenants/settings` with only the given fields. The 200 body is the
    /// tenant's new state and is returned as is: no follow-up GET, no sleep.
    ///
    /// An empty update is refused locally with a `BadRequest` error (no status) and nothing is
    /// sent: Auth0 would reject `{}` anyway, and callers should skip the call when nothing
    /// changed (see [`SessionUpdate::is_empty`]).
    pub async fn update_session_settings(
        &self,
        changes: &SessionUpdate,
    ) -> Result<SessionSettings, ApiError> {
        if changes.is_empty() {
            return Err(ApiError::new(
                ApiErrorKind::BadRequest,
                "PATCH",
                SETTINGS_PATH,
                "nothing to update: no session setting was given",
            )
            .with_hint("This is a provider bug: an empty update should not be sent."));
        }
        let body = changes.to_json();
        let reply = self
            .inner
            .api_call(Method::PATCH, SETTINGS_PATH, None, Some(&body))
            .await?;
        parse_settings(&Method::PATCH, &reply)
    }
}

fn parse_settings(method: &Method, reply: &Reply) -> Result<SessionSettings, ApiError> {
    let invalid = |msg: String| {
        ApiError::new(
            ApiErrorKind::InvalidResponse,
            method_str(method),
            SETTINGS_PATH,
            msg,
        )
        .with_status(reply.status)
        .with_hint("Check that domain points at an Auth0 tenant; if it does, retry later.")
    };
    let json: Value = serde_json::from_slice(&reply.body).map_err(|e| {
        invalid(format!(
            "expected JSON tenant settings but the body is not valid JSON ({e}); it starts with {}",
            body_excerpt(&reply.body)
        ))
    })?;
    SessionSettings::from_json(&json).map_err(invalid)
}

impl Inner {
    /// Sends an authenticated Management API call and returns its 2xx reply. A 401 leads to
    /// one token refresh and one more try (not possible with a static token).
    async fn api_call(
        &self,
        method: Method,
        path: &'static str,
        query: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, ApiError> {
        let request = |bearer| Request {
            method: method.clone(),
            path,
            query,
            body: body.map_or(Body::Empty, Body::Json),
            bearer: Some(bearer),
        };
        let token = self.token().await?;
        let reply = self.transport.send(request(&token.value)).await?;
        if reply.status != 401 || matches!(self.auth, Auth::Static(_)) {
            return self.check(&method, path, reply, false);
        }
        debug!(
            method = %method,
            path,
            "auth0: access token rejected with 401; refreshing it once"
        );
        let fresh = self
            .tokens
            .refresh_rejected(token.generation, || self.fetch_token())
            .await?;
        let reply = self.transport.send(request(&fresh.value)).await?;
        self.check(&method, path, reply, true)
    }

    async fn token(&self) -> Result<Token, ApiError> {
        match &self.auth {
            Auth::Static(t) => Ok(Token {
                value: t.clone(),
                generation: 0,
            }),
            _ => self.tokens.get(|| self.fetch_token()).await,
        }
    }

    /// `POST /oauth/token` with the client credentials grant.
    async fn fetch_token(&self) -> Result<Fetched, ApiError> {
        let assertion;
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "client_credentials"),
            ("audience", &self.audience),
        ];
        match &self.auth {
            Auth::Static(_) => {
                return Err(ApiError::new(
                    ApiErrorKind::TokenEndpoint,
                    "POST",
                    TOKEN_PATH,
                    "a static api_token cannot be refreshed",
                ))
            }
            Auth::ClientSecret {
                client_id,
                client_secret,
            } => {
                form.push(("client_id", client_id));
                form.push(("client_secret", client_secret.expose()));
            }
            Auth::PrivateKey {
                client_id,
                key,
                alg,
            } => {
                assertion = client_assertion(
                    key,
                    *alg,
                    client_id,
                    &self.transport.endpoint.base,
                    now_unix().as_secs(),
                )
                .map_err(|m| ApiError::new(ApiErrorKind::TokenEndpoint, "POST", TOKEN_PATH, m))?;
                form.push(("client_id", client_id));
                form.push(("client_assertion", &assertion));
                form.push(("client_assertion_type", CLIENT_ASSERTION_TYPE));
            }
        }
        let reply = self
            .transport
            .send(Request {
                method: Method::POST,
                path: TOKEN_PATH,
                query: None,
                body: Body::Form(&form),
                bearer: None,
            })
            .await?;
        if reply.is_success() {
            // Never quote this body: it may hold a token.
            let parsed: TokenResponse = serde_json::from_slice(&reply.body).map_err(|_| {
                ApiError::new(
                    ApiErrorKind::InvalidResponse,
                    "POST",
                    TOKEN_PATH,
                    "the token endpoint answered 2xx without a readable access_token",
                )
                .with_status(reply.status)
                .with_hint("Check that domain points at an Auth0 tenant.")
            })?;
            let expires_in = parsed
                .expires_in
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(|s| Duration::from_secs_f64(s.min(1e9)));
            return Ok(Fetched {
                value: Secret::new(parsed.access_token),
                expires_in,
            });
        }
        Err(token_error(&reply, &self.caller()))
    }

    /// Passes a 2xx reply on; any other becomes an error with a hint.
    fn check(
        &self,
        method: &Method,
        path: &'static str,
        reply: Reply,
        refreshed: bool,
    ) -> Result<Reply, ApiError> {
        if reply.is_success() {
            return Ok(reply);
        }
        Err(api_error(method, path, &reply, refreshed, &self.caller()))
    }

    fn caller(&self) -> Caller<'_> {
        Caller {
            client_id: self.auth.client_id(),
            key_alg: match &self.auth {
                Auth::PrivateKey { alg, .. } => Some(*alg),
                Auth::Static(_) | Auth::ClientSecret { .. } => None,
            },
            audience: &self.audience,
            domain_id: &self.transport.endpoint.domain_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn client(creds: Credentials) -> Client {
        Client::new(ClientConfig::new("tenant.eu.auth0.com", creds)).unwrap()
    }

    fn secret_client() -> Client {
        client(Credentials::ClientSecret {
            client_id: "CLIENT_ID".into(),
            client_secret: Secret::new("s3cr3t"),
        })
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            retries: None,
        }
    }

    #[test]
    fn new_does_no_io_and_derives_urls() {
        let c = secret_client();
        assert_eq!(c.base_url(), "https://tenant.eu.auth0.com");
        assert_eq!(c.domain_id(), "tenant.eu.auth0.com");
        assert_eq!(c.audience(), "https://tenant.eu.auth0.com/api/v2/");
        assert_eq!(c.token_requests(), 0);
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
    }

    #[test]
    fn settings_body_errors_are_invalid_response() {
        let e = parse_settings(&Method::GET, &reply(200, "{\"session_lifetime\": 7")).unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::InvalidResponse);
        assert!(e.message.contains("not valid JSON"), "{e}");
        let e =
            parse_settings(&Method::GET, &reply(200, r#"{"session_lifetime": -1}"#)).unwrap_err();
        assert!(e.message.contains("session_lifetime is -1"), "{e}");
    }

    #[tokio::test]
    async fn empty_update_is_refused_without_io() {
        let c = secret_client();
        let e = c
            .update_session_settings(&SessionUpdate::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::BadRequest);
        assert_eq!(e.status, None);
        assert_eq!(c.token_requests(), 0);
    }

    #[test]
    fn bad_config_is_rejected_at_new() {
        let mut cfg = ClientConfig::new(
            "tenant.eu.auth0.com",
            Credentials::PrivateKeyJwt {
                client_id: "cid".into(),
                private_key_pem: Secret::new("garbage"),
                signing_alg: SigningAlg::RS256,
            },
        );
        let e = Client::new(cfg.clone()).unwrap_err();
        assert_eq!(e.attribute, Some("client_assertion_private_key"));
        cfg.credentials = Credentials::ApiToken(Secret::new("t"));
        cfg.domain = "http://example.invalid".into();
        assert_eq!(Client::new(cfg).unwrap_err().attribute, Some("domain"));
    }
}

/// The retry loop against a scripted loopback HTTP/1.1 server (the full tenant emulator is
/// exercised in tests/auth0_client.rs).
#[cfg(test)]
mod transport_tests {
    use super::*;
    use crate::auth0::{CookieMode, Minutes, RetryPolicy};
    use std::sync::Mutex;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio::time::Instant;

    /// `None` drops the connection without answering.
    type Script = Vec<Option<(u16, &'static str, &'static str)>>;

    /// Serves `script` in order, one answer per request; returns the base URL and the log of
    /// request lines.
    async fn serve(script: Script) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        tokio::spawn(async move {
            let mut script = script.into_iter();
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                loop {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    // Read headers and a Content-Length body.
                    let request = loop {
                        let n = match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => break None,
                            Ok(n) => n,
                        };
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text[..end]
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                break Some(text.lines().next().unwrap_or("").to_string());
                            }
                        }
                    };
                    let Some(line) = request else { break };
                    seen.lock().unwrap().push(line);
                    match script.next().flatten() {
                        Some((status, headers, body)) => {
                            let answer = format!(
                                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n{headers}\r\n{body}",
                                body.len()
                            );
                            if sock.write_all(answer.as_bytes()).await.is_err() {
                                break;
                            }
                        }
                        None => break,
                    }
                }
            }
        });
        (url, log)
    }

    fn client(url: &str, attempts: u32, total: Duration) -> Client {
        let mut cfg = ClientConfig::new(url, Credentials::ApiToken(Secret::new("tok")));
        cfg.retry = RetryPolicy {
            max_attempts: attempts,
            max_total_wait: total,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        };
        Client::new(cfg).unwrap()
    }

    const OK: Option<(u16, &str, &str)> = Some((
        200,
        "content-type: application/json\r\n",
        r#"{"session_lifetime":3.0166666666666666}"#,
    ));

    #[tokio::test]
    async fn retries_429_5xx_and_drops_then_succeeds() {
        let (url, log) = serve(vec![
            Some((429, "retry-after: 0\r\n", "")),
            Some((503, "", "unavailable")),
            None,
            OK,
        ])
        .await;
        let c = client(&url, 5, Duration::from_secs(2));
        let s = c.read_session_settings().await.unwrap();
        assert_eq!(s.session_lifetime, Minutes(181));
        let log = log.lock().unwrap();
        assert_eq!(log.len(), 4);
        assert!(log[0].starts_with(
            "GET /api/v2/tenants/settings?fields=session_lifetime,idle_session_lifetime,\
             ephemeral_session_lifetime,idle_ephemeral_session_lifetime,session_cookie\
             &include_fields=true HTTP/1.1"
        ));
    }

    #[tokio::test]
    async fn long_retry_after_fails_at_once() {
        let (url, log) = serve(vec![Some((429, "retry-after: 30\r\n", "{}")), OK]).await;
        let c = client(&url, 5, Duration::from_secs(1));
        let started = Instant::now();
        let e = c.read_session_settings().await.unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(500));
        assert_eq!(e.kind, ApiErrorKind::RateLimited);
        let text = e.to_string();
        assert!(
            text.starts_with(
                "Auth0 rate-limited GET /api/v2/tenants/settings (429 too_many_requests): Auth0 \
                 asked to wait 30 s before the next request, more than the 1 s left of the retry \
                 budget (max_total_wait 1 s, 1 attempt in "
            ) && text.ends_with(
                "so far). Wait a minute and run again, lower terraform -parallelism, or check \
                 what else uses this tenant's Management API quota."
            ),
            "{text}"
        );
        assert_eq!(log.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn server_errors_stop_at_max_attempts() {
        let (url, log) = serve(vec![
            Some((
                500,
                "",
                "{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"boom\"}"
            ));
            10
        ])
        .await;
        let c = client(&url, 3, Duration::from_secs(2));
        let e = c.read_session_settings().await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Server);
        assert!(
            e.message.starts_with("boom (gave up after 3 attempts in"),
            "{e}"
        );
        assert_eq!(log.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn dropped_connections_become_a_connection_error() {
        let (url, log) = serve(vec![None, None, None]).await;
        let c = client(&url, 3, Duration::from_secs(2));
        let e = c.read_session_settings().await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Connection, "{e}");
        assert!(e.to_string().contains("127.0.0.1"), "{e}");
        assert_eq!(log.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn patch_answer_is_the_result() {
        let (url, log) = serve(vec![Some((
            200,
            "",
            r#"{"session_lifetime":2,"idle_session_lifetime":1.5,"session_cookie":{"mode":"non-persistent"}}"#,
        ))])
        .await;
        let c = client(&url, 3, Duration::from_secs(2));
        let s = c
            .update_session_settings(&SessionUpdate {
                session_lifetime: Some(Minutes(120)),
                idle_session_lifetime: Some(Minutes(90)),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(s.session_lifetime, Minutes(120));
        assert_eq!(s.idle_session_lifetime, Minutes(90));
        assert_eq!(s.cookie_mode, CookieMode::NonPersistent);
        assert_eq!(
            *log.lock().unwrap(),
            vec!["PATCH /api/v2/tenants/settings HTTP/1.1".to_string()]
        );
    }
}
