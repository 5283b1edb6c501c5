//! Registry documentation (tfplugindocs layout) generated from the schemas' own
//! descriptions, so the docs and the provider never disagree. Prose lives in
//! `templates/`; `{{ .SchemaMarkdown }}` and `{{ tffile "PATH" }}` are filled in here.

use super::schema::{Attr, BlockSchema, Mode};

/// (output path under docs/, template path, schema) for every page.
pub fn pages() -> Vec<(&'static str, &'static str, BlockSchema)> {
    vec![
        (
            "index.md",
            "templates/index.md.tmpl",
            super::provider_config::schema(),
        ),
        (
            "resources/tenant_session.md",
            "templates/resources/tenant_session.md.tmpl",
            super::tenant_session::schema(),
        ),
        (
            "data-sources/tenant_session.md",
            "templates/data-sources/tenant_session.md.tmpl",
            super::tenant_session_data_source::schema(),
        ),
    ]
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

/// Renders one template. `read` loads files relative to the repository root.
pub fn render(
    template: &str,
    schema: &BlockSchema,
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
        if tag == ".SchemaMarkdown" {
            out.push_str(schema_markdown(schema).trim_end());
        } else if let Some(path) = tag.strip_prefix("tffile ") {
            let path = path.trim().trim_matches('"');
            out.push_str(read(path)?.trim_end());
        } else if let Some(path) = tag.strip_prefix("codefile \"shell\" ") {
            let path = path.trim().trim_matches('"');
            out.push_str(read(path)?.trim_end());
        } else {
            return Err(std::io::Error::other(format!(
                "unknown template tag {{{{{tag}}}}}"
            )));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Every page, rendered, with its path under docs/.
pub fn render_all(root: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    let read = |p: &str| std::fs::read_to_string(root.join(p));
    pages()
        .into_iter()
        .map(|(out, tmpl, schema)| {
            let t = read(tmpl)?;
            Ok((out.to_string(), render(&t, &schema, &read)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn checked_in_docs_are_fresh() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (path, content) in render_all(root).unwrap() {
            let on_disk =
                std::fs::read_to_string(root.join("docs").join(&path)).unwrap_or_default();
            assert!(
                on_disk == content,
                "docs/{path} is stale: run `make docs` and commit the result"
            );
        }
    }
}
