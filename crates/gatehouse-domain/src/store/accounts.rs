//! Accounts: the organizations' customers, which users belong to.

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub id: Uuid,
    pub name: String,
    pub plan: String,
    pub metadata: Json<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
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
}

pub(super) const INSERT_ACCOUNT: &str = "
    insert into accounts (id, name, plan, metadata, created_at, created_by)
    values ($1, $2, $3, $4, $5, $6)";

pub(super) const ACCOUNT: &str = "
    select id, name, plan, metadata, created_at, created_by
    from accounts
    where id = $1";

pub(super) const ACCOUNTS: &str = "
    select id, name, plan, metadata, created_at, created_by
    from accounts
    order by created_at desc, id desc
    limit $1 offset $2";

pub(super) const COUNT_ACCOUNTS: &str = "
    select count(*)
    from accounts";
