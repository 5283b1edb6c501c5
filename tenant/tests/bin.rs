//! The standalone `local-tenant` binary.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_env_and_serves_until_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_local-tenant"))
        .args([
            "--port",
            "0",
            "--client-id",
            "cid",
            "--client-secret",
            "sec",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let vars: Vec<String> = (0..4).map(|_| lines.next().unwrap().unwrap()).collect();
    assert!(
        vars[0].starts_with("AUTH0_DOMAIN=http://127.0.0.1:"),
        "{vars:?}"
    );
    assert_eq!(
        vars[1..],
        [
            "AUTH0_CLIENT_ID=cid",
            "AUTH0_CLIENT_SECRET=sec",
            "AUTH0_API_TOKEN=local-api-token"
        ]
    );

    let url = vars[0].trim_start_matches("AUTH0_DOMAIN=").to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/api/v2/tenants/settings"))
            .bearer_auth("local-api-token")
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success(), "clean exit on SIGTERM");
}

#[test]
fn refuses_non_loopback_host() {
    let out = Command::new(env!("CARGO_BIN_EXE_local-tenant"))
        .args(["--host", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn state_file_is_loaded_and_saved() {
    let path = std::env::temp_dir().join(format!("local-tenant-state-{}.json", std::process::id()));
    let state = r#"{"session_lifetime":90,"idle_session_lifetime":60,"ephemeral_session_lifetime":4320,"idle_ephemeral_session_lifetime":1440,"cookie_mode":"non-persistent"}"#;
    std::fs::write(&path, state).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_local-tenant"))
        .args(["--port", "0", "--state-file", path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Read all four lines and keep the pipe open: the tenant must not hit a closed stdout.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    (0..3).for_each(|_| drop(lines.next()));
    let url = first.trim_start_matches("AUTH0_DOMAIN=").to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body: serde_json::Value = rt.block_on(async {
        let c = reqwest::Client::new();
        let r = c
            .get(format!("{url}/api/v2/tenants/settings"))
            .bearer_auth("local-api-token")
            .send();
        let got = r.await.unwrap().json().await.unwrap();
        let p = c
            .patch(format!("{url}/api/v2/tenants/settings"))
            .bearer_auth("local-api-token");
        let r = p.body(r#"{"session_lifetime":3}"#).send().await.unwrap();
        assert_eq!(r.status(), 200);
        got
    });
    assert_eq!(body["session_lifetime"], serde_json::json!(1.5));
    assert_eq!(body["session_cookie"]["mode"], "non-persistent");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(saved["session_lifetime"], 180);
    assert_eq!(saved["cookie_mode"], "non-persistent");
}
