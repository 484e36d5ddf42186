//! A small token bucket per client IP, for the unauthenticated password evaluation.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Requests a client may burst.
pub const BURST: f64 = 20.0;
/// Requests per second a client gets back.
pub const PER_SECOND: f64 = 5.0;
/// Beyond this many tracked clients, idle (full) buckets are forgotten.
const MAX_CLIENTS: usize = 10_000;

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<Option<IpAddr>, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// Takes one token for `client`; `false` when its bucket is empty.
    pub fn allow(&self, client: Option<IpAddr>) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, b| refill(b, now) < BURST);
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: BURST,
            at: now,
        });
        refill(bucket, now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn refill(bucket: &mut Bucket, now: Instant) -> f64 {
    let elapsed = now.duration_since(bucket.at).as_secs_f64();
    bucket.tokens = (bucket.tokens + elapsed * PER_SECOND).min(BURST);
    bucket.at = now;
    bucket.tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_and_then_waits() {
        let limiter = RateLimiter::default();
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        let allowed = (0..50).filter(|_| limiter.allow(ip)).count();
        assert_eq!(allowed, BURST as usize);
        assert!(limiter.allow(Some(IpAddr::from([127, 0, 0, 2]))));
    }
}
