//! Serving the provider the way go-plugin does: listen, print the handshake line, accept
//! TLS connections from Terraform only, serve gRPC until Terraform says Shutdown.

use std::io::Write as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use tonic::transport::server::Connected;

use super::generated::health::health_server::HealthServer;
use super::generated::plugin::{
    grpc_broker_server::GrpcBrokerServer, grpc_controller_server::GrpcControllerServer,
    grpc_stdio_server::GrpcStdioServer,
};
use super::generated::tfplugin6::provider_server::{Provider, ProviderServer};
use super::handshake::{self, ListenAddr};
use super::side_services::{
    BrokerService, ControllerService, HealthService, Shutdown, StdioService,
};
use super::tls;

/// Terraform's own limit for plugin messages (tonic's default is 4 MiB).
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// How the process was started.
#[derive(Debug, Clone)]
pub enum ServeMode {
    /// Launched by Terraform: cookie required, AutoMTLS unless disabled.
    Managed,
    /// `--debug`: no cookie, plaintext, prints the TF_REATTACH_PROVIDERS line.
    Debug { provider_address: String },
}

#[derive(Debug)]
pub enum ServeError {
    /// Run by hand rather than by Terraform.
    NotLaunchedByTerraform,
    Fatal(String),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::NotLaunchedByTerraform => f.write_str(handshake::NOT_A_COMMAND),
            ServeError::Fatal(m) => f.write_str(m),
        }
    }
}

/// Anything a connection can be: unix or TCP, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// An accepted, authenticated connection handed to tonic.
pub struct Conn(Box<dyn Io>);

impl Conn {
    pub fn new(io: impl Io) -> Self {
        Conn(Box::new(io))
    }
}

impl Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

/// The listening socket, and the private directory holding it (removed on drop).
enum Listener {
    #[cfg(unix)]
    Unix {
        listener: tokio::net::UnixListener,
        dir: PathBuf,
    },
    Tcp(tokio::net::TcpListener),
}

impl Drop for Listener {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Listener::Unix { dir, .. } = self {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Listener {
    /// A unix socket inside a fresh 0700 directory, so no other user can reach it;
    /// TCP on 127.0.0.1 within go-plugin's port range where unix sockets are unavailable.
    async fn bind() -> Result<(Listener, ListenAddr), String> {
        #[cfg(unix)]
        {
            match Self::bind_unix() {
                Ok(pair) => return Ok(pair),
                Err(e) => tracing::warn!("unix socket unavailable ({e}); falling back to TCP"),
            }
        }
        Self::bind_tcp().await
    }

    #[cfg(unix)]
    fn bind_unix() -> Result<(Listener, ListenAddr), String> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        let base = std::env::temp_dir();
        let pid = std::process::id();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!("tf-auth0-{pid}-{nanos:08x}"));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let path = dir.join("plugin.sock");
        let listener = match tokio::net::UnixListener::bind(&path) {
            Ok(l) => l,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(format!("binding {}: {e}", path.display()));
            }
        };
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        Ok((Listener::Unix { listener, dir }, ListenAddr::Unix(path)))
    }

    async fn bind_tcp() -> Result<(Listener, ListenAddr), String> {
        let (min, max) = handshake::port_range(
            std::env::var("PLUGIN_MIN_PORT").ok().as_deref(),
            std::env::var("PLUGIN_MAX_PORT").ok().as_deref(),
        );
        let mut last = String::new();
        for port in min..=max {
            match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
                Ok(l) => {
                    let addr = l.local_addr().map_err(|e| e.to_string())?;
                    return Ok((Listener::Tcp(l), ListenAddr::Tcp(addr)));
                }
                Err(e) => last = e.to_string(),
            }
        }
        Err(format!("no free TCP port in {min}-{max}: {last}"))
    }

    async fn accept(&self) -> std::io::Result<Box<dyn Io>> {
        match self {
            #[cfg(unix)]
            Listener::Unix { listener, .. } => Ok(Box::new(listener.accept().await?.0)),
            Listener::Tcp(l) => {
                let (s, _) = l.accept().await?;
                // Without it the first RPC on each connection waits ~40 ms for delayed ACKs.
                s.set_nodelay(true)?;
                Ok(Box::new(s))
            }
        }
    }
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// Serves `provider` until Terraform shuts it down. Blocks the calling task.
pub async fn serve<P: Provider>(provider: P, mode: ServeMode) -> Result<(), ServeError> {
    serve_with_shutdown(provider, mode, Shutdown::new()).await
}

/// As [`serve`], with a shutdown switch the caller can also flip.
pub async fn serve_with_shutdown<P: Provider>(
    provider: P,
    mode: ServeMode,
    shutdown: Shutdown,
) -> Result<(), ServeError> {
    let debug = matches!(mode, ServeMode::Debug { .. });
    if !debug
        && std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref()
            != Some(handshake::MAGIC_COOKIE_VALUE)
    {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    handshake::negotiate_version(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())
        .map_err(ServeError::Fatal)?;

    // go-plugin: TLS when Terraform gave us its certificate, unless disabled.
    let tls = if debug || env_set("TF_DISABLE_PLUGIN_TLS") {
        None
    } else {
        match std::env::var("PLUGIN_CLIENT_CERT") {
            Ok(pem) if !pem.trim().is_empty() => {
                let client = tls::parse_client_cert(&pem).map_err(ServeError::Fatal)?;
                let identity = tls::ServerIdentity::generate().map_err(ServeError::Fatal)?;
                let config = tls::server_config(&identity, client).map_err(ServeError::Fatal)?;
                Some((identity.cert_der, tokio_rustls::TlsAcceptor::from(config)))
            }
            _ => None,
        }
    };

    let (listener, addr) = Listener::bind().await.map_err(ServeError::Fatal)?;

    match &mode {
        ServeMode::Managed => {
            let line = handshake::handshake_line(&addr, tls.as_ref().map(|(c, _)| c.as_ref()));
            let mut out = std::io::stdout().lock();
            writeln!(out, "{line}")
                .and_then(|_| out.flush())
                .map_err(|e| ServeError::Fatal(format!("writing the handshake: {e}")))?;
        }
        ServeMode::Debug { provider_address } => {
            let reattach = serde_json::json!({
                provider_address.as_str(): {
                    "Protocol": "grpc",
                    "ProtocolVersion": handshake::APP_PROTOCOL_VERSION,
                    "Pid": std::process::id(),
                    "Test": true,
                    "Addr": {"Network": addr.network(), "String": addr.address()},
                }
            });
            println!(
                "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS \
                 environment variable with the following:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n\n\
                 Stop the provider with Ctrl-C."
            );
        }
    }

    // Accepting and TLS handshakes run beside the gRPC server so one slow or hostile
    // client cannot hold up Terraform's connection.
    let (tx, rx) = mpsc::channel::<Result<Conn, std::io::Error>>(16);
    let acceptor = tls.map(|(_, a)| a);
    let stop_accepting = shutdown.wait();
    let accept_loop = tokio::spawn(async move {
        tokio::pin!(stop_accepting);
        loop {
            let io = tokio::select! {
                _ = &mut stop_accepting => break,
                r = listener.accept() => r,
            };
            let io = match io {
                Ok(io) => io,
                Err(e) => {
                    tracing::warn!("accepting a connection failed: {e}");
                    continue;
                }
            };
            let tx = tx.clone();
            match &acceptor {
                None => {
                    let _ = tx.send(Ok(Conn(io))).await;
                }
                Some(acceptor) => {
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(io))
                            .await
                        {
                            Ok(Ok(tls)) => {
                                let _ = tx.send(Ok(Conn::new(tls))).await;
                            }
                            Ok(Err(e)) => tracing::warn!(
                                "refused a connection that did not present Terraform's client certificate: {e}"
                            ),
                            Err(_) => tracing::warn!("refused a connection: TLS handshake timed out"),
                        }
                    });
                }
            }
        }
        // Dropping the listener here removes the socket and its directory.
        drop(listener);
    });

    let incoming = tokio_stream::wrappers::ReceiverStream::new(rx);
    let s = shutdown.clone();
    let router = tonic::transport::Server::builder()
        .add_service(
            ProviderServer::new(provider)
                .max_decoding_message_size(MAX_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(HealthServer::new(HealthService {
            shutdown: s.clone(),
        }))
        .add_service(GrpcControllerServer::new(ControllerService {
            shutdown: s.clone(),
        }))
        .add_service(GrpcStdioServer::new(StdioService {
            shutdown: s.clone(),
        }))
        .add_service(GrpcBrokerServer::new(BrokerService {
            shutdown: s.clone(),
        }));

    // After shutdown, give in-flight responses (the Shutdown reply itself) a moment to
    // flush, then stop: Terraform kills the process 2 s after asking.
    let grace = {
        let wait = shutdown.wait();
        async move {
            wait.await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let serve = router.serve_with_incoming_shutdown(incoming, grace);
    let hard_stop = {
        let wait = shutdown.wait();
        async move {
            wait.await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    };
    tokio::select! {
        r = serve => r.map_err(|e| ServeError::Fatal(format!("gRPC server: {e}")))?,
        _ = hard_stop => {}
    }
    shutdown.trigger();
    let _ = accept_loop.await;
    Ok(())
}
