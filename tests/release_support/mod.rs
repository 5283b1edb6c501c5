//! Support for the release tests: run scripts/release.sh, a throwaway GnuPG home with
//! its own keys, and the hashes Terraform computes over a provider zip.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;

pub const NAME: &str = "terraform-provider-auth0";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// This machine's platform as Terraform spells it, e.g. "linux_amd64".
pub fn os_arch() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        a => a,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

pub fn zip_name(os_arch: &str) -> String {
    format!("{NAME}_{VERSION}_{os_arch}.zip")
}

pub fn sums_name() -> String {
    format!("{NAME}_{VERSION}_SHA256SUMS")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `scripts/release.sh ARGS...` with `env`, from the repository (or `script` from
/// another checkout); panics unless it succeeds. Returns its output.
pub fn release_script(script: &Path, args: &[&Path], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(script);
    cmd.args(args)
        .env_remove("GPG_FINGERPRINT")
        .env_remove("PROVIDER_BIN")
        .env_remove("SOURCE_DATE_EPOCH");
    // What cargo set for this test process (CARGO_MANIFEST_DIR, CARGO_PKG_*, OUT_DIR,
    // CARGO_BIN_EXE_*...) is not the release build's business; a build script that
    // watches one would make the nested cargo rebuild everything.
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        let set_for_tests = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_EXE_"]
            .iter()
            .any(|p| k.starts_with(p))
            || [
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
            ]
            .contains(&k.as_ref());
        if set_for_tests {
            cmd.env_remove(k.as_ref());
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run scripts/release.sh");
    assert!(out.status.success(), "{script:?} {args:?}:\n{}", text(&out));
    out
}

/// A full `make release` (scripts/release.sh OUT): the reproducible, glibc-2.17 build of
/// every platform this machine can build, packaged into `out`. Cargo makes a second call
/// for the same checkout cheap, so each test runs its own.
pub fn release(out: &Path, env: &[(&str, &str)]) -> Output {
    release_script(&repo().join("scripts/release.sh"), &[out], env)
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One entry of a zip, read with `unzip -p`.
pub fn unzip_entry(zip: &Path, entry: &str) -> Vec<u8> {
    let out = Command::new("unzip")
        .arg("-p")
        .arg(zip)
        .arg(entry)
        .output()
        .expect("run unzip");
    assert!(
        out.status.success(),
        "unzip -p {zip:?} {entry}: {}",
        text(&out)
    );
    out.stdout
}

/// Entry names of a zip, in stored order (`unzip -Z1`).
pub fn zip_entries(zip: &Path) -> Vec<String> {
    let out = Command::new("unzip")
        .arg("-Z1")
        .arg(zip)
        .output()
        .expect("run unzip");
    assert!(out.status.success(), "unzip -Z1 {zip:?}: {}", text(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Terraform's "h1:" package hash of a zip (Go's dirhash.Hash1 over the zip's files):
/// base64(sha256 of one line "hex(sha256(file))  name\n" per file, names sorted).
pub fn h1_of_zip(zip: &Path) -> String {
    let mut names = zip_entries(zip);
    names.sort();
    let mut summary = String::new();
    for n in &names {
        summary.push_str(&format!("{}  {n}\n", hex(&sha256(&unzip_entry(zip, n)))));
    }
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(sha256(summary.as_bytes()))
    )
}

/// A GnuPG home in a temporary directory, with keys made for one test. Dropping it stops
/// the gpg-agent that gpg started for it and removes the directory.
pub struct GnuPg {
    pub home: tempfile::TempDir,
}

impl GnuPg {
    pub fn new() -> GnuPg {
        // Short and under /tmp: gpg-agent's socket path must fit in 108 bytes.
        let home = tempfile::Builder::new()
            .prefix("gpg")
            .tempdir_in("/tmp")
            .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        GnuPg { home }
    }

    pub fn home_str(&self) -> &str {
        self.home.path().to_str().unwrap()
    }

    pub fn gpg(&self, args: &[&str]) -> Output {
        let out = Command::new("gpg")
            .env("GNUPGHOME", self.home.path())
            .args(["--batch", "--no-tty"])
            .args(args)
            .output()
            .expect("run gpg");
        assert!(out.status.success(), "gpg {args:?}: {}", text(&out));
        out
    }

    /// A new signing key without passphrase; `algo` as gpg's --quick-gen-key takes it
    /// ("rsa2048", "ed25519"). Returns its fingerprint (40 upper-case hex digits).
    pub fn generate(&self, uid: &str, algo: &str) -> String {
        self.gpg(&[
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--quick-gen-key",
            uid,
            algo,
            "sign",
            "never",
        ]);
        let listing = self.gpg(&["--with-colons", "--list-secret-keys", &format!("={uid}")]);
        let listing = String::from_utf8(listing.stdout).unwrap();
        let fpr = listing
            .lines()
            .find_map(|l| {
                l.strip_prefix("fpr:")
                    .map(|r| r.trim_matches(':').to_string())
            })
            .unwrap_or_else(|| panic!("no fingerprint for {uid} in:\n{listing}"));
        assert_eq!(fpr.len(), 40, "{fpr}");
        fpr
    }

    pub fn armored_public_key(&self, fpr: &str) -> String {
        String::from_utf8(self.gpg(&["--armor", "--export", fpr]).stdout).unwrap()
    }
}

impl Drop for GnuPg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "all"])
            .output();
    }
}

/// The key ID Terraform prints and registries list: the fingerprint's last 16 digits.
pub fn key_id(fpr: &str) -> String {
    fpr[fpr.len() - 16..].to_string()
}

/// Files of a release directory by name.
pub fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{:?}: {e}", dir.join(name)))
}
