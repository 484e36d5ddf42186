use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::store::api_tokens::{self, ApiTokenRow, ApiTokenStore, ListedApiTokenRow, TokenFilter};
use crate::store::{Sql, Tx};

impl ApiTokenStore for Tx<Db> {
    async fn insert_api_token(&mut self, row: &ApiTokenRow) -> Sql<()> {
        sqlx::query(api_tokens::INSERT_API_TOKEN)
            .bind(row.id)
            .bind(row.user_id)
            .bind(row.account_id)
            .bind(&row.name)
            .bind(&row.prefix)
            .bind(&row.secret_hash)
            .bind(row.created_at)
            .bind(row.created_by)
            .bind(row.expires_at)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn api_token(&mut self, id: Uuid) -> Sql<Option<ListedApiTokenRow>> {
        sqlx::query_as(api_tokens::API_TOKEN)
            .bind(id)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn api_token_by_hash(&mut self, hash: &[u8]) -> Sql<Option<ApiTokenRow>> {
        sqlx::query_as(api_tokens::API_TOKEN_BY_HASH)
            .bind(hash)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn api_tokens_of(&mut self, user_id: Uuid) -> Sql<Vec<ListedApiTokenRow>> {
        sqlx::query_as(api_tokens::API_TOKENS_OF)
            .bind(user_id)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn revoke_api_token(&mut self, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(api_tokens::REVOKE_API_TOKEN)
            .bind(id)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn revoke_live_api_tokens_of(&mut self, user_id: Uuid, now: DateTime<Utc>) -> Sql<u64> {
        let done = sqlx::query(api_tokens::REVOKE_LIVE_API_TOKENS_OF)
            .bind(user_id)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected())
    }

    async fn api_tokens_matching(&mut self, filter: &TokenFilter) -> Sql<Vec<ListedApiTokenRow>> {
        sqlx::query_as(api_tokens::API_TOKENS_MATCHING)
            .bind(filter.user_id)
            .bind(filter.account_id)
            .bind(filter.state)
            .bind(filter.now)
            .bind(filter.limit)
            .bind(filter.offset)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn count_api_tokens_matching(&mut self, filter: &TokenFilter) -> Sql<i64> {
        sqlx::query_scalar(api_tokens::COUNT_API_TOKENS_MATCHING)
            .bind(filter.user_id)
            .bind(filter.account_id)
            .bind(filter.state)
            .bind(filter.now)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn touch_api_token(&mut self, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(api_tokens::TOUCH_API_TOKEN)
            .bind(id)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
