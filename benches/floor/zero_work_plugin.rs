//! The floor of a Terraform plugin, for `make bench` only (`cargo build --release --features
//! zero-work-plugin --bin zero-work-plugin`; never shipped): the project's
//! own transport (`protocol::serve`: handshake line, AutoMTLS, the side services), one
//! resource type `zero_work` whose every step echoes what Terraform sent, and nothing
//! else: no provider settings, no Auth0, no validation. `scripts/bench.py` plans one
//! `zero_work` beside one `auth0_tenant_session`, so the ratio of the two is what the
//! provider's own work costs above what any plugin costs.
#![forbid(unsafe_code)]

use tfauth0::protocol::tfplugin6::{self as pb, provider_server::Provider};
use tfauth0::protocol::{serve, ServeMode};
use tonic::{Request, Response, Status};

/// A default (empty) answer, for the RPCs a plan never needs. Written as `async_trait`
/// expands an `async fn`, since it does not look inside a macro's output.
macro_rules! empty {
    ($($name:ident: $msg:ident),* $(,)?) => {$(
        fn $name<'life0, 'async_trait>(
            &'life0 self,
            _: Request<pb::$msg::Request>,
        ) -> std::pin::Pin<
            Box<
                dyn std::future::Future<Output = Result<Response<pb::$msg::Response>, Status>>
                    + Send
                    + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(std::future::ready(Ok(Response::new(Default::default()))))
        }
    )*};
}

struct ZeroWork;

fn schema() -> pb::Schema {
    pb::Schema {
        version: 0,
        block: Some(pb::schema::Block {
            attributes: vec![pb::schema::Attribute {
                name: "input".into(),
                r#type: br#""number""#.to_vec(),
                optional: true,
                ..Default::default()
            }],
            ..Default::default()
        }),
    }
}

#[tonic::async_trait]
impl Provider for ZeroWork {
    type ListResourceStream = futures::stream::Empty<Result<pb::list_resource::Event, Status>>;

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(pb::Schema {
                version: 0,
                block: Some(Default::default()),
            }),
            resource_schemas: [("zero_work".to_string(), schema())].into(),
            ..Default::default()
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let json = req
            .into_inner()
            .raw_state
            .map(|s| s.json)
            .unwrap_or_default();
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: Some(pb::DynamicValue {
                msgpack: vec![],
                json,
            }),
            ..Default::default()
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        Ok(Response::new(pb::read_resource::Response {
            new_state: req.into_inner().current_state,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state: req.into_inner().proposed_new_state,
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state: req.into_inner().planned_state,
            ..Default::default()
        }))
    }

    async fn list_resource(
        &self,
        _: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        Ok(Response::new(futures::stream::empty()))
    }

    empty! {
        get_metadata: get_metadata,
        validate_provider_config: validate_provider_config,
        validate_resource_config: validate_resource_config,
        validate_data_resource_config: validate_data_resource_config,
        get_resource_identity_schemas: get_resource_identity_schemas,
        upgrade_resource_identity: upgrade_resource_identity,
        configure_provider: configure_provider,
        import_resource_state: import_resource_state,
        move_resource_state: move_resource_state,
        read_data_source: read_data_source,
        generate_resource_config: generate_resource_config,
        validate_list_resource_config: validate_list_resource_config,
        get_functions: get_functions,
        stop_provider: stop_provider,
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    if let Err(e) = rt.block_on(serve(ZeroWork, ServeMode::Managed)) {
        eprintln!("zero-work-plugin: {e}");
        std::process::exit(1);
    }
}
