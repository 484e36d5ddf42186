//! Idempotency keys: a client's key for a "create account" it may send again, and
//! what the first request created.

use std::future::Future;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct IdempotencyRow {
    pub actor_id: Uuid,
    pub key: String,
    pub fingerprint: String,
    pub account_id: Uuid,
    pub user_id: Uuid,
    pub token_id: Uuid,
    pub created_at: DateTime<Utc>,
}

pub(crate) trait IdempotencyStore: Send {
    /// Claims `row.key` for `row.actor_id`; false if it was already claimed (after
    /// waiting for the claiming transaction to finish, on PostgreSQL).
    fn claim_idempotency_key(
        &mut self,
        row: &IdempotencyRow,
    ) -> impl Future<Output = Sql<bool>> + Send;
    fn idempotency_key(
        &mut self,
        actor_id: Uuid,
        key: &str,
    ) -> impl Future<Output = Sql<Option<IdempotencyRow>>> + Send;
}

pub(super) const CLAIM_IDEMPOTENCY_KEY: &str = "
    insert into idempotency_keys (
        actor_id, key, fingerprint, account_id, user_id, token_id, created_at
    )
    values ($1, $2, $3, $4, $5, $6, $7)
    on conflict do nothing";

pub(super) const IDEMPOTENCY_KEY: &str = "
    select actor_id, key, fingerprint, account_id, user_id, token_id, created_at
    from idempotency_keys
    where actor_id = $1 and key = $2";
