use chrono::{DateTime, Utc};

use super::Db;
use crate::store::signing_keys::{self, SigningKeyRow, SigningKeyStore};
use crate::store::{Sql, Tx};

impl SigningKeyStore for Tx<Db> {
    async fn insert_signing_key(&mut self, row: &SigningKeyRow) -> Sql<()> {
        sqlx::query(signing_keys::INSERT_SIGNING_KEY)
            .bind(&row.kid)
            .bind(&row.algorithm)
            .bind(&row.public_key)
            .bind(row.created_at)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn signing_key(&mut self, kid: &str) -> Sql<Option<SigningKeyRow>> {
        sqlx::query_as(signing_keys::SIGNING_KEY)
            .bind(kid)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn active_signing_keys(&mut self) -> Sql<Vec<SigningKeyRow>> {
        sqlx::query_as(signing_keys::ACTIVE_SIGNING_KEYS)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn touch_signing_key(&mut self, kid: &str, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(signing_keys::TOUCH_SIGNING_KEY)
            .bind(kid)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
