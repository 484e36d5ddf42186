//! Storage: every statement the core runs, written once for SQLite and PostgreSQL.
//!
//! One module per stored concept holds its rows, a trait with one method per
//! statement, and the statements' SQL: [`instance`], [`accounts`], [`users`],
//! [`api_tokens`], [`signing_keys`], [`audit`], [`idempotency`], [`data_steps`],
//! [`throttles`] and [`second_factor`]. [`Store`] is all of these traits at once; the business logic is
//! generic over it (`tx: &mut impl Store`) and so written once too.
//!
//! The traits are implemented once, in plain Rust in `sql/`, for a transaction
//! ([`Tx`]) on a database called `Db`. That directory is compiled twice, as the
//! modules `on_sqlite` and `on_postgres`, each naming `Db` its own database: the
//! statements cannot drift apart, and rustfmt and the compiler see ordinary code.
//!
//! The SQL stays within what both databases accept (`$n` placeholders, `on conflict`,
//! `returning`); nothing in it differs between them but how the user list's search
//! finds its rows (SQLite's FTS5 index, PostgreSQL's trigram indexes: see
//! [`users::Dialect`]), a choice the statement builders make. What else differs is outside the
//! statements: where the data lives ([`config`]), connecting and beginning a
//! transaction ([`pool`], [`sqlite`]), and reading a failure ([`faults`],
//! [`unique_violation`]). Times are computed by the application, never by `now()`.

mod accounts;
mod api_tokens;
mod audit;
mod config;
mod data_steps;
mod faults;
mod idempotency;
mod instance;
mod pool;
mod second_factor;
mod signing_keys;
mod sqlite;
mod throttles;
mod users;

// Loading `sql/` twice is the point: once per database.
#[path = "sql"]
#[allow(clippy::duplicate_mod)]
mod on_sqlite {
    use sqlx::Sqlite as Db;
    #[path = "mod.rs"]
    mod sql;
}

#[path = "sql"]
#[allow(clippy::duplicate_mod)]
mod on_postgres {
    use sqlx::Postgres as Db;
    #[path = "mod.rs"]
    mod sql;
}

pub(crate) use accounts::{AccountRow, AccountStore};
pub(crate) use api_tokens::{ApiTokenRow, ApiTokenStore, ListedApiTokenRow, TokenFilter};
pub(crate) use audit::{AuditFilter, AuditRow, AuditStore};
pub use config::{DatabaseConfig, PostgresConfig, TlsMode};
pub(crate) use data_steps::DataStepStore;
pub(crate) use faults::Fault;
pub(crate) use idempotency::{IdempotencyRow, IdempotencyStore};
pub(crate) use instance::{InstanceRow, InstanceStore};
pub(crate) use pool::{transaction, Mode, Pool, Tx};
pub(crate) use second_factor::SecondFactorStore;
pub(crate) use signing_keys::{SigningKeyRow, SigningKeyStore};
pub use sqlite::SqliteLimits;
pub(crate) use throttles::ThrottleStore;
pub(crate) use users::{
    ProfileUpdate, Search, UserFilter, UserKeysRow, UserRow, UserStore, COUNT_CAP,
};

/// What a statement returns: sqlx's error, mapped to the core's by `?` in the callers.
type Sql<T> = std::result::Result<T, sqlx::Error>;

/// Every statement the core runs: what the business logic asks of a transaction.
pub(crate) trait Store:
    InstanceStore
    + AccountStore
    + UserStore
    + ApiTokenStore
    + SigningKeyStore
    + AuditStore
    + IdempotencyStore
    + DataStepStore
    + ThrottleStore
    + SecondFactorStore
{
}

impl<T> Store for T where
    T: InstanceStore
        + AccountStore
        + UserStore
        + ApiTokenStore
        + SigningKeyStore
        + AuditStore
        + IdempotencyStore
        + DataStepStore
        + ThrottleStore
        + SecondFactorStore
{
}

/// Which unique value a failed insert collided with, if that is why it failed.
pub(crate) fn unique_violation(error: &sqlx::Error) -> Option<&'static str> {
    let db = error.as_database_error()?;
    if !db.is_unique_violation() {
        return None;
    }
    // PostgreSQL names the constraint; SQLite names the column in its message.
    let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
    [
        ("username_key", "username"),
        ("email_key", "email"),
        ("instance", "instance"),
        ("idempotency_keys", "idempotency_key"),
    ]
    .into_iter()
    .find(|(needle, _)| text.contains(needle))
    .map(|(_, field)| field)
}
