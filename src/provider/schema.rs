//! Building Terraform schemas: flat blocks of primitive attributes, each with a
//! description that the docs are generated from.

use crate::protocol::tfplugin6::{schema, Schema, StringKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Number,
    Bool,
    /// An object of named attributes (read-only values only: nothing here is configured).
    Object(&'static [(&'static str, Ty)]),
}

impl Ty {
    /// cty's JSON type spelling: `"string"`, `["object",{"a":"number"}]`.
    pub fn json(self) -> Vec<u8> {
        match self {
            Ty::String => b"\"string\"".to_vec(),
            Ty::Number => b"\"number\"".to_vec(),
            Ty::Bool => b"\"bool\"".to_vec(),
            Ty::Object(attrs) => {
                let mut out = b"[\"object\",{".to_vec();
                for (i, (name, ty)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(format!("{name:?}:").as_bytes());
                    out.extend(ty.json());
                }
                out.extend_from_slice(b"}]");
                out
            }
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Ty::String => "String",
            Ty::Number => "Number",
            Ty::Bool => "Boolean",
            Ty::Object(_) => "Object",
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
            r#type: self.ty.json(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_types_are_cty_json() {
        const A: [(&str, Ty); 2] = [("a", Ty::Number), ("b", Ty::String)];
        let json = Ty::Object(&A).json();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            v,
            serde_json::json!(["object", {"a": "number", "b": "string"}])
        );
    }
}
