//! What a failed answer from Auth0 means: the [`ApiErrorKind`] of each status, and a hint
//! that names what to fix (scope, application, audience, domain) for the person running
//! Terraform. The Management API and the token endpoint answer in different shapes, so each
//! has its own table.

use reqwest::Method;
use serde::de::DeserializeOwned;

use super::credentials::SigningAlg;
use super::error::{body_excerpt, ApiError, ApiErrorKind, Field, Message, TOKEN_PATH};
use super::reply::Reply;
use super::token::OAuthError;
use super::transport::method_str;

const DASHBOARD_M2M: &str = "in the Auth0 dashboard (APIs > Auth0 Management API > Machine to \
                             Machine Applications)";

/// The caller as the hints name it.
pub(crate) struct Caller<'a> {
    /// The application; `None` with a static `api_token`.
    pub client_id: Option<&'a str>,
    /// The algorithm of a private key JWT; `None` with a client secret or `api_token`.
    pub key_alg: Option<SigningAlg>,
    pub audience: &'a str,
    /// `host[:port]` of the tenant.
    pub domain_id: &'a str,
}

/// Auth0's Management API error body.
#[derive(serde::Deserialize, Default)]
struct MgmtError {
    message: Option<String>,
    error: Option<String>,
    #[serde(rename = "errorCode")]
    error_code: Option<String>,
}

/// An error body of the shape `T`, its strings already cleaned of secrets by the reply.
fn error_body<T: DeserializeOwned>(reply: &Reply) -> Option<T> {
    reply
        .json()
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
}

/// A redirect from either endpoint: never followed (it could carry the credentials to
/// another host), reported with its target and the fix.
pub(crate) fn redirect_error(method: &'static str, path: &'static str, reply: &Reply) -> ApiError {
    let status = reply.status;
    let to = match reply.location() {
        Some(to) => body_excerpt(to.as_bytes()),
        None => "nowhere (no Location header)".to_string(),
    };
    ApiError::new(
        ApiErrorKind::InvalidResponse,
        method,
        path,
        format!(
            "HTTP {status} redirect to {to}; the provider does not follow redirects, which could \
             carry the credentials to another host"
        ),
    )
    .with_status(status)
    .with_hint(Message::default().text("Set ").name(Field::Domain).text(
        " to the tenant's Auth0 domain (e.g. my-tenant.eu.auth0.com), which serves the \
                 token endpoint and the Management API directly; a custom domain or a proxy in \
                 between may redirect.",
    ))
}

/// A non-2xx Management API reply as an error with a hint. `refreshed`: the token was
/// rejected once already and this reply answered the fresh one.
pub(crate) fn api_error(
    method: &Method,
    path: &'static str,
    reply: &Reply,
    refreshed: bool,
    caller: &Caller<'_>,
) -> ApiError {
    let status = reply.status;
    if reply.is_redirect() {
        return redirect_error(method_str(method), path, reply);
    }
    let parsed: Option<MgmtError> = error_body(reply);
    let json_ok = parsed.is_some();
    let parsed = parsed.unwrap_or_default();
    let auth0_message = parsed.message.or(parsed.error);
    let mut message = match auth0_message {
        Some(m) => m,
        None if json_ok => format!("HTTP {status}"),
        None => format!(
            "HTTP {status} with a body that is not Auth0 JSON, starting with {}",
            reply.excerpt()
        ),
    };
    let scope_needed = if *method == Method::GET {
        "read:tenant_settings"
    } else {
        "update:tenant_settings"
    };
    let (kind, hint): (ApiErrorKind, Option<Message>) = match status {
        400 => {
            let hint = message.contains("maximum").then(|| {
                "Use a smaller value: Auth0 limits session lifetimes (up to 8,760 h \
                 absolute; lower on self-service plans)."
                    .into()
            });
            (ApiErrorKind::BadRequest, hint)
        }
        401 if caller.client_id.is_none() => (
            ApiErrorKind::Unauthorized,
            Some(
                Message::default()
                    .text("The ")
                    .name(Field::ApiToken)
                    .text(" is expired or invalid; use client credentials (")
                    .name(Field::ClientId)
                    .text(" with ")
                    .name(Field::ClientSecret)
                    .text(" or ")
                    .name(Field::PrivateKey)
                    .text(") so the provider can refresh tokens."),
            ),
        ),
        401 => {
            if refreshed {
                message.push_str(" (the token was refreshed and still rejected)");
            }
            (
                ApiErrorKind::Unauthorized,
                Some(
                    Message::default()
                        .text("Check that ")
                        .name(Field::Audience)
                        .text(format!(
                            " is {} (the tenant's Management API identifier) and that the \
                             application {} is authorized for it {DASHBOARD_M2M}.",
                            caller.audience,
                            caller.client_id.unwrap_or("")
                        )),
                ),
            )
        }
        403 => {
            let scopes = message
                .split_once("of:")
                .map(|(_, s)| s.trim().trim_end_matches('.').to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| scope_needed.to_string());
            let hint = match caller.client_id {
                Some(id) => {
                    format!("Grant the scope {scopes} to the application {id} {DASHBOARD_M2M}.")
                        .into()
                }
                None => Message::default()
                    .text("Issue a new ")
                    .name(Field::ApiToken)
                    .text(format!(
                        " that includes the scope {scopes}, or use client credentials of an \
                         application granted that scope."
                    )),
            };
            (ApiErrorKind::Forbidden, Some(hint))
        }
        404 => (
            ApiErrorKind::NotFound,
            Some(
                Message::default()
                    .text("Check that ")
                    .name(Field::Domain)
                    .text(format!(
                        " ({}) is the tenant's Auth0 domain such as my-tenant.eu.auth0.com; \
                         custom domains do not serve the Management API.",
                        caller.domain_id
                    )),
            ),
        ),
        408 => (ApiErrorKind::Timeout, None),
        429 => (ApiErrorKind::RateLimited, None),
        500..=599 => (
            ApiErrorKind::Server,
            Some("Auth0 may be having an incident (see status.auth0.com); run again later.".into()),
        ),
        431 => (
            ApiErrorKind::Refused,
            Some(
                Message::default()
                    .text(
                        "Auth0 found the request headers too large (HTTP 431). The Authorization \
                         header carries the access token: if ",
                    )
                    .named(Field::ApiToken)
                    .text(
                        " is set, check that it holds one Management API token and nothing else.",
                    ),
            ),
        ),
        _ => (ApiErrorKind::Refused, None),
    };
    if let Some(tries) = &reply.retries {
        message = format!("{message} (gave up after {tries})");
    }
    let mut err = ApiError::new(kind, method_str(method), path, message)
        .with_status(status)
        .with_code(parsed.error_code);
    err.hint = hint;
    err
}

/// A failed `POST /oauth/token` as an error with a hint.
pub(crate) fn token_error(reply: &Reply, caller: &Caller<'_>) -> ApiError {
    if reply.is_redirect() {
        return redirect_error("POST", TOKEN_PATH, reply);
    }
    let kind = match reply.status {
        429 => ApiErrorKind::RateLimited,
        500..=599 => ApiErrorKind::Server,
        _ => ApiErrorKind::TokenEndpoint,
    };
    let parsed: Option<OAuthError> = error_body(reply);
    let (code, description) = match parsed {
        Some(e) => (e.error, e.error_description),
        None => (None, None),
    };
    let message = description
        .clone()
        .or_else(|| code.clone())
        .unwrap_or_else(|| format!("unexpected answer, body starts with {}", reply.excerpt()));
    let client_id = caller.client_id.unwrap_or("");
    let credential_hint = match caller.key_alg {
        Some(alg) => Message::default()
            .text("Check ")
            .name(Field::ClientId)
            .text(" and ")
            .name(Field::PrivateKey)
            .text(format!(
                ": the application {client_id} must have the matching public key registered \
                 for {alg} (Application > Credentials)."
            )),
        None => Message::default()
            .text("Check ")
            .named_pair(Field::ClientId, Field::ClientSecret)
            .text(format!(
                ": Auth0 did not accept them for the application {client_id}."
            )),
    };
    let desc = description.unwrap_or_default().to_ascii_lowercase();
    let hint = match code.as_deref() {
        Some("access_denied") if desc.contains("not authorized to access") => Some(
            Message::default()
                .text(format!(
                    "Authorize the application {client_id} for the Auth0 Management API ("
                ))
                .name(Field::Audience)
                .text(format!(" {}) {DASHBOARD_M2M}.", caller.audience)),
        ),
        Some("access_denied") if desc.contains("service not found") => Some(
            Message::default()
                .text(format!(
                    "Auth0 has no API with the audience {}; remove ",
                    caller.audience
                ))
                .named(Field::Audience)
                .text(" to use the tenant's Management API."),
        ),
        Some("access_denied") | Some("invalid_client") => Some(credential_hint),
        Some("unauthorized_client") => Some(
            format!(
                "Enable the Client Credentials grant for the application {client_id} \
                 (Application > Advanced Settings > Grant Types)."
            )
            .into(),
        ),
        _ if reply.status == 401 || reply.status == 403 => Some(credential_hint),
        _ => None,
    };
    let message = match &reply.retries {
        Some(tries) => format!("{message} (gave up after {tries})"),
        None => message,
    };
    let mut err = ApiError::new(kind, "POST", TOKEN_PATH, message)
        .with_status(reply.status)
        .with_code(code);
    err.hint = hint;
    err
}

/// The hints the local test tenant cannot provoke; the others are checked end to end in
/// tests/auth0_client.rs.
#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_CALLER: Caller<'static> = Caller {
        client_id: Some("CLIENT_ID"),
        key_alg: None,
        audience: "https://tenant.eu.auth0.com/api/v2/",
        domain_id: "tenant.eu.auth0.com",
    };

    #[test]
    fn token_endpoint_errors_have_hints() {
        let e = token_error(
            &Reply::for_test(
                403,
                r#"{"error":"access_denied","error_description":"Client is not authorized to access \"https://tenant.eu.auth0.com/api/v2/\". You need to create a \"client-grant\" associated to this API."}"#,
            ),
            &SECRET_CALLER,
        );
        assert!(
            e.to_string()
                .contains("Authorize the application CLIENT_ID for the Auth0 Management API"),
            "{e}"
        );
        let e = token_error(&Reply::for_test(500, "oops"), &SECRET_CALLER);
        assert_eq!(e.kind, ApiErrorKind::Server);
        assert!(e.message.contains("\"oops\""), "{e}");
    }

    #[test]
    fn redirects_from_either_endpoint_read_alike() {
        let reply = || {
            Reply::for_test_with(
                307,
                &[(
                    "location",
                    "https://login.example.invalid/u/login?state=abc",
                )],
                "",
                Default::default(),
            )
        };
        let token = token_error(&reply(), &SECRET_CALLER);
        let settings = api_error(
            &Method::GET,
            "/api/v2/tenants/settings",
            &reply(),
            false,
            &SECRET_CALLER,
        );
        for e in [&token, &settings] {
            assert_eq!(e.kind, ApiErrorKind::InvalidResponse);
            assert_eq!(e.status, Some(307));
            assert!(
                e.message.starts_with(
                    "HTTP 307 redirect to \"https://login.example.invalid/u/login?state=abc\"; the \
                     provider does not follow redirects"
                ),
                "{e}"
            );
            assert!(e
                .to_string()
                .contains("Set domain to the tenant's Auth0 domain"));
        }
        assert_eq!(token.message, settings.message);
        assert_eq!(token.hint, settings.hint);
        let bare = token_error(&Reply::for_test(302, ""), &SECRET_CALLER);
        assert!(
            bare.message
                .contains("redirect to nowhere (no Location header)"),
            "{bare}"
        );
    }

    #[test]
    fn echoed_secrets_are_not_quoted() {
        let redactor = std::sync::Arc::new(crate::auth0::redact::Redactor::default());
        redactor.add("cs/7f+3a secret");
        let echo = r#"{"error":"invalid_request","error_description":"bad request: grant_type=client_credentials&client_secret=cs%2F7f%2B3a+secret"}"#;
        let e = token_error(
            &Reply::for_test_with(400, &[], echo, redactor.clone()),
            &SECRET_CALLER,
        );
        assert!(e.message.ends_with("client_secret=[redacted]"), "{e}");
        let plain = "upstream said: client_secret=cs/7f+3a secret";
        let e = token_error(
            &Reply::for_test_with(500, &[("content-type", "text/plain")], plain, redactor),
            &SECRET_CALLER,
        );
        assert!(e.message.contains("client_secret=[redacted]"), "{e}");
        assert!(!e.to_string().contains("7f+3a"), "{e}");
    }
}
