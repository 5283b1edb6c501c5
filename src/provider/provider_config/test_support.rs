//! Helpers the provider block's unit tests share.

use std::collections::HashMap;

use super::{Env, ProviderModel};
use crate::protocol::tfplugin6::{attribute_path::step::Selector, Diagnostic};

/// An environment given as a table.
pub struct MapEnv(pub HashMap<&'static str, &'static str>);

impl Env for MapEnv {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get(key).map(|v| v.to_string())
    }
}

/// A block that sets these text attributes.
pub fn model(pairs: &[(&str, &str)]) -> ProviderModel {
    let json: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(json)).unwrap()
}

/// The attribute a diagnostic points at.
pub fn attr_of(d: &Diagnostic) -> Option<String> {
    d.attribute
        .as_ref()
        .and_then(|p| match &p.steps[0].selector {
            Some(Selector::AttributeName(n)) => Some(n.clone()),
            _ => None,
        })
}
