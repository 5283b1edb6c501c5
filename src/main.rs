//! `terraform-provider-auth0`: the plugin binary Terraform launches.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use tfauth0::protocol::{self, logging, server::ServeError, ServeMode};
use tfauth0::provider::{Auth0Provider, PROVIDER_ADDRESS};
#[cfg(unix)]
use tfauth0::provider::{Stop, Stopper};

/// The log target of the process's own lines: Terraform's log shows only `tfauth0::*`
/// targets (`protocol::logging`), and this binary's default target is its crate name.
#[cfg(unix)]
const LOG_TARGET: &str = "tfauth0::process";

const USAGE: &str =
    "Usage: terraform-provider-auth0 [--debug [--address=HOST/NAMESPACE/NAME]] [--version]";

fn main() -> ExitCode {
    let mut mode = ServeMode::Managed;
    let mut address = PROVIDER_ADDRESS.to_string();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--version" | "-version" | "version" => {
                println!("terraform-provider-auth0 v{}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            "--debug" | "-debug" => {
                mode = ServeMode::Debug {
                    provider_address: String::new(),
                }
            }
            "-h" | "--help" | "-help" => {
                eprintln!("{USAGE}\n\n{}", protocol::handshake::NOT_A_COMMAND);
                return ExitCode::SUCCESS;
            }
            a if a.starts_with("--address=") => address = a["--address=".len()..].to_string(),
            other => {
                eprintln!("unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if let ServeMode::Debug { provider_address } = &mut mode {
        *provider_address = address;
    }
    logging::init_from_env();
    logging::install_panic_hook();

    // One thread: a provider serves one Terraform process, and its work is waiting on the
    // network. Fewer threads start faster and use less memory.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-auth0: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(run(mode))
}

async fn run(mode: ServeMode) -> ExitCode {
    let debug = matches!(mode, ServeMode::Debug { .. });
    let shutdown = protocol::side_services::Shutdown::new();
    let provider = Auth0Provider::new();
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        watch_signals(&shutdown, &provider.stopper(), debug, parent);
        if !debug {
            exit_with_parent(&shutdown, parent);
        }
    }
    match protocol::server::serve_with_shutdown(provider, mode, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::NotLaunchedByTerraform) => {
            eprintln!("{}", protocol::handshake::NOT_A_COMMAND);
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("terraform-provider-auth0: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How long the provider keeps answering Terraform after SIGTERM, at most: Terraform,
/// which got the same signal, stops its run, saves the state and shuts the provider down
/// well within it.
#[cfg(unix)]
const TERM_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// What SIGTERM does.
#[cfg(unix)]
#[derive(Debug, PartialEq, Eq)]
enum OnSigterm {
    /// Shut down now: in debug mode, or when Terraform is gone (the parent-death signal).
    ShutDown,
    /// Stop the Auth0 calls in flight so their RPCs answer Terraform with an
    /// "Interrupted by SIGTERM" error, keep serving until Terraform shuts the provider
    /// down, and end after [`TERM_GRACE`] (or a second SIGTERM) whatever happens.
    StopCallsThenShutDown,
}

#[cfg(unix)]
fn on_sigterm(debug: bool, parent_alive: bool) -> OnSigterm {
    if debug || !parent_alive {
        OnSigterm::ShutDown
    } else {
        OnSigterm::StopCallsThenShutDown
    }
}

/// Every signal that would end the process ends it through a clean shutdown, so the
/// socket directory is removed. In managed mode SIGINT is left to Terraform: Ctrl-C
/// reaches the whole process group, and Terraform stops the provider with StopProvider
/// (a provider dying mid-apply would lose the state of what it was doing). SIGTERM, which
/// a cancelled CI job sends to the whole group too, first ends the calls in flight so
/// Terraform hears why (see [`OnSigterm`]).
#[cfg(unix)]
fn watch_signals(
    shutdown: &protocol::side_services::Shutdown,
    stopper: &Stopper,
    debug: bool,
    parent: u32,
) {
    use tokio::signal::unix::{signal, SignalKind};
    if let Ok(mut term) = signal(SignalKind::terminate()) {
        let (shutdown, stopper) = (shutdown.clone(), stopper.clone());
        tokio::spawn(async move {
            if term.recv().await.is_none() {
                return;
            }
            let parent_alive = std::os::unix::process::parent_id() == parent;
            if on_sigterm(debug, parent_alive) == OnSigterm::StopCallsThenShutDown {
                tracing::info!("SIGTERM: interrupting the calls to Auth0 in flight");
                stopper.stop(Stop::Sigterm);
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::time::sleep(TERM_GRACE) => {}
                }
            }
            tracing::debug!("SIGTERM: shutting down");
            shutdown.trigger();
        });
    }
    let ending = [
        SignalKind::hangup(),
        SignalKind::quit(),
        SignalKind::user_defined1(),
        SignalKind::user_defined2(),
        SignalKind::alarm(),
    ];
    for kind in ending {
        if let Ok(mut s) = signal(kind) {
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                if s.recv().await.is_some() {
                    tracing::debug!(
                        target: LOG_TARGET,
                        signal = kind.as_raw_value(),
                        "signal: shutting down"
                    );
                    shutdown.trigger();
                }
            });
        }
    }
    if let Ok(mut int) = signal(SignalKind::interrupt()) {
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            while int.recv().await.is_some() {
                if debug {
                    shutdown.trigger();
                    break;
                }
                tracing::debug!(
                    target: LOG_TARGET,
                    "ignoring SIGINT; Terraform stops the provider through StopProvider"
                );
            }
        });
    }
}

/// A provider outlives a Terraform killed with SIGKILL unless it notices: then it shuts
/// down like on Shutdown, removing its socket directory. On Linux the kernel sends
/// SIGTERM when the parent dies (handled above); elsewhere the parent is polled.
#[cfg(unix)]
fn exit_with_parent(shutdown: &protocol::side_services::Shutdown, parent: u32) {
    #[cfg(target_os = "linux")]
    {
        let armed =
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::TERM));
        // The parent may have died before the signal was armed.
        if armed.is_ok() && std::os::unix::process::parent_id() == parent {
            return;
        }
    }
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        loop {
            tick.tick().await;
            if std::os::unix::process::parent_id() != parent {
                tracing::debug!(target: LOG_TARGET, "Terraform is gone: shutting down");
                shutdown.trigger();
                break;
            }
        }
    });
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn sigterm_stops_calls_first_only_while_terraform_is_there() {
        assert_eq!(on_sigterm(false, true), OnSigterm::StopCallsThenShutDown);
        assert_eq!(on_sigterm(false, false), OnSigterm::ShutDown);
        assert_eq!(on_sigterm(true, true), OnSigterm::ShutDown);
    }
}
