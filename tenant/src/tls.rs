//! HTTPS for the local tenant, as Auth0's edge serves it: a certificate from a CA made at
//! test time (never stored), HTTP/2 or HTTP/1.1 chosen by ALPN.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The ALPN protocols offered, in the server's order of preference (Auth0's edge: h2 first).
pub(crate) const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// A certificate authority made for one test run. Its certificate (`pem`) is what a client
/// must trust (e.g. through `SSL_CERT_FILE`) to talk to a tenant serving a certificate it
/// issued.
pub struct TestCa {
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

impl TestCa {
    /// A new CA whose subject is `name` (so two CAs in one test are told apart in errors).
    pub fn new(name: &str) -> TestCa {
        let key = rcgen::KeyPair::generate().expect("generate a P-256 key");
        let mut params = rcgen::CertificateParams::default();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let cert = params.self_signed(&key).expect("self-sign the test CA");
        TestCa { cert, key }
    }

    /// The CA certificate, PEM: the bundle a client trusts.
    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate for `127.0.0.1` and `localhost`, issued by this CA.
    fn issue_server(&self) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = rcgen::KeyPair::generate().expect("generate a P-256 key");
        let mut params =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .expect("valid subject names");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "local tenant");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("sign the server certificate");
        (
            cert.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }

    /// The rustls server configuration serving a fresh certificate of this CA.
    pub(crate) fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let (cert, key) = self.issue_server();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .expect("the issued certificate matches its key");
        config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
        Arc::new(config)
    }
}
