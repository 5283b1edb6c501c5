//! What a resource type and a data source are to this provider: two small interfaces in
//! the style of terraform-plugin-framework. The RPC layer (`rpc`) finds the type by name,
//! decodes Terraform's values into the type's model and private state, calls one method,
//! and encodes the answer; a type never sees the wire. Each lifecycle method reads
//! linearly: check, call Auth0 at most once to write, build the new state.
//!
//! A resource writes its schema, read, plan, create, update and delete; everything else
//! has a default that answers as a resource without that part must ([`Unsupported`]):
//! no identity schema, no list schema, an error for import, generate config, moves and
//! states of another schema version.

use serde::{de::DeserializeOwned, Serialize};
use tf_provider::value::Value;

use super::provider_config::Configured;
use super::schema::BlockSchema;
use super::shared::Shared;
use crate::protocol::codec;
use crate::protocol::diagnostics::error;
use crate::protocol::tfplugin6::{Diagnostic, ResourceIdentitySchema};

/// A managed resource type: a value built once at start-up ([`super::registry`]), which
/// may keep what it needs across the calls of one process. `p` gives each method the
/// Auth0 calls (which race `StopProvider`); the steps that need the provider configured
/// get its settings (`Configured`: the tenant and the client).
#[tonic::async_trait]
pub trait Resource: Send + Sync + 'static {
    /// State, plan and configuration, attribute for attribute.
    type Model: Serialize + DeserializeOwned + Default + Clone + Send + Sync;
    /// What the resource keeps beside the state, where Terraform never shows it: `()`
    /// for nothing. The adapter stores it as JSON, and its default as no bytes at all;
    /// bytes that are not one read as the default.
    type Private: Serialize + DeserializeOwned + Default + PartialEq + Send + Sync;
    /// The resource identity (Terraform 1.12+): `()` for a resource without one.
    type Identity: Identity;

    const TYPE_NAME: &'static str;

    fn schema(&self) -> BlockSchema;

    /// ValidateResourceConfig: the rules the configuration's known values break.
    fn validate(&self, _p: &Shared, _config: &Self::Model) -> Vec<Diagnostic> {
        vec![]
    }

    /// UpgradeResourceState: state JSON of any schema version, as the current model.
    /// Without upgraders, only the current version reads.
    fn upgrade(&self, _p: &Shared, version: i64, json: &[u8]) -> Result<Self::Model, Diagnostic> {
        let current = self.schema().version;
        if version != current {
            let part = Unsupported::Upgrade { version, current };
            return Err(part.diagnostic(Self::TYPE_NAME));
        }
        codec::decode_json::<Self::Model>(json).map_err(|e| {
            error(
                format!("Unreadable {} state", Self::TYPE_NAME),
                format!("The stored state could not be read as schema version {version}: {e}"),
            )
        })
    }

    /// The identity of an object in this state, once it is known.
    fn identity(&self, _state: &Self::Model) -> Option<Self::Identity> {
        None
    }

    /// ReadResource.
    async fn read(&self, p: &Shared, c: &Configured, req: ReadRequest<Self>) -> ReadResponse<Self>;
    /// PlanResourceChange for a create or an update.
    fn plan(&self, p: &Shared, req: PlanRequest<Self>) -> PlanResponse<Self>;
    /// PlanResourceChange for a destroy (the planned state is null).
    fn plan_destroy(
        &self,
        _p: &Shared,
        _prior: &Self::Model,
        _prior_private: &Self::Private,
    ) -> Vec<Diagnostic> {
        vec![]
    }
    /// ApplyResourceChange for a create.
    async fn create(&self, p: &Shared, c: &Configured, req: CreateRequest<Self>) -> Applied<Self>;
    /// ApplyResourceChange for an update.
    async fn update(&self, p: &Shared, c: &Configured, req: UpdateRequest<Self>) -> Applied<Self>;
    /// ApplyResourceChange for a destroy.
    async fn delete(&self, p: &Shared, c: &Configured, req: DeleteRequest<Self>) -> Applied<Self>;

    /// ImportResourceState, by ID (`id`) or identity.
    async fn import(
        &self,
        _p: &Shared,
        _c: &Configured,
        _id: &str,
        _identity: Option<Self::Identity>,
    ) -> Result<(Self::Model, Vec<Diagnostic>), Diagnostic> {
        Err(Unsupported::Import.diagnostic(Self::TYPE_NAME))
    }

    /// GenerateResourceConfig: the configuration that manages `state` with no change.
    fn generate_config(&self, _state: &Self::Model) -> Result<Self::Model, Diagnostic> {
        Err(Unsupported::GenerateConfig.diagnostic(Self::TYPE_NAME))
    }

    /// MoveResourceState: an object of another type (or provider) as one of this type.
    fn move_state(&self, from: MoveFrom<'_>) -> Result<Self::Model, Diagnostic> {
        let part = Unsupported::Move {
            from_type: from.type_name,
            from_provider: from.provider_address,
            hint: None,
        };
        Err(part.diagnostic(Self::TYPE_NAME))
    }

    /// The `list` block's schema, for `terraform query`; `None`: the type is not listed.
    fn list_schema(&self) -> Option<BlockSchema> {
        None
    }
    /// ListResource: the objects `terraform query` finds.
    async fn list(&self, _p: &Shared, _c: &Configured, _include_resource: bool) -> Listed<Self> {
        Listed::failed(Unsupported::List.diagnostic(Self::TYPE_NAME))
    }
}

/// A resource's private state from the bytes Terraform holds: none is the default, and so
/// are bytes that do not read as one.
pub(crate) fn decode_private<P: DeserializeOwned + Default>(bytes: &[u8]) -> P {
    if bytes.is_empty() {
        return P::default();
    }
    serde_json::from_slice(bytes).unwrap_or_default()
}

/// The bytes Terraform keeps for a resource's private state: none for the default.
pub(crate) fn encode_private<P: Serialize + Default + PartialEq>(private: &P) -> Vec<u8> {
    if *private == P::default() {
        return Vec::new();
    }
    serde_json::to_vec(private).unwrap_or_default()
}

/// A resource's identity type: its schema and how an identity of an older version reads.
/// `()` is the identity of a resource without one.
pub trait Identity: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// `None`: the resource has no identity, and GetResourceIdentitySchemas omits it.
    fn schema() -> Option<ResourceIdentitySchema>;
    /// UpgradeResourceIdentity: an identity of `version`, as the current one.
    fn upgrade(version: i64, identity: Self) -> Result<Self, Diagnostic>;
}

impl Identity for () {
    fn schema() -> Option<ResourceIdentitySchema> {
        None
    }

    /// Never called by the adapter, which answers [`Unsupported::Identity`] for a type
    /// without an identity schema.
    fn upgrade(_version: i64, (): ()) -> Result<(), Diagnostic> {
        Err(Unsupported::Identity.diagnostic("This resource"))
    }
}

/// A part of a resource that a type may not have, and the error that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported<'a> {
    Import,
    Identity,
    List,
    GenerateConfig,
    /// A state of a schema version the type has no upgrader for.
    Upgrade {
        version: i64,
        current: i64,
    },
    Move {
        from_type: &'a str,
        from_provider: &'a str,
        /// What to do instead, when the type has a way.
        hint: Option<&'a str>,
    },
}

impl Unsupported<'_> {
    /// The error answering the request, naming the type.
    pub fn diagnostic(&self, type_name: &str) -> Diagnostic {
        let limitation = "This is a limitation of the provider, not of the configuration.";
        match *self {
            Unsupported::Import => error(
                "Import not implemented",
                format!(
                    "{type_name} cannot be imported: this provider does not implement import for \
                     it. {limitation}"
                ),
            ),
            Unsupported::Identity => error(
                "Identity not implemented",
                format!(
                    "{type_name} has no resource identity in this provider, so there is no \
                     identity to read or upgrade. {limitation}"
                ),
            ),
            Unsupported::List => error(
                "List not implemented",
                format!(
                    "{type_name} cannot be listed (terraform query): this provider does not \
                     implement list for it. {limitation}"
                ),
            ),
            Unsupported::GenerateConfig => error(
                "Configuration generation not implemented",
                format!(
                    "This provider cannot generate a configuration for {type_name} \
                     (-generate-config-out). {limitation}"
                ),
            ),
            Unsupported::Upgrade { version, current } => error(
                "Unknown state version",
                format!(
                    "This {type_name} state has schema version {version}, and this provider \
                     reads only version {current} of it: it has no upgrade from version \
                     {version}. Use the provider version that wrote the state (or restore a \
                     state backup)."
                ),
            ),
            Unsupported::Move {
                from_type,
                from_provider,
                hint,
            } => error(
                "Move not supported",
                match hint {
                    Some(hint) => format!(
                        "{type_name} cannot be moved from {from_type:?} of {from_provider}; {hint}."
                    ),
                    None => format!(
                        "{type_name} cannot be moved from {from_type:?} of {from_provider}: this \
                         provider does not implement moves into it. {limitation}"
                    ),
                },
            ),
        }
    }
}

/// Where MoveResourceState moves an object from.
pub struct MoveFrom<'a> {
    pub type_name: &'a str,
    pub provider_address: &'a str,
    pub schema_version: i64,
    pub state_json: &'a [u8],
}

/// A data source type.
#[tonic::async_trait]
pub trait DataSource: Send + Sync + 'static {
    type Model: Serialize + DeserializeOwned + Default + Send + Sync;

    const TYPE_NAME: &'static str;

    fn schema(&self) -> BlockSchema;
    /// ReadDataSource.
    async fn read(
        &self,
        p: &Shared,
        c: &Configured,
        config: Self::Model,
    ) -> Result<Self::Model, Diagnostic>;
}

pub struct ReadRequest<R: Resource + ?Sized> {
    pub state: R::Model,
    pub private: R::Private,
}

pub struct ReadResponse<R: Resource + ?Sized> {
    /// `None`: the state stays as Terraform sent it.
    pub state: Option<R::Model>,
    /// `None`: the private state stays as Terraform sent it.
    pub private: Option<R::Private>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<R: Resource + ?Sized> ReadResponse<R> {
    /// The state stays as it was, for these reasons.
    pub fn unchanged(diagnostics: Vec<Diagnostic>) -> Self {
        ReadResponse {
            state: None,
            private: None,
            diagnostics,
        }
    }
}

pub struct PlanRequest<R: Resource + ?Sized> {
    /// `None` for a create.
    pub prior: Option<R::Model>,
    pub config: R::Model,
    pub prior_private: R::Private,
    /// The private state the first plan of this change returned, when Terraform sends
    /// it: from 1.16, in the plan it makes again during apply. The default otherwise.
    pub planned_private: R::Private,
}

pub struct PlanResponse<R: Resource + ?Sized> {
    /// `None` when the plan is refused (with an error among the diagnostics).
    pub planned: Option<R::Model>,
    /// `None`: the prior private state is carried as it is.
    pub private: Option<R::Private>,
    /// Attributes whose change replaces the object.
    pub requires_replace: Vec<&'static str>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<R: Resource + ?Sized> Default for PlanResponse<R> {
    fn default() -> Self {
        PlanResponse::refused(vec![])
    }
}

impl<R: Resource + ?Sized> PlanResponse<R> {
    pub fn refused(diagnostics: Vec<Diagnostic>) -> Self {
        PlanResponse {
            planned: None,
            private: None,
            requires_replace: vec![],
            diagnostics,
        }
    }
}

pub struct CreateRequest<R: Resource + ?Sized> {
    pub planned: R::Model,
    pub config: R::Model,
    pub planned_private: R::Private,
}

pub struct UpdateRequest<R: Resource + ?Sized> {
    pub prior: R::Model,
    pub planned: R::Model,
    pub config: R::Model,
    pub planned_private: R::Private,
}

pub struct DeleteRequest<R: Resource + ?Sized> {
    pub prior: R::Model,
    pub planned_private: R::Private,
}

pub struct Applied<R: Resource + ?Sized> {
    /// Null when the object is gone (or was never created).
    pub state: Value<R::Model>,
    pub private: R::Private,
    pub diagnostics: Vec<Diagnostic>,
}

/// The `terraform query` result (a provider configuration has one tenant, so one), or
/// the diagnostics of a failed search.
pub struct Listed<R: Resource + ?Sized> {
    pub identity: Option<R::Identity>,
    pub display_name: String,
    pub object: Option<R::Model>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<R: Resource + ?Sized> Listed<R> {
    pub fn failed(d: Diagnostic) -> Self {
        Listed {
            identity: None,
            display_name: String::new(),
            object: None,
            diagnostics: vec![d],
        }
    }
}
