//! The Auth0 calls the lifecycle shares, and the bookkeeping around an apply.

use tf_provider::value::Value;

use super::desired::Desired;
use super::model::{OriginalSettings, PrivateState, SessionModel};
use super::state::state_after_apply;
use crate::auth0::{Client, SessionSettings};
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::provider_config::Configured;
use crate::provider::resource::Applied;
use crate::provider::{Auth0Provider, CallKind, Failed};

/// One read of the configured tenant's settings.
pub(super) async fn read_tenant(
    p: &Auth0Provider,
    c: &Configured,
) -> Result<SessionSettings, Diagnostic> {
    let client = c.client()?;
    p.call(CallKind::Read, client.read_session_settings()).await
}

/// The configuration of an apply: as Terraform sent it (its spellings) and as read once.
pub(super) struct Configuration<'a> {
    pub model: &'a SessionModel,
    pub desired: &'a Desired,
}

/// Sends the configuration, one PATCH of every configured value (or one read when it
/// sets nothing and `already_read` is not given), and builds the new state from Auth0's
/// answer, carrying `originals`.
pub(super) async fn send_configuration(
    p: &Auth0Provider,
    client: &Client,
    domain: &str,
    planned: &SessionModel,
    cfg: Configuration<'_>,
    originals: &Option<OriginalSettings>,
    already_read: Option<SessionSettings>,
) -> Result<(SessionModel, Vec<Diagnostic>), Failed> {
    let body = cfg.desired.update();
    let actual = match (body.is_empty(), already_read) {
        (true, Some(s)) => s,
        (true, None) => {
            p.call_tracked(CallKind::Read, client.read_session_settings())
                .await?
        }
        (false, _) => {
            p.call_tracked(CallKind::Write, client.update_session_settings(&body))
                .await?
        }
    };
    p.tenancy.wrote(domain, originals.as_ref());
    let (mut st, d) = state_after_apply(planned, Some(cfg.model), &body, &actual, domain);
    st.original_settings = originals.clone().map_or(Value::Null, Value::Value);
    Ok((st, d))
}

/// What every apply of an existing object starts with: its private state, and the
/// originals its state records noted for a replacement in this process.
pub(super) fn begin_apply(
    p: &Auth0Provider,
    prior: &SessionModel,
    planned_private: &[u8],
) -> PrivateState {
    let private = PrivateState::decode(planned_private);
    if let Some(t) = prior.tenant() {
        let legacy = private.legacy_originals();
        p.tenancy
            .saw_state(t, prior.originals().or(legacy.as_ref()));
    }
    private
}

/// An apply's answer. The private state carries the version 0 originals only while the
/// state does not hold them yet; nothing once the object is gone.
pub(super) fn applied(
    state: Value<SessionModel>,
    diagnostics: Vec<Diagnostic>,
    private: &PrivateState,
) -> Applied<SessionModel> {
    let legacy = match &state {
        Value::Value(st) if st.originals().is_none() => private.originals.clone(),
        _ => None,
    };
    let private = PrivateState {
        originals: legacy,
        ..PrivateState::default()
    };
    Applied {
        state,
        private: private.encode(),
        diagnostics,
    }
}
