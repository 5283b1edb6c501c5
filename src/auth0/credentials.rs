//! How the client authenticates: a static token, a client secret, or a private key JWT.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use ring::signature::RsaKeyPair;

use super::error::{ConfigError, Field, Message};

/// A secret string. Prints as `***` in `Debug` and `Display` so it cannot end up in a log
/// line or an error message by accident; [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Algorithms Auth0 accepts for private key JWT client assertions (its Management API lists
/// exactly `RS256`, `RS384` and `PS256` for application credentials). All are RSA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (the default, as in the official provider).
    #[default]
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PSS with SHA-256.
    PS256,
}

impl SigningAlg {
    pub const ACCEPTED: [&'static str; 3] = ["RS256", "RS384", "PS256"];

    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::RS256 => "RS256",
            SigningAlg::RS384 => "RS384",
            SigningAlg::PS256 => "PS256",
        }
    }
}

impl fmt::Display for SigningAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SigningAlg {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "RS256" => Ok(SigningAlg::RS256),
            "RS384" => Ok(SigningAlg::RS384),
            "PS256" => Ok(SigningAlg::PS256),
            _ => Err(ConfigError::new(
                Some(Field::SigningAlg),
                Message::default()
                    .text("unsupported ")
                    .named(Field::SigningAlg)
                    .text(format!(
                        ": Auth0 accepts {}",
                        SigningAlg::ACCEPTED.join(", ")
                    )),
            )),
        }
    }
}

/// How to obtain the bearer token for the Management API.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A token issued elsewhere; cannot be refreshed.
    ApiToken(Secret),
    ClientSecret {
        client_id: String,
        client_secret: Secret,
    },
    PrivateKeyJwt {
        client_id: String,
        /// PEM, PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
        private_key_pem: Secret,
        signing_alg: SigningAlg,
    },
}

fn present(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

impl Credentials {
    /// Picks the credential mode the way the official provider does: a static `api_token`
    /// wins; else `client_id` + `client_secret`; else `client_id` +
    /// `client_assertion_private_key` (+ `client_assertion_signing_alg`, default RS256).
    /// Empty strings count as unset (Terraform and env vars often yield ""). The private key is
    /// parsed here so a malformed key fails at configuration time.
    pub fn from_parts(
        api_token: Option<String>,
        client_id: Option<String>,
        client_secret: Option<String>,
        private_key: Option<String>,
        signing_alg: Option<String>,
    ) -> Result<Credentials, ConfigError> {
        if let Some(token) = present(api_token) {
            let token = token.trim().to_string();
            no_control_characters(&token, Field::ApiToken)?;
            return Ok(Credentials::ApiToken(Secret(token)));
        }
        let client_id = present(client_id).map(|s| s.trim().to_string());
        let client_secret = present(client_secret);
        if let Some(id) = &client_id {
            no_control_characters(id, Field::ClientId)?;
        }
        if let Some(secret) = &client_secret {
            no_control_characters(secret, Field::ClientSecret)?;
        }
        let private_key = present(private_key);
        match (client_id, client_secret, private_key) {
            (Some(client_id), Some(secret), _) => Ok(Credentials::ClientSecret {
                client_id,
                client_secret: Secret(secret),
            }),
            (Some(client_id), None, Some(key)) => {
                let signing_alg = match present(signing_alg) {
                    Some(a) => a.parse()?,
                    None => SigningAlg::default(),
                };
                let private_key_pem = Secret(key);
                parse_private_key(private_key_pem.expose())?;
                Ok(Credentials::PrivateKeyJwt {
                    client_id,
                    private_key_pem,
                    signing_alg,
                })
            }
            (Some(_), None, None) => Err(ConfigError::new(
                Some(Field::ClientSecret),
                Message::default()
                    .name(Field::ClientId)
                    .text(" is set but neither ")
                    .named(Field::ClientSecret)
                    .text(" nor ")
                    .named(Field::PrivateKey)
                    .text(" is; set one of them, or use ")
                    .named(Field::ApiToken),
            )),
            (None, secret, key) if secret.is_some() || key.is_some() => {
                let which = if secret.is_some() {
                    Field::ClientSecret
                } else {
                    Field::PrivateKey
                };
                Err(ConfigError::new(
                    Some(Field::ClientId),
                    Message::default()
                        .name(which)
                        .text(" is set but ")
                        .named(Field::ClientId)
                        .text(
                            " is missing; set the client ID of the Machine to Machine application",
                        ),
                ))
            }
            _ => Err(ConfigError::new(
                None,
                Message::default()
                    .text("no Auth0 credentials configured: set ")
                    .named(Field::ApiToken)
                    .text(", or ")
                    .named(Field::ClientId)
                    .text(" with ")
                    .named(Field::ClientSecret)
                    .text(", or ")
                    .name(Field::ClientId)
                    .text(" with ")
                    .named(Field::PrivateKey)
                    .text(" and ")
                    .named(Field::SigningAlg),
            )),
        }
    }
}

/// Refuses a credential with a line break or another control character inside: an HTTP
/// header (or form field) cannot carry it, and it is always a copy-paste slip. The value
/// itself is never shown.
fn no_control_characters(value: &str, field: Field) -> Result<(), ConfigError> {
    if has_control_characters(value) {
        return Err(ConfigError::new(
            Some(field),
            Message::default()
                .named(field)
                .text(" ")
                .text(CONTROL_CHARACTERS),
        ));
    }
    Ok(())
}

/// Whether a value holds a character no credential can: see [`CONTROL_CHARACTERS`].
pub fn has_control_characters(value: &str) -> bool {
    value.chars().any(char::is_control)
}

/// What is wrong with a value [`has_control_characters`] finds, after the setting's name.
pub const CONTROL_CHARACTERS: &str = "contains a line break or another control character, \
    which cannot be sent to Auth0 (often a newline left by copy and paste or by file(); wrap it \
    in trimspace() or remove the character)";

fn key_error(why: &str) -> ConfigError {
    ConfigError::new(
        Some(Field::PrivateKey),
        Message::default().named(Field::PrivateKey).text(format!(
            " is not usable: {why}. Expected an unencrypted RSA private key (2048 to 8192 bits) \
             in PEM, either \"BEGIN PRIVATE KEY\" (PKCS#8) or \"BEGIN RSA PRIVATE KEY\" (PKCS#1)"
        )),
    )
}

/// Parses a PEM RSA private key. Errors describe the shape of the problem, never the content.
pub(crate) fn parse_private_key(pem: &str) -> Result<RsaKeyPair, ConfigError> {
    // Keys passed through env vars often carry literal "\n" instead of line breaks.
    let pem = if !pem.contains('\n') && pem.contains("\\n") {
        pem.replace("\\n", "\n")
    } else {
        pem.to_string()
    };
    let begin = pem
        .find("-----BEGIN ")
        .ok_or_else(|| key_error("no \"-----BEGIN ...-----\" line found"))?;
    let rest = &pem[begin + "-----BEGIN ".len()..];
    let label_end = rest
        .find("-----")
        .ok_or_else(|| key_error("malformed BEGIN line"))?;
    let label = &rest[..label_end];
    let body_and_end = &rest[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let end = body_and_end
        .find(&end_marker)
        .ok_or_else(|| key_error(&format!("missing \"{end_marker}\" line")))?;
    let body: String = body_and_end[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if body.contains(':') {
        return Err(key_error(
            "the key is encrypted (PEM headers found); decrypt it first",
        ));
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|_| key_error("the PEM body is not valid base64"))?;
    match label {
        "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der).map_err(|e| {
            key_error(&format!(
                "not a usable RSA PKCS#8 key ({e}); Auth0 takes RSA keys of 2048 to 4096 bits"
            ))
        }),
        "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der).map_err(|e| {
            key_error(&format!(
                "not a usable PKCS#1 RSA key ({e}); Auth0 takes RSA keys of 2048 to 4096 bits"
            ))
        }),
        "ENCRYPTED PRIVATE KEY" => Err(key_error(
            "the key is encrypted; decrypt it first (openssl pkcs8 -in key.pem -nocrypt)",
        )),
        other => Err(key_error(&format!(
            "found a \"{other}\" block; only RSA keys are supported"
        ))),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::auth0::error::FieldNames;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::KeySize;

    /// A fresh throwaway RSA key as PKCS#8 PEM (made with aws-lc, which can generate keys).
    pub(crate) fn test_key_pem() -> String {
        key_pem(KeySize::Rsa2048)
    }

    fn key_pem(size: KeySize) -> String {
        let key = aws_lc_rs::rsa::KeyPair::generate(size).unwrap();
        let der = key.as_der().unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
        let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap());
            pem.push('\n');
        }
        pem.push_str("-----END PRIVATE KEY-----\n");
        pem
    }

    #[test]
    fn keys_of_the_sizes_auth0_takes_are_read() {
        for size in [KeySize::Rsa2048, KeySize::Rsa3072, KeySize::Rsa4096] {
            assert!(parse_private_key(&key_pem(size)).is_ok(), "{size:?}");
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn secret_is_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(secret.expose(), "hunter2");
        let creds = Credentials::ClientSecret {
            client_id: "cid".into(),
            client_secret: secret,
        };
        let dbg = format!("{creds:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(dbg.contains("cid"));
    }

    #[test]
    fn api_token_wins() {
        let c = Credentials::from_parts(s("tok"), s("cid"), s("sec"), None, None).unwrap();
        assert!(matches!(c, Credentials::ApiToken(t) if t.expose() == "tok"));
    }

    #[test]
    fn client_secret_beats_private_key() {
        let c =
            Credentials::from_parts(None, s("cid"), s("sec"), s("not a key"), s("bogus")).unwrap();
        assert!(matches!(c, Credentials::ClientSecret { client_id, .. } if client_id == "cid"));
    }

    #[test]
    fn empty_strings_are_unset() {
        let c = Credentials::from_parts(s(""), s("cid"), s("sec"), None, None).unwrap();
        assert!(matches!(c, Credentials::ClientSecret { .. }));
    }

    #[test]
    fn private_key_mode_defaults_to_rs256() {
        let pem = test_key_pem();
        let c = Credentials::from_parts(None, s("cid"), None, Some(pem.clone()), None).unwrap();
        assert!(matches!(
            c,
            Credentials::PrivateKeyJwt {
                signing_alg: SigningAlg::RS256,
                ..
            }
        ));
        let c = Credentials::from_parts(None, s("cid"), None, Some(pem), s("ps256")).unwrap();
        assert!(matches!(
            c,
            Credentials::PrivateKeyJwt {
                signing_alg: SigningAlg::PS256,
                ..
            }
        ));
    }

    #[test]
    fn private_key_with_escaped_newlines() {
        let pem = test_key_pem().replace('\n', "\\n");
        assert!(parse_private_key(&pem).is_ok());
    }

    #[test]
    fn malformed_key_is_a_config_error_without_the_key() {
        let junk =
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----";
        let e = Credentials::from_parts(None, s("cid"), None, s(junk), None).unwrap_err();
        assert_eq!(e.field, Some(Field::PrivateKey));
        assert!(!e.to_string().contains("c2VjcmV0"), "{e}");
        let e = Credentials::from_parts(None, s("cid"), None, s("just text"), None).unwrap_err();
        assert!(e.to_string().contains("BEGIN"), "{e}");
        let e =
            parse_private_key("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----")
                .unwrap_err();
        assert!(e.to_string().contains("only RSA"), "{e}");
    }

    #[test]
    fn bad_alg_lists_accepted_values() {
        let e = Credentials::from_parts(None, s("cid"), None, Some(test_key_pem()), s("HS256"))
            .unwrap_err();
        assert_eq!(e.field, Some(Field::SigningAlg));
        assert!(e.to_string().contains("RS256, RS384, PS256"), "{e}");
        assert!(
            !e.to_string().contains("HS256"),
            "values are not repeated: {e}"
        );
    }

    #[test]
    fn missing_pieces_name_the_fields() {
        let e = Credentials::from_parts(None, None, None, None, None).unwrap_err();
        for f in [
            Field::ApiToken,
            Field::ClientId,
            Field::ClientSecret,
            Field::PrivateKey,
            Field::SigningAlg,
        ] {
            assert!(e.to_string().contains(f.as_str()), "{f:?}: {e}");
        }
        let e = Credentials::from_parts(None, s("cid"), None, None, None).unwrap_err();
        assert!(e.to_string().contains("client secret"), "{e}");
        let e = Credentials::from_parts(None, None, s("sec"), None, None).unwrap_err();
        assert_eq!(e.field, Some(Field::ClientId));
        assert!(e.to_string().contains("client ID"), "{e}");
        assert!(!e.to_string().contains("sec\""), "{e}");
    }

    /// The caller's names go where the message names a field, its alias in parentheses.
    #[test]
    fn a_callers_names_replace_the_fields() {
        struct Upper;
        impl FieldNames for Upper {
            fn name(&self, f: Field) -> &str {
                match f {
                    Field::ClientId => "ID",
                    _ => "OTHER",
                }
            }
            fn alias(&self, f: Field) -> Option<&str> {
                (f == Field::ClientId).then_some("ENV_ID")
            }
        }
        let e = Credentials::from_parts(None, None, s("sec"), None, None).unwrap_err();
        assert_eq!(
            e.message(&Upper),
            "OTHER is set but ID (ENV_ID) is missing; set the client ID of the Machine to \
             Machine application"
        );
    }
}
