use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::store::second_factor::{self as sql, SecondFactorStore, TotpRow};
use crate::store::{Sql, Tx};

impl SecondFactorStore for Tx<Db> {
    async fn totp(&mut self, user_id: Uuid) -> Sql<Option<TotpRow>> {
        sqlx::query_as(sql::TOTP)
            .bind(user_id)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn start_totp(&mut self, user_id: Uuid, secret: &str, now: DateTime<Utc>) -> Sql<bool> {
        let done = sqlx::query(sql::START_TOTP)
            .bind(user_id)
            .bind(secret)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn confirm_totp(&mut self, user_id: Uuid, step: i64, now: DateTime<Utc>) -> Sql<bool> {
        let done = sqlx::query(sql::CONFIRM_TOTP)
            .bind(user_id)
            .bind(step)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn accept_totp_step(&mut self, user_id: Uuid, step: i64) -> Sql<bool> {
        let done = sqlx::query(sql::ACCEPT_TOTP_STEP)
            .bind(user_id)
            .bind(step)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_second_factor(&mut self, user_id: Uuid) -> Sql<bool> {
        sqlx::query(sql::DELETE_RECOVERY_CODES)
            .bind(user_id)
            .execute(&mut *self.0)
            .await?;
        let done = sqlx::query(sql::DELETE_TOTP)
            .bind(user_id)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn replace_recovery_codes(&mut self, user_id: Uuid, hashes: &[Vec<u8>]) -> Sql<()> {
        sqlx::query(sql::DELETE_RECOVERY_CODES)
            .bind(user_id)
            .execute(&mut *self.0)
            .await?;
        for hash in hashes {
            sqlx::query(sql::INSERT_RECOVERY_CODE)
                .bind(user_id)
                .bind(hash)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(())
    }

    async fn use_recovery_code(
        &mut self,
        user_id: Uuid,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> Sql<bool> {
        let done = sqlx::query(sql::USE_RECOVERY_CODE)
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn unused_recovery_codes(&mut self, user_id: Uuid) -> Sql<i64> {
        sqlx::query_scalar(sql::UNUSED_RECOVERY_CODES)
            .bind(user_id)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn insert_challenge(
        &mut self,
        hash: &[u8],
        user_id: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Sql<()> {
        sqlx::query(sql::DELETE_EXPIRED_CHALLENGES)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        sqlx::query(sql::INSERT_CHALLENGE)
            .bind(hash)
            .bind(user_id)
            .bind(expires_at)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn challenge_user(&mut self, hash: &[u8], now: DateTime<Utc>) -> Sql<Option<Uuid>> {
        sqlx::query_scalar(sql::CHALLENGE_USER)
            .bind(hash)
            .bind(now)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn delete_challenge(&mut self, hash: &[u8]) -> Sql<()> {
        sqlx::query(sql::DELETE_CHALLENGE)
            .bind(hash)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn delete_challenges_of(&mut self, user_id: Uuid) -> Sql<()> {
        sqlx::query(sql::DELETE_CHALLENGES_OF)
            .bind(user_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
