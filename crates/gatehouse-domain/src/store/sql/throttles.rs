use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::store::throttles::{self, ThrottleStore};
use crate::store::{Sql, Tx};

impl ThrottleStore for Tx<Db> {
    async fn source_waits_until(
        &mut self,
        user_id: Uuid,
        source_key: &str,
    ) -> Sql<Option<DateTime<Utc>>> {
        let until: Option<Option<DateTime<Utc>>> =
            sqlx::query_scalar(throttles::SOURCE_WAITS_UNTIL)
                .bind(user_id)
                .bind(source_key)
                .fetch_optional(&mut *self.0)
                .await?;
        Ok(until.flatten())
    }

    async fn count_source_failure(
        &mut self,
        user_id: Uuid,
        source_key: &str,
        now: DateTime<Utc>,
    ) -> Sql<i32> {
        sqlx::query_scalar(throttles::COUNT_SOURCE_FAILURE)
            .bind(user_id)
            .bind(source_key)
            .bind(now)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn set_source_wait(
        &mut self,
        user_id: Uuid,
        source_key: &str,
        blocked_until: Option<DateTime<Utc>>,
        forget_at: DateTime<Utc>,
    ) -> Sql<()> {
        sqlx::query(throttles::SET_SOURCE_WAIT)
            .bind(user_id)
            .bind(source_key)
            .bind(blocked_until)
            .bind(forget_at)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn count_user_failure(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
        ceiling: i32,
        lock_until: DateTime<Utc>,
    ) -> Sql<(i32, Option<DateTime<Utc>>)> {
        sqlx::query_as(throttles::COUNT_USER_FAILURE)
            .bind(user_id)
            .bind(now)
            .bind(ceiling)
            .bind(lock_until)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn clear_failed_sign_ins(&mut self, id: Uuid) -> Sql<()> {
        sqlx::query(throttles::CLEAR_FAILED_SIGN_INS)
            .bind(id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn forget_source(&mut self, user_id: Uuid, source_key: &str) -> Sql<()> {
        sqlx::query(throttles::FORGET_SOURCE)
            .bind(user_id)
            .bind(source_key)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn forget_sources(&mut self, user_id: Uuid) -> Sql<()> {
        sqlx::query(throttles::FORGET_SOURCES)
            .bind(user_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn forget_lapsed_sources(&mut self, user_id: Uuid, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(throttles::FORGET_LAPSED_SOURCES)
            .bind(user_id)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
