//! Packaging as users meet it: the release zip installed through a filesystem mirror by
//! `terraform init` / `tofu init`, and every example in examples/ passing `validate` on
//! every Terraform and OpenTofu (each where it has what the example uses), the two-provider
//! example with the real official provider (built by scripts/ensure-peers).
#![forbid(unsafe_code)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::terraform::{
    cli, peer, provider_address, supports, terraforms, tool_command, Feature, Tool, Workspace,
};

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

/// The hosts this provider's zip is mirrored under: a private one, and the registries
/// Terraform and OpenTofu read `source = "tfauth0/auth0"` as.
const HOSTS: [&str; 3] = [
    "terraform.local",
    "registry.terraform.io",
    "registry.opentofu.org",
];

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
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [{hosts}]\n  }}\n  direct {{\n    exclude = [{hosts}]\n  }}\n}}\n",
            mirror.display(),
            hosts = HOSTS.map(|h| format!("\"{h}/tfauth0/auth0\"")).join(", ")
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
    let r = tool_command(tf)
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", cli)
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

/// Examples for OpenTofu 1.9 and later only (provider for_each), validated where the tool
/// has the feature.
const FOR_EACH_EXAMPLES: [&str; 1] = ["multi-tenant-for-each"];

/// The two-provider example: `beside_official_example_validates` checks it in parts and
/// whole, with the real official provider.
const BESIDE_OFFICIAL: &str = "beside-official-provider";

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
            PLAIN_EXAMPLES.contains(&d.as_str())
                || FOR_EACH_EXAMPLES.contains(&d.as_str())
                || d == BESIDE_OFFICIAL,
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
    mirror_with(&zip, &mirror, &HOSTS);
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
        for d in PLAIN_EXAMPLES {
            init_and_validate(&tf, &examples.join(d), &cli, &format!("examples/{d}"));
        }
        for d in FOR_EACH_EXAMPLES {
            let what = format!("examples/{d}");
            if supports(&tf, Feature::ProviderForEach, &what) {
                init_and_validate(&tf, &examples.join(d), &cli, &what);
            }
        }
        for (file, dir) in &import_dirs {
            let what = format!("examples/resources/auth0_tenant_session/{file} with resource.tf");
            if *file == IMPORT_BY_IDENTITY && !supports(&tf, Feature::ImportByIdentity, &what) {
                continue;
            }
            init_and_validate(&tf, dir, &cli, &what);
        }
        // Terraform 1.14+ validates .tfquery.hcl files with -query, against the provider's
        // list resource schemas.
        let query = examples.join("query");
        if !supports(
            &tf,
            Feature::Query,
            "`validate -query` of examples/query (older versions ignore .tfquery.hcl files; plain validate passed)",
        ) {
            continue;
        }
        let r = tool_command(&tf)
            .args(["providers", "schema", "-json"])
            .current_dir(&query)
            .env("TF_CLI_CONFIG_FILE", &cli)
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let schema: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
        let ours = &schema["provider_schemas"][provider_address(&tf)];
        assert!(
            ours["resource_schemas"]
                .get("auth0_tenant_session")
                .is_some(),
            "not the provider's schema: {ours}"
        );
        // A provider without its list resource is a regression, never a skip.
        assert!(
            ours["list_resource_schemas"]
                .get("auth0_tenant_session")
                .is_some(),
            "{tf:?}: the provider under test offers no list resource auth0_tenant_session: {ours}"
        );
        let (ok, out) = tf_in(&tf, &query, &cli, &["validate", "-query", "-no-color"]);
        assert!(ok, "{tf:?} validate -query in examples/query:\n{out}");
    }
}

/// A top-level block of a canonically formatted .tf file (`terraform fmt` layout).
#[derive(Debug)]
struct TopBlock {
    /// Comment and blank lines just before it.
    leading: Vec<String>,
    /// From the header line to the closing `}`.
    lines: Vec<String>,
}

impl TopBlock {
    fn kind(&self) -> &str {
        self.lines[0].split_whitespace().next().unwrap_or("")
    }
    fn labels(&self) -> Vec<String> {
        self.lines[0]
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }
    fn header(&self) -> String {
        self.lines[0].trim_end_matches(['{', '}', ' ']).to_string()
    }
    /// A top-level argument of the block (two spaces in), e.g. `provider`.
    fn argument(&self, name: &str) -> Option<String> {
        self.lines.iter().find_map(|l| {
            let rest = l.strip_prefix("  ")?;
            if rest.starts_with(' ') {
                return None;
            }
            let (k, v) = rest.split_once('=')?;
            (k.trim() == name).then(|| v.split('#').next().unwrap().trim().to_string())
        })
    }
    /// The local provider name Terraform gives this block: its `provider` argument, or
    /// the prefix of its resource type (what Terraform infers); `None` for blocks that
    /// belong to no provider.
    fn provider_local_name(&self) -> Result<Option<String>, String> {
        let from_type = |ty: &str| ty.split('_').next().unwrap_or(ty).to_string();
        let explicit = self
            .argument("provider")
            .map(|p| p.split('.').next().unwrap().to_string());
        Ok(match self.kind() {
            "provider" => Some(self.labels()[0].clone()),
            "resource" | "data" => Some(explicit.unwrap_or_else(|| from_type(&self.labels()[0]))),
            "import" => Some(
                explicit.unwrap_or_else(|| from_type(&self.argument("to").unwrap_or_default())),
            ),
            "terraform" | "variable" | "output" | "locals" => None,
            other => return Err(format!("no rule for a `{other}` block: {}", self.header())),
        })
    }
}

fn top_blocks(text: &str) -> Result<Vec<TopBlock>, String> {
    let mut blocks = Vec::new();
    let mut leading = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        if let Some(lines) = current.as_mut() {
            lines.push(line.to_string());
            if line == "}" {
                blocks.push(TopBlock {
                    leading: std::mem::take(&mut leading),
                    lines: current.take().unwrap(),
                });
            }
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("//") {
            leading.push(line.to_string());
        } else if line.starts_with(char::is_whitespace) {
            return Err(format!("indented line outside any block: {line:?}"));
        } else if line.ends_with("{}") {
            blocks.push(TopBlock {
                leading: std::mem::take(&mut leading),
                lines: vec![line.to_string()],
            });
        } else if line.ends_with('{') {
            current = Some(vec![line.to_string()]);
        } else {
            return Err(format!("not a block header: {line:?}"));
        }
    }
    if current.is_some() {
        return Err("a block is never closed".into());
    }
    if leading.iter().any(|l| !l.trim().is_empty()) {
        return Err("comments after the last block".into());
    }
    Ok(blocks)
}

/// The `required_providers` entries of a `terraform` block: (local name, source, the
/// entry's line range within the block).
fn required_providers(
    block: &TopBlock,
) -> Result<Vec<(String, String, std::ops::Range<usize>)>, String> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut entry: Option<(String, usize, Option<String>)> = None;
    for (i, line) in block.lines.iter().enumerate() {
        if line == "  required_providers {" {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if line == "  }" {
            inside = false;
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let source_of = |s: &str| {
            s.split_once('=')
                .filter(|(k, _)| k.trim() == "source")
                .map(|(_, v)| v.trim().trim_matches('"').to_string())
        };
        match entry.as_mut() {
            Some((name, start, source)) => {
                if line == "    }" {
                    let src = source.take().ok_or(format!("{name} has no source"))?;
                    out.push((name.clone(), src, *start..i + 1));
                    entry = None;
                } else if let Some(s) = source_of(t) {
                    *source = Some(s);
                }
            }
            None => {
                let Some(name) = line
                    .strip_prefix("    ")
                    .and_then(|l| l.strip_suffix(" = {"))
                    .filter(|n| !n.contains(' '))
                else {
                    return Err(format!(
                        "required_providers entries are written as `NAME = {{` blocks here: {line:?}"
                    ));
                };
                entry = Some((name.to_string(), i, None));
            }
        }
    }
    if inside || entry.is_some() {
        return Err("required_providers is never closed".into());
    }
    Ok(out)
}

fn is_source(source: &str, namespace_type: &str) -> bool {
    source == namespace_type
        || [Tool::Terraform, Tool::OpenTofu]
            .iter()
            .any(|t| source == format!("{}/{namespace_type}", t.registry()))
}

/// The two-provider example split in two: what belongs to the official `auth0/auth0`
/// provider (its `required_providers` entry, and every block Terraform would hand to the
/// local name mapped to it) and the rest, which must validate with this provider alone.
struct Split {
    official_name: String,
    our_name: String,
    /// Without the official provider's part, its `required_providers` entry included.
    kept: String,
    /// The same, keeping the official provider's `required_providers` entry (for a
    /// stand-in installed at its address).
    kept_with_official_requirement: String,
    kept_blocks: Vec<TopBlock>,
    removed_blocks: Vec<TopBlock>,
}

fn split_official(text: &str) -> Result<Split, String> {
    let mut blocks = top_blocks(text)?;
    let terraform = blocks
        .iter_mut()
        .find(|b| b.kind() == "terraform")
        .ok_or("no terraform block")?;
    let entries = required_providers(terraform)?;
    let official: Vec<_> = entries
        .iter()
        .filter(|(_, s, _)| is_source(s, "auth0/auth0"))
        .collect();
    let ours: Vec<_> = entries
        .iter()
        .filter(|(_, s, _)| is_source(s, "tfauth0/auth0"))
        .collect();
    if official.len() != 1 || ours.len() != 1 || entries.len() != 2 {
        return Err(format!(
            "expected one auth0/auth0 and one tfauth0/auth0 entry and nothing else: {entries:?}"
        ));
    }
    let official_name = official[0].0.clone();
    let our_name = ours[0].0.clone();
    let range = official[0].2.clone();
    let terraform_with_official = terraform.lines.clone();
    terraform.lines.drain(range);
    let mut kept_blocks = Vec::new();
    let mut removed_blocks = Vec::new();
    for b in blocks {
        if b.provider_local_name()?.as_deref() == Some(official_name.as_str()) {
            removed_blocks.push(b);
        } else {
            kept_blocks.push(b);
        }
    }
    let mut kept = String::new();
    let mut kept_with_official_requirement = String::new();
    for b in &kept_blocks {
        let lines = if b.kind() == "terraform" {
            &terraform_with_official
        } else {
            &b.lines
        };
        for l in &b.leading {
            kept.push_str(l);
            kept.push('\n');
            kept_with_official_requirement.push_str(l);
            kept_with_official_requirement.push('\n');
        }
        for l in &b.lines {
            kept.push_str(l);
            kept.push('\n');
        }
        for l in lines {
            kept_with_official_requirement.push_str(l);
            kept_with_official_requirement.push('\n');
        }
    }
    Ok(Split {
        official_name,
        our_name,
        kept,
        kept_with_official_requirement,
        kept_blocks,
        removed_blocks,
    })
}

/// The official auth0_tenant's session fields, which must not be in the example's.
const OFFICIAL_SESSION_FIELDS: [&str; 5] = [
    "session_lifetime",
    "idle_session_lifetime",
    "ephemeral_session_lifetime",
    "idle_ephemeral_session_lifetime",
    "session_cookie",
];

fn beside_official_example() -> Split {
    let dir = repo().join("examples").join(BESIDE_OFFICIAL);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["main.tf"], "the checks below read main.tf only");
    let text = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    split_official(&text).unwrap_or_else(|e| panic!("examples/{BESIDE_OFFICIAL}/main.tf: {e}"))
}

#[test]
fn beside_official_example_has_the_guides_shape() {
    let split = beside_official_example();
    // The official provider keeps `auth0`; this one has another local name.
    assert_eq!(split.official_name, "auth0");
    assert_ne!(split.our_name, "auth0");
    // What goes with the official provider: its provider block and auth0_tenant, which
    // carries none of the session fields.
    let removed: Vec<String> = split.removed_blocks.iter().map(TopBlock::header).collect();
    assert!(
        removed.contains(&"provider \"auth0\"".to_string())
            && removed
                .iter()
                .any(|h| h.starts_with("resource \"auth0_tenant\" ")),
        "{removed:?}"
    );
    for b in &split.removed_blocks {
        assert!(
            matches!(b.kind(), "provider" | "resource" | "data"),
            "{}",
            b.header()
        );
        if b.labels()[0] == "auth0_tenant" {
            for l in &b.lines[1..] {
                let name = l.trim().split([' ', '=']).next().unwrap_or("");
                assert!(
                    !OFFICIAL_SESSION_FIELDS.contains(&name),
                    "{} still sets {name}: it would undo auth0_tenant_session",
                    b.header()
                );
            }
        }
        assert!(
            !b.labels()[0].starts_with("auth0_tenant_session"),
            "{} would go to the official provider",
            b.header()
        );
    }
    // What stays: this provider's block, and a resource and a data source that name it
    // explicitly (their type prefix alone would pick the official provider).
    let mut seen = (false, false, false);
    for b in &split.kept_blocks {
        let name = b.provider_local_name().unwrap();
        match (b.kind(), b.labels().first().map(String::as_str)) {
            ("provider", _) => seen.0 |= name.as_deref() == Some(split.our_name.as_str()),
            (kind @ ("resource" | "data"), Some("auth0_tenant_session")) => {
                assert_eq!(
                    b.argument("provider").as_deref(),
                    Some(split.our_name.as_str()),
                    "{}",
                    b.header()
                );
                if kind == "resource" {
                    seen.1 = true;
                } else {
                    seen.2 = true;
                }
            }
            ("resource" | "data", _) => panic!("unexpected {}", b.header()),
            _ => assert!(name.is_none(), "{}", b.header()),
        }
    }
    assert_eq!(seen, (true, true, true), "provider, resource, data source");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beside_official_example_validates() {
    let split = beside_official_example();
    let tmp = tempfile::tempdir().unwrap();
    let out = release(&tmp.path().join("release"));
    let zip = out.join(format!(
        "terraform-provider-auth0_{VERSION}_{}.zip",
        os_arch()
    ));
    let mirror = tmp.path().join("mirror");
    mirror_with(&zip, &mirror, &HOSTS[1..]);
    // The official provider, built from its Go module, beside it (unpacked layout).
    let official = peer(
        "auth0-floor",
        &format!("the official provider's part of examples/{BESIDE_OFFICIAL} against its schema"),
    );
    if let Some(binary) = &official {
        let version = binary.file_name().unwrap().to_string_lossy();
        let version = version.rsplit_once("_v").unwrap().1.to_string();
        for host in &HOSTS[1..] {
            let dir = mirror.join(format!("{host}/auth0/auth0/{version}/{}", os_arch()));
            std::fs::create_dir_all(&dir).unwrap();
            std::os::unix::fs::symlink(
                binary,
                dir.join(format!("terraform-provider-auth0_v{version}")),
            )
            .unwrap();
        }
    }
    // Only the mirror: nothing is ever downloaded, so a provider Terraform would have to
    // fetch fails init at once.
    let cli = tmp.path().join("cli.tfrc");
    std::fs::write(
        &cli,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [{}]\n  }}\n}}\n",
            mirror.display(),
            HOSTS[1..]
                .iter()
                .flat_map(|h| [format!("\"{h}/tfauth0/auth0\""), format!("\"{h}/auth0/auth0\"")])
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .unwrap();
    let whole = tmp.path().join("whole");
    copy_tree(&repo().join("examples").join(BESIDE_OFFICIAL), &whole);
    let ours = tmp.path().join("ours");
    std::fs::create_dir_all(&ours).unwrap();
    std::fs::write(ours.join("main.tf"), &split.kept).unwrap();
    // Without `provider = ...`, the resource's type prefix picks the local name `auth0`,
    // which (with the official provider's entry gone) is hashicorp/auth0: not this provider.
    let implied = tmp.path().join("implied");
    std::fs::create_dir_all(&implied).unwrap();
    let mut in_resource = false;
    let mut dropped = 0;
    let mut text = String::new();
    for line in split.kept.lines() {
        if line.starts_with("resource \"auth0_tenant_session\"") {
            in_resource = true;
        } else if line == "}" {
            in_resource = false;
        }
        if in_resource && line.starts_with("  provider ") {
            dropped += 1;
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    assert_eq!(dropped, 1);
    std::fs::write(implied.join("main.tf"), text).unwrap();

    let removed: Vec<String> = split.removed_blocks.iter().map(TopBlock::header).collect();
    for tf in terraforms() {
        // The whole file, official blocks included, is well-formed HCL in canonical form
        // (which the split above relies on).
        let (ok, out) = tf_in(&tf, &whole, &cli, &["fmt", "-check", "-diff", "-no-color"]);
        assert!(
            ok,
            "{tf:?} fmt -check in examples/{BESIDE_OFFICIAL}:\n{out}"
        );
        // This provider's part validates against its real schema, under its own local name.
        init_and_validate(
            &tf,
            &ours,
            &cli,
            &format!(
                "examples/{BESIDE_OFFICIAL} without {removed:?} and required_providers.{}",
                split.official_name
            ),
        );
        let (ok, out) = tf_in(
            &tf,
            &implied,
            &cli,
            &["init", "-backend=false", "-input=false", "-no-color"],
        );
        assert!(
            !ok && out.contains("hashicorp/auth0"),
            "{tf:?}: without `provider`, auth0_tenant_session should need hashicorp/auth0:\n{out}"
        );
        // The whole example, official blocks included, against both providers' schemas.
        if official.is_some() {
            init_and_validate(&tf, &whole, &cli, &format!("examples/{BESIDE_OFFICIAL}"));
        }
    }
}

/// A workspace holding the two-provider example without the official provider's blocks
/// (its provider block and auth0_tenant), against a local tenant that already holds the
/// example's session settings. The official provider's address (registry.terraform.io or
/// registry.opentofu.org/auth0/auth0) is given a stand-in: this provider's binary, left
/// without any configuration, so a block that Terraform hands to the local name `auth0`
/// fails ("requires explicit configuration") as it would with the official provider, with
/// no call to any tenant. Keeping that requirement also matters to Terraform 1.6, which
/// installs the provider an import block's type implies even when the resource names
/// another. (tests/e2e/beside_official.rs runs the whole example with the real one.)
async fn beside_official_workspace(tf: &Path, split: &Split) -> (Workspace, String) {
    let mut ws = Workspace::new(tf).await;
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-auth0"))
        .parent()
        .unwrap()
        .to_path_buf();
    ws.write(
        "cli.tfrc",
        &format!(
            "provider_installation {{\n  dev_overrides {{\n    \"{1}/tfauth0/auth0\" = \"{0}\"\n    \"{1}/auth0/auth0\"   = \"{0}\"\n  }}\n  direct {{}}\n}}\n",
            bin_dir.display(),
            cli(tf).tool.registry()
        ),
    );
    ws.tenant.set_state(local_tenant::SessionState {
        session_lifetime: 168 * 60,
        idle_session_lifetime: 72 * 60,
        ephemeral_session_lifetime: 720,
        idle_ephemeral_session_lifetime: 90,
        cookie_mode: Some("persistent".into()),
    });
    ws.extra_env = vec![
        ("AUTH0_CLIENT_ID".into(), "local-client-id".into()),
        ("AUTH0_CLIENT_SECRET".into(), "local-client-secret".into()),
    ];
    ws.write("main.tf", &split.kept_with_official_requirement);
    ws.write(
        "terraform.tfvars",
        &format!("auth0_domain = \"{}\"\n", ws.tenant.url()),
    );
    let domain = ws.tenant.domain();
    (ws, domain)
}

/// Plans `1 to import, 0 to add, 0 to change`, applies without a PATCH, then plans clean.
async fn imports_with_no_change(ws: &Workspace, what: &str) {
    let (code, plan) = ws.plan_code().await;
    assert!(
        code == 2
            && plan
                .stdout
                .contains("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy."),
        "{what}:\n{}",
        plan.all()
    );
    ws.apply().await;
    assert_eq!(
        ws.tenant.count("PATCH", "/api/v2/tenants/settings"),
        0,
        "{what}: taking over changes nothing"
    );
    let (code, plan) = ws.plan_code().await;
    assert_eq!(code, 0, "{what}:\n{}", plan.all());
}

/// The guide's ways in, under the example's local name for this provider: an import
/// block next to the resource, and an import block that lets Terraform write the
/// resource (which it writes without `provider`, as the guide says).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beside_official_example_takes_over_with_no_change() {
    let split = beside_official_example();
    for tf in terraforms() {
        // The resource block written by hand: the import block needs no provider.
        let (ws, domain) = beside_official_workspace(&tf, &split).await;
        ws.write(
            "import.tf",
            &format!("import {{\n  to = auth0_tenant_session.this\n  id = \"{domain}\"\n}}\n"),
        );
        // Without `provider`, the resource goes to the provider named `auth0`: the official
        // one (here its unconfigured stand-in), never this one.
        let main = split.kept_with_official_requirement.clone();
        let provider_line = format!("  provider = {}\n\n", split.our_name);
        assert_eq!(main.matches(&provider_line).count(), 1, "{main}");
        ws.write("main.tf", &main.replace(&provider_line, ""));
        let (code, plan) = ws.plan_code().await;
        assert!(
            code == 1
                && plan
                    .all()
                    .contains(&format!("{}/auth0/auth0", cli(&tf).tool.registry())),
            "without `provider`, auth0_tenant_session should go to auth0/auth0:\n{}",
            plan.all()
        );
        assert!(ws.tenant.requests().is_empty());
        ws.write("main.tf", &main);
        imports_with_no_change(&ws, "import block beside the example's resource").await;

        // Generated: the import block names the provider, the generated block lacks it.
        let (ws, domain) = beside_official_workspace(&tf, &split).await;
        let without_resource: String = {
            let blocks = top_blocks(&split.kept_with_official_requirement).unwrap();
            let mut text = String::new();
            for b in blocks.iter().filter(|b| {
                !b.header().starts_with("resource \"auth0_tenant_session\"")
                    && !b.header().starts_with("data \"auth0_tenant_session\"")
                    && b.kind() != "output"
            }) {
                for l in b.leading.iter().chain(&b.lines) {
                    text.push_str(l);
                    text.push('\n');
                }
            }
            text
        };
        ws.write("main.tf", &without_resource);
        ws.write(
            "import.tf",
            &format!(
                "import {{\n  provider = {}\n  to       = auth0_tenant_session.this\n  id       = \"{domain}\"\n}}\n",
                split.our_name
            ),
        );
        let r = ws
            .run(&[
                "plan",
                "-no-color",
                "-input=false",
                "-generate-config-out=generated.tf",
            ])
            .await;
        assert_eq!(r.code, 0, "{}", r.all());
        let generated = ws.read("generated.tf");
        assert!(
            generated.contains("resource \"auth0_tenant_session\" \"this\" {")
                && !generated.contains("provider"),
            "the guide says Terraform writes the block without `provider`; update it:\n{generated}"
        );
        // As generated, the block goes to the local name `auth0`, which the import
        // block's provider does not match.
        let (code, plan) = ws.plan_code().await;
        assert!(
            code == 1 && plan.all().contains("Invalid import provider argument"),
            "the guide says the generated block needs `provider`; update it:\n{}",
            plan.all()
        );
        ws.write(
            "generated.tf",
            &generated.replace(
                "resource \"auth0_tenant_session\" \"this\" {\n",
                &format!(
                    "resource \"auth0_tenant_session\" \"this\" {{\n  provider = {}\n",
                    split.our_name
                ),
            ),
        );
        imports_with_no_change(&ws, "generated configuration with provider added").await;

        // terraform query: Terraform writes `provider = auth0` (the provider's type name,
        // not the list block's local name) into the generated resource and import block,
        // which names the official provider, as the guide says.
        if !supports(
            &tf,
            Feature::Query,
            "terraform query beside the official provider",
        ) {
            continue;
        }
        let (ws, _) = beside_official_workspace(&tf, &split).await;
        ws.write("main.tf", &without_resource);
        ws.write(
            "tenant.tfquery.hcl",
            &format!(
                "list \"auth0_tenant_session\" \"tenant\" {{\n  provider = {}\n}}\n",
                split.our_name
            ),
        );
        ws.ok(&["query", "-no-color", "-generate-config-out=generated.tf"])
            .await;
        let generated = ws.read("generated.tf");
        let provider_lines: Vec<String> = generated
            .lines()
            .filter(|l| l.trim_start().starts_with("provider "))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            provider_lines,
            ["provider = auth0", "provider = auth0"],
            "the guide says Terraform writes `provider = auth0` into the generated resource \
             and import block; update it:\n{generated}"
        );
        let (code, plan) = ws.plan_code().await;
        assert_eq!(
            code,
            1,
            "as generated, it goes to auth0/auth0:\n{}",
            plan.all()
        );
        let fixed: Vec<String> = generated
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("provider ") {
                    format!("  provider = {}", split.our_name)
                } else {
                    l.to_string()
                }
            })
            .collect();
        ws.write("generated.tf", &(fixed.join("\n") + "\n"));
        imports_with_no_change(&ws, "terraform query's configuration, provider replaced").await;
    }
}
