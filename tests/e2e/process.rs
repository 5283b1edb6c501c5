//! Process hygiene with real Terraform: a provider never outlives a Terraform killed with
//! SIGKILL, and every signal that ends it removes its socket directory.
#![forbid(unsafe_code)]
#![cfg(target_os = "linux")]

use crate::common;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::terraform::{terraforms, Workspace};
use local_tenant::Fault;

const SETTINGS: &str = "/api/v2/tenants/settings";

/// `/proc/PID/stat`: (state, parent pid, command name).
fn stat(pid: u32) -> Option<(char, u32, String)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text[open + 1..close].to_string();
    let mut rest = text[close + 2..].split(' ');
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((state, ppid, comm))
}

/// Gone, or a zombie nobody reaped yet: either way no longer running.
fn exited(pid: u32) -> bool {
    matches!(stat(pid), None | Some(('Z', _, _)))
}

/// The provider processes Terraform (`parent`) started.
fn providers_of(parent: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // The kernel keeps 15 bytes of the command name.
        if let Some((state, ppid, comm)) = stat(pid) {
            if ppid == parent && state != 'Z' && comm.starts_with("terraform-prov") {
                out.push(pid);
            }
        }
    }
    out
}

fn socket_dirs(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("tf-auth0-"))
        .collect()
}

async fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An apply whose PATCH hangs, with the provider it started; returns once the PATCH is in
/// flight (so the provider is busy serving Terraform).
async fn hanging_apply(ws: &Workspace) -> (Child, u32) {
    ws.config("resource \"auth0_tenant_session\" \"this\" { session_lifetime = 12 }");
    ws.tenant.inject(Fault::Latency {
        millis: 120_000,
        times: 1,
        method: Some("PATCH".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let child = ws
        .command(&["apply", "-no-color", "-input=false", "-auto-approve"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the PATCH", Duration::from_secs(60), || {
        ws.tenant.count("PATCH", SETTINGS) > 0
    })
    .await;
    let providers = providers_of(child.id());
    assert_eq!(
        providers.len(),
        1,
        "one provider serves the apply: {providers:?}"
    );
    (child, providers[0])
}

/// README "Failure behaviour", the provider process never outlives Terraform: killed
/// with SIGKILL, Terraform leaves the provider to exit at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_exits_when_terraform_is_killed() {
    for tf in terraforms() {
        let tmp = tempfile::tempdir().unwrap();
        let mut ws = Workspace::new(&tf).await;
        ws.extra_env
            .push(("TMPDIR".into(), tmp.path().display().to_string()));
        let (mut child, provider) = hanging_apply(&ws).await;
        assert_eq!(
            socket_dirs(tmp.path()).len(),
            1,
            "the provider's socket directory"
        );
        child.kill().unwrap(); // SIGKILL: Terraform cannot tell the provider anything.
        child.wait().unwrap();
        wait_for(
            "the orphaned provider to exit",
            Duration::from_secs(10),
            || exited(provider),
        )
        .await;
        assert_eq!(
            socket_dirs(tmp.path()),
            Vec::<String>::new(),
            "{tf:?}: socket directory left behind"
        );
    }
}

/// The signals that end the provider (src/main.rs, `watch_signals`): README "Failure
/// behaviour" names all six.
const ENDING_SIGNALS: [&str; 6] = ["HUP", "QUIT", "TERM", "USR1", "USR2", "ALRM"];

/// README "Failure behaviour", the provider process never outlives Terraform: every
/// ending signal removes the socket directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ending_signal_removes_the_socket_directory() {
    for (tf, signal) in terraforms()
        .into_iter()
        .flat_map(|tf| ENDING_SIGNALS.map(|s| (tf.clone(), s)))
    {
        let tmp = tempfile::tempdir().unwrap();
        let mut ws = Workspace::new(&tf).await;
        ws.extra_env
            .push(("TMPDIR".into(), tmp.path().display().to_string()));
        let (mut child, provider) = hanging_apply(&ws).await;
        assert_eq!(socket_dirs(tmp.path()).len(), 1);
        let st = std::process::Command::new("kill")
            .args([format!("-{signal}"), provider.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        wait_for("the provider to exit", Duration::from_secs(10), || {
            exited(provider)
        })
        .await;
        assert_eq!(
            socket_dirs(tmp.path()),
            Vec::<String>::new(),
            "{tf:?} SIG{signal}: socket directory left behind"
        );
        let _ = child.kill();
        let _ = child.wait();
    }
}
