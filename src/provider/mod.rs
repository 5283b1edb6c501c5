//! The Auth0 provider: where the plugin protocol and the Auth0 client meet.
//!
//! - [`Auth0Provider`] holds what every step shares: the provider's configuration, the
//!   stop signal that cancels Auth0 calls, and what the process has seen of each tenant
//!   ([`tenancy`]).
//! - `rpc` implements the generated `tfplugin6.Provider` service: it finds a resource or
//!   data source type by name, decodes, calls one method of its [`resource::Resource`]
//!   or [`resource::DataSource`] implementation, and encodes the answer.
//! - [`tenant_session`] and [`tenant_session_data_source`] are those types;
//!   [`provider_config`] is the provider block; [`lifetimes`] the rules of a lifetime.

pub mod attributes;
pub mod claims;
pub mod docs;
pub mod lifetimes;
pub mod provider_config;
pub mod resource;
mod rpc;
pub mod schema;
pub mod tenancy;
pub mod tenant_session;
pub mod tenant_session_data_source;

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::auth0::{ApiError, ApiErrorKind};
use crate::protocol::diagnostics::error;
use crate::protocol::tfplugin6::Diagnostic;
use lifetimes::TenantPlan;
pub use provider_config::ProviderModel;
use provider_config::{Configured, Env, ProcessEnv};
use tenancy::Tenancy;

/// The provider's address in the public registry layout, used by `--debug`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/tfauth0/auth0";

/// Why the provider stopped its Auth0 calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Terraform's StopProvider: Terraform was interrupted (Ctrl-C, or a SIGTERM it got).
    Requested,
    /// The provider process received SIGTERM: a cancelled CI job signals Terraform's whole
    /// process group, providers included.
    Sigterm,
}

/// What an Auth0 call does to the tenant, for the message of one that was interrupted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    Read,
    Write,
}

/// Stops the provider's Auth0 calls from outside the RPCs (the signal handler): calls in
/// flight end with an "Interrupted" error, and later ones fail at once. The first reason
/// given is kept.
#[derive(Clone)]
pub struct Stopper(watch::Sender<Option<Stop>>);

impl Stopper {
    pub fn stop(&self, why: Stop) {
        self.0.send_if_modified(|s| {
            let first = s.is_none();
            if first {
                *s = Some(why);
            }
            first
        });
    }
}

pub struct Auth0Provider {
    configured: Mutex<Option<Arc<Configured>>>,
    /// tenant_plan seen by ValidateProviderConfig, for warnings at validate time.
    validated_plan: Mutex<Option<TenantPlan>>,
    stop: Stopper,
    env: Box<dyn Env + Send + Sync>,
    /// What this process has seen of each tenant (see [`tenancy`]).
    pub(crate) tenancy: Tenancy,
}

/// A failed API call, for callers that must know whether the tenant may have changed.
pub(crate) struct Failed {
    pub diag: Diagnostic,
    /// The request may have reached Auth0 and been applied: no answer, a 5xx, an
    /// unreadable answer, or a stop while it was in flight.
    pub maybe_applied: bool,
}

impl Default for Auth0Provider {
    fn default() -> Self {
        Self::new()
    }
}

/// A failed call as a diagnostic. `credentials` names the credentials in use and where
/// each came from, for the errors about them.
fn api_diag(e: &ApiError, credentials: Option<&str>) -> Diagnostic {
    let creds = |lead: &str, join: &str| match credentials {
        Some(c) => format!("{lead}{join}{c}"),
        None => lead.to_string(),
    };
    // Whatever went wrong at the token endpoint, the user's question is "why no token?".
    let summary = match e.kind {
        _ if e.at_token_endpoint() => creds("Could not get an Auth0 access token", " with "),
        ApiErrorKind::Unauthorized => creds("Auth0 rejected the credentials", ": "),
        ApiErrorKind::Forbidden => creds("Auth0 refused the request (missing permission)", ": "),
        ApiErrorKind::BadRequest if e.method == "PATCH" => "Auth0 rejected the settings".into(),
        ApiErrorKind::BadRequest => "Auth0 rejected the request".into(),
        ApiErrorKind::Refused => match e.status {
            Some(s) => format!("Auth0 refused the request (HTTP {s})"),
            None => "Auth0 refused the request".into(),
        },
        ApiErrorKind::NotFound => "Auth0 Management API not found at this domain".into(),
        ApiErrorKind::RateLimited => "Auth0 rate limit: gave up waiting".into(),
        ApiErrorKind::Server => "Auth0 server error".into(),
        ApiErrorKind::Timeout => "Auth0 did not answer in time".into(),
        ApiErrorKind::Connection => "Could not reach Auth0".into(),
        // The body of a redirect is not the point: where it leads is (the detail says).
        ApiErrorKind::InvalidResponse if matches!(e.status, Some(300..=399)) => {
            "Auth0 redirected the request".into()
        }
        ApiErrorKind::InvalidResponse => "Unreadable answer from Auth0".into(),
        ApiErrorKind::TokenEndpoint => "Could not get an Auth0 access token".into(),
    };
    error(summary, e.text(&provider_config::SettingNames))
}

/// The error of a call stopped for `why`: `in_flight` when it had started (a PATCH may
/// have reached Auth0), else it was never sent.
fn stopped_diag(why: Stop, kind: CallKind, in_flight: bool) -> Diagnostic {
    let (summary, cause) = match why {
        Stop::Requested => (
            "Interrupted",
            "Terraform asked the provider to stop (Ctrl-C, or a SIGTERM sent to Terraform)",
        ),
        Stop::Sigterm => (
            "Interrupted by SIGTERM",
            "The provider received SIGTERM (a cancelled CI job sends it to Terraform and its \
             providers alike)",
        ),
    };
    let outcome = match (in_flight, kind) {
        (true, CallKind::Write) => {
            "before Auth0 answered its PATCH. The PATCH may or may not have reached the tenant; \
             the next plan reads the tenant and shows what it holds."
        }
        (true, CallKind::Read) => {
            "before Auth0 answered a read of the tenant's settings. Nothing was changed in the \
             tenant."
        }
        (false, _) => "before this call to Auth0 was made. Nothing was sent to the tenant.",
    };
    error(summary, format!("{cause} {outcome}"))
}

impl Auth0Provider {
    pub fn new() -> Self {
        Self::with_env(Box::new(ProcessEnv))
    }

    pub fn with_env(env: Box<dyn Env + Send + Sync>) -> Self {
        Auth0Provider {
            configured: Mutex::new(None),
            validated_plan: Mutex::new(None),
            stop: Stopper(watch::channel(None).0),
            env,
            tenancy: Tenancy::with_shared_claims(claims::Claims::for_this_process()),
        }
    }

    /// The provider's settings, once ConfigureProvider has run.
    pub(crate) fn configured(&self) -> Result<Arc<Configured>, Diagnostic> {
        self.configured
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                error(
                    "Provider not configured",
                    "Terraform called the provider before configuring it. This is a bug in Terraform or the provider.",
                )
            })
    }

    fn set_configured(&self, c: Configured) {
        *self.configured.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(c));
    }

    /// The configured tenant (`host[:port]`), once ConfigureProvider has run.
    pub(crate) fn domain(&self) -> Option<String> {
        self.configured().ok().map(|c| c.domain.clone())
    }

    /// The tenant plan for system-limit warnings: configured, else seen at validate, else
    /// from the environment.
    pub(crate) fn tenant_plan(&self) -> Option<TenantPlan> {
        if let Ok(c) = self.configured() {
            return c.tenant_plan;
        }
        let validated = *self
            .validated_plan
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        validated.or_else(|| provider_config::env_tenant_plan(self.env.as_ref()))
    }

    fn set_validated_plan(&self, plan: Option<TenantPlan>) {
        *self
            .validated_plan
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = plan;
    }

    /// Runs an API call unless or until the provider is stopped.
    pub(crate) async fn call<T>(
        &self,
        kind: CallKind,
        fut: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, Diagnostic> {
        self.call_tracked(kind, fut).await.map_err(|f| f.diag)
    }

    /// [`Self::call`], saying whether a failed call may still have changed the tenant.
    pub(crate) async fn call_tracked<T>(
        &self,
        kind: CallKind,
        fut: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, Failed> {
        let credentials = self.configured().ok().and_then(|c| c.credentials.clone());
        let mut stop = self.stop.0.subscribe();
        let stopped_before = *stop.borrow();
        if let Some(why) = stopped_before {
            return Err(Failed {
                diag: stopped_diag(why, kind, false),
                maybe_applied: false,
            });
        }
        let write = kind == CallKind::Write;
        tokio::select! {
            r = fut => r.map_err(|e| Failed {
                diag: api_diag(&e, credentials.as_deref()),
                maybe_applied: write
                    && !e.at_token_endpoint()
                    && matches!(
                        e.kind,
                        ApiErrorKind::Server
                            | ApiErrorKind::Timeout
                            | ApiErrorKind::Connection
                            | ApiErrorKind::InvalidResponse
                    ),
            }),
            why = stop.wait_for(Option::is_some) => {
                let why = why.ok().and_then(|w| *w).unwrap_or(Stop::Requested);
                Err(Failed { diag: stopped_diag(why, kind, true), maybe_applied: write })
            }
        }
    }

    /// A handle that stops this provider's Auth0 calls (for the SIGTERM handler).
    pub fn stopper(&self) -> Stopper {
        self.stop.clone()
    }

    /// StopProvider: cancel every call in flight, and refuse new ones.
    fn stop(&self) {
        self.stop.stop(Stop::Requested);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_call_says_why_and_whether_the_tenant_may_have_changed() {
        for why in [Stop::Requested, Stop::Sigterm] {
            let d = stopped_diag(why, CallKind::Write, true);
            assert!(d.summary.starts_with("Interrupted"), "{d:?}");
            assert!(d.detail.contains("may or may not have reached"), "{d:?}");
            let d = stopped_diag(why, CallKind::Read, true);
            assert!(d.detail.contains("Nothing was changed"), "{d:?}");
            for kind in [CallKind::Read, CallKind::Write] {
                let d = stopped_diag(why, kind, false);
                assert!(d.detail.contains("Nothing was sent"), "{d:?}");
            }
        }
        assert!(stopped_diag(Stop::Sigterm, CallKind::Write, true)
            .summary
            .contains("SIGTERM"));
        assert!(stopped_diag(Stop::Requested, CallKind::Write, true)
            .detail
            .contains("Ctrl-C"));
    }

    #[tokio::test]
    async fn the_first_reason_to_stop_is_kept() {
        let p = Auth0Provider::new();
        p.stopper().stop(Stop::Sigterm);
        p.stop();
        let never = std::future::pending::<Result<(), ApiError>>();
        let f = p.call_tracked(CallKind::Write, never).await.unwrap_err();
        assert!(f.diag.summary.contains("SIGTERM"), "{:?}", f.diag);
        assert!(!f.maybe_applied, "stopped before it was sent");
    }

    #[tokio::test]
    async fn a_stop_ends_a_call_in_flight() {
        let p = Auth0Provider::new();
        let stopper = p.stopper();
        let never = std::future::pending::<Result<(), ApiError>>();
        let call = p.call_tracked(CallKind::Write, never);
        let stop = async {
            tokio::task::yield_now().await;
            stopper.stop(Stop::Sigterm);
        };
        let (r, ()) = tokio::join!(call, stop);
        let f = r.unwrap_err();
        assert!(
            f.maybe_applied && f.diag.summary.contains("SIGTERM"),
            "{:?}",
            f.diag
        );
    }
}
