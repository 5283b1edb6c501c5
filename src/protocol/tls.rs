//! AutoMTLS as go-plugin does it: a fresh server certificate per launch, whose DER goes in
//! the handshake line, and exactly one accepted client certificate, the one Terraform
//! passed in `PLUGIN_CLIENT_CERT`.
//!
//! Terraform's client certificate is an ECDSA P-521 self-signed CA certificate. rustls'
//! stock client verifier refuses a CA used as an end entity, and `ring` cannot verify
//! P-521 signatures, so a custom verifier compares the presented certificate byte for byte
//! and checks the handshake signature with aws-lc-rs's verification algorithms.
//!
//! Everything that needs randomness (our key, the handshake) uses `ring`: aws-lc seeds its
//! random generator on first use, which costs ~20 ms, four times the whole start-up
//! budget. Signature verification needs no randomness, so aws-lc costs nothing there.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};

/// The crypto provider used for the plugin's own TLS (key exchange, our signatures).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Verification algorithms that include ECDSA P-521 with SHA-512 (Terraform's client key).
fn verification_algorithms() -> rustls::crypto::WebPkiSupportedAlgorithms {
    rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms
}

/// A freshly generated server identity.
pub struct ServerIdentity {
    pub cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

impl ServerIdentity {
    /// ECDSA P-256: fast to generate (well under a millisecond) and accepted by Go's TLS.
    /// Shaped like go-plugin's own: CN/SAN localhost, usable for server and client auth.
    pub fn generate() -> Result<Self, String> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| format!("generating the plugin's TLS key: {e}"))?;
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .map_err(|e| format!("building the plugin's TLS certificate: {e}"))?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "HashiCorp");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
            rcgen::KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::minutes(1);
        params.not_after = now + time::Duration::days(1);
        let cert = params
            .self_signed(&key)
            .map_err(|e| format!("signing the plugin's TLS certificate: {e}"))?;
        Ok(ServerIdentity {
            cert_der: cert.der().clone(),
            key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
        })
    }
}

/// Parses the PEM in `PLUGIN_CLIENT_CERT` into the one certificate to accept.
pub fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, String> {
    let block = pem::parse(pem.trim())
        .map_err(|e| format!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}"))?;
    if block.tag() != "CERTIFICATE" {
        return Err(format!(
            "PLUGIN_CLIENT_CERT holds a PEM block of type {:?}, expected CERTIFICATE",
            block.tag()
        ));
    }
    Ok(CertificateDer::from(block.into_contents()))
}

/// Accepts exactly one client certificate.
#[derive(Debug)]
pub struct ExactClientCert {
    expected: CertificateDer<'static>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ExactClientCert {
    pub fn new(expected: CertificateDer<'static>) -> Self {
        ExactClientCert {
            expected,
            algorithms: verification_algorithms(),
        }
    }
}

impl ClientCertVerifier for ExactClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: Go then offers its only certificate.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The server side TLS configuration: our identity, Terraform's certificate, ALPN h2
/// (grpc-go refuses TLS connections that do not negotiate it).
pub fn server_config(
    identity: &ServerIdentity,
    client_cert: CertificateDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let verifier = Arc::new(ExactClientCert::new(client_cert));
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![identity.cert_der.clone()],
            PrivateKeyDer::Pkcs8(identity.key_der.clone_key()),
        )
        .map_err(|e| format!("TLS configuration: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_localhost_certificate() {
        let id = ServerIdentity::generate().unwrap();
        assert!(id.cert_der.len() > 100);
        // A second launch gets a different certificate.
        let other = ServerIdentity::generate().unwrap();
        assert_ne!(id.cert_der.as_ref(), other.cert_der.as_ref());
    }

    #[test]
    fn rejects_non_certificate_pem() {
        let err =
            parse_client_cert("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .unwrap_err();
        assert!(err.contains("expected CERTIFICATE"), "{err}");
        assert!(parse_client_cert("garbage").is_err());
    }

    #[test]
    fn verifier_accepts_only_the_exact_certificate() {
        let a = ServerIdentity::generate().unwrap();
        let b = ServerIdentity::generate().unwrap();
        let v = ExactClientCert::new(a.cert_der.clone());
        assert!(v
            .verify_client_cert(&a.cert_der, &[], UnixTime::now())
            .is_ok());
        assert!(v
            .verify_client_cert(&b.cert_der, &[], UnixTime::now())
            .is_err());
        assert!(v
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }
}
