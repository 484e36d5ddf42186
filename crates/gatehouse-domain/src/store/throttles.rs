//! The statements of the sign-in throttle (see `crate::sign_in_throttle`): failures
//! per (user, source) in `sign_in_throttles`, and the username-wide count and lock in
//! `users.failed_sign_ins` / `users.locked_until`.

use std::future::Future;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Sql;

pub(crate) trait ThrottleStore: Send {
    /// Until when `source_key` must wait before trying `user_id` again, if it must
    /// (a time already past means it no longer has to).
    fn source_waits_until(
        &mut self,
        user_id: Uuid,
        source_key: &str,
    ) -> impl Future<Output = Sql<Option<DateTime<Utc>>>> + Send;
    /// Counts one failure of `source_key` at `user_id` and returns the new count: 1
    /// when the source has none yet or its count was due to be forgotten by `now`.
    /// One upsert, so racing failures all count (the row stays locked until commit).
    fn count_source_failure(
        &mut self,
        user_id: Uuid,
        source_key: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<i32>> + Send;
    fn set_source_wait(
        &mut self,
        user_id: Uuid,
        source_key: &str,
        blocked_until: Option<DateTime<Utc>>,
        forget_at: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Counts one failure in a row at the user, across sources: a lapsed lock starts
    /// the count afresh; reaching `ceiling` locks the user until `lock_until`; a lock
    /// in force is left as it is. Returns the new count and lock.
    fn count_user_failure(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
        ceiling: i32,
        lock_until: DateTime<Utc>,
    ) -> impl Future<Output = Sql<(i32, Option<DateTime<Utc>>)>> + Send;
    /// Ends the user's run of failures and lifts its lock.
    fn clear_failed_sign_ins(&mut self, id: Uuid) -> impl Future<Output = Sql<()>> + Send;
    fn forget_source(
        &mut self,
        user_id: Uuid,
        source_key: &str,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Every source's failures at the user (an admin's unlock).
    fn forget_sources(&mut self, user_id: Uuid) -> impl Future<Output = Sql<()>> + Send;
    /// The user's rows whose count would start afresh anyway: keeps the table small.
    fn forget_lapsed_sources(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
}

pub(super) const SOURCE_WAITS_UNTIL: &str = "
    select blocked_until
    from sign_in_throttles
    where user_id = $1 and source_key = $2";

pub(super) const COUNT_SOURCE_FAILURE: &str = "
    insert into sign_in_throttles (user_id, source_key, failures, blocked_until, forget_at)
    values ($1, $2, 1, null, $3)
    on conflict (user_id, source_key) do update
    set failures = case
        when sign_in_throttles.forget_at <= $3 then 1
        else sign_in_throttles.failures + 1
    end
    returning failures";

pub(super) const SET_SOURCE_WAIT: &str = "
    update sign_in_throttles
    set blocked_until = $3, forget_at = $4
    where user_id = $1 and source_key = $2";

/// The right-hand sides all read the row as it was before the update.
pub(super) const COUNT_USER_FAILURE: &str = "
    update users
    set
        failed_sign_ins = case
            when locked_until <= $2 then 1
            else failed_sign_ins + 1
        end,
        locked_until = case
            when locked_until > $2 then locked_until
            when (case when locked_until <= $2 then 1 else failed_sign_ins + 1 end) >= $3
                then $4
            else null
        end
    where id = $1
    returning failed_sign_ins, locked_until";

pub(super) const CLEAR_FAILED_SIGN_INS: &str = "
    update users
    set failed_sign_ins = 0, locked_until = null
    where id = $1";

pub(super) const FORGET_SOURCE: &str = "
    delete from sign_in_throttles
    where user_id = $1 and source_key = $2";

pub(super) const FORGET_SOURCES: &str = "
    delete from sign_in_throttles
    where user_id = $1";

pub(super) const FORGET_LAPSED_SOURCES: &str = "
    delete from sign_in_throttles
    where user_id = $1 and forget_at <= $2";
