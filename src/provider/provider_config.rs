//! The `provider "auth0"` block: its schema, validation, and the Auth0 client it builds.
//! One table, [`SETTINGS`], drives the schema, the environment fallback of every setting,
//! the checks on their shapes and the docs. A block copied from the official `auth0/auth0`
//! provider either works or fails saying what to change.

use serde::Deserialize;
use tf_provider::value::Value;

use super::credentials::{self as sources, CredentialGroup, Source};
use super::lifetimes::TenantPlan;
use super::schema::{Attr, BlockSchema, Mode, Ty};
use crate::auth0::{self, ClientConfig, Credentials};
use crate::protocol::diagnostics::{attr_error, attr_warning, error, has_errors, warning};
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
    #[serde(default)]
    pub debug: Value<bool>,
    #[serde(default)]
    pub dynamic_credentials: Value<bool>,
    #[serde(default)]
    pub cli_login: Value<bool>,
    #[serde(default)]
    pub custom_domain_header: Value<String>,
}

/// A setting of the provider block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SettingId {
    Domain,
    ClientId,
    ClientSecret,
    ApiToken,
    ClientAssertionPrivateKey,
    ClientAssertionSigningAlg,
    Audience,
    TenantPlan,
    Debug,
    DynamicCredentials,
    CliLogin,
    CustomDomainHeader,
}

/// What a setting holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Text that is never shown or logged.
    Secret,
    /// Multi-line text (a PEM key), also secret.
    SecretLines,
    /// `true` / `false`; in the environment also `1`/`0`, `on`/`off`.
    Flag,
}

/// One row of the table.
pub struct Setting {
    pub id: SettingId,
    pub name: &'static str,
    pub env: &'static str,
    pub kind: Kind,
    pub description: &'static str,
    /// A credential: with `dynamic_credentials` it may be unknown until apply.
    pub credential: bool,
}

pub const SETTINGS: [Setting; 12] = [
    Setting {
        id: SettingId::Domain,
        name: "domain",
        env: "AUTH0_DOMAIN",
        kind: Kind::Text,
        credential: false,
        description: "Your Auth0 tenant's domain, e.g. `example.eu.auth0.com` (HTTPS implied), or an \
            `https://` URL. `http://` is accepted only for loopback hosts (local test tenants). No path, \
            user name or password.",
    },
    Setting {
        id: SettingId::ClientId,
        name: "client_id",
        env: "AUTH0_CLIENT_ID",
        kind: Kind::Text,
        credential: true,
        description: "Client ID of a machine-to-machine application authorised for the Auth0 Management \
            API with the scopes `read:tenant_settings` and `update:tenant_settings`.",
    },
    Setting {
        id: SettingId::ClientSecret,
        name: "client_secret",
        env: "AUTH0_CLIENT_SECRET",
        kind: Kind::Secret,
        credential: true,
        description: "That application's client secret.",
    },
    Setting {
        id: SettingId::ApiToken,
        name: "api_token",
        env: "AUTH0_API_TOKEN",
        kind: Kind::Secret,
        credential: true,
        description: "A static Management API access token; wins over client credentials set in the same \
            place (the block, or the environment), but cannot be refreshed when it expires.",
    },
    Setting {
        id: SettingId::ClientAssertionPrivateKey,
        name: "client_assertion_private_key",
        env: "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY",
        kind: Kind::SecretLines,
        credential: true,
        description: "PEM private key (PKCS#8 or PKCS#1 RSA) for Private Key JWT client authentication, \
            used with `client_id` when no client secret is set.",
    },
    Setting {
        id: SettingId::ClientAssertionSigningAlg,
        name: "client_assertion_signing_alg",
        env: "AUTH0_CLIENT_ASSERTION_SIGNING_ALG",
        kind: Kind::Text,
        credential: true,
        description: "Signing algorithm for the client assertion: `RS256`, `RS384` or `PS256`.",
    },
    Setting {
        id: SettingId::Audience,
        name: "audience",
        env: "AUTH0_AUDIENCE",
        kind: Kind::Text,
        credential: true,
        description: "Audience of the Management API tokens; defaults to `https://DOMAIN/api/v2/`.",
    },
    Setting {
        id: SettingId::TenantPlan,
        name: "tenant_plan",
        env: "AUTH0_TENANT_PLAN",
        kind: Kind::Text,
        credential: false,
        description: "`self-service` or `enterprise`: which Auth0 system limits apply to session \
            lifetimes. Used only for plan-time warnings.",
    },
    Setting {
        id: SettingId::Debug,
        name: "debug",
        env: "AUTH0_DEBUG",
        kind: Kind::Flag,
        credential: false,
        description: "Log the body of every Management API request and answer at DEBUG level (shown with \
            `TF_LOG=DEBUG` or `TF_LOG_PROVIDER=DEBUG`). Tokens, credentials and the token endpoint's \
            exchanges are never logged. As in the official `auth0/auth0` provider.",
    },
    Setting {
        id: SettingId::DynamicCredentials,
        name: "dynamic_credentials",
        env: "AUTH0_DYNAMIC_CREDENTIALS",
        kind: Kind::Flag,
        credential: false,
        description: "Allow the credentials (`client_id`, `client_secret`, `api_token`, the client \
            assertion settings, `audience`) to be unknown until apply, when they come from other \
            resources. The `domain` must still be known. A plan that has to call Auth0 while they are \
            unknown (refreshing an existing object, the data source, import, query) fails saying so.",
    },
    Setting {
        id: SettingId::CliLogin,
        name: "cli_login",
        env: "AUTH0_CLI_LOGIN",
        kind: Kind::Flag,
        credential: false,
        description: "Not supported: `true` is refused. The official provider reads the Auth0 CLI's login \
            session from the system keyring; use `api_token` or client credentials instead. `false` is \
            accepted, so a copied block that sets it works.",
    },
    Setting {
        id: SettingId::CustomDomainHeader,
        name: "custom_domain_header",
        env: "AUTH0_CUSTOM_DOMAIN_HEADER",
        kind: Kind::Text,
        credential: false,
        description: "Accepted for blocks copied from the official provider, with a warning: Auth0 (and \
            the official provider's SDK) apply the `Auth0-Custom-Domain` header only to endpoints that \
            send emails or make links (users, tickets, verification emails, invitations), never to the \
            tenant settings this provider manages, so it has no effect here.",
    },
];

/// A setting's configured value.
pub enum SettingValue<'a> {
    Text(&'a Value<String>),
    Flag(&'a Value<bool>),
}

impl ProviderModel {
    pub fn value(&self, id: SettingId) -> SettingValue<'_> {
        use SettingValue::{Flag, Text};
        match id {
            SettingId::Domain => Text(&self.domain),
            SettingId::ClientId => Text(&self.client_id),
            SettingId::ClientSecret => Text(&self.client_secret),
            SettingId::ApiToken => Text(&self.api_token),
            SettingId::ClientAssertionPrivateKey => Text(&self.client_assertion_private_key),
            SettingId::ClientAssertionSigningAlg => Text(&self.client_assertion_signing_alg),
            SettingId::Audience => Text(&self.audience),
            SettingId::TenantPlan => Text(&self.tenant_plan),
            SettingId::Debug => Flag(&self.debug),
            SettingId::DynamicCredentials => Flag(&self.dynamic_credentials),
            SettingId::CliLogin => Flag(&self.cli_login),
            SettingId::CustomDomainHeader => Text(&self.custom_domain_header),
        }
    }

    fn is_unknown(&self, id: SettingId) -> bool {
        match self.value(id) {
            SettingValue::Text(v) => v.is_unknown(),
            SettingValue::Flag(v) => v.is_unknown(),
        }
    }

    /// A text setting's value, when the configuration gives a known, non-empty one.
    fn text(&self, id: SettingId) -> Option<&str> {
        match self.value(id) {
            SettingValue::Text(v) => known(v),
            SettingValue::Flag(_) => None,
        }
    }

    /// Whether the block sets a text setting: a known, non-empty value or one known only
    /// at apply.
    fn in_block(&self, id: SettingId) -> bool {
        match self.value(id) {
            SettingValue::Text(v) => known(v).is_some() || v.is_unknown(),
            SettingValue::Flag(_) => false,
        }
    }

    /// A flag's value, when the configuration gives a known one.
    fn flag(&self, id: SettingId) -> Option<bool> {
        match self.value(id) {
            SettingValue::Flag(Value::Value(b)) => Some(*b),
            _ => None,
        }
    }
}

pub fn setting(id: SettingId) -> &'static Setting {
    SETTINGS
        .iter()
        .find(|s| s.id == id)
        .expect("every setting has a row in SETTINGS")
}

/// The setting that gives the Auth0 client each of its fields.
pub fn setting_of(field: auth0::Field) -> SettingId {
    match field {
        auth0::Field::Domain => SettingId::Domain,
        auth0::Field::ClientId => SettingId::ClientId,
        auth0::Field::ClientSecret => SettingId::ClientSecret,
        auth0::Field::ApiToken => SettingId::ApiToken,
        auth0::Field::PrivateKey => SettingId::ClientAssertionPrivateKey,
        auth0::Field::SigningAlg => SettingId::ClientAssertionSigningAlg,
        auth0::Field::Audience => SettingId::Audience,
    }
}

/// The Auth0 client's fields as users know them: each setting's attribute, and its
/// environment variable in parentheses.
pub struct SettingNames;

impl auth0::FieldNames for SettingNames {
    fn name(&self, field: auth0::Field) -> &str {
        setting(setting_of(field)).name
    }

    fn alias(&self, field: auth0::Field) -> Option<&str> {
        Some(setting(setting_of(field)).env)
    }
}

pub fn schema() -> BlockSchema {
    let attrs = SETTINGS
        .iter()
        .map(|s| {
            let ty = if s.kind == Kind::Flag {
                Ty::Bool
            } else {
                Ty::String
            };
            let a = Attr::new(
                s.name,
                ty,
                Mode::Optional,
                format!("{} Env: `{}`.", s.description, s.env),
            );
            if matches!(s.kind, Kind::Secret | Kind::SecretLines) {
                a.sensitive()
            } else {
                a
            }
        })
        .collect();
    BlockSchema {
        version: 0,
        description:
            "Manages an Auth0 tenant's session lifetimes through the Auth0 Management API. \
            Credentials come from this block or the AUTH0_* environment variables; credentials \
            written in the block beat those of the environment, and within one of them a static \
            `api_token` wins over client credentials, which win over a private key JWT."
                .into(),
        attrs,
    }
}

fn known(v: &Value<String>) -> Option<&str> {
    match v {
        Value::Value(s) if !s.is_empty() => Some(s.as_str()),
        _ => None,
    }
}

/// An environment flag as the official provider reads them.
fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" => Some(true),
        "0" | "false" | "off" | "" => Some(false),
        _ => None,
    }
}

fn cli_login_error(from_env: bool) -> Diagnostic {
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

fn custom_domain_header_warning(from_env: bool) -> Diagnostic {
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
            diags.push(attr_error(
                "tenant_plan",
                "Invalid tenant_plan",
                "tenant_plan must be \"self-service\" or \"enterprise\".",
            ));
        }
    }
    if let Some(alg) = m.text(SettingId::ClientAssertionSigningAlg) {
        if let Err(e) = alg.parse::<auth0::SigningAlg>() {
            diags.push(attr_error(
                "client_assertion_signing_alg",
                "Invalid client_assertion_signing_alg",
                e.message(&SettingNames),
            ));
        }
    }
    if let Some(domain) = m.text(SettingId::Domain) {
        if let Err(e) = auth0::config::parse_domain(domain) {
            diags.push(attr_error(
                "domain",
                "Invalid domain",
                e.message(&SettingNames),
            ));
        }
    }
    if let Some(key) = m.text(SettingId::ClientAssertionPrivateKey) {
        if let Err(e) = auth0::credentials::parse_private_key(key) {
            diags.push(attr_error(
                "client_assertion_private_key",
                "Invalid client_assertion_private_key",
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
    fn every_setting_has_one_row() {
        use SettingId::*;
        for id in [
            Domain,
            ClientId,
            ClientSecret,
            ApiToken,
            ClientAssertionPrivateKey,
            ClientAssertionSigningAlg,
            Audience,
            TenantPlan,
            Debug,
            DynamicCredentials,
            CliLogin,
            CustomDomainHeader,
        ] {
            assert_eq!(SETTINGS.iter().filter(|s| s.id == id).count(), 1, "{id:?}");
        }
        let names: Vec<&str> = schema().attrs.iter().map(|a| a.name).collect();
        assert_eq!(names.len(), SETTINGS.len());
        assert!(schema()
            .attrs
            .iter()
            .all(|a| a.description.contains("Env: `AUTH0_")));
    }

    /// Each field of the Auth0 client is one setting of the block, and none is shared.
    #[test]
    fn every_client_field_is_one_setting() {
        use auth0::Field::*;
        let fields = [
            Domain,
            ClientId,
            ClientSecret,
            ApiToken,
            PrivateKey,
            SigningAlg,
            Audience,
        ];
        let ids: std::collections::HashSet<SettingId> =
            fields.iter().map(|f| setting_of(*f)).collect();
        assert_eq!(ids.len(), fields.len());
    }

    /// The client's errors read in the block's words: attribute, then variable.
    #[test]
    fn client_errors_name_attributes_and_variables() {
        let e = Credentials::from_parts(None, None, None, None, None).unwrap_err();
        assert_eq!(
            e.message(&SettingNames),
            "no Auth0 credentials configured: set api_token (AUTH0_API_TOKEN), or client_id \
             (AUTH0_CLIENT_ID) with client_secret (AUTH0_CLIENT_SECRET), or client_id with \
             client_assertion_private_key (AUTH0_CLIENT_ASSERTION_PRIVATE_KEY) and \
             client_assertion_signing_alg (AUTH0_CLIENT_ASSERTION_SIGNING_ALG)"
        );
        let e = auth0::config::parse_domain("ftp://x.example").unwrap_err();
        assert!(
            e.message(&SettingNames)
                .starts_with("invalid domain \"ftp://x.example\" (AUTH0_DOMAIN): only https://"),
            "{e}"
        );
    }

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
