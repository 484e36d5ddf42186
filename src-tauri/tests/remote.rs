//! The shell's remote-database flow against the real PostgreSQL
//! (GATEHOUSE_TEST_POSTGRES_URL, else a throwaway cluster: see gatehouse-testkit),
//! with secrets in memory or in a keychain that fails.

use std::sync::Arc;

use gatehouse_desktop::clipboard::{ClipboardGuard, SystemClipboard};
use gatehouse_desktop::files::AppDirs;
use gatehouse_desktop::shell::{password_entry, Shell};
use gatehouse_desktop::types::{ConnectionKind, RemoteProfile};
use gatehouse_domain::{
    ErrorCode, MemorySecretStore, SecretStore, SecretStoreError, SecretString, TlsMode,
};
use gatehouse_testkit::TestDb;
use secrecy::ExposeSecret;

/// The name of `db`, a fresh database on the test server.
fn name(db: &TestDb) -> &str {
    db.postgres_name().expect("a PostgreSQL database")
}

/// A profile pointing at `database` on the test server.
fn profile(database: &str, password: Option<&str>, save_password: bool) -> RemoteProfile {
    let url = gatehouse_testkit::postgres_url();
    let rest = url.strip_prefix("postgres://").expect("a postgres:// URL");
    let (credentials, server) = rest.split_once('@').expect("user@host in the URL");
    let (host_port, _) = server.split_once('/').unwrap_or((server, ""));
    let (host, port) = host_port.split_once(':').unwrap_or((host_port, "5432"));
    let (user, url_password) = credentials
        .split_once(':')
        .map(|(u, p)| (u, Some(p)))
        .unwrap_or((credentials, None));
    RemoteProfile {
        name: "Shared".into(),
        host: host.into(),
        port: port.parse().unwrap(),
        database: database.into(),
        username: user.into(),
        password: password
            .or(url_password)
            .map(|p| SecretString::from(p.to_owned())),
        tls: TlsMode::Disable,
        save_password,
    }
}

fn shell(secrets: Arc<dyn SecretStore>) -> (tempfile::TempDir, Shell) {
    let dir = tempfile::tempdir().unwrap();
    let dirs = AppDirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    };
    let shell = Shell::new(dirs, secrets, ClipboardGuard::new(SystemClipboard::new()));
    (dir, shell)
}

/// A keychain that cannot be reached.
struct NoKeychain;

impl SecretStore for NoKeychain {
    fn get(&self, _: &str) -> Result<Option<SecretString>, SecretStoreError> {
        Ok(None)
    }
    fn set(&self, _: &str, _: &SecretString) -> Result<(), SecretStoreError> {
        Err(SecretStoreError::new("No OS keychain is available."))
    }
    fn delete(&self, _: &str) -> Result<(), SecretStoreError> {
        Ok(())
    }
}

#[tokio::test]
async fn testing_a_port_where_nothing_listens_says_so_without_echoing_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_dir, shell) = shell(Arc::new(MemorySecretStore::default()));
    let mut unreachable = profile("nowhere", Some("hunter2-secret"), false);
    unreachable.host = "127.0.0.1".into();
    unreachable.port = port;

    let test = shell.test_remote(unreachable.clone()).await.unwrap();

    assert!(!test.ok);
    assert!(
        test.message.starts_with("Could not connect"),
        "{}",
        test.message
    );
    assert!(
        test.message.contains("refused"),
        "the cause, not just a timeout: {}",
        test.message
    );
    assert!(!test.message.contains("hunter2-secret"), "{}", test.message);
}

#[tokio::test]
async fn testing_a_fresh_database_says_gatehouse_is_not_set_up_there_yet() {
    let db = TestDb::postgres().await;
    let (_dir, shell) = shell(Arc::new(MemorySecretStore::default()));

    let test = shell
        .test_remote(profile(name(&db), None, false))
        .await
        .unwrap();

    assert!(test.ok, "{}", test.message);
    assert!(test.message.contains("not set up"), "{}", test.message);
    assert!(
        shell.state().await.unwrap().connection.is_none(),
        "a test does not connect"
    );
}

#[tokio::test]
async fn connecting_keeps_the_password_in_the_keychain_and_the_profile_without_it() {
    let db = TestDb::postgres().await;
    let secrets = Arc::new(MemorySecretStore::default());
    let (dir, shell) = shell(secrets.clone());
    let remote = profile(name(&db), Some("typed-password-42"), true);

    shell.connect_remote(remote.clone()).await.unwrap();

    let state = shell.state().await.unwrap();
    let connection = state.connection.expect("connected");
    assert_eq!(connection.kind, ConnectionKind::Remote);
    assert!(!state.instance.expect("instance status").initialized);
    let saved = secrets.get(&password_entry(&remote)).unwrap().unwrap();
    assert_eq!(saved.expose_secret(), "typed-password-42");
    let profiles = std::fs::read_to_string(dir.path().join("config/profiles.json")).unwrap();
    assert!(!profiles.contains("typed-password-42"), "{profiles}");
    assert!(
        profiles.contains("\"has_saved_password\": true"),
        "{profiles}"
    );
    shell.disconnect().await.unwrap();
}

#[tokio::test]
async fn connecting_without_save_password_forgets_a_saved_one() {
    let db = TestDb::postgres().await;
    let secrets = Arc::new(MemorySecretStore::default());
    let (_dir, shell) = shell(secrets.clone());
    let remote = profile(name(&db), Some("old-password"), true);
    shell.connect_remote(remote.clone()).await.unwrap();

    shell
        .connect_remote(profile(name(&db), Some("old-password"), false))
        .await
        .unwrap();

    assert!(secrets.get(&password_entry(&remote)).unwrap().is_none());
    shell.disconnect().await.unwrap();
}

#[tokio::test]
async fn when_the_keychain_cannot_save_the_password_the_app_stays_disconnected_and_says_why() {
    let db = TestDb::postgres().await;
    let (dir, shell) = shell(Arc::new(NoKeychain));

    let problem = shell
        .connect_remote(profile(name(&db), Some("typed-password-42"), true))
        .await
        .unwrap_err();

    assert_eq!(problem.code, ErrorCode::KeychainUnavailable);
    assert!(problem.detail.contains("Untick"), "{}", problem.detail);
    assert!(shell.state().await.unwrap().connection.is_none());
    assert!(!dir.path().join("config/profiles.json").exists());
}
