//! Throttling password guesses so that they cannot be turned against the real user
//! (docs/decisions/0002-sign-in-throttle.md).
//!
//! Failures are counted per (user, source). A source is where an attempt comes from:
//! a network address (IPv6 by /64), the desktop app, or the session of a password
//! change. After [`Settings::lockout_threshold`] failures within the window
//! ([`Settings::lockout_minutes`]) a source must wait: 1 minute, doubling with each
//! further failure, at most an hour. Its attempts meanwhile are refused without
//! checking the password and are not counted. A source's count is forgotten once it
//! has not failed for a window after its last failure or wait, and a success from
//! it clears it; other sources are untouched by either, so guessing from one address
//! never keeps the right password out from another.
//!
//! Across sources, the user's failures in a row are counted too (NIST SP 800-63B:
//! at most 100). At [`CEILING`] the username is locked for every network source for
//! [`CEILING_LOCK_HOURS`] hours (the desktop app, which holds the database itself,
//! keeps only its own wait), unless an admin lifts it first; a lapsed lock starts
//! the count afresh, and any success ends the run.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Credential;
use crate::error::Result;
use crate::instance::Settings;
use crate::store::{ThrottleStore, UserRow};

/// Failures in a row at one user, across every source, that lock the username
/// (NIST SP 800-63B's maximum).
pub const CEILING: u32 = 100;
/// How long the username stays locked for network sources once [`CEILING`] is reached.
pub const CEILING_LOCK_HOURS: i64 = 24;
/// A source's first wait, doubled with each further failure...
pub const FIRST_WAIT_MINUTES: i64 = 1;
/// ...up to this.
pub const LONGEST_WAIT_MINUTES: i64 = 60;

/// Where a sign-in attempt comes from, as the adapter knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInSource {
    /// The desktop app, which holds the database (a local file or the shared
    /// PostgreSQL's password) and so is exempt from the username-wide lock.
    Desktop,
    /// A network client, by the address of its connection.
    Address(IpAddr),
}

/// A source as stored: built only here, so every key has one of the known forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SourceKey(String);

impl SourceKey {
    const DESKTOP: &'static str = "desktop";

    /// IPv4 addresses are keyed whole; IPv6 by their /64, the block one host or
    /// customer usually gets, so a client cannot walk through its own addresses.
    pub(crate) fn of(source: SignInSource) -> Self {
        match source {
            SignInSource::Desktop => SourceKey(Self::DESKTOP.to_owned()),
            SignInSource::Address(IpAddr::V4(v4)) => SourceKey(format!("ip:{v4}")),
            SignInSource::Address(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => SourceKey(format!("ip:{v4}")),
                None => {
                    let s = v6.segments();
                    SourceKey(format!(
                        "ip:{:x}:{:x}:{:x}:{:x}::/64",
                        s[0], s[1], s[2], s[3]
                    ))
                }
            },
        }
    }

    /// The session (access or API token) a password change is made with. A digest,
    /// not the token: 64 bits of its SHA-256 tell sessions apart and reveal nothing.
    pub(crate) fn session(credential: &Credential) -> Self {
        let digest = Sha256::digest(credential.expose().as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        SourceKey(format!("session:{hex}"))
    }

    fn exempt_from_user_lock(&self) -> bool {
        self.0 == Self::DESKTOP
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why an attempt is refused before its password is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// This source failed too often and must wait.
    SourceWaiting,
    /// The username reached the ceiling and is locked for this source.
    UserLocked,
}

/// Whether `source` may try a password for `user` at `now`.
pub(crate) async fn refusal(
    tx: &mut impl ThrottleStore,
    user: &UserRow,
    source: &SourceKey,
    now: DateTime<Utc>,
) -> Result<Option<Refusal>> {
    if !source.exempt_from_user_lock() && user.locked_until.is_some_and(|until| until > now) {
        return Ok(Some(Refusal::UserLocked));
    }
    let waiting = tx
        .source_waits_until(user.id, source.as_str())
        .await?
        .is_some_and(|until| until > now);
    Ok(waiting.then_some(Refusal::SourceWaiting))
}

/// What counting a failure did.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Counted {
    /// Failures from this source in its current window.
    pub source_failures: u32,
    /// The source must wait until then.
    pub source_waits_until: Option<DateTime<Utc>>,
    /// Failures in a row at the user, across sources.
    pub user_failures: u32,
    pub user_locked_until: Option<DateTime<Utc>>,
}

/// How long a source waits after its `failures`-th failure in a window, if at all.
fn wait_after(failures: u32, threshold: u32) -> Option<Duration> {
    let beyond = failures.checked_sub(threshold)?;
    let minutes = FIRST_WAIT_MINUTES
        .checked_shl(beyond.min(32))
        .unwrap_or(i64::MAX)
        .min(LONGEST_WAIT_MINUTES);
    Some(Duration::minutes(minutes))
}

/// Counts a wrong password from `source` at `user_id`, in the caller's write
/// transaction.
pub(crate) async fn record_failure(
    tx: &mut impl ThrottleStore,
    user_id: Uuid,
    source: &SourceKey,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Counted> {
    tx.forget_lapsed_sources(user_id, now).await?;
    let failures = tx
        .count_source_failure(user_id, source.as_str(), now)
        .await?;
    let failures = u32::try_from(failures).unwrap_or(0);
    let waits_until = wait_after(failures, settings.lockout_threshold).map(|wait| now + wait);
    let window = Duration::minutes(i64::from(settings.lockout_minutes));
    let forget_at = waits_until.unwrap_or(now) + window;
    tx.set_source_wait(user_id, source.as_str(), waits_until, forget_at)
        .await?;
    let ceiling = i32::try_from(CEILING).unwrap_or(i32::MAX);
    let lock_until = now + Duration::hours(CEILING_LOCK_HOURS);
    let (user_failures, user_locked_until) = tx
        .count_user_failure(user_id, now, ceiling, lock_until)
        .await?;
    Ok(Counted {
        source_failures: failures,
        source_waits_until: waits_until,
        user_failures: u32::try_from(user_failures).unwrap_or(0),
        user_locked_until,
    })
}

/// A right password from `source`: its count and the user's run of failures end.
/// Other sources keep theirs.
pub(crate) async fn record_success(
    tx: &mut impl ThrottleStore,
    user_id: Uuid,
    source: &SourceKey,
) -> Result<()> {
    tx.forget_source(user_id, source.as_str()).await?;
    tx.clear_failed_sign_ins(user_id).await?;
    Ok(())
}

/// An admin's unlock: the username lock and every source's wait and count go.
pub(crate) async fn lift(tx: &mut impl ThrottleStore, user_id: Uuid) -> Result<()> {
    tx.forget_sources(user_id).await?;
    tx.clear_failed_sign_ins(user_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_starts_at_the_threshold_and_doubles_up_to_an_hour() {
        let waits: Vec<_> = (1..=13)
            .map(|n| wait_after(n, 5).map(|d| d.num_minutes()))
            .collect();
        assert_eq!(
            waits,
            [
                None,
                None,
                None,
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(32),
                Some(60),
                Some(60),
                Some(60)
            ]
        );
        assert_eq!(wait_after(u32::MAX, 3), Some(Duration::minutes(60)));
    }

    #[test]
    fn ipv6_sources_are_keyed_by_their_64_bit_prefix_and_mapped_ipv4_as_ipv4() {
        let key = |s: &str| SourceKey::of(SignInSource::Address(s.parse().unwrap())).0;
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
        assert_eq!(key("2001:db8:1:2::1"), "ip:2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("::ffff:192.0.2.7"), key("192.0.2.7"));
        assert_eq!(key("192.0.2.7"), "ip:192.0.2.7");
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"));
    }

    #[test]
    fn a_session_key_does_not_contain_the_token() {
        let key = SourceKey::session(&Credential::bearer("gth_secret-token-value")).0;
        assert!(key.starts_with("session:") && !key.contains("secret"));
        assert_eq!(key.len(), "session:".len() + 16);
    }
}
