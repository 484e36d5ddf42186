//! Connections and transactions: a pool to either database, a transaction on it, and
//! [`transaction!`], which runs a piece of business logic in one.

use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use super::config::postgres_url_options;
use super::{sqlite, DatabaseConfig, Sql, TlsMode};
use crate::error::{Error, Result};

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

/// A transaction on one of the two databases. The statements (`super::sql`) run on
/// its connection.
pub(crate) struct Tx<DB: sqlx::Database>(pub(super) Transaction<'static, DB>);

impl<DB: sqlx::Database> Tx<DB> {
    pub(crate) async fn commit(self) -> Sql<()> {
        self.0.commit().await
    }
}

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
                tx.commit().await?;
                ::std::result::Result::<_, $crate::Error>::Ok(value)
            }
            $crate::store::Pool::Postgres(pool) => {
                let mut tx = $crate::store::Tx::<sqlx::Postgres>::begin(pool, $mode).await?;
                let $tx = &mut tx;
                let result: $crate::Result<_> = $body.await;
                let value = result?;
                tx.commit().await?;
                ::std::result::Result::<_, $crate::Error>::Ok(value)
            }
        }
    };
}
pub(crate) use transaction;
