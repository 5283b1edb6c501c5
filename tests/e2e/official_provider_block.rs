//! A provider block copied from the official `auth0/auth0` provider, with real Terraform:
//! `debug`, `dynamic_credentials`, `cli_login` and `custom_domain_header` each either work
//! or fail with a sentence saying what to change. None is silently ignored.
#![forbid(unsafe_code)]

use crate::common;

use common::terraform::{flat, terraforms, Workspace};

const SETTINGS: &str = "/api/v2/tenants/settings";

fn main_tf(provider_body: &str, rest: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    auth0 = {{ source = \"tfauth0/auth0\" }}\n  }}\n}}\n\
         provider \"auth0\" {{\n{provider_body}\n}}\n{rest}\n"
    )
}

const RESOURCE: &str = "resource \"auth0_tenant_session\" \"this\" { session_lifetime = 24 }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_bodies_and_custom_domain_header_warns() {
    for tf in terraforms() {
        for debug in [true, false] {
            let mut ws = Workspace::new(&tf).await;
            let url = ws.tenant.url();
            ws.write(
                "main.tf",
                &main_tf(
                    &format!(
                        "  domain               = \"{url}\"\n  client_id            = \"local-client-id\"\n  \
                         client_secret        = \"local-client-secret\"\n  debug                = {debug}\n  \
                         cli_login            = false\n  custom_domain_header = \"login.example.com\""
                    ),
                    RESOURCE,
                ),
            );
            ws.extra_env
                .push(("TF_LOG_PROVIDER".into(), "DEBUG".into()));
            let r = ws.apply().await;
            let text = flat(&r.all());
            assert!(
                text.contains("custom_domain_header has no effect here")
                    && text.contains("Auth0-Custom-Domain"),
                "{tf:?}: {}",
                r.all()
            );
            let logged = r.stderr.contains("auth0 api exchange")
                && r.stderr
                    .contains(r#"request_body="{\"session_lifetime\":24}""#);
            assert_eq!(logged, debug, "{tf:?} debug = {debug}:\n{}", r.stderr);
            assert!(
                !r.all().contains("local-client-secret"),
                "the secret never reaches the log"
            );
            assert_eq!(ws.tenant.count("PATCH", SETTINGS), 1);
            // The header is not sent: Auth0 ignores it on tenant settings.
            assert!(ws
                .tenant
                .requests()
                .iter()
                .all(|q| q.headers.iter().all(|(h, _)| h != "auth0-custom-domain")));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_login_is_refused_with_what_to_use_instead() {
    for tf in terraforms() {
        let mut ws = Workspace::new(&tf).await;
        let url = ws.tenant.url();
        ws.write(
            "main.tf",
            &main_tf(
                &format!("  domain    = \"{url}\"\n  cli_login = true"),
                RESOURCE,
            ),
        );
        let r = ws.run(&["validate", "-no-color"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("Error: cli_login is not supported")
                && text.contains("Remove it and set api_token (AUTH0_API_TOKEN)"),
            "{}",
            r.all()
        );
        // From the environment, as the official provider reads AUTH0_CLI_LOGIN.
        ws.write(
            "main.tf",
            &main_tf(&format!("  domain = \"{url}\""), RESOURCE),
        );
        ws.extra_env.push(("AUTH0_CLI_LOGIN".into(), "true".into()));
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(
            flat(&r.all()).contains("AUTH0_CLI_LOGIN is not supported"),
            "{}",
            r.all()
        );
        assert!(ws.tenant.requests().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamic_credentials_wait_for_apply() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        let url = ws.tenant.url();
        let config = |dynamic: bool| {
            main_tf(
                &format!(
                    "  domain              = \"{url}\"\n  api_token           = terraform_data.token.output\n  \
                     dynamic_credentials = {dynamic}"
                ),
                &format!(
                    "resource \"terraform_data\" \"token\" {{ input = \"local-api-token\" }}\n{RESOURCE}"
                ),
            )
        };
        // Without it, a token known only after apply is an error that names the way out.
        ws.write("main.tf", &config(false));
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("Error: api_token is not known yet")
                && text.contains(
                    "Or set dynamic_credentials = true to let the provider plan without them"
                ),
            "{}",
            r.all()
        );
        // With it, the plan needs no call to Auth0 (nothing to refresh, and a create
        // reads nothing) and the apply uses the token.
        ws.write("main.tf", &config(true));
        ws.tenant.clear_requests();
        let r = ws
            .run(&[
                "plan",
                "-no-color",
                "-input=false",
                "-refresh=false",
                "-detailed-exitcode",
            ])
            .await;
        assert_eq!(r.code, 2, "a plan with changes: {}", r.all());
        assert_eq!(
            ws.tenant
                .requests()
                .iter()
                .map(|q| format!("{} {}", q.method, q.path))
                .collect::<Vec<_>>(),
            Vec::<String>::new(),
            "the plan called Auth0"
        );
        ws.apply().await;
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 1);
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 24 * 60);
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
    }
}
