//! The instance row: the one row that says the instance is set up, with its
//! organization and settings.

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::Sql;
use crate::instance::Settings;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct InstanceRow {
    pub id: Uuid,
    pub organization: String,
    pub settings: Json<Settings>,
    pub created_at: DateTime<Utc>,
}

pub(crate) trait InstanceStore: Send {
    /// Fails with a unique violation on `instance` if the instance is set up already.
    fn insert_instance(&mut self, row: &InstanceRow) -> impl Future<Output = Sql<()>> + Send;
    fn instance(&mut self) -> impl Future<Output = Sql<Option<InstanceRow>>> + Send;
    fn update_settings(
        &mut self,
        settings: &Json<Settings>,
    ) -> impl Future<Output = Sql<()>> + Send;
}

/// The singleton column keeps the table at one row.
pub(super) const INSERT_INSTANCE: &str = "
    insert into instance (singleton, id, organization, settings, created_at)
    values (1, $1, $2, $3, $4)";

pub(super) const INSTANCE: &str = "
    select id, organization, settings, created_at
    from instance";

pub(super) const UPDATE_SETTINGS: &str = "
    update instance
    set settings = $1";
