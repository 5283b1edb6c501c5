//! The GitHub workflows, checked offline: every one passes actionlint (with ShellCheck on
//! its `run:` scripts), pins every action by commit with its tag in a comment, and gives
//! its token only read access unless a job says why it needs more; CI runs what `.ci/run`
//! runs, and a release publishes only after the tests passed.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Why a `uses:` line is not pinned by commit with its tag beside it, if it is not.
fn unpinned(line: &str) -> Option<String> {
    let uses = line
        .trim()
        .trim_start_matches("- ")
        .strip_prefix("uses:")?
        .trim();
    let (action, rest) = uses.split_once('@')?;
    let (sha, comment) = match rest.split_once(" # ") {
        Some((sha, tag)) => (sha.trim(), tag.trim()),
        None => (rest.trim(), ""),
    };
    let is_sha = sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit());
    let is_tag =
        comment.starts_with('v') && comment[1..].split('.').all(|p| p.parse::<u32>().is_ok());
    (!(is_sha && is_tag)).then(|| format!("{action}@{rest}: pin a commit, with `# vX.Y.Z`"))
}

/// Every problem with one workflow's text: unpinned actions, and no top-level read-only
/// token.
fn problems(yaml: &str) -> Vec<String> {
    let mut out: Vec<String> = yaml.lines().filter_map(unpinned).collect();
    if !yaml.contains("\npermissions:\n  contents: read\n") {
        out.push("no top-level `permissions: contents: read`".into());
    }
    out
}

#[test]
fn every_action_is_pinned_and_the_token_reads_only() {
    let files = workflows();
    assert!(files.len() >= 2, "{files:?}");
    for f in &files {
        let yaml = std::fs::read_to_string(f).unwrap();
        assert_eq!(problems(&yaml), Vec::<String>::new(), "{}", f.display());
        assert!(yaml.contains("uses: "), "{}: no action at all", f.display());
        // Write access only where a comment beside it says what for.
        for line in yaml
            .lines()
            .filter(|l| l.trim_end().ends_with(": write") || l.contains(": write "))
        {
            assert!(
                line.contains(" # "),
                "{}: {line:?} without its reason",
                f.display()
            );
        }
    }
    // Positive control: the same check refuses a tag, a branch, a short commit and a
    // commit without its tag, and a workflow without the read-only default.
    for bad in [
        "      - uses: actions/checkout@v5",
        "      - uses: actions/checkout@main",
        "      - uses: actions/checkout@fbc6f39 # v5.1.0",
        "      - uses: actions/checkout@fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09",
    ] {
        assert!(unpinned(bad).is_some(), "{bad} passed");
    }
    assert!(unpinned(
        "      - uses: actions/checkout@fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09 # v5.1.0"
    )
    .is_none());
    assert_eq!(problems("on: push\njobs: {}\n").len(), 1);
}

#[test]
fn ci_runs_what_ci_runs_and_a_release_waits_for_the_tests() {
    let ci = std::fs::read_to_string(repo().join(".github/workflows/ci.yml")).unwrap();
    assert!(ci.contains("pull_request:") && ci.contains("push:"), "{ci}");
    assert!(ci.contains("run: bash .ci/run"), "{ci}");
    let release = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    assert!(
        release.contains("run: bash .ci/run"),
        "the release runs the tests"
    );
    assert!(
        release.contains("  release:\n    needs: [build, test]\n"),
        "publishing waits for the tests"
    );
    assert!(
        release.contains("actions/attest-build-provenance@"),
        "provenance"
    );
    assert!(release.contains("cargo cyclonedx "), "SBOM");
}

#[test]
fn every_workflow_passes_actionlint() {
    let bin = Command::new(repo().join("scripts/ensure-pytools"))
        .arg("actionlint")
        .output()
        .unwrap();
    assert!(bin.status.success(), "{}", text(&bin));
    let bin = PathBuf::from(String::from_utf8(bin.stdout).unwrap().trim());
    for f in workflows() {
        let lint = Command::new(bin.join("actionlint"))
            .arg("-no-color")
            .arg(&f)
            .current_dir(repo())
            // actionlint runs the shellcheck next to it on every `run:` script.
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .output()
            .unwrap();
        assert!(
            lint.status.success(),
            "actionlint {}:\n{}",
            f.display(),
            text(&lint)
        );
    }
}
