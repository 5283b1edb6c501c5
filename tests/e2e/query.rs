//! `terraform query` (Terraform 1.14+) and import by string ID, with real Terraform.
#![forbid(unsafe_code)]

use crate::common;

use common::terraform::{flat, supports, terraforms, Feature, Workspace};
use local_tenant::SessionState;

const SETTINGS: &str = "/api/v2/tenants/settings";

/// 168 h, 181 min, 72 h and 15 min: two lifetimes in hours, two only in minutes.
fn existing() -> SessionState {
    SessionState {
        session_lifetime: 10080,
        idle_session_lifetime: 181,
        ephemeral_session_lifetime: 4320,
        idle_ephemeral_session_lifetime: 15,
        cookie_mode: Some("non-persistent".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_lists_the_tenant_and_generates_a_config_that_imports_clean() {
    for tf in terraforms() {
        if !supports(&tf, Feature::Query, "terraform query") {
            continue;
        }
        let ws = Workspace::new(&tf).await;
        ws.tenant.set_state(existing());
        let domain = ws.tenant.domain();
        ws.config("");
        ws.write(
            "tenant.tfquery.hcl",
            "list \"auth0_tenant_session\" \"tenant\" {\n  provider = auth0\n}\n",
        );
        let r = ws.ok(&["query", "-no-color"]).await;
        let text = flat(&r.stdout);
        assert!(
            text.contains(&format!(
                "list.auth0_tenant_session.tenant tenant_domain={domain} Session settings of \
                 {domain} (session_lifetime 168 h, idle_session_lifetime 181 min, \
                 ephemeral_session_lifetime 72 h, idle_ephemeral_session_lifetime 15 min, \
                 cookie non-persistent)"
            )),
            "{tf:?}:\n{}",
            r.all()
        );
        // Queries read; they never write.
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
        assert_eq!(ws.tenant.count("GET", SETTINGS), 1, "one read per query");

        // Generated configuration: an import block by identity and a resource with one
        // spelling per lifetime, which imports with no change at all.
        ws.tenant.clear_requests();
        let r = ws
            .ok(&["query", "-no-color", "-generate-config-out=generated.tf"])
            .await;
        let generated = ws.read("generated.tf");
        assert!(
            generated.contains("import {") && generated.contains("tenant_domain"),
            "{}\n{generated}",
            r.all()
        );
        for line in [
            "session_lifetime                           = 168",
            "idle_session_lifetime_in_minutes           = 181",
            "ephemeral_session_lifetime                 = 72",
            "idle_ephemeral_session_lifetime_in_minutes = 15",
            "session_cookie_mode                        = \"non-persistent\"",
        ] {
            assert!(
                generated.lines().any(|l| l.trim() == line),
                "{line:?} missing:\n{generated}"
            );
        }
        for absent in [
            "session_lifetime_in_minutes ",
            "idle_session_lifetime ",
            "original_settings",
            "restore_on_destroy",
        ] {
            assert!(
                !generated
                    .lines()
                    .any(|l| l.trim_start().starts_with(absent.trim_end())
                        && l.trim_start()[absent.trim_end().len()..].starts_with(' ')),
                "{absent:?} present:\n{generated}"
            );
        }
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
        ws.ok(&["validate", "-no-color"]).await;
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 2, "{}", r.all());
        assert!(
            r.stdout
                .contains("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy."),
            "{}",
            r.all()
        );
        ws.apply().await;
        assert_eq!(
            ws.tenant.count("PATCH", SETTINGS),
            0,
            "importing writes nothing"
        );
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
    }
}

/// README "Failure behaviour": A resource belongs to its tenant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_by_id_of_another_tenant_is_refused() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.tenant.set_state(existing());
        let domain = ws.tenant.domain();
        ws.config("resource \"auth0_tenant_session\" \"this\" {}");
        let other = "other-tenant.example.invalid";
        let r = ws
            .run(&[
                "import",
                "-no-color",
                "-input=false",
                "auth0_tenant_session.this",
                other,
            ])
            .await;
        assert_eq!(r.code, 1, "{}", r.all());
        let text = flat(&r.all());
        assert!(
            text.contains("Import ID names another tenant")
                && text.contains(other)
                && text.contains(&domain),
            "{}",
            r.all()
        );
        assert!(
            ws.tenant.requests().is_empty(),
            "refused before any call to Auth0"
        );
        // The same in an import block.
        ws.config(&format!(
            "resource \"auth0_tenant_session\" \"this\" {{}}\nimport {{\n  to = auth0_tenant_session.this\n  id = \"{other}\"\n}}"
        ));
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(flat(&r.all()).contains("Import ID names another tenant"));
        assert!(ws.tenant.requests().is_empty());
        // Positive controls: the documented placeholder, and the tenant's own domain in
        // another case and with a scheme.
        ws.config("resource \"auth0_tenant_session\" \"this\" {}");
        for id in [
            "current".to_string(),
            format!("HTTP://{}/", domain.to_uppercase()),
        ] {
            ws.ok(&[
                "import",
                "-no-color",
                "-input=false",
                "auth0_tenant_session.this",
                &id,
            ])
            .await;
            ws.ok(&["state", "rm", "auth0_tenant_session.this"]).await;
        }
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
    }
}
