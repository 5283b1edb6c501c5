//! The plugin driven the way Terraform drives it: launched with the magic cookie and a
//! P-521 client certificate, handshake line parsed, mTLS over the unix socket.
#![forbid(unsafe_code)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use tfauth0::protocol::generated::health::{health_client::HealthClient, HealthCheckRequest};
use tfauth0::protocol::generated::plugin::{grpc_controller_client::GrpcControllerClient, Empty};
use tfauth0::protocol::generated::tfplugin6::{self as pb, provider_client::ProviderClient};

/// How long a test waits for the provider to exit on its own. Terraform kills a provider
/// 2 s after Shutdown; these tests only show that it exits by itself (a busy CI machine
/// can stall a process for longer), and `make bench` measures how fast.
const EXITS_WITHIN: Duration = Duration::from_secs(60);

fn wait_exit(l: &mut Launched, within: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < within {
        if let Some(st) = l.child.try_wait().unwrap() {
            return Some(st);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

#[tokio::test]
async fn schema_over_mtls_then_clean_shutdown() {
    let id = terraform_like_client_cert();
    let mut l = launch(Some(&id.cert_pem), &[]);
    assert_eq!(l.network, "unix");
    assert!(
        l.server_cert.is_some(),
        "AutoMTLS needs a certificate in {:?}",
        l.line
    );
    // The socket lives in a directory only this user can enter.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::path::Path::new(&l.address).parent().unwrap();
        assert_eq!(
            std::fs::metadata(dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
    let ch = connect(&l, Some(&id))
        .await
        .expect("connect with Terraform's certificate");

    let mut p = ProviderClient::new(ch.clone());
    let schema = p
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(schema.resource_schemas.contains_key("auth0_tenant_session"));
    assert!(schema
        .data_source_schemas
        .contains_key("auth0_tenant_session"));
    let caps = schema.server_capabilities.unwrap();
    assert!(caps.plan_destroy && caps.get_provider_schema_optional);
    let provider_attrs: Vec<_> = schema.provider.unwrap().block.unwrap().attributes;
    let secret = provider_attrs
        .iter()
        .find(|a| a.name == "client_secret")
        .unwrap();
    assert!(secret.sensitive);

    let ids = p
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        ids.identity_schemas["auth0_tenant_session"].identity_attributes[0].name,
        "tenant_domain"
    );

    let health = HealthClient::new(ch.clone())
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(health.status, 1);

    GrpcControllerClient::new(ch)
        .shutdown(Empty {})
        .await
        .unwrap();
    let status = wait_exit(&mut l, EXITS_WITHIN).expect("exits on its own after Shutdown");
    assert!(status.success());
    assert!(
        !std::path::Path::new(&l.address).exists(),
        "socket removed on exit"
    );
}

/// Whether a client presenting `identity` gets an answer to an RPC.
async fn is_served(l: &Launched, identity: Option<&ClientIdentity>) -> bool {
    match connect(l, identity).await {
        Err(_) => false,
        Ok(ch) => ProviderClient::new(ch)
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .is_ok(),
    }
}

/// Each refusal test carries its positive control: the same provider process, right after
/// refusing, serves the certificate Terraform handed it, so "refused" cannot mean
/// "unreachable" or "broken".
#[tokio::test]
async fn another_certificate_is_refused_and_terraforms_is_served() {
    let terraform = terraform_like_client_cert();
    let intruder = terraform_like_client_cert();
    let l = launch(Some(&terraform.cert_pem), &[]);
    assert!(
        !is_served(&l, Some(&intruder)).await,
        "a client with another certificate must not be served"
    );
    assert!(
        is_served(&l, Some(&terraform)).await,
        "positive control: the same server serves Terraform's certificate"
    );
}

#[tokio::test]
async fn no_certificate_is_refused_and_terraforms_is_served() {
    let terraform = terraform_like_client_cert();
    let l = launch(Some(&terraform.cert_pem), &[]);
    assert!(
        !is_served(&l, None).await,
        "a client without a certificate must not be served"
    );
    assert!(
        is_served(&l, Some(&terraform)).await,
        "positive control: the same server serves Terraform's certificate"
    );
}

#[tokio::test]
async fn plaintext_when_tls_disabled() {
    let id = terraform_like_client_cert();
    let l = launch(Some(&id.cert_pem), &[("TF_DISABLE_PLUGIN_TLS", "1")]);
    assert!(l.server_cert.is_none());
    let ch = connect(&l, None).await.unwrap();
    let m = ProviderClient::new(ch)
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.resources[0].type_name, "auth0_tenant_session");
}

#[test]
fn without_the_cookie_it_explains_and_exits_1() {
    let out = std::process::Command::new(binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("This binary is a plugin"), "{err}");
}

#[test]
fn refuses_protocol_5_only() {
    let out = std::process::Command::new(binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("speaks only version 6"));
}

#[test]
fn version_flag() {
    let out = std::process::Command::new(binary())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("terraform-provider-auth0 v"));
}

#[tokio::test]
async fn debug_mode_prints_reattach_line() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(binary())
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    for _ in 0..4 {
        reader.read_line(&mut text).unwrap();
    }
    let start = text.find("TF_REATTACH_PROVIDERS='").expect("reattach line")
        + "TF_REATTACH_PROVIDERS='".len();
    let json = &text[start..text[start..].find('\'').unwrap() + start];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let entry = &v["registry.terraform.io/tfauth0/auth0"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Addr"]["Network"], "unix");
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn tcp_with_nodelay_when_unix_sockets_are_unavailable() {
    // A temp dir that cannot exist makes the unix socket impossible.
    let id = terraform_like_client_cert();
    let l = launch(
        Some(&id.cert_pem),
        &[
            ("TMPDIR", "/nonexistent-dir-for-tfauth0-test"),
            ("PLUGIN_MIN_PORT", "10000"),
            ("PLUGIN_MAX_PORT", "25000"),
        ],
    );
    assert_eq!(l.network, "tcp", "{}", l.line);
    let addr: std::net::SocketAddr = l.address.parse().unwrap();
    assert!(addr.ip().is_loopback());
    assert!((10000..=25000).contains(&addr.port()));
    let ch = connect(&l, Some(&id)).await.unwrap();
    let m = ProviderClient::new(ch)
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(m.server_capabilities.unwrap().plan_destroy);
}

/// A panic must reach Terraform as a line starting with `panic: ` (its crash capture)
/// and as a JSON error log line, then end the process. Runs the hook in a child process.
#[test]
fn panics_are_reported_the_way_terraform_shows_them() {
    if std::env::var_os("TFAUTH0_PANIC_CHILD").is_some() {
        tfauth0::protocol::logging::install_panic_hook();
        panic!("boom for the test");
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "panics_are_reported_the_way_terraform_shows_them",
            "--nocapture",
        ])
        .env("TFAUTH0_PANIC_CHILD", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("panic: boom for the test")),
        "{err}"
    );
    let json = err
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("a JSON log line");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["@level"], "error");
    assert!(v["@message"]
        .as_str()
        .unwrap()
        .contains("boom for the test"));
}

/// Ctrl-C in a terminal sends SIGINT to the whole process group, provider included;
/// Terraform stops the provider through StopProvider instead, so SIGINT must not kill it.
/// README "Failure behaviour", the provider process never outlives Terraform: SIGINT is
/// left to Terraform's StopProvider.
#[cfg(unix)]
#[tokio::test]
async fn sigint_does_not_kill_a_managed_provider() {
    use std::io::BufRead;
    let id = terraform_like_client_cert();
    // At DEBUG the provider logs that it received SIGINT and ignored it: the event this
    // test waits for before checking that the process lives on.
    let mut l = launch(Some(&id.cert_pem), &[("TF_LOG_PROVIDER", "DEBUG")]);
    let ch = connect(&l, Some(&id)).await.unwrap();
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    let stderr = std::io::BufReader::new(l.child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if line.contains("ignoring SIGINT") {
                let _ = seen_tx.send(line);
            }
        }
    });
    let status = std::process::Command::new("kill")
        .args(["-INT", &l.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let line = tokio::task::spawn_blocking(move || seen_rx.recv_timeout(EXITS_WITHIN))
        .await
        .unwrap()
        .expect("the provider logs the SIGINT it ignores");
    assert!(line.contains("\"@level\":\"debug\""), "{line}");
    assert!(
        l.child.try_wait().unwrap().is_none(),
        "still running after SIGINT"
    );
    ProviderClient::new(ch.clone())
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("still serving after SIGINT");
    GrpcControllerClient::new(ch)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert!(wait_exit(&mut l, EXITS_WITHIN).is_some());
}
