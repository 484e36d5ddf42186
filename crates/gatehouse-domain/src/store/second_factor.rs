//! Two-step sign-in: users' TOTP secrets, their recovery codes and the challenges of
//! sign-ins waiting for their second step (docs/decisions/0011-second-factor.md).

use std::future::Future;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Sql;

#[derive(Clone, sqlx::FromRow)]
pub(crate) struct TotpRow {
    /// Base32, as the authenticator app was given it.
    pub secret: String,
    /// `None` while the enrolment waits for its first code.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_step: i64,
}

impl std::fmt::Debug for TotpRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpRow")
            .field("confirmed_at", &self.confirmed_at)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

pub(crate) trait SecondFactorStore: Send {
    fn totp(&mut self, user_id: Uuid) -> impl Future<Output = Sql<Option<TotpRow>>> + Send;
    /// Begins (or begins again) an enrolment with `secret`, unless the user has a
    /// confirmed one: false then, and nothing changes.
    fn start_totp(
        &mut self,
        user_id: Uuid,
        secret: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<bool>> + Send;
    /// Confirms a started enrolment with the code of `step`: false if there is none to
    /// confirm (already confirmed, or a racing confirmation won).
    fn confirm_totp(
        &mut self,
        user_id: Uuid,
        step: i64,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<bool>> + Send;
    /// Accepts `step` for a confirmed secret if it is later than the last accepted one:
    /// one conditional update, so of two racing uses of one code exactly one is true.
    fn accept_totp_step(
        &mut self,
        user_id: Uuid,
        step: i64,
    ) -> impl Future<Output = Sql<bool>> + Send;
    /// Removes the secret and the recovery codes; whether there was a secret.
    fn delete_second_factor(&mut self, user_id: Uuid) -> impl Future<Output = Sql<bool>> + Send;
    /// Replaces the user's recovery codes with these digests.
    fn replace_recovery_codes(
        &mut self,
        user_id: Uuid,
        hashes: &[Vec<u8>],
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Uses the unused code of this digest: one conditional update, so a code works once.
    fn use_recovery_code(
        &mut self,
        user_id: Uuid,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<bool>> + Send;
    fn unused_recovery_codes(&mut self, user_id: Uuid) -> impl Future<Output = Sql<i64>> + Send;
    /// Keeps a new challenge, first deleting every expired one.
    fn insert_challenge(
        &mut self,
        hash: &[u8],
        user_id: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// The user a challenge that has not expired at `now` was made for.
    fn challenge_user(
        &mut self,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<Option<Uuid>>> + Send;
    fn delete_challenge(&mut self, hash: &[u8]) -> impl Future<Output = Sql<()>> + Send;
    fn delete_challenges_of(&mut self, user_id: Uuid) -> impl Future<Output = Sql<()>> + Send;
}

pub(super) const TOTP: &str = "
    select secret, confirmed_at, last_step
    from user_totp
    where user_id = $1";

/// A confirmed secret is left alone (the `where` of the upsert).
pub(super) const START_TOTP: &str = "
    insert into user_totp (user_id, secret, confirmed_at, last_step, created_at)
    values ($1, $2, null, 0, $3)
    on conflict (user_id) do update
    set secret = $2, last_step = 0, created_at = $3
    where user_totp.confirmed_at is null";

pub(super) const CONFIRM_TOTP: &str = "
    update user_totp
    set confirmed_at = $3, last_step = $2
    where user_id = $1 and confirmed_at is null and last_step < $2";

pub(super) const ACCEPT_TOTP_STEP: &str = "
    update user_totp
    set last_step = $2
    where user_id = $1 and confirmed_at is not null and last_step < $2";

pub(super) const DELETE_RECOVERY_CODES: &str = "
    delete from recovery_codes
    where user_id = $1";

pub(super) const DELETE_TOTP: &str = "
    delete from user_totp
    where user_id = $1";

pub(super) const INSERT_RECOVERY_CODE: &str = "
    insert into recovery_codes (user_id, code_hash, used_at)
    values ($1, $2, null)";

pub(super) const USE_RECOVERY_CODE: &str = "
    update recovery_codes
    set used_at = $3
    where user_id = $1 and code_hash = $2 and used_at is null";

pub(super) const UNUSED_RECOVERY_CODES: &str = "
    select count(*)
    from recovery_codes
    where user_id = $1 and used_at is null";

pub(super) const DELETE_EXPIRED_CHALLENGES: &str = "
    delete from sign_in_challenges
    where expires_at <= $1";

pub(super) const INSERT_CHALLENGE: &str = "
    insert into sign_in_challenges (challenge_hash, user_id, expires_at)
    values ($1, $2, $3)";

pub(super) const CHALLENGE_USER: &str = "
    select user_id
    from sign_in_challenges
    where challenge_hash = $1 and expires_at > $2";

pub(super) const DELETE_CHALLENGE: &str = "
    delete from sign_in_challenges
    where challenge_hash = $1";

pub(super) const DELETE_CHALLENGES_OF: &str = "
    delete from sign_in_challenges
    where user_id = $1";
