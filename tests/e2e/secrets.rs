//! Secrets never appear in logs: real Terraform at TF_LOG=trace (provider logs included),
//! for each credential mode; the whole output is searched for the client secret, the
//! tokens the tenant issued, the static API token and every line of the private key.
#![forbid(unsafe_code)]

use crate::common;

use common::terraform::{terraforms, Workspace};
use local_tenant::TenantConfig;

const SECRET: &str = "cs-7f3a9e21-very-secret";
const API_TOKEN: &str = "static-token-5c1d88e0";

fn provider_block(domain: &str, creds: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    auth0 = {{ source = \"tfauth0/auth0\" }}\n  }}\n}}\n\
         provider \"auth0\" {{\n  domain = \"{domain}\"\n{creds}}}\n\
         resource \"auth0_tenant_session\" \"this\" {{ session_lifetime = 12 }}\n"
    )
}

fn issued_tokens(ws: &Workspace) -> Vec<String> {
    ws.tenant
        .requests()
        .iter()
        .flat_map(|r| r.headers.iter())
        .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim_start_matches("Bearer ").to_string())
        .collect()
}

/// README "Failure behaviour", secrets are never printed: not the client secret, tokens
/// or private key, at any log level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_trace_logs() {
    for tf in terraforms() {
        let pem = common::rsa_key_pem();
        let cfg = || TenantConfig {
            client_secret: SECRET.into(),
            static_tokens: vec![(
                API_TOKEN.into(),
                vec![
                    "read:tenant_settings".into(),
                    "update:tenant_settings".into(),
                ],
            )],
            ..TenantConfig::default()
        };
        for mode in ["client_secret", "api_token", "private_key_jwt"] {
            let mut ws = Workspace::with_tenant(&tf, cfg()).await;
            let creds = match mode {
                "client_secret" => {
                    format!("  client_id = \"local-client-id\"\n  client_secret = \"{SECRET}\"\n")
                }
                "api_token" => format!("  api_token = \"{API_TOKEN}\"\n"),
                _ => {
                    ws.extra_env
                        .push(("AUTH0_CLIENT_ASSERTION_PRIVATE_KEY".into(), pem.clone()));
                    ws.extra_env
                        .push(("AUTH0_CLIENT_ASSERTION_SIGNING_ALG".into(), "RS256".into()));
                    "  client_id = \"local-client-id\"\n".to_string()
                }
            };
            ws.write("main.tf", &provider_block(&ws.tenant.url(), &creds));
            ws.extra_env.push(("TF_LOG".into(), "trace".into()));
            ws.extra_env
                .push(("TF_LOG_PROVIDER".into(), "trace".into()));
            let apply = ws
                .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
                .await;
            assert_eq!(
                apply.code,
                0,
                "[{mode}] {}",
                apply
                    .stderr
                    .lines()
                    .rev()
                    .take(40)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            // The second run reads the tenant (a refresh, with the token) and finds
            // nothing to change.
            let plan = ws
                .run(&["plan", "-no-color", "-input=false", "-detailed-exitcode"])
                .await;
            assert_eq!(plan.code, 0, "[{mode}] {}", plan.all());
            let output = format!("{}\n{}", apply.all(), plan.all());
            // The provider's own lines are there (so the search means something).
            assert!(
                output.contains("provider.terraform-provider-auth0"),
                "[{mode}] provider logs missing"
            );
            assert!(
                output.contains("/api/v2/tenants/settings"),
                "[{mode}] API call lines missing"
            );
            let mut needles: Vec<String> = vec![SECRET.into(), API_TOKEN.into()];
            needles.extend(issued_tokens(&ws));
            needles.extend(
                pem.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .map(str::to_string),
            );
            for n in needles.iter().filter(|n| n.len() >= 12) {
                assert!(
                    !output.contains(n.as_str()),
                    "[{mode}] a secret leaked into the logs: {}…",
                    &n[..8]
                );
            }
        }
    }
}
