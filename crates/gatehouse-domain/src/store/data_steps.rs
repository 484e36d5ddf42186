//! One-time data steps (see `crate::rekey`): which have run.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::Sql;

pub(crate) trait DataStepStore: Send {
    /// Claims a one-time data step; false if it ran before (after waiting for a
    /// concurrent claimer to finish, on PostgreSQL).
    fn claim_data_step(
        &mut self,
        step: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<bool>> + Send;
}

pub(super) const CLAIM_DATA_STEP: &str = "
    insert into data_steps (step, done_at)
    values ($1, $2)
    on conflict do nothing";
