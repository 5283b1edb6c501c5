//! Shared helpers for the HTTP-level tests.
#![allow(dead_code)]

use local_tenant::{LocalTenant, TenantConfig};
use reqwest::{Client, Response};
use serde_json::Value;

pub const SETTINGS: &str = "/api/v2/tenants/settings";
pub const TOKEN: &str = "/oauth/token";
pub const API_TOKEN: &str = "local-api-token";

pub async fn start() -> LocalTenant {
    LocalTenant::start(TenantConfig::default()).await.unwrap()
}

/// No pooling: fault tests drop connections and must not see stale pooled ones.
pub fn client() -> Client {
    Client::builder().pool_max_idle_per_host(0).build().unwrap()
}

pub async fn get(t: &LocalTenant, path_and_query: &str, token: &str) -> Response {
    client()
        .get(format!("{}{path_and_query}", t.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

pub async fn patch(t: &LocalTenant, body: &str, token: &str) -> Response {
    client()
        .patch(format!("{}{SETTINGS}", t.url()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

pub async fn token_form(t: &LocalTenant, form: &[(&str, &str)]) -> Response {
    let body: Vec<String> = form
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    client()
        .post(format!("{}{TOKEN}", t.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.join("&"))
        .send()
        .await
        .unwrap()
}

/// Percent-encode a form value (enough for URLs and JWTs).
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn audience(t: &LocalTenant) -> String {
    format!("{}/api/v2/", t.url())
}

pub async fn client_credentials_token(t: &LocalTenant) -> String {
    let aud = audience(t);
    let r = token_form(
        t,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "local-client-id"),
            ("client_secret", "local-client-secret"),
            ("audience", &aud),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

pub async fn json(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}
