//! Faults end-to-end: real Terraform against the local tenant's fault injection.
//!
//! | fault (on the apply's PATCH unless noted)      | what the user sees                               | state afterwards                 |
//! |------------------------------------------------|--------------------------------------------------|----------------------------------|
//! | 429 x2 with Retry-After: 1                     | apply succeeds, each retry >= 1 s after the 429   | the configured values            |
//! | 429 once with x-ratelimit-reset in 2 s         | apply succeeds, the retry no earlier than reset   | the configured values            |
//! | 429 storm (x50) with x-ratelimit-reset         | "rate limit" error within the retry bound         | nothing created; re-run converges|
//! | 500, 502, 503, 504 (once each)                 | apply succeeds (retried with backoff)             | the configured values            |
//! | 502 HTML page from a proxy                     | apply succeeds (retried)                          | the configured values            |
//! | connection dropped before the tenant applied   | apply succeeds (retried)                          | the configured values            |
//! | PATCH applied, response lost                   | apply succeeds (idempotent PATCH retried)         | the configured values, no drift  |
//! | 200 with a truncated JSON body (x20)           | "Unreadable answer from Auth0", not retried       | nothing created; re-run converges|
//! | 503 on GET during refresh (once)               | plan succeeds (retried)                           | unchanged                        |
//! | 401 expired token once                         | apply succeeds (token refreshed once, retried)    | the configured values            |
//! | 401 again after the refresh                    | "Auth0 rejected the credentials"                  | nothing created; re-run converges|
//! | token endpoint 503 (x50)                       | "Could not get an Auth0 access token"             | nothing created                  |
//! | wrong client secret                            | error naming client_id/client_secret              | nothing created                  |
//! | token without update:tenant_settings           | 403 naming the missing scope                      | nothing created                  |
//! | token without read:tenant_settings (refresh)   | 403 naming the missing scope                      | unchanged                        |
//!
//! Each case also checks the statuses the tenant answered the settings PATCHes and the
//! token requests with, in order, so a passing case proves its fault fired (and was not,
//! say, matched to another request), and, after a 429, that the next PATCH arrived no
//! earlier than the 429 asked (from the arrival times in the tenant's log). It then clears
//! the fault and checks that the next plan tells the truth and a re-run converges (plan
//! exit code 0 after it).
#![forbid(unsafe_code)]

use crate::common;

use std::time::{Duration, Instant};

use common::terraform::{flat, terraforms, Workspace};
use local_tenant::{Fault, LoggedRequest, TenantConfig};
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

/// What a case's 429s ask the provider to wait before its next PATCH.
#[derive(Clone, Copy, Debug)]
enum Asked {
    Nothing,
    /// `Retry-After: N`: at least N s after the 429.
    RetryAfter(u64),
    /// `x-ratelimit-reset: now + N` (UNIX seconds): not before that second.
    ResetIn(u64),
}

/// Checks that every request that followed a 429 waited as the 429 asked, from the arrival
/// times in the tenant's log (lower bounds only: a busy machine may wait longer).
fn check_waits(case: &str, asked: Asked, patches: &[LoggedRequest]) {
    let after_429: Vec<_> = patches.windows(2).filter(|w| w[0].status == 429).collect();
    if !matches!(asked, Asked::Nothing) {
        assert!(!after_429.is_empty(), "[{case}] no request followed a 429");
    }
    for w in after_429 {
        let (first, next) = (w[0].arrived_unix_ms, w[1].arrived_unix_ms);
        let earliest = match asked {
            Asked::Nothing => continue,
            Asked::RetryAfter(secs) => first + secs * 1000,
            // The tenant set the reset from its clock when it answered, which is no earlier
            // than the second the 429 arrived in.
            Asked::ResetIn(secs) => (first / 1000 + secs) * 1000,
        };
        assert!(
            next >= earliest,
            "[{case}] {asked:?}: the next request came {} ms after the 429, {} ms too early",
            next - first,
            earliest - next
        );
    }
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
    /// What the 429s among the PATCH answers asked to wait.
    asked: Asked,
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
            asked: Asked::RetryAfter(1),
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
            error: Some(
                "Auth0 rate-limited PATCH /api/v2/tenants/settings (429 too_many_requests): \
                 still rate-limited after 5 attempts",
            ),
            client_secret: "local-client-secret",
            // Waits of at most 1 s each fit the time bound: the attempts bound stops it.
            patches: || vec![429; attempts()],
            tokens: one_token,
            asked: Asked::ResetIn(1),
        },
        Case {
            name: "429 once with x-ratelimit-reset",
            tenant: default_tenant,
            faults: || {
                let (method, path_prefix) = settings_patch();
                vec![Fault::Status {
                    code: 429,
                    times: 1,
                    method,
                    path_prefix,
                    retry_after: None,
                    reset_in_secs: Some(2),
                }]
            },
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![429, 200],
            tokens: one_token,
            asked: Asked::ResetIn(2),
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
            asked: Asked::Nothing,
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
            asked: Asked::Nothing,
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
            asked: Asked::Nothing,
        },
        Case {
            name: "PATCH applied, response lost",
            tenant: default_tenant,
            faults: || vec![Fault::ApplyThenDrop { times: 1 }],
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![0, 200],
            tokens: one_token,
            asked: Asked::Nothing,
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
            error: Some(
                "Auth0 sent an unreadable answer to PATCH /api/v2/tenants/settings (200): \
                 expected JSON tenant settings but the body is not valid JSON",
            ),
            client_secret: "local-client-secret",
            // A complete answer that cannot be read is not retried (whatever sent it would
            // send it again; see client::parse_settings): one PATCH of the twenty faults.
            patches: || vec![200],
            tokens: one_token,
            asked: Asked::Nothing,
        },
        Case {
            name: "token expired mid-run (once)",
            tenant: default_tenant,
            faults: || vec![settings_patch_status(401, 1)],
            error: None,
            client_secret: "local-client-secret",
            patches: || vec![401, 200],
            tokens: || vec![200, 200],
            asked: Asked::Nothing,
        },
        Case {
            name: "token rejected after refresh",
            tenant: default_tenant,
            faults: || vec![settings_patch_status(401, 2)],
            error: Some("(the token was refreshed and still rejected)"),
            client_secret: "local-client-secret",
            patches: || vec![401, 401],
            tokens: || vec![200, 200],
            asked: Asked::Nothing,
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
            error: Some(
                "Auth0 failed to serve POST /oauth/token (503 server_error): Service \
                 Unavailable (gave up after 5 attempts in",
            ),
            client_secret: "local-client-secret",
            patches: Vec::new,
            tokens: || vec![503; attempts()],
            asked: Asked::Nothing,
        },
        Case {
            name: "wrong client secret",
            tenant: default_tenant,
            faults: Vec::new,
            error: Some(
                "Check client_id/client_secret (AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET): Auth0 \
                 did not accept them for the application local-client-id.",
            ),
            client_secret: "not-the-secret",
            patches: Vec::new,
            tokens: || vec![401],
            asked: Asked::Nothing,
        },
        Case {
            name: "missing update scope",
            tenant: || TenantConfig {
                scopes: vec!["read:tenant_settings".into()],
                ..TenantConfig::default()
            },
            faults: Vec::new,
            error: Some(
                "Grant the scope update:tenant_settings to the application local-client-id",
            ),
            client_secret: "local-client-secret",
            patches: || vec![403],
            tokens: one_token,
            asked: Asked::Nothing,
        },
    ]
}

/// README "Failure behaviour": Rate limits; 5xx, timeouts, dropped connections; Unreadable
/// answers; 401/403; Nothing is half-applied.
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
            let patches: Vec<LoggedRequest> = ws
                .tenant
                .requests()
                .into_iter()
                .filter(|r| r.method == "PATCH" && r.path == SETTINGS)
                .collect();
            check_waits(case.name, case.asked, &patches);
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
                        flat(&r.all()).contains(text),
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

/// README "Failure behaviour": Rate limits; 5xx, timeouts, dropped connections.
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
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
        assert_eq!(get_statuses(), [429, 200], "the refresh met the 429");
        let gets: Vec<LoggedRequest> = ws
            .tenant
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path == SETTINGS)
            .collect();
        check_waits("refresh", Asked::RetryAfter(2), &gets);
    }
}

/// README "Failure behaviour", 401/403: a 403 on the refresh names `read:tenant_settings`,
/// the scope a read needs, and is not retried; with the scope granted the plan is clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_read_scope_is_named_on_refresh() {
    for tf in terraforms() {
        // Tokens carry update:tenant_settings only: the create (one PATCH) works, the
        // refresh of the next plan (one GET) is refused.
        let ws = Workspace::with_tenant(
            &tf,
            TenantConfig {
                scopes: vec!["update:tenant_settings".into()],
                ..TenantConfig::default()
            },
        )
        .await;
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 24 }"#);
        ws.apply().await;
        ws.tenant.clear_requests();
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{tf:?}: {}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("Error: Auth0 refused the request (missing permission)")
                && text.contains(
                    "Auth0 refused GET /api/v2/tenants/settings (403 insufficient_scope): \
                     Insufficient scope, expected any of: read:tenant_settings. Grant the scope \
                     read:tenant_settings to the application local-client-id"
                ),
            "{tf:?}: {}",
            r.all()
        );
        let gets: Vec<u16> = ws
            .tenant
            .requests()
            .iter()
            .filter(|q| q.method == "GET" && q.path == SETTINGS)
            .map(|q| q.status)
            .collect();
        assert_eq!(gets, [403], "{tf:?}: one GET, refused, not retried");

        // Positive control: the same configuration with the read scope granted.
        let granted = Workspace::new(&tf).await;
        granted.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 24 }"#);
        granted.apply().await;
        let (code, r) = granted.plan_code().await;
        assert_eq!(code, 0, "{tf:?}: {}", r.all());
    }
}
