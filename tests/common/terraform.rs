//! Real Terraform against the local tenant: a workspace with a CLI config whose
//! dev_overrides point at the provider binary under test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use local_tenant::{LocalTenant, TenantConfig};

/// The Terraform binaries to test with: `TF_E2E_TERRAFORMS` (colon-separated, set by
/// `make test` and `make test-matrix` from `scripts/terraform-versions`), else whatever
/// `scripts/ensure-terraform` provides. Never empty: when no Terraform is installed, the
/// script bootstraps one.
pub fn terraforms() -> Vec<PathBuf> {
    if let Ok(list) = std::env::var("TF_E2E_TERRAFORMS") {
        let v: Vec<PathBuf> = list
            .split(':')
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .collect();
        if !v.is_empty() {
            return v;
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ensure-terraform");
    let out = Command::new(&script)
        .output()
        .expect("run scripts/ensure-terraform");
    assert!(
        out.status.success(),
        "scripts/ensure-terraform failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    vec![PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())]
}

/// A peer built from its Go module by `scripts/ensure-peers ROLE` (e.g. "auth0-floor",
/// the official auth0/auth0 provider at the guide's floor): its path, built on first use
/// and cached outside the clone. `None`, with the skip printed and recorded, only where
/// Go is not installed; any other failure to build it fails the test.
pub fn peer(role: &str, what: &str) -> Option<PathBuf> {
    let has_go = Command::new("go")
        .arg("version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_go {
        skip(
            None,
            what,
            &format!("Go is not installed, so scripts/ensure-peers cannot build {role}"),
        );
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ensure-peers");
    let out = Command::new(&script)
        .arg(role)
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/ensure-peers");
    assert!(
        out.status.success(),
        "scripts/ensure-peers {role} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Which program a Terraform-compatible command is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Terraform,
    OpenTofu,
}

impl Tool {
    /// Its name as it prints it ("Terraform", "OpenTofu").
    pub fn name(self) -> &'static str {
        match self {
            Tool::Terraform => "Terraform",
            Tool::OpenTofu => "OpenTofu",
        }
    }

    /// The registry host an unqualified `source = "tfauth0/auth0"` means to it.
    pub fn registry(self) -> &'static str {
        match self {
            Tool::Terraform => "registry.terraform.io",
            Tool::OpenTofu => "registry.opentofu.org",
        }
    }
}

/// What `tf version` says it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cli {
    pub tool: Tool,
    /// e.g. "1.6.6"
    pub version: String,
    /// (major, minor)
    pub minor: (u32, u32),
}

impl Cli {
    /// "Terraform 1.6.6", "OpenTofu 1.12.6".
    pub fn label(&self) -> String {
        format!("{} {}", self.tool.name(), self.version)
    }
}

/// Parses the first line of `terraform version` / `tofu version`.
pub fn parse_version_line(first: &str) -> Option<Cli> {
    let (tool, rest) = if let Some(v) = first.strip_prefix("Terraform v") {
        (Tool::Terraform, v)
    } else if let Some(v) = first.strip_prefix("OpenTofu v") {
        (Tool::OpenTofu, v)
    } else {
        return None;
    };
    let version = rest.split_whitespace().next()?.to_string();
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    parts.next()?;
    Some(Cli {
        tool,
        version,
        minor: (major, minor),
    })
}

/// What `tf` is, asked once per path per test process. Panics when `tf` does not say,
/// since every test would be meaningless then.
pub fn cli(tf: &Path) -> Cli {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashMap<PathBuf, Cli>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(c) = seen.lock().unwrap().get(tf) {
        return c.clone();
    }
    let out = tool_command(tf)
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap_or_else(|e| panic!("run {} version: {e}", tf.display()));
    let text = String::from_utf8_lossy(&out.stdout);
    let c = parse_version_line(text.lines().next().unwrap_or(""))
        .unwrap_or_else(|| panic!("{} version printed {text:?}", tf.display()));
    seen.lock().unwrap().insert(tf.to_path_buf(), c.clone());
    c
}

/// `tf`'s version as it prints it, e.g. "1.6.6".
pub fn full_version(tf: &Path) -> String {
    cli(tf).version
}

/// `tf`'s (major, minor) version, e.g. (1, 12).
pub fn version_of(tf: &Path) -> (u32, u32) {
    cli(tf).minor
}

/// The provider's address as `tf` spells it in `providers schema -json`, lock files and
/// dev_overrides: `registry.terraform.io/tfauth0/auth0` or `registry.opentofu.org/...`.
pub fn provider_address(tf: &Path) -> String {
    format!("{}/tfauth0/auth0", cli(tf).tool.registry())
}

/// A feature some versions of Terraform or OpenTofu lack. Where each appeared in OpenTofu
/// was read from its sources as the Go module proxy serves them: `internal/configs`'
/// import.go has no `identity` at v1.10.10 and has it at v1.12.6 (its 1.12.0 changelog
/// entry; no 1.11 is served), provider.go reads `for_each` at v1.9.1 and not at v1.8.11,
/// and no version has a `query` command or list blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// `import { identity = {...} }`: Terraform 1.12; OpenTofu 1.12 ("import blocks now
    /// allow describing the object ... using the identity argument", its 1.12.0 changelog).
    ImportByIdentity,
    /// List resources: `terraform query`, `.tfquery.hcl` files, `validate -query`
    /// (Terraform 1.14). OpenTofu has no `query` command and no list blocks.
    Query,
    /// `for_each` on `provider` blocks: OpenTofu 1.9. Terraform has none.
    ProviderForEach,
}

/// Which versions of one tool have a feature.
enum Support {
    Since(u32, u32),
    Never(&'static str),
}

impl Feature {
    fn support(self, tool: Tool) -> Support {
        match (self, tool) {
            (Feature::ImportByIdentity, Tool::Terraform) => Support::Since(1, 12),
            (Feature::ImportByIdentity, Tool::OpenTofu) => Support::Since(1, 12),
            (Feature::Query, Tool::Terraform) => Support::Since(1, 14),
            (Feature::Query, Tool::OpenTofu) => {
                Support::Never("OpenTofu has no `query` command or list resources")
            }
            (Feature::ProviderForEach, Tool::OpenTofu) => Support::Since(1, 9),
            (Feature::ProviderForEach, Tool::Terraform) => {
                Support::Never("Terraform allows no for_each on provider blocks")
            }
        }
    }

    /// Whether `cli` has it, or why not.
    pub fn check(self, cli: &Cli) -> Result<(), String> {
        match self.support(cli.tool) {
            Support::Since(major, minor) if cli.minor >= (major, minor) => Ok(()),
            Support::Since(major, minor) => Err(format!("needs >= {major}.{minor}")),
            Support::Never(why) => Err(why.to_string()),
        }
    }
}

/// Whether `tf` has `feature`, for a check that needs it. When it has not, prints
/// `SKIPPED: <what> on <Tool> X.Y.Z: <reason>` and records it (see [`skip`]), so a
/// skipped check is never a silent pass:
///
/// ```ignore
/// if supports(&tf, Feature::ImportByIdentity, "import by identity") {
///     // ... the check ...
/// }
/// ```
pub fn supports(tf: &Path, feature: Feature, what: &str) -> bool {
    let c = cli(tf);
    match feature.check(&c) {
        Ok(()) => true,
        Err(reason) => {
            skip(Some(&c), what, &reason);
            false
        }
    }
}

/// Whether `tf` is at least Terraform `min` (major, minor), for a check that needs a newer
/// Terraform; prints and records the skip where it does not run. On OpenTofu, whose
/// versions are not Terraform's, it never runs: name the [`Feature`] with [`supports`]
/// instead, which knows both tools.
pub fn require(tf: &Path, min: (u32, u32), what: &str) -> bool {
    let c = cli(tf);
    let reason = match c.tool {
        Tool::Terraform if c.minor >= min => return true,
        Tool::Terraform => format!("needs >= {}.{}", min.0, min.1),
        Tool::OpenTofu => format!(
            "needs Terraform >= {}.{}; which OpenTofu versions have it is not recorded (common::terraform::Feature)",
            min.0, min.1
        ),
    };
    skip(Some(&c), what, &reason);
    false
}

/// Says a check did not run, and why: one line `SKIPPED: <what> on <tool version>:
/// <reason>` (or `SKIPPED: <what>: <reason>` when no tool is involved) straight to the test
/// process's stderr, which libtest does not capture, and the same appended to the file
/// `TFAUTH0_SKIP_LOG` names (scripts/test.sh sets it and counts the skips at the end).
pub fn skip(cli: Option<&Cli>, what: &str, reason: &str) {
    let (label, line) = match cli {
        Some(c) => (
            c.label(),
            format!("SKIPPED: {what} on {}: {reason}", c.label()),
        ),
        None => ("-".to_string(), format!("SKIPPED: {what}: {reason}")),
    };
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
    if let Some(log) = std::env::var_os("TFAUTH0_SKIP_LOG") {
        // "e2e::terraform::import_by_cli_block_and_generated_config": the test binary
        // (without cargo's hash) and libtest's name for the test's thread.
        let binary = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .map(|stem| match stem.rsplit_once('-') {
                Some((name, _hash)) => name.to_string(),
                None => stem,
            })
            .unwrap_or_default();
        let test = format!("{binary}::{}", std::thread::current().name().unwrap_or("?"));
        let record = format!("{label}\t{test}\t{line}\n");
        // One write of a short line to an O_APPEND file: whole lines even from parallel tests.
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = std::io::Write::write_all(&mut f, record.as_bytes());
        }
    }
}

/// Environment variables of the developer's shell that change what Terraform, OpenTofu,
/// a provider or Go's TLS would do: every one is removed from the commands the tests run,
/// which then set what they need.
pub fn behaviour_changing(name: &str) -> bool {
    const PREFIXES: [&str; 5] = ["AUTH0_", "TF_", "TOFU_", "OTEL_", "CHECKPOINT_"];
    const NAMES: [&str; 11] = [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "GODEBUG",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p)) || NAMES.contains(&name)
}

/// `tf` as a command without any variable [`behaviour_changing`] names, with no update
/// checks and stdin closed. Callers set TF_CLI_CONFIG_FILE and what else they need.
pub fn tool_command(tf: &Path) -> Command {
    let mut cmd = Command::new(tf);
    for (name, _) in std::env::vars_os() {
        let changes = match name.to_str() {
            Some(n) => behaviour_changing(n),
            None => true,
        };
        if changes {
            cmd.env_remove(&name);
        }
    }
    cmd.env("CHECKPOINT_DISABLE", "1").stdin(Stdio::null());
    cmd
}

pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub tf: PathBuf,
    pub tenant: LocalTenant,
    pub extra_env: Vec<(String, String)>,
    /// The CA bundle Terraform and the providers trust (`SSL_CERT_FILE`): the local
    /// tenant's test CA when it serves HTTPS; `None` runs them with no SSL_CERT_FILE at all
    /// (only their bundled roots).
    pub ca_file: Option<PathBuf>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `text` with every run of whitespace made one space: Terraform wraps diagnostics at the
/// terminal width, so a phrase may span lines.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// A CLI configuration whose dev_overrides give `addresses` the binaries in `dir`.
pub fn dev_overrides_config(addresses: &[String], dir: &Path) -> String {
    let mut lines = String::new();
    for a in addresses {
        lines.push_str(&format!("    \"{a}\" = \"{}\"\n", dir.display()));
    }
    format!("provider_installation {{\n  dev_overrides {{\n{lines}  }}\n  direct {{}}\n}}\n")
}

/// The directory of the provider binary under test.
pub fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-auth0"))
        .parent()
        .unwrap()
        .to_path_buf()
}

impl Workspace {
    /// A workspace against a local tenant serving HTTPS (as Auth0 does), whose test CA
    /// Terraform and the provider trust through SSL_CERT_FILE.
    pub async fn new(tf: &Path) -> Workspace {
        Self::with_tenant(tf, TenantConfig::default()).await
    }

    /// [`Workspace::new`] with a tenant set up by `cfg`.
    pub async fn with_tenant(tf: &Path, cfg: TenantConfig) -> Workspace {
        let tenant = LocalTenant::start_https(cfg)
            .await
            .expect("start the local tenant");
        Self::around(tf, tenant)
    }

    /// A workspace against a local tenant serving plain HTTP (`http://127.0.0.1:PORT`), for
    /// the checks about `http://` domains.
    pub async fn with_http_tenant(tf: &Path, cfg: TenantConfig) -> Workspace {
        let tenant = LocalTenant::start(cfg)
            .await
            .expect("start the local tenant");
        Self::around(tf, tenant)
    }

    /// A workspace for `tf` around a tenant already started: its CLI configuration points
    /// the tool's address for this provider at the binary under test; its CA, when it has
    /// one, is written to ca.pem and trusted.
    pub fn around(tf: &Path, tenant: LocalTenant) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("cli.tfrc"),
            dev_overrides_config(&[provider_address(tf)], &provider_dir()),
        )
        .unwrap();
        let ca_file = tenant.ca_pem().map(|pem| {
            let path = dir.path().join("ca.pem");
            std::fs::write(&path, pem).unwrap();
            path
        });
        Workspace {
            dir,
            tf: tf.to_path_buf(),
            tenant,
            extra_env: vec![],
            ca_file,
        }
    }

    /// What `tf` is.
    pub fn cli(&self) -> Cli {
        cli(&self.tf)
    }

    /// The provider's address as this workspace's tool spells it.
    pub fn provider_address(&self) -> String {
        provider_address(&self.tf)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes main.tf: the provider block pointing at the local tenant plus `body`.
    pub fn config(&self, body: &str) {
        self.config_for(&self.tenant.url(), body);
    }

    /// Writes main.tf with the provider pointing at `tenant_url` (another tenant than the
    /// workspace's own) plus `body`.
    pub fn config_for(&self, tenant_url: &str, body: &str) {
        let provider = format!(
            "terraform {{\n  required_providers {{\n    auth0 = {{ source = \"tfauth0/auth0\" }}\n  }}\n}}\n\n\
             provider \"auth0\" {{\n  domain        = \"{tenant_url}\"\n  client_id     = \"local-client-id\"\n  client_secret = \"local-client-secret\"\n}}\n\n{body}\n"
        );
        std::fs::write(self.path().join("main.tf"), provider).unwrap();
    }

    /// The local state file, parsed.
    pub fn state(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("terraform.tfstate")).unwrap_or(serde_json::Value::Null)
    }

    /// The attributes of every object of `address` in the state (current and deposed).
    pub fn instances(&self, resource_name: &str) -> Vec<serde_json::Value> {
        let st = self.state();
        let mut out = Vec::new();
        for r in st["resources"].as_array().into_iter().flatten() {
            if r["name"] == resource_name {
                for i in r["instances"].as_array().into_iter().flatten() {
                    out.push(i.clone());
                }
            }
        }
        out
    }

    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.path().join(name), content).unwrap();
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap_or_default()
    }

    /// The terraform command `run` would execute, for tests that must hold the process
    /// (e.g. to interrupt it).
    pub fn command(&self, args: &[&str]) -> Command {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        self.spec().command(&args)
    }

    fn spec(&self) -> RunSpec {
        RunSpec {
            tf: self.tf.clone(),
            dir: self.path().to_path_buf(),
            extra: self.extra_env.clone(),
            ca_file: self.ca_file.clone(),
        }
    }

    /// Runs terraform with the given arguments, blocking the calling thread.
    pub fn run_sync(&self, args: &[&str]) -> Run {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        self.spec().run(&args)
    }

    /// Runs terraform without blocking the tenant's runtime.
    pub async fn run(&self, args: &[&str]) -> Run {
        let spec = self.spec();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        tokio::task::spawn_blocking(move || spec.run(&args))
            .await
            .unwrap()
    }

    pub async fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args).await;
        assert_eq!(r.code, 0, "terraform {args:?} failed:\n{}", r.all());
        r
    }

    /// `terraform plan -detailed-exitcode`: 0 no changes, 2 changes.
    pub async fn plan_code(&self) -> (i32, Run) {
        let r = self
            .run(&["plan", "-no-color", "-input=false", "-detailed-exitcode"])
            .await;
        (r.code, r)
    }

    pub async fn apply(&self) -> Run {
        self.ok(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .await
    }

    /// PATCH bodies the tenant received, parsed.
    pub fn patch_bodies(&self) -> Vec<serde_json::Value> {
        self.tenant
            .requests()
            .into_iter()
            .filter(|r| r.method == "PATCH")
            .map(|r| serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null))
            .collect()
    }
}

struct RunSpec {
    tf: PathBuf,
    dir: PathBuf,
    extra: Vec<(String, String)>,
    ca_file: Option<PathBuf>,
}

impl RunSpec {
    /// terraform with `args` in the workspace: its CLI config, its CA bundle, no checkpoint
    /// calls, and none of the caller's variables that change behaviour (`tool_command`).
    fn command(&self, args: &[String]) -> Command {
        let mut cmd = tool_command(&self.tf);
        cmd.args(args)
            .current_dir(&self.dir)
            .env("TF_CLI_CONFIG_FILE", self.dir.join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1");
        if let Some(ca) = &self.ca_file {
            cmd.env("SSL_CERT_FILE", ca);
        }
        for (k, v) in &self.extra {
            cmd.env(k, v);
        }
        cmd
    }

    fn run(&self, args: &[String]) -> Run {
        let out = self.command(args).output().expect("run terraform");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
