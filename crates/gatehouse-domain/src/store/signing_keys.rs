//! Signing keys: the public halves of the keys that sign access tokens (the private
//! halves live in the secret store).

use std::future::Future;

use chrono::{DateTime, Utc};

use super::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SigningKeyRow {
    pub kid: String,
    pub algorithm: String,
    pub public_key: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    pub last_signed_at: Option<DateTime<Utc>>,
}

pub(crate) trait SigningKeyStore: Send {
    fn insert_signing_key(&mut self, row: &SigningKeyRow) -> impl Future<Output = Sql<()>> + Send;
    fn signing_key(&mut self, kid: &str)
        -> impl Future<Output = Sql<Option<SigningKeyRow>>> + Send;
    /// The keys not retired, oldest first.
    fn active_signing_keys(&mut self) -> impl Future<Output = Sql<Vec<SigningKeyRow>>> + Send;
    fn touch_signing_key(
        &mut self,
        kid: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
}

pub(super) const INSERT_SIGNING_KEY: &str = "
    insert into signing_keys (kid, algorithm, public_key, created_at)
    values ($1, $2, $3, $4)";

pub(super) const SIGNING_KEY: &str = "
    select kid, algorithm, public_key, created_at, retired_at, last_signed_at
    from signing_keys
    where kid = $1";

pub(super) const ACTIVE_SIGNING_KEYS: &str = "
    select kid, algorithm, public_key, created_at, retired_at, last_signed_at
    from signing_keys
    where retired_at is null
    order by created_at";

pub(super) const TOUCH_SIGNING_KEY: &str = "
    update signing_keys
    set last_signed_at = $2
    where kid = $1";
