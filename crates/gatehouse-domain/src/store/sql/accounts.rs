use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::account::AccountStatus;
use crate::store::accounts::{self, AccountCounts, AccountRow, AccountStore};
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
            .bind(row.status.as_str())
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

    async fn rename_account(&mut self, id: Uuid, name: &str, plan: &str) -> Sql<()> {
        sqlx::query(accounts::RENAME_ACCOUNT)
            .bind(id)
            .bind(name)
            .bind(plan)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn set_account_status(&mut self, id: Uuid, status: AccountStatus) -> Sql<()> {
        sqlx::query(accounts::SET_ACCOUNT_STATUS)
            .bind(id)
            .bind(status.as_str())
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn plans_in_use(&mut self) -> Sql<Vec<(String, i64)>> {
        sqlx::query_as(accounts::PLANS_IN_USE)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn account_counts(&mut self, id: Uuid, now: DateTime<Utc>) -> Sql<AccountCounts> {
        sqlx::query_as(accounts::ACCOUNT_COUNTS)
            .bind(id)
            .bind(now)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn delete_account(&mut self, id: Uuid) -> Sql<(u64, u64)> {
        let mut tokens = 0;
        for statement in accounts::DELETE_ACCOUNT_STEPS {
            tokens = sqlx::query(statement)
                .bind(id)
                .execute(&mut *self.0)
                .await?
                .rows_affected();
        }
        let users = sqlx::query(accounts::DELETE_ACCOUNT_USERS)
            .bind(id)
            .execute(&mut *self.0)
            .await?
            .rows_affected();
        sqlx::query(accounts::DELETE_ACCOUNT)
            .bind(id)
            .execute(&mut *self.0)
            .await?;
        Ok((users, tokens))
    }
}
