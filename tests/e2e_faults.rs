//! Faults end-to-end: real Terraform against the local tenant's fault injection.
//!
//! | fault (on the apply's PATCH unless noted)      | what the user sees                               | state afterwards                 |
//! |------------------------------------------------|--------------------------------------------------|----------------------------------|
//! | 429 x2 with Retry-After: 1                     | apply succeeds after waiting ~2 s                 | the configured values            |
//! | 429 storm (x50) with x-ratelimit-reset         | "rate limit" error within the retry bound         | nothing created; re-run converges|
//! | 500, 502, 503, 504 (once each)                 | apply succeeds (retried with backoff)             | the configured values            |
//! | 502 HTML page from a proxy                     | apply succeeds (retried)                          | the configured values            |
//! | connection dropped before the tenant applied   | apply succeeds (retried)                          | the configured values            |
//! | PATCH applied, response lost                   | apply succeeds (idempotent PATCH retried)         | the configured values, no drift  |
//! | truncated JSON body (x20)                      | "Unreadable answer from Auth0" error              | nothing created; re-run converges|
//! | 503 on GET during refresh (once)               | plan succeeds (retried)                           | unchanged                        |
//! | 401 expired token once                         | apply succeeds (token refreshed once, retried)    | the configured values            |
//! | 401 again after the refresh                    | "Auth0 rejected the credentials"                  | nothing created; re-run converges|
//! | token endpoint 503 (x50)                       | "Could not get an Auth0 access token"             | nothing created                  |
//! | wrong client secret                            | error naming client_id/client_secret              | nothing created                  |
//! | token without update:tenant_settings           | 403 naming the missing scope                      | nothing created                  |
//!
//! Each case also checks the statuses the tenant answered the settings PATCHes and the
//! token requests with, in order, so a passing case proves its fault fired (and was not,
//! say, matched to another request). It then clears the fault and checks that the next
//! plan tells the truth and a re-run converges (plan exit code 0 after it).
#![forbid(unsafe_code)]

mod common;

use std::time::{Duration, Instant};

use common::terraform::{terraforms, Workspace};
use local_tenant::{Fault, TenantConfig};
use tfauth0::auth0::RetryPolicy;

const SETTINGS: &str = "/api/v2/tenants/settings";
const TOKEN: &str = "/oauth/token";

/// A fault's method and path for the settings PATCH (an apply's write); a refresh's GET
/// does not match.
fn settings_patch() -> (Option<String>, Option<String>) {
    (Some("PATCH".into()), Some(SETTINGS.into()))
}

/// `times` answers with HTTP `code` to PATCH /api/v2/tenants/settings.
fn settings_patch_status(code: u16, times: u32) -> Fault {
    let (method, path_prefix) = settings_patch();
    Fault::Status {
        code,
        times,
        method,
        path_prefix,
        retry_after: None,
        reset_in_secs: None,
    }
}

/// `times` answers with HTTP `code` to GET /api/v2/tenants/settings (a refresh).
fn settings_get_status(code: u16, times: u32, retry_after: Option<u64>) -> Fault {
    Fault::Status {
        code,
        times,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
        retry_after,
        reset_in_secs: None,
    }
}

/// The provider's attempts per API call before it gives up (its default retry policy).
fn attempts() -> usize {
    RetryPolicy::default().max_attempts as usize
}

struct Case {
    name: &'static str,
    tenant: fn() -> TenantConfig,
    faults: fn() -> Vec<Fault>,
    /// None: apply must succeed. Some(text): apply must fail and say this.
    error: Option<&'static str>,
    client_secret: &'static str,
    /// The statuses of the apply's settings PATCHes, in order (0: connection dropped).
    patches: fn() -> Vec<u16>,
    /// The statuses of the apply's token requests, in order.
    tokens: fn() -> Vec<u16>,
}

fn one_token() -> Vec<u16> {
    vec![200]
}

fn default_tenant() -> TenantConfig {
    TenantConfig::default()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "429 twice with Retry-After",
            tenant: default_tenant,
            faults: || {
                let (method, path_prefix) = settings_patch();
                vec![Fault::Status {
                    code: 429,
                    times: 2,
                    method,
                    path_prefix,
                    retry_after: Some(1),
                    reset_in_secs: None,
                }]
            },
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![429, 429, 200],
            tokens: one_token,
        },
        Case {
            name: "429 storm",
            tenant: default_tenant,
            faults: || {
                let (method, path_prefix) = settings_patch();
                vec![Fault::Status {
                    code: 429,
                    times: 50,
                    method,
                    path_prefix,
                    retry_after: None,
                    reset_in_secs: Some(1),
                }]
            },
            error: Some("rate limit"),
            client_secret: "local-client-secret",
            // Waits of at most 1 s each fit the time bound: the attempts bound stops it.
            patches: || vec![429; attempts()],
            tokens: one_token,
        },
        Case {
            name: "5xx once each",
            tenant: default_tenant,
            faults: || {
                [500, 502, 503, 504]
                    .into_iter()
                    .map(|code| settings_patch_status(code, 1))
                    .collect()
            },
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![500, 502, 503, 504, 200],
            tokens: one_token,
        },
        Case {
            name: "HTML 502 from a proxy",
            tenant: default_tenant,
            faults: || {
                let (method, path_prefix) = settings_patch();
                vec![Fault::HtmlError {
                    code: 502,
                    times: 1,
                    method,
                    path_prefix,
                }]
            },
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![502, 200],
            tokens: one_token,
        },
        Case {
            name: "connection dropped",
            tenant: default_tenant,
            faults: || {
                let (method, path_prefix) = settings_patch();
                vec![Fault::DropConnection {
                    times: 1,
                    method,
                    path_prefix,
                }]
            },
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![0, 200],
            tokens: one_token,
        },
        Case {
            name: "PATCH applied, response lost",
            tenant: default_tenant,
            faults: || vec![Fault::ApplyThenDrop { times: 1 }],
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![0, 200],
            tokens: one_token,
        },
        Case {
            name: "truncated JSON",
            tenant: default_tenant,
            faults: || {
                let (method, path_prefix) = settings_patch();
                vec![Fault::MalformedBody {
                    times: 20,
                    method,
                    path_prefix,
                }]
            },
            error: Some("Unreadable answer from Auth0"),
            client_secret: "local-client-secret",
            // The truncated body comes with a 200, and a junk 200 is not retried.
            patches: || vec![200],
            tokens: one_token,
        },
        Case {
            name: "token expired mid-run (once)",
            tenant: default_tenant,
            faults: || vec![settings_patch_status(401, 1)],
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![401, 200],
            tokens: || vec![200, 200],
        },
        Case {
            name: "token rejected after refresh",
            tenant: default_tenant,
            faults: || vec![settings_patch_status(401, 2)],
            error: Some("Auth0 rejected the credentials"),
            client_secret: "local-client-secret",
            patches: || vec![401, 401],
            tokens: || vec![200, 200],
        },
        Case {
            name: "token endpoint down",
            tenant: default_tenant,
            faults: || {
                vec![Fault::Status {
                    code: 503,
                    times: 50,
                    method: Some("POST".into()),
                    path_prefix: Some(TOKEN.into()),
                    retry_after: None,
                    reset_in_secs: None,
                }]
            },
            error: Some("Could not get an Auth0 access token"),
            client_secret: "local-client-secret",
            patches: Vec::new,
            tokens: || vec![503; attempts()],
        },
        Case {
            name: "wrong client secret",
            tenant: default_tenant,
            faults: Vec::new,
            error: Some("client_secret"),
            client_secret: "not-the-secret",
            patches: Vec::new,
            tokens: || vec![401],
        },
        Case {
            name: "missing update scope",
            tenant: || TenantConfig {
                scopes: vec!["read:tenant_settings".into()],
                ..TenantConfig::default()
            },
            faults: Vec::new,
            error: Some("update:tenant_settings"),
            client_secret: "local-client-secret",
            patches: || vec![403],
            tokens: one_token,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_table() {
    for tf in terraforms() {
        let mut report = Vec::new();
        for case in cases() {
            let ws = Workspace::with_tenant(&tf, (case.tenant)()).await;
            ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 24 }"#);
            if case.client_secret != "local-client-secret" {
                let main = ws
                    .read("main.tf")
                    .replace("local-client-secret", case.client_secret);
                ws.write("main.tf", &main);
            }
            for f in (case.faults)() {
                ws.tenant.inject(f);
            }
            let started = Instant::now();
            let r = ws
                .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
                .await;
            let took = started.elapsed();
            let statuses = |method: &str, path: &str| -> Vec<u16> {
                ws.tenant
                    .requests()
                    .iter()
                    .filter(|r| r.method == method && r.path == path)
                    .map(|r| r.status)
                    .collect()
            };
            assert_eq!(
                (statuses("PATCH", SETTINGS), statuses("POST", TOKEN)),
                ((case.patches)(), (case.tokens)()),
                "[{}] (PATCH statuses, token statuses):\n{}",
                case.name,
                r.all()
            );
            assert_eq!(
                statuses("GET", SETTINGS),
                Vec::<u16>::new(),
                "[{}] a create reads nothing",
                case.name
            );
            match case.error {
                None => {
                    assert_eq!(
                        r.code,
                        0,
                        "[{}] apply should survive the fault:\n{}",
                        case.name,
                        r.all()
                    );
                    assert_eq!(
                        ws.tenant.stored_minutes().session_lifetime,
                        24 * 60,
                        "[{}]",
                        case.name
                    );
                }
                Some(text) => {
                    assert_eq!(r.code, 1, "[{}] apply should fail:\n{}", case.name, r.all());
                    assert!(
                        r.all().contains(text),
                        "[{}] expected {text:?} in:\n{}",
                        case.name,
                        r.all()
                    );
                    assert!(
                        took < Duration::from_secs(90),
                        "[{}] bounded: took {took:?}",
                        case.name
                    );
                    let st = ws.ok(&["state", "list"]).await;
                    assert!(
                        !st.stdout.contains("auth0_tenant_session"),
                        "[{}] nothing half-created",
                        case.name
                    );
                }
            }
            // The fault is gone: the next plan tells the truth, and a re-run converges.
            ws.tenant.clear_faults();
            if case.client_secret != "local-client-secret" || case.name == "missing update scope" {
                report.push(format!(
                    "{:<32} {:>6.1}s  {}",
                    case.name,
                    took.as_secs_f64(),
                    if case.error.is_some() { "error" } else { "ok" }
                ));
                continue;
            }
            if case.error.is_some() {
                ws.apply().await;
            }
            let (code, p) = ws.plan_code().await;
            assert_eq!(code, 0, "[{}] converged:\n{}", case.name, p.all());
            report.push(format!(
                "{:<32} {:>6.1}s  {}",
                case.name,
                took.as_secs_f64(),
                if case.error.is_some() {
                    "error, then converged"
                } else {
                    "ok"
                }
            ));
        }
        println!(
            "{tf:?}\nfault                              apply  outcome\n{}",
            report.join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_survives_a_5xx_and_a_429_waits_as_told() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 24 }"#);
        ws.apply().await;
        let get_statuses = || -> Vec<u16> {
            ws.tenant
                .requests()
                .iter()
                .filter(|r| r.method == "GET" && r.path == SETTINGS)
                .map(|r| r.status)
                .collect()
        };
        ws.tenant.clear_requests();
        ws.tenant.inject(settings_get_status(503, 1, None));
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
        assert_eq!(get_statuses(), [503, 200], "the refresh met the 503");

        ws.tenant.clear_requests();
        ws.tenant.inject(settings_get_status(429, 1, Some(2)));
        let started = Instant::now();
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
        assert_eq!(get_statuses(), [429, 200], "the refresh met the 429");
        assert!(
            started.elapsed() >= Duration::from_secs(2),
            "waited as Retry-After said"
        );
    }
}
