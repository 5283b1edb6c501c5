//! Each injected fault kind, and the HTTP control API.
#![forbid(unsafe_code)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use local_tenant::{Fault, SessionState};
use serde_json::{json, Value};

/// `times` answers with HTTP `code` to any request (any method, any path).
fn any_request_status(code: u16, times: u32) -> Fault {
    Fault::Status {
        code,
        times,
        method: None,
        path_prefix: None,
        retry_after: None,
        reset_in_secs: None,
    }
}

/// `times` answers with HTTP `code` to PATCH /api/v2/tenants/settings only.
fn settings_patch_status(code: u16, times: u32) -> Fault {
    Fault::Status {
        code,
        times,
        method: Some("PATCH".into()),
        path_prefix: Some(SETTINGS.into()),
        retry_after: None,
        reset_in_secs: None,
    }
}

#[tokio::test]
async fn latency_delays_then_answers() {
    let t = start().await;
    t.inject(Fault::Latency {
        millis: 300,
        times: 1,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let started = Instant::now();
    assert_eq!(get(&t, SETTINGS, API_TOKEN).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get(&t, SETTINGS, API_TOKEN).await.status(), 200);
    assert!(started.elapsed() < Duration::from_millis(300), "used up");
}

#[tokio::test]
async fn status_faults_use_auth0_shapes_and_headers() {
    let t = start().await;
    t.inject(Fault::Status {
        code: 429,
        times: 2,
        method: None,
        path_prefix: None,
        retry_after: Some(3),
        reset_in_secs: Some(7),
    });
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let r = get(&t, SETTINGS, API_TOKEN).await;
    assert_eq!(r.headers()["retry-after"], "3");
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    let reset: u64 = r.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((before + 7..=before + 8).contains(&reset));
    // The Management API's 429 as auth0-deploy-cli issue 33 quotes it
    // (tests/fixtures/auth0-errors/deploy-cli-33-429.json).
    let (s, b) = json(r).await;
    assert_eq!(
        (s, b),
        (
            429,
            json!({"statusCode": 429, "error": "Too Many Requests"})
        )
    );
    // The token endpoint answers in the Authentication API's shape.
    let (s, b) = json(token_form(&t, &[("grant_type", "client_credentials")]).await).await;
    assert_eq!(
        (s, b),
        (
            429,
            json!({"error":"too_many_requests","error_description":"Global limit has been reached"})
        )
    );

    t.inject(settings_patch_status(503, 1));
    let (s, b) = json(get(&t, "/api/v2/other", API_TOKEN).await).await;
    assert_eq!(s, 404, "path does not match: {b}");
    let (s, b) = json(get(&t, SETTINGS, API_TOKEN).await).await;
    assert_eq!(s, 200, "method does not match: {b}");
    let (s, b) = json(patch(&t, r#"{"session_lifetime":5}"#, API_TOKEN).await).await;
    assert_eq!(
        (s, b),
        (
            503,
            json!({"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable"})
        )
    );
    assert_eq!(t.stored_minutes(), SessionState::default(), "not applied");
    assert_eq!(get(&t, SETTINGS, API_TOKEN).await.status(), 200);
    let statuses: Vec<u16> = t.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 404, 200, 503, 200]);
}

#[tokio::test]
async fn html_error_from_a_proxy() {
    let t = start().await;
    t.inject(Fault::HtmlError {
        code: 502,
        times: 1,
        method: None,
        path_prefix: None,
    });
    let r = get(&t, SETTINGS, API_TOKEN).await;
    assert_eq!(r.status(), 502);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.headers().contains_key("x-ratelimit-limit"));
    assert!(r.text().await.unwrap().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn drop_connection_sends_nothing_and_applies_nothing() {
    let t = start().await;
    t.inject(Fault::DropConnection {
        times: 1,
        method: None,
        path_prefix: None,
    });
    let r = client()
        .patch(format!("{}{SETTINGS}", t.url()))
        .bearer_auth(API_TOKEN)
        .body(r#"{"session_lifetime":5}"#)
        .send()
        .await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(t.stored_minutes(), SessionState::default());
    assert_eq!(t.requests()[0].status, 0);
    assert_eq!(
        patch(&t, r#"{"session_lifetime":5}"#, API_TOKEN)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn malformed_body_is_not_json_and_applies_nothing() {
    let t = start().await;
    t.inject(Fault::MalformedBody {
        times: 1,
        method: Some("PATCH".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let r = patch(&t, r#"{"session_lifetime":5}"#, API_TOKEN).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(t.stored_minutes(), SessionState::default());
}

#[tokio::test]
async fn apply_then_drop_applies_patches_only() {
    let t = start().await;
    t.inject(Fault::ApplyThenDrop { times: 1 });
    assert_eq!(
        get(&t, SETTINGS, API_TOKEN).await.status(),
        200,
        "GET is not a match"
    );
    let r = client()
        .patch(format!("{}{SETTINGS}", t.url()))
        .bearer_auth(API_TOKEN)
        .body(r#"{"session_lifetime":5}"#)
        .send()
        .await;
    assert!(r.is_err());
    assert_eq!(
        t.stored_minutes().session_lifetime,
        300,
        "applied before the drop"
    );
    assert_eq!(t.requests()[1].status, 0);
}

#[tokio::test]
async fn clear_faults() {
    let t = start().await;
    t.inject(any_request_status(500, 10));
    t.clear_faults();
    assert_eq!(get(&t, SETTINGS, API_TOKEN).await.status(), 200);
}

#[tokio::test]
async fn control_api() {
    let t = start().await;
    let c = client();
    let ctl = |p: &str| format!("{}/__control/{p}", t.url());
    let r = c
        .post(ctl("faults"))
        .body(r#"{"kind":"status","code":429,"times":1,"retry_after":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = c
        .post(ctl("faults"))
        .body(r#"[{"kind":"latency","millis":1,"times":1000000}]"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        c.post(ctl("faults"))
            .body(r#"{"kind":"nope"}"#)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(get(&t, SETTINGS, API_TOKEN).await.status(), 429);
    assert_eq!(get(&t, SETTINGS, API_TOKEN).await.status(), 200);
    assert_eq!(c.delete(ctl("faults")).send().await.unwrap().status(), 204);

    let log: Value = c
        .get(ctl("requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "control requests are not logged");
    assert_eq!(log[0]["status"], 429);
    assert_eq!(log[1]["path"], SETTINGS);
    assert_eq!(
        c.delete(ctl("requests")).send().await.unwrap().status(),
        204
    );
    assert!(t.requests().is_empty());

    let state = json!({"session_lifetime":90,"idle_session_lifetime":60,"ephemeral_session_lifetime":4320,
        "idle_ephemeral_session_lifetime":1440,"cookie_mode":"persistent"});
    assert_eq!(
        c.put(ctl("state"))
            .json(&state)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let got: Value = c
        .get(ctl("state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, state);
    assert_eq!(t.stored_minutes().session_lifetime, 90);

    let tok = client_credentials_token(&t).await;
    assert_eq!(
        c.post(ctl("expire-tokens")).send().await.unwrap().status(),
        204
    );
    assert_eq!(get(&t, SETTINGS, &tok).await.status(), 401);
    assert_eq!(c.get(ctl("nothing")).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn control_routes_bypass_rate_limit_and_faults() {
    let cfg = local_tenant::TenantConfig {
        rate_limit_capacity: 1,
        rate_limit_refill_per_sec: 0,
        ..Default::default()
    };
    let t = local_tenant::LocalTenant::start(cfg).await.unwrap();
    t.inject(Fault::DropConnection {
        times: 100,
        method: None,
        path_prefix: None,
    });
    for _ in 0..3 {
        let r = client()
            .get(format!("{}/__control/state", t.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(!r.headers().contains_key("x-ratelimit-limit"));
    }
}
