//! Errors of the Auth0 client: [`ConfigError`] for bad settings (found before any network
//! I/O) and [`ApiError`] for failed calls. Both render as sentences a person can act on and
//! never contain a secret (token, client secret, assertion or key).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Writes [`Field`], its `ALL` and its words from one table, so `ALL` cannot miss a
/// variant (as `lifetimes!` does for `Lifetime`).
macro_rules! fields {
    ($($variant:ident => $word:literal,)+) => {
        /// A setting of the client, in the client's own words. Whoever configures the
        /// client decides what its users call each one (see [`FieldNames`]); this layer
        /// never does.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Field {
            $($variant,)+
        }

        impl Field {
            /// Every field, in the order of the table.
            pub const ALL: [Field; [$(Field::$variant),+].len()] = [$(Field::$variant),+];

            /// The client's own word for the field, for [`ConfigError`]'s `Display`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Field::$variant => $word,)+
                }
            }
        }
    };
}

fields! {
    Domain => "domain",
    ClientId => "client ID",
    ClientSecret => "client secret",
    ApiToken => "API token",
    PrivateKey => "client assertion private key",
    SigningAlg => "client assertion signing algorithm",
    Audience => "audience",
}

/// What the users of a caller call each [`Field`]: its name, and optionally another place
/// they may have set it (shown in parentheses after the name).
pub trait FieldNames {
    fn name(&self, field: Field) -> &str;
    fn alias(&self, field: Field) -> Option<&str>;
}

/// The client's own words: [`Field::as_str`], no alias.
pub struct OwnWords;

impl FieldNames for OwnWords {
    fn name(&self, field: Field) -> &str {
        field.as_str()
    }

    fn alias(&self, _: Field) -> Option<&str> {
        None
    }
}

/// A piece of a [`Message`]: text, or a field its reader names.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(Cow<'static, str>),
    /// The field's name.
    Name(Field),
    /// ` (alias)`, or ` (alias/alias)` for two fields, when they have aliases; else nothing.
    Alias(Field, Option<Field>),
}

/// A sentence that may name fields of the client, built piece by piece; [`Message::render`]
/// writes it with the reader's names for them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message(Vec<Part>);

impl Message {
    pub(crate) fn text(mut self, text: impl Into<Cow<'static, str>>) -> Self {
        self.0.push(Part::Text(text.into()));
        self
    }

    /// The field's name.
    pub(crate) fn name(mut self, field: Field) -> Self {
        self.0.push(Part::Name(field));
        self
    }

    /// The field's name followed by its alias: `name (alias)`.
    pub(crate) fn named(mut self, field: Field) -> Self {
        self.0.push(Part::Name(field));
        self.0.push(Part::Alias(field, None));
        self
    }

    /// The field's alias alone: ` (alias)`.
    pub(crate) fn alias(mut self, field: Field) -> Self {
        self.0.push(Part::Alias(field, None));
        self
    }

    /// Two fields by name and alias: `one/two (alias/alias)`.
    pub(crate) fn named_pair(mut self, one: Field, two: Field) -> Self {
        self.0.push(Part::Name(one));
        self.0.push(Part::Text(Cow::Borrowed("/")));
        self.0.push(Part::Name(two));
        self.0.push(Part::Alias(one, Some(two)));
        self
    }

    /// Appends another message's pieces.
    pub(crate) fn extend(&mut self, more: Message) {
        self.0.extend(more.0);
    }

    /// The sentence with each field called what `names` calls it.
    pub fn render(&self, names: &dyn FieldNames) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Name(f) => out.push_str(names.name(*f)),
                Part::Alias(one, two) => {
                    let aliases = match two {
                        None => names.alias(*one).map(str::to_string),
                        Some(two) => names
                            .alias(*one)
                            .zip(names.alias(*two))
                            .map(|(a, b)| format!("{a}/{b}")),
                    };
                    if let Some(aliases) = aliases {
                        out.push_str(" (");
                        out.push_str(&aliases);
                        out.push(')');
                    }
                }
            }
        }
        out
    }
}

impl From<&'static str> for Message {
    fn from(text: &'static str) -> Self {
        Message::default().text(text)
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message::default().text(text)
    }
}

/// A setting is missing, contradictory or malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field the problem is about, when there is one.
    pub field: Option<Field>,
    message: Message,
}

impl ConfigError {
    pub fn new(field: Option<Field>, message: impl Into<Message>) -> Self {
        ConfigError {
            field,
            message: message.into(),
        }
    }

    /// A problem with no field.
    pub fn plain(message: impl Into<String>) -> Self {
        ConfigError::new(None, message.into())
    }

    /// The message with each field called what `names` calls it.
    pub fn message(&self, names: &dyn FieldNames) -> String {
        self.message.render(names)
    }
}

/// In the client's own words ([`OwnWords`]).
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(&OwnWords))
    }
}

impl std::error::Error for ConfigError {}

/// What went wrong, coarse enough for a caller to decide what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// 401 from the Management API (after the one token refresh, where there is one).
    Unauthorized,
    /// 403, typically a missing scope.
    Forbidden,
    /// 400: Auth0 rejected the request body or parameters.
    BadRequest,
    /// 404: the domain does not serve the Management API.
    NotFound,
    /// Any other 4xx (413, 431, ...): Auth0 refused the request itself, not its content.
    Refused,
    /// 429 that outlasted the retry budget.
    RateLimited,
    /// 5xx after all retries.
    Server,
    /// No answer within `request_timeout` (or 408), after all retries.
    Timeout,
    /// Connection refused/reset, DNS failure, TLS failure.
    Connection,
    /// A body that is not the JSON we expect (HTML error page, truncated, wrong types).
    InvalidResponse,
    /// Fetching an access token from `/oauth/token` failed.
    TokenEndpoint,
}

/// A failed Management API (or token endpoint) call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    /// HTTP status of the last answer, if there was one.
    pub status: Option<u16>,
    /// Auth0's own message (or ours when Auth0 did not send one).
    pub message: String,
    /// Auth0's `errorCode` (Management API) or OAuth `error` (token endpoint).
    pub error_code: Option<String>,
    /// What the person running Terraform can do about it.
    pub hint: Option<Message>,
    /// HTTP method of the failed call, e.g. "PATCH".
    pub method: &'static str,
    /// Path of the failed call, e.g. "/api/v2/tenants/settings" (no query).
    pub path: &'static str,
    /// The proxy the call went through, as "http://proxy:3128 (HTTPS_PROXY)": never with
    /// its credentials. (An `Arc<String>`, one word wide, keeps the error small.)
    pub via_proxy: Option<Arc<String>>,
}

/// Auth0's OAuth token endpoint: the path by which an error tells the token request from
/// a Management API call.
pub(crate) const TOKEN_PATH: &str = "/oauth/token";

impl ApiError {
    /// The call that failed was the access token request (`POST /oauth/token`), not a
    /// Management API call: nothing in the tenant can have changed.
    pub fn at_token_endpoint(&self) -> bool {
        self.path == TOKEN_PATH
    }

    pub(crate) fn new(
        kind: ApiErrorKind,
        method: &'static str,
        path: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            kind,
            status: None,
            message: message.into(),
            error_code: None,
            hint: None,
            method,
            path,
            via_proxy: None,
        }
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_code(mut self, code: Option<String>) -> Self {
        self.error_code = code;
        self
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<Message>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn lead(&self) -> &'static str {
        match self.kind {
            ApiErrorKind::Unauthorized
            | ApiErrorKind::Forbidden
            | ApiErrorKind::BadRequest
            | ApiErrorKind::NotFound
            | ApiErrorKind::Refused => "Auth0 refused",
            ApiErrorKind::RateLimited => "Auth0 rate-limited",
            ApiErrorKind::Server => "Auth0 failed to serve",
            ApiErrorKind::Timeout => "Auth0 did not answer",
            ApiErrorKind::Connection => "Connection to Auth0 failed for",
            ApiErrorKind::InvalidResponse => "Auth0 sent an unreadable answer to",
            ApiErrorKind::TokenEndpoint => "Auth0 refused the access token request",
        }
    }
}

impl ApiError {
    /// The error as a sentence, its hint calling each field what `names` calls it.
    pub fn text(&self, names: &dyn FieldNames) -> String {
        let mut f = String::new();
        self.write(&mut f, names)
            .expect("writing to a String cannot fail");
        f
    }

    fn write(&self, f: &mut impl fmt::Write, names: &dyn FieldNames) -> fmt::Result {
        write!(f, "{} {} {}", self.lead(), self.method, self.path)?;
        match (self.status, &self.error_code) {
            (Some(s), Some(c)) => write!(f, " ({s} {c})")?,
            (Some(s), None) => write!(f, " ({s})")?,
            (None, Some(c)) => write!(f, " ({c})")?,
            (None, None) => {}
        }
        if let Some(proxy) = &self.via_proxy {
            write!(f, " through the proxy {proxy}")?;
        }
        let msg = self.message.trim();
        write!(f, ": {msg}")?;
        if let Some(hint) = &self.hint {
            if !msg.ends_with(['.', '!', '?']) {
                f.write_str(".")?;
            }
            write!(f, " {}", hint.render(names))?;
        }
        Ok(())
    }
}

/// In the client's own words ([`OwnWords`]).
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, &OwnWords)
    }
}

impl std::error::Error for ApiError {}

/// A short, printable prefix of a response body for error messages.
pub(crate) fn body_excerpt(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    let mut chars = 0;
    let mut last_space = false;
    for c in text.trim().chars() {
        if chars == MAX {
            out.push('…');
            break;
        }
        // Collapse whitespace/control characters so the excerpt stays on one line.
        let c = if c.is_whitespace() || c.is_control() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
        chars += 1;
    }
    if out.is_empty() {
        "(empty body)".to_string()
    } else {
        format!("\"{out}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_endpoint_errors_are_told_apart() {
        let token = ApiError::new(ApiErrorKind::Timeout, "POST", "/oauth/token", "slow");
        let settings = ApiError::new(
            ApiErrorKind::Timeout,
            "PATCH",
            "/api/v2/tenants/settings",
            "slow",
        );
        assert!(token.at_token_endpoint());
        assert!(!settings.at_token_endpoint());
    }

    #[test]
    fn display_forbidden_with_hint() {
        let e = ApiError::new(
            ApiErrorKind::Forbidden,
            "PATCH",
            "/api/v2/tenants/settings",
            "Insufficient scope, expected any of: update:tenant_settings",
        )
        .with_status(403)
        .with_code(Some("insufficient_scope".into()))
        .with_hint("Grant the scope update:tenant_settings to the application abc.");
        assert_eq!(
            e.to_string(),
            "Auth0 refused PATCH /api/v2/tenants/settings (403 insufficient_scope): Insufficient \
             scope, expected any of: update:tenant_settings. Grant the scope \
             update:tenant_settings to the application abc."
        );
    }

    #[test]
    fn display_without_status_or_hint() {
        let e = ApiError::new(
            ApiErrorKind::Connection,
            "GET",
            "/api/v2/tenants/settings",
            "connection refused by 127.0.0.1:9",
        );
        assert_eq!(
            e.to_string(),
            "Connection to Auth0 failed for GET /api/v2/tenants/settings: connection refused by 127.0.0.1:9"
        );
    }

    #[test]
    fn display_names_the_proxy() {
        let mut e = ApiError::new(ApiErrorKind::Server, "GET", "/p", "Service Unavailable")
            .with_status(503);
        e.via_proxy = Some(Arc::new("http://proxy.example:3128 (HTTPS_PROXY)".into()));
        assert_eq!(
            e.to_string(),
            "Auth0 failed to serve GET /p (503) through the proxy http://proxy.example:3128 \
             (HTTPS_PROXY): Service Unavailable"
        );
    }

    #[test]
    fn display_does_not_double_the_full_stop() {
        let e = ApiError::new(ApiErrorKind::BadRequest, "PATCH", "/p", "Bad value.")
            .with_status(400)
            .with_hint("Fix it.");
        assert_eq!(
            e.to_string(),
            "Auth0 refused PATCH /p (400): Bad value. Fix it."
        );
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let html = format!("<html>\n  <body>{}</body></html>", "x".repeat(500));
        let ex = body_excerpt(html.as_bytes());
        assert!(ex.starts_with("\"<html> <body>"));
        assert!(ex.chars().count() <= 124);
        assert!(!ex.contains('\n'));
        assert_eq!(body_excerpt(b"  "), "(empty body)");
    }
}
