//! What a resource type and a data source are to this provider: two small interfaces in
//! the style of terraform-plugin-framework. The RPC layer (`rpc.rs`) finds the type by
//! name, decodes Terraform's values into the type's model, calls one method, and encodes
//! the answer; a type never sees the wire. Each lifecycle method reads linearly: check,
//! call Auth0 at most once to write, build the new state.

use serde::{de::DeserializeOwned, Serialize};
use tf_provider::value::Value;

use super::provider_config::Configured;
use super::schema::BlockSchema;
use super::Auth0Provider;
use crate::protocol::tfplugin6::{Diagnostic, ResourceIdentitySchema};

/// A managed resource type. `p` gives each method the provider's Auth0 calls (which race
/// `StopProvider`) and what the process has seen of each tenant; the steps that need the
/// provider configured get its settings (`Configured`: the tenant and the client).
#[tonic::async_trait]
pub trait Resource: Send + Sync + 'static {
    /// State, plan and configuration, attribute for attribute.
    type Model: Serialize + DeserializeOwned + Default + Clone + Send + Sync;
    /// The resource identity (Terraform 1.12+).
    type Identity: Serialize + DeserializeOwned + Send;

    const TYPE_NAME: &'static str;

    fn schema(&self) -> BlockSchema;
    fn identity_schema(&self) -> ResourceIdentitySchema;
    /// The `list` block's schema, for `terraform query`.
    fn list_schema(&self) -> BlockSchema;

    /// ValidateResourceConfig: the rules the configuration's known values break.
    fn validate(&self, p: &Auth0Provider, config: &Self::Model) -> Vec<Diagnostic>;
    /// UpgradeResourceState: state JSON of any schema version, as the current model.
    fn upgrade(
        &self,
        p: &Auth0Provider,
        version: i64,
        json: &[u8],
    ) -> Result<Self::Model, Diagnostic>;
    /// UpgradeResourceIdentity.
    fn upgrade_identity(
        &self,
        version: i64,
        identity: Self::Identity,
    ) -> Result<Self::Identity, Diagnostic>;
    /// The identity of an object in this state, once its id is known.
    fn identity(&self, state: &Self::Model) -> Option<Self::Identity>;

    /// ReadResource.
    async fn read(
        &self,
        p: &Auth0Provider,
        c: &Configured,
        req: ReadRequest<Self::Model>,
    ) -> ReadResponse<Self::Model>;
    /// PlanResourceChange for a create or an update.
    fn plan(&self, p: &Auth0Provider, req: PlanRequest<Self::Model>) -> PlanResponse<Self::Model>;
    /// PlanResourceChange for a destroy (the planned state is null).
    fn plan_destroy(
        &self,
        p: &Auth0Provider,
        prior: &Self::Model,
        prior_private: &[u8],
    ) -> Vec<Diagnostic>;
    /// ApplyResourceChange for a create.
    async fn create(
        &self,
        p: &Auth0Provider,
        c: &Configured,
        req: CreateRequest<Self::Model>,
    ) -> Applied<Self::Model>;
    /// ApplyResourceChange for an update.
    async fn update(
        &self,
        p: &Auth0Provider,
        c: &Configured,
        req: UpdateRequest<Self::Model>,
    ) -> Applied<Self::Model>;
    /// ApplyResourceChange for a destroy.
    async fn delete(
        &self,
        p: &Auth0Provider,
        c: &Configured,
        req: DeleteRequest<Self::Model>,
    ) -> Applied<Self::Model>;
    /// ImportResourceState, by ID (`id`) or identity.
    async fn import(
        &self,
        p: &Auth0Provider,
        c: &Configured,
        id: &str,
        identity: Option<Self::Identity>,
    ) -> Result<(Self::Model, Vec<Diagnostic>), Diagnostic>;
    /// GenerateResourceConfig: the configuration that manages `state` with no change.
    fn generate_config(&self, state: &Self::Model) -> Self::Model;
    /// ListResource: the objects `terraform query` finds, at most `limit`.
    async fn list(
        &self,
        p: &Auth0Provider,
        c: &Configured,
        include_resource: bool,
    ) -> Listed<Self::Model, Self::Identity>;
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
        p: &Auth0Provider,
        c: &Configured,
        config: Self::Model,
    ) -> Result<Self::Model, Diagnostic>;
}

pub struct ReadRequest<M> {
    pub state: M,
    pub private: Vec<u8>,
}

pub struct ReadResponse<M> {
    /// `None`: the state stays as Terraform sent it.
    pub state: Option<M>,
    /// `None`: the private state stays as Terraform sent it.
    pub private: Option<Vec<u8>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<M> ReadResponse<M> {
    /// The state stays as it was, for these reasons.
    pub fn unchanged(diagnostics: Vec<Diagnostic>) -> Self {
        ReadResponse {
            state: None,
            private: None,
            diagnostics,
        }
    }
}

pub struct PlanRequest<M> {
    /// `None` for a create.
    pub prior: Option<M>,
    pub config: M,
    pub prior_private: Vec<u8>,
    /// The private state the first plan of this change returned, when Terraform sends
    /// it: from 1.16, in the plan it makes again during apply. Empty otherwise.
    pub planned_private: Vec<u8>,
}

#[derive(Default)]
pub struct PlanResponse<M> {
    /// `None` when the plan is refused (with an error among the diagnostics).
    pub planned: Option<M>,
    /// `None`: the prior private state is carried as it is.
    pub private: Option<Vec<u8>>,
    /// Attributes whose change replaces the object.
    pub requires_replace: Vec<&'static str>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<M> PlanResponse<M> {
    pub fn refused(diagnostics: Vec<Diagnostic>) -> Self {
        PlanResponse {
            planned: None,
            private: None,
            requires_replace: vec![],
            diagnostics,
        }
    }
}

pub struct CreateRequest<M> {
    pub planned: M,
    pub config: M,
    pub planned_private: Vec<u8>,
}

pub struct UpdateRequest<M> {
    pub prior: M,
    pub planned: M,
    pub config: M,
    pub planned_private: Vec<u8>,
}

pub struct DeleteRequest<M> {
    pub prior: M,
    pub planned_private: Vec<u8>,
}

pub struct Applied<M> {
    /// Null when the object is gone (or was never created).
    pub state: Value<M>,
    pub private: Vec<u8>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The `terraform query` result (a provider configuration has one tenant, so one), or
/// the diagnostics of a failed search.
pub struct Listed<M, I> {
    pub identity: Option<I>,
    pub display_name: String,
    pub object: Option<M>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<M, I> Listed<M, I> {
    pub fn failed(d: Diagnostic) -> Self {
        Listed {
            identity: None,
            display_name: String::new(),
            object: None,
            diagnostics: vec![d],
        }
    }
}
