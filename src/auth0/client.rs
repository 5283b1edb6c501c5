//! The Management API client: the two calls the provider needs and the authentication they
//! carry. Each call is built here, sent (and retried per the policy) by `transport`, and a
//! failed answer is turned into an error with a hint by `hints`.

use std::sync::Arc;

use reqwest::Method;
use ring::signature::RsaKeyPair;
use serde_json::Value;
use tracing::debug;

use super::config::{parse_domain, ClientConfig};
use super::credentials::{parse_private_key, Credentials, Secret, SigningAlg};
use super::error::{ApiError, ApiErrorKind, ConfigError, Field, Message, TOKEN_PATH};
use super::hints::{api_error, token_error, Caller};
use super::jwt::client_assertion;
use super::redact::Redactor;
use super::reply::Reply;
use super::retry::now_unix;
use super::settings::{fields_query, SessionSettings, SessionUpdate};
use super::token::{read_grant, Fetched, Token, TokenCache};
use super::transport::{method_str, Body, Request, Transport};

pub(crate) const SETTINGS_PATH: &str = "/api/v2/tenants/settings";
const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client authenticates, with the private key already parsed.
enum Auth {
    Static(Secret),
    ClientSecret {
        client_id: String,
        client_secret: Secret,
    },
    PrivateKey {
        client_id: String,
        // ring keeps the key's numbers inline (about 2 KiB): boxed, so every Auth is small.
        key: Box<RsaKeyPair>,
        alg: SigningAlg,
    },
}

impl Auth {
    fn client_id(&self) -> Option<&str> {
        match self {
            Auth::Static(_) => None,
            Auth::ClientSecret { client_id, .. } | Auth::PrivateKey { client_id, .. } => {
                Some(client_id)
            }
        }
    }
}

/// An Auth0 Management API client for one tenant. Cheap to clone: clones share the HTTP
/// connection pool and the access token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    audience: String,
    auth: Auth,
    tokens: TokenCache,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.endpoint.base)
            .field("audience", &self.inner.audience)
            .finish_non_exhaustive()
    }
}

/// A credential that is present but holds only blanks.
fn is_empty(field: Field) -> ConfigError {
    ConfigError::new(
        Some(field),
        Message::default().name(field).text(" is empty"),
    )
}

impl Client {
    /// Validates the config and builds the client. Makes no network request; the first
    /// token is fetched by the first API call.
    pub fn new(cfg: ClientConfig) -> Result<Client, ConfigError> {
        let endpoint = parse_domain(&cfg.domain)?;
        // Every secret this client will send, so nothing a server echoes of them is quoted.
        let redactor = Redactor::default();
        match &cfg.credentials {
            Credentials::ApiToken(t) => redactor.add(t.expose().trim()),
            Credentials::ClientSecret { client_secret, .. } => redactor.add(client_secret.expose()),
            Credentials::PrivateKeyJwt {
                private_key_pem, ..
            } => redactor.add_private_key(private_key_pem.expose()),
        }
        let auth = match cfg.credentials {
            Credentials::ApiToken(t) => {
                if t.expose().trim().is_empty() {
                    return Err(is_empty(Field::ApiToken));
                }
                Auth::Static(t)
            }
            Credentials::ClientSecret {
                client_id,
                client_secret,
            } => Auth::ClientSecret {
                client_id,
                client_secret,
            },
            Credentials::PrivateKeyJwt {
                client_id,
                private_key_pem,
                signing_alg,
            } => Auth::PrivateKey {
                client_id,
                key: Box::new(parse_private_key(private_key_pem.expose())?),
                alg: signing_alg,
            },
        };
        if let Some(id) = auth.client_id() {
            if id.trim().is_empty() {
                return Err(is_empty(Field::ClientId));
            }
        }
        let audience = match cfg.audience.as_deref().map(str::trim) {
            Some(a) if !a.is_empty() => a.to_string(),
            _ => format!("{}/api/v2/", endpoint.base),
        };
        let transport = Transport::new(
            endpoint,
            cfg.user_agent,
            cfg.retry,
            cfg.request_timeout,
            cfg.log_bodies,
            &cfg.proxy_env,
            Arc::new(redactor),
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                audience,
                auth,
                tokens: TokenCache::default(),
            }),
        })
    }

    /// `scheme://host[:port]` of the tenant.
    pub fn base_url(&self) -> &str {
        &self.inner.transport.endpoint.base
    }

    /// `host[:port]` of the tenant; stable, so it serves as the resource ID.
    pub fn domain_id(&self) -> String {
        self.inner.transport.endpoint.domain_id.clone()
    }

    /// The token audience in use.
    pub fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// How many HTTP requests to `/oauth/token` this client (and its clones) has sent.
    pub fn token_requests(&self) -> u64 {
        self.inner.transport.token_requests()
    }

    /// One `GET /api/v2/tenants/settings` narrowed to the session fields. Fields the tenant
    /// leaves out (as it does for defaults) read as Auth0's documented defaults.
    pub async fn read_session_settings(&self) -> Result<SessionSettings, ApiError> {
        let query = format!("fields={}&include_fields=true", fields_query());
        let outcome = async {
            let reply = self
                .inner
                .api_call(Method::GET, SETTINGS_PATH, Some(&query), None)
                .await?;
            parse_settings(&Method::GET, &reply)
        };
        self.inner.finish(outcome.await)
    }

    /// One `PATCH /api/v2/tenants/settings` with only the given fields. The 200 body is the
    /// tenant's new state and is returned as is: no follow-up GET, no sleep.
    ///
    /// An empty update is refused locally with a `BadRequest` error (no status) and nothing is
    /// sent: Auth0 would reject `{}` anyway, and callers should skip the call when nothing
    /// changed (see [`SessionUpdate::is_empty`]).
    pub async fn update_session_settings(
        &self,
        changes: &SessionUpdate,
    ) -> Result<SessionSettings, ApiError> {
        if changes.is_empty() {
            return Err(ApiError::new(
                ApiErrorKind::BadRequest,
                "PATCH",
                SETTINGS_PATH,
                "nothing to update: no session setting was given",
            )
            .with_hint("This is a provider bug: an empty update should not be sent."));
        }
        let body = changes.to_json();
        let outcome = async {
            let reply = self
                .inner
                .api_call(Method::PATCH, SETTINGS_PATH, None, Some(&body))
                .await?;
            parse_settings(&Method::PATCH, &reply)
        };
        self.inner.finish(outcome.await)
    }
}

/// The settings in a 2xx answer, or an error saying the answer was unreadable.
///
/// An unreadable answer is not retried, for the GET or the PATCH: it arrived whole, so
/// whatever sent it (a proxy, a captive portal, a domain that is not Auth0) would send it
/// again, and retrying would only spend the retry budget before saying the same. An answer
/// cut off on the way is a transport failure, retried by `Transport::send`. A PATCH answered
/// this way may have been applied; the provider treats it so, and the next plan reads it.
fn parse_settings(method: &Method, reply: &Reply) -> Result<SessionSettings, ApiError> {
    let hint = if *method == Method::PATCH {
        "The change may have been applied: the next plan reads the tenant and shows what it \
         holds. Check that domain points at an Auth0 tenant, not a proxy or another service."
    } else {
        "Check that domain points at an Auth0 tenant, not a proxy or another service; if it \
         does, run again later."
    };
    let invalid = |msg: String| {
        ApiError::new(
            ApiErrorKind::InvalidResponse,
            method_str(method),
            SETTINGS_PATH,
            msg,
        )
        .with_status(reply.status)
        .with_hint(hint)
    };
    let json: Value = reply.json().map_err(|e| {
        invalid(format!(
            "expected JSON tenant settings but the body is not valid JSON ({e}); it starts with {}",
            reply.excerpt()
        ))
    })?;
    SessionSettings::from_json(&json).map_err(invalid)
}

impl Inner {
    /// A call's outcome as it leaves the client: a failure names the proxy the call went
    /// through, if any. Every public call ends here.
    fn finish<T>(&self, outcome: Result<T, ApiError>) -> Result<T, ApiError> {
        outcome.map_err(|mut e| {
            e.via_proxy = self.transport.proxy().map(|p| Arc::new(p.named()));
            e
        })
    }

    /// Sends an authenticated Management API call and returns its 2xx reply. A 401 leads to
    /// one token refresh and one more try (not possible with a static token).
    async fn api_call(
        &self,
        method: Method,
        path: &'static str,
        query: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, ApiError> {
        let request = |bearer| Request {
            method: method.clone(),
            path,
            query,
            body: body.map_or(Body::Empty, Body::Json),
            bearer: Some(bearer),
        };
        let token = self.token().await?;
        let reply = self.transport.send(request(&token.value)).await?;
        if reply.status != 401 || matches!(self.auth, Auth::Static(_)) {
            return self.check(&method, path, reply, false);
        }
        debug!(
            method = %method,
            path,
            "auth0: access token rejected with 401; refreshing it once"
        );
        let fresh = self
            .tokens
            .refresh_rejected(token.generation, || self.fetch_token())
            .await?;
        let reply = self.transport.send(request(&fresh.value)).await?;
        self.check(&method, path, reply, true)
    }

    async fn token(&self) -> Result<Token, ApiError> {
        match &self.auth {
            Auth::Static(t) => Ok(Token {
                value: t.clone(),
                generation: 0,
            }),
            _ => self.tokens.get(|| self.fetch_token()).await,
        }
    }

    /// `POST /oauth/token` with the client credentials grant.
    async fn fetch_token(&self) -> Result<Fetched, ApiError> {
        let assertion;
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "client_credentials"),
            ("audience", &self.audience),
        ];
        match &self.auth {
            Auth::Static(_) => {
                return Err(ApiError::new(
                    ApiErrorKind::TokenEndpoint,
                    "POST",
                    TOKEN_PATH,
                    "a static api_token cannot be refreshed",
                ))
            }
            Auth::ClientSecret {
                client_id,
                client_secret,
            } => {
                form.push(("client_id", client_id));
                form.push(("client_secret", client_secret.expose()));
            }
            Auth::PrivateKey {
                client_id,
                key,
                alg,
            } => {
                assertion = client_assertion(
                    key,
                    *alg,
                    client_id,
                    &self.transport.endpoint.base,
                    now_unix().as_secs(),
                )
                .map_err(|m| ApiError::new(ApiErrorKind::TokenEndpoint, "POST", TOKEN_PATH, m))?;
                self.transport.redactor().add(&assertion);
                form.push(("client_id", client_id));
                form.push(("client_assertion", &assertion));
                form.push(("client_assertion_type", CLIENT_ASSERTION_TYPE));
            }
        }
        let reply = self
            .transport
            .send(Request {
                method: Method::POST,
                path: TOKEN_PATH,
                query: None,
                body: Body::Form(&form),
                bearer: None,
            })
            .await?;
        if reply.is_success() {
            let fetched = read_grant(reply.secret_bytes()).map_err(|why| {
                ApiError::new(
                    ApiErrorKind::InvalidResponse,
                    "POST",
                    TOKEN_PATH,
                    format!("the token endpoint's answer is not a usable access token: {why}"),
                )
                .with_status(reply.status)
                .with_hint("Check that domain points at an Auth0 tenant.")
            })?;
            self.transport.redactor().add(fetched.value.expose());
            return Ok(fetched);
        }
        Err(token_error(&reply, &self.caller()))
    }

    /// Passes a 2xx reply on; any other becomes an error with a hint.
    fn check(
        &self,
        method: &Method,
        path: &'static str,
        reply: Reply,
        refreshed: bool,
    ) -> Result<Reply, ApiError> {
        if reply.is_success() {
            return Ok(reply);
        }
        Err(api_error(method, path, &reply, refreshed, &self.caller()))
    }

    fn caller(&self) -> Caller<'_> {
        Caller {
            client_id: self.auth.client_id(),
            key_alg: match &self.auth {
                Auth::PrivateKey { alg, .. } => Some(*alg),
                Auth::Static(_) | Auth::ClientSecret { .. } => None,
            },
            audience: &self.audience,
            domain_id: &self.transport.endpoint.domain_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A remote tenant, with no proxy whatever the developer's environment says.
    fn config(credentials: Credentials) -> ClientConfig {
        let mut cfg = ClientConfig::new("tenant.eu.auth0.com", credentials);
        cfg.proxy_env = crate::auth0::ProxyEnv::default();
        cfg
    }

    fn secret_client() -> Client {
        Client::new(config(Credentials::ClientSecret {
            client_id: "CLIENT_ID".into(),
            client_secret: Secret::new("s3cr3t"),
        }))
        .unwrap()
    }

    #[test]
    fn new_does_no_io_and_derives_urls() {
        let c = secret_client();
        assert_eq!(c.base_url(), "https://tenant.eu.auth0.com");
        assert_eq!(c.domain_id(), "tenant.eu.auth0.com");
        assert_eq!(c.audience(), "https://tenant.eu.auth0.com/api/v2/");
        assert_eq!(c.token_requests(), 0);
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
    }

    #[test]
    fn settings_body_errors_are_invalid_response() {
        let e = parse_settings(
            &Method::GET,
            &Reply::for_test(200, r#"{"session_lifetime": -1}"#),
        )
        .unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::InvalidResponse);
        assert!(e.message.contains("session_lifetime is -1"), "{e}");
    }

    #[tokio::test]
    async fn empty_update_is_refused_without_io() {
        let c = secret_client();
        let e = c
            .update_session_settings(&SessionUpdate::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::BadRequest);
        assert_eq!(e.status, None);
        assert_eq!(c.token_requests(), 0);
    }

    #[test]
    fn unusable_private_key_is_rejected_at_new() {
        let e = Client::new(config(Credentials::PrivateKeyJwt {
            client_id: "cid".into(),
            private_key_pem: Secret::new("garbage"),
            signing_alg: SigningAlg::RS256,
        }))
        .unwrap_err();
        assert_eq!(e.field, Some(Field::PrivateKey));
    }
}
