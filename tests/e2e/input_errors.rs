//! Bad input and failing calls with real Terraform: every number Terraform can send gets
//! its rule on its attribute, messages are true to what happened, and no secret or value
//! from a sensitive variable is printed.
#![forbid(unsafe_code)]

use crate::common;

use common::terraform::{flat, terraforms, Workspace};
use local_tenant::Fault;

const SETTINGS: &str = "/api/v2/tenants/settings";

/// README "Failure behaviour": Bad input.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifetimes_are_whole_minutes_up_to_terraforms_arithmetic() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        let cases: &[(&str, &str, &str)] = &[
            // A hair off a whole minute: 10080.006 minutes would be sent as 168 h.
            (
                "session_lifetime = 168.0001",
                "is not a whole number of minutes",
                "168.0001",
            ),
            (
                "session_lifetime = 8760.005",
                "is above Auth0's maximum of 8760 hours",
                "8760.005",
            ),
            // Beyond f64: Terraform sends the decimal digits.
            (
                "session_lifetime = 1e400",
                "is above Auth0's maximum of 8760 hours",
                "1e400",
            ),
            (
                "session_lifetime = -1e400",
                "must be greater than 0",
                "-1e400",
            ),
            (
                "session_lifetime = 1e-400",
                "is below Auth0's minimum of 1 minute",
                "1e-400",
            ),
            (
                "session_lifetime = 1e300",
                "is above Auth0's maximum of 8760 hours",
                "1e300",
            ),
            (
                "idle_session_lifetime_in_minutes = 1e300",
                "is above Auth0's maximum of 8760 hours",
                "1e300",
            ),
        ];
        for (line, rule, shown) in cases {
            ws.config(&format!(
                "resource \"auth0_tenant_session\" \"this\" {{\n  {line}\n}}"
            ));
            let r = ws.run(&["validate", "-no-color", "-json"]).await;
            assert_eq!(r.code, 1, "{tf:?} [{line}] {}", r.all());
            let diags = common::diagnostics::from_validate_json(&r.stdout);
            let attr = line.split(' ').next().unwrap();
            let unit = if attr.ends_with("_in_minutes") {
                "minutes"
            } else {
                "hours"
            };
            // The provider's own words (Terraform quotes `attr = value` without a unit), on
            // the attribute's line (14), not "Malformed ... a bug in Terraform or the
            // provider".
            let said = format!("{attr} = {shown} {unit}");
            assert!(
                matches!(&common::diagnostics::errors(&diags)[..], [d] if d.summary == format!("{attr} {rule}")
                    && d.detail.starts_with(&said)
                    && d.line == Some(14)),
                "{tf:?} [{line}] expected one error \"{attr} {rule}\" saying {said:?} on line 14: \
                 {diags:#?}"
            );
            assert!(!r.stdout.contains("18446744073709551615"));
        }
        // Positive control: 181/60 is 181 minutes up to Terraform's own arithmetic.
        ws.config("resource \"auth0_tenant_session\" \"this\" {\n  session_lifetime = 181 / 60\n}");
        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 181);
        assert_eq!(
            ws.tenant.count("PATCH", SETTINGS),
            1,
            "only the valid apply wrote"
        );
    }
}

/// README "Failure behaviour": Secrets are never printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_from_sensitive_variables_are_never_printed() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        // A literal is quoted by Terraform anyway, and the message repeats it.
        ws.config("resource \"auth0_tenant_session\" \"this\" { session_lifetime = 0.3333 }");
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1);
        assert!(
            flat(&r.all()).contains(
                "session_lifetime = 0.3333 hours (19.9980 minutes) is not a whole number of minutes"
            ),
            "{}",
            r.all()
        );
        // From a sensitive variable: the rule and the attribute, never the value.
        ws.config(
            "variable \"lifetime\" {\n  type = number\n  sensitive = true\n  default = 0.3333\n}\n\
             resource \"auth0_tenant_session\" \"this\" { session_lifetime = var.lifetime }",
        );
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("The value of session_lifetime")
                && text.contains("not a whole number of minutes"),
            "{}",
            r.all()
        );
        assert!(
            !text.contains("0.3333") && !text.contains("19.99"),
            "{}",
            r.all()
        );
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);

        // A domain with a password, literal or from a sensitive variable: refused, and the
        // provider never prints the password.
        let url = ws.tenant.url();
        let with_password = url.replacen("://", "://admin:hunter2@", 1);
        for domain_expr in [format!("\"{with_password}\""), "var.domain".to_string()] {
            ws.write(
                "main.tf",
                &format!(
                    "terraform {{\n  required_providers {{\n    auth0 = {{ source = \"tfauth0/auth0\" }}\n  }}\n}}\n\
                     variable \"domain\" {{\n  type = string\n  sensitive = true\n  default = \"{with_password}\"\n}}\n\
                     provider \"auth0\" {{\n  domain    = {domain_expr}\n  api_token = \"local-api-token\"\n}}\n\
                     resource \"auth0_tenant_session\" \"this\" {{ session_lifetime = 24 }}\n"
                ),
            );
            let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
            assert_eq!(r.code, 1, "{}", r.all());
            let text = flat(&r.all());
            assert!(
                text.contains(
                    "it must not contain a user name or password (user:password@); credentials \
                     go in client_id and client_secret or api_token"
                ),
                "{}",
                r.all()
            );
            // Terraform quotes a literal's line itself; what the provider says never holds it.
            let from_provider = text.replace(&format!("domain = \"{with_password}\""), "");
            assert!(
                !from_provider.contains("hunter2"),
                "{domain_expr}: {}",
                r.all()
            );
        }
        assert!(
            ws.tenant.requests().is_empty(),
            "no API call with a bad domain"
        );
    }
}

/// README "Failure behaviour": Bad input.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_checked_at_validate() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        let url = ws.tenant.url();
        let provider = |body: &str| {
            format!(
                "terraform {{\n  required_providers {{\n    auth0 = {{ source = \"tfauth0/auth0\" }}\n  }}\n}}\n\
                 provider \"auth0\" {{\n  domain = \"{url}\"\n{body}\n}}\n\
                 resource \"auth0_tenant_session\" \"this\" {{ session_lifetime = 24 }}\n"
            )
        };
        // A line break inside the token would be an HTTP header injection; before, it was
        // retried five times and reported as a network problem.
        ws.write(
            "main.tf",
            &provider("  api_token = \"local-api\\r\\nX-Evil: 1\""),
        );
        let r = ws.run(&["validate", "-no-color"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("Error: Invalid api_token")
                && text.contains("api_token (AUTH0_API_TOKEN) contains a line break"),
            "{}",
            r.all()
        );
        assert!(!text.contains("Could not reach Auth0"));
        // A malformed private key, at validate as the README says.
        ws.write(
            "main.tf",
            &provider(
                "  client_id = \"local-client-id\"\n  client_assertion_private_key = \"not a key\"",
            ),
        );
        let r = ws.run(&["validate", "-no-color"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(
            flat(&r.all()).contains("Invalid client_assertion_private_key"),
            "{}",
            r.all()
        );
        assert!(ws.tenant.requests().is_empty());
        // Positive controls: a well-formed key validates, the token works.
        let key = common::rsa_key_pem().replace('\n', "\\n");
        ws.write(
            "main.tf",
            &provider(&format!(
                "  client_id = \"local-client-id\"\n  client_assertion_private_key = \"{key}\""
            )),
        );
        ws.ok(&["validate", "-no-color"]).await;
        ws.write("main.tf", &provider("  api_token = \"local-api-token\""));
        ws.apply().await;
    }
}

/// README "Failure behaviour": Rate limits; 401/403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_calls_are_reported_as_what_they_are() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config("resource \"auth0_tenant_session\" \"this\" { session_lifetime = 24 }");
        ws.apply().await;
        // A 431 on the refresh GET is a refused request, not rejected settings.
        ws.tenant.inject(Fault::Status {
            code: 431,
            times: 1,
            method: Some("GET".into()),
            path_prefix: Some(SETTINGS.into()),
            retry_after: None,
            reset_in_secs: None,
        });
        ws.tenant.clear_requests();
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("Auth0 refused the request (HTTP 431)")
                && text.contains(
                    "Auth0 found the request headers too large (HTTP 431). The Authorization \
                     header carries the access token"
                ),
            "{}",
            r.all()
        );
        assert!(!text.contains("rejected the settings"), "{}", r.all());
        let statuses: Vec<u16> = ws
            .tenant
            .requests()
            .iter()
            .filter(|q| q.path == SETTINGS)
            .map(|q| q.status)
            .collect();
        assert_eq!(
            statuses,
            vec![431],
            "the fault fired, once, and was not retried"
        );
        // A rate limit asking for 100,000 s is not "wait a minute".
        ws.tenant.inject(Fault::Status {
            code: 429,
            times: 1,
            method: Some("GET".into()),
            path_prefix: Some(SETTINGS.into()),
            retry_after: Some(100_000),
            reset_in_secs: None,
        });
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("asked to wait 27 h 47 min")
                && text.contains("Run again once that time has passed (in about 27 h 47 min)"),
            "{}",
            r.all()
        );
        assert!(!text.contains("Wait a minute"), "{}", r.all());
        // Positive control: without the faults the plan is clean.
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
    }
}
