//! Throwaway certificate authorities for the tests' TLS servers (rcgen, made at test time,
//! never stored): the CA's PEM is what Terraform or the provider trusts through
//! `SSL_CERT_FILE`, and each server presents a certificate it signed.

use std::net::IpAddr;
use std::sync::Arc;

/// A throwaway CA, trusted by the provider when its PEM file is named in `SSL_CERT_FILE`.
pub struct TestCa {
    key: rcgen::KeyPair,
    cert: rcgen::Certificate,
    pub pem: String,
}

/// When a leaf certificate is valid.
pub enum Validity {
    Now,
    /// 2020 only: long expired.
    Expired,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).unwrap();
        let pem = cert.pem();
        TestCa { key, cert, pem }
    }

    /// A TLS server configuration presenting a certificate this CA signed for `names`
    /// (DNS names or IP addresses).
    pub fn server(&self, names: &[&str], validity: Validity) -> Arc<rustls::ServerConfig> {
        use rcgen::{CertificateParams, ExtendedKeyUsagePurpose, KeyPair, SanType};
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        for name in names {
            params.subject_alt_names.push(match name.parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*name).try_into().unwrap()),
            });
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        if let Validity::Expired = validity {
            params.not_before = time::macros::datetime!(2020-01-01 0:00 UTC);
            params.not_after = time::macros::datetime!(2020-12-31 0:00 UTC);
        }
        let leaf = params.signed_by(&key, &self.cert, &self.key).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        Arc::new(config)
    }
}
