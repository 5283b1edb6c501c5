//! Which proxy, if any, requests to the tenant go through.
//!
//! The rules are Go's (`golang.org/x/net/http/httpproxy`, which Terraform and the official
//! provider use), so one environment means one route for all of them:
//! - `localhost` and loopback addresses are never proxied, whatever the variables say: a
//!   local test tenant's token request (client secret included) must not leave the machine.
//! - `https://` uses `HTTPS_PROXY`, `http://` uses `HTTP_PROXY`; each name is read in upper
//!   case first, then lower case, and an empty value counts as unset.
//! - Where `REQUEST_METHOD` is set (a CGI script, whose request header `Proxy:` arrives as
//!   `HTTP_PROXY`), `HTTP_PROXY` is not used (Go refuses the request; we ignore the
//!   variable).
//! - `NO_PROXY`: comma-separated; `*` for every host; an IP address or CIDR block; a domain,
//!   which matches itself and its subdomains, or only its subdomains when written `.domain`
//!   or `*.domain`; any entry may end in `:port`. Case does not matter.
//! - A proxy URL without a scheme is `http://`.
//!
//! One addition: `ALL_PROXY` (`all_proxy`), which Go ignores but curl and this provider's
//! earlier versions honour, is used when the scheme's own variable is unset, under the same
//! `NO_PROXY` and loopback rules. Proxies are `http://` or `https://`; a `socks5://` one is
//! refused at configuration rather than spoken to as if it were an HTTP proxy.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

use super::error::ConfigError;
use super::redact::redacted;

/// One proxy variable as found: the name it was read under and its value.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: &'static str,
    pub value: String,
}

/// The proxy variables of an environment. `Debug` shows which are set, never their values
/// (a proxy URL may carry a password).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    pub https: Option<EnvVar>,
    pub http: Option<EnvVar>,
    pub all: Option<EnvVar>,
    pub no_proxy: Option<EnvVar>,
    /// `REQUEST_METHOD` is set: running as a CGI script.
    pub cgi: bool,
}

impl ProxyEnv {
    /// The variables of this process.
    pub fn from_process() -> ProxyEnv {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The variables as `get` returns them: upper-case name first, then lower case; the first
    /// non-empty value wins.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> ProxyEnv {
        let first = |names: [&'static str; 2]| {
            names.into_iter().find_map(|name| {
                get(name)
                    .filter(|v| !v.is_empty())
                    .map(|value| EnvVar { name, value })
            })
        };
        ProxyEnv {
            https: first(["HTTPS_PROXY", "https_proxy"]),
            http: first(["HTTP_PROXY", "http_proxy"]),
            all: first(["ALL_PROXY", "all_proxy"]),
            no_proxy: first(["NO_PROXY", "no_proxy"]),
            cgi: get("REQUEST_METHOD").is_some_and(|v| !v.is_empty()),
        }
    }
}

impl fmt::Debug for ProxyEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |v: &Option<EnvVar>| v.as_ref().map(|v| v.name);
        f.debug_struct("ProxyEnv")
            .field("https", &name(&self.https))
            .field("http", &name(&self.http))
            .field("all", &name(&self.all))
            .field("no_proxy", &name(&self.no_proxy))
            .field("cgi", &self.cgi)
            .finish()
    }
}

/// Where the requests to one tenant go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Direct,
    Proxy(Proxy),
}

/// A proxy to send requests through.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Proxy {
    /// The URL as reqwest takes it, credentials included.
    url: String,
    /// `scheme://host[:port]`: the proxy as messages name it, without credentials.
    pub shown: String,
    /// The variable it came from.
    pub var: &'static str,
}

impl Proxy {
    /// The URL for reqwest, with its credentials.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// "http://proxy:3128 (HTTPS_PROXY)": which proxy, and where it was set.
    pub fn named(&self) -> String {
        format!("{} ({})", self.shown, self.var)
    }

    /// The credentials in the URL, in the forms they are sent (the password as written and
    /// decoded; `user:password` as the Basic `Proxy-Authorization` carries it in base64).
    pub fn secrets(&self) -> Vec<String> {
        use base64::Engine;
        let Ok(url) = Url::parse(&self.url) else {
            return Vec::new();
        };
        let Some(password) = url.password().filter(|p| !p.is_empty()) else {
            return Vec::new();
        };
        let decoded = percent_decode(password);
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{decoded}", percent_decode(url.username())));
        vec![password.to_string(), decoded, basic]
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.named())
    }
}

/// The route to `target` (a tenant's base URL) in the environment `env`. An unusable proxy
/// URL is an error, but only when the route would use it.
pub(crate) fn route(env: &ProxyEnv, target: &Url) -> Result<Route, ConfigError> {
    if is_loopback(target) {
        return Ok(Route::Direct);
    }
    let own = match target.scheme() {
        "https" => env.https.as_ref(),
        "http" if !env.cgi => env.http.as_ref(),
        _ => None,
    };
    let Some(var) = own.or(env.all.as_ref()) else {
        return Ok(Route::Direct);
    };
    if env
        .no_proxy
        .as_ref()
        .is_some_and(|np| NoProxy::parse(&np.value).matches(target))
    {
        return Ok(Route::Direct);
    }
    parse_proxy(var).map(Route::Proxy)
}

/// `localhost` or a loopback address (IPv4-mapped ones included, as Go counts them).
fn is_loopback(target: &Url) -> bool {
    let Some(host) = target.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => canonical(ip).is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// A proxy variable's URL: as Go reads it (no scheme means `http://`), then limited to what
/// this client speaks.
fn parse_proxy(var: &EnvVar) -> Result<Proxy, ConfigError> {
    let value = var.value.trim();
    let err = |why: String| {
        ConfigError::plain(format!(
            "{} ({:?}) is not a usable proxy: {why}. Set it to an http:// or https:// proxy \
                 URL such as http://proxy.example.com:3128, or list the tenant's host in NO_PROXY",
            var.name,
            redacted(value)
        ))
    };
    let url = match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "socks5") => u,
        // "ftp://proxy": Go would read a host named "ftp"; say what is wrong instead.
        Ok(u) if value.contains("://") => {
            return Err(err(format!("{}:// is not a proxy scheme", u.scheme())))
        }
        Err(e) if value.contains("://") => return Err(err(format!("not a URL ({e})"))),
        // "proxy.example.com:3128", "127.0.0.1:3128": a host without a scheme.
        _ => Url::parse(&format!("http://{value}")).map_err(|e| err(format!("not a URL ({e})")))?,
    };
    if url.scheme() == "socks5" {
        return Err(err("SOCKS proxies are not supported".into()));
    }
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h,
        _ => return Err(err("it names no host".into())),
    };
    let shown = match url.port() {
        Some(p) => format!("{}://{host}:{p}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    };
    Ok(Proxy {
        url: url.to_string(),
        shown,
        var: var.name,
    })
}

/// `%41` as `A`; an invalid escape is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A parsed `NO_PROXY` value.
#[derive(Debug, Default, PartialEq, Eq)]
struct NoProxy {
    all: bool,
    rules: Vec<Rule>,
}

#[derive(Debug, PartialEq, Eq)]
enum Rule {
    /// An address block, any port.
    Block { net: IpAddr, prefix: u8 },
    /// One address, on `port` or any.
    Ip { ip: IpAddr, port: Option<String> },
    /// `suffix` is ".example.com"; `with_host`: "example.com" itself matches too (the entry
    /// had no leading dot).
    Domain {
        suffix: String,
        with_host: bool,
        port: Option<String>,
    },
}

impl NoProxy {
    fn parse(value: &str) -> NoProxy {
        let mut out = NoProxy::default();
        for entry in value.split(',') {
            let entry = entry.trim().to_ascii_lowercase();
            if entry.is_empty() {
                continue;
            }
            if entry == "*" {
                return NoProxy {
                    all: true,
                    rules: Vec::new(),
                };
            }
            if let Some(rule) = Rule::parse(&entry) {
                out.rules.push(rule);
            }
        }
        out
    }

    fn matches(&self, target: &Url) -> bool {
        if self.all {
            return true;
        }
        let Some(host) = target.host_str() else {
            return false;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let ip = host.parse::<IpAddr>().ok();
        let port = target
            .port_or_known_default()
            .map(|p| p.to_string())
            .unwrap_or_default();
        self.rules.iter().any(|r| r.matches(host, ip, &port))
    }
}

impl Rule {
    /// One lower-cased, trimmed, non-empty entry.
    fn parse(entry: &str) -> Option<Rule> {
        if let Some((addr, bits)) = entry.split_once('/') {
            let net = addr.parse::<IpAddr>().ok()?;
            let prefix = bits.parse::<u8>().ok()?;
            let max = if net.is_ipv4() { 32 } else { 128 };
            return (prefix <= max).then_some(Rule::Block { net, prefix });
        }
        let (host, port) = split_host_port(entry);
        if host.is_empty() {
            return None;
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Some(Rule::Ip { ip, port });
        }
        let host = host.strip_prefix('*').unwrap_or(host);
        let (bare, with_host) = match host.strip_prefix('.') {
            Some(sub) => (sub, false),
            None => (host, true),
        };
        if bare.is_empty() {
            return None;
        }
        Some(Rule::Domain {
            suffix: format!(".{}", ascii_domain(bare)),
            with_host,
            port,
        })
    }

    fn matches(&self, host: &str, ip: Option<IpAddr>, port: &str) -> bool {
        let port_ok = |p: &Option<String>| p.as_deref().is_none_or(|p| p == port);
        match self {
            Rule::Block { net, prefix } => ip.is_some_and(|ip| in_block(ip, *net, *prefix)),
            Rule::Ip { ip: want, port: p } => {
                ip.is_some_and(|ip| canonical(ip) == canonical(*want)) && port_ok(p)
            }
            Rule::Domain {
                suffix,
                with_host,
                port: p,
            } => {
                let host = host.to_ascii_lowercase();
                (host.ends_with(suffix.as_str()) || (*with_host && host == suffix[1..]))
                    && port_ok(p)
            }
        }
    }
}

/// Go's `net.SplitHostPort` where it succeeds ("host:port", "[v6]:port"), else the entry as
/// a host without port (a bare IPv6 address has too many colons to carry one).
fn split_host_port(entry: &str) -> (&str, Option<String>) {
    if let Some(rest) = entry.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((host, tail)) => (host, tail.strip_prefix(':').map(str::to_string)),
            None => (entry, None),
        };
    }
    match entry.split_once(':') {
        Some((host, port)) if !port.contains(':') => (host, Some(port.to_string())),
        _ => (entry, None),
    }
}

/// A NO_PROXY domain in the ASCII (punycode) form hosts are compared in.
fn ascii_domain(domain: &str) -> String {
    if domain.is_ascii() {
        return domain.to_string();
    }
    Url::parse(&format!("http://{domain}/"))
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| domain.to_string())
}

/// IPv4-mapped IPv6 addresses as IPv4, so `::ffff:10.0.0.1` equals `10.0.0.1` as in Go.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_block(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (canonical(ip), net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> ProxyEnv {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProxyEnv::from_lookup(|k| map.get(k).cloned())
    }

    /// The proxy `route` picks for `target`, as "shown (VAR)", or "direct".
    fn via(vars: &[(&str, &str)], target: &str) -> String {
        match route(&env(vars), &Url::parse(target).unwrap()).unwrap() {
            Route::Direct => "direct".into(),
            Route::Proxy(p) => p.named(),
        }
    }

    const P: &str = "http://proxy.example:3128";

    #[test]
    fn loopback_is_never_proxied() {
        let all = [
            ("HTTP_PROXY", P),
            ("HTTPS_PROXY", P),
            ("ALL_PROXY", P),
            ("http_proxy", P),
        ];
        for target in [
            "http://127.0.0.1:4000",
            "http://127.8.9.10",
            "http://localhost:3000",
            "https://LOCALHOST",
            "http://[::1]:8080",
            "https://[::ffff:127.0.0.1]",
        ] {
            assert_eq!(via(&all, target), "direct", "{target}");
        }
        // Not loopback: a name that merely starts with localhost, another private address.
        assert_eq!(
            via(&all, "https://localhost.example.com"),
            format!("{P} (HTTPS_PROXY)")
        );
        assert_eq!(via(&all, "https://10.0.0.1"), format!("{P} (HTTPS_PROXY)"));
    }

    #[test]
    fn each_scheme_has_its_variable_upper_case_first() {
        let t = "https://tenant.eu.auth0.com";
        assert_eq!(via(&[], t), "direct");
        assert_eq!(via(&[("HTTP_PROXY", P)], t), "direct");
        assert_eq!(via(&[("https_proxy", P)], t), format!("{P} (https_proxy)"));
        assert_eq!(
            via(
                &[("HTTPS_PROXY", "http://a:1"), ("https_proxy", "http://b:2")],
                t
            ),
            "http://a:1 (HTTPS_PROXY)"
        );
        // An empty value counts as unset, as in Go.
        assert_eq!(
            via(&[("HTTPS_PROXY", ""), ("https_proxy", "http://b:2")], t),
            "http://b:2 (https_proxy)"
        );
        // http:// (to a host the config layer would refuse, but the rule is the rule).
        assert_eq!(
            via(&[("HTTP_PROXY", P)], "http://h.example"),
            format!("{P} (HTTP_PROXY)")
        );
        assert_eq!(via(&[("HTTPS_PROXY", P)], "http://h.example"), "direct");
    }

    #[test]
    fn all_proxy_is_the_fallback() {
        let t = "https://tenant.eu.auth0.com";
        assert_eq!(via(&[("all_proxy", P)], t), format!("{P} (all_proxy)"));
        assert_eq!(
            via(&[("ALL_PROXY", "http://all:1"), ("HTTPS_PROXY", P)], t),
            format!("{P} (HTTPS_PROXY)")
        );
        assert_eq!(
            via(&[("ALL_PROXY", P), ("NO_PROXY", "auth0.com")], t),
            "direct"
        );
    }

    #[test]
    fn cgi_ignores_http_proxy() {
        let vars = [("HTTP_PROXY", P), ("REQUEST_METHOD", "GET")];
        assert_eq!(via(&vars, "http://h.example"), "direct");
        // HTTPS_PROXY cannot be set by a request header, so it still applies.
        let vars = [("HTTPS_PROXY", P), ("REQUEST_METHOD", "GET")];
        assert_eq!(
            via(&vars, "https://h.example"),
            format!("{P} (HTTPS_PROXY)")
        );
    }

    #[test]
    fn no_proxy_follows_go() {
        let t = |np: &str, target: &str| via(&[("HTTPS_PROXY", P), ("NO_PROXY", np)], target);
        let proxied = format!("{P} (HTTPS_PROXY)");
        // A domain matches itself and its subdomains; a leading "." or "*." only subdomains.
        assert_eq!(t("auth0.com", "https://auth0.com"), "direct");
        assert_eq!(t("auth0.com", "https://t.eu.auth0.com"), "direct");
        assert_eq!(t("auth0.com", "https://notauth0.com"), proxied);
        assert_eq!(t(".auth0.com", "https://auth0.com"), proxied);
        assert_eq!(t(".auth0.com", "https://t.auth0.com"), "direct");
        assert_eq!(t("*.auth0.com", "https://auth0.com"), proxied);
        assert_eq!(t("*.auth0.com", "https://t.auth0.com"), "direct");
        // Lists, spaces, case, ports.
        assert_eq!(
            t("a.example, AUTH0.COM ,b", "https://t.auth0.com"),
            "direct"
        );
        assert_eq!(t("auth0.com:443", "https://t.auth0.com"), "direct");
        assert_eq!(t("auth0.com:8443", "https://t.auth0.com"), proxied);
        assert_eq!(t("auth0.com:8443", "https://t.auth0.com:8443"), "direct");
        // Addresses and blocks.
        assert_eq!(t("10.1.2.3", "https://10.1.2.3"), "direct");
        assert_eq!(t("10.1.2.3:443", "https://10.1.2.3"), "direct");
        assert_eq!(t("10.1.2.3:80", "https://10.1.2.3"), proxied);
        assert_eq!(t("10.0.0.0/8", "https://10.200.0.1:8443"), "direct");
        assert_eq!(t("10.0.0.0/8", "https://11.0.0.1"), proxied);
        assert_eq!(t("fd00::/8", "https://[fd12::1]"), "direct");
        assert_eq!(t("[fd12::1]:443", "https://[fd12::1]"), "direct");
        assert_eq!(t("fd12::1", "https://[fd12::1]"), "direct");
        // "*" alone means every host; inside a list it ends the list.
        assert_eq!(t("*", "https://t.auth0.com"), "direct");
        assert_eq!(t("x.example,*", "https://t.auth0.com"), "direct");
        // Non-ASCII entries compare in punycode, as the host does.
        assert_eq!(
            t("bücher.example", "https://xn--bcher-kva.example"),
            "direct"
        );
        // Junk entries match nothing.
        assert_eq!(t(",, :443, ., 10.0.0.0/99", "https://t.auth0.com"), proxied);
    }

    #[test]
    fn proxy_urls_are_read_as_go_reads_them() {
        let t = "https://t.example";
        assert_eq!(
            via(&[("HTTPS_PROXY", "127.0.0.1:3128")], t),
            "http://127.0.0.1:3128 (HTTPS_PROXY)"
        );
        assert_eq!(
            via(&[("HTTPS_PROXY", "proxy.corp:3128")], t),
            "http://proxy.corp:3128 (HTTPS_PROXY)"
        );
        assert_eq!(
            via(&[("HTTPS_PROXY", "https://proxy.corp")], t),
            "https://proxy.corp (HTTPS_PROXY)"
        );
        // Credentials are used but never shown.
        assert_eq!(
            via(
                &[("HTTPS_PROXY", "http://user:pa%40ss@proxy.corp:3128/")],
                t
            ),
            "http://proxy.corp:3128 (HTTPS_PROXY)"
        );
    }

    #[test]
    fn proxy_credentials_are_known_secrets() {
        let Route::Proxy(p) = route(
            &env(&[("HTTPS_PROXY", "http://user:pa%40ss@proxy.corp:3128")]),
            &Url::parse("https://t.example").unwrap(),
        )
        .unwrap() else {
            panic!("expected a proxy")
        };
        assert_eq!(p.url(), "http://user:pa%40ss@proxy.corp:3128/");
        // "dXNlcjpwYUBzcw==" is base64("user:pa@ss"), the Proxy-Authorization credentials.
        assert_eq!(p.secrets(), ["pa%40ss", "pa@ss", "dXNlcjpwYUBzcw=="]);
        let shown = format!("{p:?}");
        assert!(
            !shown.contains("pa%40ss") && !shown.contains("pa@ss"),
            "{shown}"
        );
        let e = env(&[("HTTPS_PROXY", "http://user:pa%40ss@proxy.corp:3128")]);
        assert!(!format!("{e:?}").contains("pa%40ss"), "{e:?}");
    }

    #[test]
    fn unusable_proxies_are_configuration_errors_without_credentials() {
        let t = Url::parse("https://t.example").unwrap();
        for (value, why) in [
            (
                "socks5://u:hunter2@proxy:1080",
                "SOCKS proxies are not supported",
            ),
            ("ftp://u:hunter2@proxy", "ftp:// is not a proxy scheme"),
            ("http://u:hunter2@", "not a URL"),
            ("http://", "not a URL"),
        ] {
            let e = route(&env(&[("HTTPS_PROXY", value)]), &t).unwrap_err();
            let text = e.to_string();
            assert!(text.starts_with("HTTPS_PROXY ("), "{text}");
            assert!(text.contains(why), "{value}: {text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
        // Never parsed, so never an error, when the route does not use it.
        let e = env(&[("HTTPS_PROXY", "socks5://proxy"), ("NO_PROXY", "t.example")]);
        assert_eq!(route(&e, &t).unwrap(), Route::Direct);
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%40b%zz%4"), "a@b%zz%4");
    }
}
