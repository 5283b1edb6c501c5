//! go-plugin's launch contract: the magic cookie, protocol version negotiation, the
//! listener and the one handshake line Terraform reads from stdout.

use std::path::PathBuf;

/// Terraform sets this variable to this value when it launches a provider.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The go-plugin "core" protocol version; always 1.
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The only Terraform plugin protocol this provider speaks.
pub const APP_PROTOCOL_VERSION: u32 = 6;

/// Printed to stderr when someone runs the binary by hand.
pub const NOT_A_COMMAND: &str =
    "This binary is a plugin. These are not meant to be executed directly.
Terraform runs it for you: add the provider to a configuration's required_providers and run
`terraform init`, or point a dev_overrides block in your CLI configuration at this binary.
To debug the provider, run it with --debug and follow the instructions it prints.";

/// Picks the protocol version from `PLUGIN_PROTOCOL_VERSIONS` (e.g. "5,6").
/// go-plugin treats a missing list as "the plugin's default".
pub fn negotiate_version(offered: Option<&str>) -> Result<u32, String> {
    let Some(list) = offered.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(APP_PROTOCOL_VERSION);
    };
    let speaks_ours = list
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == APP_PROTOCOL_VERSION);
    if speaks_ours {
        Ok(APP_PROTOCOL_VERSION)
    } else {
        Err(format!(
            "Terraform offered plugin protocol versions [{list}], but this provider speaks only \
             version {APP_PROTOCOL_VERSION} (Terraform 0.15.4 or newer, OpenTofu 1.6 or newer)"
        ))
    }
}

/// Where the plugin listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    Unix(PathBuf),
    Tcp(std::net::SocketAddr),
}

impl ListenAddr {
    pub fn network(&self) -> &'static str {
        match self {
            ListenAddr::Unix(_) => "unix",
            ListenAddr::Tcp(_) => "tcp",
        }
    }
    pub fn address(&self) -> String {
        match self {
            ListenAddr::Unix(p) => p.display().to_string(),
            ListenAddr::Tcp(a) => a.to_string(),
        }
    }
}

/// `CORE|APP|NETWORK|ADDR|grpc|CERT`: CERT is the server certificate's DER in standard
/// base64 without padding, empty when TLS is off.
pub fn handshake_line(addr: &ListenAddr, server_cert_der: Option<&[u8]>) -> String {
    use base64::Engine;
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|{}|{}|grpc|{cert}",
        addr.network(),
        addr.address()
    )
}

/// The port range go-plugin allows for TCP listeners.
pub fn port_range(min: Option<&str>, max: Option<&str>) -> (u16, u16) {
    let min = min.and_then(|v| v.parse().ok()).unwrap_or(10000);
    let max = max.and_then(|v| v.parse().ok()).unwrap_or(25000);
    if min <= max {
        (min, max)
    } else {
        (max, min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_six_from_terraform_offer() {
        assert_eq!(negotiate_version(Some("5,6")), Ok(6));
        assert_eq!(negotiate_version(Some(" 6 ")), Ok(6));
        assert_eq!(negotiate_version(None), Ok(6));
        assert_eq!(negotiate_version(Some("")), Ok(6));
    }

    #[test]
    fn refuses_when_six_not_offered() {
        let err = negotiate_version(Some("4,5")).unwrap_err();
        assert!(err.contains("[4,5]") && err.contains("version 6"), "{err}");
    }

    #[test]
    fn handshake_line_format() {
        let line = handshake_line(
            &ListenAddr::Unix("/tmp/x/plugin.sock".into()),
            Some(&[1, 2, 3, 4]),
        );
        assert_eq!(line, "1|6|unix|/tmp/x/plugin.sock|grpc|AQIDBA");
        let line = handshake_line(&ListenAddr::Tcp("127.0.0.1:10001".parse().unwrap()), None);
        assert_eq!(line, "1|6|tcp|127.0.0.1:10001|grpc|");
    }

    #[test]
    fn port_range_defaults_and_swaps() {
        assert_eq!(port_range(None, None), (10000, 25000));
        assert_eq!(port_range(Some("20000"), Some("15000")), (15000, 20000));
    }
}
