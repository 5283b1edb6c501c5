//! Building Terraform schemas: flat blocks of primitive attributes, each with a
//! description that the docs are generated from.

use crate::protocol::tfplugin6::{schema, Schema, StringKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Number,
    Bool,
}

impl Ty {
    /// cty's JSON type spelling.
    pub fn json(self) -> &'static [u8] {
        match self {
            Ty::String => b"\"string\"",
            Ty::Number => b"\"number\"",
            Ty::Bool => b"\"bool\"",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Ty::String => "String",
            Ty::Number => "Number",
            Ty::Bool => "Boolean",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    /// Optional, and the provider fills it when the configuration leaves it out.
    OptionalComputed,
    /// Read-only.
    Computed,
}

/// One attribute, as the provider and its docs describe it.
#[derive(Clone, Debug)]
pub struct Attr {
    pub name: &'static str,
    pub ty: Ty,
    pub mode: Mode,
    pub sensitive: bool,
    pub description: String,
}

impl Attr {
    pub fn new(name: &'static str, ty: Ty, mode: Mode, description: impl Into<String>) -> Self {
        Attr {
            name,
            ty,
            mode,
            sensitive: false,
            description: description.into(),
        }
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    fn to_proto(&self) -> schema::Attribute {
        schema::Attribute {
            name: self.name.to_string(),
            r#type: self.ty.json().to_vec(),
            description: self.description.clone(),
            required: self.mode == Mode::Required,
            optional: matches!(self.mode, Mode::Optional | Mode::OptionalComputed),
            computed: matches!(self.mode, Mode::Computed | Mode::OptionalComputed),
            sensitive: self.sensitive,
            description_kind: StringKind::Markdown as i32,
            deprecated: false,
            write_only: false,
        }
    }
}

/// A schema for a provider, resource or data source.
#[derive(Clone, Debug)]
pub struct BlockSchema {
    pub version: i64,
    pub description: String,
    pub attrs: Vec<Attr>,
}

impl BlockSchema {
    pub fn to_proto(&self) -> Schema {
        Schema {
            version: self.version,
            block: Some(schema::Block {
                version: self.version,
                attributes: self.attrs.iter().map(Attr::to_proto).collect(),
                block_types: vec![],
                description: self.description.clone(),
                description_kind: StringKind::Markdown as i32,
                deprecated: false,
            }),
        }
    }
}
