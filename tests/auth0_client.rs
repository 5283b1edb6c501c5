//! The Auth0 client against the local test tenant (`local_tenant`), which listens on
//! 127.0.0.1 only. Retry bounds are tiny so failure paths finish in well under a second.
#![forbid(unsafe_code)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use local_tenant::{Fault, LocalTenant, SessionState, TenantConfig};
use tfauth0::auth0::{
    ApiErrorKind, Client, ClientConfig, CookieMode, Credentials, Lifetime, Minutes, ProxyEnv,
    RetryPolicy, Secret, SessionSettings, SessionUpdate, SigningAlg,
};
use tfauth0::provider::provider_config::SettingNames;

const SETTINGS: &str = "/api/v2/tenants/settings";
const TOKEN: &str = "/oauth/token";
const CLIENT_ID: &str = "local-client-id";
const CLIENT_SECRET: &str = "local-client-secret";
const API_TOKEN: &str = "local-api-token";

/// `times` answers with HTTP `code` (Auth0's error JSON) to GET /api/v2/tenants/settings.
fn settings_get_status(code: u16, times: u32) -> Fault {
    Fault::Status {
        code,
        times,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
        retry_after: None,
        reset_in_secs: None,
    }
}

/// `times` 429s to GET /api/v2/tenants/settings, each asking to wait `retry_after` seconds.
fn settings_get_rate_limited(times: u32, retry_after: u64) -> Fault {
    Fault::Status {
        code: 429,
        times,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
        retry_after: Some(retry_after),
        reset_in_secs: None,
    }
}

/// `times` GET /api/v2/tenants/settings closed without an answer.
fn settings_get_dropped(times: u32) -> Fault {
    Fault::DropConnection {
        times,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
    }
}

/// The statuses the tenant answered `method path` with, in arrival order (0: no answer).
fn statuses(t: &LocalTenant, method: &str, path: &str) -> Vec<u16> {
    t.requests()
        .into_iter()
        .filter(|r| r.method == method && r.path == path)
        .map(|r| r.status)
        .collect()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        max_total_wait: Duration::from_secs(2),
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
    }
}

fn config(t: &LocalTenant, credentials: Credentials) -> ClientConfig {
    let mut cfg = ClientConfig::new(t.url(), credentials);
    cfg.retry = fast_retry();
    cfg.request_timeout = Duration::from_secs(5);
    cfg
}

fn secret_creds() -> Credentials {
    Credentials::ClientSecret {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
    }
}

fn secret_client(t: &LocalTenant) -> Client {
    Client::new(config(t, secret_creds())).unwrap()
}

fn token_client(t: &LocalTenant, token: &str) -> Client {
    Client::new(config(t, Credentials::ApiToken(Secret::new(token)))).unwrap()
}

fn key_creds(pem: &str, alg: SigningAlg) -> Credentials {
    Credentials::PrivateKeyJwt {
        client_id: CLIENT_ID.into(),
        private_key_pem: Secret::new(pem),
        signing_alg: alg,
    }
}

async fn start() -> LocalTenant {
    LocalTenant::start(TenantConfig::default()).await.unwrap()
}

/// An update of one lifetime.
fn one(l: Lifetime, m: Minutes) -> SessionUpdate {
    let mut u = SessionUpdate::default();
    u.set_lifetime(l, m);
    u
}

fn minutes(s: &SessionSettings) -> [u32; 4] {
    s.lifetimes.values().map(|m| m.0)
}

fn settings_calls(t: &LocalTenant) -> Vec<local_tenant::LoggedRequest> {
    t.requests()
        .into_iter()
        .filter(|r| r.path == SETTINGS)
        .collect()
}

// ---------------------------------------------------------------- credential modes

#[tokio::test]
async fn api_token_reads_defaults_with_one_get_and_no_token_request() {
    let t = start().await;
    let c = token_client(&t, API_TOKEN);
    let s = c.read_session_settings().await.unwrap();
    assert_eq!(s, SessionSettings::default());
    assert_eq!(minutes(&s), [10080, 4320, 4320, 1440]);
    assert_eq!(t.count("GET", SETTINGS), 1);
    assert_eq!(t.count("POST", TOKEN), 0);
    assert_eq!(c.token_requests(), 0);
    let get = &settings_calls(&t)[0];
    assert_eq!(
        get.query,
        "fields=session_lifetime,idle_session_lifetime,ephemeral_session_lifetime,\
         idle_ephemeral_session_lifetime,session_cookie&include_fields=true"
    );
    t.shutdown().await;
}

#[tokio::test]
async fn client_secret_token_is_fetched_lazily_and_reused() {
    let t = start().await;
    let c = secret_client(&t);
    assert_eq!(
        t.count("POST", TOKEN),
        0,
        "Client::new must not fetch a token"
    );
    for _ in 0..5 {
        c.read_session_settings().await.unwrap();
    }
    // Clones share the token, also when they ask at the same moment.
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.read_session_settings().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(t.count("POST", TOKEN), 1);
    assert_eq!(c.token_requests(), 1);
    assert_eq!(t.count("GET", SETTINGS), 11);
    t.shutdown().await;
}

#[tokio::test]
async fn concurrent_first_calls_share_one_token_fetch() {
    let t = start().await;
    let c = secret_client(&t);
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.read_session_settings().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(t.count("POST", TOKEN), 1);
    t.shutdown().await;
}

#[tokio::test]
async fn private_key_jwt_with_each_algorithm() {
    let pem = common::rsa_key_pem();
    for alg in [SigningAlg::RS256, SigningAlg::RS384, SigningAlg::PS256] {
        let t = start().await;
        let c = Client::new(config(&t, key_creds(&pem, alg))).unwrap();
        let s = c.read_session_settings().await.unwrap();
        assert_eq!(s, SessionSettings::default());
        let token_req = t
            .requests()
            .into_iter()
            .find(|r| r.path == TOKEN)
            .expect("a token request");
        let body = token_req.body.clone();
        assert!(body.contains("grant_type=client_credentials"), "{body}");
        assert!(
            body.contains(
                "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
            ),
            "{body}"
        );
        assert!(!body.contains("client_secret"), "{body}");
        // The assertion header names the algorithm.
        let assertion = form_value(&body, "client_assertion").unwrap();
        let header = assertion.split('.').next().unwrap();
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap();
        let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
        assert_eq!(header["alg"], alg.as_str());
        t.shutdown().await;
    }
}

fn form_value(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| {
            v.replace("%2E", ".")
                .replace("%2D", "-")
                .replace("%5F", "_")
        })
    })
}

// ---------------------------------------------------------------- reads and updates

#[tokio::test]
async fn update_sends_one_patch_and_returns_the_new_truth() {
    let t = start().await;
    let c = token_client(&t, API_TOKEN);
    let mut update = SessionUpdate {
        cookie_mode: Some(CookieMode::NonPersistent),
        ..Default::default()
    };
    update.set_lifetime(Lifetime::Session, Minutes(181));
    update.set_lifetime(Lifetime::IdleSession, Minutes(48 * 60));
    update.set_lifetime(Lifetime::IdleEphemeralSession, Minutes(15));
    let s = c.update_session_settings(&update).await.unwrap();
    assert_eq!(minutes(&s), [181, 48 * 60, 72 * 60, 15]);
    assert_eq!(s.cookie_mode, CookieMode::NonPersistent);
    assert_eq!(t.count("PATCH", SETTINGS), 1);
    assert_eq!(t.count("GET", SETTINGS), 0);
    let body: serde_json::Value = serde_json::from_str(&settings_calls(&t)[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "session_lifetime_in_minutes": 181,
            "idle_session_lifetime": 48,
            "idle_ephemeral_session_lifetime_in_minutes": 15,
            "session_cookie": {"mode": "non-persistent"}
        })
    );
    let stored = t.stored_minutes();
    assert_eq!(stored.session_lifetime, 181);
    assert_eq!(stored.idle_ephemeral_session_lifetime, 15);
    // And a later read agrees, with no drift.
    assert_eq!(c.read_session_settings().await.unwrap(), s);
    t.shutdown().await;
}

#[tokio::test]
async fn read_converts_fractional_hours() {
    let t = start().await;
    t.set_state(SessionState {
        session_lifetime: 181,
        idle_session_lifetime: 90,
        ephemeral_session_lifetime: 60,
        idle_ephemeral_session_lifetime: 15,
        cookie_mode: Some("non-persistent".into()),
    });
    let s = token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap();
    assert_eq!(minutes(&s), [181, 90, 60, 15]);
    assert_eq!(s.cookie_mode, CookieMode::NonPersistent);
    t.shutdown().await;
}

// ---------------------------------------------------------------- tokens and 401

/// README "Failure behaviour": 401/403.
#[tokio::test]
async fn expired_token_is_refreshed_once() {
    let t = start().await;
    let c = secret_client(&t);
    c.read_session_settings().await.unwrap();
    t.expire_all_tokens();
    c.read_session_settings().await.unwrap();
    assert_eq!(t.count("POST", TOKEN), 2);
    assert_eq!(c.token_requests(), 2);
    // One good GET, one rejected GET, one GET with the new token.
    assert_eq!(t.count("GET", SETTINGS), 3);
    c.read_session_settings().await.unwrap();
    assert_eq!(t.count("POST", TOKEN), 2);
    t.shutdown().await;
}

#[tokio::test]
async fn short_lived_tokens_are_refreshed_before_expiry() {
    let t = LocalTenant::start(TenantConfig {
        token_ttl_secs: 2,
        ..TenantConfig::default()
    })
    .await
    .unwrap();
    let c = secret_client(&t);
    c.read_session_settings().await.unwrap();
    // 10% of 2 s: the token is replaced after 1.8 s, before the tenant would reject it.
    tokio::time::sleep(Duration::from_millis(1900)).await;
    c.read_session_settings().await.unwrap();
    assert_eq!(t.count("POST", TOKEN), 2);
    assert_eq!(t.count("GET", SETTINGS), 2, "no 401 round trip");
    t.shutdown().await;
}

#[tokio::test]
async fn static_token_401_says_to_use_client_credentials() {
    let t = start().await;
    let c = token_client(&t, "not-a-valid-token");
    let e = c.read_session_settings().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Unauthorized);
    assert_eq!(e.status, Some(401));
    let text = e.text(&SettingNames);
    assert!(
        text.contains("api_token is expired or invalid; use client credentials"),
        "{text}"
    );
    assert_eq!(t.count("GET", SETTINGS), 1, "a static token is not retried");
    t.shutdown().await;
}

/// README "Failure behaviour": 401/403.
#[tokio::test]
async fn second_401_after_refresh_is_an_error() {
    let t = start().await;
    let c = secret_client(&t);
    t.inject(settings_get_status(401, 2));
    let e = c.read_session_settings().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Unauthorized);
    assert!(
        e.to_string()
            .contains("the token was refreshed and still rejected"),
        "{e}"
    );
    assert_eq!(statuses(&t, "POST", TOKEN), [200, 200]);
    assert_eq!(statuses(&t, "GET", SETTINGS), [401, 401]);
    t.shutdown().await;
}

#[tokio::test]
async fn wrong_client_secret_is_a_token_endpoint_error() {
    let t = start().await;
    let c = Client::new(config(
        &t,
        Credentials::ClientSecret {
            client_id: CLIENT_ID.into(),
            client_secret: Secret::new("wrong-secret"),
        },
    ))
    .unwrap();
    let e = c.read_session_settings().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::TokenEndpoint);
    assert_eq!(e.path, TOKEN);
    assert!(e.error_code.is_some(), "{e:?}");
    let text = e.text(&SettingNames);
    assert_eq!(
        text,
        format!(
            "Auth0 refused the access token request POST /oauth/token (401 invalid_client): \
             Unauthorized. Check client_id/client_secret (AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET): \
             Auth0 did not accept them for the application {CLIENT_ID}."
        )
    );
    assert_eq!(t.count("GET", SETTINGS), 0);
    t.shutdown().await;
}

// ---------------------------------------------------------------- API errors

/// README "Failure behaviour": 401/403.
#[tokio::test]
async fn missing_scope_is_forbidden_with_the_scope_to_grant() {
    let t = LocalTenant::start(TenantConfig {
        scopes: vec!["read:tenant_settings".into()],
        ..TenantConfig::default()
    })
    .await
    .unwrap();
    let c = secret_client(&t);
    let e = c
        .update_session_settings(&one(Lifetime::Session, Minutes(600)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Forbidden);
    assert_eq!(e.status, Some(403));
    assert_eq!(e.error_code.as_deref(), Some("insufficient_scope"));
    assert_eq!(
        e.to_string(),
        format!(
            "Auth0 refused PATCH /api/v2/tenants/settings (403 insufficient_scope): Insufficient \
             scope, expected any of: update:tenant_settings. Grant the scope \
             update:tenant_settings to the application {CLIENT_ID} in the Auth0 dashboard (APIs \
             > Auth0 Management API > Machine to Machine Applications)."
        )
    );
    assert_eq!(t.count("PATCH", SETTINGS), 1, "403 is not retried");
    t.shutdown().await;
}

#[tokio::test]
async fn rejected_value_is_a_bad_request_with_auth0_message() {
    let t = start().await;
    let c = token_client(&t, API_TOKEN);
    let e = c
        .update_session_settings(&one(Lifetime::Session, Minutes(20160 * 60)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::BadRequest);
    assert_eq!(e.status, Some(400));
    assert!(
        e.message.contains(
            "Payload validation error: 'Value 20160 is greater than maximum 8760' on property \
             session_lifetime"
        ),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.starts_with(
            "Auth0 refused PATCH /api/v2/tenants/settings (400 invalid_body): Payload validation \
             error: 'Value 20160 is greater than maximum 8760'"
        ),
        "{text}"
    );
    assert!(text.contains("Use a smaller value"), "{text}");
    assert_eq!(t.count("PATCH", SETTINGS), 1, "400 is not retried");
    t.shutdown().await;
}

#[tokio::test]
async fn not_found_points_at_the_domain() {
    let t = start().await;
    t.inject(settings_get_status(404, 1));
    let e = token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::NotFound);
    assert!(
        e.to_string()
            .contains("custom domains do not serve the Management API"),
        "{e}"
    );
    assert_eq!(statuses(&t, "GET", SETTINGS), [404]);
    t.shutdown().await;
}

// ---------------------------------------------------------------- rate limits and retries

/// README "Failure behaviour": Rate limits.
#[tokio::test]
async fn rate_limit_storm_fails_fast_within_the_bound() {
    let t = start().await;
    t.inject(settings_get_rate_limited(1000, 30));
    let c = token_client(&t, API_TOKEN);
    let started = Instant::now();
    let e = c.read_session_settings().await.unwrap_err();
    // It did not wait the 30 s asked (a generous bound: a busy machine may be slow); the
    // log below shows it did not retry either.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.kind, ApiErrorKind::RateLimited);
    assert_eq!(e.status, Some(429));
    let text = e.to_string();
    assert!(
        text.starts_with(
            "Auth0 rate-limited GET /api/v2/tenants/settings (429 too_many_requests): Auth0 \
             asked to wait 30 s before the next request, more than the 2 s left of the retry \
             budget (max_total_wait 2 s, 1 attempt in "
        ) && text.ends_with(
            "so far). Wait a minute and run again, lower terraform -parallelism, or check \
             what else uses this tenant's Management API quota."
        ),
        "{text}"
    );
    assert_eq!(statuses(&t, "GET", SETTINGS), [429]);
    t.shutdown().await;
}

/// README "Failure behaviour": Rate limits.
#[tokio::test]
async fn rate_limit_storm_with_short_resets_stops_within_the_bound() {
    let t = start().await;
    // The tenant sends x-ratelimit-reset one second ahead: the client waits it out until
    // the next wait no longer fits in max_total_wait (2 s) or max_attempts (4) is reached.
    t.inject(settings_get_status(429, 1000));
    let c = token_client(&t, API_TOKEN);
    let started = Instant::now();
    let e = c.read_session_settings().await.unwrap_err();
    // Stopped by the budget, not by 1000 one-second waits (a generous bound: what stopped
    // it is the message and the attempt count below).
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(e.kind, ApiErrorKind::RateLimited);
    assert!(e.to_string().contains("max_total_wait 2 s"), "{e}");
    // How many attempts fit depends on where in the second the storm began.
    let answers = statuses(&t, "GET", SETTINGS);
    assert!(
        (2..=4).contains(&answers.len()) && answers.iter().all(|&s| s == 429),
        "{answers:?}"
    );
    t.shutdown().await;
}

/// README "Failure behaviour": Rate limits.
#[tokio::test]
async fn rate_limit_storm_stops_after_max_attempts() {
    let t = start().await;
    t.inject(settings_get_rate_limited(1000, 0));
    let c = token_client(&t, API_TOKEN);
    let e = c.read_session_settings().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::RateLimited);
    assert!(
        e.to_string()
            .contains("still rate-limited after 4 attempts"),
        "{e}"
    );
    assert_eq!(statuses(&t, "GET", SETTINGS), [429; 4]);
    t.shutdown().await;
}

/// README "Failure behaviour": Rate limits.
#[tokio::test]
async fn short_rate_limit_is_waited_out() {
    let t = start().await;
    t.inject(settings_get_rate_limited(1, 1));
    let c = token_client(&t, API_TOKEN);
    let started = Instant::now();
    c.read_session_settings().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(statuses(&t, "GET", SETTINGS), [429, 200]);
    t.shutdown().await;
}

#[tokio::test]
async fn rate_limit_reset_header_is_honoured() {
    let t = start().await;
    t.inject(Fault::Status {
        code: 429,
        times: 1,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
        retry_after: None,
        reset_in_secs: Some(60),
    });
    let e = token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::RateLimited);
    assert!(e.to_string().contains("asked to wait"), "{e}");
    assert_eq!(statuses(&t, "GET", SETTINGS), [429]);
    t.shutdown().await;
}

/// README "Failure behaviour": 5xx, timeouts, dropped connections.
#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    let t = start().await;
    t.inject(settings_get_status(503, 2));
    let c = secret_client(&t);
    c.read_session_settings().await.unwrap();
    assert_eq!(statuses(&t, "GET", SETTINGS), [503, 503, 200]);
    t.shutdown().await;
}

/// README "Failure behaviour": 5xx, timeouts, dropped connections.
#[tokio::test]
async fn mixed_failures_are_retried_within_one_budget() {
    let t = start().await;
    t.inject(settings_get_rate_limited(1, 0));
    t.inject(settings_get_status(503, 1));
    t.inject(settings_get_dropped(1));
    // max_attempts is 4: the fourth attempt is the last one allowed, and it succeeds.
    let s = token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap();
    assert_eq!(s, SessionSettings::default());
    assert_eq!(statuses(&t, "GET", SETTINGS), [429, 503, 0, 200]);
    t.shutdown().await;
}

/// README "Failure behaviour": 5xx, timeouts, dropped connections.
#[tokio::test]
async fn server_errors_exhaust_the_attempts() {
    let t = start().await;
    t.inject(settings_get_status(500, 1000));
    let e = token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Server);
    assert_eq!(e.status, Some(500));
    assert!(
        e.message
            .starts_with("Internal Server Error (gave up after 4 attempts in"),
        "{e}"
    );
    assert_eq!(statuses(&t, "GET", SETTINGS), [500; 4]);
    t.shutdown().await;
}

#[tokio::test]
async fn token_endpoint_server_errors_are_retried() {
    let t = start().await;
    t.inject(Fault::Status {
        code: 502,
        times: 1,
        method: Some("POST".into()),
        path_prefix: Some(TOKEN.into()),
        retry_after: None,
        reset_in_secs: None,
    });
    let c = secret_client(&t);
    c.read_session_settings().await.unwrap();
    assert_eq!(c.token_requests(), 2);
    assert_eq!(statuses(&t, "POST", TOKEN), [502, 200]);
    t.shutdown().await;
}

/// README "Failure behaviour": 5xx, timeouts, dropped connections.
#[tokio::test]
async fn html_error_page_is_quoted_briefly() {
    let t = start().await;
    t.inject(Fault::HtmlError {
        code: 502,
        times: 1000,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let e = token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Server);
    assert!(
        e.message.contains("\"<html> <head><title>502 Bad Gateway"),
        "{e}"
    );
    assert!(e.message.contains("gave up after 4 attempts"), "{e}");
    assert!(e.message.len() < 400, "{e}");
    assert_eq!(statuses(&t, "GET", SETTINGS), [502; 4]);
    t.shutdown().await;
}

/// README "Failure behaviour", 5xx and unreadable answers: a complete answer that cannot
/// be read is reported at once, not retried (whatever sent it would send it again).
#[tokio::test]
async fn unreadable_answer_to_a_read_is_reported_not_retried() {
    let t = start().await;
    // Two queued: a retry would meet the second and the log would show [200, 200].
    t.inject(Fault::MalformedBody {
        times: 2,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let e = token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::InvalidResponse);
    let text = e.to_string();
    assert!(
        text.starts_with(
            "Auth0 sent an unreadable answer to GET /api/v2/tenants/settings (200): expected \
             JSON tenant settings but the body is not valid JSON"
        ) && text.contains("it starts with \"{\"allowed_logout_urls\":[],")
            && text.ends_with("if it does, run again later."),
        "{text}"
    );
    assert_eq!(
        statuses(&t, "GET", SETTINGS),
        [200],
        "an unreadable 200 is not retried"
    );
    // Positive control: the same client reads once the fault is gone.
    t.clear_faults();
    token_client(&t, API_TOKEN)
        .read_session_settings()
        .await
        .unwrap();
    t.shutdown().await;
}

/// README "Failure behaviour", 5xx and unreadable answers: an unreadable answer to the
/// PATCH is not retried either, and the error says the change may have been applied.
#[tokio::test]
async fn unreadable_answer_to_a_write_is_reported_not_retried() {
    let t = start().await;
    t.inject(Fault::MalformedBody {
        times: 2,
        method: Some("PATCH".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let e = token_client(&t, API_TOKEN)
        .update_session_settings(&one(Lifetime::Session, Minutes(600)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::InvalidResponse);
    assert_eq!(e.status, Some(200));
    let text = e.to_string();
    assert!(
        text.starts_with("Auth0 sent an unreadable answer to PATCH /api/v2/tenants/settings (200)")
            && text.contains(
                "The change may have been applied: the next plan reads the tenant and shows \
                 what it holds."
            ),
        "{text}"
    );
    assert_eq!(
        statuses(&t, "PATCH", SETTINGS),
        [200],
        "an unreadable 200 is not retried"
    );
    t.shutdown().await;
}

/// README "Failure behaviour": 5xx, timeouts, dropped connections.
#[tokio::test]
async fn slow_answers_time_out_and_are_retried() {
    let t = start().await;
    let mut cfg = config(&t, Credentials::ApiToken(Secret::new(API_TOKEN)));
    cfg.request_timeout = Duration::from_millis(150);
    let c = Client::new(cfg).unwrap();
    t.inject(Fault::Latency {
        millis: 1000,
        times: 1,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    c.read_session_settings().await.unwrap();
    t.clear_faults();
    // Each answer would take 100 s: a call that ends within the bound below gave up on
    // them (four attempts of 150 ms plus backoff take well under a second when idle).
    t.inject(Fault::Latency {
        millis: 100_000,
        times: 1000,
        method: Some("GET".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let started = Instant::now();
    let e = c.read_session_settings().await.unwrap_err();
    let spent = started.elapsed();
    assert!(spent < Duration::from_secs(60), "{spent:?}");
    assert_eq!(e.kind, ApiErrorKind::Timeout);
    let text = e.to_string();
    assert!(
        text.contains("each attempt given 150 ms (request_timeout)"),
        "{text}"
    );
    // The message reports the time really spent: every attempt's timeout plus the waits
    // between them, not the waits alone.
    let (attempts, rest) = text
        .split_once(" attempts in ")
        .map(|(a, r)| (a.rsplit(' ').next().unwrap(), r))
        .expect("N attempts in T");
    let attempts: u32 = attempts.parse().unwrap();
    let reported_ms: u64 = rest.split_once(" ms").unwrap().0.parse().unwrap();
    assert!(attempts > 1, "{text}");
    assert!(
        reported_ms >= u64::from(attempts) * 150 && reported_ms <= spent.as_millis() as u64,
        "{text} (took {spent:?})"
    );
    t.shutdown().await;
}

/// README "Failure behaviour": 5xx, timeouts, dropped connections.
#[tokio::test]
async fn dropped_connections_are_retried_then_reported() {
    let t = start().await;
    let c = token_client(&t, API_TOKEN);
    t.inject(settings_get_dropped(1));
    c.read_session_settings().await.unwrap();
    assert_eq!(statuses(&t, "GET", SETTINGS), [0, 200]);
    t.inject(settings_get_dropped(1000));
    let e = c.read_session_settings().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Connection);
    assert!(e.to_string().contains("127.0.0.1"), "{e}");
    assert_eq!(statuses(&t, "GET", SETTINGS), [0, 200, 0, 0, 0, 0]);
    t.shutdown().await;
}

/// README "Failure behaviour": Nothing is half-applied.
#[tokio::test]
async fn lost_patch_answer_is_retried_safely() {
    let t = start().await;
    let c = token_client(&t, API_TOKEN);
    t.inject(Fault::ApplyThenDrop { times: 1 });
    let s = c
        .update_session_settings(&one(Lifetime::IdleSession, Minutes(90)))
        .await
        .unwrap();
    assert_eq!(s.lifetime(Lifetime::IdleSession), Minutes(90));
    assert_eq!(statuses(&t, "PATCH", SETTINGS), [0, 200]);
    assert_eq!(t.stored_minutes().idle_session_lifetime, 90);
    t.shutdown().await;
}

#[tokio::test]
async fn refused_connection_names_the_host() {
    let t = start().await;
    let url = t.url();
    t.shutdown().await;
    let mut cfg = ClientConfig::new(url, Credentials::ApiToken(Secret::new(API_TOKEN)));
    cfg.retry = fast_retry();
    let e = Client::new(cfg)
        .unwrap()
        .read_session_settings()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Connection);
    let text = e.to_string();
    assert!(text.contains("127.0.0.1"), "{text}");
    assert!(text.contains("refused"), "{text}");
}

#[tokio::test]
async fn unresolvable_host_is_a_connection_error() {
    let mut cfg = ClientConfig::new(
        "https://tenant.example.invalid",
        Credentials::ApiToken(Secret::new(API_TOKEN)),
    );
    // A remote host: the developer's HTTPS_PROXY would otherwise decide what fails.
    cfg.proxy_env = ProxyEnv::default();
    cfg.retry = RetryPolicy {
        max_attempts: 1,
        ..fast_retry()
    };
    let e = Client::new(cfg)
        .unwrap()
        .read_session_settings()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Connection);
    assert!(e.to_string().contains("tenant.example.invalid"), "{e}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let e = Client::new(ClientConfig::new(
        "http://example.invalid",
        Credentials::ApiToken(Secret::new(API_TOKEN)),
    ))
    .unwrap_err();
    assert_eq!(e.field, Some(tfauth0::auth0::Field::Domain));
    assert!(e.to_string().contains("http://example.invalid"), "{e}");
}

// ---------------------------------------------------------------- secrets stay out of logs

/// Collects every event and span field, formatted, at every level, from the thread that
/// runs the client (the tenant's own threads are not the subject of this test).
#[derive(Clone)]
struct Capture {
    out: Arc<Mutex<String>>,
    thread: std::thread::ThreadId,
}

impl Capture {
    fn push(&self, line: String) {
        if std::thread::current().id() == self.thread {
            let mut out = self.out.lock().unwrap();
            out.push_str(&line);
            out.push('\n');
        }
    }
}

struct Visitor<'a>(&'a mut String);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut line = format!("{} {}", event.metadata().level(), event.metadata().target());
        event.record(&mut Visitor(&mut line));
        self.push(line);
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut line = format!("span {}", attrs.metadata().name());
        attrs.record(&mut Visitor(&mut line));
        self.push(line);
    }

    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut line = String::from("record");
        values.record(&mut Visitor(&mut line));
        self.push(line);
    }
}

fn bearer_tokens(t: &LocalTenant) -> Vec<String> {
    t.requests()
        .iter()
        .flat_map(|r| r.headers.iter())
        .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .filter_map(|(_, v)| v.strip_prefix("Bearer ").map(str::to_string))
        .collect()
}

const CAPTURE_CHILD: &str = "TFAUTH0_TEST_LOG_CAPTURE_CHILD";

/// Runs in a child process of this test binary, alone: a process-wide subscriber then sees
/// every callsite reliably (a thread-scoped one misses callsites that other tests' threads
/// register concurrently).
/// README "Failure behaviour": Secrets are never printed.
#[test]
fn no_secret_reaches_the_logs() {
    if std::env::var_os(CAPTURE_CHILD).is_some() {
        return capture_all_modes();
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "no_secret_reaches_the_logs",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CAPTURE_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
}

fn capture_all_modes() {
    use tracing_subscriber::layer::SubscriberExt;

    // The tenant runs on its own runtime and thread, so only the client's side is captured.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let t = server_rt.block_on(start());

    let capture = Capture {
        out: Arc::default(),
        thread: std::thread::current().id(),
    };
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pem = common::rsa_key_pem();
    let mut errors = Vec::new();
    rt.block_on(async {
        for creds in [
            Credentials::ApiToken(Secret::new(API_TOKEN)),
            secret_creds(),
            key_creds(&pem, SigningAlg::RS256),
            key_creds(&pem, SigningAlg::PS256),
        ] {
            let c = Client::new(config(&t, creds.clone())).unwrap();
            c.read_session_settings().await.unwrap();
            c.update_session_settings(&one(Lifetime::Session, Minutes(181)))
                .await
                .unwrap();
            t.expire_all_tokens();
            let _ = c.read_session_settings().await;
            t.inject(settings_get_status(401, 2));
            errors.push(c.read_session_settings().await.unwrap_err().to_string());
            t.clear_faults();
            errors.push(format!("{creds:?}"));
        }
        // A refused secret and a token endpoint failure must not echo the secret either.
        let c = Client::new(config(
            &t,
            Credentials::ClientSecret {
                client_id: CLIENT_ID.into(),
                client_secret: Secret::new("wrong-secret-value"),
            },
        ))
        .unwrap();
        errors.push(c.read_session_settings().await.unwrap_err().to_string());
    });

    let mut secrets: Vec<String> = vec![
        CLIENT_SECRET.into(),
        API_TOKEN.into(),
        "wrong-secret-value".into(),
    ];
    secrets.extend(bearer_tokens(&t));
    // Every line of the key body, and each client assertion that was sent.
    secrets.extend(
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .map(str::to_string),
    );
    for r in t.requests().iter().filter(|r| r.path == TOKEN) {
        if let Some(a) = form_value(&r.body, "client_assertion") {
            secrets.push(a.split('.').nth(2).unwrap_or_default().to_string());
        }
    }
    assert!(secrets.len() > 10, "collected {} secrets", secrets.len());

    let logs = capture.out.lock().unwrap().clone();
    assert!(logs.contains("auth0 api call"), "nothing captured:\n{logs}");
    // Terraform shows the target as `@module`: every request line keeps `auth0.client`.
    for line in logs.lines().filter(|l| l.contains("auth0 api")) {
        assert!(
            line.starts_with("DEBUG tfauth0::auth0::client ")
                || line.starts_with("TRACE tfauth0::auth0::client "),
            "{line}"
        );
    }
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("ratelimit_remaining"), "{logs}");
    let everything = format!("{logs}\n{}", errors.join("\n"));
    for s in secrets.iter().filter(|s| s.len() >= 8) {
        assert!(
            !everything.contains(s.as_str()),
            "secret {}… leaked into logs or errors",
            &s[..4]
        );
    }
    server_rt.block_on(t.shutdown());
}
