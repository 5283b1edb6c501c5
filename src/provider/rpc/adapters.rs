//! The shared preamble of every RPC, written once: for every [`Resource`] and
//! [`DataSource`], the adapter that decodes Terraform's values into the type's model,
//! takes the provider's configuration where the step needs Auth0, calls the type's one
//! method, and encodes the state, identity and private state it returns.

use serde::Serialize;
use tf_provider::value::Value;

use crate::protocol::codec::{self, CodecError};
use crate::protocol::diagnostics::{error, path};
use crate::protocol::tfplugin6::{self as pb, Diagnostic};
use crate::provider::resource::{
    decode_private, encode_private, CreateRequest, DataSource, DeleteRequest, Identity, MoveFrom,
    PlanRequest, ReadRequest, Resource, Unsupported, UpdateRequest,
};
use crate::provider::schema::BlockSchema;
use crate::provider::shared::Shared;

pub(super) fn codec_diag(what: &str, e: CodecError) -> Diagnostic {
    error(
        format!("Malformed {what}"),
        format!("Terraform sent a {what} this provider could not read: {e}. This is a bug in Terraform or the provider."),
    )
}

pub(super) fn encode_or_diag<T: Serialize>(
    v: &T,
    diags: &mut Vec<Diagnostic>,
) -> Option<pb::DynamicValue> {
    match codec::encode(v) {
        Ok(dv) => Some(dv),
        Err(e) => {
            diags.push(error("Internal error", e.to_string()));
            None
        }
    }
}

fn identity_data<I: Serialize>(id: Option<I>) -> Option<pb::ResourceIdentityData> {
    let dv = codec::encode(&id?).ok()?;
    Some(pb::ResourceIdentityData {
        identity_data: Some(dv),
    })
}

/// The value, or `None` with its diagnostic added to the response's: the step stops there.
fn take<T>(r: Result<T, Diagnostic>, diagnostics: &mut Vec<Diagnostic>) -> Option<T> {
    r.map_err(|d| diagnostics.push(d)).ok()
}

/// A resource type as the RPC layer drives it: one method per RPC, taking and giving
/// protocol messages. Implemented once, for every [`Resource`].
#[tonic::async_trait]
pub(crate) trait ResourceRpc: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> BlockSchema;
    /// `None` for a type without identity.
    fn identity_schema(&self) -> Option<pb::ResourceIdentitySchema>;
    /// `None` for a type `terraform query` cannot list.
    fn list_schema(&self) -> Option<BlockSchema>;
    fn validate(&self, p: &Shared, config: Option<&pb::DynamicValue>) -> Vec<Diagnostic>;
    fn upgrade(
        &self,
        p: &Shared,
        req: pb::upgrade_resource_state::Request,
    ) -> pb::upgrade_resource_state::Response;
    fn upgrade_identity(
        &self,
        req: pb::upgrade_resource_identity::Request,
    ) -> pb::upgrade_resource_identity::Response;
    async fn read(
        &self,
        p: &Shared,
        req: pb::read_resource::Request,
    ) -> pb::read_resource::Response;
    fn plan(
        &self,
        p: &Shared,
        req: pb::plan_resource_change::Request,
    ) -> pb::plan_resource_change::Response;
    async fn apply(
        &self,
        p: &Shared,
        req: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response;
    async fn import(
        &self,
        p: &Shared,
        req: pb::import_resource_state::Request,
    ) -> pb::import_resource_state::Response;
    fn generate_config(
        &self,
        req: pb::generate_resource_config::Request,
    ) -> pb::generate_resource_config::Response;
    async fn list(
        &self,
        p: &Shared,
        req: pb::list_resource::Request,
    ) -> Vec<pb::list_resource::Event>;
    fn move_state(
        &self,
        req: pb::move_resource_state::Request,
    ) -> pb::move_resource_state::Response;
}

/// The model of a resource's value, or the diagnostic of a value that is not one.
fn decode<R: Resource>(
    what: &str,
    v: Option<&pb::DynamicValue>,
) -> Result<Value<R::Model>, Diagnostic> {
    codec::decode_value::<R::Model>(v).map_err(|e| codec_diag(what, e))
}

#[tonic::async_trait]
impl<R: Resource> ResourceRpc for R {
    fn type_name(&self) -> &'static str {
        R::TYPE_NAME
    }

    fn schema(&self) -> BlockSchema {
        Resource::schema(self)
    }

    fn identity_schema(&self) -> Option<pb::ResourceIdentitySchema> {
        R::Identity::schema()
    }

    fn list_schema(&self) -> Option<BlockSchema> {
        Resource::list_schema(self)
    }

    fn validate(&self, p: &Shared, config: Option<&pb::DynamicValue>) -> Vec<Diagnostic> {
        match decode::<R>("resource configuration", config) {
            Ok(Value::Value(cfg)) => Resource::validate(self, p, &cfg),
            Ok(_) => vec![],
            Err(d) => vec![d],
        }
    }

    fn upgrade(
        &self,
        p: &Shared,
        req: pb::upgrade_resource_state::Request,
    ) -> pb::upgrade_resource_state::Response {
        let mut resp = pb::upgrade_resource_state::Response::default();
        let json = req.raw_state.map(|r| r.json).unwrap_or_default();
        match Resource::upgrade(self, p, req.version, &json) {
            Ok(st) => resp.upgraded_state = encode_or_diag(&st, &mut resp.diagnostics),
            Err(d) => resp.diagnostics.push(d),
        }
        resp
    }

    fn upgrade_identity(
        &self,
        req: pb::upgrade_resource_identity::Request,
    ) -> pb::upgrade_resource_identity::Response {
        let mut resp = pb::upgrade_resource_identity::Response::default();
        if R::Identity::schema().is_none() {
            resp.diagnostics
                .push(Unsupported::Identity.diagnostic(R::TYPE_NAME));
            return resp;
        }
        let json = req.raw_identity.map(|r| r.json).unwrap_or_default();
        let upgraded = codec::decode_json::<R::Identity>(&json)
            .map_err(|e| codec_diag("resource identity", e))
            .and_then(|id| R::Identity::upgrade(req.version, id));
        match upgraded {
            Ok(id) => {
                resp.upgraded_identity = Some(pb::ResourceIdentityData {
                    identity_data: encode_or_diag(&id, &mut resp.diagnostics),
                })
            }
            Err(d) => resp.diagnostics.push(d),
        }
        resp
    }

    async fn read(
        &self,
        p: &Shared,
        req: pb::read_resource::Request,
    ) -> pb::read_resource::Response {
        let mut resp = pb::read_resource::Response {
            private: req.private.clone(),
            ..Default::default()
        };
        let Some(state) = take(
            decode::<R>("state", req.current_state.as_ref()),
            &mut resp.diagnostics,
        ) else {
            return resp;
        };
        let Value::Value(state) = state else {
            resp.new_state = Some(codec::null());
            return resp;
        };
        let Some(configured) = take(p.configured(), &mut resp.diagnostics) else {
            return resp;
        };
        let read = ReadRequest {
            state,
            private: decode_private(&req.private),
        };
        let out = Resource::read(self, p, &configured, read).await;
        resp.diagnostics = out.diagnostics;
        if let Some(private) = out.private {
            resp.private = encode_private(&private);
        }
        match out.state {
            Some(st) => {
                resp.new_identity = identity_data(self.identity(&st));
                resp.new_state = encode_or_diag(&st, &mut resp.diagnostics);
            }
            None => {
                resp.new_state = req.current_state;
                resp.new_identity = req.current_identity;
            }
        }
        resp
    }

    fn plan(
        &self,
        p: &Shared,
        req: pb::plan_resource_change::Request,
    ) -> pb::plan_resource_change::Response {
        let mut resp = pb::plan_resource_change::Response {
            planned_private: req.prior_private.clone(),
            ..Default::default()
        };
        let decoded =
            decode::<R>("proposed state", req.proposed_new_state.as_ref()).and_then(|proposed| {
                Ok((
                    proposed,
                    decode::<R>("prior state", req.prior_state.as_ref())?,
                ))
            });
        let Some((proposed, prior)) = take(decoded, &mut resp.diagnostics) else {
            return resp;
        };
        let prior = prior.as_option();
        let prior_private = decode_private(&req.prior_private);
        if proposed.is_null() {
            resp.planned_state = Some(codec::null());
            if let Some(prior) = &prior {
                resp.diagnostics = self.plan_destroy(p, prior, &prior_private);
            }
            return resp;
        }
        let Some(config) = take(
            decode::<R>("configuration", req.config.as_ref()),
            &mut resp.diagnostics,
        ) else {
            return resp;
        };
        let config = config.as_option().unwrap_or_default();
        let plan = PlanRequest {
            prior,
            config,
            prior_private,
            planned_private: decode_private(&req.planned_private),
        };
        let out = Resource::plan(self, p, plan);
        resp.diagnostics = out.diagnostics;
        resp.requires_replace = out.requires_replace.into_iter().map(path).collect();
        if let Some(private) = out.private {
            resp.planned_private = encode_private(&private);
        }
        if let Some(planned) = out.planned {
            resp.planned_identity = identity_data(self.identity(&planned));
            resp.planned_state = encode_or_diag(&planned, &mut resp.diagnostics);
        }
        resp
    }

    async fn apply(
        &self,
        p: &Shared,
        req: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response {
        let mut resp = pb::apply_resource_change::Response::default();
        let decoded = (|| {
            Ok::<_, Diagnostic>((
                decode::<R>("prior state", req.prior_state.as_ref())?,
                decode::<R>("planned state", req.planned_state.as_ref())?,
                decode::<R>("configuration", req.config.as_ref())?,
            ))
        })();
        let Some((prior, planned, config)) = take(decoded, &mut resp.diagnostics) else {
            return resp;
        };
        let Some(configured) = take(p.configured(), &mut resp.diagnostics) else {
            resp.new_state = req.prior_state;
            return resp;
        };
        let c = &configured;
        let planned_private = decode_private(&req.planned_private);
        let out = match (prior, planned, config) {
            (Value::Value(prior), Value::Null, _) => {
                let delete = DeleteRequest {
                    prior,
                    planned_private,
                };
                self.delete(p, c, delete).await
            }
            (Value::Null, Value::Value(planned), Value::Value(config)) => {
                let create = CreateRequest {
                    planned,
                    config,
                    planned_private,
                };
                self.create(p, c, create).await
            }
            (Value::Value(prior), Value::Value(planned), Value::Value(config)) => {
                let update = UpdateRequest {
                    prior,
                    planned,
                    config,
                    planned_private,
                };
                self.update(p, c, update).await
            }
            (Value::Null, Value::Null, _) => {
                resp.new_state = Some(codec::null());
                return resp;
            }
            _ => {
                resp.diagnostics.push(error(
                    "Unexpected apply request",
                    "Terraform sent an apply with unknown values or without a configuration. This is a \
                     bug in Terraform or the provider.",
                ));
                resp.new_state = Some(codec::null());
                return resp;
            }
        };
        resp.diagnostics = out.diagnostics;
        if let Value::Value(st) = &out.state {
            resp.new_identity = identity_data(self.identity(st));
            resp.private = encode_private(&out.private);
        }
        resp.new_state = encode_or_diag(&out.state, &mut resp.diagnostics);
        resp
    }

    async fn import(
        &self,
        p: &Shared,
        req: pb::import_resource_state::Request,
    ) -> pb::import_resource_state::Response {
        let mut resp = pb::import_resource_state::Response::default();
        let imported = async {
            let configured = p.configured()?;
            let identity = match req.identity.as_ref().and_then(|i| i.identity_data.as_ref()) {
                Some(dv) => Some(
                    codec::decode::<R::Identity>(Some(dv))
                        .map_err(|e| codec_diag("import identity", e))?,
                ),
                None => None,
            };
            Resource::import(self, p, &configured, &req.id, identity).await
        };
        match imported.await {
            Ok((st, diags)) => {
                resp.diagnostics = diags;
                let state = encode_or_diag(&st, &mut resp.diagnostics);
                resp.imported_resources
                    .push(pb::import_resource_state::ImportedResource {
                        type_name: R::TYPE_NAME.into(),
                        state,
                        private: Vec::new(),
                        identity: identity_data(self.identity(&st)),
                    });
            }
            Err(d) => resp.diagnostics.push(d),
        }
        resp
    }

    fn generate_config(
        &self,
        req: pb::generate_resource_config::Request,
    ) -> pb::generate_resource_config::Response {
        let mut resp = pb::generate_resource_config::Response::default();
        match decode::<R>("state", req.state.as_ref()) {
            Ok(Value::Value(st)) => match Resource::generate_config(self, &st) {
                Ok(cfg) => resp.config = encode_or_diag(&cfg, &mut resp.diagnostics),
                Err(d) => resp.diagnostics.push(d),
            },
            Ok(_) => resp.config = Some(codec::null()),
            Err(d) => resp.diagnostics.push(d),
        }
        resp
    }

    async fn list(
        &self,
        p: &Shared,
        req: pb::list_resource::Request,
    ) -> Vec<pb::list_resource::Event> {
        let failed = |d: Diagnostic| pb::list_resource::Event {
            diagnostic: vec![d],
            ..Default::default()
        };
        if Resource::list_schema(self).is_none() {
            return vec![failed(Unsupported::List.diagnostic(R::TYPE_NAME))];
        }
        let configured = match p.configured() {
            Ok(c) => c,
            Err(d) => return vec![failed(d)],
        };
        let found = Resource::list(self, p, &configured, req.include_resource_object).await;
        let mut event = pb::list_resource::Event {
            identity: identity_data(found.identity),
            display_name: found.display_name,
            diagnostic: found.diagnostics,
            ..Default::default()
        };
        if let Some(object) = &found.object {
            event.resource_object = encode_or_diag(object, &mut event.diagnostic);
        }
        vec![event]
    }

    fn move_state(
        &self,
        req: pb::move_resource_state::Request,
    ) -> pb::move_resource_state::Response {
        let mut resp = pb::move_resource_state::Response::default();
        let json = req.source_state.map(|s| s.json).unwrap_or_default();
        let from = MoveFrom {
            type_name: &req.source_type_name,
            provider_address: &req.source_provider_address,
            schema_version: req.source_schema_version,
            state_json: &json,
        };
        match Resource::move_state(self, from) {
            Ok(st) => resp.target_state = encode_or_diag(&st, &mut resp.diagnostics),
            Err(d) => resp.diagnostics.push(d),
        }
        resp
    }
}

/// A data source type as the RPC layer drives it. Implemented once, for every
/// [`DataSource`].
#[tonic::async_trait]
pub(crate) trait DataSourceRpc: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> BlockSchema;
    fn validate(&self, config: Option<&pb::DynamicValue>) -> Vec<Diagnostic>;
    async fn read(
        &self,
        p: &Shared,
        req: pb::read_data_source::Request,
    ) -> pb::read_data_source::Response;
}

#[tonic::async_trait]
impl<D: DataSource> DataSourceRpc for D {
    fn type_name(&self) -> &'static str {
        D::TYPE_NAME
    }

    fn schema(&self) -> BlockSchema {
        DataSource::schema(self)
    }

    fn validate(&self, config: Option<&pb::DynamicValue>) -> Vec<Diagnostic> {
        match codec::decode_value::<D::Model>(config) {
            Ok(_) => vec![],
            Err(e) => vec![codec_diag("data source configuration", e)],
        }
    }

    async fn read(
        &self,
        p: &Shared,
        req: pb::read_data_source::Request,
    ) -> pb::read_data_source::Response {
        let mut resp = pb::read_data_source::Response::default();
        let read = async {
            let config = codec::decode_value::<D::Model>(req.config.as_ref())
                .map_err(|e| codec_diag("data source configuration", e))?;
            let configured = p.configured()?;
            DataSource::read(self, p, &configured, config.as_option().unwrap_or_default()).await
        };
        match read.await {
            Ok(st) => resp.state = encode_or_diag(&st, &mut resp.diagnostics),
            Err(d) => resp.diagnostics.push(d),
        }
        resp
    }
}
