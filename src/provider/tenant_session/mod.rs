//! The `auth0_tenant_session` resource: a tenant's session lifetimes, exactly as the
//! configuration says, one API call per change.
//!
//! Each lifetime has two spellings, hours (`session_lifetime`) and whole minutes
//! (`session_lifetime_in_minutes`). At most one is configured; the other is computed from
//! it. Values are compared at minute precision (168 = 168.0 = 10080 minutes), and the
//! spelling the user wrote is kept in state so a plan never shows a change that is only a
//! matter of notation.
//!
//! The resource's identity is its tenant (`id`, the provider's domain). What the tenant
//! held before Terraform managed it is kept in state (`original_settings`), where every
//! plan and apply path can see it, so that `restore_on_destroy` puts back the right values
//! in the right tenant.
//!
//! This file is the lifecycle ([`TenantSession`], one method per step); the rules are
//! pure functions beside it: `validate`, `plan` (planned states and PATCH bodies),
//! `state` (the state each step leaves), `model` (the versioned types), `schema`, and
//! `messages`.

mod calls;
mod decide;
mod desired;
mod messages;
mod model;
mod plan;
mod schema;
mod state;
#[cfg(test)]
mod test_support;
mod validate;

use tf_provider::value::Value;

pub use desired::{Desired, Wanted, WantedCookie};
pub use messages::{check_import_id, other_tenant_error, CURRENT_TENANT_ID};
pub use model::{
    same_tenant, upgrade, LegacyOriginals, OriginalSettings, PrivateState, SessionIdentity,
    SessionModel, SCHEMA_VERSION,
};
pub use plan::{has_unknown, plan, restore_update, writes};
pub use schema::{identity_schema, list_schema, schema};
pub use state::{
    display_name, generated_config, state_after_apply, state_after_failed_create, state_after_read,
    state_from_import,
};
pub use validate::validate;

use super::claims::Claims;
use super::lifetimes::{Echo, Lifetime};
use super::provider_config::Configured;
use super::resource::{
    Applied, CreateRequest, DeleteRequest, Identity, Listed, MoveFrom, PlanRequest, PlanResponse,
    ReadRequest, ReadResponse, Resource, Unsupported, UpdateRequest,
};
use super::schema::BlockSchema;
use super::shared::{CallKind, Shared};
use super::tenancy::{self, Tenancy};
use crate::auth0::SessionSettings;
use crate::protocol::tfplugin6::{Diagnostic, ResourceIdentitySchema};
use calls::{begin_apply, read_tenant, send_configuration, Configuration};
use decide::{CreateOriginals, Delete, Update};

pub const TYPE_NAME: &str = "auth0_tenant_session";

/// The `auth0_tenant_session` resource type, and what one provider process has seen of
/// each tenant (see [`tenancy`]): only this resource needs it.
pub struct TenantSession {
    tenancy: Tenancy<OriginalSettings>,
}

impl TenantSession {
    /// The resource of this process, sharing its claims with the other provider processes
    /// of its Terraform process.
    pub fn new() -> TenantSession {
        TenantSession {
            tenancy: Tenancy::with_shared_claims(Claims::for_this_process()),
        }
    }
}

impl Default for TenantSession {
    fn default() -> Self {
        Self::new()
    }
}

impl Identity for SessionIdentity {
    fn schema() -> Option<ResourceIdentitySchema> {
        Some(identity_schema())
    }

    fn upgrade(version: i64, identity: SessionIdentity) -> Result<SessionIdentity, Diagnostic> {
        model::upgrade_identity(version, identity)
    }
}

#[tonic::async_trait]
impl Resource for TenantSession {
    type Model = SessionModel;
    type Private = PrivateState;
    type Identity = SessionIdentity;

    const TYPE_NAME: &'static str = TYPE_NAME;

    fn schema(&self) -> BlockSchema {
        schema()
    }

    fn list_schema(&self) -> Option<BlockSchema> {
        Some(list_schema())
    }

    fn validate(&self, p: &Shared, cfg: &SessionModel) -> Vec<Diagnostic> {
        // Before ConfigureProvider (the validate phase) the known values are the
        // configuration's own literals; later ones may come from sensitive variables,
        // which Terraform does not mark on the wire.
        let echo = if p.domain().is_none() {
            Echo::Value
        } else {
            Echo::Hidden
        };
        validate(cfg, p.tenant_plan(), echo)
    }

    fn upgrade(&self, _: &Shared, version: i64, json: &[u8]) -> Result<SessionModel, Diagnostic> {
        if json.is_empty() {
            return Err(messages::unreadable_state());
        }
        let st = upgrade(version, json)?;
        if let Some(t) = st.tenant() {
            self.tenancy.saw_state(t, st.originals());
        }
        Ok(st)
    }

    fn identity(&self, state: &SessionModel) -> Option<SessionIdentity> {
        state.tenant().map(identity_of)
    }

    /// Refresh: one read of the tenant, never of another tenant than the object's.
    async fn read(&self, p: &Shared, c: &Configured, req: ReadRequest<Self>) -> ReadResponse<Self> {
        let domain = &c.domain;
        if let Some(t) = req.state.tenant().filter(|t| !same_tenant(t, domain)) {
            // Another tenant's object: nothing of this tenant may be read into it.
            let w = messages::not_refreshed_warning(t, domain);
            return ReadResponse::unchanged(vec![w]);
        }
        let mut private = req.private;
        let legacy = private.legacy_originals();
        let settings = match read_tenant(p, c).await {
            Ok(s) => s,
            Err(d) => return ReadResponse::unchanged(vec![d]),
        };
        let st = state_after_read(&req.state, &settings, domain, legacy.as_ref());
        self.tenancy.saw_state(domain, st.originals());
        if st.originals().is_some() {
            // The originals live in the state now.
            private.originals = None;
        }
        ReadResponse {
            state: Some(st),
            private: Some(private),
            diagnostics: vec![],
        }
    }

    /// Plan of a create or an update: refused for an object of another tenant that would
    /// restore, a replacement for one that would not, and refused when a second resource
    /// claims the tenant.
    fn plan(&self, p: &Shared, req: PlanRequest<Self>) -> PlanResponse<Self> {
        let private = req.prior_private;
        let legacy = private.legacy_originals();
        let domain = p.domain();
        let prior = req.prior.as_ref();
        // The plan Terraform (1.16+) makes again while applying a saved plan made for
        // another tenant.
        let planned_for = req.planned_private.planned_for;
        if let (Some(planned_for), Some(d)) = (&planned_for, &domain) {
            if !same_tenant(planned_for, d) {
                return PlanResponse::refused(vec![messages::saved_plan_other_tenant_error(
                    planned_for,
                    d,
                )]);
            }
        }
        if let Some(t) = prior.and_then(SessionModel::tenant) {
            let originals = prior.and_then(SessionModel::originals).or(legacy.as_ref());
            self.tenancy.saw_state(t, originals);
        }
        // An object of another tenant than the provider's: with originals to restore it
        // cannot go anywhere; without, it is replaced (forgotten, and the provider's
        // tenant taken over), which the plan shows.
        let moving_from = match (prior, &domain) {
            (Some(prior), Some(d)) => prior.tenant().filter(|t| !same_tenant(t, d)),
            _ => None,
        };
        if let (Some(from), Some(d), Some(prior)) = (moving_from, &domain, prior) {
            if prior.restores_on_destroy() {
                return PlanResponse::refused(vec![other_tenant_error(from, d, true)]);
            }
        }
        // An update compares the configuration, read once, with the prior state.
        let update = prior.map(|prior| (prior, Desired::read(&req.config, Echo::Hidden)));
        // ignore_changes on one spelling of a configured lifetime.
        if let Some((prior, desired)) = &update {
            let conflicts: Vec<Diagnostic> = Lifetime::ALL
                .into_iter()
                .filter_map(|l| {
                    validate::twin_conflict(prior, &req.config, desired, l)
                        .map(|c| messages::twin_conflict_error(l, c))
                })
                .collect();
            if !conflicts.is_empty() {
                return PlanResponse::refused(conflicts);
            }
        }
        let mut planned = plan(
            update.as_ref().map(|(prior, desired)| (*prior, desired)),
            &req.config,
            domain.as_deref(),
            legacy.as_ref(),
        );
        let mut resp = PlanResponse::default();
        if let (Some(from), Some(d)) = (moving_from, &domain) {
            planned.id = Value::Value(d.clone());
            resp.requires_replace.push("id");
            resp.diagnostics
                .push(messages::moves_tenant_warning(from, d));
        }
        // One claim per plan; the second plan of a -replace carries the first one's token
        // in the private state Terraform hands it.
        let (token, creates) = match (prior, private.plan_claim) {
            (None, Some(t)) => (t, false),
            (None, None) => (tenancy::token(), true),
            (Some(_), _) => (tenancy::token(), false),
        };
        if let Some(d) = &domain {
            if let Err(c) = self.tenancy.claim(d, token, creates) {
                resp.diagnostics.push(c.diagnostic(d));
                return PlanResponse::refused(resp.diagnostics);
            }
        }
        let planned_private = PrivateState {
            originals: private.originals,
            plan_claim: Some(token),
            planned_for: domain.clone(),
        };
        resp.private = Some(planned_private);
        resp.planned = Some(planned);
        resp
    }

    /// Plan of a destroy: it must not restore into another tenant, nor race a new
    /// resource taking the tenant over.
    fn plan_destroy(
        &self,
        p: &Shared,
        prior: &SessionModel,
        private: &PrivateState,
    ) -> Vec<Diagnostic> {
        let legacy = private.legacy_originals();
        let Some(t) = prior.tenant() else {
            return vec![];
        };
        self.tenancy
            .saw_state(t, prior.originals().or(legacy.as_ref()));
        let Some(domain) = p.domain() else {
            return vec![];
        };
        if !prior.restores_on_destroy() {
            return vec![];
        }
        if !same_tenant(t, &domain) {
            return vec![other_tenant_error(t, &domain, true)];
        }
        if prior.originals().is_none() && legacy.is_none() {
            return vec![];
        }
        match self.tenancy.plan_restoring_destroy(t) {
            Ok(()) => vec![],
            Err(c) => vec![c.diagnostic(t)],
        }
    }

    /// Create: take the settings over by asserting every configured value. The originals
    /// come from the object this one replaces, or from one read when restore is on.
    async fn create(&self, p: &Shared, c: &Configured, req: CreateRequest<Self>) -> Applied<Self> {
        self.tenancy.applying();
        let private = req.planned_private;
        let (domain, planned) = (&c.domain, &req.planned);
        let done = |state, diags| applied(state, diags, &private);
        // Every value is known now: checked again, and read once for the PATCH.
        let desired = Desired::read(&req.config, Echo::Hidden);
        let errors = desired.errors();
        if !errors.is_empty() {
            return done(Value::Null, errors);
        }
        let client = match c.client() {
            Ok(client) => client,
            Err(d) => return done(Value::Null, vec![d]),
        };
        let mut before: Option<SessionSettings> = None;
        let inherited = self.tenancy.inherited(domain);
        let originals = match decide::create_originals(inherited, &planned.restore_on_destroy) {
            CreateOriginals::Inherited(o) => Some(o),
            CreateOriginals::ReadFirst => {
                match p.call(CallKind::Read, client.read_session_settings()).await {
                    Ok(s) => {
                        before = Some(s);
                        Some(OriginalSettings::from_settings(&s))
                    }
                    Err(d) => return done(Value::Null, vec![d]),
                }
            }
            CreateOriginals::None => None,
        };
        let sent = send_configuration(
            p,
            client,
            domain,
            planned,
            Configuration {
                model: &req.config,
                desired: &desired,
            },
            &originals,
            before,
        );
        match (sent.await, originals) {
            (Ok((st, d)), originals) => {
                self.tenancy.wrote(domain, originals.as_ref());
                done(Value::Value(st), d)
            }
            // The tenant may hold the new values now. Keep the object (Terraform taints
            // it) so the originals are not forgotten; its replacement inherits them.
            (Err(f), Some(o)) if f.maybe_applied => {
                let before = before.unwrap_or_else(|| o.settings());
                let st = state_after_failed_create(planned, &before, &o, domain);
                let note = messages::kept_for_originals_warning(&o);
                done(Value::Value(st), vec![f.diag, note])
            }
            (Err(f), _) => done(Value::Null, vec![f.diag]),
        }
    }

    /// Update: one PATCH of every configured value when the plan changes anything, else
    /// the plan is the new state.
    async fn update(&self, p: &Shared, c: &Configured, req: UpdateRequest<Self>) -> Applied<Self> {
        self.tenancy.applying();
        let private = req.planned_private;
        begin_apply(&self.tenancy, &req.prior, &private);
        let (domain, prior, cfg) = (&c.domain, &req.prior, &req.config);
        let done = |state, diags| applied(state, diags, &private);
        let keep = |diags| applied(Value::Value(prior.clone()), diags, &private);
        let desired = Desired::read(cfg, Echo::Hidden);
        let legacy = private.legacy_originals();
        let originals = match decide::update(prior, &req.planned, cfg, &desired, domain, legacy) {
            Update::RefuseOtherTenant { tenant, restores } => {
                return keep(vec![other_tenant_error(&tenant, domain, restores)])
            }
            Update::Invalid(errors) => return keep(errors),
            Update::Keep(st) => return done(Value::Value(*st), vec![]),
            Update::Patch { originals } => originals,
        };
        let client = match c.client() {
            Ok(client) => client,
            Err(d) => return keep(vec![d]),
        };
        let sent = send_configuration(
            p,
            client,
            domain,
            &req.planned,
            Configuration {
                model: cfg,
                desired: &desired,
            },
            &originals,
            None,
        );
        match sent.await {
            Ok((st, d)) => {
                self.tenancy.wrote(domain, originals.as_ref());
                done(Value::Value(st), d)
            }
            Err(f) => keep(vec![f.diag]),
        }
    }

    /// Destroy: forget the object, first putting back the tenant's original settings when
    /// `restore_on_destroy` is true, but never into another tenant and never over values a
    /// replacement wrote in this run.
    async fn delete(&self, p: &Shared, c: &Configured, req: DeleteRequest<Self>) -> Applied<Self> {
        self.tenancy.applying();
        let private = req.planned_private;
        begin_apply(&self.tenancy, &req.prior, &private);
        let (domain, prior) = (&c.domain, &req.prior);
        let gone = |diags| applied(Value::Null, diags, &private);
        let keep = |diags| applied(Value::Value(prior.clone()), diags, &private);
        let legacy = private.legacy_originals();
        let originals = match decide::delete(prior, domain, legacy, self.tenancy.written(domain)) {
            Delete::Forget => return gone(vec![messages::forget_warning()]),
            Delete::RefuseOtherTenant { tenant } => {
                return keep(vec![other_tenant_error(&tenant, domain, true)])
            }
            Delete::NothingToRestore => return gone(vec![messages::nothing_to_restore_warning()]),
            Delete::WrittenSince(o) => {
                return gone(vec![messages::not_restored_warning(domain, &o)])
            }
            Delete::Restore(o) => o,
        };
        let client = match c.client() {
            Ok(client) => client,
            Err(d) => return keep(vec![d]),
        };
        tracing::info!("restoring the tenant's original session settings");
        let body = restore_update(&originals);
        match p
            .call(CallKind::Write, client.update_session_settings(&body))
            .await
        {
            Ok(_) => gone(vec![]),
            Err(d) => keep(vec![d]),
        }
    }

    /// Import by ID or identity: both must name the provider's tenant; one read.
    async fn import(
        &self,
        p: &Shared,
        c: &Configured,
        id: &str,
        identity: Option<SessionIdentity>,
    ) -> Result<(SessionModel, Vec<Diagnostic>), Diagnostic> {
        let domain = &c.domain;
        // Import by ID names the tenant too: its domain, or the placeholder `current`.
        if identity.is_none() || !id.is_empty() {
            check_import_id(id, domain)?;
        }
        if let Some(SessionIdentity {
            tenant_domain: Value::Value(named),
        }) = &identity
        {
            if named != domain {
                return Err(messages::identity_other_tenant_error(named, domain));
            }
        }
        let settings = read_tenant(p, c).await?;
        let st = state_from_import(&settings, domain);
        self.tenancy.saw_state(domain, st.originals());
        Ok((st, vec![]))
    }

    fn generate_config(&self, state: &SessionModel) -> Result<SessionModel, Diagnostic> {
        Ok(generated_config(state))
    }

    /// Not supported; an object of another type becomes this one by import.
    fn move_state(&self, from: MoveFrom<'_>) -> Result<SessionModel, Diagnostic> {
        let part = Unsupported::Move {
            from_type: from.type_name,
            from_provider: from.provider_address,
            hint: Some("import it instead (terraform import)"),
        };
        Err(part.diagnostic(TYPE_NAME))
    }

    /// `terraform query`: the tenant the provider is configured for, read with one GET.
    /// Never writes.
    async fn list(&self, p: &Shared, c: &Configured, include_resource: bool) -> Listed<Self> {
        let settings = match read_tenant(p, c).await {
            Ok(s) => s,
            Err(d) => return Listed::failed(d),
        };
        Listed {
            identity: Some(identity_of(&c.domain)),
            display_name: display_name(&c.domain, &settings),
            object: include_resource.then(|| state_from_import(&settings, &c.domain)),
            diagnostics: vec![],
        }
    }
}

fn identity_of(tenant: &str) -> SessionIdentity {
    SessionIdentity {
        tenant_domain: Value::Value(tenant.to_string()),
    }
}

/// An apply's answer. The private state carries the version 0 originals only while the
/// state does not hold them yet; nothing once the object is gone.
fn applied(
    state: Value<SessionModel>,
    diagnostics: Vec<Diagnostic>,
    private: &PrivateState,
) -> Applied<TenantSession> {
    let legacy = match &state {
        Value::Value(st) if st.originals().is_none() => private.originals.clone(),
        _ => None,
    };
    Applied {
        state,
        private: PrivateState {
            originals: legacy,
            ..PrivateState::default()
        },
        diagnostics,
    }
}
