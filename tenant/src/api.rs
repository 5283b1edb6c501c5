//! The Auth0 routes: `POST /oauth/token` and GET/PATCH `/api/v2/tenants/settings`, with
//! the Management API and Authentication API error shapes.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode};
use serde_json::{json, Value};

use crate::faults::SETTINGS_PATH;
use crate::server::{json_response, Shared};
use crate::state::narrow;
use crate::tokens::{check_assertion, parse_form, unix_now, TokenError, ASSERTION_TYPE};
use crate::validation::validate_patch;
use crate::{READ_SCOPE, UPDATE_SCOPE};

pub(crate) const TOKEN_PATH: &str = "/oauth/token";

/// One API request, body already read.
pub(crate) struct Call {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub(crate) fn route(shared: &Shared, call: &Call) -> Response<Body> {
    match (call.method.as_str(), call.path.as_str()) {
        ("POST", TOKEN_PATH) => token(shared, call),
        ("GET", SETTINGS_PATH) => get_settings(shared, call),
        ("PATCH", SETTINGS_PATH) => patch_settings(shared, call),
        _ => mgmt_error(404, "Not Found", None),
    }
}

/// Management API error: `{"statusCode","error","message"[,"errorCode"]}`.
pub(crate) fn mgmt_error(status: u16, message: &str, error_code: Option<&str>) -> Response<Body> {
    let mut body = json!({ "statusCode": status, "error": reason(status), "message": message });
    if let Some(code) = error_code {
        body["errorCode"] = json!(code);
    }
    json_response(status, &body)
}

/// Authentication API error: `{"error","error_description"}`.
fn oauth_error(status: u16, error: &str, description: &str) -> Response<Body> {
    json_response(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

/// The error Auth0 sends for `status`, in the shape of the API that was called. The
/// Management API's 429 is the body quoted in auth0-deploy-cli issue 33
/// (tests/fixtures/auth0-errors/deploy-cli-33-429.json): no message, no errorCode.
pub(crate) fn error_for_status(status: u16, oauth: bool) -> Response<Body> {
    match (status, oauth) {
        (429, false) => json_response(429, &json!({ "statusCode": 429, "error": reason(429) })),
        (429, true) => oauth_error(429, "too_many_requests", "Global limit has been reached"),
        // The 401 a long-running client meets in practice: its cached token lapsed.
        (401, false) => mgmt_error(401, EXPIRED_TOKEN, None),
        (401, true) => oauth_error(401, "invalid_client", "Unauthorized"),
        (403, true) => oauth_error(403, "access_denied", "Forbidden"),
        (s, true) if s >= 500 => oauth_error(s, "server_error", reason(s)),
        (s, true) => oauth_error(s, "invalid_request", reason(s)),
        (s, false) => mgmt_error(s, reason(s), None),
    }
}

/// The Management API's 401 message for an expired access token (laravel-auth0 issue 455).
const EXPIRED_TOKEN: &str = "Expired token received for JSON Web Token validation";

/// The Management API's 401 for a token it did not issue, with the `attributes` object
/// the body quoted in auth0-drupal issue 130 carries.
fn invalid_token() -> Response<Body> {
    json_response(
        401,
        &json!({
            "statusCode": 401,
            "error": reason(401),
            "message": "Invalid token",
            "attributes": { "error": "Invalid token" },
        }),
    )
}

/// What a proxy in front of the API sends when the backend fails.
pub(crate) fn html_error(status: u16) -> Response<Body> {
    let title = format!("{status} {}", reason(status));
    let html = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
    );
    let mut resp = Response::new(Body::from(html));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("text/html"));
    resp
}

/// A 200 whose JSON body was cut off mid-way.
pub(crate) fn malformed_body() -> Response<Body> {
    json_response(200, &json!(null))
        .map(|_| Body::from("{\"allowed_logout_urls\":[],\"friendly_name\":\"Local Ten"))
}

/// Base URLs this tenant answers as: its own address and the Host the client used, in
/// both schemes (clients derive `https://{domain}/...` audiences from a bare domain).
fn base_urls(shared: &Shared, headers: &HeaderMap) -> Vec<String> {
    let own = shared.base_url.split_once("://").map_or("", |(_, h)| h);
    let mut hosts = vec![own.to_string()];
    if let Some(h) = headers.get("host").and_then(|h| h.to_str().ok()) {
        if !hosts.iter().any(|x| x == h) {
            hosts.push(h.to_string());
        }
    }
    let mut out = Vec::new();
    for scheme in ["http", "https"] {
        for h in &hosts {
            out.push(format!("{scheme}://{h}"));
        }
    }
    out
}

fn token(shared: &Shared, call: &Call) -> Response<Body> {
    let ctype = call
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let params: Vec<(String, String)> = if ctype.starts_with("application/json") {
        match serde_json::from_slice::<Value>(&call.body) {
            Ok(Value::Object(o)) => o
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                .collect(),
            _ => return oauth_error(400, "invalid_request", "Invalid request body"),
        }
    } else {
        parse_form(&String::from_utf8_lossy(&call.body))
    };
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };

    match get("grant_type") {
        None => {
            return oauth_error(
                400,
                "invalid_request",
                "Missing required parameter: grant_type",
            )
        }
        Some("client_credentials") | Some("authorization_code") => {}
        Some(other) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
            )
        }
    }
    let Some(client_id) = get("client_id") else {
        return oauth_error(
            400,
            "invalid_request",
            "Missing required parameter: client_id",
        );
    };
    let bases = base_urls(shared, &call.headers);
    match (get("client_secret"), get("client_assertion")) {
        (Some(_), Some(_)) => {
            return oauth_error(
                400,
                "invalid_request",
                "Only one client authentication method may be used",
            )
        }
        (None, None) => {
            return oauth_error(401, "invalid_client", "Client authentication is required")
        }
        (Some(secret), None) => {
            if client_id != shared.cfg.client_id || secret != shared.cfg.client_secret {
                return oauth_error(401, "invalid_client", "Unauthorized");
            }
        }
        (None, Some(assertion)) => {
            if get("client_assertion_type") != Some(ASSERTION_TYPE) {
                return oauth_error(400, "invalid_request", "Invalid client_assertion_type");
            }
            if client_id != shared.cfg.client_id {
                return oauth_error(401, "invalid_client", "Unauthorized");
            }
            let auds: Vec<String> = bases
                .iter()
                .flat_map(|b| [format!("{b}/"), format!("{b}{TOKEN_PATH}")])
                .collect();
            if let Err(why) = check_assertion(assertion, client_id, &auds, unix_now()) {
                return oauth_error(
                    401,
                    "invalid_client",
                    &format!("Invalid client assertion: {why}"),
                );
            }
        }
    }
    // This tenant never hands out authorization codes, so any code is invalid.
    if get("grant_type") == Some("authorization_code") {
        return oauth_error(403, "invalid_grant", "Invalid authorization code");
    }
    match get("audience") {
        None => oauth_error(
            403,
            "access_denied",
            "No audience parameter was provided, and no default audience has been configured",
        ),
        Some(aud) if bases.iter().any(|b| aud == format!("{b}/api/v2/")) => {
            let cfg = &shared.cfg;
            let access_token = shared
                .tokens
                .lock()
                .unwrap()
                .issue(&cfg.scopes, cfg.token_ttl_secs);
            json_response(
                200,
                &json!({
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": cfg.token_ttl_secs,
                    "scope": cfg.scopes.join(" "),
                }),
            )
        }
        Some(aud) => oauth_error(
            403,
            "access_denied",
            &format!("Service not enabled within domain: {aud}"),
        ),
    }
}

/// The error response when the bearer token is missing, invalid, expired or lacks `scope`.
fn deny(shared: &Shared, headers: &HeaderMap, scope: &str) -> Option<Response<Body>> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .unwrap_or("");
    let tokens = shared.tokens.lock().unwrap();
    match tokens.check(token) {
        Ok(scopes) if scopes.iter().any(|s| s == scope) => None,
        Ok(_) => Some(mgmt_error(
            403,
            &format!("Insufficient scope, expected any of: {scope}"),
            Some("insufficient_scope"),
        )),
        Err(TokenError::Expired) => Some(mgmt_error(401, EXPIRED_TOKEN, None)),
        Err(TokenError::Invalid) => Some(invalid_token()),
    }
}

fn get_settings(shared: &Shared, call: &Call) -> Response<Body> {
    if let Some(resp) = deny(shared, &call.headers, READ_SCOPE) {
        return resp;
    }
    let query = parse_form(&call.query);
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let include = match param("include_fields") {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return mgmt_error(
                400,
                "Query validation error: 'Expected type boolean but found type string' on property include_fields",
                Some("invalid_query_string"),
            )
        }
    };
    let fields: Vec<String> = param("fields")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(String::from)
        .collect();
    let rendered = shared.store.lock().unwrap().render(true);
    json_response(200, &Value::Object(narrow(rendered, &fields, include)))
}

fn patch_settings(shared: &Shared, call: &Call) -> Response<Body> {
    if let Some(resp) = deny(shared, &call.headers, UPDATE_SCOPE) {
        return resp;
    }
    let rules = shared.disagreement.lock().unwrap().clone();
    match validate_patch(&call.body, &rules) {
        Err(message) => mgmt_error(400, &message, Some("invalid_body")),
        Ok(patch) => {
            let mut store = shared.store.lock().unwrap();
            store.apply(patch, &rules);
            json_response(200, &Value::Object(store.patch_answer(&rules)))
        }
    }
}
