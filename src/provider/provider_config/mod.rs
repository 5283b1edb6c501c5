//! The `provider "auth0"` block: its schema, validation, and the Auth0 client it builds.
//! One table, [`SETTINGS`], drives the schema, the environment fallback of every setting,
//! the checks on their shapes and the docs. A block copied from the official `auth0/auth0`
//! provider either works or fails saying what to change.
//!
//! `settings` is the table (the model, each setting's id, name, variable and kind, the
//! schema, and how the client's fields are named); `validate` checks what the
//! configuration alone shows; `configure` resolves every setting against the environment
//! and builds the client.

mod configure;
pub mod credentials;
mod settings;
#[cfg(test)]
mod test_support;
mod validate;

pub use configure::{configure, env_tenant_plan, Configured, Env, ProcessEnv};
pub use settings::{
    schema, setting, setting_of, Kind, ProviderModel, Setting, SettingId, SettingNames,
    SettingValue, SETTINGS,
};
pub use validate::validate;
