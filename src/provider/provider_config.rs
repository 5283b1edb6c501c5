//! The `provider "auth0"` block: its schema, validation, and the Auth0 client it builds.
//! Every attribute falls back to its AUTH0_* environment variable.

use serde::Deserialize;
use tf_provider::value::Value;

use super::lifetimes::TenantPlan;
use super::schema::{Attr, BlockSchema, Mode, Ty};
use crate::auth0::{self, ClientConfig, Credentials};
use crate::protocol::diagnostics::{attr_error, attr_warning, error};
use crate::protocol::tfplugin6::Diagnostic;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProviderModel {
    #[serde(default)]
    pub domain: Value<String>,
    #[serde(default)]
    pub client_id: Value<String>,
    #[serde(default)]
    pub client_secret: Value<String>,
    #[serde(default)]
    pub api_token: Value<String>,
    #[serde(default)]
    pub client_assertion_private_key: Value<String>,
    #[serde(default)]
    pub client_assertion_signing_alg: Value<String>,
    #[serde(default)]
    pub audience: Value<String>,
    #[serde(default)]
    pub tenant_plan: Value<String>,
}

/// Every attribute and the environment variable it falls back to.
pub const ATTRS: [(&str, &str); 8] = [
    ("domain", "AUTH0_DOMAIN"),
    ("client_id", "AUTH0_CLIENT_ID"),
    ("client_secret", "AUTH0_CLIENT_SECRET"),
    ("api_token", "AUTH0_API_TOKEN"),
    (
        "client_assertion_private_key",
        "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY",
    ),
    (
        "client_assertion_signing_alg",
        "AUTH0_CLIENT_ASSERTION_SIGNING_ALG",
    ),
    ("audience", "AUTH0_AUDIENCE"),
    ("tenant_plan", "AUTH0_TENANT_PLAN"),
];

impl ProviderModel {
    /// The configured value of an attribute in [`ATTRS`].
    pub fn get(&self, attr: &str) -> Option<&Value<String>> {
        Some(match attr {
            "domain" => &self.domain,
            "client_id" => &self.client_id,
            "client_secret" => &self.client_secret,
            "api_token" => &self.api_token,
            "client_assertion_private_key" => &self.client_assertion_private_key,
            "client_assertion_signing_alg" => &self.client_assertion_signing_alg,
            "audience" => &self.audience,
            "tenant_plan" => &self.tenant_plan,
            _ => return None,
        })
    }
}

pub fn schema() -> BlockSchema {
    let s = |name, desc: &str| Attr::new(name, Ty::String, Mode::Optional, desc);
    BlockSchema {
        version: 0,
        description: "Manages an Auth0 tenant's session lifetimes through the Auth0 Management API. \
            Credentials come from this block or the AUTH0_* environment variables; a static \
            `api_token` wins over client credentials, which win over a private key JWT."
            .into(),
        attrs: vec![
            s("domain", "Your Auth0 tenant's domain, e.g. `example.eu.auth0.com` (HTTPS implied), or an `https://` URL. \
                `http://` is accepted only for loopback hosts (local test tenants). No path. Env: `AUTH0_DOMAIN`."),
            s("client_id", "Client ID of a machine-to-machine application authorised for the Auth0 Management API \
                with the scopes `read:tenant_settings` and `update:tenant_settings`. Env: `AUTH0_CLIENT_ID`."),
            s("client_secret", "That application's client secret. Env: `AUTH0_CLIENT_SECRET`.").sensitive(),
            s("api_token", "A static Management API access token; wins over client credentials, but cannot be \
                refreshed when it expires. Env: `AUTH0_API_TOKEN`.").sensitive(),
            s("client_assertion_private_key", "PEM private key (PKCS#8 or PKCS#1 RSA) for Private Key JWT client \
                authentication, used with `client_id` when no client secret is set. \
                Env: `AUTH0_CLIENT_ASSERTION_PRIVATE_KEY`.").sensitive(),
            s("client_assertion_signing_alg", "Signing algorithm for the client assertion: `RS256`, `RS384` or \
                `PS256`. Env: `AUTH0_CLIENT_ASSERTION_SIGNING_ALG`."),
            s("audience", "Audience of the Management API tokens; defaults to `https://DOMAIN/api/v2/`. \
                Env: `AUTH0_AUDIENCE`."),
            s("tenant_plan", "`self-service` or `enterprise`: which Auth0 system limits apply to session lifetimes. \
                Used only for plan-time warnings. Env: `AUTH0_TENANT_PLAN`."),
        ],
    }
}

fn known(v: &Value<String>) -> Option<&str> {
    match v {
        Value::Value(s) if !s.is_empty() => Some(s.as_str()),
        _ => None,
    }
}

/// Checks what can be checked without the environment or the network: shapes of known
/// values and contradictions written in the configuration itself. Messages never repeat a
/// configured value: Terraform quotes the configuration line, and a value from a
/// variable may be sensitive (the protocol does not say). A domain is shown without any
/// user name, password or query.
pub fn validate(m: &ProviderModel) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (attr, env) in ATTRS {
        if attr == "client_assertion_private_key" {
            continue; // PEM is lines of text.
        }
        if let Some(v) = m.get(attr).and_then(known) {
            if let Err(e) = auth0::credentials::no_control_characters(v, attr, env) {
                diags.push(attr_error(attr, format!("Invalid {attr}"), e.to_string()));
            }
        }
    }
    if let Some(plan) = known(&m.tenant_plan) {
        if TenantPlan::parse(plan).is_none() {
            diags.push(attr_error(
                "tenant_plan",
                "Invalid tenant_plan",
                "tenant_plan must be \"self-service\" or \"enterprise\".",
            ));
        }
    }
    if let Some(alg) = known(&m.client_assertion_signing_alg) {
        if let Err(e) = alg.parse::<auth0::SigningAlg>() {
            diags.push(attr_error(
                "client_assertion_signing_alg",
                "Invalid client_assertion_signing_alg",
                e.to_string(),
            ));
        }
    }
    if let Some(domain) = known(&m.domain) {
        if let Err(e) = auth0::config::parse_domain(domain) {
            diags.push(attr_error("domain", "Invalid domain", e.to_string()));
        }
    }
    if let Some(key) = known(&m.client_assertion_private_key) {
        if let Err(e) = auth0::credentials::parse_private_key(key) {
            diags.push(attr_error(
                "client_assertion_private_key",
                "Invalid client_assertion_private_key",
                e.to_string(),
            ));
        }
    }
    if known(&m.client_secret).is_some() && known(&m.client_assertion_private_key).is_some() {
        diags.push(attr_error(
            "client_assertion_private_key",
            "Conflicting credentials",
            "Set either client_secret or client_assertion_private_key, not both: they are two ways \
             for the same application to authenticate.",
        ));
    }
    if known(&m.api_token).is_some()
        && (known(&m.client_secret).is_some() || known(&m.client_assertion_private_key).is_some())
    {
        diags.push(attr_warning(
            "api_token",
            "api_token overrides client credentials",
            "Both api_token and client credentials are set; the static api_token is used and the client \
             credentials are ignored. Remove one of them to make the intent clear.",
        ));
    }
    diags
}

/// Environment lookups, injectable for tests.
pub trait Env {
    fn get(&self, key: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

/// The provider's resolved settings.
pub struct Configured {
    pub client: auth0::Client,
    pub tenant_plan: Option<TenantPlan>,
}

fn resolve(
    v: &Value<String>,
    attr: &'static str,
    env_key: &str,
    env: &dyn Env,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    match v {
        Value::Value(s) if !s.is_empty() => Some(s.clone()),
        Value::Unknown => {
            diags.push(attr_error(
                attr,
                format!("{attr} is not known yet"),
                format!(
                    "{attr} depends on a value that is only known after apply. The provider needs it to \
                     talk to Auth0; apply the resources it depends on first (terraform apply -target=...)."
                ),
            ));
            None
        }
        _ => env.get(env_key),
    }
}

/// Builds the client from configuration and environment. No network I/O.
pub fn configure(m: &ProviderModel, env: &dyn Env) -> Result<Configured, Vec<Diagnostic>> {
    let mut diags = validate(m);
    let mut resolved: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (attr, env_key) in ATTRS {
        let v = m.get(attr).unwrap_or(&Value::Null);
        if let Some(found) = resolve(v, attr, env_key, env, &mut diags) {
            resolved.insert(attr, found);
        }
    }
    let mut take = |attr: &str| resolved.remove(attr);
    let (domain, client_id, client_secret, api_token, key, alg, audience, plan) = (
        take("domain"),
        take("client_id"),
        take("client_secret"),
        take("api_token"),
        take("client_assertion_private_key"),
        take("client_assertion_signing_alg"),
        take("audience"),
        take("tenant_plan"),
    );
    let tenant_plan = match plan.as_deref() {
        None => None,
        Some(p) => match TenantPlan::parse(p) {
            Some(p) => Some(p),
            None => {
                if known(&m.tenant_plan).is_none() {
                    diags.push(error(
                        "Invalid AUTH0_TENANT_PLAN",
                        "AUTH0_TENANT_PLAN must be \"self-service\" or \"enterprise\".",
                    ));
                }
                None
            }
        },
    };
    if crate::protocol::diagnostics::has_errors(&diags) {
        return Err(diags);
    }
    let Some(domain) = domain else {
        return Err(vec![attr_error(
            "domain",
            "Missing Auth0 domain",
            "Set domain in the provider \"auth0\" block or the AUTH0_DOMAIN environment variable \
             (e.g. example.eu.auth0.com).",
        )]);
    };
    if let Some(d) = known(&m.domain).is_none().then_some(&domain) {
        if let Err(e) = auth0::config::parse_domain(d) {
            return Err(vec![error("Invalid AUTH0_DOMAIN", e.to_string())]);
        }
    }
    let credentials = Credentials::from_parts(api_token, client_id, client_secret, key, alg)
        .map_err(|e| vec![config_diag(&e, m)])?;
    let mut cfg = ClientConfig::new(domain, credentials);
    cfg.audience = audience;
    let client = auth0::Client::new(cfg).map_err(|e| vec![config_diag(&e, m)])?;
    Ok(Configured {
        client,
        tenant_plan,
    })
}

/// A client configuration error as a diagnostic, on the attribute when the attribute is
/// in the configuration (an error about an env var has no config line to point at).
fn config_diag(e: &auth0::ConfigError, m: &ProviderModel) -> Diagnostic {
    let in_config = |a: &str| m.get(a).and_then(known).is_some();
    match e.attribute {
        Some(a) if in_config(a) => attr_error(a, "Invalid provider configuration", e.to_string()),
        _ => error("Invalid provider configuration", e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn get(&self, key: &str) -> Option<String> {
            self.0.get(key).map(|v| v.to_string())
        }
    }

    fn model(pairs: &[(&str, &str)]) -> ProviderModel {
        let json: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        serde_json::from_value(serde_json::Value::Object(json)).unwrap()
    }

    fn attr_of(d: &Diagnostic) -> Option<String> {
        use crate::protocol::tfplugin6::attribute_path::step::Selector;
        d.attribute
            .as_ref()
            .and_then(|p| match &p.steps[0].selector {
                Some(Selector::AttributeName(n)) => Some(n.clone()),
                _ => None,
            })
    }

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

    #[test]
    fn missing_domain_is_named() {
        let env = MapEnv(HashMap::new());
        let Err(d) = configure(&model(&[("api_token", "t")]), &env) else {
            panic!("expected an error")
        };
        assert_eq!(attr_of(&d[0]).as_deref(), Some("domain"));
        assert!(d[0].detail.contains("AUTH0_DOMAIN"));
    }

    #[test]
    fn env_fallbacks_build_a_client_without_network() {
        let env = MapEnv(HashMap::from([
            ("AUTH0_DOMAIN", "http://127.0.0.1:9"),
            ("AUTH0_CLIENT_ID", "id"),
            ("AUTH0_CLIENT_SECRET", "secret"),
            ("AUTH0_TENANT_PLAN", "enterprise"),
        ]));
        let c = configure(&ProviderModel::default(), &env).ok().unwrap();
        assert_eq!(c.tenant_plan, Some(TenantPlan::Enterprise));
        assert_eq!(c.client.token_requests(), 0);
    }

    #[test]
    fn missing_credentials_are_named() {
        let env = MapEnv(HashMap::from([("AUTH0_DOMAIN", "tenant.example.invalid")]));
        let Err(d) = configure(&ProviderModel::default(), &env) else {
            panic!("expected an error")
        };
        assert!(
            d[0].detail.contains("client_id") || d[0].detail.contains("api_token"),
            "{:?}",
            d[0]
        );
    }
}
