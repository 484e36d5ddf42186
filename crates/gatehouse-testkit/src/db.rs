//! A fresh database per test: a temp SQLite file or a new PostgreSQL database, dropped
//! with the test, and direct SQL on it to look at what the code under test stored.

use std::future::Future;
use std::path::{Path, PathBuf};

use gatehouse_domain::DatabaseConfig;
use sqlx::Connection as _;
use uuid::Uuid;

use crate::postgres::{postgres_database_url, postgres_url};

/// The tables whose row counts make a [`TestDb::snapshot`].
pub const SNAPSHOT_TABLES: [&str; 7] = [
    "instance",
    "accounts",
    "users",
    "api_tokens",
    "signing_keys",
    "audit_events",
    "idempotency_keys",
];

/// One test's database, with a folder of the test's own beside it (for files such as
/// a setup code). A PostgreSQL database this made is dropped when it is.
pub struct TestDb {
    dir: tempfile::TempDir,
    database: Database,
}

enum Database {
    /// `gatehouse.db` in the test's folder.
    Sqlite(PathBuf),
    /// A database of its own on [`postgres_url`]'s server.
    Postgres(String),
    /// A database the test owns otherwise (e.g. on a cluster it starts and stops).
    Url(String),
}

/// A direct connection to either database.
enum Connection {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

/// Runs `$body` with `$c` bound to a direct connection to `$db`, whichever it is.
macro_rules! on_connection {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db.connect().await {
            Connection::Sqlite(mut $c) => $body,
            Connection::Postgres(mut $c) => $body,
        }
    };
}

impl TestDb {
    /// A SQLite file in a temp folder (created by whoever connects first).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("gatehouse.db");
        TestDb {
            dir,
            database: Database::Sqlite(path),
        }
    }

    /// A new, empty database on the test PostgreSQL server.
    pub async fn postgres() -> TestDb {
        let name = format!("gh_test_{}", Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&postgres_url())
            .await
            .expect("PostgreSQL at GATEHOUSE_TEST_POSTGRES_URL");
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        TestDb {
            dir: tempfile::tempdir().expect("temp dir"),
            database: Database::Postgres(name),
        }
    }

    /// The database at `url`, which the test creates and removes itself.
    pub fn at(url: String) -> TestDb {
        TestDb {
            dir: tempfile::tempdir().expect("temp dir"),
            database: Database::Url(url),
        }
    }

    /// Whether this is a SQLite database.
    pub fn is_sqlite(&self) -> bool {
        self.url().starts_with("sqlite:")
    }

    /// The SQLite file (None on PostgreSQL).
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.database {
            Database::Sqlite(path) => Some(path),
            Database::Postgres(_) | Database::Url(_) => None,
        }
    }

    /// The name of the PostgreSQL database this made (None otherwise).
    pub fn postgres_name(&self) -> Option<&str> {
        match &self.database {
            Database::Postgres(name) => Some(name),
            Database::Sqlite(_) | Database::Url(_) => None,
        }
    }

    /// `sqlite://PATH` or `postgres://…/NAME`.
    pub fn url(&self) -> String {
        match &self.database {
            Database::Sqlite(path) => format!("sqlite://{}", path.display()),
            Database::Postgres(name) => postgres_database_url(name),
            Database::Url(url) => url.clone(),
        }
    }

    /// What the core connects with.
    pub fn config(&self) -> DatabaseConfig {
        DatabaseConfig::from_url(&self.url()).expect("valid URL")
    }

    /// A folder of this test's own.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    async fn connect(&self) -> Connection {
        let url = self.url();
        if self.is_sqlite() {
            Connection::Sqlite(
                sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("a connection to the test database"),
            )
        } else {
            Connection::Postgres(
                sqlx::PgConnection::connect(&url)
                    .await
                    .expect("a connection to the test database"),
            )
        }
    }

    /// `select count(*) from {table}` (`table` may go on with a `where`).
    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("select count(*) from {table}");
        on_connection!(self, |c| sqlx::query_scalar(&sql)
            .fetch_one(&mut c)
            .await
            .expect("count"))
    }

    /// Row counts of the [`SNAPSHOT_TABLES`]: equal snapshots mean nothing was written.
    pub async fn snapshot(&self) -> Vec<(&'static str, i64)> {
        let mut counts = Vec::new();
        for table in SNAPSHOT_TABLES {
            counts.push((table, self.count(table).await));
        }
        counts
    }

    /// Runs a statement that returns nothing.
    pub async fn execute(&self, sql: &str) {
        on_connection!(self, |c| {
            sqlx::query(sql).execute(&mut c).await.expect("execute");
        })
    }

    /// Runs a query that returns one text value a row.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        on_connection!(self, |c| sqlx::query_scalar(sql)
            .fetch_all(&mut c)
            .await
            .expect("query"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Database::Postgres(name) = &self.database {
            let (base, name) = (postgres_url(), name.clone());
            // Best effort, on a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&base).await {
                        let _ =
                            sqlx::query(&format!("drop database if exists {name} with (force)"))
                                .execute(&mut admin)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// What a test marked [`on_both`](crate::on_both) takes as its argument, made from the
/// database it runs on: the [`TestDb`] itself, or a suite's environment built on it
/// (the core's tests: an `Env` with a core on a manual clock).
pub trait FromTestDb: Sized {
    /// The environment on `db`.
    fn from_test_db(db: TestDb) -> impl Future<Output = Self>;
}

impl FromTestDb for TestDb {
    async fn from_test_db(db: TestDb) -> TestDb {
        db
    }
}
