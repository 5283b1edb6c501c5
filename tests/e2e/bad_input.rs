//! Bad input with real Terraform: each case gives one clear diagnostic pointing at the
//! configuration line, and no call reaches Auth0. Plus Ctrl-C during a slow apply.
#![forbid(unsafe_code)]

use crate::common;

use std::time::{Duration, Instant};

use common::terraform::{terraforms, Workspace};
use local_tenant::Fault;

const SETTINGS: &str = "/api/v2/tenants/settings";

/// Statuses of the settings PATCHes the tenant received, in order (0: not answered yet).
fn patch_statuses(ws: &Workspace) -> Vec<u16> {
    ws.tenant
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path == SETTINGS)
        .map(|r| r.status)
        .collect()
}

fn provider(body: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    auth0 = {{ source = \"tfauth0/auth0\" }}\n  }}\n}}\n\
         provider \"auth0\" {{\n{body}\n}}\n\
         resource \"auth0_tenant_session\" \"this\" {{ session_lifetime = 12 }}\n"
    )
}

/// Terraform's diagnostic text with line breaks and runs of spaces made single spaces
/// (Terraform wraps details to the terminal width).
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a bad provider setting is refused.
#[derive(Clone, Copy, Debug, PartialEq)]
enum RefusedAt {
    /// `terraform validate`: the block alone shows it is wrong.
    Validate,
    /// The first plan (ConfigureProvider): the environment could still have supplied what
    /// the block lacks, so `validate` passes.
    Plan,
}

/// README "Failure behaviour", bad input: bad provider settings are refused at `terraform
/// validate` (those the block alone shows), each with one error on its attribute and no
/// API call; what the environment could supply is refused at the first plan instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_configuration_errors() {
    // (name, provider block body, error summary, line of main.tf the error points at:
    // the offending attribute, or the provider block's first line, where it is refused).
    // A well-formed key, so the conflict is the only thing wrong in its case.
    let key = common::rsa_key_pem().replace('\n', "\\n");
    let conflicting = format!(
        "  domain = \"t.example.invalid\"\n  client_id = \"id\"\n  client_secret = \"s\"\n  client_assertion_private_key = \"{key}\""
    );
    use RefusedAt::{Plan, Validate};
    let cases: &[(&str, &str, &str, u32, RefusedAt)] = &[
        ("missing domain", "  api_token = \"t\"", "Missing Auth0 domain", 6, Plan),
        ("domain with a path", "  domain = \"https://t.example.invalid/api/v2\"\n  api_token = \"t\"", "Invalid domain", 7, Validate),
        ("http to a remote host", "  domain = \"http://t.example.invalid\"\n  api_token = \"t\"", "Invalid domain", 7, Validate),
        ("domain with a password", "  domain = \"https://admin:hunter2@t.example.invalid\"\n  api_token = \"t\"", "Invalid domain", 7, Validate),
        (
            "conflicting credentials",
            &conflicting,
            "Conflicting credentials",
            10,
            Validate,
        ),
        (
            "malformed private key",
            "  domain = \"t.example.invalid\"\n  client_id = \"id\"\n  client_assertion_private_key = \"not a key\"",
            "Invalid client_assertion_private_key",
            9,
            Validate,
        ),
        (
            "control character in a credential",
            "  domain = \"t.example.invalid\"\n  client_id = \"id\\u0007\"\n  client_secret = \"s\"",
            "Invalid client_id",
            8,
            Validate,
        ),
        (
            "unknown signing alg",
            "  domain = \"t.example.invalid\"\n  client_id = \"id\"\n  client_assertion_signing_alg = \"HS256\"",
            "Invalid client_assertion_signing_alg",
            9,
            Validate,
        ),
        ("bad tenant_plan", "  domain = \"t.example.invalid\"\n  api_token = \"t\"\n  tenant_plan = \"gold\"", "Invalid tenant_plan", 9, Validate),
        ("no credentials", "  domain = \"t.example.invalid\"", "Invalid provider configuration", 6, Plan),
    ];
    for tf in terraforms() {
        for (name, body, summary, line, at) in cases {
            let ws = Workspace::new(&tf).await;
            ws.write("main.tf", &provider(body));
            let validate = ws.run(&["validate", "-no-color"]).await;
            let r = match at {
                Validate => validate,
                Plan => {
                    assert_eq!(
                        validate.code,
                        0,
                        "{tf:?} [{name}] validate cannot know yet:\n{}",
                        validate.all()
                    );
                    ws.run(&["plan", "-no-color", "-input=false", "-refresh=false"])
                        .await
                }
            };
            assert_eq!(r.code, 1, "{tf:?} [{name}] refused at {at:?}: {}", r.all());
            let text = r.all();
            let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("Error: ")).collect();
            assert_eq!(
                errors,
                [format!("Error: {summary}")],
                "{tf:?} [{name}] one diagnostic:\n{text}"
            );
            let on = format!("on main.tf line {line}, in provider \"auth0\":");
            assert!(
                text.contains(&on),
                "{tf:?} [{name}] points at the config ({on}):\n{text}"
            );
            assert!(ws.tenant.requests().is_empty(), "[{name}] no API call");
        }
    }
}

/// README "Failure behaviour", bad input: non-positive values, values that are not whole
/// minutes or beyond Auth0's range are errors at `terraform validate` on the attribute's
/// line; values above the plan's system limit are warnings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifetime_errors() {
    // The attribute's line in the main.tf that Workspace::config writes.
    let at = "on main.tf line 14, in resource \"auth0_tenant_session\" \"this\":";
    let cases: &[(&str, &str)] = &[
        (
            "session_lifetime = -1",
            "Error: session_lifetime must be greater than 0",
        ),
        (
            "session_lifetime = 0",
            "Error: session_lifetime must be greater than 0",
        ),
        (
            "session_lifetime = 1e12",
            "Error: session_lifetime is above Auth0's maximum of 8760 hours",
        ),
        (
            "idle_session_lifetime_in_minutes = 1.5",
            "Error: idle_session_lifetime_in_minutes must be a whole number",
        ),
        (
            "idle_session_lifetime_in_minutes = 0.1",
            "Error: idle_session_lifetime_in_minutes is below Auth0's minimum of 1 minute",
        ),
        (
            "session_lifetime = \"a week\"",
            "Error: Incorrect attribute value type",
        ),
        (
            "session_lifetime = 1/120",
            "Error: session_lifetime is not a whole number of minutes",
        ),
    ];
    for tf in terraforms() {
        for (line, needle) in cases {
            let ws = Workspace::new(&tf).await;
            ws.config(&format!(
                "resource \"auth0_tenant_session\" \"this\" {{\n  {line}\n}}"
            ));
            let r = ws.run(&["validate", "-no-color"]).await;
            assert_eq!(r.code, 1, "{tf:?} [{line}] {}", r.all());
            let text = r.all();
            assert!(
                text.contains(needle),
                "{tf:?} [{line}] expected {needle:?}:\n{text}"
            );
            assert_eq!(
                text.lines().filter(|l| l.starts_with("Error: ")).count(),
                1,
                "{tf:?} [{line}] one diagnostic:\n{text}"
            );
            assert!(
                text.contains(at),
                "{tf:?} [{line}] names the line ({at}):\n{text}"
            );
            assert!(ws.tenant.requests().is_empty());
        }
        // Values above the plan's system limit are warnings, not errors.
        let ws = Workspace::new(&tf).await;
        ws.config("resource \"auth0_tenant_session\" \"this\" {\n  idle_session_lifetime = 100\n}");
        let r = ws.run(&["validate", "-no-color"]).await;
        assert_eq!(r.code, 0, "{tf:?} {}", r.all());
        let text = r.all();
        assert!(
            text.contains("Warning: idle_session_lifetime may be above your plan's system limit")
                && text.contains(at)
                && squash(&text).contains(
                    "Auth0 caps idle sessions at 72 h on self-service plans and 2400 h on \
                     enterprise plans. idle_session_lifetime is 100 h. Set tenant_plan in the \
                     provider block to say which applies."
                ),
            "{tf:?} {text}"
        );
    }
}

/// README "Failure behaviour", Ctrl-C: it cancels the call in flight, the state stays
/// consistent and a re-run converges.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_slow_apply_stops_promptly_and_converges() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config("resource \"auth0_tenant_session\" \"this\" { session_lifetime = 12 }");
        // Far longer than any wait below: a PATCH still unanswered when Terraform exits was
        // cancelled, not waited out.
        ws.tenant.inject(Fault::Latency {
            millis: 600_000,
            times: 1,
            method: Some("PATCH".into()),
            path_prefix: Some(SETTINGS.into()),
        });
        let child = ws
            .command(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The tenant logs a request when it arrives (status 0 until answered): once the
        // PATCH is there, it is in flight, held by the latency fault.
        let started = Instant::now();
        while patch_statuses(&ws) != [0] {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{tf:?}: the PATCH never reached the tenant: {:?}",
                ws.tenant.requests()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let interrupted = Instant::now();
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        // Only "it does not hang" is asserted: a busy machine may take seconds.
        let took = interrupted.elapsed();
        assert!(
            took < Duration::from_secs(120),
            "{tf:?}: Terraform stopped after {took:?}"
        );
        assert!(!out.status.success());
        assert_eq!(
            patch_statuses(&ws),
            [0],
            "{tf:?}: the PATCH was still unanswered when Terraform stopped"
        );
        assert_eq!(
            ws.tenant.stored_minutes().session_lifetime,
            local_tenant::SessionState::default().session_lifetime,
            "{tf:?}: the interrupted PATCH was not applied"
        );
        // The fault is gone: a re-run converges and the next plan is clean.
        ws.tenant.clear_faults();
        ws.apply().await;
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 12 * 60);
    }
}
