//! The schema on both databases: the same tables, columns and nullability, and data
//! carried through migration 0006 (which rebuilds SQLite's users table).

use std::borrow::Cow;
use std::sync::Arc;

use chrono::Utc;
use gatehouse_domain::*;
use sqlx::migrate::Migrator;
use sqlx::Connection;
use uuid::Uuid;

use crate::helpers::*;

/// (table, column, nullable) of every application table, sorted; but SQLite's search
/// index of 0007 (an FTS5 table, its shadow tables and its rowids), which PostgreSQL
/// keeps in indexes instead.
async fn sqlite_columns(db: &TestDb) -> Vec<(String, String, bool)> {
    let mut c = sqlx::SqliteConnection::connect(&db.url()).await.unwrap();
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "select m.name, p.name, p.\"notnull\" from sqlite_master m join pragma_table_info(m.name) p \
         where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like '_sqlx%' \
         and m.name not like 'user_search%' order by 1, 2",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(t, c, not_null)| (t, c, not_null == 0))
        .collect()
}

async fn postgres_columns(db: &TestDb) -> Vec<(String, String, bool)> {
    let mut c = sqlx::PgConnection::connect(&db.url()).await.unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select table_name::text, column_name::text, is_nullable::text from information_schema.columns \
         where table_schema = current_schema() and table_name not like '\\_sqlx%' order by 1, 2",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(t, c, nullable)| (t, c, nullable == "YES"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tables_columns_and_their_nullability_match_on_both_databases() {
    let (sqlite, postgres) = (Env::sqlite().await, Env::postgres().await);
    let (lite, pg) = (
        sqlite_columns(&sqlite.db).await,
        postgres_columns(&postgres.db).await,
    );
    assert!(
        lite.contains(&("users".into(), "email".into(), true)),
        "email is optional"
    );
    assert!(
        lite.contains(&("users".into(), "sessions_valid_after".into(), true)),
        "0002's column survived 0006"
    );
    assert_eq!(lite, pg);
}

/// The migrations before 0006, to apply by hand.
async fn migrator_before_0006(migrations: &str) -> Migrator {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(migrations);
    let mut migrator = Migrator::new(dir).await.unwrap();
    migrator.migrations = Cow::Owned(
        migrator
            .migrations
            .iter()
            .filter(|m| m.version < 6)
            .cloned()
            .collect(),
    );
    migrator
}

macro_rules! seed_rows {
    ($c:expr, $ids:expr) => {{
        let (account, ada, grace, token) = $ids;
        let now = Utc::now();
        sqlx::query("insert into accounts (id, name, plan, metadata, created_at) values ($1, 'Acme', 'oem', '{}', $2)")
            .bind(account).bind(now).execute(&mut *$c).await.unwrap();
        for (id, name, created_by, admin) in [(ada, "ada", None, true), (grace, "grace", Some(ada), false)] {
            sqlx::query(
                "insert into users (id, account_id, username, username_key, email, email_key, status, preferences, \
                 password_hash, role_admin, created_at, created_by, updated_at) \
                 values ($1, $2, $3, $3, $4, $4, 'active', '{}', 'not a hash', $5, $6, $7, $6)",
            )
            .bind(id).bind(account).bind(name).bind(format!("{name}@acme.example.com")).bind(admin).bind(now).bind(created_by)
            .execute(&mut *$c).await.unwrap();
        }
        sqlx::query("insert into api_tokens (id, user_id, account_id, name, prefix, secret_hash, created_at, created_by) \
                     values ($1, $2, $3, 'ci', 'gth_abc', $4, $5, $6)")
            .bind(token).bind(grace).bind(account).bind(vec![1u8; 32]).bind(now).bind(ada)
            .execute(&mut *$c).await.unwrap();
    }};
}

#[on_both]
async fn migration_0006_keeps_every_user_token_and_reference(env: Env) {
    // A database as the version before 0006 left it, with rows that reference users.
    let db = if env.db.is_sqlite() {
        TestDb::sqlite()
    } else {
        TestDb::postgres().await
    };
    let ids = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    match db.sqlite_path() {
        Some(path) => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .foreign_keys(true);
            let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
            migrator_before_0006("sqlite")
                .await
                .run(&pool)
                .await
                .unwrap();
            let mut c = pool.acquire().await.unwrap();
            seed_rows!(c, ids);
            // Closing waits for every connection to come back: this one first.
            drop(c);
            pool.close().await;
        }
        None => {
            let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
            migrator_before_0006("postgres")
                .await
                .run(&pool)
                .await
                .unwrap();
            let mut c = pool.acquire().await.unwrap();
            seed_rows!(c, ids);
            // Closing waits for every connection to come back: this one first.
            drop(c);
            pool.close().await;
        }
    }
    let gh = Gatehouse::connect_with_clock(
        &db.config(),
        Arc::new(MemorySecretStore::default()),
        env.clock.clone(),
    )
    .await
    .expect("0006 applies");
    gh.close().await;
    assert_eq!(
        (db.count("users").await, db.count("api_tokens").await),
        (2, 1)
    );
    assert_eq!(
        db.texts("select u.username from api_tokens t join users u on u.id = t.user_id")
            .await,
        vec!["grace"]
    );
    assert_eq!(
        db.texts("select c.username from users u join users c on c.id = u.created_by")
            .await,
        vec!["ada"]
    );
    assert_eq!(
        db.texts("select email_key from users order by username")
            .await,
        vec!["ada@acme.example.com", "grace@acme.example.com"]
    );
    if db.is_sqlite() {
        assert_eq!(
            db.count("pragma_foreign_key_check()").await,
            0,
            "no reference left dangling"
        );
        assert_eq!(
            db.texts("select \"table\" from pragma_foreign_key_list('api_tokens') order by 1")
                .await,
            vec!["accounts", "users", "users"]
        );
        assert_eq!(db.texts("select name from pragma_index_list('users') where origin = 'c' or name = 'users_account' order by 1").await, vec!["users_account"]);
        assert_eq!(
            db.count("pragma_index_list('users') where \"unique\" = 1 and origin = 'u'")
                .await,
            2,
            "username_key and email_key stay unique"
        );
    }
    // Optional now, and still unique where given.
    db.execute("update users set email = null, email_key = null where username = 'grace'")
        .await;
    db.execute("update users set email = null, email_key = null where username = 'ada'")
        .await;
    assert_eq!(db.count("users where email_key is null").await, 2);
}
