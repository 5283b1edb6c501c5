//! Client assertions (RFC 7523 private key JWT) for the token endpoint.
//!
//! Signed with `ring`, whose randomness (the `jti`, RSA blinding, the PSS salt) comes
//! straight from the OS (getrandom): aws-lc's generator would seed itself on first use,
//! about 20 ms in the process of every plan that fetches a token (see `protocol::tls`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{
    RsaEncoding, RsaKeyPair, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PSS_SHA256,
};
use serde_json::json;

use super::credentials::SigningAlg;

/// Lifetime of an assertion: it is used once, right away.
const ASSERTION_TTL_SECS: u64 = 120;

fn encoding(alg: SigningAlg) -> &'static dyn RsaEncoding {
    match alg {
        SigningAlg::RS256 => &RSA_PKCS1_SHA256,
        SigningAlg::RS384 => &RSA_PKCS1_SHA384,
        SigningAlg::PS256 => &RSA_PSS_SHA256,
    }
}

/// Random hex for `jti`, so Auth0 can reject a replayed assertion.
pub(crate) fn random_hex(bytes: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut buf = vec![0u8; bytes];
    if SystemRandom::new().fill(&mut buf).is_err() {
        // Only uniqueness matters for a jti; fall back to time, process and a counter.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let seed = nanos
            ^ ((std::process::id() as u128) << 64)
            ^ COUNTER.fetch_add(1, Ordering::Relaxed) as u128;
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (seed >> ((i % 16) * 8)) as u8;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds and signs an assertion: iss = sub = client_id, aud = "{base}/".
pub(crate) fn client_assertion(
    key: &RsaKeyPair,
    alg: SigningAlg,
    client_id: &str,
    base_url: &str,
    now_unix: u64,
) -> Result<String, String> {
    let header = json!({ "alg": alg.as_str(), "typ": "JWT" });
    let claims = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": format!("{base_url}/"),
        "iat": now_unix,
        "exp": now_unix + ASSERTION_TTL_SECS,
        "jti": random_hex(16),
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut sig = vec![0u8; key.public().modulus_len()];
    key.sign(
        encoding(alg),
        &SystemRandom::new(),
        signing_input.as_bytes(),
        &mut sig,
    )
    .map_err(|_| format!("signing the client assertion with {alg} failed"))?;
    Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth0::credentials::{parse_private_key, tests::test_key_pem};
    // Verified with another implementation than the one that signs.
    use aws_lc_rs::signature::{
        UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384,
        RSA_PSS_2048_8192_SHA256,
    };

    #[test]
    fn assertion_has_expected_claims_and_verifies() {
        let key = parse_private_key(&test_key_pem()).unwrap();
        for (alg, verify) in [
            (SigningAlg::RS256, &RSA_PKCS1_2048_8192_SHA256),
            (SigningAlg::RS384, &RSA_PKCS1_2048_8192_SHA384),
            (SigningAlg::PS256, &RSA_PSS_2048_8192_SHA256),
        ] {
            let jwt = client_assertion(&key, alg, "cid", "https://t.eu.auth0.com", 1_700_000_000)
                .unwrap();
            let parts: Vec<&str> = jwt.split('.').collect();
            assert_eq!(parts.len(), 3);
            let header: serde_json::Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
            assert_eq!(header, json!({"alg": alg.as_str(), "typ": "JWT"}));
            let claims: serde_json::Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
            assert_eq!(claims["iss"], "cid");
            assert_eq!(claims["sub"], "cid");
            assert_eq!(claims["aud"], "https://t.eu.auth0.com/");
            assert_eq!(claims["iat"], 1_700_000_000u64);
            assert_eq!(claims["exp"], 1_700_000_120u64);
            assert_eq!(claims["jti"].as_str().unwrap().len(), 32);
            let public = UnparsedPublicKey::new(verify, key.public().as_ref());
            let signed = format!("{}.{}", parts[0], parts[1]);
            public
                .verify(
                    signed.as_bytes(),
                    &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
                )
                .unwrap();
        }
    }

    #[test]
    fn jti_differs_between_assertions() {
        assert_ne!(random_hex(16), random_hex(16));
    }
}
