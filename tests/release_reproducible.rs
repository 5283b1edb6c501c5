//! Two `make release` runs of one commit give byte-identical zips and SHA256SUMS, even
//! when the second runs from another directory with a cold target directory: the
//! binary carries no build path (checkout, target dir, cargo registry, home), zip
//! entries carry the commit time, fixed modes and a fixed order.
//!
//! The second build compiles everything from scratch (several minutes on two cores), so
//! this test runs in `make test-release` (CI runs it after `make test`), not in
//! `make test`.
#![forbid(unsafe_code)]

mod common;
mod release_support;

use std::path::Path;
use std::process::Command;

use release_support::*;

fn git(args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} (this test needs a git checkout to know the commit and its files): {}",
        text(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The checkout's files (tracked, and new ones not ignored) copied to `to`, modes kept.
fn copy_checkout(to: &Path) {
    let files = git(&[
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ]);
    for f in files.split('\0').filter(|f| !f.is_empty()) {
        let from = repo().join(f);
        if !from.is_file() {
            continue; // deleted in the work tree but still in the index
        }
        let dest = to.join(f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&from, &dest).unwrap(); // copies the permission bits too
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
#[ignore = "builds the release a second time from scratch (minutes): run by `make test-release`"]
fn release_is_reproducible_from_another_checkout() {
    let epoch = git(&["log", "-1", "--format=%ct"]).trim().to_string();
    let tmp = tempfile::tempdir().unwrap();

    // First: this checkout, its own target directory (cached when `make release` or the
    // release tests ran before).
    let first = tmp.path().join("first");
    release(&first, &[("SOURCE_DATE_EPOCH", &epoch)]);

    // Second: the same files at another path, with a fresh target directory. The tools
    // (zig, protoc in .tools/) and the cargo registry are inputs like the toolchain: shared.
    let elsewhere = tmp.path().join("elsewhere/another-checkout");
    copy_checkout(&elsewhere);
    std::os::unix::fs::symlink(repo().join(".tools"), elsewhere.join(".tools")).unwrap();
    let second = tmp.path().join("second");
    let started = std::time::Instant::now();
    release_script(
        &elsewhere.join("scripts/release.sh"),
        &[&second],
        &[
            ("SOURCE_DATE_EPOCH", &epoch),
            (
                "CARGO_TARGET_DIR",
                elsewhere.join("target").to_str().unwrap(),
            ),
        ],
    );
    println!(
        "second release build (cold, from {}): {:.0} s",
        elsewhere.display(),
        started.elapsed().as_secs_f64()
    );

    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&first), names(&second));
    let zip = zip_name(&os_arch());
    assert!(names(&first).contains(&zip), "{:?}", names(&first));
    for n in names(&first) {
        let (a, b) = (read(&first, &n), read(&second, &n));
        assert!(a == b, "{n} differs between the two builds");
    }

    // No build path in the shipped binary. Control: the test build (no remapping) does
    // show the cargo registry path, so the scan can find one.
    let binary = unzip_entry(&first.join(&zip), &format!("{NAME}_v{VERSION}"));
    let cargo_home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap()));
    let test_build = std::fs::read(common::binary()).unwrap();
    assert!(
        contains(&test_build, &format!("{cargo_home}/registry/src/")),
        "control: the unremapped test build should name {cargo_home}/registry/src/"
    );
    let mut needles = vec![
        repo().to_str().unwrap().to_string(),
        elsewhere.to_str().unwrap().to_string(),
        cargo_home,
    ];
    if let Ok(home) = std::env::var("HOME") {
        if home.len() > 1 {
            needles.push(format!("{home}/"));
        }
    }
    for needle in needles {
        assert!(
            !contains(&binary, &needle),
            "the release binary contains the build path {needle}"
        );
    }
}
