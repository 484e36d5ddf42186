//! The shell's own request and response types (the core's are in gatehouse-domain).
//! With the `ts` feature they derive TypeScript bindings, exported beside the core's
//! into ui/src/bindings by `cargo test -p gatehouse-domain -p gatehouse-desktop --features gatehouse-desktop/ts --lib export_bindings`.

use gatehouse_domain::{
    InstanceStatus, PasswordPolicy, PolicyPreset, Problem, SecretString, TlsMode, UserView,
};
use serde::{Deserialize, Serialize};

/// Which database the app is connected to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum ConnectionKind {
    /// The local SQLite file.
    Local,
    /// A PostgreSQL whose password this desktop holds (direct).
    Remote,
    /// A Gatehouse server (`gatehouse serve`), which alone holds the database.
    Server,
}

/// The current connection, for the header. Holds no secret.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ConnectionInfo {
    pub kind: ConnectionKind,
    /// "Local database" or the profile's name.
    pub label: String,
    /// The file path, or `user@host:port/database`.
    pub detail: String,
}

/// The signed-in admin. The access token itself stays in the shell.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SessionView {
    pub user: UserView,
    pub must_change_password: bool,
    /// The instance requires two-step sign-in and this user has not set it up yet.
    pub must_enroll_second_factor: bool,
    /// RFC 3339.
    pub expires_at: String,
}

/// The window's colours: the system's choice (`prefers-color-scheme`), or always light or dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system's light or dark setting.
    #[default]
    System,
    Light,
    Dark,
}

/// Preferences of this desktop (not of the instance), saved in the app config dir.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct AppPreferences {
    /// How long a copied secret stays on the clipboard, 5–600 seconds.
    pub clipboard_clear_seconds: u32,
    /// Light, dark or the system's choice; `system` when a preferences file predates it.
    #[serde(default)]
    pub theme: Theme,
}

impl Default for AppPreferences {
    fn default() -> Self {
        AppPreferences {
            clipboard_clear_seconds: 30,
            theme: Theme::System,
        }
    }
}

/// Everything the UI needs to pick its screen.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AppState {
    pub connection: Option<ConnectionInfo>,
    /// Whether the connected instance is set up; absent when not connected, or when
    /// the connection does not answer (then `connection_problem` says why).
    pub instance: Option<InstanceStatus>,
    /// Why the connection does not answer now (the database or server is down, a
    /// server's certificate changed); the window offers to retry or to change it.
    pub connection_problem: Option<Problem>,
    pub session: Option<SessionView>,
    pub preferences: AppPreferences,
}

/// A remote PostgreSQL to connect to, as typed in the connect form.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct RemoteProfile {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub username: String,
    /// `null`: use the password saved in the keychain for this profile.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub password: Option<SecretString>,
    pub tls: TlsMode,
    /// Keep the password in the OS keychain (never in a file).
    pub save_password: bool,
}

impl std::fmt::Debug for RemoteProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteProfile")
            .field("name", &self.name)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("tls", &self.tls)
            .field("save_password", &self.save_password)
            .finish()
    }
}

/// A saved profile, as stored in profiles.json and listed: never a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RemoteProfileView {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub username: String,
    pub tls: TlsMode,
    pub save_password: bool,
    /// The password is in the OS keychain.
    pub has_saved_password: bool,
}

/// The result of "Test connection".
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ConnectionTest {
    pub ok: bool,
    pub message: String,
}

/// A Gatehouse server to sign in to, as typed in the connect form and as saved in
/// servers.json: never a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct ServerProfile {
    pub name: String,
    /// `https://host:port`, or `http://` to a loopback address.
    pub url: String,
    /// The certificate's fingerprint (`SHA256:…`) this profile trusts, for a
    /// self-signed server; `null`: the system's certificate roots.
    pub fingerprint: Option<String>,
}

/// What a server showed on first contact, to compare before trusting it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ServerContact {
    /// Its certificate's fingerprint; `null` over plain HTTP to loopback.
    pub fingerprint: Option<String>,
    /// The system's roots vouch for the certificate: nothing needs pinning.
    pub trusted_by_system: bool,
    /// Whether the server's instance is set up (otherwise connecting starts the
    /// wizard, which asks for the setup code the server printed).
    pub initialized: bool,
    pub organization: Option<String>,
}

/// A password policy preset with its label, for the wizard and the settings.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PresetInfo {
    pub preset: PolicyPreset,
    pub label: String,
    pub policy: PasswordPolicy,
}

/// A secret is on the clipboard until `clears_at` (unless replaced meanwhile).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ClipboardReceipt {
    /// RFC 3339.
    pub clears_at: String,
    pub seconds: u32,
}
