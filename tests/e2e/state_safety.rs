//! End-to-end, real Terraform against local tenants: ordinary operations never write
//! values nobody asked for into a tenant, and never let the state claim what the tenant
//! does not hold. Moving the provider to another tenant, taint, `-replace`,
//! `create_before_destroy`, failed and interrupted creates, import, `moved`, a provider
//! upgrade, two resources on one tenant, and a stale plan.
#![forbid(unsafe_code)]

use crate::common;

use std::time::{Duration, Instant};

use common::terraform::{flat, terraforms, Workspace};
use local_tenant::{Fault, LocalTenant, SessionState, TenantConfig};
use serde_json::{json, Value};

const SETTINGS: &str = "/api/v2/tenants/settings";
const ADDR: &str = "auth0_tenant_session.this";

/// What the tenant holds before Terraform: unlike Auth0's defaults, so a restore shows.
fn originals() -> SessionState {
    SessionState {
        session_lifetime: 600,
        idle_session_lifetime: 120,
        ephemeral_session_lifetime: 300,
        idle_ephemeral_session_lifetime: 45,
        cookie_mode: Some("non-persistent".into()),
    }
}

/// `original_settings` as the state records `originals()`.
fn originals_json() -> Value {
    json!({
        "session_lifetime_in_minutes": 600,
        "idle_session_lifetime_in_minutes": 120,
        "ephemeral_session_lifetime_in_minutes": 300,
        "idle_ephemeral_session_lifetime_in_minutes": 45,
        "session_cookie_mode": "non-persistent"
    })
}

/// The PATCH that puts `originals()` back.
fn restore_body() -> Value {
    json!({
        "session_lifetime": 10,
        "idle_session_lifetime": 2,
        "ephemeral_session_lifetime": 5,
        "idle_ephemeral_session_lifetime_in_minutes": 45,
        "session_cookie": {"mode": "non-persistent"}
    })
}

const MANAGED: &str = r#"resource "auth0_tenant_session" "this" {
  session_lifetime                 = 24
  idle_session_lifetime_in_minutes = 90
  session_cookie_mode              = "persistent"
  restore_on_destroy               = true
}"#;

/// The PATCH that applies MANAGED.
fn managed_body() -> Value {
    json!({"session_lifetime": 24, "idle_session_lifetime_in_minutes": 90,
           "session_cookie": {"mode": "persistent"}})
}

/// The tenant holds what MANAGED sets (and `originals()` for what it leaves alone).
fn holds_managed(t: &LocalTenant) -> bool {
    let s = t.stored_minutes();
    (
        s.session_lifetime,
        s.idle_session_lifetime,
        s.cookie_mode.as_deref(),
    ) == (24 * 60, 90, Some("persistent"))
}

fn assert_holds_originals(t: &LocalTenant, context: &str) {
    let s = t.stored_minutes();
    let o = originals();
    assert_eq!(
        (
            s.session_lifetime,
            s.idle_session_lifetime,
            s.ephemeral_session_lifetime,
            s.idle_ephemeral_session_lifetime,
            s.cookie_mode
        ),
        (
            o.session_lifetime,
            o.idle_session_lifetime,
            o.ephemeral_session_lifetime,
            o.idle_ephemeral_session_lifetime,
            o.cookie_mode
        ),
        "{context}: the tenant should hold its original settings"
    );
}

/// A workspace whose tenant starts with `originals()`.
async fn workspace(tf: &std::path::Path) -> Workspace {
    let ws = Workspace::new(tf).await;
    ws.tenant.set_state(originals());
    ws
}

fn recorded_originals(ws: &Workspace, name: &str) -> Vec<Value> {
    ws.instances(name)
        .iter()
        .map(|i| i["attributes"]["original_settings"].clone())
        .collect()
}

/// Replaces the resource `how`: `taint` then apply, or apply with `-replace`.
async fn replace(ws: &Workspace, how: &str) -> common::terraform::Run {
    let flag = format!("-replace={ADDR}");
    let mut args = vec!["apply", "-no-color", "-input=false", "-auto-approve"];
    match how {
        "taint" => {
            ws.ok(&["taint", ADDR]).await;
        }
        "-replace" => args.push(&flag),
        other => panic!("no replacement called {other}"),
    }
    ws.ok(&args).await
}

async fn destroy_restores(ws: &Workspace, context: &str) {
    ws.tenant.clear_requests();
    let r = ws.ok(&["destroy", "-no-color", "-auto-approve"]).await;
    assert!(
        !r.all().contains("Nothing to restore"),
        "{context}: {}",
        r.all()
    );
    assert_eq!(ws.patch_bodies(), vec![restore_body()], "{context}");
    assert_holds_originals(&ws.tenant, context);
}

/// README "Failure behaviour": A resource belongs to its tenant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenant_is_refused_and_never_gets_the_first_ones_originals() {
    for tf in terraforms() {
        let ws = workspace(&tf).await;
        let a_id = ws.tenant.domain();
        let b = LocalTenant::start(TenantConfig::default()).await.unwrap();
        let b_id = b.domain();
        let b_originals = SessionState {
            session_lifetime: 1000,
            idle_session_lifetime: 100,
            ephemeral_session_lifetime: 200,
            idle_ephemeral_session_lifetime: 20,
            cookie_mode: Some("persistent".into()),
        };
        b.set_state(b_originals.clone());
        ws.config(MANAGED);
        ws.apply().await;
        assert!(holds_managed(&ws.tenant));

        // The provider now points at tenant B: plan, a plan without refresh, and destroy
        // are all refused, naming both tenants and the way out, and B sees no request.
        ws.config_for(&b.url(), MANAGED);
        ws.tenant.clear_requests();
        for args in [
            vec!["plan", "-no-color", "-input=false"],
            vec!["plan", "-no-color", "-input=false", "-refresh=false"],
            vec!["apply", "-no-color", "-input=false", "-auto-approve"],
            vec!["destroy", "-no-color", "-input=false", "-auto-approve"],
        ] {
            let r = ws.run(&args).await;
            assert_eq!(r.code, 1, "{tf:?} {args:?}: {}", r.all());
            let text = flat(&r.all());
            assert!(
                text.contains("belongs to another tenant")
                    && text.contains(&a_id)
                    && text.contains(&b_id)
                    && text.contains("terraform state rm"),
                "{tf:?} {args:?}: {text}"
            );
            assert!(b.requests().is_empty(), "{args:?}: tenant B was called");
        }
        assert!(ws.tenant.requests().is_empty(), "tenant A was called");
        assert_eq!(b.stored_minutes(), b_originals);
        assert!(holds_managed(&ws.tenant));

        // The documented way out: forget A's object, then take B over; B's originals are
        // recorded and a destroy puts them back into B, and only B.
        ws.ok(&["state", "rm", ADDR]).await;
        ws.apply().await;
        let s = b.stored_minutes();
        assert_eq!((s.session_lifetime, s.idle_session_lifetime), (24 * 60, 90));
        assert_eq!(
            recorded_originals(&ws, "this"),
            vec![json!({
                "session_lifetime_in_minutes": 1000,
                "idle_session_lifetime_in_minutes": 100,
                "ephemeral_session_lifetime_in_minutes": 200,
                "idle_ephemeral_session_lifetime_in_minutes": 20,
                "session_cookie_mode": "persistent"
            })]
        );
        ws.ok(&["destroy", "-no-color", "-auto-approve"]).await;
        assert_eq!(b.stored_minutes(), b_originals);
        assert!(ws.tenant.requests().is_empty(), "tenant A was called");
        assert!(holds_managed(&ws.tenant), "A keeps what it held");

        // Without restore_on_destroy nothing of A would be written anywhere: the move is a
        // replacement the plan shows, forgetting A's object and taking B over.
        let ws = workspace(&tf).await;
        let plain = "resource \"auth0_tenant_session\" \"this\" { session_lifetime = 24 }";
        ws.config(plain);
        ws.apply().await;
        ws.config_for(&b.url(), plain);
        b.clear_requests();
        ws.tenant.clear_requests();
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 2, "{}", r.all());
        assert!(
            r.stdout.contains("must be replaced") && r.stdout.contains("forces replacement"),
            "{}",
            r.all()
        );
        assert!(
            flat(&r.all()).contains("moves to another tenant"),
            "{}",
            r.all()
        );
        assert_eq!(b.count("PATCH", SETTINGS), 0, "plan writes nothing");
        let r = ws.apply().await;
        assert!(
            r.stdout.contains("1 added, 0 changed, 1 destroyed"),
            "{}",
            r.all()
        );
        assert_eq!(b.count("PATCH", SETTINGS), 1);
        assert_eq!(b.stored_minutes().session_lifetime, 24 * 60);
        assert!(ws.tenant.requests().is_empty(), "tenant A was called");
        let b_id = b.domain();
        assert_eq!(ws.instances("this")[0]["attributes"]["id"], json!(b_id));
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
    }
}

/// README "Failure behaviour": One tenant, one resource; Original settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taint_and_replace_keep_the_originals() {
    for tf in terraforms() {
        let ws = workspace(&tf).await;
        ws.config(MANAGED);
        ws.apply().await;
        assert_eq!(recorded_originals(&ws, "this"), vec![originals_json()]);
        for how in ["taint", "-replace"] {
            ws.tenant.clear_requests();
            let r = replace(&ws, how).await;
            assert!(
                r.stdout.contains("1 added, 0 changed, 1 destroyed"),
                "{tf:?} {how}: {}",
                r.all()
            );
            assert!(
                !r.all().contains("Nothing to restore"),
                "{how}: {}",
                r.all()
            );
            // The old object puts the originals back, the new one applies its values and
            // inherits the originals.
            assert_eq!(
                ws.patch_bodies(),
                vec![restore_body(), managed_body()],
                "{tf:?} {how}"
            );
            assert!(holds_managed(&ws.tenant), "{how}");
            assert_eq!(
                recorded_originals(&ws, "this"),
                vec![originals_json()],
                "{how}"
            );
            let (code, r) = ws.plan_code().await;
            assert_eq!(code, 0, "{how}: {}", r.all());
        }
        destroy_restores(&ws, "after taint and -replace").await;
    }
}

/// README "Failure behaviour": One tenant, one resource; Original settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_before_destroy_never_restores_over_the_replacement() {
    let body = MANAGED.replace(
        "restore_on_destroy               = true\n}",
        "restore_on_destroy               = true\n  lifecycle {\n    create_before_destroy = true\n  }\n}",
    );
    for tf in terraforms() {
        for how in ["taint", "-replace"] {
            let ws = workspace(&tf).await;
            ws.config(&body);
            ws.apply().await;
            ws.tenant.clear_requests();
            let r = replace(&ws, how).await;
            assert!(
                r.stdout.contains("1 added, 0 changed, 1 destroyed"),
                "{tf:?} {how}: {}",
                r.all()
            );
            // The replacement is created first; the old object's destroy must not put the
            // originals back over it.
            assert_eq!(ws.patch_bodies(), vec![managed_body()], "{tf:?} {how}");
            assert!(holds_managed(&ws.tenant), "{tf:?} {how}");
            // Terraform (through 1.15) tells the replacement nothing of the object it
            // replaces before creating it, so the true originals cannot be inherited; the
            // old object's destroy says what they were rather than dropping them silently.
            let text = flat(&r.all());
            assert!(
                text.contains("Original settings not restored")
                    && text.contains("session_lifetime 10 h, idle_session_lifetime 2 h, ephemeral_session_lifetime 5 h, idle_ephemeral_session_lifetime 45 min, session_cookie_mode non-persistent"),
                "{tf:?} {how}: {text}"
            );
            let (code, r) = ws.plan_code().await;
            assert_eq!(code, 0, "{how}: {}", r.all());
        }
    }
}

/// README "Failure behaviour": Original settings; Nothing is half-applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_and_interrupted_creates_keep_the_originals() {
    for tf in terraforms() {
        // Failed: every PATCH is applied and its answer lost, so the tenant may hold the
        // new values while Terraform saw only errors.
        let ws = workspace(&tf).await;
        ws.config(MANAGED);
        ws.tenant.inject(Fault::ApplyThenDrop { times: 100 });
        let r = ws
            .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .await;
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(r.all().contains("Kept in state"), "{}", r.all());
        let inst = ws.instances("this");
        assert_eq!(inst.len(), 1, "{inst:?}");
        assert_eq!(inst[0]["status"], json!("tainted"));
        assert_eq!(inst[0]["attributes"]["original_settings"], originals_json());
        assert!(holds_managed(&ws.tenant), "the lost answers were applied");
        ws.tenant.clear_faults();
        let r = ws.apply().await;
        assert!(
            r.stdout.contains("1 added, 0 changed, 1 destroyed"),
            "{}",
            r.all()
        );
        assert_eq!(recorded_originals(&ws, "this"), vec![originals_json()]);
        destroy_restores(&ws, "after a failed create").await;

        // Interrupted: Ctrl-C while the PATCH is in flight.
        let ws = workspace(&tf).await;
        ws.config(MANAGED);
        // The originals' read passes; the PATCH hangs.
        ws.tenant.inject(Fault::Latency {
            millis: 60_000,
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
        let started = Instant::now();
        while ws.tenant.count("PATCH", SETTINGS) == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the PATCH never started"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        assert!(!out.status.success());
        let inst = ws.instances("this");
        assert_eq!(inst.len(), 1, "{inst:?}");
        assert_eq!(inst[0]["status"], json!("tainted"));
        assert_eq!(inst[0]["attributes"]["original_settings"], originals_json());
        ws.tenant.clear_faults();
        ws.apply().await;
        assert_eq!(recorded_originals(&ws, "this"), vec![originals_json()]);
        destroy_restores(&ws, "after an interrupted create").await;
    }
}

/// README "Failure behaviour": Original settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_and_moved_keep_the_originals() {
    for tf in terraforms() {
        // Import records what the tenant holds before Terraform changes anything.
        let ws = workspace(&tf).await;
        let id = ws.tenant.domain();
        ws.config(MANAGED);
        ws.ok(&["import", "-no-color", "-input=false", ADDR, &id])
            .await;
        assert_eq!(recorded_originals(&ws, "this"), vec![originals_json()]);
        ws.apply().await;
        assert!(holds_managed(&ws.tenant));

        // A moved block keeps the object, its originals and a clean plan.
        let renamed = MANAGED.replace("\"this\"", "\"renamed\"");
        ws.config(&format!(
            "{renamed}\nmoved {{\n  from = {ADDR}\n  to   = auth0_tenant_session.renamed\n}}"
        ));
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 2, "a move is a change of address only:\n{}", r.all());
        assert!(
            r.stdout.contains("0 to add, 0 to change, 0 to destroy"),
            "{}",
            r.all()
        );
        ws.tenant.clear_requests();
        ws.apply().await;
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);
        assert_eq!(recorded_originals(&ws, "renamed"), vec![originals_json()]);
        destroy_restores(&ws, "after import and moved").await;
    }
}

/// README "Failure behaviour": Original settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_of_the_previous_provider_version_keeps_its_originals() {
    // Written by the provider before this version (schema 0): originals in private state.
    let fixture: Value = serde_json::from_str(include_str!(
        "../fixtures/state-v0-restore-on-destroy.tfstate"
    ))
    .unwrap();
    let recorded = json!({"session_lifetime": 168, "idle_session_lifetime": 72,
        "ephemeral_session_lifetime": 72, "idle_ephemeral_session_lifetime": 24,
        "session_cookie": {"mode": "persistent"}});
    for tf in terraforms() {
        for refresh in ["-refresh=true", "-refresh=false"] {
            let ws = Workspace::new(&tf).await;
            let id = ws.tenant.domain();
            let mut st = fixture.clone();
            st["terraform_version"] = json!("1.6.0");
            st["resources"][0]["instances"][0]["attributes"]["id"] = json!(id);
            ws.write("terraform.tfstate", &st.to_string());
            // The tenant holds what that state says was applied.
            ws.tenant.set_state(SessionState {
                session_lifetime: 6000,
                idle_session_lifetime: 90,
                ephemeral_session_lifetime: 4320,
                idle_ephemeral_session_lifetime: 1440,
                cookie_mode: Some("non-persistent".into()),
            });
            ws.config(
                r#"resource "auth0_tenant_session" "this" {
  session_lifetime                 = 100
  idle_session_lifetime_in_minutes = 90
  session_cookie_mode              = "non-persistent"
  restore_on_destroy               = true
}"#,
            );
            if refresh == "-refresh=true" {
                let (code, r) = ws.plan_code().await;
                assert_eq!(code, 0, "{tf:?}: the upgrade plans clean:\n{}", r.all());
            }
            ws.tenant.clear_requests();
            ws.ok(&["destroy", "-no-color", "-auto-approve", refresh])
                .await;
            assert_eq!(
                ws.patch_bodies(),
                vec![recorded.clone()],
                "{tf:?} {refresh}"
            );
        }
    }
}

/// README "Failure behaviour": One tenant, one resource.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tenant_is_managed_by_one_resource() {
    for tf in terraforms() {
        let ws = workspace(&tf).await;
        // Positive control: one resource plans.
        ws.config("resource \"auth0_tenant_session\" \"a\" { session_lifetime = 24 }");
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 2, "{}", r.all());
        for body in [
            "resource \"auth0_tenant_session\" \"a\" { session_lifetime = 24 }\n\
             resource \"auth0_tenant_session\" \"b\" { session_lifetime = 48 }",
            "resource \"auth0_tenant_session\" \"a\" {\n  count = 2\n  session_lifetime = 24\n}",
            "resource \"auth0_tenant_session\" \"a\" {\n  for_each = toset([\"x\", \"y\"])\n  session_lifetime = 24\n}",
        ] {
            ws.config(body);
            let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
            assert_eq!(r.code, 1, "{body}\n{}", r.all());
            assert!(
                flat(&r.all()).contains("can be managed by one resource only"),
                "{body}\n{}",
                r.all()
            );
        }
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0);

        // An existing resource and a new one.
        ws.config("resource \"auth0_tenant_session\" \"a\" {\n  session_lifetime = 24\n  restore_on_destroy = true\n}");
        ws.apply().await;
        ws.config(
            "resource \"auth0_tenant_session\" \"a\" {\n  session_lifetime = 24\n  restore_on_destroy = true\n}\n\
             resource \"auth0_tenant_session\" \"b\" { session_lifetime = 48 }",
        );
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(
            flat(&r.all()).contains("can be managed by one resource only"),
            "{}",
            r.all()
        );

        // A rename without a moved block would restore the originals in a race with the
        // new resource: refused, naming the fix; with the moved block it plans.
        ws.config("resource \"auth0_tenant_session\" \"b\" {\n  session_lifetime = 24\n  restore_on_destroy = true\n}");
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(flat(&r.all()).contains("add a moved block"), "{}", r.all());
        ws.config(
            "resource \"auth0_tenant_session\" \"b\" {\n  session_lifetime = 24\n  restore_on_destroy = true\n}\n\
             moved {\n  from = auth0_tenant_session.a\n  to   = auth0_tenant_session.b\n}",
        );
        ws.apply().await;
        assert_eq!(
            ws.tenant.count("PATCH", SETTINGS),
            1,
            "only the first create wrote"
        );
    }
}

/// README "Failure behaviour": Exact state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_plan_compares_only_what_it_sent() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config("resource \"auth0_tenant_session\" \"this\" { session_lifetime = 24 }");
        ws.apply().await;
        // Changed outside Terraform, then planned without a refresh.
        ws.tenant.set_state(SessionState {
            session_lifetime: 24 * 60,
            idle_session_lifetime: 200,
            ephemeral_session_lifetime: 100,
            idle_ephemeral_session_lifetime: 30,
            cookie_mode: Some("non-persistent".into()),
        });
        ws.config("resource \"auth0_tenant_session\" \"this\" { session_lifetime = 48 }");
        ws.ok(&[
            "plan",
            "-no-color",
            "-input=false",
            "-refresh=false",
            "-out=tfplan",
        ])
        .await;
        ws.tenant.clear_requests();
        let r = ws
            .ok(&["apply", "-no-color", "-input=false", "tfplan"])
            .await;
        assert!(!r.all().contains("stored a different"), "{}", r.all());
        assert_eq!(ws.patch_bodies(), vec![json!({"session_lifetime": 48})]);
        // The state records what the tenant holds.
        let a = &ws.instances("this")[0]["attributes"];
        assert_eq!(a["idle_session_lifetime_in_minutes"], json!(200));
        assert_eq!(a["ephemeral_session_lifetime_in_minutes"], json!(100));
        assert_eq!(a["idle_ephemeral_session_lifetime_in_minutes"], json!(30));
        assert_eq!(a["session_cookie_mode"], json!("non-persistent"));
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());
    }
}
