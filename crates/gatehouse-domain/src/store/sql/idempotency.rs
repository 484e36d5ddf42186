use uuid::Uuid;

use super::Db;
use crate::store::idempotency::{self, IdempotencyRow, IdempotencyStore};
use crate::store::{Sql, Tx};

impl IdempotencyStore for Tx<Db> {
    async fn claim_idempotency_key(&mut self, row: &IdempotencyRow) -> Sql<bool> {
        let done = sqlx::query(idempotency::CLAIM_IDEMPOTENCY_KEY)
            .bind(row.actor_id)
            .bind(&row.key)
            .bind(&row.fingerprint)
            .bind(row.account_id)
            .bind(row.user_id)
            .bind(row.token_id)
            .bind(row.created_at)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn idempotency_key(&mut self, actor_id: Uuid, key: &str) -> Sql<Option<IdempotencyRow>> {
        sqlx::query_as(idempotency::IDEMPOTENCY_KEY)
            .bind(actor_id)
            .bind(key)
            .fetch_optional(&mut *self.0)
            .await
    }
}
