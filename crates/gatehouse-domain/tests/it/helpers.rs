//! The core's test helpers: a core with a movable clock on one test's database (a
//! [`TestDb`] of gatehouse-testkit), and a set-up instance.

use std::sync::Arc;

use gatehouse_domain::*;
pub use gatehouse_testkit::{on_both, TestDb};
use secrecy::SecretString;
use uuid::Uuid;

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
    /// On a temp SQLite file.
    pub async fn sqlite() -> Self {
        Self::on(TestDb::sqlite()).await
    }

    /// On a fresh PostgreSQL database.
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
        self.setup_with(self.setup_request()).await
    }

    /// An instance that blocks the common consumer email domains (none are by default).
    pub async fn setup_blocking_consumer_domains(&self) -> Admin {
        let mut request = self.setup_request();
        request.blocked_email_domains = Some(instance::suggested_blocked_domains());
        self.setup_with(request).await
    }

    pub async fn setup_with(&self, request: Setup) -> Admin {
        let done = self.gh.setup(request).await.expect("setup");
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

    /// An API token `credential` asked for and got.
    pub async fn token(&self, credential: &Credential, request: NewApiToken) -> IssuedApiToken {
        self.gh
            .create_api_token(credential, request)
            .await
            .expect("the token is issued")
    }

    /// Why the API token `credential` asked for was refused.
    pub async fn token_refused(&self, credential: &Credential, request: NewApiToken) -> Error {
        self.gh
            .create_api_token(credential, request)
            .await
            .expect_err("the token is refused")
    }

    /// Why creating `user` was refused.
    pub async fn user_refused(&self, admin: &Admin, user: NewUser) -> Error {
        self.gh
            .create_user(&admin.credential, user)
            .await
            .expect_err("the user is refused")
    }

    /// The first page of users whose search matches `term`, as `admin` sees it.
    pub async fn search_users(&self, admin: &Admin, term: &str) -> Page<UserView> {
        self.gh
            .list_users(
                &admin.credential,
                UserQuery {
                    search: Some(term.into()),
                    ..Default::default()
                },
            )
            .await
            .expect("users are listed")
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

/// What `#[on_both]` tests take: a core on the test's database.
impl gatehouse_testkit::FromTestDb for Env {
    async fn from_test_db(db: TestDb) -> Env {
        Env::on(db).await
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

/// Asserts that `error` names exactly these fields, with these codes, in this order.
#[track_caller]
pub fn assert_codes(error: &Error, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(field, code)| (field.to_string(), code.to_string()))
        .collect();
    assert_eq!(codes(error), expected);
}

pub fn codes(error: &Error) -> Vec<(String, String)> {
    error
        .field_errors()
        .iter()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect()
}
