//! Dependency and code hygiene:
//! - `cargo deny --offline check licenses bans` passes against deny.toml (permissive
//!   licenses only; one version each of tonic, prost, hyper, h2, rustls, tokio; no `*`
//!   requirements). The test gets the pinned cargo-deny itself (`scripts/ensure-cargo-deny`,
//!   kept in .tools/) and fetches the crates of every platform in Cargo.lock first (cargo
//!   metadata needs them all; a build fetches only this host's). Set TFAUTH0_SKIP_DENY=1 to
//!   skip it knowingly: it then prints SKIPPED.
//! - every crate root of the workspace (libraries, binaries, tests, benches, examples,
//!   build scripts) carries `#![forbid(unsafe_code)]`, so the compiler refuses `unsafe`.
#![forbid(unsafe_code)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

fn text(out: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `cargo fetch --locked`: offline first (nothing to do once the crates are here),
/// then online for what is missing.
fn fetch_every_platforms_crates() {
    let fetch = |offline: bool| {
        let mut cmd = Command::new(cargo());
        cmd.args(["fetch", "--locked"]).current_dir(root());
        if offline {
            cmd.arg("--offline");
        }
        cmd.output().expect("running cargo fetch")
    };
    if fetch(true).status.success() {
        return;
    }
    let out = fetch(false);
    assert!(
        out.status.success(),
        "cargo fetch --locked failed: cargo deny needs the crates of every platform in \
         Cargo.lock (or set TFAUTH0_SKIP_DENY=1 to skip this check)\n{}",
        text(&out)
    );
}

#[test]
fn cargo_deny_licenses_and_bans() {
    if std::env::var("TFAUTH0_SKIP_DENY").as_deref() == Ok("1") {
        common::terraform::skip(
            None,
            "cargo deny check licenses bans",
            "TFAUTH0_SKIP_DENY=1",
        );
        return;
    }
    let ensure = Command::new(root().join("scripts/ensure-cargo-deny"))
        .current_dir(root())
        .output()
        .expect("running scripts/ensure-cargo-deny");
    assert!(
        ensure.status.success(),
        "scripts/ensure-cargo-deny failed\n{}",
        text(&ensure)
    );
    let deny = PathBuf::from(String::from_utf8_lossy(&ensure.stdout).trim());

    fetch_every_platforms_crates();
    // `--offline` is a global option (before `check`): cargo metadata runs offline and no
    // index is fetched; the licenses and bans checks never fetch the advisory database.
    let out = Command::new(&deny)
        .args([
            "--offline",
            "--workspace",
            "--color",
            "never",
            "check",
            "licenses",
            "bans",
        ])
        .env("CARGO", cargo())
        .current_dir(root())
        .output()
        .expect("running cargo deny");
    assert!(
        out.status.success(),
        "cargo deny --offline check licenses bans failed ({}); see deny.toml\n{}",
        out.status,
        text(&out)
    );
    assert!(
        text(&out).contains("bans ok, licenses ok"),
        "both checks ran\n{}",
        text(&out)
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
