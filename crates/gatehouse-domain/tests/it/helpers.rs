//! Shared test helpers: a fresh database per test (a temp SQLite file or a new
//! PostgreSQL database), a core on it with a movable clock, and a set-up instance.

use std::sync::Arc;

use gatehouse_domain::*;
use secrecy::SecretString;
use sqlx::Connection;
use uuid::Uuid;

/// The PostgreSQL server tests create their databases on.
pub fn postgres_url() -> String {
    gatehouse_testkit::postgres_url()
}

pub enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
    },
    Postgres {
        base: String,
        name: String,
    },
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("gatehouse.db");
        TestDb::Sqlite { _dir: dir, path }
    }

    pub async fn postgres() -> Self {
        let base = postgres_url();
        let name = format!("gh_test_{}", Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&base)
            .await
            .expect("PostgreSQL at GATEHOUSE_TEST_POSTGRES_URL");
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        TestDb::Postgres { base, name }
    }

    /// The SQLite file (None on PostgreSQL).
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            TestDb::Sqlite { path, .. } => Some(path),
            TestDb::Postgres { .. } => None,
        }
    }

    pub fn config(&self) -> DatabaseConfig {
        match self {
            TestDb::Sqlite { path, .. } => DatabaseConfig::sqlite(path),
            TestDb::Postgres { base, name } => {
                let (server, _) = base.rsplit_once('/').expect("URL with a database");
                DatabaseConfig::from_url(&format!("{server}/{name}")).expect("valid URL")
            }
        }
    }

    /// A direct connection, to look at what the core stored.
    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("select count(*) from {table}");
        match self {
            TestDb::Sqlite { path, .. } => {
                let mut c =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                        .await
                        .unwrap();
                sqlx::query_scalar(&sql).fetch_one(&mut c).await.unwrap()
            }
            TestDb::Postgres { base, name } => {
                let (server, _) = base.rsplit_once('/').unwrap();
                let mut c = sqlx::PgConnection::connect(&format!("{server}/{name}"))
                    .await
                    .unwrap();
                sqlx::query_scalar(&sql).fetch_one(&mut c).await.unwrap()
            }
        }
    }

    /// Row counts of every table: equal snapshots mean nothing was written.
    pub async fn snapshot(&self) -> Vec<(&'static str, i64)> {
        let mut counts = Vec::new();
        for table in [
            "instance",
            "accounts",
            "users",
            "api_tokens",
            "signing_keys",
            "audit_events",
            "idempotency_keys",
        ] {
            counts.push((table, self.count(table).await));
        }
        counts
    }

    /// Runs a statement that returns nothing, on either database.
    pub async fn execute(&self, sql: &str) {
        match self {
            TestDb::Sqlite { path, .. } => {
                let mut c =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                        .await
                        .unwrap();
                sqlx::query(sql).execute(&mut c).await.unwrap();
            }
            TestDb::Postgres { base, name } => {
                let (server, _) = base.rsplit_once('/').unwrap();
                let mut c = sqlx::PgConnection::connect(&format!("{server}/{name}"))
                    .await
                    .unwrap();
                sqlx::query(sql).execute(&mut c).await.unwrap();
            }
        }
    }

    /// Runs a query returning text values, on either database.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        match self {
            TestDb::Sqlite { path, .. } => {
                let mut c =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                        .await
                        .unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
            }
            TestDb::Postgres { base, name } => {
                let (server, _) = base.rsplit_once('/').unwrap();
                let mut c = sqlx::PgConnection::connect(&format!("{server}/{name}"))
                    .await
                    .unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { base, name } = self {
            let (base, name) = (base.clone(), name.clone());
            // Best effort, on a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&base).await {
                        let _ =
                            sqlx::query(&format!("drop database if exists {name} with (force)"))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// One test's world: a database, a core on it, its clock and its key store.
pub struct Env {
    pub gh: Gatehouse,
    pub clock: Arc<ManualClock>,
    pub secrets: Arc<MemorySecretStore>,
    pub db: TestDb,
}

/// The first admin a standard setup makes.
pub struct Admin {
    pub credential: Credential,
    pub token: String,
    pub user: UserView,
    pub account: AccountView,
    pub instance_id: Uuid,
}

pub const ADMIN_PASSWORD: &str = "Quiet-Harbor-Lantern-42";
pub const STRONG: &str = "Velvet-Orbit-Cascade-81";

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

impl Env {
    pub async fn sqlite() -> Self {
        Self::on(TestDb::sqlite()).await
    }

    pub async fn postgres() -> Self {
        Self::on(TestDb::postgres().await).await
    }

    /// On a SQLite file with a lock wait or size cap of the test's choosing.
    pub async fn sqlite_with(limits: SqliteLimits) -> Self {
        let db = TestDb::sqlite();
        let config = DatabaseConfig::sqlite_with_limits(db.sqlite_path().expect("SQLite"), limits);
        Self::on_config(db, config).await
    }

    async fn on(db: TestDb) -> Self {
        let config = db.config();
        Self::on_config(db, config).await
    }

    async fn on_config(db: TestDb, config: DatabaseConfig) -> Self {
        let clock = Arc::new(ManualClock::default());
        let secrets = Arc::new(MemorySecretStore::default());
        let gh = Gatehouse::connect_with_clock(&config, secrets.clone(), clock.clone())
            .await
            .expect("connect");
        Env {
            gh,
            clock,
            secrets,
            db,
        }
    }

    /// Another desktop on the same database: its own pool and its own keychain.
    pub async fn another_desktop(&self) -> Gatehouse {
        Gatehouse::connect_with_clock(
            &self.db.config(),
            Arc::new(MemorySecretStore::default()),
            self.clock.clone(),
        )
        .await
        .expect("connect")
    }

    pub fn setup_request(&self) -> Setup {
        Setup {
            organization: "Zydro Marine".into(),
            first_name: "Ada".into(),
            last_name: Some("Lovelace".into()),
            username: Some("ada".into()),
            email: "ada@zydro.example.com".into(),
            password: secret(ADMIN_PASSWORD),
            password_policy: None,
            blocked_email_domains: None,
            plan: Some("oem".into()),
        }
    }

    pub async fn setup(&self) -> Admin {
        let done = self.gh.setup(self.setup_request()).await.expect("setup");
        Admin {
            credential: Credential::bearer(done.data.access_token.expose()),
            token: done.data.access_token.expose().to_owned(),
            user: done.admin,
            account: done.account,
            instance_id: done.instance_id,
        }
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> Result<SignedIn> {
        self.gh
            .sign_in(
                SignIn {
                    login: login.into(),
                    password: secret(password),
                },
                SignInSource::Desktop,
            )
            .await
    }

    /// A user with `roles`, created by `admin`, and a credential for them.
    pub async fn user_with(
        &self,
        admin: &Admin,
        username: &str,
        roles: Vec<Role>,
    ) -> (UserView, Credential) {
        let user = self
            .gh
            .create_user(&admin.credential, new_user(username, roles))
            .await
            .expect("create user");
        let signed_in = self.sign_in(username, STRONG).await.expect("sign in");
        (
            user,
            Credential::bearer(signed_in.access_token.access_token.expose()),
        )
    }
}

pub fn new_user(username: &str, roles: Vec<Role>) -> NewUser {
    NewUser {
        username: username.into(),
        email: Some(format!("{username}@corp.example.com")),
        password: secret(STRONG),
        first_name: Some("Grace".into()),
        last_name: Some("Hopper".into()),
        business_role: Some("Engineer".into()),
        roles: Some(roles),
        status: None,
        preferences: None,
        account_id: None,
    }
}

/// Runs all futures at once on the runtime's threads and collects their outputs.
pub async fn spawn_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("task finished"));
    }
    outputs
}

pub fn codes(error: &Error) -> Vec<(String, String)> {
    error
        .field_errors()
        .iter()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect()
}

/// Generates `NAME::on_sqlite` and `NAME::on_postgres` from one body using `$env`.
macro_rules! on_both {
    ($(async fn $name:ident($env:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_sqlite() {
                    let $env = crate::helpers::Env::sqlite().await;
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_postgres() {
                    let $env = crate::helpers::Env::postgres().await;
                    $body
                }
            }
        )*
    };
}
pub(crate) use on_both;
