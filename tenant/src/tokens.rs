//! Access tokens: issuance via client credentials, private-key-JWT assertion shape checks,
//! and bearer-token lookup.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const ASSERTION_ALGS: [&str; 4] = ["RS256", "RS384", "PS256", "ES256"];
/// How far in the future an assertion's `exp` may be (Auth0 clients use ~2 minutes).
const MAX_ASSERTION_LIFETIME_SECS: u64 = 600;
/// Allowance for clock differences when checking `exp` / `iat`.
const CLOCK_SKEW_SECS: u64 = 30;

struct Issued {
    scopes: Vec<String>,
    expires_at: Instant,
}

/// Why a bearer token was refused.
#[derive(Debug, PartialEq)]
pub(crate) enum TokenError {
    Invalid,
    Expired,
}

pub(crate) struct TokenStore {
    issued: HashMap<String, Issued>,
    static_tokens: HashMap<String, Vec<String>>,
}

impl TokenStore {
    pub fn new(static_tokens: &[(String, Vec<String>)]) -> Self {
        TokenStore {
            issued: HashMap::new(),
            static_tokens: static_tokens.iter().cloned().collect(),
        }
    }

    pub fn issue(&mut self, scopes: &[String], ttl_secs: u64) -> String {
        let token = random_token();
        let expires_at = Instant::now() + Duration::from_secs(ttl_secs);
        self.issued.insert(
            token.clone(),
            Issued {
                scopes: scopes.to_vec(),
                expires_at,
            },
        );
        token
    }

    /// Scopes of a valid token.
    pub fn check(&self, token: &str) -> Result<&[String], TokenError> {
        if let Some(scopes) = self.static_tokens.get(token) {
            return Ok(scopes);
        }
        let issued = self.issued.get(token).ok_or(TokenError::Invalid)?;
        if Instant::now() >= issued.expires_at {
            return Err(TokenError::Expired);
        }
        Ok(&issued.scopes)
    }

    /// Issued tokens only: static API tokens cannot be renewed, so they stay valid.
    pub fn expire_all(&mut self) {
        let now = Instant::now();
        for t in self.issued.values_mut() {
            t.expires_at = now;
        }
    }
}

/// 32 random bytes, base64url. Built from std's randomly keyed hasher so no RNG crate
/// is needed; unpredictability is not a security property here, uniqueness is.
pub(crate) fn random_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut bytes = Vec::with_capacity(32);
    for _ in 0..4 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        bytes.extend_from_slice(&h.finish().to_le_bytes());
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// Decode `application/x-www-form-urlencoded`.
pub(crate) fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_segment(seg: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(seg.trim_end_matches('=')).ok()
}

/// Check a private-key-JWT client assertion's shape (not its signature): three base64url
/// segments, a supported `alg`, `typ` JWT if present, iss == sub == client_id, `aud` one
/// of `audiences`, a near-future `exp`, and a `jti`.
pub(crate) fn check_assertion(
    assertion: &str,
    client_id: &str,
    audiences: &[String],
    now: u64,
) -> Result<(), String> {
    let parts: Vec<&str> = assertion.split('.').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err("client_assertion is not a JWT".into());
    }
    let json_of = |seg: &str, what: &str| -> Result<Value, String> {
        let raw = decode_segment(seg).ok_or_else(|| format!("{what} is not base64url"))?;
        match serde_json::from_slice::<Value>(&raw) {
            Ok(v @ Value::Object(_)) => Ok(v),
            _ => Err(format!("{what} is not a JSON object")),
        }
    };
    let header = json_of(parts[0], "JWT header")?;
    let claims = json_of(parts[1], "JWT payload")?;
    if decode_segment(parts[2]).is_none() {
        return Err("JWT signature is not base64url".into());
    }

    match header.get("alg").and_then(Value::as_str) {
        Some(alg) if ASSERTION_ALGS.contains(&alg) => {}
        Some(alg) => return Err(format!("unsupported alg {alg}")),
        None => return Err("missing alg".into()),
    }
    if let Some(typ) = header.get("typ") {
        if !typ.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT")) {
            return Err("typ must be JWT".into());
        }
    }
    for claim in ["iss", "sub"] {
        if claims.get(claim).and_then(Value::as_str) != Some(client_id) {
            return Err(format!("{claim} must be the client_id"));
        }
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => audiences.contains(a),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .any(|a| audiences.iter().any(|x| x == a)),
        _ => false,
    };
    if !aud_ok {
        return Err(format!(
            "aud must be {}",
            audiences.first().map(String::as_str).unwrap_or("")
        ));
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or("missing exp")? as u64;
    if exp + CLOCK_SKEW_SECS <= now {
        return Err("client_assertion has expired".into());
    }
    if exp > now + MAX_ASSERTION_LIFETIME_SECS + CLOCK_SKEW_SECS {
        return Err("exp is too far in the future".into());
    }
    if let Some(iat) = claims.get("iat").and_then(Value::as_f64) {
        if iat as u64 > now + CLOCK_SKEW_SECS {
            return Err("iat is in the future".into());
        }
    }
    match claims.get("jti").and_then(Value::as_str) {
        Some(j) if !j.is_empty() => Ok(()),
        _ => Err("missing jti".into()),
    }
}

/// Build an unsigned-but-well-formed assertion (tests and the replay use it).
#[doc(hidden)]
pub fn make_test_assertion(client_id: &str, aud: &str, exp: u64, alg: &str) -> String {
    let header = serde_json::json!({ "alg": alg, "typ": "JWT" });
    let claims = serde_json::json!({
        "iss": client_id, "sub": client_id, "aud": aud, "exp": exp,
        "iat": unix_now(), "jti": random_token(),
    });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(b"not-a-real-signature"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUD: &str = "http://127.0.0.1:1/";

    fn check(a: &str) -> Result<(), String> {
        check_assertion(a, "cid", &[AUD.to_string()], unix_now())
    }

    #[test]
    fn form_decoding() {
        let f = parse_form("a=b%3Ac+d&client_assertion_type=urn:x&e");
        assert_eq!(f[0], ("a".into(), "b:c d".into()));
        assert_eq!(f[1].1, "urn:x");
        assert_eq!(f[2], ("e".into(), "".into()));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn assertion_shapes() {
        let now = unix_now();
        assert!(check(&make_test_assertion("cid", AUD, now + 120, "RS256")).is_ok());
        assert!(check(&make_test_assertion("cid", AUD, now + 120, "HS256"))
            .unwrap_err()
            .contains("alg"));
        assert!(
            check(&make_test_assertion("other", AUD, now + 120, "RS256"))
                .unwrap_err()
                .contains("iss")
        );
        assert!(
            check(&make_test_assertion("cid", "http://x/", now + 120, "RS256"))
                .unwrap_err()
                .contains("aud")
        );
        assert!(check(&make_test_assertion("cid", AUD, now - 100, "ES256"))
            .unwrap_err()
            .contains("expired"));
        assert!(check(&make_test_assertion("cid", AUD, now + 3600, "PS256"))
            .unwrap_err()
            .contains("future"));
        assert!(check("test-client_assertion").is_err());
        assert!(check("a.b.c").is_err());
    }

    #[test]
    fn tokens_expire() {
        let mut s = TokenStore::new(&[("static".into(), vec!["read:tenant_settings".into()])]);
        let t = s.issue(&["x".to_string()], 60);
        assert_eq!(s.check(&t).unwrap(), ["x".to_string()]);
        assert_eq!(s.check("nope").unwrap_err(), TokenError::Invalid);
        s.expire_all();
        assert_eq!(s.check(&t).unwrap_err(), TokenError::Expired);
        assert!(s.check("static").is_ok());
        assert_ne!(random_token(), random_token());
    }
}
