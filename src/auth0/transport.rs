//! One request to the tenant, sent and retried per the [`RetryPolicy`]: the HTTPS client
//! (with the route `proxy` chose), the retry loop (waits and budget from `retry`), bounded
//! reply bodies, and one debug line per attempt.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::Value;
use tokio::time::Instant;
use tracing::{debug, trace};

use super::ca_bundle::extra_roots;
use super::cause::{transport_cause, Cause, CauseKind};
use super::config::{default_user_agent, Endpoint, RetryPolicy};
use super::credentials::Secret;
use super::error::{ApiError, ApiErrorKind, ConfigError, Field, Message, TOKEN_PATH};
use super::proxy::{route, Proxy, ProxyEnv, Route};
use super::redact::Redactor;
use super::reply::Reply;
use super::retry::{human, now_unix, Budget, Exhausted};

/// The most of one reply body the client reads. Tenant settings and token answers are a few
/// KiB; anything past this is not the Auth0 API answering (a captive portal, a download, a
/// broken endpoint), and reading it all could take the memory of a CI runner.
pub(crate) const MAX_BODY_BYTES: usize = 1 << 20;

/// Every log line of the client, wherever its code lives, carries one target: Terraform
/// shows it as `@module: auth0.client`, and people filter on it.
const LOG_TARGET: &str = "tfauth0::auth0::client";

/// The HTTP side of a [`super::Client`]: connection pool, tenant address and retry policy.
pub(crate) struct Transport {
    http: reqwest::Client,
    pub endpoint: Endpoint,
    /// Where the requests go: the client is given exactly this proxy, or none, so every
    /// message can say which proxy a request went through.
    route: Route,
    retry: RetryPolicy,
    request_timeout: Duration,
    log_bodies: bool,
    token_requests: AtomicU64,
    /// Every secret the client sends; all server text quoted or logged passes through it.
    redactor: Arc<Redactor>,
}

/// A request as the retry loop replays it.
pub(crate) enum Body<'a> {
    Empty,
    Json(&'a Value),
    Form(&'a [(&'a str, &'a str)]),
}

pub(crate) struct Request<'a> {
    pub method: Method,
    pub path: &'static str,
    pub query: Option<&'a str>,
    pub body: Body<'a>,
    pub bearer: Option<&'a Secret>,
}

/// Why one attempt produced no reply.
enum Failure {
    Timeout,
    /// The exchange failed; whether another attempt can help depends on the cause (a reset
    /// may pass, a refused certificate or proxy credentials will not).
    Exchange(Cause),
    /// The body is larger than [`MAX_BODY_BYTES`]: declared so, or more arrived. Not
    /// retried: a portal or a misrouted endpoint does not change within a retry budget, and
    /// each attempt would read another MiB for nothing.
    TooLarge {
        status: u16,
        declared: Option<u64>,
    },
}

impl Failure {
    fn retryable(&self) -> bool {
        match self {
            Failure::Timeout => true,
            Failure::Exchange(cause) => !cause.kind.permanent(),
            Failure::TooLarge { .. } => false,
        }
    }
}

/// Whether a body that declared `declared` bytes (Content-Length), of which `arrived` have
/// come so far, is past [`MAX_BODY_BYTES`]. The declaration is checked but never trusted for
/// allocation: what arrives is counted too.
fn past_bound(declared: Option<u64>, arrived: usize) -> bool {
    declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) || arrived > MAX_BODY_BYTES
}

/// Static method names, so errors can carry them without allocating.
pub(crate) fn method_str(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::PATCH => "PATCH",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        _ => "HTTP",
    }
}

impl Transport {
    /// Builds the HTTPS client for `endpoint`, routed as the proxy variables of `proxy_env`
    /// say. Makes no network request.
    pub fn new(
        endpoint: Endpoint,
        user_agent: String,
        retry: RetryPolicy,
        request_timeout: Duration,
        log_bodies: bool,
        proxy_env: &ProxyEnv,
        redactor: Arc<Redactor>,
    ) -> Result<Transport, ConfigError> {
        if request_timeout.is_zero() {
            return Err(ConfigError::plain(
                "request_timeout must be greater than zero",
            ));
        }
        let user_agent = if user_agent.trim().is_empty() {
            default_user_agent()
        } else {
            user_agent
        };
        let target = reqwest::Url::parse(&endpoint.base).map_err(|e| {
            ConfigError::new(
                Some(Field::Domain),
                Message::default()
                    .text("invalid ")
                    .name(Field::Domain)
                    .text(format!(": {e}")),
            )
        })?;
        let route = route(proxy_env, &target)?;
        let mut builder = reqwest::Client::builder().use_rustls_tls();
        builder = match &route {
            Route::Direct => builder.no_proxy(),
            Route::Proxy(proxy) => {
                for secret in proxy.secrets() {
                    redactor.add(&secret);
                }
                let via = reqwest::Proxy::all(proxy.url()).map_err(|_| {
                    ConfigError::plain(format!("{} is not a usable proxy URL", proxy.named()))
                })?;
                builder.proxy(via)
            }
        };
        debug!(
            target: LOG_TARGET,
            host = %endpoint.domain_id,
            proxy = %route_text(&route),
            "auth0: route to the tenant"
        );
        // Extra CA bundles matter only for https; a loopback http:// tenant skips parsing them.
        if endpoint.base.starts_with("https://") {
            for cert in extra_roots()? {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .user_agent(user_agent)
            .connect_timeout(request_timeout.min(Duration::from_secs(10)))
            // A redirect would mean `domain` is wrong; following it could carry the token
            // somewhere else, so report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::plain(format!("could not set up the HTTPS client: {e}")))?;
        Ok(Transport {
            http,
            endpoint,
            route,
            retry,
            request_timeout,
            log_bodies,
            token_requests: AtomicU64::new(0),
            redactor,
        })
    }

    /// The proxy every request goes through, if any.
    pub fn proxy(&self) -> Option<&Proxy> {
        match &self.route {
            Route::Direct => None,
            Route::Proxy(p) => Some(p),
        }
    }

    /// The secrets every quote and log line is cleaned of.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// How many HTTP requests to `/oauth/token` have been sent.
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// Sends `req`, retrying 429, 408, 5xx, timeouts and connection failures within the retry
    /// budget, and returns the last reply (any status) for the caller to judge.
    ///
    /// Retrying the PATCH is safe: it sets absolute values, so applying it twice (e.g. when
    /// the first answer was lost after Auth0 applied it) leaves the same state.
    pub async fn send(&self, req: Request<'_>) -> Result<Reply, ApiError> {
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
                        .header("x-ratelimit-remaining")
                        .map_or_else(|| "-".to_string(), Cow::into_owned);
                    debug!(
                        target: LOG_TARGET,
                        method = %req.method,
                        path = req.path,
                        status = reply.status,
                        duration_ms = ms,
                        ratelimit_remaining = %remaining,
                        attempt,
                        "auth0 api call"
                    );
                    trace!(
                        target: LOG_TARGET,
                        content_type = %reply.header(CONTENT_TYPE).unwrap_or(Cow::Borrowed("-")),
                        body_len = reply.body_len(),
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
                            target: LOG_TARGET,
                            method = %req.method,
                            path = req.path,
                            status = reply.status,
                            request_body = %sent,
                            response_body = %reply.text(),
                            "auth0 api exchange"
                        );
                    }
                    match reply.status {
                        429 => {
                            let asked = reply.rate_limit_wait(now_unix().as_secs_f64());
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
                        Failure::Timeout => "timeout",
                        Failure::Exchange(cause) => cause.text.as_str(),
                        Failure::TooLarge { .. } => "body too large",
                    };
                    debug!(
                        target: LOG_TARGET,
                        method = %req.method,
                        path = req.path,
                        error = what,
                        duration_ms = ms,
                        attempt,
                        "auth0 api call"
                    );
                    if !failure.retryable() {
                        return Err(self.transport_error(&req, failure, &budget));
                    }
                    match budget.take(budget.next_backoff()) {
                        Ok(w) => w,
                        Err(_) => return Err(self.transport_error(&req, failure, &budget)),
                    }
                }
            };
            if !wait.is_zero() {
                debug!(
                    target: LOG_TARGET,
                    method = %req.method,
                    path = req.path,
                    wait_ms = wait.as_millis() as u64,
                    "auth0: retrying"
                );
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// One HTTP exchange, body included, bounded by `request_timeout` and [`MAX_BODY_BYTES`].
    async fn attempt(&self, req: &Request<'_>, url: &str) -> Result<Reply, Failure> {
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
        match tokio::time::timeout(self.request_timeout, self.exchange(builder)).await {
            Err(_) => Err(Failure::Timeout),
            Ok(outcome) => outcome,
        }
    }

    /// Sends the request and reads the body chunk by chunk, hanging up once it is past the
    /// bound (dropping the response closes the connection).
    async fn exchange(&self, builder: reqwest::RequestBuilder) -> Result<Reply, Failure> {
        let failed = |e: reqwest::Error| match e.is_timeout() {
            true => Failure::Timeout,
            false => self.describe(&e),
        };
        let mut resp = builder.send().await.map_err(failed)?;
        let status = resp.status().as_u16();
        let declared = resp.content_length();
        let mut body = Vec::new();
        loop {
            if past_bound(declared, body.len()) {
                return Err(Failure::TooLarge { status, declared });
            }
            match resp.chunk().await.map_err(failed)? {
                Some(chunk) => body.extend_from_slice(&chunk),
                None => break,
            }
        }
        Ok(Reply::new(
            status,
            std::mem::take(resp.headers_mut()),
            body,
            self.redactor.clone(),
        ))
    }

    /// A failed exchange as a [`Failure`] whose text holds no secret.
    fn describe(&self, e: &reqwest::Error) -> Failure {
        let cause = transport_cause(e);
        Failure::Exchange(Cause {
            text: self.redactor.scrub(&cause.text).into_owned(),
            ..cause
        })
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

    fn transport_error(&self, req: &Request<'_>, failure: Failure, budget: &Budget) -> ApiError {
        let host = &self.endpoint.domain_id;
        let tries = budget.attempts_text();
        let (method, path) = (method_str(&req.method), req.path);
        let proxy = self.proxy().map(Proxy::named);
        // Whatever failed, a proxy in the way is the first thing to check.
        let reach = match &proxy {
            Some(p) => format!(
                "Check that the proxy {p} is running and can reach {host}, or list {host} in \
                 NO_PROXY to go direct."
            ),
            None => format!(
                "Check that domain ({host}) is right and reachable from this machine (DNS, \
                 proxy, firewall; a custom CA bundle can be given with SSL_CERT_FILE)."
            ),
        };
        match failure {
            Failure::Timeout => ApiError::new(
                ApiErrorKind::Timeout,
                method,
                path,
                format!(
                    "no complete answer from {host}: {tries}, each attempt given {} \
                     (request_timeout)",
                    human(self.request_timeout)
                ),
            )
            .with_hint(match &proxy {
                Some(_) => format!("{reach} If Auth0 is slow, retry later."),
                None => "Check network access to Auth0 (proxy, firewall), or retry later if \
                         Auth0 is slow."
                    .to_string(),
            }),
            Failure::TooLarge { status, declared } => ApiError::new(
                ApiErrorKind::InvalidResponse,
                method,
                path,
                format!(
                    "the answer's body is larger than the {} the provider reads ({}); not \
                     retried",
                    human_bytes(MAX_BODY_BYTES),
                    match declared {
                        Some(n) if n > MAX_BODY_BYTES as u64 => format!("Content-Length {n}"),
                        _ => format!("more than {} arrived", human_bytes(MAX_BODY_BYTES)),
                    }
                ),
            )
            .with_status(status)
            .with_hint(format!(
                "Tenant settings and access tokens are a few KiB, so this is not the Auth0 API \
                 answering: check domain ({host}) and any proxy or captive portal between this \
                 machine and Auth0."
            )),
            Failure::Exchange(cause) => {
                let hint = match cause.kind {
                    CauseKind::Certificate => format!(
                        "The certificate {host} presented was not accepted, so the provider did \
                         not retry. Check that domain ({host}) is the tenant's Auth0 domain; the \
                         CA of a TLS-inspecting proxy can be given with SSL_CERT_FILE or \
                         SSL_CERT_DIR."
                    ),
                    CauseKind::ProxyAuth => format!(
                        "Put the proxy's credentials in its URL (http://user:password@host:port) \
                         in {}, or list {host} in NO_PROXY to go direct.",
                        self.proxy().map_or("HTTPS_PROXY", |p| p.var)
                    ),
                    CauseKind::ProxyTunnel
                    | CauseKind::Dns
                    | CauseKind::Refused
                    | CauseKind::Closed
                    | CauseKind::Connect
                    | CauseKind::Body
                    | CauseKind::Other => reach,
                };
                ApiError::new(
                    ApiErrorKind::Connection,
                    method,
                    path,
                    format!("{} (host {host}; {tries})", cause.text),
                )
                .with_hint(hint)
            }
        }
    }
}

/// "1 MiB", "512 KiB".
fn human_bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// The route as the debug line shows it.
fn route_text(route: &Route) -> String {
    match route {
        Route::Direct => "none (direct)".into(),
        Route::Proxy(p) => p.named(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_bounded_by_declaration_and_by_arrival() {
        assert!(!past_bound(None, 0));
        assert!(!past_bound(Some(MAX_BODY_BYTES as u64), MAX_BODY_BYTES));
        assert!(past_bound(Some(MAX_BODY_BYTES as u64 + 1), 0));
        assert!(past_bound(Some(3 << 30), 0));
        // A lie in either direction: what arrives counts.
        assert!(past_bound(None, MAX_BODY_BYTES + 1));
        assert!(past_bound(Some(10), MAX_BODY_BYTES + 1));
        assert_eq!(human_bytes(MAX_BODY_BYTES), "1 MiB");
        assert_eq!(human_bytes(4096), "4 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }
}
