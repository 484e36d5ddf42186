use chrono::{DateTime, Utc};

use super::Db;
use crate::store::data_steps::{self, DataStepStore};
use crate::store::{Sql, Tx};

impl DataStepStore for Tx<Db> {
    async fn claim_data_step(&mut self, step: &str, now: DateTime<Utc>) -> Sql<bool> {
        let done = sqlx::query(data_steps::CLAIM_DATA_STEP)
            .bind(step)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
