//! End-to-end: real Terraform (every version `common::terraform::terraforms` finds)
//! against the local Auth0 tenant, with assertions on every PATCH body and on the number
//! of GET, PATCH and token calls.
#![forbid(unsafe_code)]

use crate::common;

use std::collections::BTreeMap;

use common::terraform::{supports, terraforms, Feature, Workspace};
use local_tenant::SessionState;
use serde_json::json;

const SETTINGS: &str = "/api/v2/tenants/settings";
const TOKEN: &str = "/oauth/token";

fn state(minutes: [u32; 4], cookie: Option<&str>) -> SessionState {
    SessionState {
        session_lifetime: minutes[0],
        idle_session_lifetime: minutes[1],
        ephemeral_session_lifetime: minutes[2],
        idle_ephemeral_session_lifetime: minutes[3],
        cookie_mode: cookie.map(str::to_string),
    }
}

/// The attribute values of the one resource in the state (`terraform show -json`).
async fn state_values(ws: &Workspace) -> serde_json::Value {
    let shown = ws.ok(&["show", "-json"]).await;
    let v: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let resources = &v["values"]["root_module"]["resources"];
    assert_eq!(
        resources.as_array().map(Vec::len),
        Some(1),
        "{}",
        shown.stdout
    );
    resources[0]["values"].clone()
}

/// `name = value` lines of generated configuration whose value is set (not `null`), for
/// the lifetime and cookie attributes: name to value as written.
fn lifetime_attributes(hcl: &str) -> BTreeMap<String, String> {
    hcl.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, v)| (k.contains("lifetime") || k.contains("cookie")) && v != "null")
        .collect()
}

/// README "Failure behaviour": Exact state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_noop_drift_and_repair() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime                 = 168
  idle_session_lifetime_in_minutes = 90
  session_cookie_mode              = "non-persistent"
}"#,
        );
        ws.apply().await;
        // Create asserts every configured field, even those the tenant already holds.
        assert_eq!(
            ws.patch_bodies(),
            vec![
                json!({"session_lifetime": 168, "idle_session_lifetime_in_minutes": 90,
                        "session_cookie": {"mode": "non-persistent"}})
            ],
            "{tf:?}"
        );
        assert_eq!(
            ws.tenant.count("GET", SETTINGS),
            0,
            "create needs no GET ({tf:?})"
        );
        assert_eq!(ws.tenant.count("POST", TOKEN), 1, "one token per apply");
        let s = ws.tenant.stored_minutes();
        assert_eq!((s.session_lifetime, s.idle_session_lifetime), (10080, 90));

        // A second plan is clean and costs one GET (the refresh).
        ws.tenant.clear_requests();
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "second plan must be clean:\n{}", r.all());
        assert_eq!(ws.tenant.count("GET", SETTINGS), 1);
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);

        // Drift made in the dashboard shows up, and apply asserts the configuration again
        // in one PATCH.
        let mut drifted = ws.tenant.stored_minutes();
        drifted.session_lifetime = 100 * 60;
        ws.tenant.set_state(drifted);
        let r = ws
            .run(&[
                "plan",
                "-no-color",
                "-input=false",
                "-detailed-exitcode",
                "-out=drift.tfplan",
            ])
            .await;
        assert_eq!(r.code, 2, "drift must show as a change:\n{}", r.all());
        let shown = ws.ok(&["show", "-json", "drift.tfplan"]).await;
        let plan: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
        let change = &plan["resource_changes"][0]["change"];
        assert_eq!(
            (
                &change["actions"],
                &change["before"]["session_lifetime"],
                &change["after"]["session_lifetime"]
            ),
            (&json!(["update"]), &json!(100), &json!(168)),
            "{change:#}"
        );
        ws.tenant.clear_requests();
        ws.apply().await;
        assert_eq!(
            ws.patch_bodies(),
            vec![
                json!({"session_lifetime": 168, "idle_session_lifetime_in_minutes": 90,
                        "session_cookie": {"mode": "non-persistent"}})
            ]
        );
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fractional_hours_and_minutes_twins() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime      = 181 / 60
  idle_session_lifetime = 0.5
}
output "minutes" { value = auth0_tenant_session.this.session_lifetime_in_minutes }
output "idle_hours" { value = auth0_tenant_session.this.idle_session_lifetime }"#,
        );
        ws.apply().await;
        assert_eq!(
            ws.patch_bodies(),
            vec![
                json!({"session_lifetime_in_minutes": 181, "idle_session_lifetime_in_minutes": 30})
            ]
        );
        let out = ws.ok(&["output", "-json"]).await;
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["minutes"]["value"], json!(181));
        assert_eq!(v["idle_hours"]["value"], json!(0.5));
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());

        // The same lifetimes written in minutes and as 168.0-style spellings: no change.
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime_in_minutes      = 181
  idle_session_lifetime_in_minutes = 30
}
output "minutes" { value = auth0_tenant_session.this.session_lifetime_in_minutes }
output "idle_hours" { value = auth0_tenant_session.this.idle_session_lifetime }"#,
        );
        let (code, r) = ws.plan_code().await;
        assert_eq!(
            code,
            0,
            "switching notation must not change anything:\n{}",
            r.all()
        );
    }
}

/// README "Failure behaviour", bad input: refused at `terraform validate`, before any API
/// call, each with an error on its own attribute (the line its attribute path points at).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_errors_name_the_attribute_before_any_api_call() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime                 = 0.3333
  idle_session_lifetime            = 1
  idle_session_lifetime_in_minutes = 60
  ephemeral_session_lifetime       = 9000
  session_cookie_mode              = "sometimes"
}"#,
        );
        let r = ws.run(&["validate", "-no-color", "-json"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        let diags = common::diagnostics::from_validate_json(&r.stdout);
        // (line of main.tf, summary, words of the detail): the config starts at line 13.
        let expected = [
            (
                14,
                "session_lifetime is not a whole number of minutes",
                "session_lifetime = 0.3333 hours (19.9980 minutes) is not a whole number of minutes",
            ),
            (
                16,
                "Set idle_session_lifetime or idle_session_lifetime_in_minutes, not both",
                "idle_session_lifetime = 1 and idle_session_lifetime_in_minutes = 60 are two \
                 spellings of one lifetime",
            ),
            (
                17,
                "ephemeral_session_lifetime is above Auth0's maximum of 8760 hours",
                "ephemeral_session_lifetime = 9000 hours is more than 8760 hours",
            ),
            (
                18,
                "Invalid session_cookie_mode",
                "session_cookie_mode = \"sometimes\" is not one of the modes Auth0 knows",
            ),
        ];
        let errors = common::diagnostics::errors(&diags);
        assert_eq!(errors.len(), expected.len(), "{diags:#?}");
        for (line, summary, words) in expected {
            assert!(
                errors.iter().any(|d| d.line == Some(line)
                    && d.summary == summary
                    && d.detail.contains(words)),
                "{tf:?}: no error {summary:?} on line {line} saying {words:?}: {diags:#?}"
            );
        }
        assert!(
            ws.tenant.requests().is_empty(),
            "validate must not call Auth0"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_by_cli_block_and_generated_config() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.tenant
            .set_state(state([10080, 181, 4320, 15], Some("persistent")));
        ws.config(r#"resource "auth0_tenant_session" "this" {}"#);
        let domain = ws.tenant.domain();
        ws.ok(&[
            "import",
            "-no-color",
            "-input=false",
            "auth0_tenant_session.this",
            &domain,
        ])
        .await;
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
        // Each lifetime in its natural unit: whole hours as hours, else minutes.
        let imported = state_values(&ws).await;
        assert_eq!(
            (
                &imported["session_lifetime"],
                &imported["idle_session_lifetime_in_minutes"],
                &imported["ephemeral_session_lifetime"],
                &imported["idle_ephemeral_session_lifetime_in_minutes"],
                &imported["session_cookie_mode"],
            ),
            (
                &json!(168),
                &json!(181),
                &json!(72),
                &json!(15),
                &json!("persistent")
            ),
            "{imported:#}"
        );
        ws.ok(&["state", "rm", "auth0_tenant_session.this"]).await;

        // import {} block with -generate-config-out, then the generated config plans clean.
        ws.config(
            r#"import {
  to = auth0_tenant_session.this
  id = "current"
}"#,
        );
        let r = ws
            .run(&[
                "plan",
                "-no-color",
                "-input=false",
                "-generate-config-out=generated.tf",
            ])
            .await;
        assert_eq!(r.code, 0, "{}", r.all());
        let generated = ws.read("generated.tf");
        // One spelling per lifetime, each in its natural unit.
        assert_eq!(
            lifetime_attributes(&generated),
            [
                ("ephemeral_session_lifetime", "72"),
                ("idle_ephemeral_session_lifetime_in_minutes", "15"),
                ("idle_session_lifetime_in_minutes", "181"),
                ("session_cookie_mode", "\"persistent\""),
                ("session_lifetime", "168"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
            "{generated}"
        );
        let applied = ws.apply().await;
        assert!(
            applied
                .stdout
                .contains("Resources: 1 imported, 0 added, 0 changed, 0 destroyed."),
            "{}",
            applied.stdout
        );
        assert_eq!(
            ws.tenant.count("PATCH", SETTINGS),
            0,
            "importing changes nothing"
        );
        let (code, r) = ws.plan_code().await;
        assert_eq!(
            code,
            0,
            "generated config must plan clean:\n{generated}\n{}",
            r.all()
        );

        // Import by identity (Terraform 1.12+).
        if supports(&tf, Feature::ImportByIdentity, "import by identity") {
            ws.ok(&["state", "rm", "auth0_tenant_session.this"]).await;
            ws.config(&format!(
                "import {{\n  to       = auth0_tenant_session.this\n  identity = {{ tenant_domain = \"{domain}\" }}\n}}\n"
            ));
            let mut main = ws.read("main.tf");
            main.push_str(&generated);
            ws.write("main.tf", &main);
            std::fs::remove_file(ws.path().join("generated.tf")).unwrap();
            let applied = ws.apply().await;
            assert!(
                applied
                    .stdout
                    .contains("Resources: 1 imported, 0 added, 0 changed, 0 destroyed."),
                "{}",
                applied.stdout
            );
            assert_eq!(
                state_values(&ws).await,
                imported,
                "same state as the CLI import"
            );
            assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
            let (code, r) = ws.plan_code().await;
            assert_eq!(code, 0, "{}", r.all());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_forgets_or_restores() {
    for tf in terraforms() {
        // Without restore_on_destroy: destroy changes nothing in Auth0 and says so.
        let ws = Workspace::new(&tf).await;
        let before = ws.tenant.stored_minutes();
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 24 }"#);
        ws.apply().await;
        ws.tenant.clear_requests();
        let r = ws.ok(&["destroy", "-no-color", "-auto-approve"]).await;
        assert!(r.all().contains("removed from state only"), "{}", r.all());
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 24 * 60);

        // With restore_on_destroy: the originals come back, in one PATCH.
        let ws = Workspace::new(&tf).await;
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime    = 24
  session_cookie_mode = "non-persistent"
  restore_on_destroy  = true
}"#,
        );
        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 24 * 60);
        ws.tenant.clear_requests();
        ws.ok(&["destroy", "-no-color", "-auto-approve"]).await;
        let patches = ws.patch_bodies();
        assert_eq!(patches.len(), 1, "{patches:?}");
        assert_eq!(patches[0]["session_lifetime"], json!(168));
        assert_eq!(
            ws.tenant.stored_minutes().session_lifetime,
            before.session_lifetime
        );
        assert_eq!(
            ws.tenant.stored_minutes().cookie_mode.as_deref(),
            Some("persistent")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_source_reads_with_one_get() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.tenant
            .set_state(state([90, 30, 4320, 1440], Some("non-persistent")));
        ws.config(
            r#"data "auth0_tenant_session" "now" {}
output "s" { value = data.auth0_tenant_session.now }"#,
        );
        ws.apply().await;
        let out = ws.ok(&["output", "-json"]).await;
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let s = &v["s"]["value"];
        assert_eq!(s["session_lifetime"], json!(1.5));
        assert_eq!(s["session_lifetime_in_minutes"], json!(90));
        assert_eq!(s["idle_session_lifetime"], json!(0.5));
        assert_eq!(s["session_cookie_mode"], json!("non-persistent"));
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
        // The data source is read once, at plan, by one provider process: one token.
        assert_eq!(ws.tenant.count("POST", TOKEN), 1);
        assert_eq!(ws.tenant.count("GET", SETTINGS), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_and_providers_schema_json() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 168 }"#);
        ws.ok(&["validate", "-no-color"]).await;
        let r = ws.ok(&["providers", "schema", "-json"]).await;
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let p = &v["provider_schemas"][ws.provider_address()];
        assert_eq!(
            p["provider"]["block"]["attributes"]["client_secret"]["sensitive"],
            json!(true)
        );
        let res = &p["resource_schemas"]["auth0_tenant_session"]["block"]["attributes"];
        assert_eq!(res["session_lifetime"]["type"], json!("number"));
        assert_eq!(res["session_lifetime"]["optional"], json!(true));
        assert_eq!(res["session_lifetime"]["computed"], json!(true));
        assert_eq!(res["id"]["computed"], json!(true));
        assert!(p["data_source_schemas"]["auth0_tenant_session"].is_object());
        assert!(
            ws.tenant.requests().is_empty(),
            "no API call for schema or validate"
        );
    }
}

/// README "Failure behaviour": Original settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_restore_on_later_costs_no_patch_and_restores_that_point() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 24 }"#);
        ws.apply().await;
        // Turning restore_on_destroy on changes nothing at Auth0.
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime   = 24
  restore_on_destroy = true
}"#,
        );
        ws.tenant.clear_requests();
        ws.apply().await;
        assert_eq!(
            ws.tenant.count("PATCH", SETTINGS),
            0,
            "no PATCH for a state-only change"
        );
        // Later changes, then destroy: the values from when restore was switched on return.
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime   = 48
  restore_on_destroy = true
}"#,
        );
        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 48 * 60);
        ws.tenant.clear_requests();
        ws.ok(&["destroy", "-no-color", "-auto-approve"]).await;
        // Every original is put back, whatever the state says the tenant holds now.
        assert_eq!(
            ws.patch_bodies(),
            vec![json!({"session_lifetime": 24, "idle_session_lifetime": 72,
                        "ephemeral_session_lifetime": 72, "idle_ephemeral_session_lifetime": 24,
                        "session_cookie": {"mode": "persistent"}})]
        );
    }
}
