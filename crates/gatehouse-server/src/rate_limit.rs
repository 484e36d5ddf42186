//! Token buckets for the unauthenticated endpoints that cost the server (sign-in:
//! argon2; password evaluation: zxcvbn), so one client cannot spray guesses or
//! flood the CPU.
//!
//! - Sign-in has a bucket per source address and one per login (username or email,
//!   normalised as the core normalises it). The source's bucket is checked before
//!   the body is read; the login's after the body is parsed, before any hashing.
//!   The login's bucket holds [`LOGIN_MULTIPLE`] times the source's burst and
//!   refills [`LOGIN_MULTIPLE`] times as fast, so one source at the highest rate it
//!   is allowed can never empty it: the holder of the right password, signing in
//!   from another address, always finds a token (docs/decisions/0005).
//! - Password evaluation has a bucket per source address, checked before the body.
//!
//! A source is an IPv4 address or an IPv6 /64 (one host usually holds a whole /64,
//! so bucketing single IPv6 addresses would hand an attacker 2^64 buckets). Maps are
//! bounded ([`Limits::tracked_clients`]): when full, buckets that have refilled
//! (idle clients) are forgotten, then the least recently used.
//! Time comes from the core's [`Clock`], so tests move it by hand.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use gatehouse_domain::Clock;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::extract::ClientIp;
use crate::AppState;

/// How many times a login's bucket exceeds one source's (burst and refill): it
/// takes this many sources guessing at full speed to hold a login's bucket empty.
pub const LOGIN_MULTIPLE: u32 = 3;

/// A token bucket's shape: `burst` requests at once, then one every `refill_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub refill_ms: u64,
}

impl Rate {
    /// Sign-in per source address: 10 at once, then one every 6 s (10 a minute).
    pub const SIGN_IN_PER_SOURCE: Rate = Rate {
        burst: 10,
        refill_ms: 6_000,
    };
    /// Password evaluation per source address: 20 at once, then 5 a second (live
    /// feedback evaluates as the user types).
    pub const EVALUATE_PER_SOURCE: Rate = Rate {
        burst: 20,
        refill_ms: 200,
    };

    /// `times` the burst, refilling `times` as fast.
    pub fn times(self, times: u32) -> Rate {
        Rate {
            burst: self.burst.saturating_mul(times),
            refill_ms: (self.refill_ms / u64::from(times.max(1))).max(1),
        }
    }

    /// A full bucket, in milliseconds of refill.
    fn full_ms(self) -> u64 {
        u64::from(self.burst).saturating_mul(self.refill_ms)
    }
}

/// The throttling numbers, in one place (the server's [`crate::Limits`] holds them).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub sign_in_per_source: Rate,
    pub evaluate_per_source: Rate,
    /// Most clients (sources or logins) tracked per map.
    pub tracked_clients: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_in_per_source: Rate::SIGN_IN_PER_SOURCE,
            evaluate_per_source: Rate::EVALUATE_PER_SOURCE,
            tracked_clients: 10_000,
        }
    }
}

/// Where a request comes from, for throttling: an IPv4 address, an IPv6 /64, or
/// (no peer address known, e.g. a router driven in-process) one shared key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    V4(Ipv4Addr),
    V6Prefix64(u64),
    Unknown,
}

impl Source {
    pub fn of(ip: Option<IpAddr>) -> Source {
        match ip.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(v4)) => Source::V4(v4),
            Some(IpAddr::V6(v6)) => Source::V6Prefix64((v6.to_bits() >> 64) as u64),
            None => Source::Unknown,
        }
    }
}

/// A login as the core looks it up (trimmed, lower-cased), kept only as its SHA-256:
/// the map's memory does not grow with what a client sends, and holds no usernames.
// TODO(lead): if the core's login normalisation changes (NFKC + case fold), use the
// core's function here so variants of one login share one bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LoginKey([u8; 32]);

impl LoginKey {
    pub fn of(login: &str) -> LoginKey {
        LoginKey(Sha256::digest(login.trim().to_lowercase().as_bytes()).into())
    }
}

/// Seconds until a request would be allowed again (at least 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u32);

impl From<RetryAfter> for gatehouse_domain::Error {
    fn from(wait: RetryAfter) -> Self {
        gatehouse_domain::Error::TooManyRequests {
            retry_after_secs: wait.0,
        }
    }
}

/// A bounded map of token buckets, one per key.
pub struct Buckets<K> {
    rate: Rate,
    capacity: usize,
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// Tokens counted in milliseconds of refill (one token = `refill_ms`), so the
/// arithmetic is exact.
struct Bucket {
    credit_ms: u64,
    at: DateTime<Utc>,
}

impl Bucket {
    /// Adds what has dripped in since the last look (a clock that went back adds nothing).
    fn refill(&mut self, rate: Rate, now: DateTime<Utc>) -> u64 {
        let elapsed_ms = u64::try_from((now - self.at).num_milliseconds()).unwrap_or(0);
        let credit_ms = self.credit_ms.saturating_add(elapsed_ms);
        if credit_ms >= rate.full_ms() {
            self.credit_ms = rate.full_ms();
            self.at = now;
        } else {
            // Whole milliseconds only: the fraction left over counts next time.
            self.credit_ms = credit_ms;
            self.at += chrono::Duration::milliseconds(elapsed_ms as i64);
        }
        self.credit_ms
    }
}

impl<K: Copy + Eq + Hash> Buckets<K> {
    pub fn new(rate: Rate, capacity: usize, clock: Arc<dyn Clock>) -> Self {
        Buckets {
            rate,
            capacity: capacity.max(1),
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from `key`'s bucket, or says how long until there is one.
    pub fn take(&self, key: K) -> Result<(), RetryAfter> {
        let now = self.clock.now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if !buckets.contains_key(&key) && buckets.len() >= self.capacity {
            self.make_room(&mut buckets, now);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            credit_ms: self.rate.full_ms(),
            at: now,
        });
        let credit_ms = bucket.refill(self.rate, now);
        if credit_ms >= self.rate.refill_ms {
            bucket.credit_ms -= self.rate.refill_ms;
            return Ok(());
        }
        let missing_ms = self.rate.refill_ms - credit_ms;
        Err(RetryAfter(
            u32::try_from(missing_ms.div_ceil(1000))
                .unwrap_or(u32::MAX)
                .max(1),
        ))
    }

    /// How many keys are tracked.
    pub fn len(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets full buckets (a new one would be the same); if none is full, the
    /// least recently used eighth, so a flood of new keys costs one sort per
    /// `capacity / 8` keys rather than one per key.
    fn make_room(&self, buckets: &mut HashMap<K, Bucket>, now: DateTime<Utc>) {
        let full = self.rate.full_ms();
        buckets.retain(|_, bucket| bucket.refill(self.rate, now) < full);
        if buckets.len() < self.capacity {
            return;
        }
        let mut by_age: Vec<(DateTime<Utc>, K)> = buckets
            .iter()
            .map(|(key, bucket)| (bucket.at, *key))
            .collect();
        by_age.sort_unstable_by_key(|(at, _)| *at);
        let evict = (self.capacity / 8).max(1);
        for (_, key) in by_age.into_iter().take(evict) {
            buckets.remove(&key);
        }
    }
}

/// The server's throttles.
pub struct RateLimiter {
    pub sign_in_sources: Buckets<Source>,
    pub sign_in_logins: Buckets<LoginKey>,
    pub evaluate_sources: Buckets<Source>,
}

impl RateLimiter {
    pub fn new(limits: Limits, clock: Arc<dyn Clock>) -> Self {
        RateLimiter {
            sign_in_sources: Buckets::new(
                limits.sign_in_per_source,
                limits.tracked_clients,
                clock.clone(),
            ),
            sign_in_logins: Buckets::new(
                limits.sign_in_per_source.times(LOGIN_MULTIPLE),
                limits.tracked_clients,
                clock.clone(),
            ),
            evaluate_sources: Buckets::new(
                limits.evaluate_per_source,
                limits.tracked_clients,
                clock,
            ),
        }
    }

    /// A sign-in attempt on `login`: 429 when this login is tried too often (by
    /// several sources; one alone never gets here, see [`LOGIN_MULTIPLE`]).
    pub fn sign_in_login(&self, login: &str) -> Result<(), ApiError> {
        self.sign_in_logins
            .take(LoginKey::of(login))
            .map_err(|wait| gatehouse_domain::Error::from(wait).into())
    }
}

/// Passes when the client's address may try another sign-in; checked before the
/// body. Holds the client's address (the TCP peer), for the core.
pub struct SignInSourceAllowed(pub Option<IpAddr>);

impl FromRequestParts<AppState> for SignInSourceAllowed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        state
            .limiter
            .sign_in_sources
            .take(Source::of(ip))
            .map_err(gatehouse_domain::Error::from)?;
        Ok(SignInSourceAllowed(ip))
    }
}

/// Passes when the client's address may evaluate another password; checked before the body.
pub struct EvaluateSourceAllowed;

impl FromRequestParts<AppState> for EvaluateSourceAllowed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        state
            .limiter
            .evaluate_sources
            .take(Source::of(ip))
            .map_err(gatehouse_domain::Error::from)?;
        Ok(EvaluateSourceAllowed)
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use gatehouse_domain::ManualClock;

    use super::*;

    fn buckets<K: Copy + Eq + Hash>(rate: Rate, capacity: usize) -> (Buckets<K>, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::default());
        (Buckets::new(rate, capacity, clock.clone()), clock)
    }

    fn v6(text: &str) -> Source {
        Source::of(Some(text.parse::<Ipv6Addr>().unwrap().into()))
    }

    #[test]
    fn a_client_gets_its_burst_then_waits_as_long_as_retry_after_says() {
        let (limiter, clock) = buckets(Rate::SIGN_IN_PER_SOURCE, 100);
        let ip = Source::of(Some(IpAddr::from([127, 0, 0, 1])));
        let allowed = (0..50).filter(|_| limiter.take(ip).is_ok()).count();
        assert_eq!(allowed, 10);
        let RetryAfter(wait) = limiter.take(ip).unwrap_err();
        assert_eq!(wait, 6);
        clock.advance(chrono::Duration::seconds(5));
        assert!(limiter.take(ip).is_err(), "not yet");
        clock.advance(chrono::Duration::seconds(1));
        assert!(limiter.take(ip).is_ok(), "after Retry-After");
        assert!(limiter
            .take(Source::of(Some(IpAddr::from([127, 0, 0, 2]))))
            .is_ok());
    }

    #[test]
    fn ipv6_addresses_in_one_slash_64_share_a_bucket_and_another_64_does_not() {
        let (limiter, _) = buckets(Rate::SIGN_IN_PER_SOURCE, 100);
        for i in 0..10 {
            assert!(limiter.take(v6(&format!("2001:db8:1:2::{i:x}"))).is_ok());
        }
        assert!(limiter.take(v6("2001:db8:1:2:ffff:1:2:3")).is_err());
        assert!(limiter.take(v6("2001:db8:1:3::1")).is_ok());
    }

    #[test]
    fn an_ipv4_mapped_ipv6_address_is_its_ipv4_address() {
        assert_eq!(
            v6("::ffff:192.0.2.7"),
            Source::of(Some(IpAddr::from([192, 0, 2, 7])))
        );
    }

    #[test]
    fn logins_share_a_bucket_whatever_their_case_and_surrounding_spaces() {
        assert_eq!(LoginKey::of("  Alice "), LoginKey::of("alice"));
        assert_ne!(LoginKey::of("alice"), LoginKey::of("alicia"));
    }

    #[test]
    fn the_map_stays_bounded_under_many_addresses() {
        let (limiter, _) = buckets(Rate::SIGN_IN_PER_SOURCE, 1_000);
        for i in 0..100_000u32 {
            let ip = Source::of(Some(IpAddr::from(i.to_be_bytes())));
            let _ = limiter.take(ip);
            let _ = limiter.take(ip);
            assert!(limiter.len() <= 1_000, "{} tracked", limiter.len());
        }
    }

    #[test]
    fn idle_clients_are_forgotten_before_busy_ones() {
        let (limiter, clock) = buckets(Rate::SIGN_IN_PER_SOURCE, 10);
        let busy = Source::of(Some(IpAddr::from([10, 0, 0, 1])));
        for _ in 0..10 {
            limiter.take(busy).unwrap();
        }
        for i in 2..11u8 {
            limiter
                .take(Source::of(Some(IpAddr::from([10, 0, 0, i]))))
                .unwrap();
        }
        // The nine light users refill within a minute; the busy one does not.
        clock.advance(chrono::Duration::seconds(12));
        limiter
            .take(Source::of(Some(IpAddr::from([10, 0, 0, 99]))))
            .unwrap();
        assert_eq!(limiter.len(), 2, "the idle ones were dropped");
        assert!(limiter.take(busy).is_ok(), "two tokens back after 12 s");
        assert!(limiter.take(busy).is_ok());
        assert!(limiter.take(busy).is_err(), "the busy client kept its debt");
    }

    #[test]
    fn one_source_at_its_highest_rate_never_empties_a_logins_bucket() {
        let clock = Arc::new(ManualClock::default());
        let limiter = RateLimiter::new(Limits::default(), clock.clone());
        let attacker = Source::of(Some(IpAddr::from([203, 0, 113, 9])));
        let admin = Source::of(Some(IpAddr::from([198, 51, 100, 7])));
        // An hour of guesses, one every 100 ms (far above what is allowed); the real
        // admin signs in from elsewhere once a minute, right after a guess.
        for tick in 1..=36_000 {
            if limiter.sign_in_sources.take(attacker).is_ok() {
                limiter
                    .sign_in_login("alice")
                    .expect("the attacker's guess is let through");
            }
            if tick % 600 == 0 {
                limiter
                    .sign_in_sources
                    .take(admin)
                    .expect("the admin's address is fresh");
                limiter
                    .sign_in_login("Alice")
                    .unwrap_or_else(|_| panic!("the admin is throttled after {} s", tick / 10));
            }
            clock.advance(chrono::Duration::milliseconds(100));
        }
    }
}
