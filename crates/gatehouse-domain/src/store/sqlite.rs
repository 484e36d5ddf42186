//! The local SQLite file: private to its owner, and a pool that never hands out a
//! connection whose transaction SQLite ended on its own.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqlitePool};

use crate::error::{Error, Result};

/// How long a SQLite connection waits for the write lock, and how large the file may
/// grow. The defaults suit every real use; tests shorten the wait and cap the size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SqliteLimits {
    /// How long a write waits for another connection's write lock before the
    /// operation fails with `unavailable` (SQLite's busy timeout).
    pub lock_wait: Duration,
    /// The largest size of the database, in pages (SQLite's `max_page_count`);
    /// `None` for SQLite's own limit.
    pub max_pages: Option<u32>,
}

impl Default for SqliteLimits {
    fn default() -> Self {
        SqliteLimits {
            lock_wait: Duration::from_secs(10),
            max_pages: None,
        }
    }
}

/// Opens (creating it if missing) the database at `path` and applies the migrations.
pub(crate) async fn connect(path: &Path, limits: &SqliteLimits) -> Result<SqlitePool> {
    // Before SQLite opens it: SQLite creates its -wal and -shm files with the
    // database file's mode, so a private database keeps its companions private.
    make_private(path).map_err(Error::internal)?;
    let mut options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(limits.lock_wait);
    if let Some(pages) = limits.max_pages {
        // Per connection, not stored in the file: every pooled connection gets it.
        options = options.pragma("max_page_count", pages.to_string());
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .after_release(|connection, _| {
            Box::pin(async move {
                // When a write fails with SQLITE_FULL (or IOERR, NOMEM), SQLite may
                // roll the whole transaction back by itself. sqlx does not know: the
                // ROLLBACK it then sends fails ("no transaction is active") and its
                // transaction depth stays at 1, so every later BEGIN on this
                // connection fails ("begin_with at non-zero transaction depth"),
                // reads included, until a restart. The ping runs after that queued
                // ROLLBACK; a connection still counted inside a transaction is
                // closed instead of going back to the pool.
                connection.ping().await?;
                let clean = !connection.is_in_transaction();
                if !clean {
                    tracing::warn!(
                        "closing a database connection left inside a failed transaction"
                    );
                }
                Ok(clean)
            })
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("../../migrations/sqlite")
        .run(&pool)
        .await
        .map_err(Error::internal)?;
    // The -wal and -shm files exist now; older versions created them 0644.
    make_private(path).map_err(Error::internal)?;
    Ok(pool)
}

/// The database file and its companions, readable and writable by the owner only:
/// they hold password hashes. Creates the (empty) database file 0600 if missing and
/// narrows the mode of whichever of the three files exist, whatever the umask.
#[cfg(unix)]
fn make_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    let private = || std::fs::Permissions::from_mode(0o600);
    // An existing database is changed by path, never opened: closing any descriptor of
    // the file drops every POSIX lock this process's SQLite connections hold on it. A
    // process that lost them looks gone to other processes, and the last of their
    // connections to close then checkpoints and deletes the WAL under this one (which
    // next reads "database disk image is malformed").
    match std::fs::set_permissions(path, private()) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            // `create` without `truncate` leaves a database made meanwhile as it is.
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)?
                .set_permissions(private())?;
        }
        other => other?,
    }
    for companion in [with_suffix(path, "-wal"), with_suffix(path, "-shm")] {
        match std::fs::set_permissions(&companion, private()) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> std::io::Result<()> {
    // The user's profile directory is private on Windows already.
    Ok(())
}

/// `gatehouse.db` + `-wal` = `gatehouse.db-wal`, as SQLite names its companions.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
