//! The wire, end to end with real Terraform: proxies, echoed secrets, huge bodies,
//! certificates, redirects and odd token answers, from small servers of this file's own
//! (`wire_support`) on loopback ports they bound, beside the local tenant.
//!
//! Every Terraform run here has exactly the proxy variables its test set: the others (upper
//! and lower case, and `REQUEST_METHOD`) are removed, so the developer's environment cannot
//! change what a test sees.
#![forbid(unsafe_code)]

use crate::common;
use crate::wire_support;

use base64::Engine;
use common::terraform::{flat, terraforms, Run, Workspace};
use common::tls::{TestCa, Validity};
use local_tenant::{Fault, TenantConfig};
use tfauth0::auth0::RetryPolicy;
use wire_support::{Answer, ProxyMode, ScriptServer, TestProxy, TlsFront};

const SETTINGS: &str = "/api/v2/tenants/settings";
const TOKEN: &str = "/oauth/token";

/// Every variable that decides the provider's proxy.
const PROXY_VARS: [&str; 9] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
];

/// Sets the workspace's proxy (and CA) variables to exactly `vars`; [`run`] removes every
/// other proxy variable from Terraform's environment.
fn set_env(ws: &mut Workspace, vars: &[(&str, &str)]) {
    ws.extra_env
        .retain(|(k, _)| !PROXY_VARS.contains(&k.as_str()) && k != "SSL_CERT_FILE");
    for (k, v) in vars {
        ws.extra_env.push((k.to_string(), v.to_string()));
    }
}

/// Terraform with `args` in the workspace, its proxy variables exactly those `set_env`
/// gave: removed, not set empty (an empty REQUEST_METHOD still means CGI to some clients).
async fn run(ws: &Workspace, args: &[&str]) -> Run {
    let mut cmd = ws.command(args);
    for name in PROXY_VARS {
        if !ws.extra_env.iter().any(|(k, _)| k == name) {
            cmd.env_remove(name);
        }
    }
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .expect("run terraform");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn apply(ws: &Workspace) -> Run {
    let r = run(ws, &["apply", "-no-color", "-input=false", "-auto-approve"]).await;
    assert_eq!(r.code, 0, "apply failed:\n{}", r.all());
    r
}

/// A configuration: the provider for `domain` with `creds`, then `body`.
fn main_tf(domain: &str, creds: &str, body: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    auth0 = {{ source = \"tfauth0/auth0\" }}\n  }}\n}}\n\n\
         provider \"auth0\" {{\n  domain = \"{domain}\"\n{creds}}}\n\n{body}\n"
    )
}

const LOCAL_CREDS: &str =
    "  client_id     = \"local-client-id\"\n  client_secret = \"local-client-secret\"\n";
const STATIC_CREDS: &str = "  api_token = \"local-api-token\"\n";
/// Reading the data source costs a token and one GET at plan.
const READ: &str = "data \"auth0_tenant_session\" \"this\" {}\n";
const MANAGE: &str = "resource \"auth0_tenant_session\" \"this\" {\n  session_lifetime = 12\n}\n";

async fn plan(ws: &Workspace) -> Run {
    run(ws, &["plan", "-no-color", "-input=false"]).await
}

/// A plan that must fail; returns its output with whitespace runs made one space.
async fn failing_plan(ws: &Workspace, what: &str) -> String {
    let r = plan(ws).await;
    assert_ne!(r.code, 0, "[{what}] plan should fail:\n{}", r.all());
    flat(&r.all())
}

fn attempts() -> usize {
    RetryPolicy::default().max_attempts as usize
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// A port nothing listens on: bound, then released.
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    l.local_addr().unwrap().port()
}

const PROXY_USER: &str = "ci-runner";
const PROXY_PASSWORD: &str = "pr0xy-pa55word";

// ---------------------------------------------------------------- item 2: proxies

/// With every proxy variable pointing at a proxy, a loopback tenant (as an address and as
/// `localhost`) is reached directly, as Go clients do; the same variables do send a remote
/// tenant through the proxy (the positive control), which the error then names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_is_never_proxied() {
    for tf in terraforms() {
        let mut ws = Workspace::new(&tf).await;
        let proxy = TestProxy::start(ProxyMode::Refuse(502)).await;
        let url = proxy.url_with(PROXY_USER, PROXY_PASSWORD);
        let vars: Vec<(&str, &str)> = PROXY_VARS[..6].iter().map(|v| (*v, url.as_str())).collect();
        set_env(&mut ws, &vars);
        let local = ws.tenant.url();
        for domain in [local.clone(), local.replace("127.0.0.1", "localhost")] {
            ws.write("main.tf", &main_tf(&domain, LOCAL_CREDS, READ));
            let r = plan(&ws).await;
            assert_eq!(r.code, 0, "[{domain}] plan failed:\n{}", r.all());
        }
        assert!(
            proxy.requests().is_empty(),
            "the proxy was asked: {:?}",
            proxy.requests()
        );
        assert_eq!(ws.tenant.count("POST", TOKEN), 2, "one token per plan");

        ws.write(
            "main.tf",
            &main_tf("tenant.example.invalid", LOCAL_CREDS, READ),
        );
        let out = failing_plan(&ws, "remote tenant").await;
        assert!(
            out.contains(&format!(
                "through the proxy {} (HTTPS_PROXY)",
                proxy.shown()
            )),
            "{out}"
        );
        assert!(out.contains("the proxy refused to open a tunnel"), "{out}");
        assert!(!out.contains(PROXY_PASSWORD), "{out}");
        let asked = proxy.requests();
        // A 502 from a proxy may pass, so it is retried like any failed connection.
        assert_eq!(asked.len(), attempts(), "{asked:?}");
        for r in &asked {
            assert_eq!(r.line, "CONNECT tenant.example.invalid:443");
            assert_eq!(
                r.authorization.as_deref(),
                Some(basic(PROXY_USER, PROXY_PASSWORD).as_str()),
                "the credentials were sent, so their absence from the output means something"
            );
        }
    }
}

/// A proxy that wants other credentials (407) is asked once; a proxy that is not there is
/// named as the thing that refused. Neither message carries the proxy's password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_failures_name_the_proxy_without_its_credentials() {
    for tf in terraforms() {
        let mut ws = Workspace::new(&tf).await;
        ws.write(
            "main.tf",
            &main_tf("tenant.example.invalid", LOCAL_CREDS, READ),
        );

        let proxy = TestProxy::start(ProxyMode::Refuse(407)).await;
        let url = proxy.url_with(PROXY_USER, PROXY_PASSWORD);
        set_env(&mut ws, &[("https_proxy", url.as_str())]);
        let out = failing_plan(&ws, "407").await;
        assert!(
            out.contains(&format!(
                "through the proxy {} (https_proxy)",
                proxy.shown()
            )),
            "{out}"
        );
        assert!(
            out.contains("the proxy asked for credentials (407 Proxy Authentication Required)"),
            "{out}"
        );
        assert!(out.contains("1 attempt in"), "{out}");
        assert_eq!(
            proxy.requests().len(),
            1,
            "credentials do not change by retrying"
        );
        assert!(!out.contains(PROXY_PASSWORD), "{out}");

        let gone = format!(
            "http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{}",
            closed_port().await
        );
        set_env(&mut ws, &[("ALL_PROXY", gone.as_str())]);
        let out = failing_plan(&ws, "no proxy listening").await;
        assert!(out.contains("through the proxy http://127.0.0.1:"), "{out}");
        assert!(out.contains("(ALL_PROXY)"), "{out}");
        assert!(out.contains("connection refused"), "{out}");
        assert!(
            out.contains("list tenant.example.invalid in NO_PROXY"),
            "{out}"
        );
        assert!(!out.contains(PROXY_PASSWORD), "{out}");
    }
}

/// A remote tenant behind a TLS-inspecting proxy (its CA in SSL_CERT_FILE) works end to end;
/// an error status that comes back through the proxy says so; NO_PROXY takes the tenant off
/// the proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_tenant_through_an_intercepting_proxy() {
    for tf in terraforms() {
        // A plain HTTP tenant: the test's own server in front of it relays plaintext to it.
        let mut ws = Workspace::with_http_tenant(&tf, TenantConfig::default()).await;
        let ca = TestCa::new("tfauth0 wire test proxy CA");
        ws.write("ca.pem", &ca.pem);
        let ca_file = ws.path().join("ca.pem").display().to_string();
        let proxy = TestProxy::start(ProxyMode::Intercept {
            tls: ca.server(&["tenant.example.invalid"], Validity::Now),
            to: ws.tenant.addr(),
        })
        .await;
        let url = proxy.url_with(PROXY_USER, PROXY_PASSWORD);
        set_env(
            &mut ws,
            &[
                ("HTTPS_PROXY", url.as_str()),
                ("SSL_CERT_FILE", ca_file.as_str()),
            ],
        );
        ws.write(
            "main.tf",
            &main_tf("tenant.example.invalid", LOCAL_CREDS, MANAGE),
        );
        apply(&ws).await;
        assert_eq!(ws.patch_bodies().len(), 1);
        assert!(proxy
            .requests()
            .iter()
            .all(|r| r.line == "CONNECT tenant.example.invalid:443"));

        ws.tenant.inject(Fault::Status {
            code: 503,
            times: 50,
            method: Some("GET".into()),
            path_prefix: Some(SETTINGS.into()),
            retry_after: None,
            reset_in_secs: None,
        });
        let out = failing_plan(&ws, "503 through the proxy").await;
        assert!(
            out.contains(&format!(
                "Auth0 failed to serve GET /api/v2/tenants/settings (503) through the proxy {} \
                 (HTTPS_PROXY)",
                proxy.shown()
            )),
            "{out}"
        );
        assert!(!out.contains(PROXY_PASSWORD), "{out}");

        let before = proxy.requests().len();
        set_env(
            &mut ws,
            &[
                ("HTTPS_PROXY", url.as_str()),
                ("SSL_CERT_FILE", ca_file.as_str()),
                ("NO_PROXY", "localhost,.example.invalid"),
            ],
        );
        let out = failing_plan(&ws, "NO_PROXY").await;
        assert!(out.contains("could not resolve the host name"), "{out}");
        assert!(!out.contains("through the proxy"), "{out}");
        assert_eq!(
            proxy.requests().len(),
            before,
            "NO_PROXY went through the proxy"
        );
    }
}

// ---------------------------------------------------------------- item 3: echoed secrets

const SECRET: &str = "cs/7f+3a 9e=21&very~secret";
const API_TOKEN: &str = "static-token-5c1d88e0";
const ACCESS_TOKEN: &str = "issued-access-token-94b1e0d7";

/// How a server echoes what it was sent.
#[derive(Clone, Copy, Debug)]
enum Echo {
    /// In a 400's JSON error (`error_description` and `message`).
    Json,
    /// As a `text/plain` 500 page (retried, then quoted).
    Text,
    /// In a 302's `Location`, `Content-Type` and `x-ratelimit-remaining` headers.
    Headers,
}

/// Which endpoint echoes: the token endpoint (the form: client secret or assertion), or
/// the settings endpoint (the `Authorization` header: a static or an issued token).
#[derive(Clone, Copy, Debug, PartialEq)]
enum At {
    Token,
    Settings,
}

fn echo(how: Echo, text: &str) -> Answer {
    match how {
        Echo::Json => Answer::json(
            400,
            serde_json::json!({
                "error": "invalid_request",
                "error_description": text,
                "message": text,
            }),
        ),
        Echo::Text => Answer::text(500, &format!("upstream failed for {text}")),
        Echo::Headers => Answer::empty(
            302,
            &[
                (
                    "Location",
                    format!("https://login.example.invalid/?echo={text}").as_str(),
                ),
                ("Content-Type", format!("text/plain; echo={text}").as_str()),
                ("x-ratelimit-remaining", text),
            ],
        ),
    }
}

/// A tenant that echoes every secret it receives at `at`, `how`.
async fn echo_server(at: At, how: Echo) -> ScriptServer {
    ScriptServer::start(move |req| match (req.method.as_str(), req.path(), at) {
        ("POST", TOKEN, At::Token) => {
            // The decoded secrets first, so a quote cut short still shows where they were.
            let text = format!(
                "bad request: client_secret={} client_assertion={} in {}",
                req.form_value("client_secret").unwrap_or_default(),
                req.form_value("client_assertion").unwrap_or_default(),
                req.body_text()
            );
            echo(how, &text)
        }
        ("POST", TOKEN, At::Settings) => Answer::json(
            200,
            serde_json::json!({"access_token": ACCESS_TOKEN, "expires_in": 86400}),
        ),
        (_, SETTINGS, _) => {
            let text = format!("bad token: {}", req.header("authorization").unwrap_or(""));
            echo(how, &text)
        }
        _ => Answer::empty(404, &[]),
    })
    .await
}

/// `value` as reqwest's form encoding sends it.
fn form_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_string(),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Servers echo the client secret, the static token, an issued access token and the client
/// assertion back, in a JSON error, a plain-text 500 and headers; neither Terraform's output
/// nor a `TF_LOG=trace` log with `AUTH0_DEBUG=1` holds any of them, and the marker is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoed_secrets_are_redacted() {
    let pem = common::rsa_key_pem();
    let modes = [
        ("client secret", At::Token),
        ("private key JWT", At::Token),
        ("static token", At::Settings),
        ("issued access token", At::Settings),
    ];
    for tf in terraforms() {
        for (mode, at) in modes {
            for how in [Echo::Json, Echo::Text, Echo::Headers] {
                let what = format!("{mode}, {how:?}");
                let mut ws = Workspace::new(&tf).await;
                set_env(&mut ws, &[]);
                ws.extra_env.extend(
                    [
                        ("TF_LOG", "trace"),
                        ("TF_LOG_PROVIDER", "trace"),
                        ("AUTH0_DEBUG", "1"),
                    ]
                    .map(|(k, v)| (k.to_string(), v.to_string())),
                );
                let server = echo_server(at, how).await;
                let creds = match mode {
                    "client secret" | "issued access token" => format!(
                        "  client_id     = \"local-client-id\"\n  client_secret = \"{SECRET}\"\n"
                    ),
                    "static token" => format!("  api_token = \"{API_TOKEN}\"\n"),
                    _ => {
                        ws.extra_env
                            .push(("AUTH0_CLIENT_ASSERTION_PRIVATE_KEY".into(), pem.clone()));
                        "  client_id = \"local-client-id\"\n".to_string()
                    }
                };
                ws.write("main.tf", &main_tf(&server.url(), &creds, READ));
                let r = plan(&ws).await;
                assert_ne!(r.code, 0, "[{what}] plan should fail:\n{}", r.all());
                let output = r.all();
                let echoed_at = match at {
                    At::Token => server.count("POST", TOKEN),
                    At::Settings => server.count("GET", SETTINGS),
                };
                assert!(echoed_at >= 1, "[{what}] the echo never fired");
                assert!(
                    output.contains("[redacted]"),
                    "[{what}] no marker:\n{output}"
                );
                let mut needles = vec![
                    SECRET.to_string(),
                    form_encoded(SECRET),
                    API_TOKEN.to_string(),
                    ACCESS_TOKEN.to_string(),
                ];
                needles.extend(
                    server
                        .requests()
                        .iter()
                        .filter_map(|r| r.form_value("client_assertion")),
                );
                needles.extend(
                    pem.lines()
                        .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
                        .map(str::to_string),
                );
                let flat_output = flat(&output);
                for n in &needles {
                    assert!(
                        !output.contains(n.as_str()) && !flat_output.contains(n.as_str()),
                        "[{what}] a secret was printed: {}…",
                        &n[..8]
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------- item 4: reply bodies

/// The provider's peak resident memory while refusing a huge body: about 10 to 12 MiB for
/// the test build (the release build peaks near 7 MiB in an apply, BENCHMARKS.md); reading
/// the server's 64 MiB would take it past 64 MiB.
const PEAK_RSS_WITHIN: u64 = 24 << 20;

/// Body bytes the server may get written before the provider's hang-up reaches it: the
/// 1 MiB the provider reads plus what the kernel buffers on both ends of a loopback socket
/// (4 MiB here); far from the 64 MiB a provider that kept reading would take.
const HANG_UP_WITHIN: u64 = 16 << 20;

/// A 3 GiB Content-Length and an endless chunked body are refused past 1 MiB, once, with
/// the status, the bound and the request. From outside: the provider's peak memory, read
/// from /proc while it read, stays flat, and it hung up after a few MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_bodies_are_bounded() {
    for tf in terraforms() {
        let cases = [
            // The settings read with a static token: the first request is the GET.
            (
                "GET",
                SETTINGS,
                STATIC_CREDS,
                Some(3u64 << 30),
                "Content-Length 3221225472",
            ),
            // The token request, with an endless chunked body.
            ("POST", TOKEN, LOCAL_CREDS, None, "more than 1 MiB arrived"),
        ];
        for (method, path, creds, declared, says) in cases {
            let mut ws = Workspace::new(&tf).await;
            set_env(&mut ws, &[]);
            let server = ScriptServer::start(move |req| match req.path() == path {
                true => Answer::Endless { declared },
                false => Answer::empty(404, &[]),
            })
            .await;
            ws.write("main.tf", &main_tf(&server.url(), creds, READ));
            let out = failing_plan(&ws, path).await;
            assert!(
                out.contains(&format!(
                    "Auth0 sent an unreadable answer to {method} {path} (200): the answer's body \
                     is larger than the 1 MiB the provider reads ({says}); not retried"
                )),
                "{out}"
            );
            assert_eq!(
                server.count(method, path),
                1,
                "a body past the bound is not retried"
            );
            let seen = server.endless_written(1).await[0];
            assert!(
                seen.written < HANG_UP_WITHIN,
                "[{path}] the server wrote {} bytes before the provider hung up",
                seen.written
            );
            let peak = seen
                .peak_rss
                .expect("the provider process was found and measured");
            assert!(
                peak < PEAK_RSS_WITHIN,
                "[{path}] the provider's peak RSS was {peak} bytes"
            );
            // Not eprintln!: libtest captures that for passing tests.
            let figures = format!(
                "{path}: {} bytes written before the hang-up, provider peak RSS {} KiB\n",
                seen.written,
                peak >> 10
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), figures.as_bytes());
        }
    }
}

// ---------------------------------------------------------------- item 6a: certificates

/// An unknown issuer, an expired certificate and another host's certificate each fail at
/// the first handshake with the TLS message; the positive control (a good certificate from
/// the same CA, through the same front) reads the tenant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_errors_are_not_retried() {
    for tf in terraforms() {
        // A plain HTTP tenant: the test's own server in front of it relays plaintext to it.
        let mut ws = Workspace::with_http_tenant(&tf, TenantConfig::default()).await;
        let ca = TestCa::new("tfauth0 wire test CA");
        ws.write("ca.pem", &ca.pem);
        let ca_file = ws.path().join("ca.pem").display().to_string();
        set_env(&mut ws, &[("SSL_CERT_FILE", ca_file.as_str())]);
        let unknown = TestCa::new("a CA nobody trusts");
        let cases = [
            (
                "unknown issuer",
                unknown.server(&["127.0.0.1"], Validity::Now),
            ),
            ("expired", ca.server(&["127.0.0.1"], Validity::Expired)),
            (
                "another host's",
                ca.server(&["other.example.invalid"], Validity::Now),
            ),
        ];
        for (what, tls) in cases {
            let front = TlsFront::start(tls, ws.tenant.addr()).await;
            let domain = format!("https://127.0.0.1:{}", front.addr.port());
            ws.write("main.tf", &main_tf(&domain, LOCAL_CREDS, READ));
            let out = failing_plan(&ws, what).await;
            assert!(
                out.contains("TLS handshake failed (invalid peer certificate"),
                "[{what}] {out}"
            );
            assert!(out.contains("1 attempt in"), "[{what}] {out}");
            assert!(out.contains("SSL_CERT_FILE"), "[{what}] {out}");
            assert_eq!(front.handshakes(), 1, "[{what}] handshakes");
        }
        let front =
            TlsFront::start(ca.server(&["127.0.0.1"], Validity::Now), ws.tenant.addr()).await;
        let domain = format!("https://127.0.0.1:{}", front.addr.port());
        ws.write("main.tf", &main_tf(&domain, LOCAL_CREDS, READ));
        let r = plan(&ws).await;
        assert_eq!(r.code, 0, "[good certificate] {}", r.all());
        assert!(front.handshakes() >= 1);
    }
}

// ---------------------------------------------------------------- item 6b: redirects

/// A redirect from the token endpoint and one from the settings endpoint read alike: the
/// target, that it was not followed, and the fix; each was asked once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_read_alike() {
    const TARGET: &str = "https://login.example.invalid/u/login?state=x1";
    for tf in terraforms() {
        for (path, creds) in [(TOKEN, LOCAL_CREDS), (SETTINGS, STATIC_CREDS)] {
            let mut ws = Workspace::new(&tf).await;
            set_env(&mut ws, &[]);
            let server = ScriptServer::start(move |req| match req.path() == path {
                true => Answer::empty(307, &[("Location", TARGET)]),
                false => Answer::empty(404, &[]),
            })
            .await;
            ws.write("main.tf", &main_tf(&server.url(), creds, READ));
            let out = failing_plan(&ws, path).await;
            assert!(
                out.contains(&format!(
                    "(307): HTTP 307 redirect to \"{TARGET}\"; the provider does not follow \
                     redirects, which could carry the credentials to another host. Set domain \
                     to the tenant's Auth0 domain"
                )),
                "[{path}] {out}"
            );
            let summary = match path {
                TOKEN => "Could not get an Auth0 access token",
                _ => "Auth0 redirected the request",
            };
            assert!(out.contains(summary), "[{path}] {out}");
            assert_eq!(server.requests().len(), 1, "[{path}] asked once");
        }
    }
}

// ---------------------------------------------------------------- item 6c: expires_in

/// A token answer with `expires_in` as a numeric string is used (as golang.org/x/oauth2
/// does); a non-numeric string or another type is refused saying exactly that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expires_in_as_a_string() {
    for tf in terraforms() {
        // A plain HTTP tenant: the test's own server in front of it relays plaintext to it.
        let mut ws = Workspace::with_http_tenant(&tf, TenantConfig::default()).await;
        set_env(&mut ws, &[]);
        let expires_in = std::sync::Arc::new(std::sync::Mutex::new(serde_json::json!("86400")));
        let (given, tenant) = (expires_in.clone(), ws.tenant.addr());
        // The token endpoint is this server's; everything else is the local tenant's, which
        // accepts its static token as the issued one.
        let server = ScriptServer::start(move |req| match req.path() {
            TOKEN => Answer::json(
                200,
                serde_json::json!({
                    "access_token": "local-api-token",
                    "token_type": "Bearer",
                    "expires_in": given.lock().unwrap().clone(),
                }),
            ),
            _ => Answer::Forward(tenant),
        })
        .await;
        ws.write("main.tf", &main_tf(&server.url(), LOCAL_CREDS, MANAGE));
        apply(&ws).await;
        assert_eq!(ws.patch_bodies().len(), 1);
        assert_eq!(server.count("POST", TOKEN), 1);

        for (value, says) in [
            (
                serde_json::json!("soon"),
                "expires_in is a string of 4 characters that does not hold a number of seconds",
            ),
            (
                serde_json::json!(true),
                "expires_in is a boolean, not a number of seconds",
            ),
        ] {
            *expires_in.lock().unwrap() = value;
            let out = failing_plan(&ws, says).await;
            assert!(
                out.contains(&format!(
                    "Auth0 sent an unreadable answer to POST /oauth/token (200): the token \
                     endpoint's answer is not a usable access token: {says}"
                )),
                "{out}"
            );
        }
    }
}
