//! Terraform's diagnostics as data (`terraform validate -json`), so a test asserts the
//! provider's own words (summary, detail) and where the diagnostic points (the line its
//! attribute path resolved to), never Terraform's quotation of the configuration.
#![allow(dead_code)]

/// One diagnostic as Terraform reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    /// "error" or "warning".
    pub severity: String,
    pub summary: String,
    pub detail: String,
    /// The configuration line it points at: the attribute's own line when the provider
    /// gave an attribute path, the block's first line when it did not.
    pub line: Option<u64>,
    /// The source line Terraform quotes under it.
    pub code: String,
}

/// The diagnostics of `terraform validate -json` output. Panics on anything else, since
/// every assertion made on them would be meaningless.
pub fn from_validate_json(stdout: &str) -> Vec<Diag> {
    let v: serde_json::Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("terraform validate -json printed no JSON ({e}):\n{stdout}"));
    v["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics array in:\n{stdout}"))
        .iter()
        .map(|d| Diag {
            severity: d["severity"].as_str().unwrap_or_default().to_string(),
            summary: d["summary"].as_str().unwrap_or_default().to_string(),
            detail: d["detail"].as_str().unwrap_or_default().to_string(),
            line: d["range"]["start"]["line"].as_u64(),
            code: d["snippet"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        })
        .collect()
}

/// Only the errors.
pub fn errors(diags: &[Diag]) -> Vec<&Diag> {
    diags.iter().filter(|d| d.severity == "error").collect()
}
