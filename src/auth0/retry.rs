//! Retry delays: what a 429 asks for, exponential backoff with jitter, and the budget that
//! bounds both (attempts and total time waited).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

use super::config::RetryPolicy;

/// How long a 429 asks us to wait: `Retry-After` (seconds) first, then `x-ratelimit-reset`
/// (UNIX seconds, Auth0's documented header). `None` when neither header is usable.
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now_unix_secs: f64) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(secs) = header("retry-after").and_then(|v| v.parse::<f64>().ok()) {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
    }
    if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<f64>().ok()) {
        if reset.is_finite() && reset > 0.0 {
            return Some(Duration::from_secs_f64(
                (reset - now_unix_secs).clamp(0.0, 1e9),
            ));
        }
    }
    None
}

/// The wall clock as time since the UNIX epoch, for `x-ratelimit-reset` (and JWT times).
pub(crate) fn now_unix() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Exponential backoff with "equal jitter": half the capped delay is fixed, the other half is
/// random, so retries spread out but never collapse to zero. `retry` counts from 0 and
/// `jitter` is in [0, 1).
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32, jitter: f64) -> Duration {
    let exp = policy
        .base_backoff
        .saturating_mul(2u32.saturating_pow(retry.min(31)));
    let capped = exp.min(policy.max_backoff);
    let half = capped / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

/// A uniform random number in [0, 1).
///
/// From std's hash keys (seeded by the OS once per thread): jitter only spreads load, and
/// aws-lc's random generator would spend ~20 ms seeding itself on first use.
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Bookkeeping for one call's retries.
#[derive(Debug)]
pub(crate) struct Budget {
    policy: RetryPolicy,
    /// Attempts made so far.
    pub attempts: u32,
    /// Time spent sleeping between attempts so far.
    pub waited: Duration,
    /// When the first attempt started: messages report the time really spent.
    started: tokio::time::Instant,
}

/// Why no further attempt may be made.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Exhausted {
    /// `max_attempts` reached.
    Attempts,
    /// The wait needed exceeds what is left of `max_total_wait`.
    Time {
        needed: Duration,
        remaining: Duration,
    },
}

impl Budget {
    pub fn new(policy: RetryPolicy) -> Self {
        Budget {
            policy,
            attempts: 0,
            waited: Duration::ZERO,
            started: tokio::time::Instant::now(),
        }
    }

    /// "1 attempt in 30 s", "5 attempts in 2 min 33 s": the attempts made and the time
    /// really spent on them, waits and answers included.
    pub fn attempts_text(&self) -> String {
        let elapsed = human(self.started.elapsed());
        match self.attempts {
            1 => format!("1 attempt in {elapsed}"),
            n => format!("{n} attempts in {elapsed}"),
        }
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub fn remaining(&self) -> Duration {
        self.policy.max_total_wait.saturating_sub(self.waited)
    }

    /// Decides whether to retry after `wait`; on success the wait is charged to the budget
    /// and the caller must sleep for it.
    pub fn take(&mut self, wait: Duration) -> Result<Duration, Exhausted> {
        if self.attempts >= self.policy.max_attempts.max(1) {
            return Err(Exhausted::Attempts);
        }
        if wait > self.remaining() {
            return Err(Exhausted::Time {
                needed: wait,
                remaining: self.remaining(),
            });
        }
        self.waited += wait;
        Ok(wait)
    }

    /// The backoff before the next retry, shortened to what the budget still allows so a
    /// server error gets one last try rather than failing early.
    pub fn next_backoff(&self) -> Duration {
        let retry = self.attempts.saturating_sub(1);
        backoff(&self.policy, retry, jitter()).min(self.remaining())
    }
}

/// Formats a duration for people: "250 ms", "1.5 s", "30 s", "2 min 33 s", "27 h 47 min".
pub(crate) fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if secs >= 2 * 3600 {
        let minutes = (secs + 30) / 60;
        format!("{} h {} min", minutes / 60, minutes % 60)
    } else if secs >= 120 {
        let secs = d.as_secs_f64().round() as u64;
        match secs % 60 {
            0 => format!("{} min", secs / 60),
            s => format!("{} min {s} s", secs / 60),
        }
    } else if d.subsec_millis() == 0 {
        format!("{secs} s")
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_wins_over_reset() {
        let h = headers(&[("retry-after", "3"), ("x-ratelimit-reset", "1000010")]);
        assert_eq!(
            rate_limit_wait(&h, 1_000_000.0),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn reset_header_is_unix_seconds() {
        let h = headers(&[("x-ratelimit-reset", "1000010")]);
        assert_eq!(
            rate_limit_wait(&h, 1_000_000.0),
            Some(Duration::from_secs(10))
        );
        // A reset already in the past means "go now".
        assert_eq!(rate_limit_wait(&h, 1_000_020.0), Some(Duration::ZERO));
    }

    #[test]
    fn unusable_headers_fall_back() {
        assert_eq!(rate_limit_wait(&HeaderMap::new(), 0.0), None);
        // HTTP-date Retry-After is not parsed; the reset header is used instead.
        let h = headers(&[
            ("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("x-ratelimit-reset", "105"),
        ]);
        assert_eq!(rate_limit_wait(&h, 100.0), Some(Duration::from_secs(5)));
        let h = headers(&[("retry-after", "-1"), ("x-ratelimit-reset", "junk")]);
        assert_eq!(rate_limit_wait(&h, 100.0), None);
    }

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::default();
        assert_eq!(backoff(&p, 0, 0.0), Duration::from_millis(125));
        assert_eq!(backoff(&p, 0, 1.0), Duration::from_millis(250));
        assert_eq!(backoff(&p, 2, 1.0), Duration::from_millis(1000));
        assert_eq!(backoff(&p, 10, 1.0), Duration::from_secs(8));
        assert_eq!(backoff(&p, 10, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(&p, u32::MAX, 0.5), Duration::from_secs(6));
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    #[test]
    fn budget_bounds_attempts_and_time() {
        let p = RetryPolicy {
            max_attempts: 3,
            max_total_wait: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        let mut b = Budget::new(p);
        b.attempts = 1;
        assert_eq!(b.take(Duration::from_secs(2)), Ok(Duration::from_secs(2)));
        b.attempts = 2;
        assert_eq!(
            b.take(Duration::from_secs(4)),
            Err(Exhausted::Time {
                needed: Duration::from_secs(4),
                remaining: Duration::from_secs(3)
            })
        );
        assert_eq!(b.take(Duration::from_secs(3)), Ok(Duration::from_secs(3)));
        b.attempts = 3;
        assert_eq!(b.take(Duration::ZERO), Err(Exhausted::Attempts));
        assert!(b.next_backoff() <= b.remaining());
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(Duration::from_millis(250)), "250 ms");
        assert_eq!(human(Duration::from_secs(30)), "30 s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human(Duration::from_secs(153)), "2 min 33 s");
        assert_eq!(human(Duration::from_secs(180)), "3 min");
        assert_eq!(human(Duration::from_secs(100_000)), "27 h 47 min");
    }
}
