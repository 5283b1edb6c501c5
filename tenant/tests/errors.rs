//! The tenant's error answers against Auth0's real ones, as public sources quote them
//! (tests/fixtures/auth0-errors/*.json; SOURCES.md there says where each comes from).
//! Each fixture names the request that provokes it here (`provoked_by`); the answer must
//! have the fixture's status and match its quote: the whole body (`body`), the message
//! (`message`) or the start of the message (`message-prefix`). Every fixture in the
//! folder is checked, and the list below must name them all.
#![forbid(unsafe_code)]

mod common;

use std::path::Path;

use common::*;
use local_tenant::{Fault, LocalTenant, TenantConfig, READ_SCOPE};
use serde_json::Value;

const FIXTURES: [&str; 10] = [
    "auth0-drupal-130-401-invalid-token.json",
    "auth0-support-403-insufficient-scope.json",
    "deploy-cli-1110-maximum.json",
    "deploy-cli-33-429.json",
    "deploy-cli-471-integer-minutes.json",
    "deploy-cli-95-integer-hours.json",
    "deploy-cli-95-integer-session-hours.json",
    "laravel-auth0-455-401-expired.json",
    "terraform-provider-auth0-recording-400-invalid-body.json",
    "terraform-provider-auth0-recording-404.json",
];

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/auth0-errors")
}

#[test]
fn every_fixture_is_listed() {
    let mut found: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    found.sort();
    assert_eq!(found, FIXTURES.to_vec());
}

/// The tenant's answer to what `provoked_by` describes: (status, body).
async fn provoke(provoked_by: &Value) -> (u16, Value) {
    let read_only = "read-only-token";
    let cfg = TenantConfig {
        static_tokens: vec![
            (
                API_TOKEN.to_string(),
                TenantConfig::default().static_tokens[0].1.clone(),
            ),
            (read_only.to_string(), vec![READ_SCOPE.to_string()]),
        ],
        ..TenantConfig::default()
    };
    let t = LocalTenant::start(cfg).await.unwrap();
    let method = provoked_by["method"].as_str().unwrap();
    let path = provoked_by["path"].as_str().unwrap();
    let bearer = match provoked_by.get("bearer").and_then(Value::as_str) {
        Some(b) if b.starts_with("an issued token") => {
            let token = client_credentials_token(&t).await;
            t.expire_all_tokens();
            token
        }
        Some(b) => b.to_string(),
        None if provoked_by.get("token_scopes").is_some() => read_only.to_string(),
        None => API_TOKEN.to_string(),
    };
    if let Some(fault) = provoked_by.get("fault") {
        t.inject(serde_json::from_value::<Fault>(fault.clone()).unwrap());
    }
    let url = format!("{}{path}", t.url());
    let request = match method {
        "GET" => client().get(url),
        "PATCH" => client()
            .patch(url)
            .header("content-type", "application/json")
            .body(provoked_by["body"].to_string()),
        other => panic!("no request for method {other}"),
    };
    json(request.bearer_auth(bearer).send().await.unwrap()).await
}

/// `quote` with the fixture's placeholders replaced by this tenant's values.
fn placeholders(quote: &Value, provoked_by: &Value) -> Value {
    let mut text = quote.to_string();
    if let Some([from, to]) = provoked_by
        .get("placeholder")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        text = text.replace(from.as_str().unwrap(), to.as_str().unwrap());
    }
    serde_json::from_str(&text).unwrap()
}

/// A payload validation message's form: "Payload validation error: '<detail>' on property
/// <name>." or "... on property <name> (<description>)."
fn has_the_form_of_a_property_error(message: &str) -> bool {
    let Some(rest) = message.strip_prefix("Payload validation error: '") else {
        return false;
    };
    let Some((_detail, tail)) = rest.split_once("' on property ") else {
        return false;
    };
    (tail.ends_with('.') && !tail.contains(' ')) || tail.ends_with(").")
}

#[tokio::test]
async fn answers_match_what_auth0_was_seen_to_answer() {
    for name in FIXTURES {
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(dir().join(name)).unwrap()).unwrap();
        for key in [
            "source",
            "quoted_in",
            "status",
            "kind",
            "quote",
            "provoked_by",
        ] {
            assert!(fixture.get(key).is_some(), "{name}: no {key}");
        }
        let provoked_by = &fixture["provoked_by"];
        let (status, body) = provoke(provoked_by).await;
        assert_eq!(
            Some(u64::from(status)),
            fixture["status"].as_u64(),
            "{name}: {body}"
        );
        assert_eq!(body["statusCode"], fixture["status"], "{name}: {body}");
        let quote = placeholders(&fixture["quote"], provoked_by);
        let message = body["message"].as_str().unwrap_or("");
        match (
            fixture["kind"].as_str().unwrap(),
            provoked_by.get("compare"),
        ) {
            ("body", None) => assert_eq!(body, quote, "{name}"),
            // A recorded body of another endpoint: the same keys, error and errorCode, and a
            // message of the same form.
            ("body", Some(_)) => {
                let keys = |v: &Value| {
                    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
                    k.sort();
                    k
                };
                assert_eq!(keys(&body), keys(&quote), "{name}: {body}");
                assert_eq!(body["error"], quote["error"], "{name}");
                assert_eq!(body["errorCode"], quote["errorCode"], "{name}");
                assert!(
                    has_the_form_of_a_property_error(quote["message"].as_str().unwrap()),
                    "{name}: the form check must accept the recorded message itself"
                );
                assert!(
                    has_the_form_of_a_property_error(message),
                    "{name}: {message}"
                );
            }
            ("message", _) => assert_eq!(message, quote.as_str().unwrap(), "{name}"),
            ("message-prefix", _) => assert!(
                message.starts_with(quote.as_str().unwrap()),
                "{name}: {message:?} does not start with {quote}"
            ),
            (kind, _) => panic!("{name}: unknown kind {kind}"),
        }
    }
}

#[test]
fn the_form_check_refuses_other_forms() {
    for bad in [
        "Payload validation error: 'x' on property a",
        "Payload validation error: 'x' on property a b.",
        "Payload validation error: 'Too few properties defined (0), minimum 1'",
        "Invalid request payload JSON format",
    ] {
        assert!(!has_the_form_of_a_property_error(bad), "{bad}");
    }
}
