//! The release as Terraform meets it on a registry: `make release`'s script signs
//! SHA256SUMS with a throwaway RSA key; a local HTTPS server speaks the provider registry
//! protocol (service discovery, versions, download) with a throwaway certificate that
//! Terraform trusts through SSL_CERT_FILE; `terraform init` installs
//! `localhost:PORT/tfauth0/auth0` from it, says it is signed, and records the `h1:` and
//! `zh:` hashes; `terraform apply` runs the installed binary against the local tenant.
//! The same server, in the same test, also serves a corrupted signature and a signature
//! checked against another public key, and `terraform init` must refuse both.
#![forbid(unsafe_code)]

mod common;
mod release_support;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::Ipv4Addr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::terraform::{flat, terraforms, Tool, Workspace};
use common::tls::{TestCa, Validity};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use release_support::*;
use serde_json::json;

/// What the registry serves under one namespace: the release files and one signing key.
struct Listing {
    files: HashMap<String, Vec<u8>>,
    key_id: String,
    armor: String,
}

struct State {
    port: u16,
    listings: HashMap<String, Listing>,
    log: Mutex<Vec<String>>,
}

struct Registry {
    state: Arc<State>,
    ca_file: std::path::PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Registry {
    fn host(&self) -> String {
        format!("localhost:{}", self.state.port)
    }

    fn requested(&self, path: &str) -> bool {
        self.state.log.lock().unwrap().iter().any(|p| p == path)
    }
}

/// A throwaway CA and a certificate for localhost / 127.0.0.1 that it signed; the CA's
/// PEM is written to `dir`.
fn certificates(dir: &Path) -> (Arc<rustls::ServerConfig>, std::path::PathBuf) {
    let ca = TestCa::new("tfauth0 release test CA");
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    (
        ca.server(&["localhost", "127.0.0.1"], Validity::Now),
        ca_file,
    )
}

async fn start_registry(listings: HashMap<String, Listing>, dir: &Path) -> Registry {
    let (tls, ca_file) = certificates(dir);
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let state = Arc::new(State {
        port: listener.local_addr().unwrap().port(),
        listings,
        log: Mutex::new(vec![]),
    });
    let st = state.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, st) = (acceptor.clone(), st.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper::service::service_fn(move |req| answer(req, st.clone()));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    Registry {
        state,
        ca_file,
        task,
    }
}

fn json_response(v: serde_json::Value) -> Response<Full<Bytes>> {
    Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(v.to_string())))
        .unwrap()
}

/// The provider registry protocol, as much of it as `terraform init` uses.
async fn answer(
    req: Request<Incoming>,
    st: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_string();
    st.log.lock().unwrap().push(path.clone());
    let base = format!("https://localhost:{}", st.port);
    let (os, arch) = os_arch()
        .split_once('_')
        .map(|(o, a)| (o.to_string(), a.to_string()))
        .unwrap();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let listing = |ns: &str| st.listings.get(ns);
    let resp = match parts.as_slice() {
        [".well-known", "terraform.json"] => {
            json_response(json!({"providers.v1": "/v1/providers/"}))
        }
        ["v1", "providers", ns, "auth0", "versions"] if listing(ns).is_some() => {
            json_response(json!({"versions": [{
                "version": VERSION,
                "protocols": ["6.0"],
                "platforms": [{"os": os, "arch": arch}],
            }]}))
        }
        ["v1", "providers", ns, "auth0", v, "download", o, a]
            if *v == VERSION && *o == os && *a == arch && listing(ns).is_some() =>
        {
            let l = listing(ns).unwrap();
            let zip = zip_name(&os_arch());
            json_response(json!({
                "protocols": ["6.0"],
                "os": os,
                "arch": arch,
                "filename": zip,
                "download_url": format!("{base}/files/{ns}/{zip}"),
                "shasums_url": format!("{base}/files/{ns}/{}", sums_name()),
                "shasums_signature_url": format!("{base}/files/{ns}/{}.sig", sums_name()),
                "shasum": hex(&sha256(&l.files[&zip])),
                "signing_keys": {"gpg_public_keys": [{
                    "key_id": l.key_id,
                    "ascii_armor": l.armor,
                    "trust_signature": "",
                    "source": "tfauth0 release test",
                    "source_url": null,
                }]},
            }))
        }
        ["files", ns, file] if listing(ns).is_some_and(|l| l.files.contains_key(*file)) => {
            Response::new(Full::new(Bytes::from(
                listing(ns).unwrap().files[*file].clone(),
            )))
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::new(Bytes::from_static(b"not found")))
            .unwrap(),
    };
    Ok(resp)
}

fn configure(ws: &Workspace, registry: &Registry, namespace: &str) {
    ws.write("cli.tfrc", "provider_installation {\n  direct {}\n}\n");
    ws.write(
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    auth0 = {{\n      source  = \"{}/{namespace}/auth0\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\n\
             provider \"auth0\" {{\n  domain        = \"{}\"\n  client_id     = \"local-client-id\"\n  client_secret = \"local-client-secret\"\n}}\n\n\
             resource \"auth0_tenant_session\" \"this\" {{\n  session_lifetime = 48\n}}\n",
            registry.host(),
            ws.tenant.url()
        ),
    );
}

fn registry_env(ws: &mut Workspace, registry: &Registry) {
    // One bundle trusted through SSL_CERT_FILE: the registry's CA (for init) and the local
    // tenant's (for the provider's calls).
    let bundle = ws.path().join("trusted.pem");
    let mut pem = std::fs::read_to_string(&registry.ca_file).unwrap();
    if let Some(tenant_ca) = &ws.ca_file {
        pem.push_str(&std::fs::read_to_string(tenant_ca).unwrap());
    }
    std::fs::write(&bundle, pem).unwrap();
    ws.ca_file = Some(bundle);
    ws.extra_env = vec![
        // Install from the registry, never from a cache or through a proxy.
        ("TF_PLUGIN_CACHE_DIR".to_string(), String::new()),
        ("HTTPS_PROXY".to_string(), String::new()),
        ("https_proxy".to_string(), String::new()),
    ];
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_release_installs_through_the_registry_protocol() {
    let gpg = GnuPg::new();
    let signer = gpg.generate("tfauth0 release test <signer@tfauth0.invalid>", "rsa2048");
    let other = gpg.generate("tfauth0 other key <other@tfauth0.invalid>", "rsa2048");

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("release");
    let run = release(
        &out,
        &[("GPG_FINGERPRINT", &signer), ("GNUPGHOME", gpg.home_str())],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!("release: signed {} with {signer}", sums_name())),
        "{stderr}"
    );

    let zip = zip_name(&os_arch());
    let sums = read(&out, &sums_name());
    let sig = read(&out, &format!("{}.sig", sums_name()));
    // A binary OpenPGP packet (the tag byte has its high bit set), not ASCII armor.
    assert!(
        sig[0] & 0x80 != 0,
        "SHA256SUMS.sig is not a binary signature"
    );
    gpg.gpg(&[
        "--verify",
        out.join(format!("{}.sig", sums_name())).to_str().unwrap(),
        out.join(sums_name()).to_str().unwrap(),
    ]);
    let zip_bytes = read(&out, &zip);
    let manifest = format!("{NAME}_{VERSION}_manifest.json");
    assert_eq!(
        String::from_utf8(sums.clone()).unwrap(),
        format!(
            "{}  {zip}\n{}  {manifest}\n",
            hex(&sha256(&zip_bytes)),
            hex(&sha256(&read(&out, &manifest)))
        )
    );

    let mut corrupted = sig.clone();
    *corrupted.last_mut().unwrap() ^= 0xff;
    let listing = |sig: &[u8], key: &str| Listing {
        files: HashMap::from([
            (zip.clone(), zip_bytes.clone()),
            (sums_name(), sums.clone()),
            (format!("{}.sig", sums_name()), sig.to_vec()),
        ]),
        key_id: key_id(key),
        armor: gpg.armored_public_key(key),
    };
    let registry = start_registry(
        HashMap::from([
            ("tfauth0".to_string(), listing(&sig, &signer)),
            ("corrupted".to_string(), listing(&corrupted, &signer)),
            ("otherkey".to_string(), listing(&sig, &other)),
        ]),
        tmp.path(),
    )
    .await;
    let host = registry.host();
    let binary_name = format!("{NAME}_v{VERSION}");
    let binary_sha = sha256(&unzip_entry(&out.join(&zip), &binary_name));
    let h1 = h1_of_zip(&out.join(&zip));

    for tf in terraforms() {
        // Installs, reports the signature, records both hashes, and runs.
        let mut ws = Workspace::new(&tf).await;
        registry_env(&mut ws, &registry);
        configure(&ws, &registry, "tfauth0");
        let init = ws.run(&["init", "-no-color", "-input=false"]).await;
        assert_eq!(init.code, 0, "{tf:?} init:\n{}", init.all());
        // Terraform tells its registry's trust tiers apart; OpenTofu only says "signed".
        let signed = match ws.cli().tool {
            Tool::Terraform => "self-signed",
            Tool::OpenTofu => "signed",
        };
        let installed_line = format!(
            "- Installed {host}/tfauth0/auth0 v{VERSION} ({signed}, key ID {})",
            key_id(&signer)
        );
        assert!(
            init.stdout.contains(&installed_line),
            "{tf:?}:\n{}",
            init.stdout
        );
        println!("{tf:?}: {installed_line}");
        for p in [
            "/.well-known/terraform.json".to_string(),
            "/v1/providers/tfauth0/auth0/versions".to_string(),
            format!("/files/tfauth0/{}.sig", sums_name()),
            format!("/files/tfauth0/{zip}"),
        ] {
            assert!(registry.requested(&p), "{tf:?} never asked for {p}");
        }
        let lock = ws.read(".terraform.lock.hcl");
        assert!(
            lock.contains(&format!("provider \"{host}/tfauth0/auth0\" {{")),
            "{lock}"
        );
        assert!(
            lock.contains(&format!("\"{h1}\",")),
            "{tf:?}: no {h1} in\n{lock}"
        );
        assert!(
            lock.contains(&format!("\"zh:{}\",", hex(&sha256(&zip_bytes)))),
            "{tf:?}: no zh: hash of the zip in\n{lock}"
        );
        let installed = ws
            .path()
            .join(".terraform/providers")
            .join(&host)
            .join("tfauth0/auth0")
            .join(VERSION)
            .join(os_arch())
            .join(&binary_name);
        assert_eq!(
            sha256(&std::fs::read(&installed).unwrap()),
            binary_sha,
            "{installed:?} is not the release binary"
        );
        ws.apply().await;
        assert_eq!(
            ws.patch_bodies(),
            vec![json!({"session_lifetime": 48})],
            "{tf:?}"
        );
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 48 * 60);
        let (code, plan) = ws.plan_code().await;
        assert_eq!(code, 0, "{tf:?}: plan after apply:\n{}", plan.all());

        // The same server, a broken signature or a key that did not make it: refused.
        for (namespace, reason) in [
            (
                "corrupted",
                "error checking signature: openpgp: invalid signature",
            ),
            ("otherkey", "authentication signature from unknown issuer"),
        ] {
            let mut ws = Workspace::new(&tf).await;
            registry_env(&mut ws, &registry);
            configure(&ws, &registry, namespace);
            let init = ws.run(&["init", "-no-color", "-input=false"]).await;
            assert_eq!(init.code, 1, "{tf:?} {namespace}:\n{}", init.all());
            assert!(
                flat(&init.all()).contains(reason),
                "{tf:?} {namespace}: expected {reason:?} in:\n{}",
                init.all()
            );
            println!("{tf:?}: {namespace}: refused: {reason}");
            assert!(
                registry.requested(&format!("/files/{namespace}/{}.sig", sums_name())),
                "{tf:?} {namespace}: the signature was never fetched"
            );
            // The package's directory; OpenTofu 1.12 leaves its install lock file
            // (`<os_arch>.lock`) beside where the package would go.
            let package = ws
                .path()
                .join(".terraform/providers")
                .join(&host)
                .join(namespace)
                .join("auth0")
                .join(VERSION)
                .join(os_arch());
            assert!(
                !package.exists(),
                "{tf:?} {namespace}: installed despite the refusal"
            );
        }
    }
}
