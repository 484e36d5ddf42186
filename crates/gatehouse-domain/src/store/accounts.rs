//! Accounts: the organizations' customers, which users belong to.

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::Sql;
use crate::account::AccountStatus;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub id: Uuid,
    pub name: String,
    pub plan: String,
    pub metadata: Json<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    /// Decoded here: a status this version does not know fails the read.
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
}

/// How many members an account has, and how many API tokens that still work.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub(crate) struct AccountCounts {
    pub members: i64,
    pub live_api_tokens: i64,
}

pub(crate) trait AccountStore: Send {
    fn insert_account(&mut self, row: &AccountRow) -> impl Future<Output = Sql<()>> + Send;
    fn account(&mut self, id: Uuid) -> impl Future<Output = Sql<Option<AccountRow>>> + Send;
    /// A page of accounts, newest first.
    fn accounts(
        &mut self,
        limit: i64,
        offset: i64,
    ) -> impl Future<Output = Sql<Vec<AccountRow>>> + Send;
    fn count_accounts(&mut self) -> impl Future<Output = Sql<i64>> + Send;
    fn rename_account(
        &mut self,
        id: Uuid,
        name: &str,
        plan: &str,
    ) -> impl Future<Output = Sql<()>> + Send;
    fn set_account_status(
        &mut self,
        id: Uuid,
        status: AccountStatus,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Every plan some account has, with how many accounts have it, by plan.
    fn plans_in_use(&mut self) -> impl Future<Output = Sql<Vec<(String, i64)>>> + Send;
    /// Tokens that still work at `now`.
    fn account_counts(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<AccountCounts>> + Send;
    /// Deletes the account with its users and their API tokens (and what only means
    /// something with them); how many users and tokens went.
    fn delete_account(&mut self, id: Uuid) -> impl Future<Output = Sql<(u64, u64)>> + Send;
}

pub(super) const INSERT_ACCOUNT: &str = "
    insert into accounts (id, name, plan, metadata, created_at, created_by, status)
    values ($1, $2, $3, $4, $5, $6, $7)";

pub(super) const ACCOUNT: &str = "
    select id, name, plan, metadata, created_at, created_by, status
    from accounts
    where id = $1";

pub(super) const ACCOUNTS: &str = "
    select id, name, plan, metadata, created_at, created_by, status
    from accounts
    order by created_at desc, id desc
    limit $1 offset $2";

pub(super) const COUNT_ACCOUNTS: &str = "
    select count(*)
    from accounts";

pub(super) const RENAME_ACCOUNT: &str = "
    update accounts
    set name = $2, plan = $3
    where id = $1";

pub(super) const SET_ACCOUNT_STATUS: &str = "
    update accounts
    set status = $2
    where id = $1";

pub(super) const PLANS_IN_USE: &str = "
    select plan, count(*)
    from accounts
    group by plan
    order by plan";

/// Times are RFC 3339 text on SQLite, which compares in time order.
pub(super) const ACCOUNT_COUNTS: &str = "
    select
        (select count(*) from users where account_id = $1) as members,
        (
            select count(*)
            from api_tokens
            where account_id = $1
                and revoked_at is null
                and (expires_at is null or expires_at > $2)
        ) as live_api_tokens";

/// The steps of deleting account `$1` with its users, in order (one transaction):
/// forget its users as creators of other rows, then delete what refers to them; the
/// last step deletes the API tokens (its count is theirs).
pub(super) const DELETE_ACCOUNT_STEPS: [&str; 5] = [
    "update users
    set created_by = null
    where created_by in (select id from users where account_id = $1)",
    "update api_tokens
    set created_by = null
    where created_by in (select id from users where account_id = $1)",
    "delete from sign_in_throttles
    where user_id in (select id from users where account_id = $1)",
    "delete from idempotency_keys
    where account_id = $1 or user_id in (select id from users where account_id = $1)",
    "delete from api_tokens
    where account_id = $1 or user_id in (select id from users where account_id = $1)",
];

pub(super) const DELETE_ACCOUNT_USERS: &str = "
    delete from users
    where account_id = $1";

pub(super) const DELETE_ACCOUNT: &str = "
    delete from accounts
    where id = $1";
