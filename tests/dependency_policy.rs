//! Dependency and code hygiene, checked offline:
//! - `cargo deny --offline check licenses bans` passes against deny.toml (permissive
//!   licenses only; one version each of tonic, prost, hyper, h2, rustls, tokio; no `*`
//!   requirements). cargo-deny must be installed (`scripts/setup.sh` does it); set
//!   TFAUTH0_SKIP_DENY=1 to skip that one test knowingly.
//! - every crate root of the workspace (libraries, binaries, tests, benches, examples,
//!   build scripts) carries `#![forbid(unsafe_code)]`, so the compiler refuses `unsafe`.
#![forbid(unsafe_code)]

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

#[test]
fn cargo_deny_licenses_and_bans() {
    if std::env::var("TFAUTH0_SKIP_DENY").as_deref() == Ok("1") {
        eprintln!("TFAUTH0_SKIP_DENY=1: cargo deny check skipped");
        return;
    }
    let installed = Command::new(cargo())
        .args(["deny", "--version"])
        .current_dir(root())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        installed,
        "cargo-deny is not installed: run scripts/setup.sh (it installs the pinned \
         cargo-deny), or set TFAUTH0_SKIP_DENY=1 to skip this check"
    );

    // `--offline` is a global option (before `check`): cargo metadata runs offline and no
    // index is fetched; the licenses and bans checks never fetch the advisory database.
    let out = Command::new(cargo())
        .args([
            "deny",
            "--offline",
            "--workspace",
            "--color",
            "never",
            "check",
            "licenses",
            "bans",
        ])
        .current_dir(root())
        .output()
        .expect("running cargo deny");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cargo deny --offline check licenses bans failed ({}); see deny.toml\n\
         --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
}

/// `#![forbid(unsafe_code)]` makes the compiler reject `unsafe` in a crate; this checks that
/// no crate root (as cargo lists them) lacks it, so a new test or binary cannot slip by.
#[test]
fn every_crate_root_forbids_unsafe_code() {
    let out = Command::new(cargo())
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .current_dir(root())
        .output()
        .expect("running cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut roots = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        for target in package["targets"].as_array().unwrap() {
            roots.push(target["src_path"].as_str().unwrap().to_string());
        }
    }
    for must in ["src/lib.rs", "src/main.rs", "tenant/src/lib.rs", "build.rs"] {
        assert!(
            roots.contains(&root().join(must).display().to_string()),
            "cargo metadata does not list {must} among {roots:?}"
        );
    }
    let missing: Vec<&String> = roots
        .iter()
        .filter(|path| {
            let src = std::fs::read_to_string(path).unwrap();
            !src.lines().any(|l| l.trim() == "#![forbid(unsafe_code)]")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "crate roots without #![forbid(unsafe_code)]: {missing:?}"
    );
}
