//! One request to the tenant, sent and retried per the [`RetryPolicy`]: the HTTPS client,
//! the retry loop (waits and budget from `retry`), and one debug line per attempt.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::Method;
use serde_json::Value;
use tokio::time::Instant;
use tracing::{debug, trace};

use super::ca_bundle::extra_roots;
use super::config::{default_user_agent, Endpoint, RetryPolicy};
use super::credentials::Secret;
use super::error::{ApiError, ApiErrorKind, ConfigError};
use super::retry::{human, now_unix, rate_limit_wait, Budget, Exhausted};
use super::token::TOKEN_PATH;

/// Every log line of the client, wherever its code lives, carries one target: Terraform
/// shows it as `@module: auth0.client`, and people filter on it.
const LOG_TARGET: &str = "tfauth0::auth0::client";

/// The HTTP side of a [`super::Client`]: connection pool, tenant address and retry policy.
pub(crate) struct Transport {
    http: reqwest::Client,
    pub endpoint: Endpoint,
    retry: RetryPolicy,
    request_timeout: Duration,
    log_bodies: bool,
    token_requests: AtomicU64,
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

/// A complete HTTP answer (headers and whole body).
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// "N attempts over T", filled in when the reply ends a run of retries.
    pub retries: Option<String>,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[cfg(test)]
impl Reply {
    /// A reply without headers, for unit tests of the code that reads replies.
    pub fn for_test(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            retries: None,
        }
    }
}

/// Why one attempt produced no reply.
enum Failure {
    Timeout,
    Failed(String),
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
    /// Builds the HTTPS client for `endpoint`. Makes no network request.
    pub fn new(
        endpoint: Endpoint,
        user_agent: String,
        retry: RetryPolicy,
        request_timeout: Duration,
        log_bodies: bool,
    ) -> Result<Transport, ConfigError> {
        if request_timeout.is_zero() {
            return Err(ConfigError::new(
                None,
                "request_timeout must be greater than zero",
            ));
        }
        let user_agent = if user_agent.trim().is_empty() {
            default_user_agent()
        } else {
            user_agent
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
            .connect_timeout(request_timeout.min(Duration::from_secs(10)))
            // A redirect would mean `domain` is wrong; following it could carry the token
            // somewhere else, so report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                ConfigError::new(None, format!("could not set up the HTTPS client: {e}"))
            })?;
        Ok(Transport {
            http,
            endpoint,
            retry,
            request_timeout,
            log_bodies,
            token_requests: AtomicU64::new(0),
        })
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
                        .headers
                        .get("x-ratelimit-remaining")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_string();
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
                            target: LOG_TARGET,
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
                        Failure::Timeout => "timeout",
                        Failure::Failed(why) => why.as_str(),
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

    /// One HTTP exchange, body included, bounded by `request_timeout`.
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
            Err(_) => Err(Failure::Timeout),
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(e)) if e.is_timeout() => Err(Failure::Timeout),
            Ok(Err(e)) => Err(Failure::Failed(describe_transport_error(&e))),
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

    fn transport_error(&self, req: &Request<'_>, failure: Failure, budget: &Budget) -> ApiError {
        let host = &self.endpoint.domain_id;
        let tries = budget.attempts_text();
        match failure {
            Failure::Timeout => ApiError::new(
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
            Failure::Failed(why) => ApiError::new(
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
