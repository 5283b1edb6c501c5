//! Diagnostics with attribute paths, so Terraform shows them against the config line.

use super::tfplugin6::{attribute_path, diagnostic::Severity, AttributePath, Diagnostic};

/// Builds an attribute path from top-level attribute names (our schemas are flat).
pub fn path(attr: &str) -> AttributePath {
    AttributePath {
        steps: vec![attribute_path::Step {
            selector: Some(attribute_path::step::Selector::AttributeName(
                attr.to_string(),
            )),
        }],
    }
}

pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error as i32,
        summary: summary.into(),
        detail: detail.into(),
        attribute: None,
    }
}

pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning as i32,
        summary: summary.into(),
        detail: detail.into(),
        attribute: None,
    }
}

pub fn attr_error(attr: &str, summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
    Diagnostic {
        attribute: Some(path(attr)),
        ..error(summary, detail)
    }
}

pub fn attr_warning(
    attr: &str,
    summary: impl Into<String>,
    detail: impl Into<String>,
) -> Diagnostic {
    Diagnostic {
        attribute: Some(path(attr)),
        ..warning(summary, detail)
    }
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error as i32)
}
