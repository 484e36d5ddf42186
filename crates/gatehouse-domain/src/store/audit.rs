//! The audit trail's events (see `crate::audit`).

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub detail: Json<serde_json::Value>,
}

pub(crate) trait AuditStore: Send {
    fn insert_audit(&mut self, row: &AuditRow) -> impl Future<Output = Sql<()>> + Send;
    /// A page of events, newest first.
    fn audit_events(
        &mut self,
        limit: i64,
        offset: i64,
    ) -> impl Future<Output = Sql<Vec<AuditRow>>> + Send;
}

pub(super) const INSERT_AUDIT: &str = "
    insert into audit_events (id, at, actor_id, action, target_type, target_id, detail)
    values ($1, $2, $3, $4, $5, $6, $7)";

pub(super) const AUDIT_EVENTS: &str = "
    select id, at, actor_id, action, target_type, target_id, detail
    from audit_events
    order by at desc, id desc
    limit $1 offset $2";
