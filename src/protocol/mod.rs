//! The Terraform plugin transport: go-plugin handshake, AutoMTLS, the side services Terraform
//! expects, log lines Terraform understands, and the DynamicValue codec.
//!
//! Nothing here knows about Auth0: [`serve`] takes any implementation of the generated
//! `tfplugin6.Provider` service.

pub mod codec;
pub mod diagnostics;
pub mod generated;
pub mod handshake;
pub mod logging;
pub mod server;
pub mod side_services;
pub mod tls;

pub use generated::tfplugin6;
pub use server::{serve, ServeMode};
