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

/// `tf`'s version as printed by `terraform version`, e.g. "1.6.6". Panics when `tf` does
/// not say, since every test would be meaningless then.
pub fn full_version(tf: &Path) -> String {
    let out = Command::new(tf)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {} version: {e}", tf.display()));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or("");
    match first.strip_prefix("Terraform v") {
        Some(v) if v.split('.').count() >= 3 => v.trim().to_string(),
        _ => panic!("{} version printed {text:?}", tf.display()),
    }
}

/// `tf`'s (major, minor) version, e.g. (1, 12).
pub fn version_of(tf: &Path) -> (u32, u32) {
    let v = full_version(tf);
    let mut it = v.split('.').map(|p| p.parse::<u32>().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

/// Whether `tf` is at least Terraform `min` (major, minor), for a check that needs a newer
/// Terraform. When it is not, prints `SKIPPED: <what> on Terraform X.Y.Z: needs >= A.B`
/// straight to the test process's stderr (visible even when the test passes and its output
/// is captured) and returns false, so a skipped check is never a silent pass:
///
/// ```ignore
/// if require(&tf, (1, 12), "import by identity") {
///     // ... the check ...
/// }
/// ```
pub fn require(tf: &Path, min: (u32, u32), what: &str) -> bool {
    if version_of(tf) >= min {
        return true;
    }
    let line = format!(
        "SKIPPED: {what} on Terraform {}: needs >= {}.{}\n",
        full_version(tf),
        min.0,
        min.1
    );
    // Not eprintln!: libtest captures that for passing tests.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    false
}

pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub tf: PathBuf,
    pub tenant: LocalTenant,
    pub extra_env: Vec<(String, String)>,
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

impl Workspace {
    pub async fn new(tf: &Path) -> Workspace {
        Self::with_tenant(tf, TenantConfig::default()).await
    }

    pub async fn with_tenant(tf: &Path, cfg: TenantConfig) -> Workspace {
        let tenant = LocalTenant::start(cfg)
            .await
            .expect("start the local tenant");
        let dir = tempfile::tempdir().unwrap();
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-auth0"))
            .parent()
            .unwrap()
            .to_path_buf();
        std::fs::write(
            dir.path().join("cli.tfrc"),
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"registry.terraform.io/tfauth0/auth0\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                bin_dir.display()
            ),
        )
        .unwrap();
        Workspace {
            dir,
            tf: tf.to_path_buf(),
            tenant,
            extra_env: vec![],
        }
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
}

impl RunSpec {
    /// terraform with `args` in the workspace: its CLI config, no checkpoint calls, and none
    /// of the caller's TF_LOG or AUTH0_* variables (the config says which tenant to use).
    fn command(&self, args: &[String]) -> Command {
        let mut cmd = Command::new(&self.tf);
        cmd.args(args)
            .current_dir(&self.dir)
            .env("TF_CLI_CONFIG_FILE", self.dir.join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .env_remove("AUTH0_DOMAIN")
            .env_remove("AUTH0_API_TOKEN")
            .env_remove("AUTH0_CLIENT_ID")
            .env_remove("AUTH0_CLIENT_SECRET")
            .env_remove("AUTH0_TENANT_PLAN")
            .stdin(Stdio::null());
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
