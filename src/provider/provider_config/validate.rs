//! What can be checked of the provider block without the environment or the network.

use super::settings::{setting, Kind, ProviderModel, SettingId, SettingNames, SETTINGS};
use crate::auth0;
use crate::protocol::diagnostics::{attr_error, attr_warning, error, warning};
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::lifetimes::TenantPlan;

pub(super) fn cli_login_error(from_env: bool) -> Diagnostic {
    let (summary, what) = if from_env {
        ("AUTH0_CLI_LOGIN is not supported", "AUTH0_CLI_LOGIN=true")
    } else {
        ("cli_login is not supported", "cli_login = true")
    };
    let detail = format!(
        "{what} asks for the Auth0 CLI's login session, which this provider cannot use (the official \
         auth0/auth0 provider reads it from the system keyring). Remove it and set api_token \
         (AUTH0_API_TOKEN), or client_id with client_secret or client_assertion_private_key \
         (AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_CLIENT_ASSERTION_PRIVATE_KEY)."
    );
    if from_env {
        error(summary, detail)
    } else {
        attr_error("cli_login", summary, detail)
    }
}

pub(super) fn custom_domain_header_warning(from_env: bool) -> Diagnostic {
    let summary = "custom_domain_header has no effect here";
    let detail = "Auth0 applies the Auth0-Custom-Domain header only to Management API endpoints that send \
        emails or make links (users, tickets, verification emails, invitations), and the official provider's SDK sends \
        it only to those; the tenant settings this provider reads and writes are not among them, so the \
        header is not sent. Remove custom_domain_header (AUTH0_CUSTOM_DOMAIN_HEADER) to silence this \
        warning.";
    if from_env {
        warning(summary, detail)
    } else {
        attr_warning("custom_domain_header", summary, detail)
    }
}

/// The error on a setting whose value breaks its rule: "Invalid <attribute>" on the
/// attribute, named from its row of `SETTINGS`.
fn invalid(id: SettingId, detail: String) -> Diagnostic {
    let name = setting(id).name;
    attr_error(name, format!("Invalid {name}"), detail)
}

/// Checks what can be checked without the environment or the network: shapes of known
/// values and contradictions written in the configuration itself. Messages never repeat a
/// configured value: Terraform quotes the configuration line, and a value from a
/// variable may be sensitive (the protocol does not say). A domain is shown without any
/// user name, password or query.
pub fn validate(m: &ProviderModel) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for s in SETTINGS
        .iter()
        .filter(|s| matches!(s.kind, Kind::Text | Kind::Secret))
    {
        if let Some(v) = m.text(s.id) {
            if auth0::credentials::has_control_characters(v) {
                diags.push(attr_error(
                    s.name,
                    format!("Invalid {}", s.name),
                    format!(
                        "{} ({}) {}",
                        s.name,
                        s.env,
                        auth0::credentials::CONTROL_CHARACTERS
                    ),
                ));
            }
        }
    }
    if let Some(plan) = m.text(SettingId::TenantPlan) {
        if TenantPlan::parse(plan).is_none() {
            diags.push(invalid(
                SettingId::TenantPlan,
                "tenant_plan must be \"self-service\" or \"enterprise\".".into(),
            ));
        }
    }
    if let Some(alg) = m.text(SettingId::ClientAssertionSigningAlg) {
        if let Err(e) = alg.parse::<auth0::SigningAlg>() {
            diags.push(invalid(
                SettingId::ClientAssertionSigningAlg,
                e.message(&SettingNames),
            ));
        }
    }
    if let Some(domain) = m.text(SettingId::Domain) {
        if let Err(e) = auth0::config::parse_domain(domain) {
            diags.push(invalid(SettingId::Domain, e.message(&SettingNames)));
        }
    }
    if let Some(key) = m.text(SettingId::ClientAssertionPrivateKey) {
        if let Err(e) = auth0::credentials::parse_private_key(key) {
            diags.push(invalid(
                SettingId::ClientAssertionPrivateKey,
                e.message(&SettingNames),
            ));
        }
    }
    if m.flag(SettingId::CliLogin) == Some(true) {
        diags.push(cli_login_error(false));
    }
    if m.text(SettingId::CustomDomainHeader).is_some() {
        diags.push(custom_domain_header_warning(false));
    }
    let secret = m.text(SettingId::ClientSecret).is_some();
    let key = m.text(SettingId::ClientAssertionPrivateKey).is_some();
    if secret && key {
        diags.push(attr_error(
            "client_assertion_private_key",
            "Conflicting credentials",
            "Set either client_secret or client_assertion_private_key, not both: they are two ways \
             for the same application to authenticate.",
        ));
    }
    if m.text(SettingId::ApiToken).is_some() && (secret || key) {
        diags.push(attr_warning(
            "api_token",
            "api_token overrides client credentials",
            "Both api_token and client credentials are set; the static api_token is used and the client \
             credentials are ignored. Remove one of them to make the intent clear.",
        ));
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::provider_config::test_support::{attr_of, model};

    #[test]
    fn bad_tenant_plan_names_attribute() {
        let d = validate(&model(&[("tenant_plan", "pro")]));
        assert_eq!(attr_of(&d[0]).as_deref(), Some("tenant_plan"));
        assert!(d[0].detail.contains("\"enterprise\""));
    }

    #[test]
    fn conflicting_credentials() {
        let d = validate(&model(&[
            ("client_secret", "s"),
            ("client_assertion_private_key", "k"),
        ]));
        assert!(crate::protocol::diagnostics::has_errors(&d));
        assert_eq!(
            attr_of(&d[0]).as_deref(),
            Some("client_assertion_private_key")
        );
    }

    #[test]
    fn control_characters_and_malformed_keys_are_refused_at_validate() {
        let d = validate(&model(&[("api_token", "abc\r\nX-Injected: 1")]));
        assert_eq!(attr_of(&d[0]).as_deref(), Some("api_token"));
        assert!(d[0].detail.contains("line break"), "{:?}", d[0]);
        assert!(!d[0].detail.contains("X-Injected"), "{:?}", d[0]);
        let d = validate(&model(&[("client_secret", "s3cret\n")]));
        assert_eq!(attr_of(&d[0]).as_deref(), Some("client_secret"));
        assert!(!d[0].detail.contains("s3cret"));
        let d = validate(&model(&[("client_assertion_private_key", "not a key")]));
        assert_eq!(
            attr_of(&d[0]).as_deref(),
            Some("client_assertion_private_key")
        );
        assert!(d[0].detail.contains("BEGIN"), "{:?}", d[0]);
        assert!(!d[0].detail.contains("not a key"), "{:?}", d[0]);
        // Positive control: the same checks pass good values.
        assert!(validate(&model(&[
            ("api_token", "abc.def"),
            ("domain", "t.example.invalid")
        ]))
        .is_empty());
    }

    #[test]
    fn http_domain_refused_for_remote_host() {
        let d = validate(&model(&[("domain", "http://tenant.example.invalid")]));
        assert_eq!(attr_of(&d[0]).as_deref(), Some("domain"));
    }
}
