//! Packaging as users meet it: the release zip installed through a filesystem mirror by
//! `terraform init`, and every example in examples/ passing `terraform validate`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::terraform::{terraforms, version_of, Workspace};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs scripts/release.sh on the binary under test; returns the output directory.
fn release(out: &Path) -> PathBuf {
    let st = Command::new(repo().join("scripts/release.sh"))
        .arg(out)
        .env(
            "PROVIDER_BIN",
            env!("CARGO_BIN_EXE_terraform-provider-auth0"),
        )
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "release.sh: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    out.to_path_buf()
}

fn os_arch() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        a => a,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

/// A packed filesystem mirror: HOST/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip
fn mirror_with(zip: &Path, root: &Path, hosts: &[&str]) {
    for host in hosts {
        let dir = root.join(host).join("tfauth0/auth0");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(zip, dir.join(zip.file_name().unwrap())).unwrap();
    }
}

fn cli_config(path: &Path, mirror: &Path) {
    std::fs::write(
        path,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"terraform.local/tfauth0/auth0\", \"registry.terraform.io/tfauth0/auth0\"]\n  }}\n  direct {{\n    exclude = [\"terraform.local/tfauth0/auth0\", \"registry.terraform.io/tfauth0/auth0\"]\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_zip_installs_through_a_filesystem_mirror() {
    let tmp = tempfile::tempdir().unwrap();
    let out = release(&tmp.path().join("release"));
    let zip = out.join(format!(
        "terraform-provider-auth0_{VERSION}_{}.zip",
        os_arch()
    ));
    assert!(zip.exists(), "{zip:?}");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            out.join(format!("terraform-provider-auth0_{VERSION}_manifest.json")),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["metadata"]["protocol_versions"][0], "6.0");
    let sums = Command::new("sha256sum")
        .args([
            "-c",
            &format!("terraform-provider-auth0_{VERSION}_SHA256SUMS"),
        ])
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(
        sums.status.success(),
        "{}",
        String::from_utf8_lossy(&sums.stdout)
    );
    let listing = Command::new("unzip").arg("-l").arg(&zip).output().unwrap();
    assert!(String::from_utf8_lossy(&listing.stdout)
        .contains(&format!("terraform-provider-auth0_v{VERSION}")));

    let mirror = tmp.path().join("mirror");
    mirror_with(&zip, &mirror, &["terraform.local"]);
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        cli_config(&ws.path().join("cli.tfrc"), &mirror);
        ws.write(
            "main.tf",
            &format!(
                "terraform {{\n  required_providers {{\n    auth0 = {{\n      source  = \"terraform.local/tfauth0/auth0\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\
                 provider \"auth0\" {{\n  domain    = \"{}\"\n  api_token = \"local-api-token\"\n}}\n\
                 resource \"auth0_tenant_session\" \"this\" {{ session_lifetime = 48 }}\n",
                ws.tenant.url()
            ),
        );
        let init = ws.ok(&["init", "-no-color", "-input=false"]).await;
        assert!(
            init.stdout.contains(&format!(
                "Installed terraform.local/tfauth0/auth0 v{VERSION}"
            )),
            "{}",
            init.stdout
        );
        let (code, plan) = ws.plan_code().await;
        assert_eq!(code, 2, "{}", plan.all());
        assert!(
            plan.stdout
                .contains("session_lifetime_in_minutes                = 2880"),
            "{}",
            plan.stdout
        );
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Runs terraform in `dir` with the CLI config `cli`: (success, stdout and stderr).
fn tf_in(tf: &Path, dir: &Path, cli: &Path, args: &[&str]) -> (bool, String) {
    let r = Command::new(tf)
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", cli)
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_LOG")
        .output()
        .unwrap();
    (
        r.status.success(),
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        ),
    )
}

/// `terraform init` (through the CLI config's mirror) and `terraform validate` in `dir`.
fn init_and_validate(tf: &Path, dir: &Path, cli: &Path, what: &str) {
    let _ = std::fs::remove_dir_all(dir.join(".terraform"));
    let _ = std::fs::remove_file(dir.join(".terraform.lock.hcl"));
    for args in [
        &["init", "-backend=false", "-input=false", "-no-color"][..],
        &["validate", "-no-color"][..],
    ] {
        let (ok, out) = tf_in(tf, dir, cli, args);
        assert!(ok, "{tf:?} {args:?} in {what}:\n{out}");
    }
}

/// Example directories `every_example_validates` runs `terraform validate` in as they are
/// (the Registry snippets with the provider block added).
const PLAIN_EXAMPLES: [&str; 7] = [
    "provider",
    "resources/auth0_tenant_session",
    "data-sources/auth0_tenant_session",
    "modules/session-policy",
    "multi-tenant",
    "demo",
    "query",
];

/// Import examples, validated one at a time next to resource.tf (both import the same
/// address, so together they would be a duplicate import).
const IMPORT_BY_ID: &str = "import-by-string-id.tf";
const IMPORT_BY_IDENTITY: &str = "import-by-identity.tf";

#[test]
fn every_example_dir_is_validated() {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        let mut has_config = false;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else if p.extension().is_some_and(|x| x == "tf" || x == "hcl") {
                has_config = true;
            }
        }
        if has_config {
            let rel = dir.strip_prefix(base).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    let mut dirs = Vec::new();
    let base = repo().join("examples");
    walk(&base, &base, &mut dirs);
    for d in dirs {
        assert!(
            PLAIN_EXAMPLES.contains(&d.as_str()),
            "examples/{d} is validated by no test: add it to PLAIN_EXAMPLES"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = release(&tmp.path().join("release"));
    let zip = out.join(format!(
        "terraform-provider-auth0_{VERSION}_{}.zip",
        os_arch()
    ));
    let mirror = tmp.path().join("mirror");
    mirror_with(&zip, &mirror, &["terraform.local", "registry.terraform.io"]);
    let examples = tmp.path().join("examples");
    copy_tree(&repo().join("examples"), &examples);
    // Registry snippets (resource.tf, data-source.tf, the import blocks) are validated with
    // the provider block.
    let provider_tf = std::fs::read_to_string(examples.join("provider/provider.tf")).unwrap();
    for d in [
        "resources/auth0_tenant_session",
        "data-sources/auth0_tenant_session",
    ] {
        std::fs::write(examples.join(d).join("provider.tf"), &provider_tf).unwrap();
    }
    let resource_dir = examples.join("resources/auth0_tenant_session");
    let mut import_dirs = Vec::new();
    for file in [IMPORT_BY_ID, IMPORT_BY_IDENTITY] {
        let dir = tmp.path().join(file.trim_end_matches(".tf"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::rename(resource_dir.join(file), dir.join(file)).unwrap();
        for f in ["resource.tf", "provider.tf"] {
            std::fs::copy(resource_dir.join(f), dir.join(f)).unwrap();
        }
        import_dirs.push((file, dir));
    }
    let cli = tmp.path().join("cli.tfrc");
    cli_config(&cli, &mirror);
    for tf in terraforms() {
        let version = version_of(&tf);
        for d in PLAIN_EXAMPLES {
            init_and_validate(&tf, &examples.join(d), &cli, &format!("examples/{d}"));
        }
        for (file, dir) in &import_dirs {
            let what = format!("examples/resources/auth0_tenant_session/{file} with resource.tf");
            if *file == IMPORT_BY_IDENTITY && version < (1, 12) {
                println!(
                    "SKIPPED: {what} with {tf:?} (v{}.{}): import by identity needs Terraform 1.12",
                    version.0, version.1
                );
                continue;
            }
            init_and_validate(&tf, dir, &cli, &what);
        }
        // Terraform 1.14+ validates .tfquery.hcl files with -query, against the provider's
        // list resource schemas.
        let query = examples.join("query");
        if version < (1, 14) {
            println!(
                "SKIPPED: examples/query/tenant.tfquery.hcl with {tf:?} (v{}.{}): list blocks need Terraform 1.14 (older versions ignore the file, and plain validate passed)",
                version.0, version.1
            );
            continue;
        }
        let r = Command::new(&tf)
            .args(["providers", "schema", "-json"])
            .current_dir(&query)
            .env("TF_CLI_CONFIG_FILE", &cli)
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let schema: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
        let ours = &schema["provider_schemas"]["registry.terraform.io/tfauth0/auth0"];
        assert!(
            ours["resource_schemas"]
                .get("auth0_tenant_session")
                .is_some(),
            "not the provider's schema: {ours}"
        );
        let lists = &ours["list_resource_schemas"];
        if lists.get("auth0_tenant_session").is_none() {
            println!(
                "SKIPPED: `terraform validate -query` of examples/query with {tf:?}: the provider under test offers no list resource auth0_tenant_session"
            );
            continue;
        }
        let (ok, out) = tf_in(&tf, &query, &cli, &["validate", "-query", "-no-color"]);
        assert!(ok, "{tf:?} validate -query in examples/query:\n{out}");
    }
}
