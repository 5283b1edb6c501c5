//! Terraform provider for Auth0 tenant session settings.
//!
//! Layers, each ignorant of the ones beside it:
//! - `auth0`: the Management API client (knows nothing of Terraform),
//! - `protocol`: the plugin transport, generated services and value codec (knows nothing of Auth0),
//! - `provider`: the resource and data source, where the two meet.
#![forbid(unsafe_code)]

pub mod auth0;
pub mod protocol;
pub mod provider;
