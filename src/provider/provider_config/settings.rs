//! The table of the provider block's settings, and what follows from it: the model,
//! the schema, and the names the Auth0 client's errors use.

use serde::Deserialize;
use tf_provider::value::Value;

use crate::auth0;
use crate::provider::schema::{Attr, BlockSchema, Mode, Ty};

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

/// Writes `SettingId` and `SettingId::ALL` from one list, so `ALL` cannot miss a variant.
macro_rules! setting_ids {
    ($($variant:ident,)+) => {
        /// A setting of the provider block.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum SettingId {
            $($variant,)+
        }

        impl SettingId {
            /// Every setting, in the order of the list.
            pub const ALL: [SettingId; [$(SettingId::$variant),+].len()] =
                [$(SettingId::$variant),+];
        }
    };
}

setting_ids! {
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

    pub(super) fn is_unknown(&self, id: SettingId) -> bool {
        match self.value(id) {
            SettingValue::Text(v) => v.is_unknown(),
            SettingValue::Flag(v) => v.is_unknown(),
        }
    }

    /// A text setting's value, when the configuration gives a known, non-empty one.
    pub(super) fn text(&self, id: SettingId) -> Option<&str> {
        match self.value(id) {
            SettingValue::Text(v) => known(v),
            SettingValue::Flag(_) => None,
        }
    }

    /// Whether the block sets a text setting: a known, non-empty value or one known only
    /// at apply.
    pub(super) fn in_block(&self, id: SettingId) -> bool {
        match self.value(id) {
            SettingValue::Text(v) => known(v).is_some() || v.is_unknown(),
            SettingValue::Flag(_) => false,
        }
    }

    /// A flag's value, when the configuration gives a known one.
    pub(super) fn flag(&self, id: SettingId) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth0::Credentials;

    #[test]
    fn every_setting_has_one_row() {
        assert_eq!(SETTINGS.len(), SettingId::ALL.len());
        for id in SettingId::ALL {
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
        let ids: std::collections::HashSet<SettingId> =
            auth0::Field::ALL.iter().map(|f| setting_of(*f)).collect();
        assert_eq!(ids.len(), auth0::Field::ALL.len());
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
}
