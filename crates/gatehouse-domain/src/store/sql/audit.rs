use super::Db;
use crate::store::audit::{self, AuditFilter, AuditRow, AuditStore, ChainHeadRow};
use crate::store::{Sql, Tx};

impl AuditStore for Tx<Db> {
    async fn insert_audit(&mut self, row: &AuditRow) -> Sql<()> {
        sqlx::query(audit::INSERT_AUDIT)
            .bind(row.id)
            .bind(row.seq)
            .bind(row.at)
            .bind(row.actor_id)
            .bind(&row.actor_name)
            .bind(&row.action)
            .bind(&row.target_type)
            .bind(&row.target_id)
            .bind(&row.target_name)
            .bind(&row.detail)
            .bind(&row.prev_hash)
            .bind(&row.hash)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn advance_chain_head(&mut self) -> Sql<ChainHeadRow> {
        sqlx::query_as(audit::ADVANCE_CHAIN_HEAD)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn set_chain_head_hash(&mut self, hash: &str) -> Sql<()> {
        sqlx::query(audit::SET_CHAIN_HEAD_HASH)
            .bind(hash)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn chain_head(&mut self) -> Sql<ChainHeadRow> {
        sqlx::query_as(audit::CHAIN_HEAD)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn audit_events(&mut self, filter: &AuditFilter) -> Sql<Vec<AuditRow>> {
        sqlx::query_as(audit::AUDIT_EVENTS)
            .bind(filter.actor_id)
            .bind(&filter.action)
            .bind(&filter.target_id)
            .bind(filter.from)
            .bind(filter.to)
            .bind(&filter.pattern)
            .bind(filter.before_seq)
            .bind(filter.limit)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn chained_events(&mut self, after: i64, through: i64, limit: i64) -> Sql<Vec<AuditRow>> {
        sqlx::query_as(audit::CHAINED_EVENTS)
            .bind(after)
            .bind(through)
            .bind(limit)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn event_beyond_head(&mut self) -> Sql<Option<AuditRow>> {
        sqlx::query_as(audit::EVENT_BEYOND_HEAD)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn unchained_event(&mut self) -> Sql<Option<AuditRow>> {
        sqlx::query_as(audit::UNCHAINED_EVENT)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn unchained_events(&mut self) -> Sql<Vec<AuditRow>> {
        sqlx::query_as(audit::UNCHAINED_EVENTS)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn chain_event(&mut self, row: &AuditRow) -> Sql<()> {
        sqlx::query(audit::CHAIN_EVENT)
            .bind(row.id)
            .bind(row.seq)
            .bind(&row.actor_name)
            .bind(&row.target_name)
            .bind(&row.prev_hash)
            .bind(&row.hash)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
