//! The release's other promises: the Linux binary starts on glibc 2.17; an unsigned
//! release says so and a non-RSA key is refused; the release workflow passes actionlint
//! and refuses a tag that is not Cargo.toml's version.
#![forbid(unsafe_code)]

mod common;
mod release_support;

use std::path::Path;
use std::process::Command;

use release_support::*;

/// Every `GLIBC_x.y[.z]` version the binary's dynamic symbols ask for, as read by
/// `readelf --dyn-syms` (binutils), highest last.
fn glibc_versions(binary: &Path) -> Vec<Vec<u32>> {
    let out = Command::new("readelf")
        .args(["--dyn-syms", "--wide"])
        .arg(binary)
        .output()
        .expect("run readelf (binutils)");
    assert!(out.status.success(), "readelf {binary:?}: {}", text(&out));
    let listing = String::from_utf8_lossy(&out.stdout);
    let mut versions: Vec<Vec<u32>> = listing
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter_map(|w| w.strip_prefix("GLIBC_"))
        .filter_map(|v| v.split('.').map(|n| n.parse().ok()).collect())
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

fn dotted(v: &[u32]) -> String {
    v.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

#[test]
fn linux_release_binary_needs_glibc_2_17_at_most() {
    if os_arch() != "linux_amd64" {
        common::terraform::skip(
            None,
            "the glibc floor of the linux_amd64 release build",
            &format!(
                "it applies to linux_amd64 release builds; this is {}",
                os_arch()
            ),
        );
        return;
    }
    // Positive control: the reader finds the versions of a binary linked against this
    // machine's glibc (the test build), including ones above 2.17.
    let host_build = glibc_versions(Path::new(common::binary()));
    assert!(
        host_build.iter().any(|v| v.as_slice() > [2, 17].as_slice()),
        "the reader found no GLIBC_ version above 2.17 in the host build: {host_build:?}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("release");
    let run = release(&out, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let unsigned: Vec<&str> = stderr.lines().filter(|l| l.contains("UNSIGNED")).collect();
    assert_eq!(
        unsigned.len(),
        1,
        "one line says the release is unsigned:\n{stderr}"
    );
    assert!(!out.join(format!("{}.sig", sums_name())).exists());

    let zip = out.join(zip_name("linux_amd64"));
    let binary = tmp.path().join("provider");
    std::fs::write(&binary, unzip_entry(&zip, &format!("{NAME}_v{VERSION}"))).unwrap();
    let versions = glibc_versions(&binary);
    assert!(
        !versions.is_empty(),
        "no GLIBC_ versions: not a glibc binary?"
    );
    let highest = versions.last().unwrap();
    println!(
        "release binary: highest GLIBC_{} (host build: GLIBC_{})",
        dotted(highest),
        dotted(host_build.last().unwrap())
    );
    assert!(
        highest.as_slice() <= [2, 17].as_slice(),
        "the release binary needs GLIBC_{}: it will not start on glibc 2.17 (RHEL 7, Amazon Linux 2)",
        dotted(highest)
    );
}

/// `scripts/release.sh package` over a stand-in binary: the signing rules, quickly.
fn package(dir: &Path, gnupghome: &str, fingerprint: Option<&str>) -> std::process::Output {
    let stand_in = dir.join("stand-in");
    std::fs::write(&stand_in, b"#!/bin/sh\n").unwrap();
    let mut cmd = Command::new(repo().join("scripts/release.sh"));
    cmd.arg("package")
        .arg(dir.join("out"))
        .arg(format!("linux_amd64={}", stand_in.display()))
        .env("GNUPGHOME", gnupghome)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("GPG_FINGERPRINT");
    if let Some(f) = fingerprint {
        cmd.env("GPG_FINGERPRINT", f);
    }
    cmd.output().unwrap()
}

#[test]
fn signing_needs_an_rsa_key_from_the_keyring_and_unsigned_says_so() {
    let gpg = GnuPg::new();
    let rsa = gpg.generate("rsa signer <rsa@tfauth0.invalid>", "rsa2048");
    let ecc = gpg.generate("ecc signer <ecc@tfauth0.invalid>", "ed25519");
    let tmp = tempfile::tempdir().unwrap();
    let sig = tmp.path().join("out").join(format!("{}.sig", sums_name()));

    let ok = package(tmp.path(), gpg.home_str(), Some(&rsa));
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(sig.exists(), "an RSA key signs");

    let refused = package(tmp.path(), gpg.home_str(), Some(&ecc));
    assert!(!refused.status.success(), "an Ed25519 key must be refused");
    assert!(
        text(&refused).contains("not RSA (1): the Terraform Registry accepts RSA keys only"),
        "{}",
        text(&refused)
    );
    assert!(
        !sig.exists(),
        "no signature is left behind by a refused key"
    );

    let missing = package(tmp.path(), gpg.home_str(), Some(&"0".repeat(40)));
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("names no secret key in the keyring"),
        "{}",
        text(&missing)
    );

    let unsigned = package(tmp.path(), gpg.home_str(), None);
    assert!(unsigned.status.success(), "{}", text(&unsigned));
    let stderr = String::from_utf8_lossy(&unsigned.stderr);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("UNSIGNED")).count(),
        1,
        "{stderr}"
    );
    assert!(!sig.exists());
}

#[test]
fn release_workflow_passes_actionlint_and_checks_the_tag() {
    let bin = Command::new(repo().join("scripts/ensure-pytools"))
        .arg("actionlint")
        .output()
        .unwrap();
    assert!(bin.status.success(), "{}", text(&bin));
    let bin = std::path::PathBuf::from(String::from_utf8(bin.stdout).unwrap().trim());
    let actionlint = |file: &Path| {
        Command::new(bin.join("actionlint"))
            .arg("-no-color")
            .arg(file)
            .current_dir(repo())
            // actionlint runs the shellcheck next to it on every `run:` script.
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .output()
            .unwrap()
    };
    let workflow = repo().join(".github/workflows/release.yml");
    let lint = actionlint(&workflow);
    assert!(lint.status.success(), "actionlint:\n{}", text(&lint));

    // Positive control: the same linter on a broken copy (a job needing one that does
    // not exist, and a shell quoting mistake) fails.
    let yaml = std::fs::read_to_string(&workflow).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("release.yml");
    let mut bad = yaml.replacen("needs: [check]", "needs: [no-such-job]", 1);
    bad = bad.replacen(
        "scripts/release.sh check-tag \"$GITHUB_REF_NAME\"",
        "scripts/release.sh check-tag $GITHUB_REF_NAME$1",
        1,
    );
    assert_ne!(bad, yaml, "the workflow changed shape: update this control");
    std::fs::write(&broken, bad).unwrap();
    let lint = actionlint(&broken);
    let report = text(&lint);
    assert!(
        !lint.status.success(),
        "actionlint passed a broken workflow"
    );
    assert!(report.contains("no-such-job"), "{report}");
    assert!(
        report.contains("shellcheck"),
        "shellcheck did not run:\n{report}"
    );

    // The workflow builds with the release script rather than its own copy of it.
    assert!(yaml.contains("scripts/release.sh build"), "{yaml}");
    assert!(yaml.contains("scripts/release.sh package"), "{yaml}");

    // The tag check the workflow runs first.
    let check = |tag: &str| {
        Command::new(repo().join("scripts/release.sh"))
            .args(["check-tag", tag])
            .output()
            .unwrap()
    };
    assert!(check(&format!("v{VERSION}")).status.success());
    for tag in ["v99.0.0", VERSION, "v1.2"] {
        let r = check(tag);
        assert!(!r.status.success(), "tag {tag} accepted");
        assert!(text(&r).contains(tag), "{}", text(&r));
    }
}

/// `make install`'s location is Terraform's implied local mirror: with an empty CLI
/// configuration, `source = "tfauth0/auth0"` installs from it and runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn make_install_location_is_found_without_cli_configuration() {
    for tf in common::terraform::terraforms() {
        let mut ws = common::terraform::Workspace::new(&tf).await;
        let home = ws.path().join("home");
        let out = Command::new(repo().join("scripts/install-provider.sh"))
            .arg(home.join(".terraform.d/plugins"))
            .arg(common::binary())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        ws.write("cli.tfrc", "");
        ws.extra_env = vec![("HOME".to_string(), home.to_str().unwrap().to_string())];
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 36 }"#);
        let init = ws.run(&["init", "-no-color", "-input=false"]).await;
        assert_eq!(init.code, 0, "{tf:?}:\n{}", init.all());
        assert!(
            init.stdout.contains(&format!(
                "- Installed tfauth0/auth0 v{VERSION} (unauthenticated)"
            )),
            "{tf:?}:\n{}",
            init.stdout
        );
        ws.apply().await;
        assert_eq!(
            ws.tenant.stored_minutes().session_lifetime,
            36 * 60,
            "{tf:?}"
        );
    }
}
