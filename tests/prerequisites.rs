//! `make test` checks the system tools it needs before anything runs
//! (`scripts/check-prerequisites`, as README's first section says): with one missing it
//! names it and where it comes from, and exits 1; with all there it says nothing.
#![forbid(unsafe_code)]
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

const TEST_TOOLS: [&str; 4] = ["gpg", "unzip", "readelf", "git"];

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-prerequisites")
}

/// Where `tool` is on this machine's PATH.
fn which(tool: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{tool} is not on PATH: make test needs it"))
}

/// Runs the check for `make test` with a PATH holding only links to `tools`.
fn check_with(tools: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    for t in tools {
        std::os::unix::fs::symlink(which(t), dir.path().join(t)).unwrap();
    }
    let out = Command::new(which("bash"))
        .arg(script())
        .arg("test")
        .env("PATH", dir.path())
        .output()
        .unwrap();
    drop(dir);
    out
}

#[test]
fn a_missing_tool_is_named_before_the_tests_run() {
    // Positive control: with every tool there, the check passes silently.
    let all = check_with(&TEST_TOOLS);
    assert_eq!(all.status.code(), Some(0), "{all:?}");
    assert!(all.stdout.is_empty() && all.stderr.is_empty(), "{all:?}");
    for missing in TEST_TOOLS {
        let rest: Vec<&str> = TEST_TOOLS.into_iter().filter(|t| *t != missing).collect();
        let out = check_with(&rest);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "without {missing}: {err}");
        assert!(
            err.starts_with("make test needs these tools, which are not installed")
                && err.contains(&format!("\n  {missing}: from "))
                && err.lines().filter(|l| l.starts_with("  ")).count() == 1,
            "without {missing}: {err}"
        );
    }
}
