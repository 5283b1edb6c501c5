//! A resource that writes only the required parts, served beside `auth0_tenant_session`:
//! every optional RPC answers "not supported" for it, naming it, and the schemas leave
//! it out where they should. `auth0_tenant_session`, which has every part, is the
//! positive control in the same requests.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tonic::Request;

use super::adapters::ResourceRpc;
use super::registry::Registry;
use super::Auth0Provider;
use crate::protocol::codec;
use crate::protocol::tfplugin6::{self as pb, provider_server::Provider, Diagnostic};
use crate::provider::provider_config::{Configured, Env};
use crate::provider::resource::{
    Applied, CreateRequest, DeleteRequest, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    Resource, UpdateRequest,
};
use crate::provider::schema::{Attr, BlockSchema, Mode, Ty};
use crate::provider::shared::Shared;
use crate::provider::tenant_session::TenantSession;
use crate::provider::tenant_session_data_source::TenantSessionData;

const NOTE: &str = "auth0_note";
const SESSION: &str = "auth0_tenant_session";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct NoteModel {
    #[serde(default)]
    id: Value<String>,
}

/// The smallest resource: its model and the six required methods, nothing else.
struct Note;

#[tonic::async_trait]
impl Resource for Note {
    type Model = NoteModel;
    type Private = ();
    type Identity = ();

    const TYPE_NAME: &'static str = NOTE;

    fn schema(&self) -> BlockSchema {
        BlockSchema {
            version: 2,
            description: "A note.".into(),
            attrs: vec![Attr::new("id", Ty::String, Mode::Required, "The note.")],
        }
    }

    async fn read(&self, _: &Shared, _: &Configured, req: ReadRequest<Self>) -> ReadResponse<Self> {
        ReadResponse {
            state: Some(req.state),
            private: None,
            diagnostics: vec![],
        }
    }

    fn plan(&self, _: &Shared, req: PlanRequest<Self>) -> PlanResponse<Self> {
        PlanResponse {
            planned: Some(req.config),
            ..PlanResponse::default()
        }
    }

    async fn create(&self, _: &Shared, _: &Configured, req: CreateRequest<Self>) -> Applied<Self> {
        Applied {
            state: Value::Value(req.planned),
            private: (),
            diagnostics: vec![],
        }
    }

    async fn update(&self, _: &Shared, _: &Configured, req: UpdateRequest<Self>) -> Applied<Self> {
        Applied {
            state: Value::Value(req.planned),
            private: (),
            diagnostics: vec![],
        }
    }

    async fn delete(&self, _: &Shared, _: &Configured, _: DeleteRequest<Self>) -> Applied<Self> {
        Applied {
            state: Value::Null,
            private: (),
            diagnostics: vec![],
        }
    }
}

/// No environment: the caller's `AUTH0_*` variables change nothing here.
struct NoEnv;

impl Env for NoEnv {
    fn get(&self, _: &str) -> Option<String> {
        None
    }
}

/// The provider serving the note beside the real types, configured for a tenant it never
/// calls (nothing here reaches Auth0).
async fn provider() -> Auth0Provider {
    let resources: Vec<Box<dyn ResourceRpc>> = vec![Box::new(TenantSession::new()), Box::new(Note)];
    let types = Registry::of(resources, vec![Box::new(TenantSessionData)]);
    let p = Auth0Provider::with_types(Box::new(NoEnv), types);
    let cfg = serde_json::json!({
        "domain": "tenant.invalid", "client_id": "id", "client_secret": "secret",
    });
    let r = p
        .configure_provider(Request::new(pb::configure_provider::Request {
            config: Some(codec::encode(&cfg).unwrap()),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    p
}

fn note_state() -> Option<pb::DynamicValue> {
    let m = NoteModel {
        id: Value::Value("n".into()),
    };
    Some(codec::encode(&m).unwrap())
}

/// The one error of a response, which must name the note.
fn the_error(diagnostics: &[Diagnostic], summary: &str) {
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.severity, pb::diagnostic::Severity::Error as i32, "{d:?}");
    assert_eq!(d.summary, summary, "{d:?}");
    assert!(d.detail.contains(NOTE), "{d:?}");
}

#[tokio::test]
async fn schemas_leave_out_the_parts_a_resource_does_not_have() {
    let p = provider().await;
    let schema = p.provider_schema();
    assert!(schema.resource_schemas.contains_key(NOTE));
    assert_eq!(schema.resource_schemas[NOTE].version, 2);
    let listed: Vec<_> = schema.list_resource_schemas.keys().collect();
    assert_eq!(listed, [SESSION], "only the type with list");
    let ids = p
        .get_resource_identity_schemas(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let with_identity: Vec<_> = ids.identity_schemas.keys().collect();
    assert_eq!(with_identity, [SESSION], "only the type with identity");
    let meta = p
        .get_metadata(Request::new(Default::default()))
        .await
        .unwrap()
        .into_inner();
    let resources: Vec<_> = meta.resources.iter().map(|r| &r.type_name[..]).collect();
    assert_eq!(resources, [SESSION, NOTE]);
    let lists: Vec<_> = meta
        .list_resources
        .iter()
        .map(|r| &r.type_name[..])
        .collect();
    assert_eq!(lists, [SESSION]);
}

#[tokio::test]
async fn import_and_generate_config_answer_not_implemented() {
    let p = provider().await;
    let import = |type_name: &str| {
        Request::new(pb::import_resource_state::Request {
            type_name: type_name.into(),
            id: "n".into(),
            ..Default::default()
        })
    };
    let r = p.import_resource_state(import(NOTE)).await.unwrap();
    let r = r.into_inner();
    the_error(&r.diagnostics, "Import not implemented");
    assert!(r.imported_resources.is_empty());
    // The tenant session imports: it refuses this ID for its own reason (no call made).
    let r = p.import_resource_state(import(SESSION)).await.unwrap();
    let d = &r.into_inner().diagnostics;
    assert!(
        d.iter().all(|d| d.summary != "Import not implemented"),
        "{d:?}"
    );

    let generate = |type_name: &str, state| {
        Request::new(pb::generate_resource_config::Request {
            type_name: type_name.into(),
            state,
        })
    };
    let r = p
        .generate_resource_config(generate(NOTE, note_state()))
        .await;
    let r = r.unwrap().into_inner();
    the_error(&r.diagnostics, "Configuration generation not implemented");
    assert!(r.config.is_none());
    let session = codec::encode(&serde_json::json!({"id": "t", "session_lifetime": 2})).unwrap();
    let r = p
        .generate_resource_config(generate(SESSION, Some(session)))
        .await;
    let r = r.unwrap().into_inner();
    assert!(r.diagnostics.is_empty() && r.config.is_some(), "{r:?}");
}

#[tokio::test]
async fn list_answers_not_implemented() {
    let p = provider().await;
    let validate = |type_name: &str| {
        Request::new(pb::validate_list_resource_config::Request {
            type_name: type_name.into(),
            ..Default::default()
        })
    };
    let r = p.validate_list_resource_config(validate(NOTE)).await;
    the_error(&r.unwrap().into_inner().diagnostics, "List not implemented");
    let r = p.validate_list_resource_config(validate(SESSION)).await;
    assert!(r.unwrap().into_inner().diagnostics.is_empty());

    use futures::StreamExt;
    let list = Request::new(pb::list_resource::Request {
        type_name: NOTE.into(),
        limit: 10,
        ..Default::default()
    });
    let events: Vec<_> = p
        .list_resource(list)
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    let event = events[0].as_ref().unwrap();
    the_error(&event.diagnostic, "List not implemented");
    assert!(event.identity.is_none() && event.resource_object.is_none());
}

#[tokio::test]
async fn identity_upgrade_answers_not_implemented() {
    let p = provider().await;
    let upgrade = |type_name: &str| {
        Request::new(pb::upgrade_resource_identity::Request {
            type_name: type_name.into(),
            version: 0,
            raw_identity: Some(pb::RawState {
                json: br#"{"tenant_domain":"t"}"#.to_vec(),
                ..Default::default()
            }),
        })
    };
    let r = p.upgrade_resource_identity(upgrade(NOTE)).await.unwrap();
    let r = r.into_inner();
    the_error(&r.diagnostics, "Identity not implemented");
    assert!(r.upgraded_identity.is_none());
    let r = p.upgrade_resource_identity(upgrade(SESSION)).await.unwrap();
    let r = r.into_inner();
    assert!(
        r.diagnostics.is_empty() && r.upgraded_identity.is_some(),
        "{r:?}"
    );
    // Without identity, nothing a step returns carries one.
    let read = pb::read_resource::Request {
        type_name: NOTE.into(),
        current_state: note_state(),
        ..Default::default()
    };
    let r = p
        .read_resource(Request::new(read))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert!(r.new_identity.is_none() && r.new_state.is_some());
}

#[tokio::test]
async fn only_the_current_state_version_reads_without_upgraders() {
    let p = provider().await;
    let upgrade = |version| {
        Request::new(pb::upgrade_resource_state::Request {
            type_name: NOTE.into(),
            version,
            raw_state: Some(pb::RawState {
                json: br#"{"id":"n"}"#.to_vec(),
                ..Default::default()
            }),
        })
    };
    let r = p
        .upgrade_resource_state(upgrade(2))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.upgraded_state, note_state());
    for version in [0, 1, 3] {
        let r = p.upgrade_resource_state(upgrade(version)).await.unwrap();
        let r = r.into_inner();
        the_error(&r.diagnostics, "Unknown state version");
        let detail = &r.diagnostics[0].detail;
        assert!(
            detail.contains(&format!("schema version {version},")),
            "{detail}"
        );
        assert!(r.upgraded_state.is_none());
    }
}

#[tokio::test]
async fn move_answers_not_supported_and_the_session_keeps_its_hint() {
    let p = provider().await;
    let move_into = |target: &str| {
        Request::new(pb::move_resource_state::Request {
            source_provider_address: "registry.terraform.io/auth0/auth0".into(),
            source_type_name: "auth0_tenant".into(),
            target_type_name: target.into(),
            ..Default::default()
        })
    };
    let r = p.move_resource_state(move_into(NOTE)).await.unwrap();
    let r = r.into_inner();
    the_error(&r.diagnostics, "Move not supported");
    assert!(r.target_state.is_none());
    assert!(!r.diagnostics[0].detail.contains("import"), "{r:?}");
    // What auth0_tenant_session answered before resources had optional parts.
    let r = p.move_resource_state(move_into(SESSION)).await.unwrap();
    let d = &r.into_inner().diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].summary, "Move not supported");
    assert_eq!(
        d[0].detail,
        "auth0_tenant_session cannot be moved from \"auth0_tenant\" of \
         registry.terraform.io/auth0/auth0; import it instead (terraform import)."
    );
}

#[tokio::test]
async fn the_required_parts_serve_a_whole_lifecycle() {
    let p = provider().await;
    let plan = pb::plan_resource_change::Request {
        type_name: NOTE.into(),
        prior_state: Some(codec::null()),
        proposed_new_state: note_state(),
        config: note_state(),
        ..Default::default()
    };
    let r = p.plan_resource_change(Request::new(plan)).await.unwrap();
    let r = r.into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.planned_state, note_state());
    assert!(r.planned_private.is_empty() && r.planned_identity.is_none());
    let apply = pb::apply_resource_change::Request {
        type_name: NOTE.into(),
        prior_state: Some(codec::null()),
        planned_state: note_state(),
        config: note_state(),
        ..Default::default()
    };
    let r = p.apply_resource_change(Request::new(apply)).await.unwrap();
    let r = r.into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.new_state, note_state());
    assert!(r.private.is_empty(), "the unit private state is no bytes");
}
