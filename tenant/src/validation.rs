//! PATCH /api/v2/tenants/settings body validation, with Auth0's error messages.

use serde_json::{Map, Value};

use crate::disagree::{Disagreement, Lifetime};
use crate::state::{Patch, SESSION_FIELDS};

/// Largest accepted hour value (8,760 h = one year, the enterprise absolute limit).
const MAX_HOURS: u64 = 8760;

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Bool,
    Array,
    Object,
}

/// Writable non-session settings accepted (and stored verbatim) by PATCH. Every one of
/// them may also be `null`, which clears it (the recordings send such nulls).
const OTHER_KEYS: &[(&str, Kind)] = &[
    ("acr_values_supported", Kind::Array),
    ("allow_organization_name_in_authentication_api", Kind::Bool),
    ("allowed_logout_urls", Kind::Array),
    ("authorization_response_iss_parameter_supported", Kind::Bool),
    ("change_password", Kind::Object),
    ("client_id_metadata_document_supported", Kind::Bool),
    // Sent as null by the official provider's auth0_tenant (1.54) on create.
    ("country_codes", Kind::Object),
    ("customize_mfa_in_postlogin_action", Kind::Bool),
    ("default_audience", Kind::Str),
    ("default_directory", Kind::Str),
    ("default_redirection_uri", Kind::Str),
    ("default_token_quota", Kind::Object),
    ("device_flow", Kind::Object),
    ("dynamic_client_registration_security_mode", Kind::Str),
    ("enabled_locales", Kind::Array),
    ("error_page", Kind::Object),
    ("flags", Kind::Object),
    ("friendly_name", Kind::Str),
    ("guardian_mfa_page", Kind::Object),
    ("mtls", Kind::Object),
    ("oidc_logout", Kind::Object),
    ("phone_consolidated_experience", Kind::Bool),
    ("picture_url", Kind::Str),
    ("pushed_authorization_requests_supported", Kind::Bool),
    ("require_pushed_authorization_requests", Kind::Bool),
    ("resource_parameter_profile", Kind::Str),
    ("sandbox_version", Kind::Str),
    ("sessions", Kind::Object),
    (
        "skip_non_verifiable_callback_uri_confirmation_prompt",
        Kind::Bool,
    ),
    ("support_email", Kind::Str),
    ("support_url", Kind::Str),
    ("universal_login", Kind::Object),
];

fn payload_error(detail: impl std::fmt::Display) -> String {
    format!("Payload validation error: '{detail}'")
}

/// The API's descriptions of the properties whose validation messages have been quoted in
/// public (tests/fixtures/auth0-errors); other properties' messages end at the name, as
/// recorded ones without a description do.
fn description(property: &str) -> Option<&'static str> {
    match property {
        "session_lifetime" => {
            Some("Login session lifetime, how long the session will stay valid (unit: hours)")
        }
        "session_lifetime_in_minutes" => {
            Some("Login session lifetime, how long the session will stay valid (unit: minutes)")
        }
        "idle_session_lifetime" => Some(
            "Force a user to login after they have been inactive for the specified number (unit: hours)",
        ),
        _ => None,
    }
}

/// `Payload validation error: '<detail>' on property <name> (<description>).`
fn property_error(detail: impl std::fmt::Display, property: &str) -> String {
    match description(property) {
        Some(d) => format!("Payload validation error: '{detail}' on property {property} ({d})."),
        None => format!("Payload validation error: '{detail}' on property {property}."),
    }
}

/// JSON-schema type name, as the API reports it ("integer" for whole numbers).
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn minutes_key(i: usize) -> String {
    format!("{}_in_minutes", SESSION_FIELDS[i])
}

/// An integer in `1..=max`. Whole floats such as `72.0` count as integers, as in
/// JavaScript-based schema validators.
fn bounded_integer(v: &Value, property: &str, max: u64) -> Result<u32, String> {
    let n = match v {
        Value::Number(n) => n,
        other => {
            let msg = format!("Expected type integer but found type {}", type_name(other));
            return Err(property_error(msg, property));
        }
    };
    let value: f64 = if let Some(u) = n.as_u64() {
        u as f64
    } else if let Some(i) = n.as_i64() {
        i as f64
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if f.fract() != 0.0 || !f.is_finite() {
            return Err(property_error(
                "Expected type integer but found type number",
                property,
            ));
        }
        f
    };
    if value < 1.0 {
        return Err(property_error(
            format!("Value {n} is less than minimum 1"),
            property,
        ));
    }
    if value > max as f64 {
        return Err(property_error(
            format!("Value {n} is greater than maximum {max}"),
            property,
        ));
    }
    Ok(value as u32)
}

fn check_kind(key: &str, kind: Kind, v: &Value) -> Result<(), String> {
    let ok = matches!(
        (kind, v),
        (_, Value::Null)
            | (Kind::Str, Value::String(_))
            | (Kind::Bool, Value::Bool(_))
            | (Kind::Array, Value::Array(_))
            | (Kind::Object, Value::Object(_))
    );
    if ok {
        return Ok(());
    }
    let expected = match kind {
        Kind::Str => "string",
        Kind::Bool => "boolean",
        Kind::Array => "array",
        Kind::Object => "object",
    };
    let msg = format!("Expected type {expected} but found type {}", type_name(v));
    Err(property_error(msg, key))
}

fn cookie_mode(v: &Value) -> Result<String, String> {
    let obj = match v {
        Value::Object(o) => o,
        other => {
            let msg = format!("Expected type object but found type {}", type_name(other));
            return Err(property_error(msg, "session_cookie"));
        }
    };
    let extra: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "mode")
        .collect();
    if !extra.is_empty() {
        let msg = format!("Additional properties not allowed: {}", extra.join(","));
        return Err(property_error(msg, "session_cookie"));
    }
    match obj.get("mode") {
        None => Err(property_error(
            "Missing required property: mode",
            "session_cookie",
        )),
        Some(Value::String(m)) if m == "persistent" || m == "non-persistent" => Ok(m.clone()),
        Some(other) => Err(property_error(
            format!("No enum match for: {other}"),
            "session_cookie.mode",
        )),
    }
}

/// Validate a PATCH body, returning the changes to apply or the error message for a
/// 400 `invalid_body`.
pub(crate) fn validate_patch(body: &[u8], rules: &Disagreement) -> Result<Patch, String> {
    // An empty body is treated as `{}` so it gets the "too few properties" message.
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body)
            .map_err(|_| "Invalid request payload JSON format".to_string())?
    };
    let obj = match value {
        Value::Object(o) => o,
        other => {
            let msg = format!("Expected type object but found type {}", type_name(&other));
            return Err(payload_error(msg));
        }
    };
    if obj.is_empty() {
        return Err(payload_error("Too few properties defined (0), minimum 1"));
    }

    let is_session_key = |k: &str| {
        k == "session_cookie" || (0..4).any(|i| k == SESSION_FIELDS[i] || k == minutes_key(i))
    };
    let unknown: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| !is_session_key(k) && !OTHER_KEYS.iter().any(|(name, _)| name == k))
        .collect();
    if !unknown.is_empty() {
        return Err(payload_error(format!(
            "Additional properties not allowed: {}",
            unknown.join(",")
        )));
    }

    let mut patch = Patch::default();
    for lifetime in Lifetime::ALL {
        let (i, hours_key) = (lifetime.index(), lifetime.hours_field());
        let mins_key = minutes_key(i);
        let max_hours = rules.maximum_hours(lifetime, MAX_HOURS);
        let hours = obj
            .get(hours_key)
            .map(|v| bounded_integer(v, hours_key, max_hours))
            .transpose()?;
        let mins = obj
            .get(&mins_key)
            .map(|v| bounded_integer(v, &mins_key, max_hours * 60))
            .transpose()?;
        patch.minutes[i] = match (hours, mins) {
            (Some(_), Some(_)) => {
                return Err(payload_error(format!(
                    "Only one of {hours_key} and {mins_key} may be set"
                )))
            }
            (Some(h), None) => Some(h * 60),
            (None, m) => m,
        };
    }
    if let Some(v) = obj.get("session_cookie") {
        patch.cookie_mode = Some(cookie_mode(v)?);
    }
    for (key, kind) in OTHER_KEYS {
        if let Some(v) = obj.get(*key) {
            check_kind(key, *kind, v)?;
            patch.others.push((key.to_string(), v.clone()));
        }
    }
    Ok(patch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> String {
        validate_patch(body.as_bytes(), &Disagreement::default()).expect_err(body)
    }

    #[test]
    fn messages_match_auth0() {
        assert_eq!(
            err("{}"),
            "Payload validation error: 'Too few properties defined (0), minimum 1'"
        );
        assert_eq!(
            err(""),
            "Payload validation error: 'Too few properties defined (0), minimum 1'"
        );
        assert_eq!(
            err("{\"foo\":1}"),
            "Payload validation error: 'Additional properties not allowed: foo'"
        );
        assert_eq!(
            err("{\"session_lifetime\":1.5}"),
            "Payload validation error: 'Expected type integer but found type number' on property session_lifetime \
             (Login session lifetime, how long the session will stay valid (unit: hours))."
        );
        assert_eq!(
            err("{\"ephemeral_session_lifetime\":0}"),
            "Payload validation error: 'Value 0 is less than minimum 1' on property ephemeral_session_lifetime."
        );
        assert_eq!(
            err("{\"session_lifetime\":20160}"),
            "Payload validation error: 'Value 20160 is greater than maximum 8760' on property session_lifetime \
             (Login session lifetime, how long the session will stay valid (unit: hours))."
        );
        assert!(
            err("{\"session_lifetime_in_minutes\":525601}").contains("greater than maximum 525600")
        );
        assert!(err("[]").contains("Expected type object but found type array"));
        assert_eq!(err("{"), "Invalid request payload JSON format");
    }

    #[test]
    fn a_lower_maximum_refuses_both_spellings() {
        let rules: Disagreement =
            serde_json::from_str(r#"{"maximum_hours": {"session_lifetime": 720}}"#).unwrap();
        let e = validate_patch(br#"{"session_lifetime": 721}"#, &rules).unwrap_err();
        assert!(
            e.starts_with("Payload validation error: 'Value 721 is greater than maximum 720'"),
            "{e}"
        );
        let e = validate_patch(br#"{"session_lifetime_in_minutes": 43201}"#, &rules).unwrap_err();
        assert!(
            e.contains("'Value 43201 is greater than maximum 43200'"),
            "{e}"
        );
        assert!(validate_patch(br#"{"session_lifetime": 720}"#, &rules).is_ok());
        assert!(validate_patch(br#"{"idle_session_lifetime": 721}"#, &rules).is_ok());
    }

    #[test]
    fn pairs_are_exclusive() {
        let e = err("{\"session_lifetime\":2,\"session_lifetime_in_minutes\":90}");
        assert!(
            e.contains("session_lifetime and session_lifetime_in_minutes"),
            "{e}"
        );
    }

    #[test]
    fn cookie_rules() {
        assert!(err("{\"session_cookie\":{\"mode\":\"forever\"}}").contains("No enum match"));
        assert!(err("{\"session_cookie\":{}}").contains("Missing required property: mode"));
        assert!(err("{\"session_cookie\":\"persistent\"}").contains("Expected type object"));
        let p = validate_patch(
            b"{\"session_cookie\":{\"mode\":\"non-persistent\"}}",
            &Disagreement::default(),
        )
        .unwrap();
        assert_eq!(p.cookie_mode.as_deref(), Some("non-persistent"));
    }

    #[test]
    fn accepts_recorded_shapes() {
        let p = validate_patch(
            br#"{"friendly_name":"x","flags":{"enable_sso":true},"mtls":null,"session_lifetime":72.0,
                "idle_ephemeral_session_lifetime_in_minutes":15}"#,
            &Disagreement::default(),
        )
        .unwrap();
        assert_eq!(p.minutes, [Some(72 * 60), None, None, Some(15)]);
        assert_eq!(p.others.len(), 3);
        assert!(
            err("{\"friendly_name\":3}").contains("Expected type string but found type integer")
        );
    }
}
