//! Token-bucket rate limiting with Auth0's `x-ratelimit-*` headers.

use std::time::Instant;

/// What one request got from the bucket: whether it may proceed and the header values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// UNIX seconds.
    pub reset: u64,
}

pub(crate) struct Bucket {
    capacity: f64,
    refill_per_sec: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub fn new(capacity: u32, refill_per_sec: u32) -> Self {
        Bucket {
            capacity: f64::from(capacity),
            refill_per_sec: f64::from(refill_per_sec),
            tokens: f64::from(capacity),
            last: Instant::now(),
        }
    }

    /// Take one token (if any) for a request arriving at `unix_now`.
    pub fn take(&mut self, unix_now: u64) -> RateDecision {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.refill_per_sec).min(self.capacity);
        let allowed = self.tokens >= 1.0;
        if allowed {
            self.tokens -= 1.0;
        }
        // Allowed: when the bucket is full again. Refused: when the next token arrives.
        let missing = if allowed {
            self.capacity - self.tokens
        } else {
            1.0 - self.tokens
        };
        let wait = if self.refill_per_sec > 0.0 {
            (missing / self.refill_per_sec).ceil() as u64
        } else {
            60
        };
        RateDecision {
            allowed,
            limit: self.capacity as u32,
            remaining: self.tokens.floor() as u32,
            reset: unix_now + wait,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_then_refuses() {
        let mut b = Bucket::new(3, 1);
        let r: Vec<_> = (0..4).map(|_| b.take(1000)).collect();
        assert_eq!(
            r.iter().map(|d| d.remaining).collect::<Vec<_>>(),
            [2, 1, 0, 0]
        );
        assert!(r[2].allowed && !r[3].allowed);
        assert_eq!(r[0].limit, 3);
        assert!(r[3].reset > 1000 && r[3].reset <= 1001);
    }
}
