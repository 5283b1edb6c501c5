//! Client settings and the rules that turn a `domain` into a base URL.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

use super::credentials::Credentials;
use super::error::{ConfigError, Field, Message};
use super::proxy::ProxyEnv;
// Where the provider finds it, beside `parse_domain`, whose errors show domains so.
pub(crate) use super::redact::redacted;

/// Everything [`super::Client::new`] needs. Nothing here is validated until then.
///
/// TLS: certificates are verified against the bundled Mozilla roots plus any CA bundle in
/// `SSL_CERT_FILE` / `SSL_CERT_DIR` (corporate proxies).
/// There is deliberately no switch to turn verification off.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// `tenant.eu.auth0.com` (https implied), `https://host[:port]`, or `http://` for a
    /// loopback host only (local test tenants). No path, query or fragment.
    pub domain: String,
    pub credentials: Credentials,
    /// Token audience; defaults to `{base}/api/v2/`.
    pub audience: Option<String>,
    pub retry: RetryPolicy,
    /// Limit for one HTTP exchange (connect + send + whole body).
    pub request_timeout: Duration,
    pub user_agent: String,
    /// Log the body of every Management API request and answer at DEBUG level (never
    /// the token endpoint's, never headers).
    pub log_bodies: bool,
    /// The proxy variables (`HTTPS_PROXY`, `NO_PROXY`, ...); see `proxy` for the rules.
    pub proxy_env: ProxyEnv,
}

impl ClientConfig {
    /// A config with default retry policy, timeout and user agent, and this process's proxy
    /// variables.
    pub fn new(domain: impl Into<String>, credentials: Credentials) -> Self {
        ClientConfig {
            domain: domain.into(),
            credentials,
            audience: None,
            retry: RetryPolicy::default(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            user_agent: default_user_agent(),
            log_bodies: false,
            proxy_env: ProxyEnv::from_process(),
        }
    }
}

pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn default_user_agent() -> String {
    format!(
        "terraform-provider-auth0-sessions/{}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Bounds for retrying rate-limited and failed calls. Both bounds apply: a call stops after
/// `max_attempts` attempts or once the waits would add up to more than `max_total_wait`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (so 1 means "never retry").
    pub max_attempts: u32,
    pub max_total_wait: Duration,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            max_total_wait: Duration::from_secs(60),
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
        }
    }
}

/// The parsed `domain`: where requests go and what identifies the tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    pub base: String,
    /// `host[:port]` (port only when not the scheme's default).
    pub domain_id: String,
    /// Host only, for error messages.
    pub host: String,
}

pub(crate) fn parse_domain(domain: &str) -> Result<Endpoint, ConfigError> {
    let err_with = |why: Message| {
        let mut message = Message::default()
            .text("invalid ")
            .name(Field::Domain)
            .text(format!(" {:?}", redacted(domain)))
            .alias(Field::Domain)
            .text(": ");
        message.extend(why);
        ConfigError::new(
            Some(Field::Domain),
            message.text(
                ". Use the tenant host such as \"my-tenant.eu.auth0.com\" or \
                 \"https://my-tenant.eu.auth0.com\"",
            ),
        )
    };
    let err = |why: &str| err_with(why.to_string().into());
    let trimmed = domain.trim();
    if trimmed.is_empty() {
        return Err(err("it is empty"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(err(
            "it contains a line break or another control character (a trailing newline from a \
             file? use trimspace())",
        ));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| err(&format!("not a valid host ({e})")))?;
    let scheme = url.scheme();
    if scheme != "https" && scheme != "http" {
        return Err(err(
            "only https:// (or http:// for a loopback host) is allowed",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err_with(
            Message::default()
                .text("it must not contain a user name or password (user:password@); credentials go in ")
                .name(Field::ClientId)
                .text(" and ")
                .name(Field::ClientSecret)
                .text(" or ")
                .name(Field::ApiToken),
        ));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(err("it must not contain a path"));
    }
    if url.query().is_some() {
        return Err(err("it must not contain a query"));
    }
    if url.fragment().is_some() {
        return Err(err("it must not contain a fragment"));
    }
    let host_str = match url.host_str() {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => return Err(err("it has no host")),
    };
    if scheme == "http" && !is_loopback(&host_str) {
        return Err(err(
            "http:// is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost); \
             use https:// so the token is never sent in clear text",
        ));
    }
    let domain_id = match url.port() {
        Some(p) => format!("{host_str}:{p}"),
        None => host_str.clone(),
    };
    Ok(Endpoint {
        base: format!("{scheme}://{domain_id}"),
        domain_id,
        host: host_str,
    })
}

/// `host` as `Url::host_str` prints it: IPv6 literals in brackets.
fn is_loopback(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_show_user_info_or_queries() {
        for d in [
            "https://admin:hunter2@tenant.example.invalid",
            "https://hunter2@tenant.example.invalid/path",
            "http://u:hunter2@127.0.0.1:8080",
            "tenant.example.invalid/?token=hunter2",
        ] {
            let e = parse_domain(d).unwrap_err().to_string();
            assert!(!e.contains("hunter2"), "{e}");
            assert!(
                e.contains("tenant.example.invalid") || e.contains("127.0.0.1"),
                "{e}"
            );
        }
        assert_eq!(
            redacted("https://a:b@h.example:8443/p?q#f"),
            "https://***@h.example:8443/p…"
        );
        let e = parse_domain("tenant.example.invalid\r\nX: y").unwrap_err();
        assert!(e.to_string().contains("control character"), "{e}");
    }

    fn ok(d: &str) -> Endpoint {
        parse_domain(d).unwrap_or_else(|e| panic!("{d}: {e}"))
    }

    #[test]
    fn bare_host_gets_https() {
        let e = ok("tenant.eu.auth0.com");
        assert_eq!(e.base, "https://tenant.eu.auth0.com");
        assert_eq!(e.domain_id, "tenant.eu.auth0.com");
        assert_eq!(
            ok(" tenant.eu.auth0.com/ ").base,
            "https://tenant.eu.auth0.com"
        );
    }

    #[test]
    fn https_used_as_is_with_port() {
        let e = ok("https://tenant.example.com:8443");
        assert_eq!(e.base, "https://tenant.example.com:8443");
        assert_eq!(e.domain_id, "tenant.example.com:8443");
        // Default port is dropped, host is lower-cased.
        assert_eq!(
            ok("https://Tenant.Example.com:443").base,
            "https://tenant.example.com"
        );
    }

    #[test]
    fn http_only_for_loopback() {
        assert_eq!(ok("http://127.0.0.1:4000").base, "http://127.0.0.1:4000");
        assert_eq!(ok("http://127.8.9.10").domain_id, "127.8.9.10");
        assert_eq!(ok("http://[::1]:8080").base, "http://[::1]:8080");
        assert_eq!(ok("http://[::1]:8080").domain_id, "[::1]:8080");
        assert_eq!(ok("http://localhost:3000").base, "http://localhost:3000");
        let e = parse_domain("http://example.invalid").unwrap_err();
        assert_eq!(e.field, Some(Field::Domain));
        assert!(e.to_string().contains("\"http://example.invalid\""), "{e}");
        assert!(e.to_string().contains("only allowed for loopback"), "{e}");
        assert!(parse_domain("http://10.0.0.1").is_err());
        assert!(parse_domain("http://localhost.example.com").is_err());
    }

    #[test]
    fn rejects_paths_queries_fragments_and_other_schemes() {
        for d in [
            "tenant.auth0.com/api/v2",
            "https://tenant.auth0.com/x",
            "https://tenant.auth0.com?x=1",
            "https://tenant.auth0.com#frag",
            "ftp://tenant.auth0.com",
            "https://user:pw@tenant.auth0.com",
            "",
            "   ",
            "https://",
        ] {
            let e = parse_domain(d).expect_err(d);
            assert!(e.to_string().contains("invalid domain"), "{d}: {e}");
        }
        assert!(parse_domain("tenant.auth0.com/api")
            .unwrap_err()
            .to_string()
            .contains("path"));
    }
}
