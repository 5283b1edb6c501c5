//! Test support: launch the provider binary the way Terraform does (cookie, client
//! certificate, handshake line, mTLS over the unix socket), or serve it in-process over
//! an in-memory duplex stream.
#![allow(dead_code)]

pub mod diagnostics;
pub mod terraform;
pub mod tls;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tfauth0::protocol::generated::tfplugin6::provider_client::ProviderClient;
use tonic::transport::{Channel, Endpoint, Uri};

pub const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A fresh throwaway 2048-bit RSA key as PKCS#8 PEM (generated, never stored).
pub fn rsa_key_pem() -> String {
    use aws_lc_rs::encoding::AsDer;
    let key = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(key.as_der().unwrap().as_ref());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem + "-----END PRIVATE KEY-----\n"
}

/// A client identity shaped like Terraform's: ECDSA P-521, self-signed CA, CN localhost.
pub struct ClientIdentity {
    pub cert_pem: String,
    pub cert_der: CertificateDer<'static>,
    pub key_der: Vec<u8>,
}

pub fn terraform_like_client_cert() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity {
        cert_pem: cert.pem(),
        cert_der: cert.der().clone(),
        key_der: key.serialize_der(),
    }
}

pub struct Launched {
    pub child: Child,
    pub network: String,
    pub address: String,
    pub server_cert: Option<Vec<u8>>,
    pub line: String,
}

impl Drop for Launched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_terraform-provider-auth0")
}

/// Starts the provider as Terraform does and reads its handshake line.
pub fn launch(client_cert_pem: Option<&str>, extra_env: &[(&str, &str)]) -> Launched {
    let mut cmd = Command::new(binary());
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env_remove("TF_DISABLE_PLUGIN_TLS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(pem) = client_cert_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start the provider");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let line = line.trim_end().to_string();
    let parts: Vec<&str> = line.split('|').collect();
    assert_eq!(parts.len(), 6, "handshake line {line:?}");
    assert_eq!(parts[0], "1");
    assert_eq!(parts[1], "6");
    assert_eq!(parts[4], "grpc");
    let server_cert = (!parts[5].is_empty()).then(|| {
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .expect("certificate in standard base64 without padding")
    });
    Launched {
        network: parts[2].to_string(),
        address: parts[3].to_string(),
        server_cert,
        line: line.clone(),
        child,
    }
}

/// Pins the server certificate from the handshake line, as go-plugin does.
#[derive(Debug)]
struct PinnedServer {
    cert: Vec<u8>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "server certificate differs from the handshake".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Connects over the unix socket with mTLS (`identity`), or plaintext when the handshake
/// carried no certificate.
pub async fn connect(
    l: &Launched,
    identity: Option<&ClientIdentity>,
) -> Result<Channel, tonic::transport::Error> {
    let (network, address) = (l.network.clone(), l.address.clone());
    let tls = l.server_cert.clone().map(|cert| {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedServer { cert, provider }));
        let mut config = match identity {
            Some(id) => builder
                .with_client_auth_cert(
                    vec![id.cert_der.clone()],
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key_der.clone())),
                )
                .unwrap(),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];
        tokio_rustls::TlsConnector::from(Arc::new(config))
    });
    Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let (network, address) = (network.clone(), address.clone());
            let tls = tls.clone();
            async move {
                let sock: Box<dyn tfauth0::protocol::server::Io> = if network == "unix" {
                    Box::new(tokio::net::UnixStream::connect(address).await?)
                } else {
                    Box::new(tokio::net::TcpStream::connect(address).await?)
                };
                let io: Box<dyn tfauth0::protocol::server::Io> = match tls {
                    Some(tls) => Box::new(
                        tls.connect(ServerName::try_from("localhost").unwrap(), sock)
                            .await?,
                    ),
                    None => sock,
                };
                Ok::<_, std::io::Error>(TokioIo::new(tfauth0::protocol::server::Conn::new(io)))
            }
        }))
        .await
}

/// Configures the provider as Terraform does (`ConfigureProvider`) with the block `cfg`,
/// which must give no diagnostic.
pub async fn configure(c: &mut ProviderClient<Channel>, cfg: serde_json::Value) {
    use tfauth0::protocol::generated::tfplugin6 as pb;
    let r = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(tfauth0::protocol::codec::encode(&cfg).unwrap()),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

/// Serves a provider in-process over an in-memory duplex stream and returns a client,
/// as tokio-console's tests do: no sockets, no TLS, the same generated services.
pub async fn in_process(provider: tfauth0::provider::Auth0Provider) -> ProviderClient<Channel> {
    use tfauth0::protocol::generated::tfplugin6::provider_server::ProviderServer;
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        let incoming = futures::stream::iter(vec![Ok::<_, std::io::Error>(
            tfauth0::protocol::server::Conn::new(server_io),
        )]);
        let _ = tonic::transport::Server::builder()
            .add_service(ProviderServer::new(provider))
            .serve_with_incoming(incoming)
            .await;
    });
    let mut slot = Some(client_io);
    let channel = Endpoint::try_from("http://in-process")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let io = slot.take();
            async move {
                io.map(TokioIo::new)
                    .ok_or_else(|| std::io::Error::other("the duplex stream serves one connection"))
            }
        }))
        .await
        .unwrap();
    ProviderClient::new(channel)
}
