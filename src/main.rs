//! `terraform-provider-auth0`: the plugin binary Terraform launches.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use tfauth0::protocol::{self, logging, server::ServeError, ServeMode};
use tfauth0::provider::{Auth0Provider, PROVIDER_ADDRESS};

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
    let code = rt.block_on(run(mode));
    report_peak_rss();
    code
}

/// Benchmarks set TFAUTH0_PEAK_RSS_FILE to collect each provider process's peak memory
/// (VmHWM), which they cannot observe from outside a process Terraform started.
fn report_peak_rss() {
    let Some(path) = std::env::var_os("TFAUTH0_PEAK_RSS_FILE") else {
        return;
    };
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return;
    };
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(
                f,
                "{} {}",
                std::process::id(),
                line.trim_start_matches("VmHWM:").trim()
            );
        }
    }
}

async fn run(mode: ServeMode) -> ExitCode {
    let debug = matches!(mode, ServeMode::Debug { .. });
    let shutdown = protocol::side_services::Shutdown::new();
    // SIGINT reaches the plugin too when the user presses Ctrl-C; Terraform handles it
    // with StopProvider, so a managed plugin ignores the signal instead of dying mid-apply.
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let s = shutdown.clone();
        if let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = int.recv() => {
                            if debug {
                                s.trigger();
                                break;
                            }
                            tracing::debug!("ignoring SIGINT; Terraform stops the provider through StopProvider");
                        }
                        _ = term.recv() => {
                            s.trigger();
                            break;
                        }
                    }
                }
            });
        }
    }
    match protocol::server::serve_with_shutdown(Auth0Provider::new(), mode, shutdown).await {
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
