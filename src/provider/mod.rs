//! The Auth0 provider: where the plugin protocol and the Auth0 client meet.
//!
//! [`Auth0Provider`] implements the generated `tfplugin6.Provider` service. Each RPC
//! decodes its values, hands them to the resource or data source module (pure functions
//! plus one API call), and encodes the answer. API calls race against `StopProvider`.

pub mod docs;
pub mod lifetimes;
pub mod provider_config;
pub mod schema;
pub mod tenancy;
pub mod tenant_session;
mod tenant_session_apply;
pub mod tenant_session_data_source;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tokio::sync::watch;
use tonic::{Request, Response, Status};

use crate::auth0::{ApiError, ApiErrorKind};
use crate::protocol::codec::{self, CodecError};
use crate::protocol::diagnostics::{error, warning};
use crate::protocol::tfplugin6::{self as pb, provider_server::Provider, Diagnostic};
use lifetimes::{Echo, TenantPlan};
pub use provider_config::ProviderModel;
use provider_config::{Configured, Env, ProcessEnv};
use tenancy::Tenancy;
use tenant_session::{same_tenant, PrivateState, SessionModel, TYPE_NAME};

/// The provider's address in the public registry layout, used by `--debug`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/tfauth0/auth0";
pub const DATA_SOURCE_TYPE: &str = TYPE_NAME;

/// The resource identity (Terraform 1.12+): the tenant, which has one settings object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionIdentity {
    #[serde(default)]
    pub tenant_domain: Value<String>,
}

pub struct Auth0Provider {
    configured: Mutex<Option<Arc<Configured>>>,
    /// tenant_plan seen by ValidateProviderConfig, for warnings at validate time.
    validated_plan: Mutex<Option<TenantPlan>>,
    stop: watch::Sender<bool>,
    env: Box<dyn Env + Send + Sync>,
    /// What this process has seen of each tenant (see [`tenancy`]).
    tenancy: Tenancy,
}

/// A failed API call, for callers that must know whether the tenant may have changed.
struct Failed {
    diag: Diagnostic,
    /// The request may have reached Auth0 and been applied: no answer, a 5xx, an
    /// unreadable answer, or a stop while it was in flight.
    maybe_applied: bool,
}

impl Default for Auth0Provider {
    fn default() -> Self {
        Self::new()
    }
}

fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: true,
    }
}

fn codec_diag(what: &str, e: CodecError) -> Diagnostic {
    error(
        format!("Malformed {what}"),
        format!("Terraform sent a {what} this provider could not read: {e}. This is a bug in Terraform or the provider."),
    )
}

fn api_diag(e: &ApiError) -> Diagnostic {
    // Whatever went wrong at the token endpoint, the user's question is "why no token?".
    let summary = match e.kind {
        _ if e.path == "/oauth/token" => "Could not get an Auth0 access token".to_string(),
        ApiErrorKind::Unauthorized => "Auth0 rejected the credentials".into(),
        ApiErrorKind::Forbidden => "Auth0 refused the request (missing permission)".into(),
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
        ApiErrorKind::InvalidResponse => "Unreadable answer from Auth0".into(),
        ApiErrorKind::TokenEndpoint => "Could not get an Auth0 access token".into(),
    };
    error(summary, e.to_string())
}

fn stopped_diag() -> Diagnostic {
    error(
        "Interrupted",
        "Terraform asked the provider to stop (Ctrl-C) before Auth0 answered. The change may or may not \
         have reached the tenant; the next plan reads the tenant and shows what it holds.",
    )
}

fn encode_or_diag<T: Serialize>(v: &T, diags: &mut Vec<Diagnostic>) -> Option<pb::DynamicValue> {
    match codec::encode(v) {
        Ok(dv) => Some(dv),
        Err(e) => {
            diags.push(error("Internal error", e.to_string()));
            None
        }
    }
}

fn identity_data(domain: &str) -> Option<pb::ResourceIdentityData> {
    let id = SessionIdentity {
        tenant_domain: Value::Value(domain.to_string()),
    };
    codec::encode(&id).ok().map(|dv| pb::ResourceIdentityData {
        identity_data: Some(dv),
    })
}

impl Auth0Provider {
    pub fn new() -> Self {
        Self::with_env(Box::new(ProcessEnv))
    }

    pub fn with_env(env: Box<dyn Env + Send + Sync>) -> Self {
        Auth0Provider {
            configured: Mutex::new(None),
            validated_plan: Mutex::new(None),
            stop: watch::channel(false).0,
            env,
            tenancy: Tenancy::default(),
        }
    }

    fn configured(&self) -> Result<Arc<Configured>, Diagnostic> {
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

    fn tenant_plan(&self) -> Option<TenantPlan> {
        if let Some(c) = self
            .configured
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            return c.tenant_plan;
        }
        let validated = *self
            .validated_plan
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        validated.or_else(|| {
            self.env
                .get("AUTH0_TENANT_PLAN")
                .and_then(|p| TenantPlan::parse(&p))
        })
    }

    /// Runs an API call unless or until Terraform asks the provider to stop.
    async fn call<T>(
        &self,
        fut: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, Diagnostic> {
        self.call_tracked(fut).await.map_err(|f| f.diag)
    }

    /// [`Self::call`], saying whether a failed call may still have changed the tenant.
    async fn call_tracked<T>(
        &self,
        fut: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, Failed> {
        let mut stop = self.stop.subscribe();
        if *stop.borrow() {
            return Err(Failed {
                diag: stopped_diag(),
                maybe_applied: false,
            });
        }
        tokio::select! {
            r = fut => r.map_err(|e| Failed {
                diag: api_diag(&e),
                maybe_applied: e.path != "/oauth/token"
                    && matches!(
                        e.kind,
                        ApiErrorKind::Server
                            | ApiErrorKind::Timeout
                            | ApiErrorKind::Connection
                            | ApiErrorKind::InvalidResponse
                    ),
            }),
            _ = stop.wait_for(|s| *s) => Err(Failed { diag: stopped_diag(), maybe_applied: true }),
        }
    }

    /// The configured tenant (`host[:port]`), once ConfigureProvider has run.
    fn domain(&self) -> Option<String> {
        self.configured
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|c| c.domain.clone())
    }

    fn check_type(type_name: &str, expected: &str) -> Result<(), Diagnostic> {
        if type_name == expected {
            Ok(())
        } else {
            Err(error(
                "Unknown type",
                format!("This provider has no {type_name:?}; it offers {expected:?}."),
            ))
        }
    }

    pub fn provider_schema() -> pb::get_provider_schema::Response {
        pb::get_provider_schema::Response {
            provider: Some(provider_config::schema().to_proto()),
            resource_schemas: HashMap::from([(
                TYPE_NAME.to_string(),
                tenant_session::schema().to_proto(),
            )]),
            data_source_schemas: HashMap::from([(
                DATA_SOURCE_TYPE.to_string(),
                tenant_session_data_source::schema().to_proto(),
            )]),
            diagnostics: vec![],
            provider_meta: None,
            server_capabilities: Some(server_capabilities()),
            list_resource_schemas: HashMap::from([(
                TYPE_NAME.to_string(),
                tenant_session::list_schema().to_proto(),
            )]),
        }
    }
}

type R<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl Provider for Auth0Provider {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> R<pb::get_metadata::Response> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: vec![],
            data_sources: vec![pb::get_metadata::DataSourceMetadata {
                type_name: DATA_SOURCE_TYPE.into(),
            }],
            resources: vec![pb::get_metadata::ResourceMetadata {
                type_name: TYPE_NAME.into(),
            }],
            list_resources: vec![pb::get_metadata::ListResourceMetadata {
                type_name: TYPE_NAME.into(),
            }],
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> R<pb::get_provider_schema::Response> {
        Ok(Response::new(Self::provider_schema()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> R<pb::validate_provider_config::Response> {
        let req = req.into_inner();
        let diagnostics = match codec::decode::<Value<ProviderModel>>(req.config.as_ref()) {
            Ok(Value::Value(m)) => {
                if let Value::Value(p) = &m.tenant_plan {
                    *self
                        .validated_plan
                        .lock()
                        .unwrap_or_else(|p| p.into_inner()) = TenantPlan::parse(p);
                }
                provider_config::validate(&m)
            }
            Ok(_) => vec![],
            Err(e) => vec![codec_diag("provider configuration", e)],
        };
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics,
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> R<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        let diagnostics = match Self::check_type(&req.type_name, TYPE_NAME) {
            Err(d) => vec![d],
            Ok(()) => match codec::decode::<Value<SessionModel>>(req.config.as_ref()) {
                Ok(Value::Value(cfg)) => {
                    // Before ConfigureProvider (the validate phase) the known values are the
                    // configuration's own literals; later ones may come from sensitive
                    // variables, which Terraform does not mark on the wire.
                    let echo = if self.domain().is_none() {
                        Echo::Value
                    } else {
                        Echo::Hidden
                    };
                    tenant_session::validate(&cfg, self.tenant_plan(), echo)
                }
                Ok(_) => vec![],
                Err(e) => vec![codec_diag("resource configuration", e)],
            },
        };
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics,
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> R<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let diagnostics = match Self::check_type(&req.type_name, DATA_SOURCE_TYPE) {
            Err(d) => vec![d],
            Ok(()) => match codec::decode::<Value<tenant_session_data_source::SessionDataModel>>(
                req.config.as_ref(),
            ) {
                Ok(_) => vec![],
                Err(e) => vec![codec_diag("data source configuration", e)],
            },
        };
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics,
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> R<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let mut resp = pb::upgrade_resource_state::Response::default();
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            resp.diagnostics.push(d);
            return Ok(Response::new(resp));
        }
        let json = req.raw_state.map(|r| r.json).unwrap_or_default();
        if json.is_empty() {
            resp.diagnostics.push(error(
                "Unreadable auth0_tenant_session state",
                "The stored state is empty or in the legacy flatmap format, which this provider never wrote.",
            ));
            return Ok(Response::new(resp));
        }
        match tenant_session::upgrade(req.version, &json) {
            Ok(st) => {
                if let Some(t) = st.tenant() {
                    self.tenancy.saw_state(t, st.originals());
                }
                resp.upgraded_state = encode_or_diag(&st, &mut resp.diagnostics)
            }
            Err(d) => resp.diagnostics.push(d),
        }
        Ok(Response::new(resp))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> R<pb::get_resource_identity_schemas::Response> {
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: HashMap::from([(
                TYPE_NAME.to_string(),
                tenant_session::identity_schema(),
            )]),
            diagnostics: vec![],
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> R<pb::upgrade_resource_identity::Response> {
        let req = req.into_inner();
        let mut resp = pb::upgrade_resource_identity::Response::default();
        let json = req.raw_identity.map(|r| r.json).unwrap_or_default();
        match (req.version, codec::decode_json::<SessionIdentity>(&json)) {
            (0, Ok(id)) => {
                resp.upgraded_identity = Some(pb::ResourceIdentityData {
                    identity_data: encode_or_diag(&id, &mut resp.diagnostics),
                })
            }
            (v, Ok(_)) => resp.diagnostics.push(error(
                "Unknown identity version",
                format!("auth0_tenant_session identity version {v} is newer than this provider knows (0)."),
            )),
            (_, Err(e)) => resp.diagnostics.push(codec_diag("resource identity", e)),
        }
        Ok(Response::new(resp))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> R<pb::configure_provider::Response> {
        let req = req.into_inner();
        let model = match codec::decode::<Value<ProviderModel>>(req.config.as_ref()) {
            Ok(Value::Value(m)) => m,
            Ok(_) => ProviderModel::default(),
            Err(e) => {
                return Ok(Response::new(pb::configure_provider::Response {
                    diagnostics: vec![codec_diag("provider configuration", e)],
                }))
            }
        };
        let diagnostics = match provider_config::configure(&model, self.env.as_ref()) {
            Ok(c) => {
                tracing::debug!(domain = %c.domain, "provider configured");
                *self.configured.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(c));
                provider_config::validate(&model)
            }
            Err(d) => d,
        };
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics,
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> R<pb::read_resource::Response> {
        let req = req.into_inner();
        let mut resp = pb::read_resource::Response {
            private: req.private.clone(),
            ..Default::default()
        };
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            resp.diagnostics.push(d);
            return Ok(Response::new(resp));
        }
        let prior = match codec::decode::<Value<SessionModel>>(req.current_state.as_ref()) {
            Ok(Value::Value(p)) => p,
            Ok(_) => {
                resp.new_state = Some(codec::null());
                return Ok(Response::new(resp));
            }
            Err(e) => {
                resp.diagnostics.push(codec_diag("state", e));
                return Ok(Response::new(resp));
            }
        };
        let configured = match self.configured() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                return Ok(Response::new(resp));
            }
        };
        let domain = configured.domain.clone();
        if let Some(t) = prior.tenant().filter(|t| !same_tenant(t, &domain)) {
            // Another tenant's object: nothing of this tenant may be read into it.
            resp.diagnostics.push(warning(
                "auth0_tenant_session not refreshed: it belongs to another tenant",
                format!(
                    "This object manages tenant {t}, but the provider is configured for {domain}; \
                     its state is left as it was."
                ),
            ));
            resp.new_state = req.current_state;
            resp.new_identity = req.current_identity;
            return Ok(Response::new(resp));
        }
        let client = match configured.client() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                resp.new_state = req.current_state;
                return Ok(Response::new(resp));
            }
        };
        let mut private = PrivateState::decode(&req.private);
        let legacy = private.legacy_originals();
        match self.call(client.read_session_settings()).await {
            Ok(s) => {
                let st = tenant_session::state_after_read(&prior, &s, &domain, legacy.as_ref());
                self.tenancy.saw_state(&domain, st.originals());
                if st.originals().is_some() {
                    // The originals live in the state now.
                    private.originals = None;
                    resp.private = private.encode();
                }
                resp.new_state = encode_or_diag(&st, &mut resp.diagnostics);
                resp.new_identity = identity_data(&domain);
            }
            Err(d) => {
                resp.diagnostics.push(d);
                resp.new_state = req.current_state;
            }
        }
        Ok(Response::new(resp))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> R<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        let mut resp = pb::plan_resource_change::Response {
            planned_private: req.prior_private.clone(),
            ..Default::default()
        };
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            resp.diagnostics.push(d);
            return Ok(Response::new(resp));
        }
        let proposed = match codec::decode::<Value<SessionModel>>(req.proposed_new_state.as_ref()) {
            Ok(v) => v,
            Err(e) => {
                resp.diagnostics.push(codec_diag("proposed state", e));
                return Ok(Response::new(resp));
            }
        };
        let prior = match codec::decode::<Value<SessionModel>>(req.prior_state.as_ref()) {
            Ok(v) => v.as_option(),
            Err(e) => {
                resp.diagnostics.push(codec_diag("prior state", e));
                return Ok(Response::new(resp));
            }
        };
        let private = PrivateState::decode(&req.prior_private);
        let domain = self.domain();
        if let Some(p) = &prior {
            if let Some(t) = p.tenant() {
                self.tenancy
                    .saw_state(t, p.originals().or(private.legacy_originals().as_ref()));
            }
        }
        if proposed.is_null() {
            // Destroy: the plan is null. It must not restore into another tenant, nor
            // race a new resource taking the tenant over.
            resp.planned_state = Some(codec::null());
            if let (Some(p), Some(d)) = (&prior, &domain) {
                let restores = p.restores_on_destroy()
                    && (p.originals().is_some() || private.originals.is_some());
                match p.tenant() {
                    Some(t) if p.restores_on_destroy() && !same_tenant(t, d) => resp
                        .diagnostics
                        .push(tenant_session::other_tenant_error(t, d, true)),
                    Some(t) if restores => {
                        if let Err(c) = self.tenancy.plan_restoring_destroy(t) {
                            resp.diagnostics.push(c.diagnostic(t));
                        }
                    }
                    _ => {}
                }
            }
            return Ok(Response::new(resp));
        }
        let cfg = match codec::decode::<Value<SessionModel>>(req.config.as_ref()) {
            Ok(Value::Value(c)) => c,
            Ok(_) => SessionModel::default(),
            Err(e) => {
                resp.diagnostics.push(codec_diag("configuration", e));
                return Ok(Response::new(resp));
            }
        };
        // An object of another tenant than the provider's: with originals to restore it
        // cannot go anywhere; without, it is replaced (forgotten, and the provider's
        // tenant taken over), which the plan shows.
        let mut moving_from = None;
        if let (Some(p), Some(d)) = (&prior, &domain) {
            if let Some(t) = p.tenant().filter(|t| !same_tenant(t, d)) {
                if p.restores_on_destroy() {
                    resp.diagnostics
                        .push(tenant_session::other_tenant_error(t, d, true));
                    return Ok(Response::new(resp));
                }
                moving_from = Some(t.to_string());
            }
        }
        let legacy = private.legacy_originals();
        let mut planned =
            tenant_session::plan(prior.as_ref(), &cfg, domain.as_deref(), legacy.as_ref());
        if let (Some(from), Some(d)) = (&moving_from, &domain) {
            planned.id = Value::Value(d.clone());
            resp.requires_replace
                .push(crate::protocol::diagnostics::path("id"));
            resp.diagnostics.push(warning(
                "auth0_tenant_session moves to another tenant",
                format!(
                    "This resource managed tenant {from}; the provider is now configured for {d}. \
                     It is replaced: the object of {from} is forgotten ({from} keeps its current \
                     settings, as restore_on_destroy is false) and {d}'s settings are taken over."
                ),
            ));
        }
        // One claim per plan; the second plan of a -replace carries the first one's token
        // in the private state Terraform hands it.
        let (token, creates) = match (&prior, private.plan_claim) {
            (None, Some(t)) => (t, false),
            (None, None) => (tenancy::token(), true),
            (Some(_), _) => (tenancy::token(), false),
        };
        if let Some(d) = &domain {
            if let Err(c) = self.tenancy.claim(d, token, creates) {
                resp.diagnostics.push(c.diagnostic(d));
                return Ok(Response::new(resp));
            }
        }
        resp.planned_private = PrivateState {
            originals: private.originals.clone(),
            plan_claim: Some(token),
        }
        .encode();
        resp.planned_state = encode_or_diag(&planned, &mut resp.diagnostics);
        if let Some(d) = &domain {
            resp.planned_identity = identity_data(d);
        }
        Ok(Response::new(resp))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> R<pb::apply_resource_change::Response> {
        Ok(Response::new(self.apply(req.into_inner()).await))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> R<pb::import_resource_state::Response> {
        let req = req.into_inner();
        let mut resp = pb::import_resource_state::Response::default();
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            resp.diagnostics.push(d);
            return Ok(Response::new(resp));
        }
        let configured = match self.configured() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                return Ok(Response::new(resp));
            }
        };
        let domain = configured.domain.clone();
        // Import by ID names the tenant too: its domain, or the placeholder `current`.
        if req.identity.is_none() || !req.id.is_empty() {
            if let Err(d) = tenant_session::check_import_id(&req.id, &domain) {
                resp.diagnostics.push(d);
                return Ok(Response::new(resp));
            }
        }
        // Import by identity names the tenant; it must be the one the provider manages.
        if let Some(idd) = req.identity.as_ref().and_then(|i| i.identity_data.as_ref()) {
            match codec::decode::<SessionIdentity>(Some(idd)) {
                Ok(SessionIdentity {
                    tenant_domain: Value::Value(d),
                }) if d != domain => {
                    resp.diagnostics.push(error(
                        "Identity names another tenant",
                        format!(
                            "The import identity has tenant_domain = {d:?}, but this provider is configured for \
                             {domain:?}. Use a provider configured for that tenant."
                        ),
                    ));
                    return Ok(Response::new(resp));
                }
                Ok(_) => {}
                Err(e) => {
                    resp.diagnostics.push(codec_diag("import identity", e));
                    return Ok(Response::new(resp));
                }
            }
        }
        let client = match configured.client() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                return Ok(Response::new(resp));
            }
        };
        match self.call(client.read_session_settings()).await {
            Ok(s) => {
                let st = tenant_session::state_from_import(&s, &domain);
                self.tenancy.saw_state(&domain, st.originals());
                let mut diags = vec![];
                let state = encode_or_diag(&st, &mut diags);
                resp.diagnostics.extend(diags);
                resp.imported_resources
                    .push(pb::import_resource_state::ImportedResource {
                        type_name: TYPE_NAME.into(),
                        state,
                        private: Vec::new(),
                        identity: identity_data(&domain),
                    });
            }
            Err(d) => resp.diagnostics.push(d),
        }
        Ok(Response::new(resp))
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> R<pb::move_resource_state::Response> {
        let req = req.into_inner();
        Ok(Response::new(pb::move_resource_state::Response {
            diagnostics: vec![error(
                "Move not supported",
                format!(
                    "{} cannot be moved from {:?} of {}; import it instead (terraform import).",
                    TYPE_NAME, req.source_type_name, req.source_provider_address
                ),
            )],
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> R<pb::read_data_source::Response> {
        let req = req.into_inner();
        let mut resp = pb::read_data_source::Response::default();
        if let Err(d) = Self::check_type(&req.type_name, DATA_SOURCE_TYPE) {
            resp.diagnostics.push(d);
            return Ok(Response::new(resp));
        }
        let configured = match self.configured() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                return Ok(Response::new(resp));
            }
        };
        let client = match configured.client() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                return Ok(Response::new(resp));
            }
        };
        match self.call(client.read_session_settings()).await {
            Ok(s) => {
                let st = tenant_session_data_source::from_settings(&s, &configured.domain);
                resp.state = encode_or_diag(&st, &mut resp.diagnostics);
            }
            Err(d) => resp.diagnostics.push(d),
        }
        Ok(Response::new(resp))
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> R<pb::generate_resource_config::Response> {
        let req = req.into_inner();
        let mut resp = pb::generate_resource_config::Response::default();
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            resp.diagnostics.push(d);
            return Ok(Response::new(resp));
        }
        match codec::decode::<Value<SessionModel>>(req.state.as_ref()) {
            Ok(Value::Value(st)) => {
                let cfg = tenant_session::generated_config(&st);
                resp.config = encode_or_diag(&cfg, &mut resp.diagnostics);
            }
            Ok(_) => resp.config = Some(codec::null()),
            Err(e) => resp.diagnostics.push(codec_diag("state", e)),
        }
        Ok(Response::new(resp))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> R<pb::validate_list_resource_config::Response> {
        let req = req.into_inner();
        let diagnostics = match Self::check_type(&req.type_name, TYPE_NAME) {
            Err(d) => vec![d],
            // The list block's configuration has no attributes: nothing else to check.
            Ok(()) => vec![],
        };
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics,
        }))
    }

    type ListResourceStream = std::pin::Pin<
        Box<dyn futures::Stream<Item = Result<pb::list_resource::Event, Status>> + Send>,
    >;

    /// `terraform query`: the tenant the provider is configured for, read with one GET.
    /// Never writes.
    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> R<Self::ListResourceStream> {
        let req = req.into_inner();
        let events = if req.limit <= 0 {
            vec![]
        } else {
            vec![self.list_tenant(&req).await]
        };
        Ok(Response::new(Box::pin(futures::stream::iter(
            events.into_iter().map(Ok),
        ))))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> R<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response::default()))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> R<pb::stop_provider::Response> {
        tracing::info!("Terraform asked the provider to stop; cancelling calls in flight");
        self.stop.send_replace(true);
        Ok(Response::new(pb::stop_provider::Response::default()))
    }
}
