//! The provider block resolved against the environment, and the Auth0 client it builds.

use tf_provider::value::Value;

use super::credentials::{self as sources, CredentialGroup, Source};
use super::settings::{
    setting, setting_of, Kind, ProviderModel, Setting, SettingId, SettingNames, SettingValue,
    SETTINGS,
};
use super::validate::{cli_login_error, custom_domain_header_warning, validate};
use crate::auth0::{self, ClientConfig, Credentials};
use crate::protocol::diagnostics::{attr_error, error, has_errors};
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::lifetimes::TenantPlan;

fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" => Some(true),
        "0" | "false" | "off" | "" => Some(false),
        _ => None,
    }
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
    /// The tenant (`host[:port]`), always known once configured.
    pub domain: String,
    pub tenant_plan: Option<TenantPlan>,
    /// None while `dynamic_credentials` lets the credentials be unknown (plan only).
    client: Option<auth0::Client>,
    /// The credentials the client uses and where each came from, for messages
    /// ("client_id and client_secret from the provider block").
    pub credentials: Option<String>,
}

impl Configured {
    /// The client, or why there is none yet.
    pub fn client(&self) -> Result<&auth0::Client, Diagnostic> {
        self.client.as_ref().ok_or_else(|| {
            error(
                "Credentials not known yet",
                format!(
                    "dynamic_credentials = true let the provider start before its credentials are known, \
                     but this step has to call Auth0 ({}). Apply the resources the credentials come from \
                     first (terraform apply -target=ADDRESS), then run this again.",
                    self.domain
                ),
            )
        })
    }
}

/// The tenant plan the environment names (`AUTH0_TENANT_PLAN`), for warnings given
/// before the provider is configured.
pub fn env_tenant_plan(env: &dyn Env) -> Option<TenantPlan> {
    env.get(setting(SettingId::TenantPlan).env)
        .and_then(|p| TenantPlan::parse(&p))
}

/// The value of a setting and where it came from: the configuration, else its
/// environment variable where the block's credentials allow it (`block_groups`, see
/// [`sources`]); Ok(None) when neither gives one; Err(()) when the configuration's value
/// is unknown.
fn resolve_text(
    m: &ProviderModel,
    s: &Setting,
    env: &dyn Env,
    block_groups: &[CredentialGroup],
) -> Result<Option<(String, Source)>, ()> {
    match m.value(s.id) {
        SettingValue::Text(Value::Value(v)) if !v.is_empty() => {
            Ok(Some((v.clone(), Source::Block)))
        }
        SettingValue::Text(Value::Unknown) | SettingValue::Flag(Value::Unknown) => Err(()),
        _ if !sources::env_allowed(s.id, block_groups) => Ok(None),
        _ => Ok(env.get(s.env).map(|v| (v, Source::Env))),
    }
}

/// The credential groups the block sets (known or not yet known).
fn block_groups(m: &ProviderModel) -> Vec<CredentialGroup> {
    let mut groups = Vec::new();
    for s in &SETTINGS {
        if let Some(g) = s.id.credential_group().filter(|_| m.in_block(s.id)) {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    groups
}

/// A flag from the configuration or its environment variable (false when neither).
fn resolve_flag(
    m: &ProviderModel,
    s: &Setting,
    env: &dyn Env,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if let Some(b) = m.flag(s.id) {
        return b;
    }
    match env.get(s.env).map(|v| (parse_flag(&v), v)) {
        None => false,
        Some((Some(b), _)) => b,
        Some((None, _)) => {
            diags.push(error(
                format!("Invalid {}", s.env),
                format!("{} must be true or false (or 1/0, on/off).", s.env),
            ));
            false
        }
    }
}

/// Builds the client from configuration and environment, with the warnings about them
/// (from the configuration, as [`validate`] gives them, and from the environment); or the
/// errors that leave the provider unconfigured. No network I/O.
pub fn configure(
    m: &ProviderModel,
    env: &dyn Env,
) -> Result<(Configured, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = validate(m);
    let dynamic = resolve_flag(m, setting(SettingId::DynamicCredentials), env, &mut diags);
    let debug = resolve_flag(m, setting(SettingId::Debug), env, &mut diags);
    if resolve_flag(m, setting(SettingId::CliLogin), env, &mut diags)
        && m.flag(SettingId::CliLogin).is_none()
    {
        diags.push(cli_login_error(true));
    }
    let groups = block_groups(m);
    // The environment's credentials the block's set aside.
    let ignored: Vec<SettingId> = SETTINGS
        .iter()
        .filter(|s| !m.in_block(s.id) && !sources::env_allowed(s.id, &groups))
        .filter(|s| env.get(s.env).is_some())
        .map(|s| s.id)
        .collect();
    let mut texts = std::collections::HashMap::new();
    let mut found: Vec<(SettingId, Source)> = Vec::new();
    let mut pending = false;
    for s in SETTINGS.iter().filter(|s| s.kind != Kind::Flag) {
        match resolve_text(m, s, env, &groups) {
            Ok(Some((v, source))) => {
                texts.insert(s.id, v);
                if s.id.credential_group().is_some() {
                    found.push((s.id, source));
                }
            }
            Ok(None) => {}
            Err(()) if s.credential && dynamic => pending = true,
            Err(()) => {
                let hint = if s.credential {
                    " Or set dynamic_credentials = true to let the provider plan without them (nothing \
                     that needs Auth0 can run until they are known)."
                } else {
                    ""
                };
                diags.push(attr_error(
                    s.name,
                    format!("{} is not known yet", s.name),
                    format!(
                        "{} depends on a value that is only known after apply. The provider needs it to \
                         talk to Auth0; apply the resources it depends on first (terraform apply \
                         -target=...).{hint}",
                        s.name
                    ),
                ));
            }
        }
    }
    for flag in [
        SettingId::Debug,
        SettingId::DynamicCredentials,
        SettingId::CliLogin,
    ] {
        if m.is_unknown(flag) {
            let name = setting(flag).name;
            diags.push(attr_error(
                name,
                format!("{name} is not known yet"),
                format!("{name} must be known when the provider is configured."),
            ));
        }
    }
    if m.text(SettingId::CustomDomainHeader).is_none()
        && texts.contains_key(&SettingId::CustomDomainHeader)
    {
        diags.push(custom_domain_header_warning(true));
    }
    let mut take = |id| texts.remove(&id);
    let domain = take(SettingId::Domain);
    let tenant_plan = match take(SettingId::TenantPlan).as_deref() {
        None => None,
        Some(p) => match TenantPlan::parse(p) {
            Some(p) => Some(p),
            None => {
                if m.text(SettingId::TenantPlan).is_none() {
                    diags.push(error(
                        "Invalid AUTH0_TENANT_PLAN",
                        "AUTH0_TENANT_PLAN must be \"self-service\" or \"enterprise\".",
                    ));
                }
                None
            }
        },
    };
    if has_errors(&diags) {
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
    let endpoint = auth0::config::parse_domain(&domain).map_err(|e| {
        vec![match m.text(SettingId::Domain) {
            Some(_) => attr_error("domain", "Invalid domain", e.message(&SettingNames)),
            None => error("Invalid AUTH0_DOMAIN", e.message(&SettingNames)),
        }]
    })?;
    if pending {
        let configured = Configured {
            domain: endpoint.domain_id,
            tenant_plan,
            client: None,
            credentials: None,
        };
        return Ok((configured, diags));
    }
    let credentials = Credentials::from_parts(
        take(SettingId::ApiToken),
        take(SettingId::ClientId),
        take(SettingId::ClientSecret),
        take(SettingId::ClientAssertionPrivateKey),
        take(SettingId::ClientAssertionSigningAlg),
    )
    .map_err(|e| vec![config_diag(&e, m, &found, &ignored)])?;
    let used: Vec<(SettingId, Source)> = found
        .iter()
        .copied()
        .filter(|(id, _)| sources::settings_of(&credentials).contains(id))
        .collect();
    let present: Vec<(SettingId, Source)> = found
        .iter()
        .copied()
        .chain(ignored.iter().map(|id| (*id, Source::Env)))
        .collect();
    diags.extend(sources::mixed_credentials_warning(
        &present, &used, &ignored,
    ));
    let mut cfg = ClientConfig::new(domain, credentials);
    cfg.audience = take(SettingId::Audience);
    cfg.log_bodies = debug;
    let client = auth0::Client::new(cfg).map_err(|e| vec![config_diag(&e, m, &found, &ignored)])?;
    let configured = Configured {
        domain: client.domain_id(),
        tenant_plan,
        client: Some(client),
        credentials: Some(sources::describe(&used)),
    };
    Ok((configured, diags))
}

/// A client configuration error as a diagnostic, on the attribute when the attribute is
/// in the configuration (an error about an env var has no config line to point at),
/// naming the credentials found and where each came from (`found`), and the environment
/// variables the block's credentials set aside (`ignored`).
fn config_diag(
    e: &auth0::ConfigError,
    m: &ProviderModel,
    found: &[(SettingId, Source)],
    ignored: &[SettingId],
) -> Diagnostic {
    let mut detail = e.message(&SettingNames);
    if !found.is_empty() {
        detail.push_str(&format!(". Found: {}", sources::describe(found)));
    }
    if !ignored.is_empty() {
        let vars: Vec<&str> = ignored.iter().map(|id| setting(*id).env).collect();
        detail.push_str(&format!(
            ". Not used: {}, because credentials written in the provider block take precedence \
             over the environment.",
            vars.join(", ")
        ));
    }
    match e.field.map(setting_of) {
        Some(id) if m.text(id).is_some() => {
            attr_error(setting(id).name, "Invalid provider configuration", detail)
        }
        _ => error("Invalid provider configuration", detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::provider_config::test_support::{attr_of, model, MapEnv};
    use std::collections::HashMap;

    #[test]
    fn a_block_copied_from_the_official_provider_works_or_says_what_to_change() {
        let flags = |pairs: &[(&str, bool)]| -> ProviderModel {
            let json: serde_json::Map<String, serde_json::Value> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::Bool(*v)))
                .chain([(
                    "api_token".to_string(),
                    serde_json::Value::String("t".into()),
                )])
                .chain([(
                    "domain".to_string(),
                    serde_json::Value::String("t.example.invalid".into()),
                )])
                .collect();
            serde_json::from_value(serde_json::Value::Object(json)).unwrap()
        };
        let none = MapEnv(HashMap::new());
        // debug and dynamic_credentials work; cli_login = false is accepted.
        let (c, warnings) = configure(
            &flags(&[
                ("debug", true),
                ("dynamic_credentials", true),
                ("cli_login", false),
            ]),
            &none,
        )
        .ok()
        .unwrap();
        assert!(c.client().is_ok());
        assert!(warnings.is_empty(), "{warnings:?}");
        // cli_login = true says what to change, on the attribute; so does the env var.
        let d = validate(&flags(&[("cli_login", true)]));
        assert_eq!(attr_of(&d[0]).as_deref(), Some("cli_login"));
        assert!(d[0].detail.contains("api_token"), "{:?}", d[0]);
        let env = MapEnv(HashMap::from([("AUTH0_CLI_LOGIN", "on")]));
        let Err(d) = configure(&flags(&[]), &env) else {
            panic!("AUTH0_CLI_LOGIN=on must be refused")
        };
        assert!(d[0].summary.contains("AUTH0_CLI_LOGIN"), "{d:?}");
        let env = MapEnv(HashMap::from([("AUTH0_DEBUG", "maybe")]));
        let Err(d) = configure(&flags(&[]), &env) else {
            panic!("AUTH0_DEBUG=maybe must be refused")
        };
        assert!(d[0].detail.contains("true or false"), "{d:?}");
        // custom_domain_header: accepted, with a warning saying it has no effect.
        let d = validate(&model(&[("custom_domain_header", "login.example.com")]));
        assert_eq!(attr_of(&d[0]).as_deref(), Some("custom_domain_header"));
        assert!(!crate::protocol::diagnostics::has_errors(&d));
        // From the environment too, where it has no attribute to point at.
        let env = MapEnv(HashMap::from([(
            "AUTH0_CUSTOM_DOMAIN_HEADER",
            "login.example.com",
        )]));
        let (_, warnings) = configure(&flags(&[]), &env).ok().unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].attribute.is_none(), "{warnings:?}");
        assert!(
            warnings[0].detail.contains("AUTH0_CUSTOM_DOMAIN_HEADER"),
            "{warnings:?}"
        );
    }

    #[test]
    fn dynamic_credentials_let_unknown_credentials_wait() {
        let mut m = model(&[("domain", "t.example.invalid")]);
        m.api_token = Value::Unknown;
        let none = MapEnv(HashMap::new());
        let Err(d) = configure(&m, &none) else {
            panic!("unknown credentials need dynamic_credentials")
        };
        assert_eq!(attr_of(&d[0]).as_deref(), Some("api_token"));
        assert!(
            d[0].detail.contains("dynamic_credentials = true"),
            "{:?}",
            d[0]
        );
        m.dynamic_credentials = Value::Value(true);
        let (c, _) = configure(&m, &none).ok().unwrap();
        assert_eq!(c.domain, "t.example.invalid");
        let e = c.client().unwrap_err();
        assert!(e.summary.contains("Credentials not known yet"), "{e:?}");
        // The domain itself must be known.
        m.domain = Value::Unknown;
        assert!(configure(&m, &none).is_err());
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
        let (c, warnings) = configure(&ProviderModel::default(), &env).ok().unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(c.tenant_plan, Some(TenantPlan::Enterprise));
        assert_eq!(c.domain, "127.0.0.1:9");
        assert_eq!(c.client().unwrap().token_requests(), 0);
    }

    #[test]
    fn credentials_in_the_block_beat_the_environment() {
        let block = model(&[
            ("domain", "t.example.invalid"),
            ("client_id", "id"),
            ("client_secret", "secret"),
        ]);
        let stale = MapEnv(HashMap::from([("AUTH0_API_TOKEN", "stale")]));
        let (c, warnings) = configure(&block, &stale).ok().unwrap();
        assert_eq!(
            c.credentials.as_deref(),
            Some("client_id and client_secret from the provider block")
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].detail.contains("AUTH0_API_TOKEN is not used"),
            "{warnings:?}"
        );
        // The block's client_id takes its secret from the environment, still not the token.
        let env = MapEnv(HashMap::from([
            ("AUTH0_API_TOKEN", "stale"),
            ("AUTH0_CLIENT_SECRET", "secret"),
        ]));
        let id_only = model(&[("domain", "t.example.invalid"), ("client_id", "id")]);
        let (c, _) = configure(&id_only, &env).ok().unwrap();
        assert_eq!(
            c.credentials.as_deref(),
            Some("client_id from the provider block and client_secret from AUTH0_CLIENT_SECRET")
        );
        // Incomplete in the block: an error, saying the token was set aside.
        let Err(d) = configure(&id_only, &stale) else {
            panic!("client_id without a secret must be refused")
        };
        assert!(
            d[0].detail.contains("client_secret")
                && d[0]
                    .detail
                    .contains("Found: client_id from the provider block")
                && d[0].detail.contains("Not used: AUTH0_API_TOKEN"),
            "{d:?}"
        );
        // An api_token in the block sets the environment's application aside.
        let token = model(&[("domain", "t.example.invalid"), ("api_token", "t")]);
        let env = MapEnv(HashMap::from([
            ("AUTH0_CLIENT_ID", "id"),
            ("AUTH0_CLIENT_SECRET", "secret"),
        ]));
        let (c, warnings) = configure(&token, &env).ok().unwrap();
        assert_eq!(
            c.credentials.as_deref(),
            Some("the api_token from the provider block")
        );
        assert!(
            warnings[0].detail.contains("AUTH0_CLIENT_SECRET"),
            "{warnings:?}"
        );
        // Within the environment the existing order: the token wins, with a warning.
        let domain_only = model(&[("domain", "t.example.invalid")]);
        let both = MapEnv(HashMap::from([
            ("AUTH0_API_TOKEN", "t"),
            ("AUTH0_CLIENT_ID", "id"),
            ("AUTH0_CLIENT_SECRET", "secret"),
        ]));
        let (c, warnings) = configure(&domain_only, &both).ok().unwrap();
        assert_eq!(
            c.credentials.as_deref(),
            Some("the api_token from AUTH0_API_TOKEN")
        );
        assert!(
            warnings[0].detail.contains("Within one source"),
            "{warnings:?}"
        );
        // Positive control: one kind from one place, no warning.
        let (_, warnings) = configure(&block, &MapEnv(HashMap::new())).ok().unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
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
