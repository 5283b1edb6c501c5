//! The Auth0 calls the lifecycle shares, and the bookkeeping around an apply.

use tf_provider::value::Value;

use super::desired::Desired;
use super::model::{OriginalSettings, PrivateState, SessionModel};
use super::state::state_after_apply;
use crate::auth0::{Client, SessionSettings};
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::provider_config::Configured;
use crate::provider::shared::{CallKind, Failed, Shared};
use crate::provider::tenancy::Tenancy;

/// One read of the configured tenant's settings.
pub(super) async fn read_tenant(p: &Shared, c: &Configured) -> Result<SessionSettings, Diagnostic> {
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
/// answer, carrying `originals`. The caller notes the write in its tenancy registry.
pub(super) async fn send_configuration(
    p: &Shared,
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
    let (mut st, d) = state_after_apply(planned, Some(cfg.model), &body, &actual, domain);
    st.original_settings = originals.clone().map_or(Value::Null, Value::Value);
    Ok((st, d))
}

/// What every apply of an existing object starts with: the originals its state records
/// (or its version 0 private state kept), noted for a replacement in this process.
pub(super) fn begin_apply(
    tenancy: &Tenancy<OriginalSettings>,
    prior: &SessionModel,
    private: &PrivateState,
) {
    if let Some(t) = prior.tenant() {
        let legacy = private.legacy_originals();
        tenancy.saw_state(t, prior.originals().or(legacy.as_ref()));
    }
}
