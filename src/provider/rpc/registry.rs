//! Every resource and data source type this provider serves: values built once at
//! start-up, each owning what it keeps across the calls of one process. The RPC layer
//! dispatches to them by name, and the docs pages come from the same list.

use super::adapters::{DataSourceRpc, ResourceRpc};
use crate::protocol::diagnostics::error;
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::tenant_session::TenantSession;
use crate::provider::tenant_session_data_source::TenantSessionData;

/// The types, in the order the docs list them.
pub struct Registry {
    resources: Vec<Box<dyn ResourceRpc>>,
    data_sources: Vec<Box<dyn DataSourceRpc>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            resources: vec![Box::new(TenantSession::new())],
            data_sources: vec![Box::new(TenantSessionData)],
        }
    }
}

fn unknown_type<'a>(type_name: &str, offered: impl Iterator<Item = &'a str>) -> Diagnostic {
    let offered: Vec<String> = offered.map(|n| format!("{n:?}")).collect();
    error(
        "Unknown type",
        format!(
            "This provider has no {type_name:?}; it offers {}.",
            offered.join(", ")
        ),
    )
}

impl Registry {
    /// A registry of these types (tests serve types of their own).
    #[cfg(test)]
    pub(crate) fn of(
        resources: Vec<Box<dyn ResourceRpc>>,
        data_sources: Vec<Box<dyn DataSourceRpc>>,
    ) -> Registry {
        Registry {
            resources,
            data_sources,
        }
    }

    pub(crate) fn resources(&self) -> impl Iterator<Item = &dyn ResourceRpc> + Clone {
        self.resources.iter().map(|r| &**r)
    }

    pub(crate) fn data_sources(&self) -> impl Iterator<Item = &dyn DataSourceRpc> + Clone {
        self.data_sources.iter().map(|d| &**d)
    }

    /// The resource type named `type_name`, or the error naming the ones there are.
    pub(crate) fn resource(&self, type_name: &str) -> Result<&dyn ResourceRpc, Diagnostic> {
        self.resources()
            .find(|r| r.type_name() == type_name)
            .ok_or_else(|| unknown_type(type_name, self.resources().map(|r| r.type_name())))
    }

    /// The data source type named `type_name`, or the error naming the ones there are.
    pub(crate) fn data_source(&self, type_name: &str) -> Result<&dyn DataSourceRpc, Diagnostic> {
        self.data_sources()
            .find(|d| d.type_name() == type_name)
            .ok_or_else(|| unknown_type(type_name, self.data_sources().map(|d| d.type_name())))
    }
}
