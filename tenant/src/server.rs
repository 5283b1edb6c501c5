//! Connection handling and request dispatch: logging, rate limiting and faults wrap the
//! API routes; control routes bypass all three.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::api::{self, Call};
use crate::disagree::Disagreement;
use crate::faults::{Fault, FaultQueue};
use crate::ratelimit::{Bucket, RateDecision};
use crate::state::Store;
use crate::tokens::{unix_now, TokenStore};
use crate::{control, LoggedRequest, TenantConfig};

/// Request bodies above this are cut off; settings bodies are a few KB.
const MAX_BODY: usize = 1 << 20;

pub(crate) struct Shared {
    pub cfg: TenantConfig,
    pub base_url: String,
    pub store: Mutex<Store>,
    pub tokens: Mutex<TokenStore>,
    pub bucket: Mutex<Bucket>,
    pub faults: Mutex<FaultQueue>,
    pub log: Mutex<RequestLog>,
    /// Why each failed TLS handshake failed, in order (HTTPS only).
    pub tls_failures: Mutex<Vec<String>>,
    /// How this tenant departs from storing and answering exactly what was sent.
    pub disagreement: Mutex<Disagreement>,
}

impl Shared {
    pub fn new(cfg: TenantConfig, base_url: String) -> Self {
        Shared {
            store: Mutex::new(Store::new()),
            tokens: Mutex::new(TokenStore::new(&cfg.static_tokens)),
            bucket: Mutex::new(Bucket::new(
                cfg.rate_limit_capacity,
                cfg.rate_limit_refill_per_sec,
            )),
            faults: Mutex::new(FaultQueue::default()),
            log: Mutex::new(RequestLog::default()),
            tls_failures: Mutex::new(Vec::new()),
            disagreement: Mutex::new(Disagreement::default()),
            cfg,
            base_url,
        }
    }
}

/// Requests are logged on arrival (status 0) and completed when answered, so the log
/// keeps arrival order even when faults delay some answers.
#[derive(Default)]
pub(crate) struct RequestLog {
    next_id: u64,
    entries: Vec<(u64, LoggedRequest)>,
}

impl RequestLog {
    fn start(&mut self, r: LoggedRequest) -> u64 {
        self.next_id += 1;
        self.entries.push((self.next_id, r));
        self.next_id
    }

    fn finish(&mut self, id: u64, status: u16) {
        if let Some((_, r)) = self.entries.iter_mut().rev().find(|(i, _)| *i == id) {
            r.status = status;
        }
    }

    pub fn all(&self) -> Vec<LoggedRequest> {
        self.entries.iter().map(|(_, r)| r.clone()).collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// Accept loop. Connection tasks live in a JoinSet so aborting this task (shutdown or
/// drop of the handle) also closes every open connection. With `tls`, each connection is
/// a TLS handshake first; one that fails is counted (`Shared::tls_failures`) and never
/// reaches the request log.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // e.g. out of file descriptors: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let tls = tls.clone();
                conns.spawn(async move {
                    match tls {
                        None => serve_connection(stream, Protocol::Http1, shared).await,
                        Some(acceptor) => match acceptor.accept(stream).await {
                            Ok(stream) => {
                                let alpn = stream.get_ref().1.alpn_protocol();
                                let protocol = if alpn == Some(b"h2") { Protocol::Http2 } else { Protocol::Http1 };
                                serve_connection(stream, protocol, shared).await
                            }
                            Err(e) => shared.tls_failures.lock().unwrap().push(e.to_string()),
                        },
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

/// The HTTP version a connection speaks: HTTP/1.1 on plain TCP, else what ALPN chose.
#[derive(Clone, Copy)]
enum Protocol {
    Http1,
    Http2,
}

/// Serves one connection until it ends, or until a fault asks for it to be dropped
/// (`DropConnection`): dropping the connection future closes the socket without a word,
/// for HTTP/2 as for HTTP/1.1, where returning an error would only reset one stream.
async fn serve_connection<S>(stream: S, protocol: Protocol, shared: Arc<Shared>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let drop_now = Arc::new(tokio::sync::Notify::new());
    let dropper = drop_now.clone();
    let svc = service_fn(move |req| {
        let (shared, dropper) = (shared.clone(), dropper.clone());
        async move {
            let result = handle(shared, req).await;
            if result.is_err() {
                dropper.notify_one();
            }
            result
        }
    });
    let io = TokioIo::new(stream);
    match protocol {
        Protocol::Http1 => {
            let conn = hyper::server::conn::http1::Builder::new().serve_connection(io, svc);
            tokio::select! {
                _ = conn => {}
                _ = drop_now.notified() => {}
            }
        }
        Protocol::Http2 => {
            let conn = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                .serve_connection(io, svc);
            tokio::select! {
                _ = conn => {}
                _ = drop_now.notified() => {}
            }
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(Body::new(body), MAX_BODY)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_string();
    let version = format!("{:?}", parts.version);
    if path.starts_with("/__control/") {
        return Ok(control::handle(
            &shared,
            parts.method.as_str(),
            &path,
            &body,
        ));
    }
    let mut headers = parts.headers;
    // HTTP/2 carries the host in the :authority pseudo-header, which hyper puts in the URI.
    if let Some(authority) = parts.uri.authority() {
        if !headers.contains_key("host") {
            if let Ok(v) = HeaderValue::from_str(authority.as_str()) {
                headers.insert("host", v);
            }
        }
    }
    let call = Call {
        method: parts.method.as_str().to_string(),
        path,
        query: parts.uri.query().unwrap_or("").to_string(),
        headers,
        body,
    };
    let logged = LoggedRequest {
        method: call.method.clone(),
        path: call.path.clone(),
        query: call.query.clone(),
        headers: call
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&call.body).into_owned(),
        status: 0,
        arrived_unix_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64),
        version,
    };
    let id = shared.log.lock().unwrap().start(logged);
    let result = answer(&shared, &call).await;
    let status = result.as_ref().map_or(0, |r| r.status().as_u16());
    shared.log.lock().unwrap().finish(id, status);
    result
}

/// Rate limit and faults around the API routes.
async fn answer(shared: &Shared, call: &Call) -> Result<Response<Body>, DropConnection> {
    let now = unix_now();
    let mut rate = shared.bucket.lock().unwrap().take(now);
    let planned = shared.faults.lock().unwrap().plan(&call.method, &call.path);
    if let Some(ms) = planned.latency_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let oauth = call.path == api::TOKEN_PATH;
    let mut retry_after = None;
    let resp = match planned.action {
        Some(Fault::DropConnection { .. }) => return Err(DropConnection),
        Some(Fault::ApplyThenDrop { .. }) => {
            let _ = api::route(shared, call);
            return Err(DropConnection);
        }
        Some(Fault::Status {
            code,
            retry_after: ra,
            reset_in_secs,
            ..
        }) => {
            if code == 429 {
                rate.remaining = 0;
            }
            if let Some(secs) = reset_in_secs {
                rate.reset = now + secs;
            }
            retry_after = ra;
            api::error_for_status(code, oauth)
        }
        Some(Fault::HtmlError { code, .. }) => api::html_error(code),
        Some(Fault::MalformedBody { .. }) => api::malformed_body(),
        Some(Fault::Latency { .. }) | None if !rate.allowed => api::error_for_status(429, oauth),
        Some(Fault::Latency { .. }) | None => api::route(shared, call),
    };
    Ok(with_rate_headers(resp, rate, retry_after))
}

fn with_rate_headers(
    mut resp: Response<Body>,
    rate: RateDecision,
    retry_after: Option<u64>,
) -> Response<Body> {
    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(rate.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(rate.remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(rate.reset));
    if let Some(secs) = retry_after {
        h.insert("retry-after", HeaderValue::from(secs));
    }
    resp
}

/// Plain JSON response helper shared by the API and control routes.
pub(crate) fn json_response(status: u16, body: &serde_json::Value) -> Response<Body> {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}
