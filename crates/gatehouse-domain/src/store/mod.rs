//! Storage: one set of SQL statements for SQLite and PostgreSQL.
//!
//! [`Store`] lists every statement the core runs. Its implementation is written once,
//! in the `impl_store!` macro, and expanded for a SQLite and a PostgreSQL transaction;
//! the business logic is generic over `Store` and so written once too. The SQL stays
//! within what both databases accept (`$n` placeholders, `on conflict`, `returning`).
//! Times are computed by the application, never by `now()`.

mod faults;
mod rows;
mod sqlite;
mod throttles;

use std::future::Future;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use uuid::Uuid;

pub(crate) use faults::Fault;
pub(crate) use rows::*;
pub use sqlite::SqliteLimits;
pub(crate) use throttles::ThrottleStore;

use crate::error::{Error, Result};
use crate::login_key::login_key;

/// Where the data lives.
#[derive(Clone)]
pub enum DatabaseConfig {
    /// A local SQLite file, created if missing (0600).
    Sqlite {
        path: std::path::PathBuf,
        limits: SqliteLimits,
    },
    /// A PostgreSQL server shared by several admins.
    Postgres(PostgresConfig),
    /// A PostgreSQL server given as a URL (which may hold a password, hence secret).
    PostgresUrl(SecretString),
}

/// How PostgreSQL connections are secured.
///
/// The default verifies the server's certificate and host name against the system's
/// roots: `prefer` and `require` can be downgraded or intercepted by anyone on the
/// network path, so they (and `disable`) are only ever an explicit choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    Disable,
    Prefer,
    Require,
    #[default]
    VerifyFull,
}

impl TlsMode {
    pub const ALL: &'static [TlsMode] = &[
        TlsMode::VerifyFull,
        TlsMode::Require,
        TlsMode::Prefer,
        TlsMode::Disable,
    ];

    /// Whether this mode lets an attacker on the network path read or change the
    /// traffic (everything but `verify-full`).
    pub fn is_interceptable(self) -> bool {
        self != TlsMode::VerifyFull
    }
}

/// Connect options from a PostgreSQL URL. A URL that names no `sslmode` gets
/// `verify-full` (sqlx, like libpq, would otherwise `prefer`, which a man in the middle
/// downgrades), except for loopback hosts and Unix sockets, which never leave the machine.
fn postgres_url_options(url: &str) -> std::result::Result<PgConnectOptions, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let names_mode = url
        .split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|pair| pair.starts_with("sslmode=")));
    let host = options.get_host();
    let local = host.starts_with('/')
        || host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    Ok(if names_mode || local {
        options
    } else {
        options.ssl_mode(PgSslMode::VerifyFull)
    })
}

#[derive(Clone)]
pub struct PostgresConfig {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub username: String,
    pub password: Option<SecretString>,
    pub tls: TlsMode,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseConfig::Sqlite { path, limits } => f
                .debug_struct("Sqlite")
                .field("path", path)
                .field("limits", limits)
                .finish(),
            DatabaseConfig::Postgres(pg) => pg.fmt(f),
            DatabaseConfig::PostgresUrl(_) => f.write_str("PostgresUrl([REDACTED])"),
        }
    }
}

impl std::fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("tls", &self.tls)
            .finish()
    }
}

impl DatabaseConfig {
    pub fn sqlite(path: impl AsRef<Path>) -> Self {
        Self::sqlite_with_limits(path, SqliteLimits::default())
    }

    /// A SQLite file with a lock wait or size cap of its own (tests use short ones).
    pub fn sqlite_with_limits(path: impl AsRef<Path>, limits: SqliteLimits) -> Self {
        DatabaseConfig::Sqlite {
            path: path.as_ref().to_owned(),
            limits,
        }
    }

    /// Parses `sqlite://PATH` or `postgres://user:pass@host:port/db?sslmode=...`.
    pub fn from_url(url: &str) -> Result<Self> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            return Ok(DatabaseConfig::sqlite(path));
        }
        postgres_url_options(url).map_err(|_| {
            Error::validation("database_url", "invalid", "Not a valid database URL.")
        })?;
        Ok(DatabaseConfig::PostgresUrl(SecretString::from(
            url.to_owned(),
        )))
    }
}

/// How long an operation waits for a PostgreSQL connection. A pool with no live
/// connection keeps retrying the connect until then; a database that is down must
/// answer `unavailable` within about a second, not hold every request for long (a
/// busy pool of short transactions hands a connection on in milliseconds).
const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// A connection pool to either database.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    /// Connects and applies the migrations (PostgreSQL serialises concurrent migrators
    /// with an advisory lock, so several desktops may connect at once).
    pub(crate) async fn connect(config: &DatabaseConfig) -> Result<Pool> {
        match config {
            DatabaseConfig::Sqlite { path, limits } => {
                Ok(Pool::Sqlite(sqlite::connect(path, limits).await?))
            }
            DatabaseConfig::PostgresUrl(url) => {
                let options =
                    postgres_url_options(url.expose_secret())?.application_name("gatehouse");
                Self::connect_postgres(options).await
            }
            DatabaseConfig::Postgres(pg) => {
                let mut options = PgConnectOptions::new()
                    .host(&pg.host)
                    .port(pg.port)
                    .database(&pg.database)
                    .username(&pg.username)
                    .ssl_mode(match pg.tls {
                        TlsMode::Disable => PgSslMode::Disable,
                        TlsMode::Prefer => PgSslMode::Prefer,
                        TlsMode::Require => PgSslMode::Require,
                        TlsMode::VerifyFull => PgSslMode::VerifyFull,
                    })
                    .application_name("gatehouse");
                if let Some(password) = &pg.password {
                    options = options.password(password.expose_secret());
                }
                Self::connect_postgres(options).await
            }
        }
    }

    async fn connect_postgres(options: PgConnectOptions) -> Result<Pool> {
        // One plain connection first: the pool retries a failing connect until its
        // acquire timeout and then reports only "pool timed out", hiding the cause
        // (refused, unknown host, bad password, no such database) the admin needs.
        // Kept as the cause (not mapped to `Unavailable`): connecting is where the
        // admin needs it, e.g. on the connect screen's "Test connection".
        let first = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options)
            .await
            .map_err(Error::internal)?;
        sqlx::Connection::close(first).await?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(PG_ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations/postgres")
            .run(&pool)
            .await
            .map_err(Error::internal)?;
        Ok(Pool::Postgres(pool))
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Whether a transaction will write. SQLite must take its write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at
/// once with "database is locked" under concurrency, ignoring the busy timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Read,
    Write,
}

/// A transaction on one of the two databases.
pub(crate) struct Tx<DB: sqlx::Database>(Transaction<'static, DB>);

impl Tx<Sqlite> {
    pub(crate) async fn begin(pool: &SqlitePool, mode: Mode) -> Result<Self> {
        let statement = match mode {
            Mode::Read => "begin deferred",
            Mode::Write => "begin immediate",
        };
        Ok(Tx(pool.begin_with(statement).await?))
    }
}

impl Tx<Postgres> {
    /// Begins on a pooled connection. The pool's acquire timeout is short so that a
    /// database that is down answers `unavailable` at once; a pool that timed out
    /// while every one of its connections is in use (contended inserts waiting for
    /// each other on a busy machine, say) is busy, not down, and is waited for longer.
    pub(crate) async fn begin(pool: &PgPool, _mode: Mode) -> Result<Self> {
        let started = std::time::Instant::now();
        loop {
            match pool.begin().await {
                Err(sqlx::Error::PoolTimedOut)
                    if all_connections_in_use(pool) && started.elapsed() < PG_BUSY_WAIT => {}
                result => return Ok(Tx(result?)),
            }
        }
    }
}

/// How long an operation waits for a PostgreSQL pool that is busy but up.
const PG_BUSY_WAIT: Duration = Duration::from_secs(10);

/// Whether the pool holds connections and all of them are in use. A database that
/// is down leaves none: the pool closes each connection that fails its ping.
fn all_connections_in_use(pool: &PgPool) -> bool {
    pool.size() > 0 && pool.num_idle() == 0
}

/// Runs `$body` (an expression awaiting to `Result<T>`, using `$tx: &mut impl Store`)
/// in one transaction on whichever database `$pool` is; commits when it succeeds,
/// rolls back (by dropping the transaction) when it fails.
macro_rules! transaction {
    ($pool:expr, $mode:expr, |$tx:ident| $body:expr) => {
        match $pool {
            $crate::store::Pool::Sqlite(pool) => {
                let mut tx = $crate::store::Tx::<sqlx::Sqlite>::begin(pool, $mode).await?;
                let $tx = &mut tx;
                let result: $crate::Result<_> = $body.await;
                let value = result?;
                $crate::store::Store::commit(tx).await?;
                ::std::result::Result::<_, $crate::Error>::Ok(value)
            }
            $crate::store::Pool::Postgres(pool) => {
                let mut tx = $crate::store::Tx::<sqlx::Postgres>::begin(pool, $mode).await?;
                let $tx = &mut tx;
                let result: $crate::Result<_> = $body.await;
                let value = result?;
                $crate::store::Store::commit(tx).await?;
                ::std::result::Result::<_, $crate::Error>::Ok(value)
            }
        }
    };
}
pub(crate) use transaction;

type Sql<T> = std::result::Result<T, sqlx::Error>;

/// Filters for the user list.
#[derive(Clone, Debug, Default)]
pub(crate) struct UserFilter {
    /// A lower-cased LIKE pattern (already escaped and wrapped in `%`).
    pub pattern: Option<String>,
    pub role: Option<&'static str>,
    pub status: Option<&'static str>,
    /// Keyset cursor: only usernames (keys) after this one.
    pub after: Option<String>,
    pub limit: i64,
}

/// Every statement the core runs. See the module docs.
pub(crate) trait Store: Send {
    fn commit(self) -> impl Future<Output = Sql<()>> + Send;

    fn insert_instance(&mut self, row: &InstanceRow) -> impl Future<Output = Sql<()>> + Send;
    fn instance(&mut self) -> impl Future<Output = Sql<Option<InstanceRow>>> + Send;
    fn update_settings(
        &mut self,
        settings: &Json<crate::instance::Settings>,
    ) -> impl Future<Output = Sql<()>> + Send;

    fn insert_account(&mut self, row: &AccountRow) -> impl Future<Output = Sql<()>> + Send;
    fn account(&mut self, id: Uuid) -> impl Future<Output = Sql<Option<AccountRow>>> + Send;
    fn accounts(
        &mut self,
        limit: i64,
        offset: i64,
    ) -> impl Future<Output = Sql<Vec<AccountRow>>> + Send;
    fn count_accounts(&mut self) -> impl Future<Output = Sql<i64>> + Send;

    fn insert_user(&mut self, row: &UserRow) -> impl Future<Output = Sql<()>> + Send;
    fn user(&mut self, id: Uuid) -> impl Future<Output = Sql<Option<UserRow>>> + Send;
    fn user_by_login(&mut self, key: &str) -> impl Future<Output = Sql<Option<UserRow>>> + Send;
    fn taken(
        &mut self,
        username_key: &str,
        email_key: Option<&str>,
    ) -> impl Future<Output = Sql<(bool, bool)>> + Send;
    /// The username keys that begin with `prefix` (to find a free derived username).
    fn username_keys_with_prefix(
        &mut self,
        prefix: &str,
    ) -> impl Future<Output = Sql<Vec<String>>> + Send;
    /// Every user's stored keys, oldest first, for recomputing them (see `rekey`).
    fn user_keys(&mut self) -> impl Future<Output = Sql<Vec<UserKeysRow>>> + Send;
    fn set_user_keys(
        &mut self,
        id: Uuid,
        username_key: &str,
        email_key: Option<&str>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Claims a one-time data step; false if it ran before (after waiting for a
    /// concurrent claimer to finish, on PostgreSQL).
    fn claim_data_step(
        &mut self,
        step: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<bool>> + Send;
    fn users(&mut self, filter: &UserFilter) -> impl Future<Output = Sql<Vec<UserRow>>> + Send;
    fn count_users(&mut self, filter: &UserFilter) -> impl Future<Output = Sql<i64>> + Send;
    fn count_active_admins(&mut self) -> impl Future<Output = Sql<i64>> + Send;
    /// Serialises changes that must leave at least one active admin: without it, two
    /// admins demoting each other under READ COMMITTED could both see the other one
    /// still active (write skew). Updating the singleton row locks it until commit on
    /// PostgreSQL; SQLite's write transactions are serial already.
    fn lock_admin_changes(&mut self) -> impl Future<Output = Sql<()>> + Send;
    fn update_status(
        &mut self,
        id: Uuid,
        status: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    fn update_roles(
        &mut self,
        id: Uuid,
        roles: [bool; 3],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Sets a new password hash and ends the user's current sessions (every access
    /// token of an earlier session generation); `temporary` (an admin reset) also makes
    /// it one to change at next sign-in.
    fn update_password(
        &mut self,
        id: Uuid,
        hash: &str,
        temporary: bool,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    fn clear_failed_sign_ins(&mut self, id: Uuid) -> impl Future<Output = Sql<()>> + Send;

    fn insert_api_token(&mut self, row: &ApiTokenRow) -> impl Future<Output = Sql<()>> + Send;
    fn api_token(
        &mut self,
        id: Uuid,
    ) -> impl Future<Output = Sql<Option<ListedApiTokenRow>>> + Send;
    fn api_token_by_hash(
        &mut self,
        hash: &[u8],
    ) -> impl Future<Output = Sql<Option<ApiTokenRow>>> + Send;
    fn api_tokens_of(
        &mut self,
        user_id: Uuid,
    ) -> impl Future<Output = Sql<Vec<ListedApiTokenRow>>> + Send;
    fn revoke_api_token(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Revokes every token of the user that still works (neither revoked nor expired
    /// at `now`); how many.
    fn revoke_live_api_tokens_of(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<u64>> + Send;
    fn touch_api_token(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;

    fn insert_signing_key(&mut self, row: &SigningKeyRow) -> impl Future<Output = Sql<()>> + Send;
    fn signing_key(&mut self, kid: &str)
        -> impl Future<Output = Sql<Option<SigningKeyRow>>> + Send;
    fn active_signing_keys(&mut self) -> impl Future<Output = Sql<Vec<SigningKeyRow>>> + Send;
    fn touch_signing_key(
        &mut self,
        kid: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;

    fn insert_audit(&mut self, row: &AuditRow) -> impl Future<Output = Sql<()>> + Send;
    fn audit_events(
        &mut self,
        limit: i64,
        offset: i64,
    ) -> impl Future<Output = Sql<Vec<AuditRow>>> + Send;

    /// Claims `row.key` for `row.actor_id`; false if it was already claimed (after
    /// waiting for the claiming transaction to finish, on PostgreSQL).
    fn claim_idempotency_key(
        &mut self,
        row: &IdempotencyRow,
    ) -> impl Future<Output = Sql<bool>> + Send;
    fn idempotency_key(
        &mut self,
        actor_id: Uuid,
        key: &str,
    ) -> impl Future<Output = Sql<Option<IdempotencyRow>>> + Send;
}

const USER_COLUMNS: &str = "id, account_id, username, email, first_name, last_name, business_role, \
     status, email_confirmed_at, preferences, password_hash, must_change_password, failed_sign_ins, \
     locked_until, role_admin, role_editor, role_viewer, created_at, created_by, updated_at, \
     session_generation";

const USER_FILTER: &str = "($1 is null or lower(username) like $1 escape '\\' or email_key like $1 escape '\\' \
       or lower(coalesce(first_name, '')) like $1 escape '\\' or lower(coalesce(last_name, '')) like $1 escape '\\') \
     and ($2 is null or ($2 = 'admin' and role_admin) or ($2 = 'editor' and role_editor) or ($2 = 'viewer' and role_viewer)) \
     and ($3 is null or status = $3)";

const TOKEN_COLUMNS: &str =
    "id, user_id, account_id, name, prefix, secret_hash, created_at, created_by, \
     expires_at, last_used_at, revoked_at";

/// A token with the usernames of its owner and of whoever created it (for the list's
/// "created by"); `where` and `order by` refer to the token as `t`.
const LISTED_TOKEN_SELECT: &str =
    "select t.id, t.user_id, t.account_id, t.name, t.prefix, t.secret_hash, t.created_at, \
     t.created_by, t.expires_at, t.last_used_at, t.revoked_at, \
     owner_user.username as owner_username, creator.username as created_by_username \
     from api_tokens t join users owner_user on owner_user.id = t.user_id \
     left join users creator on creator.id = t.created_by";

macro_rules! impl_store {
    ($db:ty) => {
        impl Store for Tx<$db> {
            async fn commit(self) -> Sql<()> {
                self.0.commit().await
            }

            async fn insert_instance(&mut self, row: &InstanceRow) -> Sql<()> {
                sqlx::query(
                    "insert into instance (singleton, id, organization, settings, created_at) \
                     values (1, $1, $2, $3, $4)",
                )
                .bind(row.id)
                .bind(&row.organization)
                .bind(&row.settings)
                .bind(row.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn instance(&mut self) -> Sql<Option<InstanceRow>> {
                sqlx::query_as("select id, organization, settings, created_at from instance")
                    .fetch_optional(&mut *self.0)
                    .await
            }

            async fn update_settings(&mut self, settings: &Json<crate::instance::Settings>) -> Sql<()> {
                sqlx::query("update instance set settings = $1").bind(settings).execute(&mut *self.0).await?;
                Ok(())
            }

            async fn insert_account(&mut self, row: &AccountRow) -> Sql<()> {
                sqlx::query(
                    "insert into accounts (id, name, plan, metadata, created_at, created_by) \
                     values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(row.id)
                .bind(&row.name)
                .bind(&row.plan)
                .bind(&row.metadata)
                .bind(row.created_at)
                .bind(row.created_by)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn account(&mut self, id: Uuid) -> Sql<Option<AccountRow>> {
                sqlx::query_as("select id, name, plan, metadata, created_at, created_by from accounts where id = $1")
                    .bind(id)
                    .fetch_optional(&mut *self.0)
                    .await
            }

            async fn accounts(&mut self, limit: i64, offset: i64) -> Sql<Vec<AccountRow>> {
                sqlx::query_as(
                    "select id, name, plan, metadata, created_at, created_by from accounts \
                     order by created_at desc, id desc limit $1 offset $2",
                )
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *self.0)
                .await
            }

            async fn count_accounts(&mut self) -> Sql<i64> {
                sqlx::query_scalar("select count(*) from accounts").fetch_one(&mut *self.0).await
            }

            async fn insert_user(&mut self, row: &UserRow) -> Sql<()> {
                sqlx::query(
                    "insert into users (id, account_id, username, username_key, email, email_key, \
                     first_name, last_name, business_role, status, email_confirmed_at, preferences, \
                     password_hash, must_change_password, role_admin, role_editor, role_viewer, \
                     created_at, created_by, updated_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18)",
                )
                .bind(row.id)
                .bind(row.account_id)
                .bind(&row.username)
                .bind(login_key(&row.username))
                .bind(&row.email)
                .bind(row.email.as_deref().map(login_key))
                .bind(&row.first_name)
                .bind(&row.last_name)
                .bind(&row.business_role)
                .bind(&row.status)
                .bind(row.email_confirmed_at)
                .bind(&row.preferences)
                .bind(&row.password_hash)
                .bind(row.must_change_password)
                .bind(row.role_admin)
                .bind(row.role_editor)
                .bind(row.role_viewer)
                .bind(row.created_at)
                .bind(row.created_by)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn user(&mut self, id: Uuid) -> Sql<Option<UserRow>> {
                sqlx::query_as(&format!("select {USER_COLUMNS} from users where id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *self.0)
                    .await
            }

            async fn user_by_login(&mut self, key: &str) -> Sql<Option<UserRow>> {
                sqlx::query_as(&format!(
                    "select {USER_COLUMNS} from users where username_key = $1 or email_key = $1"
                ))
                .bind(key)
                .fetch_optional(&mut *self.0)
                .await
            }

            async fn username_keys_with_prefix(&mut self, prefix: &str) -> Sql<Vec<String>> {
                let length = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
                sqlx::query_scalar("select username_key from users where substr(username_key, 1, $2) = $1")
                    .bind(prefix)
                    .bind(length)
                    .fetch_all(&mut *self.0)
                    .await
            }

            async fn user_keys(&mut self) -> Sql<Vec<UserKeysRow>> {
                sqlx::query_as(
                    "select id, username, username_key, email, email_key from users order by created_at, id",
                )
                .fetch_all(&mut *self.0)
                .await
            }

            async fn set_user_keys(&mut self, id: Uuid, username_key: &str, email_key: Option<&str>) -> Sql<()> {
                sqlx::query("update users set username_key = $2, email_key = $3 where id = $1")
                    .bind(id)
                    .bind(username_key)
                    .bind(email_key)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn claim_data_step(&mut self, step: &str, now: DateTime<Utc>) -> Sql<bool> {
                let done = sqlx::query("insert into data_steps (step, done_at) values ($1, $2) on conflict do nothing")
                    .bind(step)
                    .bind(now)
                    .execute(&mut *self.0)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn taken(&mut self, username_key: &str, email_key: Option<&str>) -> Sql<(bool, bool)> {
                let (username, email): (i64, i64) = sqlx::query_as(
                    "select (select count(*) from users where username_key = $1), \
                            (select count(*) from users where email_key = $2)",
                )
                .bind(username_key)
                .bind(email_key)
                .fetch_one(&mut *self.0)
                .await?;
                Ok((username > 0, email > 0))
            }

            async fn users(&mut self, filter: &UserFilter) -> Sql<Vec<UserRow>> {
                sqlx::query_as(&format!(
                    "select {USER_COLUMNS} from users where {USER_FILTER} \
                     and ($4 is null or username_key > $4) order by username_key limit $5"
                ))
                .bind(&filter.pattern)
                .bind(filter.role)
                .bind(filter.status)
                .bind(&filter.after)
                .bind(filter.limit)
                .fetch_all(&mut *self.0)
                .await
            }

            async fn count_users(&mut self, filter: &UserFilter) -> Sql<i64> {
                sqlx::query_scalar(&format!("select count(*) from users where {USER_FILTER}"))
                    .bind(&filter.pattern)
                    .bind(filter.role)
                    .bind(filter.status)
                    .fetch_one(&mut *self.0)
                    .await
            }

            async fn count_active_admins(&mut self) -> Sql<i64> {
                sqlx::query_scalar("select count(*) from users where role_admin and status = 'active'")
                    .fetch_one(&mut *self.0)
                    .await
            }

            async fn lock_admin_changes(&mut self) -> Sql<()> {
                sqlx::query("update instance set singleton = singleton").execute(&mut *self.0).await?;
                Ok(())
            }

            async fn update_status(&mut self, id: Uuid, status: &str, now: DateTime<Utc>) -> Sql<()> {
                sqlx::query("update users set status = $2, updated_at = $3 where id = $1")
                    .bind(id)
                    .bind(status)
                    .bind(now)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn update_roles(&mut self, id: Uuid, roles: [bool; 3], now: DateTime<Utc>) -> Sql<()> {
                sqlx::query(
                    "update users set role_admin = $2, role_editor = $3, role_viewer = $4, updated_at = $5 \
                     where id = $1",
                )
                .bind(id)
                .bind(roles[0])
                .bind(roles[1])
                .bind(roles[2])
                .bind(now)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn update_password(&mut self, id: Uuid, hash: &str, temporary: bool, now: DateTime<Utc>) -> Sql<()> {
                sqlx::query(
                    "update users set password_hash = $2, must_change_password = $3, failed_sign_ins = 0, \
                     locked_until = null, updated_at = $4, \
                     session_generation = session_generation + 1, sessions_valid_after = $4 where id = $1",
                )
                .bind(id)
                .bind(hash)
                .bind(temporary)
                .bind(now)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn clear_failed_sign_ins(&mut self, id: Uuid) -> Sql<()> {
                sqlx::query("update users set failed_sign_ins = 0, locked_until = null where id = $1")
                    .bind(id)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn insert_api_token(&mut self, row: &ApiTokenRow) -> Sql<()> {
                sqlx::query(
                    "insert into api_tokens (id, user_id, account_id, name, prefix, secret_hash, created_at, \
                     created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(row.id)
                .bind(row.user_id)
                .bind(row.account_id)
                .bind(&row.name)
                .bind(&row.prefix)
                .bind(&row.secret_hash)
                .bind(row.created_at)
                .bind(row.created_by)
                .bind(row.expires_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn api_token(&mut self, id: Uuid) -> Sql<Option<ListedApiTokenRow>> {
                sqlx::query_as(&format!("{LISTED_TOKEN_SELECT} where t.id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *self.0)
                    .await
            }

            async fn api_token_by_hash(&mut self, hash: &[u8]) -> Sql<Option<ApiTokenRow>> {
                sqlx::query_as(&format!("select {TOKEN_COLUMNS} from api_tokens where secret_hash = $1"))
                    .bind(hash)
                    .fetch_optional(&mut *self.0)
                    .await
            }

            async fn api_tokens_of(&mut self, user_id: Uuid) -> Sql<Vec<ListedApiTokenRow>> {
                sqlx::query_as(&format!(
                    "{LISTED_TOKEN_SELECT} where t.user_id = $1 order by t.created_at desc, t.id desc"
                ))
                .bind(user_id)
                .fetch_all(&mut *self.0)
                .await
            }

            async fn revoke_api_token(&mut self, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
                sqlx::query("update api_tokens set revoked_at = $2 where id = $1 and revoked_at is null")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn revoke_live_api_tokens_of(&mut self, user_id: Uuid, now: DateTime<Utc>) -> Sql<u64> {
                // Times are rfc 3339 text on sqlite, which compares in time order.
                let done = sqlx::query(
                    "update api_tokens set revoked_at = $2 \
                     where user_id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)",
                )
                .bind(user_id)
                .bind(now)
                .execute(&mut *self.0)
                .await?;
                Ok(done.rows_affected())
            }

            async fn touch_api_token(&mut self, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
                sqlx::query("update api_tokens set last_used_at = $2 where id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn insert_signing_key(&mut self, row: &SigningKeyRow) -> Sql<()> {
                sqlx::query(
                    "insert into signing_keys (kid, algorithm, public_key, created_at) values ($1, $2, $3, $4)",
                )
                .bind(&row.kid)
                .bind(&row.algorithm)
                .bind(&row.public_key)
                .bind(row.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(())
            }

            async fn signing_key(&mut self, kid: &str) -> Sql<Option<SigningKeyRow>> {
                sqlx::query_as(
                    "select kid, algorithm, public_key, created_at, retired_at, last_signed_at \
                     from signing_keys where kid = $1",
                )
                .bind(kid)
                .fetch_optional(&mut *self.0)
                .await
            }

            async fn active_signing_keys(&mut self) -> Sql<Vec<SigningKeyRow>> {
                sqlx::query_as(
                    "select kid, algorithm, public_key, created_at, retired_at, last_signed_at \
                     from signing_keys where retired_at is null order by created_at",
                )
                .fetch_all(&mut *self.0)
                .await
            }

            async fn touch_signing_key(&mut self, kid: &str, now: DateTime<Utc>) -> Sql<()> {
                sqlx::query("update signing_keys set last_signed_at = $2 where kid = $1")
                    .bind(kid)
                    .bind(now)
                    .execute(&mut *self.0)
                    .await?;
                Ok(())
            }

            async fn insert_audit(&mut self, row: &AuditRow) -> Sql<()> {
                sqlx::query(
                    "insert into audit_events (id, at, actor_id, action, target_type, target_id, detail) \
                     values ($1, $2, $3, $4, $5, $6, $7)",
                )
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
                sqlx::query_as(
                    "select id, at, actor_id, action, target_type, target_id, detail from audit_events \
                     order by at desc, id desc limit $1 offset $2",
                )
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *self.0)
                .await
            }

            async fn claim_idempotency_key(&mut self, row: &IdempotencyRow) -> Sql<bool> {
                let done = sqlx::query(
                    "insert into idempotency_keys (actor_id, key, fingerprint, account_id, user_id, token_id, \
                     created_at) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
                )
                .bind(row.actor_id)
                .bind(&row.key)
                .bind(&row.fingerprint)
                .bind(row.account_id)
                .bind(row.user_id)
                .bind(row.token_id)
                .bind(row.created_at)
                .execute(&mut *self.0)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn idempotency_key(&mut self, actor_id: Uuid, key: &str) -> Sql<Option<IdempotencyRow>> {
                sqlx::query_as(
                    "select actor_id, key, fingerprint, account_id, user_id, token_id, created_at \
                     from idempotency_keys where actor_id = $1 and key = $2",
                )
                .bind(actor_id)
                .bind(key)
                .fetch_optional(&mut *self.0)
                .await
            }
        }
    };
}

impl_store!(Sqlite);
impl_store!(Postgres);

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

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> PgSslMode {
        postgres_url_options(url).expect("valid URL").get_ssl_mode()
    }

    #[test]
    fn a_remote_url_without_sslmode_verifies_the_server() {
        assert!(matches!(
            mode("postgres://u:p@db.example.com/gh"),
            PgSslMode::VerifyFull
        ));
        assert!(matches!(
            mode("postgres://u@10.0.0.5:5432/gh?application_name=x"),
            PgSslMode::VerifyFull
        ));
    }

    #[test]
    fn an_explicit_sslmode_and_loopback_hosts_are_left_as_they_are() {
        assert!(matches!(
            mode("postgres://u@db.example.com/gh?sslmode=disable"),
            PgSslMode::Disable
        ));
        assert!(matches!(
            mode("postgres://u@127.0.0.1:5432/gh"),
            PgSslMode::Prefer
        ));
        assert!(matches!(
            mode("postgres://u@localhost/gh"),
            PgSslMode::Prefer
        ));
        assert!(matches!(
            mode("postgres://u@[::1]:5432/gh"),
            PgSslMode::Prefer
        ));
    }

    #[test]
    fn only_verify_full_is_safe_from_interception() {
        assert_eq!(TlsMode::default(), TlsMode::VerifyFull);
        assert!(!TlsMode::VerifyFull.is_interceptable());
        for mode in [TlsMode::Disable, TlsMode::Prefer, TlsMode::Require] {
            assert!(mode.is_interceptable());
        }
    }
}
