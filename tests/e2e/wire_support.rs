//! Small hostile servers of the wire tests, each on a loopback port it bound itself: a
//! scripted HTTP server (answers, echoes, endless bodies, forwarding to the local tenant),
//! an HTTP proxy that records what it is asked and refuses or tunnels, a TLS front that
//! counts handshakes. The certificates they present come from `common::tls::TestCa`.
#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// A request as the servers read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A field of a form body, percent-decoded.
    pub fn form_value(&self, name: &str) -> Option<String> {
        self.body_text().split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| form_decode(v))
        })
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub fn form_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads one request (head, then a Content-Length body). `None` when the peer closed first.
pub async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = buf[head_end + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while body.len() < length {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(Request {
        method,
        target,
        headers,
        body,
    }))
}

/// What the scripted server does with a request.
pub enum Answer {
    /// A whole answer, then the connection is closed.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Passed on to the HTTP server at this address (the local tenant), answer and all.
    Forward(SocketAddr),
    /// 200 with a body that never ends: `declared` as its Content-Length, or chunked.
    Endless { declared: Option<u64> },
}

impl Answer {
    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer::Full {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn text(status: u16, body: &str) -> Answer {
        Answer::Full {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn empty(status: u16, headers: &[(&str, &str)]) -> Answer {
        Answer::Full {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }
}

/// An endless body is cut off here, so a client that never stops reading (the code before
/// the bound) fails the test instead of exhausting the machine.
pub const ENDLESS_CAP: u64 = 64 << 20;

type Handler = Arc<dyn Fn(&Request) -> Answer + Send + Sync>;

/// A plain HTTP server on loopback answering each request as `handler` says; one request
/// per connection.
pub struct ScriptServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    /// What each endless answer saw, once its writer stopped.
    endless: Arc<Mutex<Vec<Endless>>>,
    endless_done: Arc<Notify>,
    task: JoinHandle<()>,
}

impl ScriptServer {
    pub async fn start(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handler: Handler = Arc::new(handler);
        let log = Arc::new(Mutex::new(Vec::new()));
        let endless = Arc::new(Mutex::new(Vec::new()));
        let endless_done = Arc::new(Notify::new());
        let (l, e, d) = (log.clone(), endless.clone(), endless_done.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let (handler, l, e, d) = (handler.clone(), l.clone(), e.clone(), d.clone());
                tokio::spawn(async move {
                    let Ok(Some(req)) = read_request(&mut tcp).await else {
                        return;
                    };
                    l.lock().unwrap().push(req.clone());
                    match handler(&req) {
                        Answer::Full {
                            status,
                            headers,
                            body,
                        } => {
                            let _ = write_answer(&mut tcp, status, &headers, &body).await;
                        }
                        Answer::Forward(to) => forward(&mut tcp, &req, to).await,
                        Answer::Endless { declared } => {
                            let seen = write_endless(&mut tcp, declared).await;
                            e.lock().unwrap().push(seen);
                            d.notify_one();
                        }
                    }
                });
            }
        });
        ScriptServer {
            addr,
            log,
            endless,
            endless_done,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path() == path)
            .count()
    }

    /// Waits until `n` endless answers have stopped writing (the client hung up, or the cap
    /// was reached) and returns what each saw. Bounded by a minute, so a broken client fails
    /// the test rather than hanging it.
    pub async fn endless_written(&self, n: usize) -> Vec<Endless> {
        let wait = async {
            loop {
                let notified = self.endless_done.notified();
                if self.endless.lock().unwrap().len() >= n {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(60), wait)
            .await
            .expect("the endless answers never stopped writing");
        self.endless.lock().unwrap().clone()
    }
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn write_answer<S: AsyncWrite + Unpin>(
    s: &mut S,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    s.write_all(head.as_bytes()).await?;
    s.write_all(body).await?;
    s.flush().await?;
    s.shutdown().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        407 => "Proxy Authentication Required",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    }
}

/// What an endless answer saw.
#[derive(Clone, Copy, Debug)]
pub struct Endless {
    /// Body bytes written before the peer hung up (or the cap).
    pub written: u64,
    /// The reading process's peak resident memory (VmHWM), read from /proc while it read;
    /// `None` when the process could not be found.
    pub peak_rss: Option<u64>,
}

/// Writes a 200 head and body data until the peer hangs up or [`ENDLESS_CAP`] is reached,
/// sampling the peak memory of the process reading it after every chunk.
async fn write_endless(tcp: &mut TcpStream, declared: Option<u64>) -> Endless {
    let reader = match (tcp.peer_addr(), tcp.local_addr()) {
        (Ok(peer), Ok(local)) => process_of(peer.port(), local.port()),
        _ => None,
    };
    let mut seen = Endless {
        written: 0,
        peak_rss: None,
    };
    let sample = |seen: &mut Endless| {
        if let Some(hwm) = reader.and_then(peak_rss) {
            seen.peak_rss = Some(seen.peak_rss.map_or(hwm, |p| p.max(hwm)));
        }
    };
    let framing = match declared {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".to_string(),
    };
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n\r\n");
    if tcp.write_all(head.as_bytes()).await.is_err() {
        return seen;
    }
    let data = vec![b' '; 64 << 10];
    while seen.written < ENDLESS_CAP {
        let sent = match declared {
            Some(_) => tcp.write_all(&data).await,
            None => {
                let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
                frame.extend_from_slice(&data);
                frame.extend_from_slice(b"\r\n");
                tcp.write_all(&frame).await
            }
        };
        sample(&mut seen);
        if sent.is_err() {
            break;
        }
        seen.written += data.len() as u64;
    }
    seen
}

/// The process holding the loopback TCP socket from `client_port` to `server_port` (the
/// provider, for a server's accepted connection): the socket's inode from /proc/net/tcp,
/// then the process with a descriptor on it. Linux only, as the end-to-end tests are.
pub fn process_of(client_port: u16, server_port: u16) -> Option<u32> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let port_of = |field: &str| {
        field
            .rsplit(':')
            .next()
            .and_then(|p| u16::from_str_radix(p, 16).ok())
    };
    let inode = table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let ours =
            f.len() > 9 && port_of(f[1]) == Some(client_port) && port_of(f[2]) == Some(server_port);
        ours.then(|| f[9].to_string())
    })?;
    let wanted = format!("socket:[{inode}]");
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let fds = std::fs::read_dir(entry.path().join("fd")).ok()?;
            fds.flatten()
                .any(|fd| {
                    std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == wanted.as_str())
                })
                .then_some(pid)
        })
}

/// A process's peak resident memory in bytes (`VmHWM` of /proc/PID/status).
pub fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Sends `req` to `to` with `Connection: close` and copies the answer back until `to`
/// closes.
async fn forward(client: &mut TcpStream, req: &Request, to: SocketAddr) {
    let Ok(mut upstream) = TcpStream::connect(to).await else {
        return;
    };
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (k, v) in &req.headers {
        if !k.eq_ignore_ascii_case("connection") {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    if upstream.write_all(head.as_bytes()).await.is_err()
        || upstream.write_all(&req.body).await.is_err()
    {
        return;
    }
    let _ = tokio::io::copy(&mut upstream, client).await;
    let _ = client.shutdown().await;
}

/// A TLS server on loopback that counts the connections it accepts (each one a handshake
/// attempt) and passes what arrives over a completed handshake on to `upstream`.
pub struct TlsFront {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl TlsFront {
    pub async fn start(tls: Arc<rustls::ServerConfig>, upstream: SocketAddr) -> TlsFront {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        let acceptor = tokio_rustls::TlsAcceptor::from(tls);
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move { terminate(acceptor, tcp, upstream).await });
            }
        });
        TlsFront {
            addr,
            connections,
            task,
        }
    }

    /// Connections accepted so far: one per handshake the client attempted.
    pub fn handshakes(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Completes a TLS handshake on `tcp` and relays the plaintext to `upstream` both ways.
async fn terminate(acceptor: tokio_rustls::TlsAcceptor, tcp: TcpStream, upstream: SocketAddr) {
    let Ok(mut tls) = acceptor.accept(tcp).await else {
        return;
    };
    let Ok(mut up) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
}

/// What the test proxy does with a CONNECT.
#[derive(Clone)]
pub enum ProxyMode {
    /// Answers with this status and closes, as a proxy refusing the tunnel does.
    Refuse(u16),
    /// Opens the tunnel, then plays the tenant's TLS server itself (a TLS-inspecting proxy)
    /// and relays the plaintext to `to`.
    Intercept {
        tls: Arc<rustls::ServerConfig>,
        to: SocketAddr,
    },
}

/// What the proxy was asked: the request line and the `Proxy-Authorization` header.
#[derive(Clone, Debug)]
pub struct ProxyRequest {
    pub line: String,
    pub authorization: Option<String>,
}

/// An HTTP proxy on loopback that records every request it gets.
pub struct TestProxy {
    pub addr: SocketAddr,
    mode: Arc<Mutex<ProxyMode>>,
    log: Arc<Mutex<Vec<ProxyRequest>>>,
    task: JoinHandle<()>,
}

impl TestProxy {
    pub async fn start(mode: ProxyMode) -> TestProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(Mutex::new(mode));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (m, l) = (mode.clone(), log.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let (m, l) = (m.clone(), l.clone());
                tokio::spawn(async move {
                    let Ok(Some(req)) = read_request(&mut tcp).await else {
                        return;
                    };
                    l.lock().unwrap().push(ProxyRequest {
                        line: format!("{} {}", req.method, req.target),
                        authorization: req.header("proxy-authorization").map(str::to_string),
                    });
                    let mode = m.lock().unwrap().clone();
                    match mode {
                        ProxyMode::Intercept { tls, to } if req.method == "CONNECT" => {
                            let ok = b"HTTP/1.1 200 Connection established\r\n\r\n";
                            if tcp.write_all(ok).await.is_ok() {
                                terminate(tokio_rustls::TlsAcceptor::from(tls), tcp, to).await;
                            }
                        }
                        ProxyMode::Refuse(status) => {
                            let _ = write_answer(&mut tcp, status, &[], b"").await;
                        }
                        ProxyMode::Intercept { .. } => {
                            let _ = write_answer(&mut tcp, 405, &[], b"").await;
                        }
                    }
                });
            }
        });
        TestProxy {
            addr,
            mode,
            log,
            task,
        }
    }

    pub fn set_mode(&self, mode: ProxyMode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn requests(&self) -> Vec<ProxyRequest> {
        self.log.lock().unwrap().clone()
    }

    /// `http://user:password@127.0.0.1:PORT`.
    pub fn url_with(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// `http://127.0.0.1:PORT`: the proxy as messages must name it.
    pub fn shown(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
