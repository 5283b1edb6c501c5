//! `local-tenant`: run the local Auth0-compatible tenant as a process.
//!
//! Prints `AUTH0_DOMAIN=…`, `AUTH0_CLIENT_ID=…`, `AUTH0_CLIENT_SECRET=…`,
//! `AUTH0_API_TOKEN=…` (one per line) once listening, then serves until SIGINT/SIGTERM.
#![forbid(unsafe_code)]

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use local_tenant::{LocalTenant, SessionState, TenantConfig};

const USAGE: &str = "usage: local-tenant [--port N] [--host 127.0.0.1] [--client-id ID] \
[--client-secret SECRET] [--state-file PATH] [--rate-limit PER_SECOND]";

struct Args {
    host: IpAddr,
    port: u16,
    cfg: TenantConfig,
    state_file: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        cfg: TenantConfig::default(),
        state_file: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.into());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--port" => args.port = value.parse().map_err(|_| format!("bad --port {value}"))?,
            "--host" => {
                let ip: IpAddr = value.parse().map_err(|_| format!("bad --host {value}"))?;
                // A test tenant with static credentials must not be reachable from outside.
                if !ip.is_loopback() {
                    return Err(format!("--host must be a loopback address, got {ip}"));
                }
                args.host = ip;
            }
            "--client-id" => args.cfg.client_id = value,
            "--client-secret" => args.cfg.client_secret = value,
            "--state-file" => args.state_file = Some(PathBuf::from(value)),
            // Requests per second (bucket size and refill); the scale benchmark simulates
            // hundreds of tenants on this one server.
            "--rate-limit" => {
                let n: u32 = value
                    .parse()
                    .map_err(|_| format!("bad --rate-limit {value}"))?;
                args.cfg.rate_limit_capacity = n;
                args.cfg.rate_limit_refill_per_sec = n;
            }
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    Ok(args)
}

/// SIGINT or SIGTERM, listened for from the moment this is built (`signal()` registers at
/// once; `ctrl_c()` only when first polled): a signal that arrives before the first
/// `.await` is kept, not left to the default action, which would end the process before
/// it saves its state.
#[cfg(unix)]
fn ending_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate());
    let interrupt = signal(SignalKind::interrupt());
    async move {
        match (term, interrupt) {
            (Ok(mut term), Ok(mut interrupt)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = interrupt.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

#[cfg(not(unix))]
fn ending_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    let api_token = args
        .cfg
        .static_tokens
        .first()
        .map(|(t, _)| t.clone())
        .unwrap_or_default();
    let (client_id, client_secret) = (args.cfg.client_id.clone(), args.cfg.client_secret.clone());
    let tenant = LocalTenant::start_at(args.cfg, SocketAddr::new(args.host, args.port)).await?;
    // The state file (optional) carries session settings across restarts.
    if let Some(path) = &args.state_file {
        if let Ok(text) = std::fs::read_to_string(path) {
            match serde_json::from_str::<SessionState>(&text) {
                Ok(s) => tenant.set_state(s),
                Err(e) => eprintln!("ignoring state file {}: {e}", path.display()),
            }
        }
    }
    // Listening before the lines that tell a caller the tenant is ready, so a signal
    // sent as soon as they arrive is one the tenant handles.
    let signalled = ending_signal();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "AUTH0_DOMAIN={}", tenant.url())?;
        writeln!(out, "AUTH0_CLIENT_ID={client_id}")?;
        writeln!(out, "AUTH0_CLIENT_SECRET={client_secret}")?;
        writeln!(out, "AUTH0_API_TOKEN={api_token}")?;
        out.flush()?;
    }
    signalled.await;
    if let Some(path) = &args.state_file {
        let json = serde_json::to_string_pretty(&tenant.stored_minutes()).unwrap_or_default();
        std::fs::write(path, json)?;
    }
    tenant.shutdown().await;
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let result = match runtime {
        Ok(rt) => rt.block_on(run(args)),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("local-tenant: {e}");
            ExitCode::FAILURE
        }
    }
}
