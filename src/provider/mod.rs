//! The Auth0 provider: where the plugin protocol and the Auth0 client meet.
//!
//! - [`Auth0Provider`] is the `tfplugin6.Provider` service (`rpc`): what every step
//!   shares ([`shared::Shared`]: the configuration, Auth0 calls that race a stop) and the
//!   resource and data source types, values built once at start-up (`rpc::registry`) that
//!   own what they keep across calls (the resource's [`tenancy`] registry). It finds a
//!   type by name, decodes, calls one method of its [`resource::Resource`] or
//!   [`resource::DataSource`] implementation, and encodes the answer.
//! - [`tenant_session`] and [`tenant_session_data_source`] are those types;
//!   [`provider_config`] is the provider block; [`lifetimes`] the rules of a lifetime.

pub mod attributes;
pub mod claims;
pub mod docs;
pub mod lifetimes;
pub mod provider_config;
pub mod resource;
mod rpc;
pub mod schema;
pub mod shared;
pub mod tenancy;
pub mod tenant_session;
pub mod tenant_session_data_source;

pub use provider_config::ProviderModel;
pub use rpc::Auth0Provider;
pub use shared::{CallKind, Stop, Stopper};

/// The provider's address in the public registry layout, used by `--debug`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/tfauth0/auth0";
