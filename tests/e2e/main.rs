//! The end-to-end tests: real Terraform and OpenTofu against the local tenant, one module
//! per subject. One test binary rather than one per file: each binary built and linked
//! the crate, `common` and their dependencies again (about 45 s of a two-core machine
//! each), and its tests share libtest's threads, so a long test no longer leaves a core
//! idle while the file's short ones are done. `e2e_environment` stays a binary of its
//! own: it changes its process's environment.
#![forbid(unsafe_code)]

#[path = "../common/mod.rs"]
mod common;
mod wire_support;

mod bad_input;
mod beside_official;
mod disagree;
mod faults;
mod field_faults;
mod https;
mod input_errors;
mod official_provider_block;
mod opentofu;
mod packaging;
mod process;
mod query;
mod secrets;
mod state_safety;
mod terraform;
mod wire;
