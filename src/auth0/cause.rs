//! Why an exchange with the tenant failed, from the error chain reqwest gives: what kind
//! of failure it was, whether another attempt can change it, and how to say it.

/// What made an exchange fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CauseKind {
    /// The server's certificate was refused (unknown issuer, expired, another host's).
    Certificate,
    /// The proxy answered CONNECT with 407.
    ProxyAuth,
    /// The proxy answered CONNECT with another error status.
    ProxyTunnel,
    Dns,
    Refused,
    /// Closed or reset before the answer.
    Closed,
    Connect,
    /// Closed in the middle of the body.
    Body,
    Other,
}

impl CauseKind {
    /// Another attempt cannot change the outcome.
    pub fn permanent(self) -> bool {
        match self {
            CauseKind::Certificate | CauseKind::ProxyAuth => true,
            CauseKind::ProxyTunnel
            | CauseKind::Dns
            | CauseKind::Refused
            | CauseKind::Closed
            | CauseKind::Connect
            | CauseKind::Body
            | CauseKind::Other => false,
        }
    }

    fn lead(self) -> &'static str {
        match self {
            CauseKind::Certificate => "TLS handshake failed",
            CauseKind::ProxyAuth => {
                "the proxy asked for credentials (407 Proxy Authentication Required)"
            }
            CauseKind::ProxyTunnel => "the proxy refused to open a tunnel to the tenant",
            CauseKind::Dns => "could not resolve the host name",
            CauseKind::Refused => "connection refused",
            CauseKind::Closed => "the connection was closed before the answer arrived",
            CauseKind::Connect => "could not connect",
            CauseKind::Body => "the connection closed before the whole answer arrived",
            CauseKind::Other => "the connection failed",
        }
    }
}

/// A failed exchange: its kind and a readable text from the innermost error (the caller
/// redacts it; reqwest's chain names no URL query, header or body).
pub(crate) struct Cause {
    pub kind: CauseKind,
    pub text: String,
}

pub(crate) fn transport_cause(e: &reqwest::Error) -> Cause {
    let mut causes = Vec::new();
    let mut certificate = false;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        certificate |= is_certificate_error(s);
        causes.push(s.to_string());
        source = s.source();
    }
    let chain = causes.join(": ").to_ascii_lowercase();
    let kind = cause_kind(
        &chain,
        certificate,
        e.is_connect(),
        e.is_body() || e.is_decode(),
    );
    let text = match causes.last() {
        Some(inner) => format!("{} ({inner})", kind.lead()),
        None => kind.lead().to_string(),
    };
    Cause { kind, text }
}

/// The kind of a failure from its error chain's text (lower case), whether a certificate
/// error is in the chain, and reqwest's connect/body flags.
fn cause_kind(chain: &str, certificate: bool, connect: bool, body: bool) -> CauseKind {
    if certificate {
        CauseKind::Certificate
    } else if chain.contains("proxy authorization required") {
        CauseKind::ProxyAuth
    } else if chain.contains("tunnel error: unsuccessful") {
        CauseKind::ProxyTunnel
    } else if chain.contains("dns error") || chain.contains("failed to lookup") {
        CauseKind::Dns
    } else if chain.contains("refused") {
        CauseKind::Refused
    } else if chain.contains("closed before message completed")
        || chain.contains("connection reset")
        || chain.contains("broken pipe")
        || chain.contains("unexpected end of file")
    {
        CauseKind::Closed
    } else if connect {
        CauseKind::Connect
    } else if body {
        CauseKind::Body
    } else {
        CauseKind::Other
    }
}

/// A rustls certificate error, as such or inside the `io::Error`s tokio-rustls and
/// hyper-rustls wrap it in (one inside the other; an `io::Error`'s `source()` skips what it
/// wraps, so the chain walk alone would miss it).
fn is_certificate_error(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            );
        }
        current = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn std::error::Error + 'static));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_are_found_inside_io_errors_and_are_permanent() {
        use rustls::CertificateError;
        for cert in [
            CertificateError::UnknownIssuer,
            CertificateError::Expired,
            CertificateError::NotValidForName,
        ] {
            let io = std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                rustls::Error::InvalidCertificate(cert),
            );
            // hyper-rustls wraps tokio-rustls's error once more.
            let wrapped = std::io::Error::other(io);
            assert!(is_certificate_error(&wrapped));
            let kind = cause_kind("invalid peer certificate", true, true, false);
            assert_eq!(kind, CauseKind::Certificate);
            assert!(kind.permanent());
        }
        let other = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::General("x".into()),
        );
        assert!(!is_certificate_error(&other));
        assert!(!is_certificate_error(&std::io::Error::other("refused")));
    }

    #[test]
    fn only_what_cannot_change_is_permanent() {
        let kind = |chain: &str| cause_kind(chain, false, true, false);
        assert_eq!(
            kind("client error (connect): tunnel error: proxy authorization required"),
            CauseKind::ProxyAuth
        );
        assert_eq!(kind("tunnel error: unsuccessful"), CauseKind::ProxyTunnel);
        assert_eq!(kind("dns error: failed to lookup address"), CauseKind::Dns);
        assert_eq!(
            kind("tcp connect error: connection refused (os error 111)"),
            CauseKind::Refused
        );
        assert_eq!(kind("connection reset by peer"), CauseKind::Closed);
        assert_eq!(kind("something else"), CauseKind::Connect);
        assert_eq!(cause_kind("x", false, false, true), CauseKind::Body);
        assert_eq!(cause_kind("x", false, false, false), CauseKind::Other);
        assert!(CauseKind::ProxyAuth.permanent());
        for retried in [
            CauseKind::ProxyTunnel,
            CauseKind::Dns,
            CauseKind::Refused,
            CauseKind::Closed,
            CauseKind::Connect,
            CauseKind::Body,
            CauseKind::Other,
        ] {
            assert!(!retried.permanent(), "{retried:?}");
        }
    }
}
