//! Token endpoint, auth, settings GET/PATCH and rate limiting over real HTTP.
#![forbid(unsafe_code)]

mod common;

use common::*;
use local_tenant::{make_test_assertion, LocalTenant, SessionState, TenantConfig};
use serde_json::{json, Value};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn token_by_form_and_json() {
    let t = start().await;
    let tok = client_credentials_token(&t).await;
    assert_eq!(get(&t, SETTINGS, &tok).await.status(), 200);

    let r = client()
        .post(format!("{}{TOKEN}", t.url()))
        .json(&json!({
            "grant_type": "client_credentials", "client_id": "local-client-id",
            "client_secret": "local-client-secret", "audience": audience(&t),
        }))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert_eq!(body["scope"], "read:tenant_settings update:tenant_settings");
    assert_ne!(
        body["access_token"].as_str().unwrap(),
        tok,
        "tokens are unique"
    );
    assert_eq!(t.count("POST", TOKEN), 2);
}

#[tokio::test]
async fn token_errors() {
    let t = start().await;
    let aud = audience(&t);
    let base = |secret: &'static str, aud: &str, grant: &'static str| {
        vec![
            ("grant_type", grant),
            ("client_id", "local-client-id"),
            ("client_secret", secret),
            ("audience", aud),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect::<Vec<_>>()
    };
    let send = |form: Vec<(&'static str, String)>| {
        let t = &t;
        async move {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            json(token_form(t, &f).await).await
        }
    };
    let (s, b) = send(base("wrong", &aud, "client_credentials")).await;
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));
    let (s, b) = send(base(
        "local-client-secret",
        "https://elsewhere/api/v2/",
        "client_credentials",
    ))
    .await;
    assert_eq!((s, b["error"].as_str()), (403, Some("access_denied")));
    assert_eq!(
        b["error_description"],
        "Service not enabled within domain: https://elsewhere/api/v2/"
    );
    let (s, b) = send(base("local-client-secret", &aud, "password")).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (s, b) = send(base("local-client-secret", &aud, "client_credentials")[..3].to_vec()).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (403, Some("access_denied")),
        "no audience"
    );
}

#[tokio::test]
async fn token_by_client_assertion() {
    let t = start().await;
    let aud = audience(&t);
    let send = |assertion: String, kind: &'static str| {
        let (t, aud) = (&t, aud.clone());
        async move {
            let form = [
                ("grant_type", "client_credentials"),
                ("client_id", "local-client-id"),
                ("client_assertion", assertion.as_str()),
                ("client_assertion_type", kind),
                ("audience", aud.as_str()),
            ];
            json(token_form(t, &form).await).await
        }
    };
    const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    let tenant_aud = format!("{}/", t.url());
    let good = make_test_assertion("local-client-id", &tenant_aud, now() + 120, "RS256");
    let (s, b) = send(good.clone(), JWT_BEARER).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["access_token"].is_string());

    let (s, _) = send(good, "urn:wrong").await;
    assert_eq!(s, 400);
    for bad in [
        make_test_assertion("local-client-id", "http://other/", now() + 120, "RS256"),
        make_test_assertion("local-client-id", &tenant_aud, now() + 120, "HS256"),
        make_test_assertion("someone-else", &tenant_aud, now() + 120, "RS256"),
        make_test_assertion("local-client-id", &tenant_aud, now() - 120, "RS256"),
        make_test_assertion("local-client-id", &tenant_aud, now() + 7200, "ES256"),
        "not-a-jwt".to_string(),
    ] {
        let (s, b) = send(bad.clone(), JWT_BEARER).await;
        assert_eq!(
            (s, b["error"].as_str()),
            (401, Some("invalid_client")),
            "{bad}: {b}"
        );
    }
}

#[tokio::test]
async fn bearer_errors_and_scopes() {
    let cfg = TenantConfig {
        scopes: vec!["read:tenant_settings".into()],
        static_tokens: vec![("reader".into(), vec!["read:tenant_settings".into()])],
        ..TenantConfig::default()
    };
    let t = LocalTenant::start(cfg).await.unwrap();
    let tok = client_credentials_token(&t).await;
    assert_eq!(get(&t, SETTINGS, &tok).await.status(), 200);
    for token in [tok.as_str(), "reader"] {
        let (s, b) = json(patch(&t, r#"{"session_lifetime":10}"#, token).await).await;
        assert_eq!(s, 403);
        assert_eq!(b["errorCode"], "insufficient_scope");
        assert_eq!(
            b["message"],
            "Insufficient scope, expected any of: update:tenant_settings"
        );
    }
    let (s, b) = json(get(&t, SETTINGS, "garbage").await).await;
    assert_eq!((s, b["message"].as_str()), (401, Some("Invalid token")));
    let r = client()
        .get(format!("{}{SETTINGS}", t.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    t.expire_all_tokens();
    let (s, b) = json(get(&t, SETTINGS, &tok).await).await;
    assert_eq!(s, 401);
    assert_eq!(
        b,
        json!({"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON Web Token validation"})
    );
    assert_eq!(
        get(&t, SETTINGS, "reader").await.status(),
        200,
        "static tokens do not expire"
    );
    let fresh = client_credentials_token(&t).await;
    assert_eq!(get(&t, SETTINGS, &fresh).await.status(), 200);
}

#[tokio::test]
async fn short_ttl_tokens_expire() {
    let cfg = TenantConfig {
        token_ttl_secs: 1,
        ..TenantConfig::default()
    };
    let t = LocalTenant::start(cfg).await.unwrap();
    let tok = client_credentials_token(&t).await;
    assert_eq!(get(&t, SETTINGS, &tok).await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(get(&t, SETTINGS, &tok).await.status(), 401);
}

#[tokio::test]
async fn get_omits_defaults_and_narrows_fields() {
    let t = start().await;
    let (s, b) = json(get(&t, SETTINGS, API_TOKEN).await).await;
    assert_eq!(s, 200);
    let obj = b.as_object().unwrap();
    assert!(obj.contains_key("friendly_name") && obj.contains_key("flags"));
    for k in [
        "session_lifetime",
        "idle_session_lifetime",
        "ephemeral_session_lifetime",
        "idle_ephemeral_session_lifetime",
        "session_cookie",
    ] {
        assert!(
            !obj.contains_key(k),
            "{k} holds its default and is left out"
        );
    }

    t.set_state(SessionState {
        session_lifetime: 90,
        cookie_mode: Some("persistent".into()),
        ..SessionState::default()
    });
    let q = "?fields=session_lifetime,session_cookie,idle_session_lifetime&include_fields=true";
    let (_, b) = json(get(&t, &format!("{SETTINGS}{q}"), API_TOKEN).await).await;
    assert_eq!(
        b,
        json!({"session_lifetime": 1.5, "session_cookie": {"mode": "persistent"}})
    );
    let q = "?fields=friendly_name,flags&include_fields=false";
    let (_, b) = json(get(&t, &format!("{SETTINGS}{q}"), API_TOKEN).await).await;
    assert!(!b.as_object().unwrap().contains_key("friendly_name"));
    assert!(b.as_object().unwrap().contains_key("session_lifetime"));
    assert_eq!(
        t.requests().last().unwrap().query,
        q.trim_start_matches('?')
    );
}

#[tokio::test]
async fn patch_validation_rules() {
    let t = start().await;
    let cases = [
        ("{}", "Payload validation error: 'Too few properties defined (0), minimum 1'"),
        (r#"{"foo":1}"#, "Payload validation error: 'Additional properties not allowed: foo'"),
        (
            r#"{"session_lifetime":1.5}"#,
            "Payload validation error: 'Expected type integer but found type number' on property session_lifetime (Login session lifetime, how long the session will stay valid (unit: hours)).",
        ),
        (
            r#"{"idle_session_lifetime":0}"#,
            "Payload validation error: 'Value 0 is less than minimum 1' on property idle_session_lifetime (Force a user to login after they have been inactive for the specified number (unit: hours)).",
        ),
        (
            r#"{"ephemeral_session_lifetime":20160}"#,
            "Payload validation error: 'Value 20160 is greater than maximum 8760' on property ephemeral_session_lifetime.",
        ),
        (
            r#"{"idle_ephemeral_session_lifetime_in_minutes":0}"#,
            "Payload validation error: 'Value 0 is less than minimum 1' on property idle_ephemeral_session_lifetime_in_minutes.",
        ),
        (
            r#"{"session_lifetime_in_minutes":525601}"#,
            "Payload validation error: 'Value 525601 is greater than maximum 525600' on property session_lifetime_in_minutes (Login session lifetime, how long the session will stay valid (unit: minutes)).",
        ),
        (
            r#"{"idle_session_lifetime":2,"idle_session_lifetime_in_minutes":90}"#,
            "Payload validation error: 'Only one of idle_session_lifetime and idle_session_lifetime_in_minutes may be set'",
        ),
        (
            r#"{"session_cookie":{"mode":"sometimes"}}"#,
            "Payload validation error: 'No enum match for: \"sometimes\"' on property session_cookie.mode.",
        ),
        (r#"[1]"#, "Payload validation error: 'Expected type object but found type array'"),
        ("{", "Invalid request payload JSON format"),
    ];
    for (body, message) in cases {
        let (s, b) = json(patch(&t, body, API_TOKEN).await).await;
        assert_eq!(
            b,
            json!({"statusCode":400,"error":"Bad Request","message":message,"errorCode":"invalid_body"}),
            "{body}"
        );
        assert_eq!(s, 400);
    }
    assert_eq!(
        t.stored_minutes(),
        SessionState::default(),
        "nothing applied"
    );
}

#[tokio::test]
async fn hours_and_minutes_round_trip() {
    let t = start().await;
    let body = r#"{"session_lifetime_in_minutes":181,"idle_session_lifetime":1,
        "idle_ephemeral_session_lifetime_in_minutes":15,"session_cookie":{"mode":"non-persistent"},
        "friendly_name":"Renamed","mtls":null}"#;
    let (s, patched) = json(patch(&t, body, API_TOKEN).await).await;
    assert_eq!(s, 200);
    let (_, got) = json(get(&t, SETTINGS, API_TOKEN).await).await;
    for b in [&patched, &got] {
        assert_eq!(b["session_lifetime"].to_string(), "3.0166666666666666");
        assert_eq!(b["idle_session_lifetime"].to_string(), "1");
        assert_eq!(b["idle_ephemeral_session_lifetime"].to_string(), "0.25");
        assert!(b.get("ephemeral_session_lifetime").is_none());
        assert_eq!(b["session_cookie"], json!({"mode": "non-persistent"}));
        assert_eq!(b["friendly_name"], "Renamed");
        assert!(b
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.ends_with("_in_minutes")));
    }
    assert!(
        got.get("sandbox_versions_available").is_some()
            && patched.get("sandbox_versions_available").is_none()
    );
    assert_eq!(
        t.stored_minutes(),
        SessionState {
            session_lifetime: 181,
            idle_session_lifetime: 60,
            ephemeral_session_lifetime: 72 * 60,
            idle_ephemeral_session_lifetime: 15,
            cookie_mode: Some("non-persistent".into()),
        }
    );
    // Writing a default value makes it appear, like the real API after a write.
    let (_, b) = json(patch(&t, r#"{"ephemeral_session_lifetime":72}"#, API_TOKEN).await).await;
    assert_eq!(b["ephemeral_session_lifetime"], json!(72));
}

#[tokio::test]
async fn rate_limit_headers_and_429() {
    let cfg = TenantConfig {
        rate_limit_capacity: 3,
        rate_limit_refill_per_sec: 1,
        ..TenantConfig::default()
    };
    let t = LocalTenant::start(cfg).await.unwrap();
    let before = now();
    let mut remaining = Vec::new();
    for path in [SETTINGS, "/nope", TOKEN] {
        let r = if path == TOKEN {
            token_form(&t, &[("grant_type", "client_credentials")]).await
        } else {
            get(&t, path, API_TOKEN).await
        };
        let h = r.headers();
        assert_eq!(h["x-ratelimit-limit"], "3");
        let reset: u64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
        assert!(reset >= before && reset <= now() + 4, "{reset}");
        remaining.push(h["x-ratelimit-remaining"].to_str().unwrap().to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let r = get(&t, SETTINGS, API_TOKEN).await;
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    let (s, b) = json(r).await;
    assert_eq!(s, 429);
    assert_eq!(
        b,
        json!({"statusCode":429,"error":"Too Many Requests"}),
        "the body quoted in tests/fixtures/auth0-errors/deploy-cli-33-429.json"
    );
    let statuses: Vec<u16> = t.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 404, 400, 429]);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(get(&t, SETTINGS, API_TOKEN).await.status(), 200, "refilled");
}

#[tokio::test]
async fn unknown_paths_are_auth0_404s() {
    let t = start().await;
    let (s, b) = json(get(&t, "/api/v2/clients", API_TOKEN).await).await;
    assert_eq!(
        (s, b),
        (
            404,
            json!({"statusCode":404,"error":"Not Found","message":"Not Found"})
        )
    );
    let r = client()
        .delete(format!("{}{SETTINGS}", t.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn request_log_and_shutdown() {
    let t = start().await;
    patch(&t, r#"{"session_lifetime":2}"#, API_TOKEN).await;
    let log = t.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str(), log[0].status),
        ("PATCH", SETTINGS, 200)
    );
    assert_eq!(log[0].body, r#"{"session_lifetime":2}"#);
    assert!(log[0]
        .headers
        .iter()
        .any(|(k, v)| k == "authorization" && v == "Bearer local-api-token"));
    t.clear_requests();
    assert!(t.requests().is_empty());
    let url = t.url();
    t.shutdown().await;
    assert!(
        client().get(url).send().await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn drop_shuts_down() {
    let t = start().await;
    let url = t.url();
    drop(t);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(client().get(url).send().await.is_err());
}

#[tokio::test]
async fn settings_objects_are_json_objects() {
    let t = start().await;
    let (_, b) = json(get(&t, SETTINGS, API_TOKEN).await).await;
    assert!(matches!(b, Value::Object(_)));
}
