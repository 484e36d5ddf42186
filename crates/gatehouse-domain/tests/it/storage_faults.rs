//! Faults of the machine under the core: a full SQLite database, a write lock held
//! past the lock wait, and who may read the database file.
//!
//! These are SQLite's own: its size cap (`max_page_count`), its file-level write lock
//! and its files have no PostgreSQL counterpart a test can provoke. PostgreSQL being
//! down is tested over HTTP against a cluster the test starts and stops
//! (gatehouse-server's `database_down` tests).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gatehouse_domain::*;
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};

use crate::helpers::*;

/// Pages a test database may use: enough for the schema and a set-up instance.
const CAP_PAGES: u32 = 200;

fn token_named(name: &str) -> NewApiToken {
    serde_json::from_value(json!({ "name": name })).expect("a token request")
}

/// A connection of another program to the same file.
async fn other_program(path: &Path, max_pages: Option<u32>) -> SqliteConnection {
    let mut options = SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(Duration::from_secs(5));
    if let Some(pages) = max_pages {
        options = options.pragma("max_page_count", pages.to_string());
    }
    options.connect().await.expect("another connection")
}

/// Fills the database up to its cap, in blobs of shrinking size.
async fn fill(connection: &mut SqliteConnection) {
    sqlx::query("create table filler (data blob)")
        .execute(&mut *connection)
        .await
        .expect("filler table");
    for size in [16_384, 4_096, 1_024, 256, 64, 16, 1] {
        while sqlx::query("insert into filler (data) values (zeroblob($1))")
            .bind(size)
            .execute(&mut *connection)
            .await
            .is_ok()
        {}
    }
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("file exists")
        .permissions()
        .mode()
        & 0o777
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sqlite_database_answers_unavailable_and_reads_and_writes_work_again_once_space_is_freed(
) {
    let env = Env::sqlite_with(SqliteLimits {
        max_pages: Some(CAP_PAGES),
        ..SqliteLimits::default()
    })
    .await;
    let admin = env.setup().await;
    let path = env.db.sqlite_path().expect("SQLite").to_owned();
    let mut other = other_program(&path, Some(CAP_PAGES)).await;
    fill(&mut other).await;

    let mut failure = None;
    for i in 0..200 {
        match env
            .gh
            .create_api_token(&admin.credential, token_named(&format!("fill-{i}")))
            .await
        {
            Ok(_) => continue,
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let error = failure.expect("a write fails once the database is full");
    assert!(
        matches!(
            error,
            Error::Unavailable {
                retry_after_secs: 60
            }
        ),
        "{error:?}"
    );
    let problem = error.to_problem();
    assert_eq!((problem.status, problem.retry_after), (503, Some(60)));

    // Every pooled connection, the one whose write failed included, still reads.
    for _ in 0..20 {
        env.gh
            .instance_status()
            .await
            .expect("reads work on a full database");
    }

    sqlx::query("drop table filler")
        .execute(&mut other)
        .await
        .expect("space freed");
    for i in 0..20 {
        env.gh
            .create_api_token(&admin.credential, token_named(&format!("after-{i}")))
            .await
            .expect("writes work again without a restart");
    }
    env.gh.instance_status().await.expect("and reads");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waiting_past_the_lock_wait_answers_unavailable_with_a_retry_delay_and_changes_nothing(
) {
    let env = Env::sqlite_with(SqliteLimits {
        lock_wait: Duration::from_millis(200),
        ..SqliteLimits::default()
    })
    .await;
    let admin = env.setup().await;
    let before = env.db.snapshot().await;
    let mut other = other_program(env.db.sqlite_path().expect("SQLite"), None).await;
    sqlx::query("begin immediate")
        .execute(&mut other)
        .await
        .expect("the other program holds the write lock");

    let started = Instant::now();
    let error = env
        .gh
        .create_api_token(&admin.credential, token_named("blocked"))
        .await
        .expect_err("the write lock is held");
    assert!(
        matches!(
            error,
            Error::Unavailable {
                retry_after_secs: 1
            }
        ),
        "{error:?}"
    );
    let problem = error.to_problem();
    assert_eq!((problem.status, problem.retry_after), (503, Some(1)));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    sqlx::query("rollback").execute(&mut other).await.unwrap();
    assert_eq!(env.db.snapshot().await, before);
    env.gh
        .create_api_token(&admin.credential, token_named("unblocked"))
        .await
        .expect("the write works once the lock is free");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sqlite_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only() {
    let env = Env::sqlite().await;
    env.setup().await;
    let path = env.db.sqlite_path().expect("SQLite");
    for file in [
        path.to_owned(),
        with_suffix(path, "-wal"),
        with_suffix(path, "-shm"),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_world_readable_database_and_its_wal_and_shm_files_are_made_private_on_connect()
{
    use std::os::unix::fs::PermissionsExt;

    let db = TestDb::sqlite();
    let path = db.sqlite_path().expect("SQLite").to_owned();
    // An older Gatehouse's file, in use by another program (so -wal and -shm exist).
    let mut older = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .connect()
        .await
        .unwrap();
    sqlx::query("create table leftover (x)")
        .execute(&mut older)
        .await
        .unwrap();
    let files = [
        path.clone(),
        with_suffix(&path, "-wal"),
        with_suffix(&path, "-shm"),
    ];
    for file in &files {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    let gh = Gatehouse::connect(
        &db.config(),
        std::sync::Arc::new(MemorySecretStore::default()),
    )
    .await
    .expect("connect");
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    gh.close().await;
}
