//! The Management API client: transport with retries, authentication, and the two calls the
//! provider needs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::signature::RsaKeyPair;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION};
use reqwest::Method;
use serde_json::Value;
use tokio::time::Instant;
use tracing::{debug, trace};

use super::ca_bundle::extra_roots;
use super::config::{default_user_agent, parse_domain, ClientConfig, Endpoint, RetryPolicy};
use super::credentials::{parse_private_key, Credentials, Secret, SigningAlg};
use super::error::{body_excerpt, ApiError, ApiErrorKind, ConfigError};
use super::jwt::client_assertion;
use super::retry::{human, rate_limit_wait, Budget, Exhausted};
use super::settings::{fields_query, SessionSettings, SessionUpdate};
use super::token::{Fetched, OAuthError, Token, TokenCache, TokenResponse};

pub(crate) const SETTINGS_PATH: &str = "/api/v2/tenants/settings";
const TOKEN_PATH: &str = "/oauth/token";
const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const DASHBOARD_M2M: &str = "in the Auth0 dashboard (APIs > Auth0 Management API > Machine to \
                             Machine Applications)";

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
    http: reqwest::Client,
    endpoint: Endpoint,
    audience: String,
    auth: Auth,
    retry: RetryPolicy,
    request_timeout: Duration,
    log_bodies: bool,
    tokens: TokenCache,
    token_requests: AtomicU64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.endpoint.base)
            .field("audience", &self.inner.audience)
            .finish_non_exhaustive()
    }
}

/// A request as the retry loop replays it.
enum Body<'a> {
    Empty,
    Json(&'a Value),
    Form(&'a [(&'a str, &'a str)]),
}

struct Request<'a> {
    method: Method,
    path: &'static str,
    query: Option<&'a str>,
    body: Body<'a>,
    bearer: Option<&'a Secret>,
}

/// A complete HTTP answer (headers and whole body).
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    /// "N attempts over T", filled in when the reply ends a run of retries.
    retries: Option<String>,
}

impl Reply {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why one attempt produced no reply.
enum Transport {
    Timeout,
    Failed(String),
}

/// Auth0's Management API error body.
#[derive(serde::Deserialize, Default)]
struct MgmtError {
    message: Option<String>,
    error: Option<String>,
    #[serde(rename = "errorCode")]
    error_code: Option<String>,
}

/// Static method names, so errors can carry them without allocating.
fn method_str(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::PATCH => "PATCH",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        _ => "HTTP",
    }
}

fn now_unix() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
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
        if cfg.request_timeout.is_zero() {
            return Err(ConfigError::new(
                None,
                "request_timeout must be greater than zero",
            ));
        }
        let user_agent = if cfg.user_agent.trim().is_empty() {
            default_user_agent()
        } else {
            cfg.user_agent
        };
        let mut builder = reqwest::Client::builder().use_rustls_tls();
        // Extra CA bundles matter only for https; a loopback http:// tenant skips parsing them.
        if endpoint.base.starts_with("https://") {
            for cert in extra_roots()? {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .user_agent(user_agent)
            .connect_timeout(cfg.request_timeout.min(Duration::from_secs(10)))
            // A redirect would mean `domain` is wrong; following it could carry the token
            // somewhere else, so report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                ConfigError::new(None, format!("could not set up the HTTPS client: {e}"))
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                audience,
                auth,
                retry: cfg.retry,
                request_timeout: cfg.request_timeout,
                log_bodies: cfg.log_bodies,
                tokens: TokenCache::default(),
                token_requests: AtomicU64::new(0),
            }),
        })
    }

    /// `scheme://host[:port]` of the tenant.
    pub fn base_url(&self) -> &str {
        &self.inner.endpoint.base
    }

    /// `host[:port]` of the tenant; stable, so it serves as the resource ID.
    pub fn domain_id(&self) -> String {
        self.inner.endpoint.domain_id.clone()
    }

    /// The token audience in use.
    pub fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// How many HTTP requests to `/oauth/token` this client (and its clones) has sent.
    pub fn token_requests(&self) -> u64 {
        self.inner.token_requests.load(Ordering::Relaxed)
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
        let reply = self.send(request(&token.value)).await?;
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
        let reply = self.send(request(&fresh.value)).await?;
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
                    &self.endpoint.base,
                    now_unix().as_secs(),
                )
                .map_err(|m| ApiError::new(ApiErrorKind::TokenEndpoint, "POST", TOKEN_PATH, m))?;
                form.push(("client_id", client_id));
                form.push(("client_assertion", &assertion));
                form.push(("client_assertion_type", CLIENT_ASSERTION_TYPE));
            }
        }
        let reply = self
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
        Err(self.token_error(&reply))
    }

    fn token_error(&self, reply: &Reply) -> ApiError {
        let kind = match reply.status {
            429 => ApiErrorKind::RateLimited,
            500..=599 => ApiErrorKind::Server,
            _ => ApiErrorKind::TokenEndpoint,
        };
        let parsed: Option<OAuthError> = serde_json::from_slice(&reply.body).ok();
        let (code, description) = match parsed {
            Some(e) => (e.error, e.error_description),
            None => (None, None),
        };
        let message = description
            .clone()
            .or_else(|| code.clone())
            .unwrap_or_else(|| {
                format!(
                    "unexpected answer, body starts with {}",
                    body_excerpt(&reply.body)
                )
            });
        let client_id = self.auth.client_id().unwrap_or("");
        let credential_hint = match &self.auth {
            Auth::PrivateKey { alg, .. } => format!(
                "Check client_id and client_assertion_private_key: the application {client_id} \
                 must have the matching public key registered for {alg} (Application > \
                 Credentials)."
            ),
            _ => format!(
                "Check client_id/client_secret (AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET): Auth0 did \
                 not accept them for the application {client_id}."
            ),
        };
        let desc = description.unwrap_or_default().to_ascii_lowercase();
        let hint = match code.as_deref() {
            Some("access_denied") if desc.contains("not authorized to access") => Some(format!(
                "Authorize the application {client_id} for the Auth0 Management API (audience \
                 {}) {DASHBOARD_M2M}.",
                self.audience
            )),
            Some("access_denied") if desc.contains("service not found") => Some(format!(
                "Auth0 has no API with the audience {}; remove audience (AUTH0_AUDIENCE) to use \
                 the tenant's Management API.",
                self.audience
            )),
            Some("access_denied") | Some("invalid_client") => Some(credential_hint),
            Some("unauthorized_client") => Some(format!(
                "Enable the Client Credentials grant for the application {client_id} (Application \
                 > Advanced Settings > Grant Types)."
            )),
            _ if reply.status == 401 || reply.status == 403 => Some(credential_hint),
            _ => None,
        };
        let message = match &reply.retries {
            Some(tries) => format!("{message} (gave up after {tries})"),
            None => message,
        };
        let mut err = ApiError::new(kind, "POST", TOKEN_PATH, message)
            .with_status(reply.status)
            .with_code(code);
        err.hint = hint;
        err
    }

    /// Turns a non-2xx Management API reply into an error with a hint.
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
        let status = reply.status;
        let parsed: Option<MgmtError> = serde_json::from_slice(&reply.body).ok();
        let json_ok = parsed.is_some();
        let parsed = parsed.unwrap_or_default();
        let auth0_message = parsed.message.or(parsed.error);
        let mut message = match auth0_message {
            Some(m) => m,
            None if json_ok => format!("HTTP {status}"),
            None => format!(
                "HTTP {status} with a body that is not Auth0 JSON, starting with {}",
                body_excerpt(&reply.body)
            ),
        };
        let scope_needed = if *method == Method::GET {
            "read:tenant_settings"
        } else {
            "update:tenant_settings"
        };
        let (kind, hint): (ApiErrorKind, Option<String>) = match status {
            300..=399 => {
                let to = reply
                    .headers
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("?");
                message = format!("HTTP {status} redirect to {to}");
                (
                    ApiErrorKind::InvalidResponse,
                    Some(
                        "Set domain to the tenant's Auth0 domain (e.g. my-tenant.eu.auth0.com) \
                         that serves the Management API directly."
                            .into(),
                    ),
                )
            }
            400 => {
                let hint = message.contains("maximum").then(|| {
                    "Use a smaller value: Auth0 limits session lifetimes (up to 8,760 h \
                     absolute; lower on self-service plans)."
                        .to_string()
                });
                (ApiErrorKind::BadRequest, hint)
            }
            401 if matches!(self.auth, Auth::Static(_)) => (
                ApiErrorKind::Unauthorized,
                Some(
                    "The api_token is expired or invalid; use client credentials (client_id with \
                     client_secret or client_assertion_private_key) so the provider can refresh \
                     tokens."
                        .into(),
                ),
            ),
            401 => {
                if refreshed {
                    message.push_str(" (the token was refreshed and still rejected)");
                }
                (
                    ApiErrorKind::Unauthorized,
                    Some(format!(
                        "Check that audience is {} (the tenant's Management API identifier) and \
                         that the application {} is authorized for it {DASHBOARD_M2M}.",
                        self.audience,
                        self.auth.client_id().unwrap_or("")
                    )),
                )
            }
            403 => {
                let scopes = message
                    .split_once("of:")
                    .map(|(_, s)| s.trim().trim_end_matches('.').to_string())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| scope_needed.to_string());
                let hint = match self.auth.client_id() {
                    Some(id) => {
                        format!("Grant the scope {scopes} to the application {id} {DASHBOARD_M2M}.")
                    }
                    None => format!(
                        "Issue a new api_token that includes the scope {scopes}, or use client \
                         credentials of an application granted that scope."
                    ),
                };
                (ApiErrorKind::Forbidden, Some(hint))
            }
            404 => (
                ApiErrorKind::NotFound,
                Some(format!(
                    "Check that domain ({}) is the tenant's Auth0 domain such as \
                     my-tenant.eu.auth0.com; custom domains do not serve the Management API.",
                    self.endpoint.domain_id
                )),
            ),
            408 => (ApiErrorKind::Timeout, None),
            429 => (ApiErrorKind::RateLimited, None),
            500..=599 => (
                ApiErrorKind::Server,
                Some(
                    "Auth0 may be having an incident (see status.auth0.com); run again later."
                        .into(),
                ),
            ),
            431 => (
                ApiErrorKind::Refused,
                Some(
                    "Auth0 found the request headers too large (HTTP 431). The Authorization header \
                     carries the access token: if api_token (AUTH0_API_TOKEN) is set, check that it \
                     holds one Management API token and nothing else."
                        .into(),
                ),
            ),
            _ => (ApiErrorKind::Refused, None),
        };
        if let Some(tries) = &reply.retries {
            message = format!("{message} (gave up after {tries})");
        }
        let mut err = ApiError::new(kind, method_str(method), path, message)
            .with_status(status)
            .with_code(parsed.error_code);
        err.hint = hint;
        Err(err)
    }

    /// Sends `req`, retrying 429, 408, 5xx, timeouts and connection failures within the retry
    /// budget, and returns the last reply (any status) for the caller to judge.
    ///
    /// Retrying the PATCH is safe: it sets absolute values, so applying it twice (e.g. when
    /// the first answer was lost after Auth0 applied it) leaves the same state.
    async fn send(&self, req: Request<'_>) -> Result<Reply, ApiError> {
        let mut budget = Budget::new(self.retry);
        let url = match req.query {
            Some(q) => format!("{}{}?{q}", self.endpoint.base, req.path),
            None => format!("{}{}", self.endpoint.base, req.path),
        };
        loop {
            budget.attempts += 1;
            let attempt = budget.attempts;
            if req.path == TOKEN_PATH {
                self.token_requests.fetch_add(1, Ordering::Relaxed);
            }
            let started = Instant::now();
            let outcome = self.attempt(&req, &url).await;
            let ms = started.elapsed().as_millis() as u64;
            let wait = match outcome {
                Ok(reply) => {
                    let remaining = reply
                        .headers
                        .get("x-ratelimit-remaining")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_string();
                    debug!(
                        method = %req.method,
                        path = req.path,
                        status = reply.status,
                        duration_ms = ms,
                        ratelimit_remaining = %remaining,
                        attempt,
                        "auth0 api call"
                    );
                    trace!(
                        content_type = ?reply.headers.get(CONTENT_TYPE),
                        body_len = reply.body.len(),
                        "auth0 api reply"
                    );
                    // `debug` in the provider block. Management API bodies here are
                    // session settings only; the token endpoint's carry secrets.
                    if self.log_bodies && req.path != TOKEN_PATH {
                        let sent = match req.body {
                            Body::Json(v) => v.to_string(),
                            Body::Empty | Body::Form(_) => String::new(),
                        };
                        debug!(
                            method = %req.method,
                            path = req.path,
                            status = reply.status,
                            request_body = %sent,
                            response_body = %String::from_utf8_lossy(&reply.body),
                            "auth0 api exchange"
                        );
                    }
                    match reply.status {
                        429 => {
                            let asked = rate_limit_wait(&reply.headers, now_unix().as_secs_f64());
                            let wait = asked.unwrap_or_else(|| budget.next_backoff());
                            budget
                                .take(wait)
                                .map_err(|ex| self.rate_limited(&req, &budget, asked, ex))?
                        }
                        408 | 500..=599 => match budget.take(budget.next_backoff()) {
                            Ok(w) => w,
                            Err(_) => {
                                let mut reply = reply;
                                reply.retries = Some(budget.attempts_text());
                                return Ok(reply);
                            }
                        },
                        _ => return Ok(reply),
                    }
                }
                Err(failure) => {
                    let what = match &failure {
                        Transport::Timeout => "timeout",
                        Transport::Failed(why) => why.as_str(),
                    };
                    debug!(
                        method = %req.method,
                        path = req.path,
                        error = what,
                        duration_ms = ms,
                        attempt,
                        "auth0 api call"
                    );
                    match budget.take(budget.next_backoff()) {
                        Ok(w) => w,
                        Err(_) => return Err(self.transport_error(&req, failure, &budget)),
                    }
                }
            };
            if !wait.is_zero() {
                debug!(
                    method = %req.method,
                    path = req.path,
                    wait_ms = wait.as_millis() as u64,
                    "auth0: retrying"
                );
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// One HTTP exchange, body included, bounded by `request_timeout`.
    async fn attempt(&self, req: &Request<'_>, url: &str) -> Result<Reply, Transport> {
        let mut builder = self.http.request(req.method.clone(), url);
        if let Some(token) = req.bearer {
            // reqwest marks this header sensitive, which keeps it out of its Debug output.
            builder = builder.bearer_auth(token.expose());
        }
        builder = match req.body {
            Body::Empty => builder,
            Body::Json(v) => builder.json(v),
            Body::Form(f) => builder.form(f),
        };
        let exchange = async {
            let resp = builder.send().await?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>(Reply {
                status,
                headers,
                body,
                retries: None,
            })
        };
        match tokio::time::timeout(self.request_timeout, exchange).await {
            Err(_) => Err(Transport::Timeout),
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(e)) if e.is_timeout() => Err(Transport::Timeout),
            Ok(Err(e)) => Err(Transport::Failed(describe_transport_error(&e))),
        }
    }

    fn rate_limited(
        &self,
        req: &Request<'_>,
        budget: &Budget,
        asked: Option<Duration>,
        why: Exhausted,
    ) -> ApiError {
        let p = budget.policy();
        let message = match (why, asked) {
            (Exhausted::Time { needed, remaining }, Some(_)) => format!(
                "Auth0 asked to wait {} before the next request, more than the {} left of the \
                 retry budget (max_total_wait {}, {} so far)",
                human(needed),
                human(remaining),
                human(p.max_total_wait),
                budget.attempts_text()
            ),
            (Exhausted::Time { .. }, None) | (Exhausted::Attempts, _) => format!(
                "still rate-limited after {} (bounds: max_attempts {}, max_total_wait {}){}",
                budget.attempts_text(),
                p.max_attempts,
                human(p.max_total_wait),
                asked
                    .map(|w| format!("; Auth0 asked to wait {}", human(w)))
                    .unwrap_or_default()
            ),
        };
        ApiError::new(
            ApiErrorKind::RateLimited,
            method_str(&req.method),
            req.path,
            message,
        )
        .with_status(429)
        .with_code(Some("too_many_requests".into()))
        .with_hint(match asked {
            // Auth0's rate limits reset within a minute; a longer wait is a quota or a
            // penalty, and "wait a minute" would send the person straight back into it.
            Some(w) if w > Duration::from_secs(60) => format!(
                "Run again once that time has passed (in about {}); meanwhile check what else \
                 uses this tenant's Management API quota.",
                human(w)
            ),
            _ => "Wait a minute and run again, lower terraform -parallelism, or check what else \
                  uses this tenant's Management API quota."
                .to_string(),
        })
    }

    fn transport_error(&self, req: &Request<'_>, failure: Transport, budget: &Budget) -> ApiError {
        let host = &self.endpoint.domain_id;
        let tries = budget.attempts_text();
        match failure {
            Transport::Timeout => ApiError::new(
                ApiErrorKind::Timeout,
                method_str(&req.method),
                req.path,
                format!(
                    "no complete answer from {host}: {tries}, each attempt given {} \
                     (request_timeout)",
                    human(self.request_timeout)
                ),
            )
            .with_hint(
                "Check network access to Auth0 (proxy, firewall), or retry later if Auth0 is slow.",
            ),
            Transport::Failed(why) => ApiError::new(
                ApiErrorKind::Connection,
                method_str(&req.method),
                req.path,
                format!("{why} (host {host}; {tries})"),
            )
            .with_hint(format!(
                "Check that domain ({host}) is right and reachable from this machine (DNS, proxy, \
                 firewall; a custom CA bundle can be given with SSL_CERT_FILE)."
            )),
        }
    }
}

/// A readable cause for a failed exchange, from the innermost error (never contains a URL
/// query, header or body, so no secret).
fn describe_transport_error(e: &reqwest::Error) -> String {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    let all = causes.join(": ").to_ascii_lowercase();
    let lead = if all.contains("dns error") || all.contains("failed to lookup") {
        "could not resolve the host name"
    } else if all.contains("refused") {
        "connection refused"
    } else if all.contains("certificate") || all.contains("tls") || all.contains("handshake") {
        "TLS handshake failed"
    } else if all.contains("closed before message completed")
        || all.contains("connection reset")
        || all.contains("broken pipe")
    {
        "the connection was closed before the answer arrived"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the connection closed before the whole answer arrived"
    } else {
        "the connection failed"
    };
    match causes.last() {
        Some(inner) => format!("{lead} ({inner})"),
        None => lead.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn forbidden_names_scope_and_application() {
        let c = secret_client();
        let body = r#"{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: update:tenant_settings","errorCode":"insufficient_scope"}"#;
        let e = c
            .inner
            .check(&Method::PATCH, SETTINGS_PATH, reply(403, body), false)
            .err()
            .unwrap();
        assert_eq!(e.kind, ApiErrorKind::Forbidden);
        assert_eq!(e.error_code.as_deref(), Some("insufficient_scope"));
        assert_eq!(
            e.to_string(),
            "Auth0 refused PATCH /api/v2/tenants/settings (403 insufficient_scope): Insufficient \
             scope, expected any of: update:tenant_settings. Grant the scope \
             update:tenant_settings to the application CLIENT_ID in the Auth0 dashboard (APIs > \
             Auth0 Management API > Machine to Machine Applications)."
        );
    }

    #[test]
    fn unauthorized_texts_per_mode() {
        let body = r#"{"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON Web Token validation"}"#;
        let c = client(Credentials::ApiToken(Secret::new("tok")));
        let e = c
            .inner
            .check(&Method::GET, SETTINGS_PATH, reply(401, body), false)
            .err()
            .unwrap();
        assert_eq!(e.kind, ApiErrorKind::Unauthorized);
        assert!(
            e.to_string()
                .contains("api_token is expired or invalid; use client credentials"),
            "{e}"
        );
        let e = secret_client()
            .inner
            .check(&Method::GET, SETTINGS_PATH, reply(401, body), true)
            .err()
            .unwrap();
        assert!(
            e.message
                .ends_with("(the token was refreshed and still rejected)"),
            "{e}"
        );
    }

    #[test]
    fn bad_request_keeps_auth0_message() {
        let body = r#"{"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Value 20160 is greater than maximum 8760' on property session_lifetime (Number of hours a session will stay valid).","errorCode":"invalid_body"}"#;
        let e = secret_client()
            .inner
            .check(&Method::PATCH, SETTINGS_PATH, reply(400, body), false)
            .err()
            .unwrap();
        assert_eq!(e.kind, ApiErrorKind::BadRequest);
        let text = e.to_string();
        assert!(text.starts_with("Auth0 refused PATCH /api/v2/tenants/settings (400 invalid_body): Payload validation error: 'Value 20160 is greater than maximum 8760'"), "{text}");
        assert!(text.contains("Use a smaller value"), "{text}");
    }

    #[test]
    fn html_and_not_found() {
        let c = secret_client();
        let mut r = reply(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        r.retries = Some("5 attempts in 3.2 s".into());
        let e = c
            .inner
            .check(&Method::GET, SETTINGS_PATH, r, false)
            .err()
            .unwrap();
        assert_eq!(e.kind, ApiErrorKind::Server);
        assert!(
            e.message.contains("\"<html><body><h1>502 Bad Gateway"),
            "{e}"
        );
        assert!(e.message.contains("gave up after 5 attempts"), "{e}");
        let e = c
            .inner
            .check(
                &Method::GET,
                SETTINGS_PATH,
                reply(
                    404,
                    r#"{"statusCode":404,"error":"Not Found","message":"Not Found"}"#,
                ),
                false,
            )
            .err()
            .unwrap();
        assert_eq!(e.kind, ApiErrorKind::NotFound);
        assert!(e.to_string().contains("custom domains do not serve"), "{e}");
    }

    #[test]
    fn token_endpoint_errors_have_hints() {
        let c = secret_client();
        let e = c.inner.token_error(&reply(
            401,
            r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        ));
        assert_eq!(e.kind, ApiErrorKind::TokenEndpoint);
        assert_eq!(
            e.to_string(),
            "Auth0 refused the access token request POST /oauth/token (401 access_denied): \
             Unauthorized. Check client_id/client_secret (AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET): \
             Auth0 did not accept them for the application CLIENT_ID."
        );
        let e = c.inner.token_error(&reply(
            403,
            r#"{"error":"access_denied","error_description":"Client is not authorized to access \"https://tenant.eu.auth0.com/api/v2/\". You need to create a \"client-grant\" associated to this API."}"#,
        ));
        assert!(
            e.to_string()
                .contains("Authorize the application CLIENT_ID for the Auth0 Management API"),
            "{e}"
        );
        let e = c.inner.token_error(&reply(500, "oops"));
        assert_eq!(e.kind, ApiErrorKind::Server);
        assert!(e.message.contains("\"oops\""), "{e}");
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
    use crate::auth0::{CookieMode, Minutes};
    use std::sync::Mutex;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

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
