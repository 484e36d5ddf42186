use super::Db;
use crate::store::audit::{self, AuditRow, AuditStore};
use crate::store::{Sql, Tx};

impl AuditStore for Tx<Db> {
    async fn insert_audit(&mut self, row: &AuditRow) -> Sql<()> {
        sqlx::query(audit::INSERT_AUDIT)
            .bind(row.id)
            .bind(row.at)
            .bind(row.actor_id)
            .bind(&row.action)
            .bind(&row.target_type)
            .bind(&row.target_id)
            .bind(&row.detail)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn audit_events(&mut self, limit: i64, offset: i64) -> Sql<Vec<AuditRow>> {
        sqlx::query_as(audit::AUDIT_EVENTS)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *self.0)
            .await
    }
}
