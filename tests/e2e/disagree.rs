//! A tenant that disagrees, as real ones do (local_tenant::Disagreement): it stores less
//! than was sent (a plan's system limit supersedes a larger value), answers a PATCH with
//! other values than it stored, or refuses a value past its maximum with Auth0's 400.
//! README: "A value Auth0 stored differently from what was sent is an error on its
//! attribute, and the state records what the tenant holds."
#![forbid(unsafe_code)]

use crate::common;

use common::terraform::{flat, terraforms, Workspace};
use local_tenant::{Disagreement, Lifetime};
use serde_json::json;

const SETTINGS: &str = "/api/v2/tenants/settings";

fn disagreement(json: serde_json::Value) -> Disagreement {
    serde_json::from_value(json).unwrap()
}

/// The state's attributes of the one auth0_tenant_session.
fn attributes(ws: &Workspace) -> serde_json::Value {
    let instances = ws.instances("this");
    assert_eq!(instances.len(), 1, "{instances:?}");
    instances[0]["attributes"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_stored_below_what_was_sent_is_an_error_on_its_attribute() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        // Essential and Professional plans: idle sessions are capped at 4,320 minutes.
        ws.tenant.set_disagreement(disagreement(
            json!({"system_limits": {"idle_session_lifetime": 4320}}),
        ));
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime      = 168
  idle_session_lifetime = 100
}"#,
        );
        let r = ws
            .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .await;
        let text = flat(&r.all());
        assert_eq!(r.code, 1, "{tf:?}: {}", r.all());
        assert!(
            text.contains("Error: Auth0 stored a different idle_session_lifetime")
                && text.contains("set idle_session_lifetime to 6000 minutes, but the tenant now holds 4320 minutes"),
            "{tf:?}: {}",
            r.all()
        );
        // On the attribute: Terraform quotes the configuration line the error is about.
        assert!(
            text.contains("idle_session_lifetime = 100"),
            "{tf:?}: the diagnostic points at the attribute:\n{}",
            r.all()
        );
        assert!(
            !text.contains("Auth0 stored a different session_lifetime"),
            "{tf:?}: only the capped attribute is in error"
        );
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 1, "{tf:?}");
        // The state records what the tenant holds, the twins agreeing.
        let st = attributes(&ws);
        assert_eq!(
            (
                &st["idle_session_lifetime"],
                &st["idle_session_lifetime_in_minutes"],
                &st["session_lifetime_in_minutes"]
            ),
            (&json!(72), &json!(4320), &json!(10080)),
            "{tf:?}: {st:#}"
        );
        // The next plan wants the configured value again: the difference stays visible.
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 2, "{tf:?}: {}", r.all());

        // Positive control: a value within the limit is stored and plans clean.
        ws.config(
            r#"resource "auth0_tenant_session" "this" {
  session_lifetime      = 168
  idle_session_lifetime = 72
}"#,
        );
        ws.apply().await;
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{tf:?}: {}", r.all());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_answer_that_differs_from_what_was_sent_is_an_error_and_refresh_shows_the_truth() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 12 }"#);
        ws.apply().await;
        // An update, so that Terraform keeps the object (a failed create taints it).
        ws.tenant.set_disagreement(Disagreement {
            patch_answers: [(Lifetime::SessionLifetime, 90)].into_iter().collect(),
            ..Disagreement::default()
        });
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 24 }"#);
        let r = ws
            .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .await;
        let text = flat(&r.all());
        assert_eq!(r.code, 1, "{tf:?}: {}", r.all());
        assert!(
            text.contains("Auth0 stored a different session_lifetime")
                && text.contains(
                    "set session_lifetime to 1440 minutes, but the tenant now holds 90 minutes"
                ),
            "{tf:?}: {}",
            r.all()
        );
        assert_eq!(attributes(&ws)["session_lifetime_in_minutes"], json!(90));
        // The tenant did store what was sent: the next refresh reads it, and the plan is
        // clean.
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 1440);
        ws.tenant.set_disagreement(Disagreement::default());
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{tf:?}: {}", r.all());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_past_the_tenants_maximum_gets_auth0s_400_word_for_word() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.tenant.set_disagreement(disagreement(
            json!({"maximum_hours": {"session_lifetime": 720}}),
        ));
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 1000 }"#);
        let r = ws
            .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .await;
        let text = flat(&r.all());
        assert_eq!(r.code, 1, "{tf:?}: {}", r.all());
        // The 400's message as Auth0 words it (tenant/tests/fixtures/auth0-errors).
        assert!(
            text.contains("400")
                && text
                    .contains("Payload validation error: 'Value 1000 is greater than maximum 720'"),
            "{tf:?}: {}",
            r.all()
        );
        assert_eq!(
            ws.tenant.count("PATCH", SETTINGS),
            1,
            "{tf:?}: a refused body is not sent again"
        );
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 168 * 60);
        // Positive control: at the maximum, it is stored.
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 720 }"#);
        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 720 * 60);
    }
}
