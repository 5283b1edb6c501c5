//! The Auth0 provider: where the plugin protocol and the Auth0 client meet.
//!
//! [`Auth0Provider`] implements the generated `tfplugin6.Provider` service. Each RPC
//! decodes its values, hands them to the resource or data source module (pure functions
//! plus one API call), and encodes the answer. API calls race against `StopProvider`.

pub mod docs;
pub mod lifetimes;
pub mod provider_config;
pub mod schema;
pub mod tenant_session;
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
use crate::protocol::diagnostics::{error, has_errors, warning};
use crate::protocol::tfplugin6::{self as pb, provider_server::Provider, Diagnostic};
use lifetimes::TenantPlan;
pub use provider_config::ProviderModel;
use provider_config::{Configured, Env, ProcessEnv};
use tenant_session::{PrivateState, SessionModel, TYPE_NAME};

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
        _ if e.path == "/oauth/token" => "Could not get an Auth0 access token",
        ApiErrorKind::Unauthorized => "Auth0 rejected the credentials",
        ApiErrorKind::Forbidden => "Auth0 refused the request (missing permission)",
        ApiErrorKind::BadRequest => "Auth0 rejected the settings",
        ApiErrorKind::NotFound => "Auth0 Management API not found at this domain",
        ApiErrorKind::RateLimited => "Auth0 rate limit: gave up waiting",
        ApiErrorKind::Server => "Auth0 server error",
        ApiErrorKind::Timeout => "Auth0 did not answer in time",
        ApiErrorKind::Connection => "Could not reach Auth0",
        ApiErrorKind::InvalidResponse => "Unreadable answer from Auth0",
        ApiErrorKind::TokenEndpoint => "Could not get an Auth0 access token",
        ApiErrorKind::Cancelled => "Stopped before Auth0 answered",
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
        let mut stop = self.stop.subscribe();
        if *stop.borrow() {
            return Err(stopped_diag());
        }
        tokio::select! {
            r = fut => r.map_err(|e| api_diag(&e)),
            _ = stop.wait_for(|s| *s) => Err(stopped_diag()),
        }
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
        }
    }

    async fn apply(
        &self,
        req: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response {
        let mut resp = pb::apply_resource_change::Response::default();
        if let Err(d) = Self::check_type(&req.type_name, TYPE_NAME) {
            resp.diagnostics.push(d);
            return resp;
        }
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
        let mut private = PrivateState::decode(&req.planned_private);
        let configured = match self.configured() {
            Ok(c) => c,
            Err(d) => {
                resp.diagnostics.push(d);
                resp.new_state = req.prior_state;
                return resp;
            }
        };
        let client = &configured.client;
        let domain = client.domain_id();

        let outcome: (Value<SessionModel>, Vec<Diagnostic>) = match (prior, planned) {
            // Destroy.
            (Value::Value(prior), Value::Null) => {
                if prior.restore_on_destroy == Value::Value(true) {
                    match private.originals.clone() {
                        Some(o) => {
                            let u = tenant_session::restore_update(&prior, &o);
                            if u.is_empty() {
                                (Value::Null, vec![])
                            } else {
                                tracing::info!("restoring the tenant's original session settings");
                                match self.call(client.update_session_settings(&u)).await {
                                    Ok(_) => (Value::Null, vec![]),
                                    Err(d) => (Value::Value(prior), vec![d]),
                                }
                            }
                        }
                        None => (
                            Value::Null,
                            vec![warning(
                                "Nothing to restore",
                                "restore_on_destroy is true, but no original settings were recorded for this \
                                 resource (it was created with restore_on_destroy = false and never changed \
                                 since). The tenant keeps its current settings.",
                            )],
                        ),
                    }
                } else {
                    (Value::Null, vec![tenant_session::forget_warning()])
                }
            }
            // Create: take ownership by asserting every configured field.
            (Value::Null, Value::Value(planned)) => {
                let Value::Value(cfg) = config else {
                    resp.diagnostics.push(error(
                        "Missing configuration",
                        "Create needs a configuration.",
                    ));
                    return resp;
                };
                let mut diags = tenant_session::validate(&cfg, None);
                diags.retain(|d| d.severity == pb::diagnostic::Severity::Error as i32);
                if has_errors(&diags) {
                    (Value::Null, diags)
                } else {
                    let mut failed = None;
                    if planned.restore_on_destroy == Value::Value(true) {
                        match self.call(client.read_session_settings()).await {
                            Ok(s) => {
                                private.originals =
                                    Some(tenant_session::Originals::from_settings(&s))
                            }
                            Err(d) => failed = Some(d),
                        }
                    }
                    match failed {
                        Some(d) => (Value::Null, vec![d]),
                        None => {
                            let u = tenant_session::create_update(&cfg);
                            let r = if u.is_empty() {
                                self.call(client.read_session_settings()).await
                            } else {
                                self.call(client.update_session_settings(&u)).await
                            };
                            match r {
                                Ok(s) => {
                                    let (st, d) = tenant_session::state_after_apply(
                                        &planned,
                                        Some(&cfg),
                                        &s,
                                        &domain,
                                    );
                                    (Value::Value(st), d)
                                }
                                Err(d) => (Value::Null, vec![d]),
                            }
                        }
                    }
                }
            }
            // Update: only what changed.
            (Value::Value(prior), Value::Value(planned)) => {
                let mut diags = match &config {
                    Value::Value(cfg) => tenant_session::validate(cfg, None),
                    _ => vec![],
                };
                diags.retain(|d| d.severity == pb::diagnostic::Severity::Error as i32);
                if has_errors(&diags) {
                    (Value::Value(prior), diags)
                } else {
                    if planned.restore_on_destroy == Value::Value(true)
                        && private.originals.is_none()
                    {
                        // Switched on after create: the best record of "before" is the state
                        // as it stands before this change.
                        private.originals = tenant_session::Originals::from_state(&prior);
                    }
                    let u = tenant_session::change_update(&prior, &planned);
                    // Nothing to send and nothing left unknown: the plan is the new state.
                    let complete = (0..4).all(|i| {
                        let p = planned.pair(i);
                        !p.hours.is_unknown() && !p.minutes.is_unknown()
                    }) && planned.session_cookie_mode.is_value();
                    if u.is_empty() && complete {
                        let mut st = planned.clone();
                        if !st.id.is_value() {
                            st.id = Value::Value(domain.clone());
                        }
                        (Value::Value(st), vec![])
                    } else {
                        let r = if u.is_empty() {
                            self.call(client.read_session_settings()).await
                        } else {
                            self.call(client.update_session_settings(&u)).await
                        };
                        match r {
                            Ok(s) => {
                                let (st, d) = tenant_session::state_after_apply(
                                    &planned,
                                    config.as_ref_option(),
                                    &s,
                                    &domain,
                                );
                                (Value::Value(st), d)
                            }
                            Err(d) => (Value::Value(prior), vec![d]),
                        }
                    }
                }
            }
            (Value::Null, Value::Null) => (Value::Null, vec![]),
            _ => (
                Value::Null,
                vec![error(
                    "Unknown values at apply",
                    "Terraform sent unknown values to apply.",
                )],
            ),
        };
        let (state, diags) = outcome;
        resp.diagnostics = diags;
        if state.is_value() {
            resp.new_identity = identity_data(&domain);
        }
        resp.new_state = encode_or_diag(&state, &mut resp.diagnostics);
        resp.private = private.encode();
        resp
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
                Ok(Value::Value(cfg)) => tenant_session::validate(&cfg, self.tenant_plan()),
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
            Ok(st) => resp.upgraded_state = encode_or_diag(&st, &mut resp.diagnostics),
            Err(d) => resp.diagnostics.push(d),
        }
        Ok(Response::new(resp))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> R<pb::get_resource_identity_schemas::Response> {
        let schema = pb::ResourceIdentitySchema {
            version: 0,
            identity_attributes: vec![pb::resource_identity_schema::IdentityAttribute {
                name: "tenant_domain".into(),
                r#type: b"\"string\"".to_vec(),
                required_for_import: true,
                optional_for_import: false,
                description: "The tenant's domain as configured in the provider (host[:port])."
                    .into(),
            }],
        };
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: HashMap::from([(TYPE_NAME.to_string(), schema)]),
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
                tracing::debug!(domain = %c.client.domain_id(), "provider configured");
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
        let domain = configured.client.domain_id();
        match self.call(configured.client.read_session_settings()).await {
            Ok(s) => {
                let st = tenant_session::state_after_read(&prior, &s, &domain);
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
        if proposed.is_null() {
            // Destroy: the plan is null.
            resp.planned_state = Some(codec::null());
            return Ok(Response::new(resp));
        }
        let prior = match codec::decode::<Value<SessionModel>>(req.prior_state.as_ref()) {
            Ok(v) => v.as_option(),
            Err(e) => {
                resp.diagnostics.push(codec_diag("prior state", e));
                return Ok(Response::new(resp));
            }
        };
        let cfg = match codec::decode::<Value<SessionModel>>(req.config.as_ref()) {
            Ok(Value::Value(c)) => c,
            Ok(_) => SessionModel::default(),
            Err(e) => {
                resp.diagnostics.push(codec_diag("configuration", e));
                return Ok(Response::new(resp));
            }
        };
        let domain = self.configured().ok().map(|c| c.client.domain_id());
        let (planned, diags) = tenant_session::plan(prior.as_ref(), &cfg, domain.as_deref());
        resp.diagnostics.extend(diags);
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
        let domain = configured.client.domain_id();
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
        match self.call(configured.client.read_session_settings()).await {
            Ok(s) => {
                let st = tenant_session::state_from_import(&s, &domain);
                let private = PrivateState {
                    originals: Some(tenant_session::Originals::from_settings(&s)),
                };
                let mut diags = vec![];
                let state = encode_or_diag(&st, &mut diags);
                resp.diagnostics.extend(diags);
                resp.imported_resources
                    .push(pb::import_resource_state::ImportedResource {
                        type_name: TYPE_NAME.into(),
                        state,
                        private: private.encode(),
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
        match self.call(configured.client.read_session_settings()).await {
            Ok(s) => {
                let st =
                    tenant_session_data_source::from_settings(&s, &configured.client.domain_id());
                resp.state = encode_or_diag(&st, &mut resp.diagnostics);
            }
            Err(d) => resp.diagnostics.push(d),
        }
        Ok(Response::new(resp))
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
