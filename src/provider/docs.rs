//! Registry documentation (tfplugindocs layout) generated from the schemas' own
//! descriptions, so the docs and the provider never disagree. Prose lives in
//! `templates/`; this module fills in the few template tags the templates use, with
//! the meaning HashiCorp's tfplugindocs gives them, so one template renders the same
//! under either tool:
//!
//! - `{{ .SchemaMarkdown }}`: the page's schema (provider, resource, data source, list
//!   resource). Guides have none.
//! - `{{ .IdentitySchemaMarkdown }}`: a resource's identity schema ("### Identity Schema").
//! - `{{ tffile "PATH" }}`: the file, trimmed, in a ```` ```terraform ```` code block.
//! - `{{ codefile "LANG" "PATH" }}`: the same with ```` ```LANG ````.
//!
//! Like tfplugindocs, `tffile` and `codefile` write their own code fences, so a template
//! must not wrap them in one. Any other tag, a tag a page has no data for, or an empty
//! file is an error, so a template never renders half-filled.

use super::rpc::registry::Registry;
use super::schema::{Attr, BlockSchema, Mode};
use crate::protocol::tfplugin6::ResourceIdentitySchema;

/// What a type's name starts with, and its page's name does not (tfplugindocs' rule).
const TYPE_PREFIX: &str = "auth0_";

/// One documentation page: where it is written, its template and what it documents.
pub struct Page {
    /// The output path under docs/, e.g. `resources/tenant_session.md`.
    pub out: String,
    /// The template, relative to the repository root.
    pub template: String,
    /// The schema `{{ .SchemaMarkdown }}` renders; `None` for guides. A list resource's
    /// configuration schema (a block with no attributes) renders as such.
    pub schema: Option<BlockSchema>,
    /// The identity schema `{{ .IdentitySchemaMarkdown }}` renders (resources only).
    pub identity: Option<ResourceIdentitySchema>,
}

impl Page {
    fn with_schema(out: &str, template: &str, schema: BlockSchema) -> Page {
        Page {
            out: out.into(),
            template: template.into(),
            schema: Some(schema),
            identity: None,
        }
    }
}

/// Where guide templates live (relative to the repository root); each
/// `templates/guides/NAME.md.tmpl` renders to `docs/guides/NAME.md`, as tfplugindocs does.
pub const GUIDES_DIR: &str = "templates/guides";

/// Every page: the provider's, each type's (from the [`Registry`] the RPC layer serves),
/// then each guide found under [`GUIDES_DIR`].
pub fn pages(root: &std::path::Path) -> std::io::Result<Vec<Page>> {
    let types = Registry::default();
    let mut pages = vec![Page::with_schema(
        "index.md",
        "templates/index.md.tmpl",
        super::provider_config::schema(),
    )];
    // Each type's pages, from the list the provider serves.
    let page = |kind: &str, type_name: &str, schema: BlockSchema| {
        let name = type_name.strip_prefix(TYPE_PREFIX).unwrap_or(type_name);
        Page::with_schema(
            &format!("{kind}/{name}.md"),
            &format!("templates/{kind}/{name}.md.tmpl"),
            schema,
        )
    };
    pages.extend(types.resources().map(|r| Page {
        identity: r.identity_schema(),
        ..page("resources", r.type_name(), r.schema())
    }));
    pages.extend(
        types
            .data_sources()
            .map(|d| page("data-sources", d.type_name(), d.schema())),
    );
    pages.extend(
        types
            .resources()
            .filter_map(|r| Some(page("list-resources", r.type_name(), r.list_schema()?))),
    );
    let mut guides = Vec::new();
    match std::fs::read_dir(root.join(GUIDES_DIR)) {
        Ok(entries) => {
            for e in entries {
                let name = e?.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".md.tmpl") {
                    guides.push(stem.to_string());
                } else {
                    return Err(std::io::Error::other(format!(
                        "{GUIDES_DIR}/{name}: guide templates are named NAME.md.tmpl"
                    )));
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    guides.sort();
    pages.extend(guides.into_iter().map(|g| Page {
        out: format!("guides/{g}.md"),
        template: format!("{GUIDES_DIR}/{g}.md.tmpl"),
        schema: None,
        identity: None,
    }));
    Ok(pages)
}

fn attr_line(a: &Attr) -> String {
    let mut tags = vec![a.ty.name().to_string()];
    if a.sensitive {
        tags.push("Sensitive".into());
    }
    format!("- `{}` ({}) {}\n", a.name, tags.join(", "), a.description)
}

/// The "Schema" section: attributes grouped as the Registry shows them.
pub fn schema_markdown(s: &BlockSchema) -> String {
    let mut out = String::from("## Schema\n");
    if s.attrs.is_empty() {
        // A list resource's configuration block, for one: nothing to set.
        out.push_str("\nThis block has no attributes.\n");
        return out;
    }
    for (title, modes) in [
        ("Required", &[Mode::Required][..]),
        ("Optional", &[Mode::Optional, Mode::OptionalComputed][..]),
        ("Read-Only", &[Mode::Computed][..]),
    ] {
        let attrs: Vec<&Attr> = s.attrs.iter().filter(|a| modes.contains(&a.mode)).collect();
        if attrs.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        let mut sorted = attrs;
        sorted.sort_by_key(|a| a.name);
        for a in sorted {
            out.push_str(&attr_line(a));
        }
    }
    out
}

/// The Registry's name for a cty type given as JSON (`"string"`, `["list","string"]`).
fn type_name(json: &[u8]) -> std::io::Result<String> {
    fn name(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::String(s) => match s.as_str() {
                "string" => Some("String".into()),
                "number" => Some("Number".into()),
                "bool" => Some("Boolean".into()),
                _ => None,
            },
            serde_json::Value::Array(parts) => match (parts.first()?.as_str()?, parts.get(1)) {
                ("list", Some(t)) if parts.len() == 2 => Some(format!("List of {}", name(t)?)),
                ("set", Some(t)) if parts.len() == 2 => Some(format!("Set of {}", name(t)?)),
                ("map", Some(t)) if parts.len() == 2 => Some(format!("Map of {}", name(t)?)),
                _ => None,
            },
            _ => None,
        }
    }
    serde_json::from_slice(json)
        .ok()
        .as_ref()
        .and_then(name)
        .ok_or_else(|| {
            std::io::Error::other(format!(
                "identity attribute type {} has no documented spelling",
                String::from_utf8_lossy(json)
            ))
        })
}

/// The "Identity Schema" subsection of a resource's import section, grouped as
/// tfplugindocs groups it (required, then optional for import).
pub fn identity_schema_markdown(s: &ResourceIdentitySchema) -> std::io::Result<String> {
    let mut out = String::from("### Identity Schema\n");
    for (title, required) in [("Required", true), ("Optional", false)] {
        let mut attrs: Vec<_> = s
            .identity_attributes
            .iter()
            .filter(|a| {
                if required {
                    a.required_for_import
                } else {
                    !a.required_for_import && a.optional_for_import
                }
            })
            .collect();
        if attrs.is_empty() {
            continue;
        }
        attrs.sort_by(|a, b| a.name.cmp(&b.name));
        out.push_str(&format!("\n#### {title}\n\n"));
        for a in attrs {
            out.push_str(&format!(
                "- `{}` ({}) {}\n",
                a.name,
                type_name(&a.r#type)?,
                a.description
            ));
        }
    }
    if let Some(a) = s
        .identity_attributes
        .iter()
        .find(|a| !a.required_for_import && !a.optional_for_import)
    {
        return Err(std::io::Error::other(format!(
            "identity attribute {} is neither required nor optional for import",
            a.name
        )));
    }
    Ok(out)
}

/// What one page's tags can be filled with.
pub struct Context<'a> {
    pub schema: Option<&'a BlockSchema>,
    pub identity: Option<&'a ResourceIdentitySchema>,
}

/// The quoted arguments of `tffile`/`codefile`: plain double-quoted strings, no escapes.
fn quoted_args(s: &str, tag: &str) -> std::io::Result<Vec<String>> {
    let bad = || std::io::Error::other(format!("malformed template tag {{{{ {tag} }}}}"));
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('"').ok_or_else(bad)?;
        let close = inner.find('"').ok_or_else(bad)?;
        let arg = &inner[..close];
        if arg.contains('\\') || arg.is_empty() {
            return Err(bad());
        }
        out.push(arg.to_string());
        rest = inner[close + 1..].trim_start();
    }
    Ok(out)
}

/// Whether `out` ends inside an open ``` code block.
fn inside_fence(out: &str) -> bool {
    out.lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count()
        % 2
        == 1
}

/// A file as tfplugindocs' `codefile` writes it: trimmed, in a fenced block.
fn code_block(
    lang: &str,
    path: &str,
    out: &str,
    read: &dyn Fn(&str) -> std::io::Result<String>,
) -> std::io::Result<String> {
    if inside_fence(out) {
        return Err(std::io::Error::other(format!(
            "{path} is included inside a ``` code block; tffile and codefile write their own \
             fence, so remove the one around the tag"
        )));
    }
    let content = read(path)?;
    let content = content.trim();
    if content.is_empty() {
        return Err(std::io::Error::other(format!("{path} is empty")));
    }
    Ok(format!("```{lang}\n{content}\n```"))
}

/// Renders one template. `read` loads files relative to the repository root.
pub fn render(
    template: &str,
    cx: &Context<'_>,
    read: &dyn Fn(&str) -> std::io::Result<String>,
) -> std::io::Result<String> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .map(|e| start + e + 2)
            .ok_or_else(|| std::io::Error::other("unclosed {{ in template"))?;
        let tag = rest[start + 2..end - 2].trim();
        let no_data = |what: &str| {
            std::io::Error::other(format!(
                "{{{{ {tag} }}}}: this page has no {what} (guides have none)"
            ))
        };
        if tag == ".SchemaMarkdown" {
            let schema = cx.schema.ok_or_else(|| no_data("schema"))?;
            out.push_str(schema_markdown(schema).trim_end());
        } else if tag == ".IdentitySchemaMarkdown" {
            let identity = cx.identity.ok_or_else(|| no_data("identity schema"))?;
            out.push_str(identity_schema_markdown(identity)?.trim_end());
        } else if let Some(args) = tag.strip_prefix("tffile ") {
            match quoted_args(args, tag)?.as_slice() {
                [path] => out.push_str(&code_block("terraform", path, &out, read)?),
                _ => return Err(std::io::Error::other(format!("{{{{ {tag} }}}}: one path"))),
            }
        } else if let Some(args) = tag.strip_prefix("codefile ") {
            match quoted_args(args, tag)?.as_slice() {
                [lang, path] => out.push_str(&code_block(lang, path, &out, read)?),
                _ => {
                    return Err(std::io::Error::other(format!(
                        "{{{{ {tag} }}}}: a language and a path"
                    )))
                }
            }
        } else {
            return Err(std::io::Error::other(format!(
                "unknown template tag {{{{{tag}}}}}"
            )));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if inside_fence(&out) {
        return Err(std::io::Error::other("a ``` code block is never closed"));
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Every page, rendered, with its path under docs/.
pub fn render_all(root: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    let read = |p: &str| {
        std::fs::read_to_string(root.join(p))
            .map_err(|e| std::io::Error::new(e.kind(), format!("{p}: {e}")))
    };
    pages(root)?
        .into_iter()
        .map(|page| {
            let t = read(&page.template)?;
            let cx = Context {
                schema: page.schema.as_ref(),
                identity: page.identity.as_ref(),
            };
            let text = render(&t, &cx, &read)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", page.template)))?;
            Ok((page.out, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::schema::Ty;

    fn files(name: &str) -> std::io::Result<String> {
        match name {
            "a.tf" => Ok("\n\nresource \"x\" \"y\" {}\n\n".into()),
            "a.sh" => Ok("terraform import x.y id\n".into()),
            "empty.tf" => Ok(" \n".into()),
            _ => Err(std::io::Error::new(std::io::ErrorKind::NotFound, name)),
        }
    }

    fn schema() -> BlockSchema {
        BlockSchema {
            version: 0,
            description: String::new(),
            attrs: vec![Attr::new("a", Ty::String, Mode::Required, "An a.")],
        }
    }

    fn guide() -> Context<'static> {
        Context {
            schema: None,
            identity: None,
        }
    }

    #[test]
    fn schema_section_lists_every_attribute_with_type() {
        let s = super::super::tenant_session::schema();
        let md = schema_markdown(&s);
        for a in &s.attrs {
            assert!(
                md.contains(&format!("- `{}` (", a.name)),
                "{} missing",
                a.name
            );
        }
        assert!(md.contains("### Read-Only") && md.contains("### Optional"));
        let p = schema_markdown(&super::super::provider_config::schema());
        assert!(p.contains("- `client_secret` (String, Sensitive)"));
    }

    #[test]
    fn a_block_without_attributes_renders_as_such() {
        let empty = BlockSchema {
            version: 0,
            description: "A list resource.".into(),
            attrs: vec![],
        };
        let cx = Context {
            schema: Some(&empty),
            identity: None,
        };
        let md = render("{{ .SchemaMarkdown }}", &cx, &files).unwrap();
        assert_eq!(md, "## Schema\n\nThis block has no attributes.\n");
    }

    #[test]
    fn identity_schema_is_rendered_like_tfplugindocs() {
        let md =
            identity_schema_markdown(&super::super::tenant_session::identity_schema()).unwrap();
        assert!(
            md.starts_with("### Identity Schema\n\n#### Required\n\n- `tenant_domain` (String) "),
            "{md}"
        );
        assert!(!md.contains("#### Optional"), "{md}");
        use crate::protocol::tfplugin6::resource_identity_schema::IdentityAttribute;
        let attr = |name: &str, ty: &[u8], req: bool, opt: bool| IdentityAttribute {
            name: name.into(),
            r#type: ty.to_vec(),
            required_for_import: req,
            optional_for_import: opt,
            description: format!("The {name}."),
        };
        let s = ResourceIdentitySchema {
            version: 0,
            identity_attributes: vec![
                attr("z", b"\"number\"", true, false),
                attr("b", br#"["list","string"]"#, false, true),
                attr("a", b"\"string\"", true, false),
            ],
        };
        assert_eq!(
            identity_schema_markdown(&s).unwrap(),
            "### Identity Schema\n\n#### Required\n\n- `a` (String) The a.\n- `z` (Number) The z.\n\n\
             #### Optional\n\n- `b` (List of String) The b.\n"
        );
        let neither = ResourceIdentitySchema {
            version: 0,
            identity_attributes: vec![attr("a", b"\"string\"", false, false)],
        };
        assert!(identity_schema_markdown(&neither).is_err());
        let odd = ResourceIdentitySchema {
            version: 0,
            identity_attributes: vec![attr("a", br#"["object",{}]"#, true, false)],
        };
        assert!(identity_schema_markdown(&odd).is_err());
    }

    #[test]
    fn tffile_and_codefile_write_their_own_fences_like_tfplugindocs() {
        let t = "Before\n\n{{ tffile \"a.tf\" }}\n\n{{codefile \"shell\" \"a.sh\"}}\n\
                 {{ codefile \"hcl\" \"a.tf\" }}\nAfter";
        let md = render(t, &guide(), &files).unwrap();
        assert_eq!(
            md,
            "Before\n\n```terraform\nresource \"x\" \"y\" {}\n```\n\n\
             ```shell\nterraform import x.y id\n```\n\
             ```hcl\nresource \"x\" \"y\" {}\n```\nAfter\n"
        );
    }

    #[test]
    fn a_tag_inside_a_fence_is_refused() {
        let e = render(
            "```terraform\n{{ tffile \"a.tf\" }}\n```\n",
            &guide(),
            &files,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("own"), "{e}");
        assert!(render("```\nnot closed\n", &guide(), &files).is_err());
    }

    #[test]
    fn unknown_or_malformed_tags_and_missing_data_fail_loudly() {
        let s = schema();
        let with_schema = Context {
            schema: Some(&s),
            identity: None,
        };
        for (t, cx) in [
            ("{{ .Name }}", &with_schema),
            ("{{ .Description }}", &with_schema),
            ("{{ if .HasExample }}x{{ end }}", &with_schema),
            ("{{- tffile \"a.tf\" }}", &with_schema),
            ("{{ tffile a.tf }}", &with_schema),
            ("{{ tffile \"a.tf\" \"b.tf\" }}", &with_schema),
            ("{{ tffile \"a\\\".tf\" }}", &with_schema),
            ("{{ codefile \"a.sh\" }}", &with_schema),
            ("{{ tffile \"missing.tf\" }}", &with_schema),
            ("{{ tffile \"empty.tf\" }}", &with_schema),
            ("{{ .SchemaMarkdown }}", &guide()),
            ("{{ .IdentitySchemaMarkdown }}", &with_schema),
            ("{{ tffile \"a.tf\" ", &with_schema),
        ] {
            assert!(render(t, cx, &files).is_err(), "{t} rendered");
        }
        assert!(render("{{ .SchemaMarkdown }}", &with_schema, &files).is_ok());
    }

    #[test]
    fn checked_in_docs_are_fresh() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rendered = render_all(root).unwrap();
        for (path, content) in &rendered {
            let on_disk = std::fs::read_to_string(root.join("docs").join(path)).unwrap_or_default();
            assert!(
                on_disk == *content,
                "docs/{path} is stale: run `make docs` and commit the result"
            );
        }
        // Nothing under docs/ that no template renders (a guide whose template was removed).
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, base, out);
                } else {
                    let rel = p.strip_prefix(base).unwrap();
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut on_disk = Vec::new();
        walk(&root.join("docs"), &root.join("docs"), &mut on_disk);
        for f in on_disk {
            assert!(
                rendered.iter().any(|(p, _)| *p == f),
                "docs/{f} is rendered from no template: remove it or add its template"
            );
        }
    }

    #[test]
    fn guides_are_found_and_have_no_schema() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let pages = pages(root).unwrap();
        let guides: Vec<_> = pages
            .iter()
            .filter(|p| p.out.starts_with("guides/"))
            .collect();
        assert!(!guides.is_empty());
        for g in guides {
            assert!(g.schema.is_none() && g.identity.is_none());
            assert!(g.template.starts_with("templates/guides/"));
        }
    }
}
