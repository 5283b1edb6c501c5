//! A local Auth0-compatible tenant for tests, benchmarks and the demo: the client
//! credentials token endpoint and the tenant settings API (session lifetimes), with
//! Auth0's JSON shapes, rate-limit headers and injectable faults, over plain HTTP or over
//! HTTPS with a CA made at test time (HTTP/2 or HTTP/1.1 by ALPN, as Auth0's edge), and
//! able to disagree with what it was sent as real tenants do ([`Disagreement`]). Never
//! shipped with the provider.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let tenant = local_tenant::LocalTenant::start(Default::default()).await?;
//! println!("AUTH0_DOMAIN={}", tenant.url());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod api;
mod control;
mod disagree;
mod faults;
mod ratelimit;
mod server;
mod state;
mod tls;
mod tokens;
mod validation;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use serde::Serialize;
use tokio::task::JoinHandle;

pub use disagree::{Disagreement, Lifetime};
pub use faults::Fault;
pub use state::SessionState;
pub use tls::TestCa;
#[doc(hidden)]
pub use tokens::make_test_assertion;

pub const READ_SCOPE: &str = "read:tenant_settings";
pub const UPDATE_SCOPE: &str = "update:tenant_settings";

/// How the tenant is set up. `Default` gives the values documented on each field.
#[derive(Clone, Debug)]
pub struct TenantConfig {
    /// Default "local-client-id".
    pub client_id: String,
    /// Default "local-client-secret".
    pub client_secret: String,
    /// Scopes granted to issued tokens; default read + update tenant settings.
    pub scopes: Vec<String>,
    /// `expires_in` of issued tokens; default 86400.
    pub token_ttl_secs: u64,
    /// Pre-issued API tokens accepted as Bearer (token, scopes); they never expire.
    /// Default: one, "local-api-token", with both scopes.
    pub static_tokens: Vec<(String, Vec<String>)>,
    /// Token bucket size; default 50.
    pub rate_limit_capacity: u32,
    /// Tokens added per second; default 50.
    pub rate_limit_refill_per_sec: u32,
}

impl Default for TenantConfig {
    fn default() -> Self {
        let both = vec![READ_SCOPE.to_string(), UPDATE_SCOPE.to_string()];
        TenantConfig {
            client_id: "local-client-id".into(),
            client_secret: "local-client-secret".into(),
            scopes: both.clone(),
            token_ttl_secs: 86_400,
            static_tokens: vec![("local-api-token".into(), both)],
            rate_limit_capacity: 50,
            rate_limit_refill_per_sec: 50,
        }
    }
}

/// One request as received, with the status it was answered with (0 = connection dropped).
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Lower-case names, in received order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub status: u16,
    /// When it arrived, in milliseconds since the UNIX epoch: tests check the waits between
    /// attempts (`Retry-After`, `x-ratelimit-reset`) from it.
    pub arrived_unix_ms: u64,
    /// The HTTP version it came in, as hyper names it: "HTTP/1.1" or "HTTP/2.0".
    pub version: String,
}

/// How a tenant is reached.
pub enum Transport {
    /// Plain HTTP/1.1 (the demo, the benchmarks, the tests about `http://`).
    Http,
    /// HTTPS with a certificate `TestCa` issued for 127.0.0.1 and localhost; HTTP/2 or
    /// HTTP/1.1 by ALPN.
    Https(Arc<TestCa>),
}

/// A running tenant. Dropping it shuts the server down.
pub struct LocalTenant {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    ca: Option<Arc<TestCa>>,
    task: Option<JoinHandle<()>>,
}

impl LocalTenant {
    /// Bind 127.0.0.1 on a free port and serve plain HTTP on the current tokio runtime.
    pub async fn start(cfg: TenantConfig) -> std::io::Result<LocalTenant> {
        Self::start_at(cfg, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Like [`LocalTenant::start`], over HTTPS with a certificate of a CA made for it
    /// ([`LocalTenant::ca_pem`] is what a client must trust).
    pub async fn start_https(cfg: TenantConfig) -> std::io::Result<LocalTenant> {
        let ca = Arc::new(TestCa::new("tfauth0 local tenant test CA"));
        Self::start_with(
            cfg,
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            Transport::Https(ca),
        )
        .await
    }

    /// Like [`LocalTenant::start`] on a given address (the bin uses it for `--port`).
    pub async fn start_at(cfg: TenantConfig, addr: SocketAddr) -> std::io::Result<LocalTenant> {
        Self::start_with(cfg, addr, Transport::Http).await
    }

    /// Serve on `addr` over `transport`.
    pub async fn start_with(
        cfg: TenantConfig,
        addr: SocketAddr,
        transport: Transport,
    ) -> std::io::Result<LocalTenant> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (scheme, ca) = match transport {
            Transport::Http => ("http", None),
            Transport::Https(ca) => ("https", Some(ca)),
        };
        let acceptor = ca
            .as_ref()
            .map(|ca| tokio_rustls::TlsAcceptor::from(ca.server_config()));
        let shared = Arc::new(server::Shared::new(cfg, format!("{scheme}://{addr}")));
        let task = tokio::spawn(server::serve(listener, shared.clone(), acceptor));
        Ok(LocalTenant {
            addr,
            shared,
            ca,
            task: Some(task),
        })
    }

    /// "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT", no trailing slash.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// "127.0.0.1:PORT": the tenant's domain as a provider's `domain` names it without a
    /// scheme (HTTPS implied), and the ID an import of it uses.
    pub fn domain(&self) -> String {
        self.addr.to_string()
    }

    /// The PEM certificate of the CA whose certificate the tenant serves (HTTPS only).
    pub fn ca_pem(&self) -> Option<String> {
        self.ca.as_ref().map(|ca| ca.pem())
    }

    /// Why each TLS handshake that failed failed, in order: a client that refused the
    /// certificate shows here, and never in [`LocalTenant::requests`].
    pub fn tls_failures(&self) -> Vec<String> {
        self.shared.tls_failures.lock().unwrap().clone()
    }

    /// How the tenant departs from storing and answering what it was sent, from now on.
    pub fn set_disagreement(&self, d: Disagreement) {
        *self.shared.disagreement.lock().unwrap() = d;
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn config(&self) -> &TenantConfig {
        &self.shared.cfg
    }

    pub fn inject(&self, fault: Fault) {
        self.shared.faults.lock().unwrap().push(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap().clear();
    }

    /// Every non-control request received, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.lock().unwrap().all()
    }

    pub fn clear_requests(&self) {
        self.shared.log.lock().unwrap().clear();
    }

    /// Requests received with this method (case-insensitive) and exact path.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .count()
    }

    pub fn stored_minutes(&self) -> SessionState {
        self.shared.store.lock().unwrap().session()
    }

    /// Overwrite the stored values, as an edit in the dashboard would. Lifetimes equal to
    /// the defaults then read back as absent, as on a fresh tenant.
    pub fn set_state(&self, s: SessionState) {
        self.shared.store.lock().unwrap().set_session(s);
    }

    /// Tokens issued so far become expired (static API tokens are unaffected).
    pub fn expire_all_tokens(&self) {
        self.shared.tokens.lock().unwrap().expire_all();
    }

    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for LocalTenant {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
