use uuid::Uuid;

use super::Db;
use crate::store::accounts::{self, AccountRow, AccountStore};
use crate::store::{Sql, Tx};

impl AccountStore for Tx<Db> {
    async fn insert_account(&mut self, row: &AccountRow) -> Sql<()> {
        sqlx::query(accounts::INSERT_ACCOUNT)
            .bind(row.id)
            .bind(&row.name)
            .bind(&row.plan)
            .bind(&row.metadata)
            .bind(row.created_at)
            .bind(row.created_by)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn account(&mut self, id: Uuid) -> Sql<Option<AccountRow>> {
        sqlx::query_as(accounts::ACCOUNT)
            .bind(id)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn accounts(&mut self, limit: i64, offset: i64) -> Sql<Vec<AccountRow>> {
        sqlx::query_as(accounts::ACCOUNTS)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn count_accounts(&mut self) -> Sql<i64> {
        sqlx::query_scalar(accounts::COUNT_ACCOUNTS)
            .fetch_one(&mut *self.0)
            .await
    }
}
