//! Beside the real official provider: examples/beside-official-provider (the guide's whole
//! configuration: auth0/auth0 keeps auth0_tenant, this provider the sessions) applied to
//! the local tenant over HTTPS with auth0/auth0 built from its Go module
//! (scripts/ensure-peers), both providers installed from a filesystem mirror as users
//! install them.
//!
//! - At the guide's floor (auth0/auth0 v1.49.0, upstream #1587: the session fields became
//!   Optional+Computed instead of having schema Defaults; the proxy serves v1.54.1 as the
//!   nearest release at or after it): apply, apply again and plan change nothing on
//!   either side, and the tenant holds this provider's values; the guide's "taking over
//!   with no change" path imports with no change.
//! - Before it (v1.44.0, the nearest served release before; v1.0 to v1.45 send
//!   session_lifetime and ephemeral_session_lifetime's Defaults in every PATCH): the two
//!   providers rewrite the session lifetimes on every apply, and no plan is ever clean.
//!   This is what the guide's warning about older versions says.
#![forbid(unsafe_code)]

use crate::common;

use std::path::{Path, PathBuf};

use common::terraform::{peer, provider_dir, terraforms, Cli, Workspace};
use local_tenant::SessionState;
use serde_json::{json, Value};

const SETTINGS: &str = "/api/v2/tenants/settings";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The version constraint on auth0/auth0 the example and the guide carry.
const FLOOR_CONSTRAINT: &str = "version = \">= 1.49.0\"";

fn example() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/beside-official-provider/main.tf"),
    )
    .unwrap()
}

/// The official provider's version from its binary's name (terraform-provider-auth0_vX.Y.Z).
fn version_of_peer(binary: &Path) -> String {
    let name = binary.file_name().unwrap().to_string_lossy();
    name.rsplit_once("_v").unwrap().1.to_string()
}

/// A filesystem mirror (unpacked layout) under `root` holding this provider and the
/// official one under the addresses `cli`'s tool gives them, and a CLI configuration that
/// installs both from it and nothing from anywhere else.
fn mirror_and_cli_config(ws: &Workspace, official: &Path) {
    let cli = ws.cli();
    let host = cli.tool.registry();
    let os_arch = "linux_amd64";
    let root = ws.path().join("mirror");
    let link = |namespace: &str, version: &str, binary: &Path| {
        let dir: PathBuf = root.join(format!("{host}/{namespace}/auth0/{version}/{os_arch}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(
            binary,
            dir.join(format!("terraform-provider-auth0_v{version}")),
        )
        .unwrap();
    };
    link(
        "tfauth0",
        VERSION,
        &provider_dir().join("terraform-provider-auth0"),
    );
    link("auth0", &version_of_peer(official), official);
    ws.write(
        "cli.tfrc",
        &format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{host}/auth0/auth0\", \"{host}/tfauth0/auth0\"]\n  }}\n}}\n",
            root.display()
        ),
    );
}

/// A workspace for `tf` with both providers installable, credentials for both in the
/// environment (as the example says), and the example's variable set to the tenant.
async fn workspace(tf: &Path, official: &Path) -> Workspace {
    let mut ws = Workspace::new(tf).await;
    mirror_and_cli_config(&ws, official);
    ws.extra_env = vec![
        ("AUTH0_CLIENT_ID".into(), "local-client-id".into()),
        ("AUTH0_CLIENT_SECRET".into(), "local-client-secret".into()),
    ];
    // A bare domain, as users write it: both providers add https://.
    ws.write(
        "terraform.tfvars",
        &format!("auth0_domain = \"{}\"\n", ws.tenant.domain()),
    );
    ws
}

/// `init`, which must install each of `providers` (address, version) from the mirror.
async fn init(ws: &Workspace, providers: &[(&str, &str)]) {
    let r = ws.ok(&["init", "-no-color", "-input=false"]).await;
    for (address, version) in providers {
        assert!(
            r.stdout
                .contains(&format!("Installed {address} v{version}")),
            "{:?}: {address} v{version} not installed:\n{}",
            ws.cli(),
            r.stdout
        );
    }
}

/// Both providers: the official one at `official_version`, and this one.
fn both(official_version: &str) -> [(&str, &str); 2] {
    [
        ("auth0/auth0", official_version),
        ("tfauth0/auth0", VERSION),
    ]
}

/// Whether a logged request came from the official provider (its User-Agent is
/// "Terraform-Provider-Auth0/<version> (Go-Auth0-SDK/...)").
fn from_official(r: &local_tenant::LoggedRequest) -> bool {
    r.headers
        .iter()
        .any(|(k, v)| k == "user-agent" && v.starts_with("Terraform-Provider-Auth0/"))
}

/// The PATCH bodies each provider sent since the log was last cleared: (official, ours).
fn patches(ws: &Workspace) -> (Vec<Value>, Vec<Value>) {
    let mut official = Vec::new();
    let mut ours = Vec::new();
    for r in ws.tenant.requests() {
        if r.method != "PATCH" || r.path != SETTINGS {
            continue;
        }
        let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        if from_official(&r) {
            official.push(body);
        } else {
            ours.push(body);
        }
    }
    (official, ours)
}

const SESSION_KEYS: [&str; 9] = [
    "session_lifetime",
    "idle_session_lifetime",
    "ephemeral_session_lifetime",
    "idle_ephemeral_session_lifetime",
    "session_lifetime_in_minutes",
    "idle_session_lifetime_in_minutes",
    "ephemeral_session_lifetime_in_minutes",
    "idle_ephemeral_session_lifetime_in_minutes",
    "session_cookie",
];

fn session_keys(body: &Value) -> Vec<&'static str> {
    SESSION_KEYS
        .into_iter()
        .filter(|k| body.get(*k).is_some())
        .collect()
}

/// What the example's auth0_tenant_session sets.
fn example_values() -> SessionState {
    SessionState {
        session_lifetime: 168 * 60,
        idle_session_lifetime: 72 * 60,
        ephemeral_session_lifetime: 12 * 60,
        idle_ephemeral_session_lifetime: 90,
        cookie_mode: Some("persistent".into()),
    }
}

fn label(cli: &Cli, official_version: &str) -> String {
    format!("{} with auth0/auth0 v{official_version}", cli.label())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_floor_both_providers_converge_and_the_tenant_holds_this_providers_values() {
    let Some(official) = peer(
        "auth0-floor",
        "examples/beside-official-provider with the official provider at the guide's floor",
    ) else {
        return;
    };
    let official_version = version_of_peer(&official);
    let main = example();
    assert_eq!(main.matches(FLOOR_CONSTRAINT).count(), 1, "{main}");
    for tf in terraforms() {
        let ws = workspace(&tf, &official).await;
        let what = label(&ws.cli(), &official_version);
        ws.write("main.tf", &main);
        init(&ws, &both(&official_version)).await;

        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes(), example_values(), "{what}");
        let (official_patches, ours) = patches(&ws);
        assert!(
            !official_patches.is_empty(),
            "{what}: auth0_tenant was applied"
        );
        for body in &official_patches {
            assert_eq!(
                session_keys(body),
                Vec::<&str>::new(),
                "{what}: auth0/auth0 sent session fields: {body}"
            );
        }
        assert_eq!(ours.len(), 1, "{what}: {ours:?}");
        let tenant_settings = &official_patches[0];
        assert_eq!(
            (
                &tenant_settings["friendly_name"],
                &tenant_settings["support_email"]
            ),
            (&json!("Example"), &json!("support@example.com")),
            "{what}: auth0_tenant manages the other fields"
        );

        // Apply again: nothing to do on either side, no write at all.
        ws.tenant.clear_requests();
        let again = ws.apply().await;
        assert!(
            again.stdout.contains("0 added, 0 changed, 0 destroyed"),
            "{what}: {}",
            again.stdout
        );
        assert_eq!(patches(&ws), (vec![], vec![]), "{what}");
        let (code, r) = ws.plan_code().await;
        assert_eq!(
            code,
            0,
            "{what}: plan must be clean on both sides:\n{}",
            r.all()
        );
        assert_eq!(ws.tenant.stored_minutes(), example_values(), "{what}");
    }
}

/// The guide's "Taking over with no change": a team whose auth0_tenant held the session
/// fields removes them and imports the settings into auth0_tenant_session: the plan is
/// `1 to import, 0 to add, 0 to change, 0 to destroy`, the apply writes nothing, and both
/// plan clean afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_floor_the_guides_import_takes_over_with_no_change() {
    let Some(official) = peer(
        "auth0-floor",
        "the guide's import with no change beside the official provider at its floor",
    ) else {
        return;
    };
    let official_version = version_of_peer(&official);
    let main = example();
    // Before: the official provider alone, with the session fields in auth0_tenant (whole
    // hours: it rounds 1.5 to 2, see the guide).
    let before = "terraform {\n  required_providers {\n    auth0 = {\n      source  = \"auth0/auth0\"\n      version = \">= 1.49.0\"\n    }\n  }\n}\n\n\
        variable \"auth0_domain\" { type = string }\n\n\
        provider \"auth0\" {\n  domain = var.auth0_domain\n}\n\n\
        resource \"auth0_tenant\" \"this\" {\n  friendly_name = \"Example\"\n  support_email = \"support@example.com\"\n\n  \
        session_lifetime                = 168\n  idle_session_lifetime           = 72\n  ephemeral_session_lifetime      = 12\n  \
        idle_ephemeral_session_lifetime = 2\n\n  session_cookie {\n    mode = \"persistent\"\n  }\n\n  \
        sessions {\n    oidc_logout_prompt_enabled = false\n  }\n}\n";
    // After: the example, with the tenant's values written in (2 hours where the example
    // has 90 minutes), next to the guide's import block.
    let minutes_line =
        "idle_ephemeral_session_lifetime_in_minutes = 90           # 1.5 h, stored exactly";
    assert_eq!(main.matches(minutes_line).count(), 1, "{main}");
    let after = main.replace(
        minutes_line,
        "idle_ephemeral_session_lifetime            = 2",
    );
    for tf in terraforms() {
        let ws = workspace(&tf, &official).await;
        let what = label(&ws.cli(), &official_version);
        ws.write("main.tf", before);
        init(&ws, &[("auth0/auth0", &official_version)]).await;
        ws.apply().await;
        let held = SessionState {
            idle_ephemeral_session_lifetime: 120,
            ..example_values()
        };
        assert_eq!(ws.tenant.stored_minutes(), held, "{what}");

        ws.write("main.tf", &after);
        ws.write(
            "import.tf",
            &format!(
                "import {{\n  to = auth0_tenant_session.this\n  id = \"{}\"\n}}\n",
                ws.tenant.domain()
            ),
        );
        init(&ws, &[("tfauth0/auth0", VERSION)]).await;
        ws.tenant.clear_requests();
        let (code, plan) = ws.plan_code().await;
        assert!(
            code == 2
                && plan
                    .stdout
                    .contains("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy."),
            "{what}: removing the fields plans no change for auth0_tenant:\n{}",
            plan.all()
        );
        ws.apply().await;
        assert_eq!(
            patches(&ws),
            (vec![], vec![]),
            "{what}: taking over writes nothing"
        );
        assert_eq!(ws.tenant.stored_minutes(), held, "{what}");
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{what}:\n{}", r.all());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_the_floor_the_two_providers_fight_over_the_session_lifetimes() {
    let Some(official) = peer(
        "auth0-before",
        "examples/beside-official-provider with auth0/auth0 before the guide's floor (the fight)",
    ) else {
        return;
    };
    let official_version = version_of_peer(&official);
    let main = example().replace(
        FLOOR_CONSTRAINT,
        &format!("version = \"{official_version}\""),
    );
    for tf in terraforms() {
        let ws = workspace(&tf, &official).await;
        let what = label(&ws.cli(), &official_version);
        ws.write("main.tf", &main);
        init(&ws, &both(&official_version)).await;
        ws.apply().await;

        // Every round: a plan that is never clean, and an apply in which one provider
        // writes a session lifetime back. Over the rounds, the official provider writes
        // its default ephemeral_session_lifetime (1 hour) and this provider the example's
        // 12 hours, again and again.
        let mut official_ephemeral = Vec::new();
        let mut our_ephemeral = Vec::new();
        for round in 1..=3 {
            let (code, plan) = ws.plan_code().await;
            assert_eq!(
                code,
                2,
                "{what}, round {round}: the plan is never clean:\n{}",
                plan.all()
            );
            ws.tenant.clear_requests();
            ws.apply().await;
            let (official_patches, ours) = patches(&ws);
            let written: Vec<&'static str> = official_patches
                .iter()
                .chain(&ours)
                .flat_map(session_keys)
                .collect();
            assert!(
                !written.is_empty(),
                "{what}, round {round}: a session lifetime is written again"
            );
            official_ephemeral.extend(
                official_patches
                    .iter()
                    .filter_map(|b| b.get("ephemeral_session_lifetime").cloned()),
            );
            our_ephemeral.extend(
                ours.iter()
                    .filter_map(|b| b.get("ephemeral_session_lifetime").cloned()),
            );
        }
        assert!(
            official_ephemeral.contains(&json!(1)) && our_ephemeral.contains(&json!(12)),
            "{what}: both providers rewrote ephemeral_session_lifetime (official: {official_ephemeral:?}, \
             this provider: {our_ephemeral:?})"
        );
    }
}
