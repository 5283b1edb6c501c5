//! The `tfplugin6.Provider` service: dispatch only. Each RPC finds its resource or data
//! source type by name in the [`Registry`] and hands the request to that type's adapter
//! (`adapters`), which wraps one method of the type's `Resource` or `DataSource`
//! implementation.

pub(crate) mod adapters;
pub(crate) mod registry;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use tf_provider::value::Value;
use tonic::{Request, Response, Status};

use super::provider_config::{self, Env, ProviderModel};
use super::resource::Unsupported;
use super::shared::{Shared, Stopper};
use crate::protocol::codec;
use crate::protocol::tfplugin6::{self as pb, provider_server::Provider};
use adapters::codec_diag;
use registry::Registry;

/// The provider: what every step shares, and the types it serves.
pub struct Auth0Provider {
    shared: Shared,
    types: Registry,
}

impl Default for Auth0Provider {
    fn default() -> Self {
        Self::new()
    }
}

impl Auth0Provider {
    pub fn new() -> Self {
        Auth0Provider {
            shared: Shared::default(),
            types: Registry::default(),
        }
    }

    pub fn with_env(env: Box<dyn Env + Send + Sync>) -> Self {
        Auth0Provider {
            shared: Shared::with_env(env),
            types: Registry::default(),
        }
    }

    /// A provider serving these types (tests serve types of their own).
    #[cfg(test)]
    pub(crate) fn with_types(env: Box<dyn Env + Send + Sync>, types: Registry) -> Self {
        Auth0Provider {
            shared: Shared::with_env(env),
            types,
        }
    }

    /// A handle that stops this provider's Auth0 calls (for the SIGTERM handler).
    pub fn stopper(&self) -> Stopper {
        self.shared.stopper()
    }

    pub fn provider_schema(&self) -> pb::get_provider_schema::Response {
        let types = &self.types;
        pb::get_provider_schema::Response {
            provider: Some(provider_config::schema().to_proto()),
            resource_schemas: types
                .resources()
                .map(|r| (r.type_name().to_string(), r.schema().to_proto()))
                .collect(),
            data_source_schemas: types
                .data_sources()
                .map(|d| (d.type_name().to_string(), d.schema().to_proto()))
                .collect(),
            diagnostics: vec![],
            provider_meta: None,
            server_capabilities: Some(server_capabilities()),
            list_resource_schemas: types
                .resources()
                .filter_map(|r| Some((r.type_name().to_string(), r.list_schema()?.to_proto())))
                .collect(),
        }
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

type R<T> = Result<Response<T>, Status>;

// The service's signatures are tonic's; this only wraps a response in them.
#[allow(clippy::result_large_err)]
fn ok<T>(v: T) -> R<T> {
    Ok(Response::new(v))
}

#[tonic::async_trait]
impl Provider for Auth0Provider {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> R<pb::get_metadata::Response> {
        let types = &self.types;
        ok(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: vec![],
            data_sources: types
                .data_sources()
                .map(|d| pb::get_metadata::DataSourceMetadata {
                    type_name: d.type_name().into(),
                })
                .collect(),
            resources: types
                .resources()
                .map(|r| pb::get_metadata::ResourceMetadata {
                    type_name: r.type_name().into(),
                })
                .collect(),
            list_resources: types
                .resources()
                .filter(|r| r.list_schema().is_some())
                .map(|r| pb::get_metadata::ListResourceMetadata {
                    type_name: r.type_name().into(),
                })
                .collect(),
        })
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> R<pb::get_provider_schema::Response> {
        ok(self.provider_schema())
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> R<pb::validate_provider_config::Response> {
        let req = req.into_inner();
        let diagnostics = match codec::decode_value::<ProviderModel>(req.config.as_ref()) {
            Ok(Value::Value(m)) => {
                if let Value::Value(p) = &m.tenant_plan {
                    self.shared
                        .set_validated_plan(super::lifetimes::TenantPlan::parse(p));
                }
                provider_config::validate(&m)
            }
            Ok(_) => vec![],
            Err(e) => vec![codec_diag("provider configuration", e)],
        };
        ok(pb::validate_provider_config::Response { diagnostics })
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> R<pb::configure_provider::Response> {
        let req = req.into_inner();
        let model = match codec::decode_value::<ProviderModel>(req.config.as_ref()) {
            Ok(m) => m.as_option().unwrap_or_default(),
            Err(e) => {
                return ok(pb::configure_provider::Response {
                    diagnostics: vec![codec_diag("provider configuration", e)],
                })
            }
        };
        let diagnostics = match provider_config::configure(&model, self.shared.env.as_ref()) {
            Ok((c, warnings)) => {
                tracing::debug!(domain = %c.domain, "provider configured");
                self.shared.set_configured(c);
                warnings
            }
            Err(errors) => errors,
        };
        ok(pb::configure_provider::Response { diagnostics })
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> R<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        let diagnostics = match self.types.resource(&req.type_name) {
            Ok(r) => r.validate(&self.shared, req.config.as_ref()),
            Err(d) => vec![d],
        };
        ok(pb::validate_resource_config::Response { diagnostics })
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> R<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let diagnostics = match self.types.data_source(&req.type_name) {
            Ok(d) => d.validate(req.config.as_ref()),
            Err(d) => vec![d],
        };
        ok(pb::validate_data_resource_config::Response { diagnostics })
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> R<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.type_name) {
            Ok(r) => r.upgrade(&self.shared, req),
            Err(d) => pb::upgrade_resource_state::Response {
                diagnostics: vec![d],
                ..Default::default()
            },
        })
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> R<pb::get_resource_identity_schemas::Response> {
        ok(pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .types
                .resources()
                .filter_map(|r| Some((r.type_name().to_string(), r.identity_schema()?)))
                .collect::<HashMap<_, _>>(),
            diagnostics: vec![],
        })
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> R<pb::upgrade_resource_identity::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.type_name) {
            Ok(r) => r.upgrade_identity(req),
            Err(d) => pb::upgrade_resource_identity::Response {
                diagnostics: vec![d],
                ..Default::default()
            },
        })
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> R<pb::read_resource::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.type_name) {
            Ok(r) => r.read(&self.shared, req).await,
            Err(d) => pb::read_resource::Response {
                diagnostics: vec![d],
                private: req.private,
                ..Default::default()
            },
        })
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> R<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.type_name) {
            Ok(r) => r.plan(&self.shared, req),
            Err(d) => pb::plan_resource_change::Response {
                diagnostics: vec![d],
                planned_private: req.prior_private,
                ..Default::default()
            },
        })
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> R<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.type_name) {
            Ok(r) => r.apply(&self.shared, req).await,
            Err(d) => pb::apply_resource_change::Response {
                diagnostics: vec![d],
                ..Default::default()
            },
        })
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> R<pb::import_resource_state::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.type_name) {
            Ok(r) => r.import(&self.shared, req).await,
            Err(d) => pb::import_resource_state::Response {
                diagnostics: vec![d],
                ..Default::default()
            },
        })
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> R<pb::move_resource_state::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.target_type_name) {
            Ok(r) => r.move_state(req),
            Err(d) => pb::move_resource_state::Response {
                diagnostics: vec![d],
                ..Default::default()
            },
        })
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> R<pb::read_data_source::Response> {
        let req = req.into_inner();
        ok(match self.types.data_source(&req.type_name) {
            Ok(d) => d.read(&self.shared, req).await,
            Err(d) => pb::read_data_source::Response {
                diagnostics: vec![d],
                ..Default::default()
            },
        })
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> R<pb::generate_resource_config::Response> {
        let req = req.into_inner();
        ok(match self.types.resource(&req.type_name) {
            Ok(r) => r.generate_config(req),
            Err(d) => pb::generate_resource_config::Response {
                diagnostics: vec![d],
                ..Default::default()
            },
        })
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> R<pb::validate_list_resource_config::Response> {
        let req = req.into_inner();
        // A list block's configuration has no attributes: the type is all there is to check.
        let diagnostics = match self.types.resource(&req.type_name) {
            Ok(r) if r.list_schema().is_none() => {
                vec![Unsupported::List.diagnostic(r.type_name())]
            }
            Ok(_) => vec![],
            Err(d) => vec![d],
        };
        ok(pb::validate_list_resource_config::Response { diagnostics })
    }

    type ListResourceStream = std::pin::Pin<
        Box<dyn futures::Stream<Item = Result<pb::list_resource::Event, Status>> + Send>,
    >;

    /// `terraform query`. Never writes.
    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> R<Self::ListResourceStream> {
        let req = req.into_inner();
        let events = if req.limit <= 0 {
            vec![]
        } else {
            match self.types.resource(&req.type_name) {
                Ok(r) => r.list(&self.shared, req).await,
                Err(d) => vec![pb::list_resource::Event {
                    diagnostic: vec![d],
                    ..Default::default()
                }],
            }
        };
        ok(Box::pin(futures::stream::iter(events.into_iter().map(Ok))))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> R<pb::get_functions::Response> {
        ok(pb::get_functions::Response::default())
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> R<pb::stop_provider::Response> {
        tracing::info!("Terraform asked the provider to stop; cancelling calls in flight");
        self.shared.stop();
        ok(pb::stop_provider::Response::default())
    }
}
