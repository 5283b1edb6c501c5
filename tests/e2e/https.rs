//! HTTPS end to end, as Auth0 serves it: every other end-to-end test talks to the local
//! tenant over HTTPS with a CA made at test time and trusted through SSL_CERT_FILE. These
//! check what the trust decision itself does: the provider speaks HTTP/2 (ALPN), refuses
//! a certificate of a CA it was not told to trust with a message about the certificate
//! and before any request reaches the tenant, and without SSL_CERT_FILE trusts only its
//! bundled roots. (Certificate failures are not retried since issue 19; no retry count is
//! asserted here either way.)
#![forbid(unsafe_code)]

use crate::common;

use common::terraform::{flat, terraforms, Workspace};
use local_tenant::TestCa;

const CONFIG: &str = r#"resource "auth0_tenant_session" "this" { session_lifetime = 36 }"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_speaks_http2_to_a_trusted_tenant() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(CONFIG);
        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 36 * 60);
        let versions: Vec<String> = ws
            .tenant
            .requests()
            .into_iter()
            .map(|r| format!("{} {} {}", r.method, r.path, r.version))
            .collect();
        assert!(
            !versions.is_empty() && versions.iter().all(|v| v.ends_with("HTTP/2.0")),
            "{tf:?}: every request over HTTP/2, as with Auth0's edge: {versions:?}"
        );
        assert!(ws.tenant.tls_failures().is_empty(), "{tf:?}");
    }
}

/// Applies CONFIG expecting a refusal of the tenant's certificate: exit 1, a message about
/// the certificate, no request in the tenant's log, and the refused handshake in its TLS
/// log (so the refusal did happen, at the handshake).
async fn refused_at_the_handshake(ws: &Workspace, what: &str) {
    let r = ws
        .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
        .await;
    let text = flat(&r.all());
    assert_eq!(r.code, 1, "{what}: {}", r.all());
    assert!(
        text.contains("TLS handshake failed") && text.contains("certificate"),
        "{what}: the message names the certificate:\n{}",
        r.all()
    );
    assert!(
        ws.tenant.requests().is_empty(),
        "{what}: no request reaches the tenant: {:?}",
        ws.tenant.requests()
    );
    assert!(
        !ws.tenant.tls_failures().is_empty(),
        "{what}: the tenant saw the refused handshake"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_of_an_untrusted_ca_is_refused_before_any_request() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf).await;
        ws.config(CONFIG);
        // SSL_CERT_FILE names another CA than the one that issued the tenant's certificate.
        let trusted = ws.ca_file.clone().unwrap();
        let own = std::fs::read_to_string(&trusted).unwrap();
        std::fs::write(&trusted, TestCa::new("some other test CA").pem()).unwrap();
        refused_at_the_handshake(&ws, &format!("{tf:?}, another CA trusted")).await;

        // Positive control: the same workspace, trusting the tenant's CA.
        std::fs::write(&trusted, own).unwrap();
        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 36 * 60);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_ssl_cert_file_only_the_bundled_roots_are_trusted() {
    for tf in terraforms() {
        let mut ws = Workspace::new(&tf).await;
        ws.config(CONFIG);
        let ca_file = ws.ca_file.take();
        refused_at_the_handshake(&ws, &format!("{tf:?}, no SSL_CERT_FILE")).await;

        // Positive control: the test CA trusted through SSL_CERT_FILE.
        ws.ca_file = ca_file;
        ws.apply().await;
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 36 * 60);
    }
}
