//! One request to the tenant, sent and retried per the [`RetryPolicy`]: the HTTPS client
//! (with the route `proxy` chose), the retry loop (waits and budget from `retry`), bounded
//! reply bodies, and one debug line per attempt.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AsHeaderName, HeaderMap, CONTENT_TYPE, LOCATION};
use reqwest::Method;
use serde_json::Value;
use tokio::time::Instant;
use tracing::{debug, trace};

use super::ca_bundle::extra_roots;
use super::config::{default_user_agent, Endpoint, RetryPolicy};
use super::credentials::Secret;
use super::error::{body_excerpt, ApiError, ApiErrorKind, ConfigError, Field, Message};
use super::proxy::{route, Proxy, ProxyEnv, Route};
use super::redact::Redactor;
use super::retry::{human, now_unix, rate_limit_wait, Budget, Exhausted};
use super::token::TOKEN_PATH;

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

/// A complete HTTP answer (headers and whole body). What the server sent can only be read
/// as text through the [`Redactor`] (`header`, `text`, `excerpt`, `json`), so no path that
/// quotes or logs it can forget to take the client's secrets out; `secret_bytes` is the one
/// exception, for the token grant.
pub(crate) struct Reply {
    pub status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    redactor: Arc<Redactor>,
    /// "N attempts over T", filled in when the reply ends a run of retries.
    pub retries: Option<String>,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// A header as text fit to quote or log; `None` when absent or not text.
    pub fn header(&self, name: impl AsHeaderName) -> Option<Cow<'_, str>> {
        let value = self.headers.get(name)?.to_str().ok()?;
        Some(self.redactor.scrub(value))
    }

    /// Where a redirect points, fit to quote.
    pub fn location(&self) -> Option<Cow<'_, str>> {
        self.header(LOCATION)
    }

    /// The body as text fit to quote or log.
    pub fn text(&self) -> Cow<'_, str> {
        match String::from_utf8_lossy(&self.body) {
            Cow::Borrowed(text) => self.redactor.scrub(text),
            Cow::Owned(text) => Cow::Owned(self.redactor.scrub(&text).into_owned()),
        }
    }

    /// A short, one-line quote of the body for messages.
    pub fn excerpt(&self) -> String {
        body_excerpt(self.text().as_bytes())
    }

    /// The body as JSON, every string in it (decoded, so whatever escapes the server used)
    /// with the client's secrets replaced: fit to quote.
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        let mut value: Value = serde_json::from_slice(&self.body)?;
        self.redactor.scrub_json(&mut value);
        Ok(value)
    }

    /// The body as it came, for reading the access token out of a token grant. Never quote
    /// or log it: it holds a secret the redactor does not know yet.
    pub fn secret_bytes(&self) -> &[u8] {
        &self.body
    }

    pub fn body_len(&self) -> usize {
        self.body.len()
    }

    /// How long a 429 asks to wait (numbers only, so nothing to redact).
    fn rate_limit_wait(&self, now_unix_secs: f64) -> Option<Duration> {
        rate_limit_wait(&self.headers, now_unix_secs)
    }
}

#[cfg(test)]
impl Reply {
    /// A reply without headers, for unit tests of the code that reads replies.
    pub fn for_test(status: u16, body: &str) -> Reply {
        Reply::for_test_with(status, &[], body, Arc::default())
    }

    /// A reply with headers, whose text is redacted by `redactor`.
    pub fn for_test_with(
        status: u16,
        headers: &[(&'static str, &str)],
        body: &str,
        redactor: Arc<Redactor>,
    ) -> Reply {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().unwrap());
        }
        Reply {
            status,
            headers: map,
            body: body.as_bytes().to_vec(),
            redactor,
            retries: None,
        }
    }
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
        Ok(Reply {
            status,
            headers: std::mem::take(resp.headers_mut()),
            body,
            redactor: self.redactor.clone(),
            retries: None,
        })
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

/// What made an exchange fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CauseKind {
    /// The server's certificate was refused (unknown issuer, expired, another host's).
    Certificate,
    /// The proxy answered CONNECT with 407.
    ProxyAuth,
    /// The proxy answered CONNECT with another error status.
    ProxyTunnel,
    Dns,
    Refused,
    /// Closed or reset before the answer.
    Closed,
    Connect,
    /// Closed in the middle of the body.
    Body,
    Other,
}

impl CauseKind {
    /// Another attempt cannot change the outcome.
    fn permanent(self) -> bool {
        match self {
            CauseKind::Certificate | CauseKind::ProxyAuth => true,
            CauseKind::ProxyTunnel
            | CauseKind::Dns
            | CauseKind::Refused
            | CauseKind::Closed
            | CauseKind::Connect
            | CauseKind::Body
            | CauseKind::Other => false,
        }
    }

    fn lead(self) -> &'static str {
        match self {
            CauseKind::Certificate => "TLS handshake failed",
            CauseKind::ProxyAuth => {
                "the proxy asked for credentials (407 Proxy Authentication Required)"
            }
            CauseKind::ProxyTunnel => "the proxy refused to open a tunnel to the tenant",
            CauseKind::Dns => "could not resolve the host name",
            CauseKind::Refused => "connection refused",
            CauseKind::Closed => "the connection was closed before the answer arrived",
            CauseKind::Connect => "could not connect",
            CauseKind::Body => "the connection closed before the whole answer arrived",
            CauseKind::Other => "the connection failed",
        }
    }
}

/// A failed exchange: its kind and a readable text from the innermost error (the caller
/// redacts it; reqwest's chain names no URL query, header or body).
struct Cause {
    kind: CauseKind,
    text: String,
}

fn transport_cause(e: &reqwest::Error) -> Cause {
    let mut causes = Vec::new();
    let mut certificate = false;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        certificate |= is_certificate_error(s);
        causes.push(s.to_string());
        source = s.source();
    }
    let chain = causes.join(": ").to_ascii_lowercase();
    let kind = cause_kind(
        &chain,
        certificate,
        e.is_connect(),
        e.is_body() || e.is_decode(),
    );
    let text = match causes.last() {
        Some(inner) => format!("{} ({inner})", kind.lead()),
        None => kind.lead().to_string(),
    };
    Cause { kind, text }
}

/// The kind of a failure from its error chain's text (lower case), whether a certificate
/// error is in the chain, and reqwest's connect/body flags.
fn cause_kind(chain: &str, certificate: bool, connect: bool, body: bool) -> CauseKind {
    if certificate {
        CauseKind::Certificate
    } else if chain.contains("proxy authorization required") {
        CauseKind::ProxyAuth
    } else if chain.contains("tunnel error: unsuccessful") {
        CauseKind::ProxyTunnel
    } else if chain.contains("dns error") || chain.contains("failed to lookup") {
        CauseKind::Dns
    } else if chain.contains("refused") {
        CauseKind::Refused
    } else if chain.contains("closed before message completed")
        || chain.contains("connection reset")
        || chain.contains("broken pipe")
        || chain.contains("unexpected end of file")
    {
        CauseKind::Closed
    } else if connect {
        CauseKind::Connect
    } else if body {
        CauseKind::Body
    } else {
        CauseKind::Other
    }
}

/// A rustls certificate error, as such or inside the `io::Error`s tokio-rustls and
/// hyper-rustls wrap it in (one inside the other; an `io::Error`'s `source()` skips what it
/// wraps, so the chain walk alone would miss it).
fn is_certificate_error(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            );
        }
        current = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn std::error::Error + 'static));
    }
    false
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

    #[test]
    fn certificate_errors_are_found_inside_io_errors_and_are_permanent() {
        use rustls::CertificateError;
        for cert in [
            CertificateError::UnknownIssuer,
            CertificateError::Expired,
            CertificateError::NotValidForName,
        ] {
            let io = std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                rustls::Error::InvalidCertificate(cert),
            );
            // hyper-rustls wraps tokio-rustls's error once more.
            let wrapped = std::io::Error::other(io);
            assert!(is_certificate_error(&wrapped));
            let kind = cause_kind("invalid peer certificate", true, true, false);
            assert_eq!(kind, CauseKind::Certificate);
            assert!(kind.permanent());
        }
        let other = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::General("x".into()),
        );
        assert!(!is_certificate_error(&other));
        assert!(!is_certificate_error(&std::io::Error::other("refused")));
    }

    #[test]
    fn only_what_cannot_change_is_permanent() {
        let kind = |chain: &str| cause_kind(chain, false, true, false);
        assert_eq!(
            kind("client error (connect): tunnel error: proxy authorization required"),
            CauseKind::ProxyAuth
        );
        assert_eq!(kind("tunnel error: unsuccessful"), CauseKind::ProxyTunnel);
        assert_eq!(kind("dns error: failed to lookup address"), CauseKind::Dns);
        assert_eq!(
            kind("tcp connect error: connection refused (os error 111)"),
            CauseKind::Refused
        );
        assert_eq!(kind("connection reset by peer"), CauseKind::Closed);
        assert_eq!(kind("something else"), CauseKind::Connect);
        assert_eq!(cause_kind("x", false, false, true), CauseKind::Body);
        assert_eq!(cause_kind("x", false, false, false), CauseKind::Other);
        assert!(CauseKind::ProxyAuth.permanent());
        for retried in [
            CauseKind::ProxyTunnel,
            CauseKind::Dns,
            CauseKind::Refused,
            CauseKind::Closed,
            CauseKind::Connect,
            CauseKind::Body,
            CauseKind::Other,
        ] {
            assert!(!retried.permanent(), "{retried:?}");
        }
    }

    #[test]
    fn replies_are_read_through_the_redactor() {
        let redactor = Arc::new(Redactor::default());
        redactor.add("s3cr3t-token");
        let reply = Reply::for_test_with(
            302,
            &[
                ("location", "https://x.example/?t=s3cr3t-token"),
                ("content-type", "text/plain; s3cr3t-token"),
            ],
            r#"{"message":"echo s3cr3t-token","error":"s3cr3t-token"}"#,
            redactor,
        );
        assert_eq!(reply.location().unwrap(), "https://x.example/?t=[redacted]");
        assert_eq!(
            reply.header(CONTENT_TYPE).unwrap(),
            "text/plain; [redacted]"
        );
        assert!(!reply.text().contains("s3cr3t"), "{}", reply.text());
        assert!(!reply.excerpt().contains("s3cr3t"), "{}", reply.excerpt());
        let json = reply.json().unwrap();
        assert_eq!(json["message"], "echo [redacted]");
        assert_eq!(json["error"], "[redacted]");
        assert!(reply.is_redirect() && !reply.is_success());
    }
}
