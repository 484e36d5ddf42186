//! The app's state: the connection (a [`Backend`] every operation goes through), the
//! signed-in session, preferences and the clipboard guard. The access token lives only
//! here, in memory.

use std::sync::{Arc, Mutex};

use gatehouse_api::trust::Trust;
use gatehouse_api::{problem, Backend, InProcess, Remote};
use gatehouse_domain::{
    Credential, DatabaseConfig, Error, ErrorCode, FieldError, Gatehouse, PasswordPolicy,
    PostgresConfig, Problem, RecoveryCodes, SecretStore, SecretStoreError, SecretString, SetupDone,
    SignInSource, SignedIn,
};

use crate::clipboard::ClipboardGuard;
use crate::files::{AppDirs, LastConnection};
use crate::types::{
    AppPreferences, AppState, ConnectionInfo, ConnectionKind, ConnectionTest, RemoteProfile,
    RemoteProfileView, ServerContact, ServerProfile, SessionView,
};

pub fn not_connected() -> Problem {
    Problem::new(
        ErrorCode::BadRequest,
        "Not connected to a database: choose the local database or a remote PostgreSQL first.",
    )
}

pub fn invalid_field(field: &str, code: &str, message: &str) -> Problem {
    Error::Validation(vec![FieldError::new(field, code, message)]).to_problem()
}

struct Connection {
    backend: Arc<dyn Backend>,
    /// The password policy in force, as last read, and when.
    policy: Arc<Mutex<Option<(std::time::Instant, PasswordPolicy)>>>,
    /// The core this process runs (not for a Gatehouse server), closed when the
    /// connection is replaced.
    core: Option<Gatehouse>,
    info: ConnectionInfo,
}

struct Session {
    credential: Credential,
    view: SessionView,
}

/// An operation's output that starts the window's session: the shell keeps the access
/// token and the window sees [`StartsSession::Seen`].
pub trait StartsSession {
    type Seen: serde::Serialize;
    fn start(self, shell: &Shell) -> Self::Seen;
}

impl StartsSession for SignedIn {
    /// The signed-in user, never the token.
    type Seen = SessionView;

    fn start(self, shell: &Shell) -> SessionView {
        let view = SessionView {
            user: self.user,
            must_change_password: self.must_change_password,
            must_enroll_second_factor: self.must_enroll_second_factor,
            expires_at: self.access_token.expires_at.to_rfc3339(),
        };
        shell.keep_session(
            Credential::bearer(self.access_token.access_token.expose()),
            view.clone(),
        );
        view
    }
}

impl StartsSession for RecoveryCodes {
    /// The codes, shown once; the session goes on with its user now enrolled (so a
    /// session sent into enrolment by the policy may do everything from now on).
    type Seen = RecoveryCodes;

    fn start(self, shell: &Shell) -> RecoveryCodes {
        if let Some(session) = shell.session.lock().expect("session lock").as_mut() {
            session.view.user = self.user.clone();
            session.view.must_enroll_second_factor = false;
        }
        self
    }
}

impl StartsSession for SetupDone {
    /// The whole result: the wizard shows the first token once.
    type Seen = SetupDone;

    fn start(self, shell: &Shell) -> SetupDone {
        shell.keep_session(
            Credential::bearer(self.data.access_token.expose()),
            SessionView {
                user: self.admin.clone(),
                must_change_password: false,
                must_enroll_second_factor: false,
                expires_at: self.data.expires_at.to_rfc3339(),
            },
        );
        self
    }
}

pub struct Shell {
    pub dirs: AppDirs,
    pub secrets: Arc<dyn SecretStore>,
    pub clipboard: Arc<ClipboardGuard>,
    connection: tokio::sync::Mutex<Option<Connection>>,
    session: Mutex<Option<Session>>,
    preferences: Mutex<AppPreferences>,
}

impl Shell {
    pub fn new(dirs: AppDirs, secrets: Arc<dyn SecretStore>, clipboard: ClipboardGuard) -> Self {
        let preferences = dirs.load_preferences();
        Shell {
            dirs,
            secrets,
            clipboard: Arc::new(clipboard),
            connection: tokio::sync::Mutex::new(None),
            session: Mutex::new(None),
            preferences: Mutex::new(preferences),
        }
    }

    /// The connection's backend.
    pub async fn backend(&self) -> Result<Arc<dyn Backend>, Problem> {
        self.connection
            .lock()
            .await
            .as_ref()
            .map(|c| c.backend.clone())
            .ok_or_else(not_connected)
    }

    /// The connection's backend and the signed-in admin's credential.
    pub async fn authed(&self) -> Result<(Arc<dyn Backend>, Credential), Problem> {
        let backend = self.backend().await?;
        let credential = self
            .session
            .lock()
            .expect("session lock")
            .as_ref()
            .map(|s| s.credential.clone())
            .ok_or_else(|| Error::Unauthenticated.to_problem())?;
        Ok((backend, credential))
    }

    /// The connection's password policy in force, read again after ten seconds (a
    /// change in Settings shows in the feedback within them; submitting is always
    /// checked against the current policy by the backend).
    pub async fn policy_in_force(&self) -> Result<PasswordPolicy, Problem> {
        const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(10);
        let (backend, cache) = {
            let guard = self.connection.lock().await;
            let connection = guard.as_ref().ok_or_else(not_connected)?;
            (connection.backend.clone(), connection.policy.clone())
        };
        if let Some((read_at, policy)) = cache.lock().expect("policy cache lock").as_ref() {
            if read_at.elapsed() < FRESH_FOR {
                return Ok(policy.clone());
            }
        }
        let policy = backend.password_policy().await?;
        *cache.lock().expect("policy cache lock") =
            Some((std::time::Instant::now(), policy.clone()));
        Ok(policy)
    }

    /// A problem of an authenticated call; an expired or rejected session ends.
    pub fn session_problem(&self, problem: Problem) -> Problem {
        if matches!(
            problem.code,
            ErrorCode::TokenExpired | ErrorCode::Unauthenticated
        ) {
            self.end_session();
        }
        problem
    }

    /// Keeps an operation's session (see [`StartsSession`]) and returns what the
    /// window may see of it.
    pub fn start_session<T: StartsSession>(&self, output: T) -> T::Seen {
        output.start(self)
    }

    fn keep_session(&self, credential: Credential, view: SessionView) {
        *self.session.lock().expect("session lock") = Some(Session { credential, view });
    }

    /// Replaces the connection (closing the previous one) and ends any session.
    pub async fn connect(
        &self,
        config: DatabaseConfig,
        info: ConnectionInfo,
    ) -> Result<(), Problem> {
        let core = Gatehouse::connect(&config, self.secrets.clone())
            .await
            .map_err(problem)?;
        let backend = Arc::new(InProcess::new(core.clone(), SignInSource::Desktop));
        self.replace_connection(Connection {
            backend,
            policy: Arc::default(),
            core: Some(core),
            info,
        })
        .await;
        Ok(())
    }

    /// Makes `connection` the current one, ending any session and closing the
    /// previous connection's core.
    async fn replace_connection(&self, connection: Connection) {
        let previous = self.connection.lock().await.replace(connection);
        self.end_session();
        if let Some(core) = previous.and_then(|p| p.core) {
            core.close().await;
        }
    }

    /// Connects to a Gatehouse server: only the HTTP client in this process; the
    /// server holds the database. Reads its instance first, so a wrong address, an
    /// untrusted or changed certificate fails here and not at the first form.
    pub async fn open_server(&self, profile: ServerProfile) -> Result<(), Problem> {
        let url = server_url(&profile)?;
        let trust = match &profile.fingerprint {
            Some(fingerprint) => Trust::Pinned(fingerprint.clone()),
            None => Trust::SystemRoots,
        };
        let remote = Remote::new(url.clone(), gatehouse_api::trust::client(&trust)?);
        remote.instance_status().await?;
        self.replace_connection(Connection {
            backend: Arc::new(remote),
            policy: Arc::default(),
            core: None,
            info: ConnectionInfo {
                kind: ConnectionKind::Server,
                label: profile.name.clone(),
                detail: url.to_string(),
            },
        })
        .await;
        self.remember(LastConnection::Server {
            name: profile.name.clone(),
        });
        self.dirs.save_server(profile)
    }

    /// First contact with a server (see [`gatehouse_api::trust::first_contact`]).
    pub async fn check_server(&self, profile: &ServerProfile) -> Result<ServerContact, Problem> {
        let contact = gatehouse_api::trust::first_contact(&server_url(profile)?).await?;
        Ok(ServerContact {
            fingerprint: contact.fingerprint,
            trusted_by_system: contact.trusted_by_system,
            initialized: contact.instance.initialized,
            organization: contact.instance.organization,
        })
    }

    /// Opens (creating it if needed) the local SQLite file in the app data dir,
    /// unless it is open already.
    pub async fn open_local(&self) -> Result<(), Problem> {
        if self.connected_to(ConnectionKind::Local).await {
            return Ok(());
        }
        let path = self.dirs.local_database();
        if let Some(dir) = path.parent() {
            crate::files::private_dir(dir).map_err(|e| {
                Problem::new(
                    ErrorCode::Internal,
                    format!("Could not create {}: {e}", dir.display()),
                )
            })?;
        }
        let info = ConnectionInfo {
            kind: ConnectionKind::Local,
            label: "Local database".into(),
            detail: path.display().to_string(),
        };
        self.connect(DatabaseConfig::sqlite(&path), info).await?;
        self.remember(LastConnection::Local);
        Ok(())
    }

    /// The connection to open at the next start (a failure to write it only costs
    /// that convenience).
    fn remember(&self, last: LastConnection) {
        if let Err(problem) = self.dirs.save_last_connection(&last) {
            tracing::warn!(detail = %problem.detail, "could not remember the connection");
        }
    }

    /// Opens the connection made last (see [`LastConnection`]), so the app starts on
    /// its sign-in screen; nothing when there is none or its profile is gone. A remote
    /// profile uses the password saved in the keychain (without one, it fails and the
    /// connect screen shows).
    pub async fn reopen_last(&self) -> Result<(), Problem> {
        match self.dirs.load_last_connection() {
            None => Ok(()),
            Some(LastConnection::Local) => self.open_local().await,
            Some(LastConnection::Remote { name }) => {
                let Some(view) = self
                    .dirs
                    .load_profiles()
                    .into_iter()
                    .find(|p| p.name == name)
                else {
                    return Ok(());
                };
                self.open_remote(RemoteProfile {
                    name: view.name,
                    host: view.host,
                    port: view.port,
                    database: view.database,
                    username: view.username,
                    password: None,
                    tls: view.tls,
                    save_password: view.save_password,
                })
                .await
            }
            Some(LastConnection::Server { name }) => {
                let Some(profile) = self
                    .dirs
                    .load_servers()
                    .into_iter()
                    .find(|p| p.name == name)
                else {
                    return Ok(());
                };
                self.open_server(profile).await
            }
        }
    }

    /// Runs a keychain call on the blocking pool (the Secret Service is D-Bus).
    async fn keychain<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T, SecretStoreError> + Send + 'static,
    ) -> Result<T, Problem> {
        let secrets = self.secrets.clone();
        match tokio::task::spawn_blocking(move || call(secrets.as_ref())).await {
            Ok(result) => result.map_err(|e| problem(e.into())),
            Err(join) => Err(problem(Error::Internal(Box::new(join)))),
        }
    }

    /// The password typed, or else the one saved in the keychain for this profile.
    async fn password_of(&self, profile: &RemoteProfile) -> Result<Option<SecretString>, Problem> {
        match &profile.password {
            Some(password) => Ok(Some(password.clone())),
            None => {
                let entry = password_entry(profile);
                self.keychain(move |s| s.get(&entry)).await
            }
        }
    }

    /// Connects to a profile's database, reads whether it is set up, and closes.
    pub async fn check_remote(&self, profile: &RemoteProfile) -> Result<ConnectionTest, Problem> {
        let config = postgres_config(profile, self.password_of(profile).await?);
        let core = match Gatehouse::connect(&config, self.secrets.clone()).await {
            Ok(core) => core,
            Err(error) => {
                return Ok(ConnectionTest {
                    ok: false,
                    message: connection_failure(&error),
                })
            }
        };
        let status = core.instance_status().await;
        core.close().await;
        Ok(match status {
            Ok(status) => ConnectionTest {
                ok: true,
                message: match status.organization {
                    Some(org) if status.initialized => {
                        format!("Connected. This database holds the Gatehouse instance of {org}.")
                    }
                    _ => "Connected. Gatehouse is not set up on this database yet: \
                          connecting starts the setup."
                        .into(),
                },
            },
            Err(error) => ConnectionTest {
                ok: false,
                message: connection_failure(&error),
            },
        })
    }

    /// Connects to a profile's database. Then keeps the password in the keychain if
    /// asked to (or forgets a saved one if not) and remembers the profile, without
    /// its password, in profiles.json. If the keychain fails, it disconnects again
    /// and says so: the password is never written anywhere else.
    pub async fn open_remote(&self, profile: RemoteProfile) -> Result<(), Problem> {
        let password = self.password_of(&profile).await?;
        let entry = password_entry(&profile);
        self.connect(
            postgres_config(&profile, password.clone()),
            remote_info(&profile),
        )
        .await?;
        let saved = match (password.clone(), profile.save_password) {
            (Some(password), true) => self.keychain(move |s| s.set(&entry, &password)).await,
            (_, false) => self.keychain(move |s| s.delete(&entry)).await,
            (None, true) => Ok(()),
        };
        if let Err(mut problem) = saved {
            self.close_connection().await;
            problem.detail = format!(
                "The password could not be saved: {} Untick \"Remember the password in the system \
                 keychain\" to connect without saving it.",
                problem.detail
            );
            return Err(problem);
        }
        self.remember(LastConnection::Remote {
            name: profile.name.clone(),
        });
        self.dirs.save_profile(RemoteProfileView {
            name: profile.name.clone(),
            host: profile.host.clone(),
            port: profile.port,
            database: profile.database.clone(),
            username: profile.username.clone(),
            tls: profile.tls,
            save_password: profile.save_password,
            has_saved_password: profile.save_password && password.is_some(),
        })
    }

    pub async fn connected_to(&self, kind: ConnectionKind) -> bool {
        self.connection
            .lock()
            .await
            .as_ref()
            .is_some_and(|c| c.info.kind == kind)
    }

    pub async fn close_connection(&self) {
        let previous = self.connection.lock().await.take();
        self.end_session();
        if let Some(core) = previous.and_then(|p| p.core) {
            core.close().await;
        }
    }

    /// Forgets the token and clears the clipboard if it still holds our copy.
    pub fn end_session(&self) {
        self.session.lock().expect("session lock").take();
        self.clipboard.clear_ours();
    }

    pub fn preferences(&self) -> AppPreferences {
        self.preferences.lock().expect("preferences lock").clone()
    }

    pub fn save_preferences(&self, preferences: AppPreferences) -> Result<AppPreferences, Problem> {
        if !(5..=600).contains(&preferences.clipboard_clear_seconds) {
            return Err(invalid_field(
                "clipboard_clear_seconds",
                "out_of_range",
                "Choose between 5 and 600 seconds.",
            ));
        }
        self.dirs.save_preferences(&preferences)?;
        *self.preferences.lock().expect("preferences lock") = preferences.clone();
        Ok(preferences)
    }

    pub async fn state(&self) -> Result<AppState, Problem> {
        let (backend, connection) = {
            let guard = self.connection.lock().await;
            (
                guard.as_ref().map(|c| c.backend.clone()),
                guard.as_ref().map(|c| c.info.clone()),
            )
        };
        // A connection that does not answer is still the connection: the window says
        // why and offers to retry or change it, rather than failing to start.
        let (instance, connection_problem) = match backend {
            Some(backend) => match backend.instance_status().await {
                Ok(status) => (Some(status), None),
                Err(problem) => (None, Some(problem)),
            },
            None => (None, None),
        };
        let session = self
            .session
            .lock()
            .expect("session lock")
            .as_ref()
            .map(|s| s.view.clone());
        Ok(AppState {
            connection,
            instance,
            connection_problem,
            session,
            preferences: self.preferences(),
        })
    }
}

/// A server profile's address: https, or http to loopback (see `trust::check_url`).
fn server_url(profile: &ServerProfile) -> Result<gatehouse_api::trust::Url, Problem> {
    let url: gatehouse_api::trust::Url = profile.url.trim().parse().map_err(|_| {
        invalid_field(
            "url",
            "invalid",
            "Enter the server's address, e.g. https://gatehouse.example.com:8443.",
        )
    })?;
    gatehouse_api::trust::check_url(&url)?;
    Ok(url)
}

/// The keychain entry of a remote profile's password.
pub fn password_entry(profile: &RemoteProfile) -> String {
    format!(
        "postgres:{}@{}:{}/{}",
        profile.username, profile.host, profile.port, profile.database
    )
}

/// The connection settings of a profile, with its password.
pub fn postgres_config(profile: &RemoteProfile, password: Option<SecretString>) -> DatabaseConfig {
    DatabaseConfig::Postgres(PostgresConfig {
        host: profile.host.trim().to_owned(),
        port: profile.port,
        database: profile.database.trim().to_owned(),
        username: profile.username.trim().to_owned(),
        password,
        tls: profile.tls,
    })
}

pub fn remote_info(profile: &RemoteProfile) -> ConnectionInfo {
    ConnectionInfo {
        kind: ConnectionKind::Remote,
        label: profile.name.clone(),
        detail: format!(
            "{}@{}:{}/{}",
            profile.username, profile.host, profile.port, profile.database
        ),
    }
}

/// The first cause worth showing of a failed connection (driver messages hold no password).
pub fn connection_failure(error: &Error) -> String {
    match error {
        Error::Internal(source) => {
            let mut message = source.to_string();
            let mut cause = source.source();
            while let Some(inner) = cause {
                // sqlx often repeats its source's text in its own: say each cause once.
                let inner_text = inner.to_string();
                if !message.contains(&inner_text) {
                    message = format!("{message}: {inner_text}");
                }
                cause = inner.source();
            }
            format!("Could not connect: {message}")
        }
        other => other.to_problem().detail,
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_domain::{MemorySecretStore, UserView};

    use super::*;
    use crate::clipboard::tests::FakeClipboard;

    fn shell() -> (tempfile::TempDir, Shell, FakeClipboard) {
        let dir = tempfile::tempdir().unwrap();
        let dirs = AppDirs {
            config: dir.path().join("config"),
            data: dir.path().join("data"),
        };
        let clipboard = FakeClipboard::default();
        let shell = Shell::new(
            dirs,
            Arc::new(MemorySecretStore::default()),
            ClipboardGuard::new(clipboard.clone()),
        );
        (dir, shell, clipboard)
    }

    #[tokio::test]
    async fn the_local_database_opened_last_is_opened_again_at_the_next_start_until_left() {
        let (dir, shell, _) = shell();
        shell.reopen_last().await.unwrap();
        assert!(
            !shell.connected_to(ConnectionKind::Local).await,
            "nothing made yet"
        );
        shell.open_local().await.unwrap();
        shell.close_connection().await;

        // The next start: a new shell on the same dirs.
        let next = Shell::new(
            shell.dirs.clone(),
            Arc::new(MemorySecretStore::default()),
            ClipboardGuard::new(FakeClipboard::default()),
        );
        next.reopen_last().await.unwrap();
        assert!(next.connected_to(ConnectionKind::Local).await);

        // "Change database" forgets it: the start after shows the connect screen.
        next.disconnect().await.unwrap();
        let after = Shell::new(
            next.dirs.clone(),
            Arc::new(MemorySecretStore::default()),
            ClipboardGuard::new(FakeClipboard::default()),
        );
        after.reopen_last().await.unwrap();
        assert!(!after.connected_to(ConnectionKind::Local).await);
        drop(dir);
    }

    #[tokio::test]
    async fn a_last_connection_whose_profile_is_gone_opens_nothing() {
        let (_dir, shell, _) = shell();
        shell
            .dirs
            .save_last_connection(&LastConnection::Server {
                name: "gone".into(),
            })
            .unwrap();
        shell.reopen_last().await.unwrap();
        assert!(shell.connection.lock().await.is_none());
    }

    fn admin() -> UserView {
        let now = chrono::Utc::now();
        UserView {
            id: uuid::Uuid::now_v7(),
            account_id: uuid::Uuid::now_v7(),
            username: "ada".into(),
            email: Some("ada@acme.test".into()),
            first_name: Some("Ada".into()),
            last_name: None,
            business_role: None,
            roles: vec![gatehouse_domain::Role::Admin],
            status: gatehouse_domain::UserStatus::Active,
            is_active: true,
            email_confirmed_at: None,
            preferences: serde_json::json!({}),
            must_change_password: false,
            failed_sign_ins: 0,
            locked_until: None,
            created_at: now,
            created_by: None,
            updated_at: now,
            version: 1,
            last_sign_in_at: Some(now),
            second_factor: false,
        }
    }

    /// A session as a sign-in would start it.
    fn signed_in(shell: &Shell) {
        shell.start_session(SignedIn {
            access_token: gatehouse_domain::IssuedAccessToken {
                access_token: serde_json::from_value(serde_json::json!("a.jwt.token")).unwrap(),
                token_type: "Bearer".into(),
                expires_at: chrono::Utc::now(),
            },
            user: admin(),
            must_change_password: false,
            must_enroll_second_factor: false,
        });
    }

    #[tokio::test]
    async fn before_connecting_every_operation_asks_to_choose_a_database() {
        let (_dir, shell, _) = shell();
        let Err(problem) = shell.authed().await else {
            panic!("an operation succeeded without a database");
        };
        assert_eq!(problem.code, ErrorCode::BadRequest);
        assert!(
            problem.detail.contains("Not connected"),
            "{}",
            problem.detail
        );
    }

    #[tokio::test]
    async fn the_local_database_is_a_file_in_the_app_data_dir_and_starts_not_set_up() {
        let (dir, shell, _) = shell();
        shell.connect_local().await.unwrap();

        assert!(dir.path().join("data/gatehouse.sqlite3").is_file());
        let state = shell.state().await.unwrap();
        assert_eq!(state.connection.unwrap().kind, ConnectionKind::Local);
        assert!(!state.instance.unwrap().initialized);
        assert!(state.session.is_none());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_local_database_and_the_data_dir_holding_it_are_readable_by_the_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: std::path::PathBuf| {
            std::fs::metadata(path).unwrap().permissions().mode() & 0o777
        };
        let (dir, shell, _) = shell();
        shell.connect_local().await.unwrap();

        assert_eq!(mode(dir.path().join("data")), 0o700);
        assert_eq!(mode(dir.path().join("data/gatehouse.sqlite3")), 0o600);
    }

    #[tokio::test]
    async fn an_expired_token_ends_the_session_and_clears_our_copy_from_the_clipboard() {
        let (_dir, shell, clipboard) = shell();
        shell.connect_local().await.unwrap();
        signed_in(&shell);
        shell
            .clipboard
            .copy(SecretString::from("gth_secret".to_owned()))
            .unwrap();

        let problem = shell.session_problem(Error::TokenExpired.to_problem());

        assert_eq!(problem.code, ErrorCode::TokenExpired);
        assert!(shell.state().await.unwrap().session.is_none());
        assert_eq!(*clipboard.content.lock().unwrap(), None);
    }

    #[tokio::test]
    async fn other_errors_keep_the_session() {
        let (_dir, shell, _) = shell();
        shell.connect_local().await.unwrap();
        signed_in(&shell);

        shell.session_problem(Error::Forbidden.to_problem());

        assert!(shell.state().await.unwrap().session.is_some());
    }

    #[test]
    fn a_clipboard_delay_outside_5_to_600_seconds_is_refused_beside_its_field() {
        let (_dir, shell, _) = shell();
        for seconds in [0, 4, 601] {
            let problem = shell
                .save_preferences(AppPreferences {
                    clipboard_clear_seconds: seconds,
                    ..AppPreferences::default()
                })
                .unwrap_err();
            assert_eq!(problem.code, ErrorCode::ValidationFailed);
            assert_eq!(problem.errors[0].field, "clipboard_clear_seconds");
        }
        assert_eq!(shell.preferences().clipboard_clear_seconds, 30);
    }
}
