//! The shared access-token cache.
//!
//! Free tenants have a monthly machine-to-machine token quota, so one token is fetched only
//! when a call needs it and is then shared by every call and every clone of the client. The
//! lock is held during a fetch so concurrent callers wait for that one fetch instead of
//! starting their own.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::credentials::Secret;
use super::error::ApiError;

/// Used when the token endpoint omits `expires_in`; a 401 triggers a refresh anyway.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

/// A token as handed to a call. `generation` tells a later refresh which token was rejected.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub value: Secret,
    pub generation: u64,
}

/// A freshly fetched token.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub value: Secret,
    pub expires_in: Option<Duration>,
}

#[derive(Debug)]
struct Cached {
    token: Token,
    refresh_at: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Option<Cached>>,
}

/// Refresh this long before expiry: 60 s, or 10% of the lifetime for short-lived tokens.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    Duration::from_secs(60).min(lifetime / 10)
}

impl TokenCache {
    /// The cached token, or a new one from `fetch` when there is none or it is about to expire.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Token, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, ApiError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(c) = slot.as_ref() {
            if Instant::now() < c.refresh_at {
                return Ok(c.token.clone());
            }
        }
        Ok(Self::store(&mut slot, fetch().await?))
    }

    /// Called after the Management API rejected the token of `generation`. Fetches a new one
    /// unless another caller already replaced it meanwhile (then that one is returned).
    pub async fn refresh_rejected<F, Fut>(
        &self,
        generation: u64,
        fetch: F,
    ) -> Result<Token, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, ApiError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(c) = slot.as_ref() {
            if c.token.generation != generation && Instant::now() < c.refresh_at {
                return Ok(c.token.clone());
            }
        }
        // Forget the rejected token first: if the fetch fails or is cancelled, the next call
        // must not reuse it.
        let previous = slot
            .take()
            .map(|c| c.token.generation)
            .unwrap_or(generation);
        let fetched = fetch().await?;
        let generation = previous.max(generation) + 1;
        Ok(Self::store_gen(&mut slot, fetched, generation))
    }

    fn store(slot: &mut Option<Cached>, fetched: Fetched) -> Token {
        let generation = slot.as_ref().map_or(0, |c| c.token.generation) + 1;
        Self::store_gen(slot, fetched, generation)
    }

    fn store_gen(slot: &mut Option<Cached>, fetched: Fetched, generation: u64) -> Token {
        let lifetime = fetched.expires_in.unwrap_or(ASSUMED_LIFETIME);
        let token = Token {
            value: fetched.value,
            generation,
        };
        *slot = Some(Cached {
            token: token.clone(),
            refresh_at: Instant::now() + lifetime.saturating_sub(refresh_margin(lifetime)),
        });
        token
    }
}

/// The access token and its lifetime from a 2xx `POST /oauth/token` body. An error says
/// what is wrong without quoting the body, which may hold a token.
pub(crate) fn read_grant(body: &[u8]) -> Result<Fetched, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON ({e})"))?;
    let Value::Object(fields) = value else {
        return Err(format!(
            "the body is {}, not a JSON object",
            json_kind(&value)
        ));
    };
    let token = match fields.get("access_token") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
        Some(Value::String(_)) => return Err("access_token is empty".into()),
        Some(other) => {
            return Err(format!(
                "access_token is {}, not a string",
                json_kind(other)
            ))
        }
        None => return Err("there is no access_token".into()),
    };
    Ok(Fetched {
        value: Secret::new(token),
        expires_in: lifetime(fields.get("expires_in"))?,
    })
}

/// `expires_in` as a lifetime: a JSON number of seconds, or a string holding one (`"86400"`:
/// some servers send it so, and golang.org/x/oauth2, which the official provider uses,
/// accepts it too). Zero, negative or absent means unknown ([`ASSUMED_LIFETIME`] applies);
/// a huge value is capped at 10^9 s.
fn lifetime(value: Option<&Value>) -> Result<Option<Duration>, String> {
    let seconds = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => match s.trim().parse::<serde_json::Number>() {
            Ok(n) => n.as_f64(),
            Err(_) => {
                return Err(format!(
                    "expires_in is a string of {} characters that does not hold a number of \
                     seconds (Auth0 sends a number such as 86400)",
                    s.chars().count()
                ))
            }
        },
        Some(other) => {
            return Err(format!(
                "expires_in is {}, not a number of seconds",
                json_kind(other)
            ))
        }
    };
    Ok(seconds
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| Duration::from_secs_f64(s.min(1e9))))
}

/// "a string", "an object": a JSON value's type as a message names it.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// OAuth error body: `{"error": "...", "error_description": "..."}`.
#[derive(Deserialize)]
pub(crate) struct OAuthError {
    pub error: Option<String>,
    pub error_description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn fetched(v: &str, millis: u64) -> Fetched {
        Fetched {
            value: Secret::new(v),
            expires_in: Some(Duration::from_millis(millis)),
        }
    }

    fn grant(body: &str) -> Result<(String, Option<Duration>), String> {
        read_grant(body.as_bytes()).map(|f| (f.value.expose().to_string(), f.expires_in))
    }

    #[test]
    fn expires_in_may_be_a_number_or_a_numeric_string() {
        let day = Some(Duration::from_secs(86400));
        assert_eq!(
            grant(r#"{"access_token":"t","expires_in":86400}"#),
            Ok(("t".into(), day))
        );
        assert_eq!(
            grant(r#"{"access_token":"t","expires_in":"86400"}"#),
            Ok(("t".into(), day))
        );
        assert_eq!(
            grant(r#"{"access_token":"t","expires_in":" 86400 "}"#),
            Ok(("t".into(), day))
        );
        assert_eq!(
            grant(r#"{"access_token":"t","expires_in":"1.5"}"#)
                .unwrap()
                .1,
            Some(Duration::from_millis(1500))
        );
        assert_eq!(grant(r#"{"access_token":"t"}"#), Ok(("t".into(), None)));
        assert_eq!(
            grant(r#"{"access_token":"t","expires_in":null}"#),
            Ok(("t".into(), None))
        );
    }

    #[test]
    fn odd_lifetimes_are_bounded_as_before() {
        for odd in ["0", "-5", "\"-5\"", "\"0\""] {
            let body = format!(r#"{{"access_token":"t","expires_in":{odd}}}"#);
            assert_eq!(grant(&body), Ok(("t".into(), None)), "{odd}");
        }
        let huge = grant(r#"{"access_token":"t","expires_in":"1e300"}"#)
            .unwrap()
            .1;
        assert_eq!(huge, Some(Duration::from_secs(1_000_000_000)));
    }

    #[test]
    fn unusable_grants_say_what_is_wrong_without_quoting() {
        for (body, says) in [
            (
                r#"{"access_token":"tok-1","expires_in":"soon"}"#,
                "expires_in is a string of 4 characters that does not hold a number",
            ),
            (
                r#"{"access_token":"tok-1","expires_in":"inf"}"#,
                "expires_in is a string of 3 characters",
            ),
            (
                r#"{"access_token":"tok-1","expires_in":"1e400"}"#,
                "expires_in is a string of 5 characters",
            ),
            (
                r#"{"access_token":"tok-1","expires_in":true}"#,
                "expires_in is a boolean, not a number of seconds",
            ),
            (
                r#"{"access_token":"tok-1","expires_in":[1]}"#,
                "expires_in is an array",
            ),
            (
                r#"{"access_token":7}"#,
                "access_token is a number, not a string",
            ),
            (r#"{"access_token":" "}"#, "access_token is empty"),
            (r#"{"token":"tok-1"}"#, "there is no access_token"),
            (r#"["tok-1"]"#, "the body is an array, not a JSON object"),
            (
                r#"{"access_token":"tok-1","expires_in":1e400}"#,
                "the body is not JSON (number out of range",
            ),
            ("<html>tok-1", "the body is not JSON"),
        ] {
            let e = grant(body).unwrap_err();
            assert!(e.contains(says), "{body}: {e}");
            assert!(!e.contains("tok-1"), "{body}: {e}");
        }
    }

    #[test]
    fn margin_is_60s_or_10_percent() {
        assert_eq!(
            refresh_margin(Duration::from_secs(86400)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(100)),
            Duration::from_secs(10)
        );
    }

    // A paused clock: each sleep advances it by exactly its duration, however busy the
    // machine, so the test can stand one millisecond either side of the refresh time.
    #[tokio::test(start_paused = true)]
    async fn reuses_until_near_expiry() {
        let cache = TokenCache::default();
        let n = AtomicU32::new(0);
        // 400 ms lifetime: refreshed 40 ms (10%) before it ends, at 360 ms.
        let fetch = || async {
            let i = n.fetch_add(1, Ordering::SeqCst);
            Ok(fetched(&format!("t{i}"), 400))
        };
        let a = cache.get(fetch).await.unwrap();
        let b = cache.get(fetch).await.unwrap();
        assert_eq!(a.value.expose(), "t0");
        assert_eq!(b.value.expose(), "t0");
        tokio::time::sleep(Duration::from_millis(359)).await;
        assert_eq!(cache.get(fetch).await.unwrap().value.expose(), "t0");
        tokio::time::sleep(Duration::from_millis(1)).await;
        let c = cache.get(fetch).await.unwrap();
        assert_eq!(c.value.expose(), "t1");
        assert!(c.generation > a.generation);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::default());
        let n = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (cache, n) = (cache.clone(), n.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| async {
                        n.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok(fetched("t", 600_000))
                    })
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn refresh_of_rejected_token_happens_once() {
        let cache = TokenCache::default();
        let n = AtomicU32::new(0);
        let fetch = || async {
            let i = n.fetch_add(1, Ordering::SeqCst);
            Ok(fetched(&format!("t{i}"), 600_000))
        };
        let old = cache.get(fetch).await.unwrap();
        let new1 = cache.refresh_rejected(old.generation, fetch).await.unwrap();
        // A second caller that also saw the old token gets the already refreshed one.
        let new2 = cache.refresh_rejected(old.generation, fetch).await.unwrap();
        assert_eq!(new1.value.expose(), "t1");
        assert_eq!(new2.value.expose(), "t1");
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }
}
