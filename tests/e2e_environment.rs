//! The developer's environment does not leak into the tests: every variable that changes
//! what Terraform, OpenTofu, the provider or a TLS client does (`AUTH0_*`, `TF_CLI_ARGS*`,
//! `TF_VAR_*`, `TF_LOG*`, `TF_CLI_CONFIG_FILE`, `TOFU_*`, proxies, `SSL_CERT_*`) is removed
//! from the commands the tests run (common::terraform::tool_command). One test in its own
//! binary, because it sets them in its own process first.
#![forbid(unsafe_code)]

mod common;

use common::terraform::{behaviour_changing, terraforms, Workspace};

/// Each would break or change the run if it reached it.
const HOSTILE: [(&str, &str); 11] = [
    ("TF_CLI_ARGS", "-no-such-flag"),
    ("TF_CLI_ARGS_apply", "-parallelism=not-a-number"),
    ("TF_VAR_unused", "x"),
    ("TF_LOG", "TRACE"),
    ("TF_CLI_CONFIG_FILE", "/nonexistent/cli.tfrc"),
    ("TF_DATA_DIR", "/nonexistent/data"),
    ("TOFU_CLI_CONFIG_FILE", "/nonexistent/cli.tfrc"),
    ("AUTH0_CLIENT_SECRET", "not-the-secret"),
    ("HTTPS_PROXY", "http://127.0.0.1:9"),
    ("https_proxy", "http://127.0.0.1:9"),
    ("SSL_CERT_DIR", "/nonexistent/certs"),
];

#[test]
fn the_list_covers_the_families() {
    for (name, _) in HOSTILE {
        assert!(behaviour_changing(name), "{name}");
    }
    for name in ["PATH", "HOME", "TMPDIR", "LANG", "CARGO_MANIFEST_DIR"] {
        assert!(!behaviour_changing(name), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn variables_of_the_callers_environment_never_reach_terraform() {
    // Before any thread of this test reads the environment: nothing else runs in this
    // binary but the pure test above.
    for (name, value) in HOSTILE {
        std::env::set_var(name, value);
    }
    for tf in terraforms() {
        let mut ws = Workspace::new(&tf).await;
        ws.config(r#"resource "auth0_tenant_session" "this" { session_lifetime = 30 }"#);
        let r = ws.apply().await;
        assert!(
            !r.stderr.contains("[TRACE]"),
            "{tf:?}: TF_LOG reached it:\n{}",
            r.stderr
        );
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 30 * 60);

        // Positive control: the same variable given on purpose does reach it.
        ws.extra_env = vec![("TF_CLI_ARGS".into(), "-no-such-flag".into())];
        let r = ws.run(&["plan", "-no-color", "-input=false"]).await;
        assert_ne!(r.code, 0, "{tf:?}: TF_CLI_ARGS given on purpose is used");
        assert!(r.all().contains("no-such-flag"), "{tf:?}: {}", r.all());
    }
}
