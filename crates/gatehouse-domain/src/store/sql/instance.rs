use sqlx::types::Json;

use super::Db;
use crate::instance::Settings;
use crate::store::instance::{self, InstanceRow, InstanceStore};
use crate::store::{Sql, Tx};

impl InstanceStore for Tx<Db> {
    async fn insert_instance(&mut self, row: &InstanceRow) -> Sql<()> {
        sqlx::query(instance::INSERT_INSTANCE)
            .bind(row.id)
            .bind(&row.organization)
            .bind(&row.settings)
            .bind(row.created_at)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn instance(&mut self) -> Sql<Option<InstanceRow>> {
        sqlx::query_as(instance::INSTANCE)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn update_settings(&mut self, settings: &Json<Settings>) -> Sql<()> {
        sqlx::query(instance::UPDATE_SETTINGS)
            .bind(settings)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}
