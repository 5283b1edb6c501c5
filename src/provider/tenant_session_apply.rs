//! The `auth0_tenant_session` calls that reach Auth0: apply (create, update, destroy) and
//! list. Each takes what the RPC shell in `mod.rs` decoded, makes at most one write, and
//! returns the new state with its diagnostics; the rules themselves are the pure
//! functions of `tenant_session`.

use tf_provider::value::Value;

use super::lifetimes::{self, Echo};
use super::tenant_session::{
    self, same_tenant, OriginalSettings, PrivateState, SessionModel, TYPE_NAME,
};
use super::{codec_diag, encode_or_diag, identity_data, Auth0Provider};
use crate::auth0::SessionSettings;
use crate::protocol::codec;
use crate::protocol::diagnostics::{error, warning};
use crate::protocol::tfplugin6::{self as pb, Diagnostic};

impl Auth0Provider {
    /// The one result of a list: the configured tenant, or a diagnostic.
    pub(super) async fn list_tenant(
        &self,
        req: &pb::list_resource::Request,
    ) -> pb::list_resource::Event {
        let failed = |d: Diagnostic| pb::list_resource::Event {
            diagnostic: vec![d],
            ..Default::default()
        };
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            return failed(d);
        }
        let configured = match self.configured() {
            Ok(c) => c,
            Err(d) => return failed(d),
        };
        let domain = configured.domain.clone();
        let client = match configured.client() {
            Ok(c) => c,
            Err(d) => return failed(d),
        };
        let settings = match self.call(client.read_session_settings()).await {
            Ok(s) => s,
            Err(d) => return failed(d),
        };
        let mut event = pb::list_resource::Event {
            identity: identity_data(&domain),
            display_name: tenant_session::display_name(&domain, &settings),
            ..Default::default()
        };
        if req.include_resource_object {
            let st = tenant_session::state_from_import(&settings, &domain);
            event.resource_object = encode_or_diag(&st, &mut event.diagnostic);
        }
        event
    }

    pub(super) async fn apply(
        &self,
        req: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response {
        let mut resp = pb::apply_resource_change::Response::default();
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            resp.diagnostics.push(d);
            return resp;
        }
        self.tenancy.applying();
        let decoded = (|| {
            Ok::<_, Diagnostic>((
                codec::decode::<Value<SessionModel>>(req.prior_state.as_ref())
                    .map_err(|e| codec_diag("prior state", e))?,
                codec::decode::<Value<SessionModel>>(req.planned_state.as_ref())
                    .map_err(|e| codec_diag("planned state", e))?,
                codec::decode::<Value<SessionModel>>(req.config.as_ref())
                    .map_err(|e| codec_diag("configuration", e))?,
            ))
        })();
        let (prior, planned, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                resp.diagnostics.push(d);
                return resp;
            }
        };
        let configured = match self.configured() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                resp.new_state = req.prior_state;
                return resp;
            }
        };
        let client = configured.client();
        let domain = configured.domain.clone();
        let private = PrivateState::decode(&req.planned_private);
        if let Value::Value(p) = &prior {
            if let Some(t) = p.tenant() {
                self.tenancy
                    .saw_state(t, p.originals().or(private.legacy_originals().as_ref()));
            }
        }
        let (state, diags) = match (prior, planned, config) {
            (Value::Value(prior), Value::Null, _) => {
                self.apply_destroy(client, &domain, prior, &private).await
            }
            (Value::Null, Value::Value(planned), Value::Value(cfg)) => {
                self.apply_create(client, &domain, &planned, &cfg).await
            }
            (Value::Value(prior), Value::Value(planned), Value::Value(cfg)) => {
                self.apply_update(client, &domain, prior, &planned, &cfg, &private)
                    .await
            }
            (Value::Null, Value::Null, _) => (Value::Null, vec![]),
            _ => (
                Value::Null,
                vec![error(
                    "Unexpected apply request",
                    "Terraform sent an apply with unknown values or without a configuration. This is a \
                     bug in Terraform or the provider.",
                )],
            ),
        };
        resp.diagnostics = diags;
        if let Value::Value(st) = &state {
            resp.new_identity = st.tenant().and_then(identity_data);
            // Originals now live in the state; private state carries nothing further.
            let legacy = if st.originals().is_some() {
                None
            } else {
                private.originals.clone()
            };
            resp.private = PrivateState {
                originals: legacy,
                plan_claim: None,
            }
            .encode();
        }
        resp.new_state = encode_or_diag(&state, &mut resp.diagnostics);
        resp
    }

    /// Destroy: forget the object, first putting back the tenant's original settings when
    /// `restore_on_destroy` is true, but never into another tenant and never over values a
    /// replacement wrote in this run.
    async fn apply_destroy(
        &self,
        client: Result<&crate::auth0::Client, Diagnostic>,
        domain: &str,
        prior: SessionModel,
        private: &PrivateState,
    ) -> (Value<SessionModel>, Vec<Diagnostic>) {
        if !prior.restores_on_destroy() {
            return (Value::Null, vec![tenant_session::forget_warning()]);
        }
        if let Some(t) = prior.tenant().filter(|t| !same_tenant(t, domain)) {
            let d = tenant_session::other_tenant_error(t, domain, true);
            return (Value::Value(prior), vec![d]);
        }
        let Some(originals) = prior
            .originals()
            .cloned()
            .or_else(|| private.legacy_originals())
        else {
            return (
                Value::Null,
                vec![warning(
                    "Nothing to restore",
                    "restore_on_destroy is true, but this resource recorded no original settings \
                     (original_settings is null: it was created with restore_on_destroy = false and \
                     the setting was not switched on in an apply since). The tenant keeps its current \
                     settings.",
                )],
            );
        };
        if self.tenancy.written(domain) {
            return (
                Value::Null,
                vec![warning(
                    "Original settings not restored: the tenant was taken over in this run",
                    format!(
                        "Another auth0_tenant_session object (the replacement created before this one was \
                         destroyed, as with create_before_destroy) wrote {domain}'s session settings \
                         earlier in this run. Restoring the originals now would overwrite them, so the \
                         tenant keeps them. Terraform gives the provider no way to hand this object's \
                         original_settings to a replacement it creates first, so the replacement recorded \
                         the settings the tenant held when it was created. The settings the tenant had \
                         before Terraform managed it, recorded by this object, were: {}.",
                        describe(&originals)
                    ),
                )],
            );
        }
        let client = match client {
            Ok(c) => c,
            Err(d) => return (Value::Value(prior), vec![d]),
        };
        let body = tenant_session::restore_update(&originals);
        tracing::info!("restoring the tenant's original session settings");
        match self.call(client.update_session_settings(&body)).await {
            Ok(_) => (Value::Null, vec![]),
            Err(d) => (Value::Value(prior), vec![d]),
        }
    }

    /// Create: take the settings over by asserting every configured value. The originals
    /// come from the object this one replaces, or from one read when restore is on.
    async fn apply_create(
        &self,
        client: Result<&crate::auth0::Client, Diagnostic>,
        domain: &str,
        planned: &SessionModel,
        cfg: &SessionModel,
    ) -> (Value<SessionModel>, Vec<Diagnostic>) {
        let errors = config_errors(cfg);
        if !errors.is_empty() {
            return (Value::Null, errors);
        }
        let client = match client {
            Ok(c) => c,
            Err(d) => return (Value::Null, vec![d]),
        };
        let mut before: Option<SessionSettings> = None;
        let originals = match self.tenancy.inherited(domain) {
            Some(o) => Some(o),
            None if planned.restore_on_destroy != Value::Value(false) => {
                match self.call(client.read_session_settings()).await {
                    Ok(s) => {
                        before = Some(s);
                        Some(OriginalSettings::from_settings(&s))
                    }
                    Err(d) => return (Value::Null, vec![d]),
                }
            }
            None => None,
        };
        let body = tenant_session::configured_update(cfg);
        let result = match (body.is_empty(), before) {
            (true, Some(s)) => Ok(s),
            (true, None) => self.call_tracked(client.read_session_settings()).await,
            (false, _) => {
                self.call_tracked(client.update_session_settings(&body))
                    .await
            }
        };
        match result {
            Ok(actual) => {
                self.tenancy.wrote(domain, originals.as_ref());
                let (mut st, d) =
                    tenant_session::state_after_apply(planned, Some(cfg), &body, &actual, domain);
                st.original_settings = originals.map_or(Value::Null, Value::Value);
                (Value::Value(st), d)
            }
            Err(f) => match originals {
                // The tenant may hold the new values now. Keep the object (Terraform taints
                // it) so the originals are not forgotten; its replacement inherits them.
                Some(o) if f.maybe_applied => {
                    let before = before.unwrap_or_else(|| tenant_session::settings_of(&o));
                    let st =
                        tenant_session::state_after_failed_create(planned, &before, &o, domain);
                    let note = warning(
                        "Kept in state to remember the original settings",
                        format!(
                            "The create failed after the tenant may have changed, so Terraform keeps this \
                             object (tainted) with the original settings recorded before the change: {}. \
                             The next apply replaces it and the new object inherits them.",
                            describe(&o)
                        ),
                    );
                    (Value::Value(st), vec![f.diag, note])
                }
                _ => (Value::Null, vec![f.diag]),
            },
        }
    }

    /// Update: one PATCH of every configured value when the plan changes anything, else
    /// the plan is the new state.
    async fn apply_update(
        &self,
        client: Result<&crate::auth0::Client, Diagnostic>,
        domain: &str,
        prior: SessionModel,
        planned: &SessionModel,
        cfg: &SessionModel,
        private: &PrivateState,
    ) -> (Value<SessionModel>, Vec<Diagnostic>) {
        if let Some(t) = prior.tenant().filter(|t| !same_tenant(t, domain)) {
            let d = tenant_session::other_tenant_error(t, domain, prior.restores_on_destroy());
            return (Value::Value(prior), vec![d]);
        }
        let errors = config_errors(cfg);
        if !errors.is_empty() {
            return (Value::Value(prior), errors);
        }
        let originals = match &planned.original_settings {
            Value::Value(o) => Some(o.clone()),
            Value::Null => None,
            // restore_on_destroy was unknown at plan: decide now.
            Value::Unknown => prior
                .originals()
                .cloned()
                .or_else(|| private.legacy_originals())
                .or_else(|| {
                    (cfg.restore_on_destroy == Value::Value(true))
                        .then(|| OriginalSettings::from_state(&prior))
                        .flatten()
                }),
        };
        if !tenant_session::planned_write(&prior, planned) {
            let mut st = planned.clone();
            st.id = prior.id.clone();
            st.restore_on_destroy = match cfg.restore_on_destroy {
                Value::Value(b) => Value::Value(b),
                _ => Value::Value(false),
            };
            st.original_settings = originals.map_or(Value::Null, Value::Value);
            return (Value::Value(st), vec![]);
        }
        let client = match client {
            Ok(c) => c,
            Err(d) => return (Value::Value(prior), vec![d]),
        };
        let body = tenant_session::configured_update(cfg);
        let result = if body.is_empty() {
            self.call(client.read_session_settings()).await
        } else {
            self.call(client.update_session_settings(&body)).await
        };
        match result {
            Ok(actual) => {
                self.tenancy.wrote(domain, originals.as_ref());
                let (mut st, d) =
                    tenant_session::state_after_apply(planned, Some(cfg), &body, &actual, domain);
                st.original_settings = originals.map_or(Value::Null, Value::Value);
                (Value::Value(st), d)
            }
            Err(d) => (Value::Value(prior), vec![d]),
        }
    }
}

/// The errors (not warnings) of a configuration, checked again at apply now that every
/// value is known. Values are not repeated: they may come from sensitive variables.
fn config_errors(cfg: &SessionModel) -> Vec<Diagnostic> {
    let mut diags = tenant_session::validate(cfg, None, Echo::Hidden);
    diags.retain(|d| d.severity == pb::diagnostic::Severity::Error as i32);
    diags
}

/// Originals as a person reads them: `session_lifetime 168 h, ..., cookie persistent`.
fn describe(o: &OriginalSettings) -> String {
    let mut parts: Vec<String> = lifetimes::PAIRS
        .iter()
        .map(|p| {
            let m = o.minutes(p.lifetime);
            if m % 60 == 0 {
                format!("{} {} h", p.hours_attr, m / 60)
            } else {
                format!("{} {m} min", p.hours_attr)
            }
        })
        .collect();
    parts.push(format!("session_cookie_mode {}", o.session_cookie_mode));
    parts.join(", ")
}
