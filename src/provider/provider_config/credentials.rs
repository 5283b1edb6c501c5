//! Which credentials the provider uses when the block and the environment both hold
//! some, and how a message names where they came from.
//!
//! The rule: what is written in the provider block beats the environment. Credentials
//! come in two groups, a static `api_token` and an application's (`client_id` with
//! `client_secret`, or with the client assertion settings). A block that sets any
//! setting of a group takes that group's missing settings from their environment
//! variables (`client_id` in the block, `AUTH0_CLIENT_SECRET` in the environment), and
//! never uses the environment's settings of the other group. A block that sets no
//! credential takes them all from the environment. Within what is left, the official
//! provider's order: `api_token`, then `client_secret`, then the private key.
//!
//! The official `auth0/auth0` provider falls back to the environment attribute by
//! attribute, so a stale `AUTH0_API_TOKEN` beats `client_id`/`client_secret` written in
//! its block; here the block wins, and a warning names every credential present.

use super::settings::{setting, SettingId};
use crate::auth0::Credentials;
use crate::protocol::diagnostics::warning;
use crate::protocol::tfplugin6::Diagnostic;

/// Where a setting's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Written in the provider block (or unknown there until apply).
    Block,
    /// The setting's environment variable.
    Env,
}

/// A group of credential settings that authenticate together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialGroup {
    /// `api_token`.
    StaticToken,
    /// `client_id` with `client_secret`, or with the client assertion settings.
    Application,
}

impl SettingId {
    /// The credential group a setting belongs to; `None` for the other settings (the
    /// audience applies to whichever application authenticates).
    pub fn credential_group(self) -> Option<CredentialGroup> {
        match self {
            SettingId::ApiToken => Some(CredentialGroup::StaticToken),
            SettingId::ClientId
            | SettingId::ClientSecret
            | SettingId::ClientAssertionPrivateKey
            | SettingId::ClientAssertionSigningAlg => Some(CredentialGroup::Application),
            SettingId::Domain
            | SettingId::Audience
            | SettingId::TenantPlan
            | SettingId::Debug
            | SettingId::DynamicCredentials
            | SettingId::CliLogin
            | SettingId::CustomDomainHeader => None,
        }
    }
}

/// Whether the environment's value of `id` may be used, given the credential groups
/// the provider block sets.
pub fn env_allowed(id: SettingId, block_groups: &[CredentialGroup]) -> bool {
    match id.credential_group() {
        None => true,
        Some(g) => block_groups.is_empty() || block_groups.contains(&g),
    }
}

/// The settings that make up `credentials`, in the order a person reads them.
pub fn settings_of(credentials: &Credentials) -> &'static [SettingId] {
    match credentials {
        Credentials::ApiToken(_) => &[SettingId::ApiToken],
        Credentials::ClientSecret { .. } => &[SettingId::ClientId, SettingId::ClientSecret],
        Credentials::PrivateKeyJwt { .. } => {
            &[SettingId::ClientId, SettingId::ClientAssertionPrivateKey]
        }
    }
}

/// The settings whose presence says which kind of credential is meant: one per kind.
const KIND_KEYS: [SettingId; 3] = [
    SettingId::ApiToken,
    SettingId::ClientSecret,
    SettingId::ClientAssertionPrivateKey,
];

/// Settings and where each came from, as messages name them: "client_id and
/// client_secret from the provider block", "the api_token from AUTH0_API_TOKEN",
/// "client_id from the provider block and client_secret from AUTH0_CLIENT_SECRET".
pub fn describe(found: &[(SettingId, Source)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let flush = |block: &mut Vec<&str>, parts: &mut Vec<String>| {
        if !block.is_empty() {
            parts.push(format!("{} from the provider block", block.join(" and ")));
            block.clear();
        }
    };
    for (id, source) in found {
        let s = setting(*id);
        match source {
            Source::Block => block.push(s.name),
            Source::Env => {
                flush(&mut block, &mut parts);
                parts.push(format!("{} from {}", s.name, s.env));
            }
        }
    }
    flush(&mut block, &mut parts);
    let text = parts.join(" and ");
    if found.len() == 1 && found[0].0 == SettingId::ApiToken {
        format!("the {text}")
    } else {
        text
    }
}

/// The warning when credentials of more than one kind are present and at least one of
/// them comes from the environment (the block alone is judged at validate): which are
/// used, where each came from, and why. `found` is every credential setting present,
/// `used` those the client authenticates with, `ignored` the environment's settings the
/// block's credentials set aside.
pub fn mixed_credentials_warning(
    found: &[(SettingId, Source)],
    used: &[(SettingId, Source)],
    ignored: &[SettingId],
) -> Option<Diagnostic> {
    let keys: Vec<(SettingId, Source)> = found
        .iter()
        .copied()
        .filter(|(id, _)| KIND_KEYS.contains(id))
        .collect();
    if keys.len() < 2 || keys.iter().all(|(_, s)| *s == Source::Block) {
        return None;
    }
    let unused: Vec<(SettingId, Source)> =
        keys.iter().copied().filter(|k| !used.contains(k)).collect();
    let why = if ignored.is_empty() {
        "Within one source a static api_token wins over client credentials, which win over a \
         private key JWT."
            .to_string()
    } else {
        let vars: Vec<&str> = ignored.iter().map(|id| setting(*id).env).collect();
        format!(
            "Credentials written in the provider block take precedence over the environment, so \
             {} {} not used.",
            vars.join(" and "),
            if vars.len() == 1 { "is" } else { "are" }
        )
    };
    Some(warning(
        "Credentials of more than one kind are set",
        format!(
            "The provider authenticates with {}. Also set: {}. {why} Remove the credentials you \
             do not mean to use (the attribute, or the environment variable) to silence this \
             warning.",
            describe(used),
            describe(&unused)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use CredentialGroup::*;
    use SettingId::*;

    #[test]
    fn the_block_beats_the_environment_group_by_group() {
        // Nothing in the block: everything from the environment.
        for id in [ApiToken, ClientId, ClientSecret, Audience, Domain] {
            assert!(env_allowed(id, &[]), "{id:?}");
        }
        // client_id in the block: the application's settings may come from the
        // environment, a static token may not.
        assert!(env_allowed(ClientSecret, &[Application]));
        assert!(env_allowed(ClientAssertionPrivateKey, &[Application]));
        assert!(!env_allowed(ApiToken, &[Application]));
        assert!(env_allowed(Audience, &[Application]));
        // api_token in the block: the environment's application is not used.
        assert!(!env_allowed(ClientId, &[StaticToken]));
        assert!(!env_allowed(ClientSecret, &[StaticToken]));
        assert!(env_allowed(ApiToken, &[StaticToken]));
        assert!(env_allowed(Domain, &[StaticToken]));
    }

    #[test]
    fn sources_are_named_as_a_person_reads_them() {
        assert_eq!(
            describe(&[(ApiToken, Source::Env)]),
            "the api_token from AUTH0_API_TOKEN"
        );
        assert_eq!(
            describe(&[(ClientId, Source::Block), (ClientSecret, Source::Block)]),
            "client_id and client_secret from the provider block"
        );
        assert_eq!(
            describe(&[(ClientId, Source::Block), (ClientSecret, Source::Env)]),
            "client_id from the provider block and client_secret from AUTH0_CLIENT_SECRET"
        );
        assert_eq!(
            describe(&[(ClientId, Source::Env), (ClientSecret, Source::Env)]),
            "client_id from AUTH0_CLIENT_ID and client_secret from AUTH0_CLIENT_SECRET"
        );
    }

    #[test]
    fn mixed_kinds_warn_naming_what_is_used_and_why() {
        let block_app = [(ClientId, Source::Block), (ClientSecret, Source::Block)];
        // The case: a stale AUTH0_API_TOKEN beside client credentials in the block.
        let found = [block_app[0], block_app[1], (ApiToken, Source::Env)];
        let w = mixed_credentials_warning(&found, &block_app, &[ApiToken]).unwrap();
        assert!(
            w.detail
                .contains("authenticates with client_id and client_secret from the provider block")
                && w.detail
                    .contains("Also set: the api_token from AUTH0_API_TOKEN")
                && w.detail.contains("AUTH0_API_TOKEN is not used"),
            "{w:?}"
        );
        // Both in the environment: the existing order decides, and the warning says so.
        let found = [
            (ApiToken, Source::Env),
            (ClientId, Source::Env),
            (ClientSecret, Source::Env),
        ];
        let w = mixed_credentials_warning(&found, &[(ApiToken, Source::Env)], &[]).unwrap();
        assert!(
            w.detail.contains("the api_token from AUTH0_API_TOKEN")
                && w.detail.contains("client_secret from AUTH0_CLIENT_SECRET")
                && w.detail.contains("Within one source"),
            "{w:?}"
        );
        // One kind, or the block alone (validation warns there): no warning.
        assert!(mixed_credentials_warning(&block_app, &block_app, &[]).is_none());
        let found = [
            (ApiToken, Source::Block),
            (ClientId, Source::Block),
            (ClientSecret, Source::Block),
        ];
        assert!(mixed_credentials_warning(&found, &found[..1], &[]).is_none());
        // client_id from the block, secret from the environment: one kind.
        let found = [(ClientId, Source::Block), (ClientSecret, Source::Env)];
        assert!(mixed_credentials_warning(&found, &found, &[]).is_none());
    }
}
