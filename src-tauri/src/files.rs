//! What the app keeps in its config dir: connection profiles and preferences, as
//! JSON. Neither holds a secret (profile passwords go to the OS keychain). The
//! config and data dirs (the data dir holds the local database, with password
//! hashes) are the user's alone: 0700, their files 0600, whatever the umask.

use std::path::{Path, PathBuf};

use gatehouse_domain::{ErrorCode, Problem};
use serde::{de::DeserializeOwned, Serialize};

use crate::types::{AppPreferences, RemoteProfileView, ServerProfile};

/// The connection the app opens at start: the last one made, by its profile's name
/// (never a secret: a remote profile's password stays in the keychain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LastConnection {
    Local,
    /// A direct PostgreSQL profile of profiles.json.
    Remote {
        name: String,
    },
    /// A Gatehouse server of servers.json.
    Server {
        name: String,
    },
}

/// Where this desktop keeps its files.
#[derive(Clone, Debug)]
pub struct AppDirs {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl AppDirs {
    /// Creates both dirs if missing and makes them private, also when an older
    /// version left them readable by others.
    pub fn make_private(&self) -> std::io::Result<()> {
        private_dir(&self.config)?;
        private_dir(&self.data)
    }

    pub fn local_database(&self) -> PathBuf {
        self.data.join("gatehouse.sqlite3")
    }

    fn profiles(&self) -> PathBuf {
        self.config.join("profiles.json")
    }

    fn preferences(&self) -> PathBuf {
        self.config.join("preferences.json")
    }

    fn servers(&self) -> PathBuf {
        self.config.join("servers.json")
    }

    fn last_connection_file(&self) -> PathBuf {
        self.config.join("last-connection.json")
    }

    /// The connection to open at start, if one was made and not left since.
    pub fn load_last_connection(&self) -> Option<LastConnection> {
        read_json(&self.last_connection_file())
    }

    pub fn save_last_connection(&self, last: &LastConnection) -> Result<(), Problem> {
        write_json(&self.last_connection_file(), last)
    }

    /// "Change database": the next start shows the connect screen.
    pub fn forget_last_connection(&self) {
        match std::fs::remove_file(self.last_connection_file()) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                tracing::warn!(%error, "could not forget the last connection");
            }
            _ => {}
        }
    }

    pub fn load_servers(&self) -> Vec<ServerProfile> {
        read_json(&self.servers()).unwrap_or_default()
    }

    /// Adds or replaces the server profile of the same name.
    pub fn save_server(&self, profile: ServerProfile) -> Result<(), Problem> {
        let mut servers = self.load_servers();
        servers.retain(|p| p.name != profile.name);
        servers.push(profile);
        servers.sort_by(|a, b| a.name.cmp(&b.name));
        write_json(&self.servers(), &servers)
    }

    pub fn load_profiles(&self) -> Vec<RemoteProfileView> {
        read_json(&self.profiles()).unwrap_or_default()
    }

    /// Adds or replaces the profile of the same name.
    pub fn save_profile(&self, profile: RemoteProfileView) -> Result<(), Problem> {
        let mut profiles = self.load_profiles();
        profiles.retain(|p| p.name != profile.name);
        profiles.push(profile);
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        write_json(&self.profiles(), &profiles)
    }

    pub fn load_preferences(&self) -> AppPreferences {
        read_json(&self.preferences()).unwrap_or_default()
    }

    pub fn save_preferences(&self, preferences: &AppPreferences) -> Result<(), Problem> {
        write_json(&self.preferences(), preferences)
    }
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str(&text) {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "ignoring an unreadable file");
            None
        }
    }
}

/// Creates `dir` (and its missing parents, with the default mode) and makes it 0700.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        other => other?,
    }
    // The umask may have narrowed the mode only; an existing dir keeps its old one.
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

/// Writes `text` to a new file only its owner may read, replacing an old one.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;

    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), Problem> {
    let failed = |error: std::io::Error| {
        tracing::error!(path = %path.display(), %error, "could not save a file");
        Problem::new(
            ErrorCode::Internal,
            format!("Could not save {}: {error}", path.display()),
        )
    };
    if let Some(dir) = path.parent() {
        private_dir(dir).map_err(failed)?;
    }
    let text = serde_json::to_string_pretty(value).expect("plain data serializes");
    let temporary = path.with_extension("json.tmp");
    write_private(&temporary, &text).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

#[cfg(test)]
mod tests {
    use gatehouse_domain::TlsMode;

    use super::*;
    use crate::types::Theme;

    fn dirs() -> (tempfile::TempDir, AppDirs) {
        let dir = tempfile::tempdir().unwrap();
        let dirs = AppDirs {
            config: dir.path().join("config"),
            data: dir.path().join("data"),
        };
        (dir, dirs)
    }

    #[test]
    fn the_last_connection_is_kept_by_name_only_and_forgotten_on_request() {
        let (_dir, dirs) = dirs();
        dirs.make_private().unwrap();
        assert_eq!(dirs.load_last_connection(), None);
        let last = LastConnection::Remote {
            name: "team".into(),
        };
        dirs.save_last_connection(&last).unwrap();
        assert_eq!(dirs.load_last_connection(), Some(last));
        let text = std::fs::read_to_string(dirs.config.join("last-connection.json")).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            serde_json::json!({ "kind": "remote", "name": "team" })
        );
        dirs.forget_last_connection();
        assert_eq!(dirs.load_last_connection(), None);
        dirs.forget_last_connection();
    }

    fn profile(name: &str, host: &str) -> RemoteProfileView {
        RemoteProfileView {
            name: name.into(),
            host: host.into(),
            port: 5432,
            database: "gatehouse".into(),
            username: "admin".into(),
            tls: TlsMode::Require,
            save_password: true,
            has_saved_password: true,
        }
    }

    #[test]
    fn saving_a_profile_of_the_same_name_replaces_it() {
        let (_dir, dirs) = dirs();
        dirs.save_profile(profile("prod", "db1")).unwrap();
        dirs.save_profile(profile("staging", "db2")).unwrap();
        dirs.save_profile(profile("prod", "db3")).unwrap();

        let hosts: Vec<_> = dirs.load_profiles().into_iter().map(|p| p.host).collect();
        assert_eq!(hosts, ["db3", "db2"]);
    }

    #[test]
    fn the_profiles_file_has_no_password_field() {
        let (_dir, dirs) = dirs();
        dirs.save_profile(profile("prod", "db1")).unwrap();
        let text = std::fs::read_to_string(dirs.config.join("profiles.json")).unwrap();
        assert!(!text.contains("\"password\""), "{text}");
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn the_config_and_data_dirs_and_saved_files_are_readable_by_the_user_only() {
        let (_dir, dirs) = dirs();
        dirs.make_private().unwrap();
        dirs.save_profile(profile("prod", "db1")).unwrap();
        dirs.save_preferences(&AppPreferences::default()).unwrap();

        assert_eq!(mode(&dirs.config), 0o700);
        assert_eq!(mode(&dirs.data), 0o700);
        assert_eq!(mode(&dirs.config.join("profiles.json")), 0o600);
        assert_eq!(mode(&dirs.config.join("preferences.json")), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn dirs_and_files_an_older_version_left_open_are_made_private() {
        use std::os::unix::fs::PermissionsExt;

        let (_dir, dirs) = dirs();
        std::fs::create_dir_all(&dirs.config).unwrap();
        std::fs::create_dir_all(&dirs.data).unwrap();
        let open = || std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(&dirs.config, open()).unwrap();
        std::fs::set_permissions(&dirs.data, open()).unwrap();
        let profiles = dirs.config.join("profiles.json");
        std::fs::write(&profiles, "[]").unwrap();
        std::fs::set_permissions(&profiles, std::fs::Permissions::from_mode(0o644)).unwrap();

        dirs.make_private().unwrap();
        dirs.save_profile(profile("prod", "db1")).unwrap();

        assert_eq!(mode(&dirs.config), 0o700);
        assert_eq!(mode(&dirs.data), 0o700);
        assert_eq!(mode(&profiles), 0o600);
    }

    #[test]
    fn preferences_default_to_a_30_second_clipboard_and_persist() {
        let (_dir, dirs) = dirs();
        assert_eq!(dirs.load_preferences().clipboard_clear_seconds, 30);
        let prefs = AppPreferences {
            clipboard_clear_seconds: 12,
            theme: Theme::Dark,
        };
        dirs.save_preferences(&prefs).unwrap();
        assert_eq!(dirs.load_preferences(), prefs);
        let text = std::fs::read_to_string(dirs.config.join("preferences.json")).unwrap();
        assert!(
            text.contains(r#""theme": "dark""#) || text.contains(r#""theme":"dark""#),
            "{text}"
        );
    }

    #[test]
    fn a_preferences_file_from_before_the_theme_loads_with_the_system_theme() {
        let (_dir, dirs) = dirs();
        std::fs::create_dir_all(&dirs.config).unwrap();
        std::fs::write(
            dirs.config.join("preferences.json"),
            r#"{ "clipboard_clear_seconds": 45 }"#,
        )
        .unwrap();
        assert_eq!(
            dirs.load_preferences(),
            AppPreferences {
                clipboard_clear_seconds: 45,
                theme: Theme::System,
            }
        );
    }
}
