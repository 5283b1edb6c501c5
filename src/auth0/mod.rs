//! Auth0 Management API client for a tenant's session settings.
//!
//! Knows nothing of Terraform. Layout:
//! - `client`: [`Client`]: builds each call, authenticates it (refreshing the token once on a
//!   401) and turns the answer into settings or an error,
//! - `transport`: the HTTPS client, the retry loop, bounded reply bodies (`Reply`, read only
//!   through the redactor), one debug line per attempt,
//! - [`proxy`]: which proxy requests to the tenant go through (Go's rules; never for
//!   loopback),
//! - `redact`: every secret the client sends, taken out of anything quoted or logged,
//! - `retry`: rate-limit waits, backoff and the retry budget,
//! - `ca_bundle`: extra CA certificates from `SSL_CERT_FILE`/`SSL_CERT_DIR`,
//! - `token`: the shared, lazily fetched access token,
//! - `jwt`: private key JWT client assertions (signed with ring),
//! - [`config`]: [`ClientConfig`], [`RetryPolicy`] and the `domain` → base URL rules,
//! - [`credentials`]: [`Credentials`], [`Secret`], [`SigningAlg`] and private key parsing,
//! - [`error`]: [`ConfigError`] (about a [`Field`] of the client, named by the caller) and
//!   [`ApiError`],
//! - `hints`: what a failed answer means: its [`ApiErrorKind`] and a hint to act on,
//! - [`settings`]: the session settings model and its JSON mapping.
//!
//! TLS certificates are always verified (bundled Mozilla roots plus any CA bundle named by
//! `SSL_CERT_FILE`/`SSL_CERT_DIR`). Secrets are wrapped in
//! [`Secret`] and never logged: debug logs carry one line per HTTP attempt (method, path,
//! status, duration, `x-ratelimit-remaining`, attempt number). What a server echoes of
//! them is replaced before it is quoted or logged.

mod ca_bundle;
mod cause;
mod client;
pub mod config;
pub mod credentials;
pub mod error;
mod hints;
mod jwt;
pub mod proxy;
mod redact;
mod reply;
mod retry;
pub mod settings;
mod token;
mod transport;

pub use client::Client;
pub use config::{ClientConfig, RetryPolicy};
pub use credentials::{Credentials, Secret, SigningAlg};
pub use error::{ApiError, ApiErrorKind, ConfigError, Field, FieldNames, Message};
pub use proxy::ProxyEnv;
pub use settings::{CookieMode, Lifetime, Minutes, PerLifetime, SessionSettings, SessionUpdate};
