//! The server's signing keys, kept across restarts: each secret in a file of its own
//! (0600) in a directory only the server's user may enter (0700), as sshd keeps its
//! host keys. A server has no OS keychain; the desktop app uses its keychain instead
//! (`gatehouse-keychain`). Tokens a server signed stay valid when it restarts, and
//! other servers on the same database verify them by the public key in the database.

use std::path::{Path, PathBuf};

use gatehouse_domain::{SecretStore, SecretStoreError};
use secrecy::{ExposeSecret, SecretString};

pub struct FileSecretStore {
    dir: PathBuf,
}

fn failure(error: impl std::fmt::Display) -> SecretStoreError {
    SecretStoreError::new(format!("The server's key directory: {error}"))
}

impl FileSecretStore {
    /// Opens `dir`, creating it 0700 (and narrowing an existing one to 0700).
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        Ok(FileSecretStore {
            dir: dir.to_owned(),
        })
    }

    /// A secret's file: its name in hex, so no name can reach outside the directory.
    fn path(&self, name: &str) -> PathBuf {
        let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
        self.dir.join(hex)
    }
}

impl SecretStore for FileSecretStore {
    fn get(&self, name: &str) -> Result<Option<SecretString>, SecretStoreError> {
        match std::fs::read_to_string(self.path(name)) {
            Ok(text) => Ok(Some(SecretString::from(text.trim_end().to_owned()))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(failure(error)),
        }
    }

    fn set(&self, name: &str, secret: &SecretString) -> Result<(), SecretStoreError> {
        crate::private_file::write(&self.path(name), secret.expose_secret()).map_err(failure)
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        match std::fs::remove_file(self.path(name)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(failure(error)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_key_survives_reopening_and_lives_in_private_files() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let store = FileSecretStore::open(&keys).unwrap();
        store
            .set("signing:../../etc", &SecretString::from("k1".to_owned()))
            .unwrap();
        let again = FileSecretStore::open(&keys).unwrap();
        let read = again.get("signing:../../etc").unwrap().unwrap();
        assert_eq!(read.expose_secret(), "k1");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&keys), 0o700);
        let files: Vec<_> = std::fs::read_dir(&keys).unwrap().collect();
        assert_eq!(files.len(), 1, "inside the directory, whatever the name");
        assert_eq!(mode(&files[0].as_ref().unwrap().path()), 0o600);
        again.delete("signing:../../etc").unwrap();
        assert!(again.get("signing:../../etc").unwrap().is_none());
    }
}
