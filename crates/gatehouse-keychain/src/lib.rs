//! The OS keychain behind the core's [`SecretStore`]: the Secret Service on Linux
//! (gnome-keyring, KeePassXC), the Keychain on macOS, the Credential Manager on
//! Windows, through the `keyring` crate.
//!
//! Every failure, a panic inside the platform library included, becomes a
//! [`SecretStoreError`] whose message tells the person what to install or do. There
//! is deliberately no fallback: a secret is never written to a file instead.

use std::panic::{catch_unwind, AssertUnwindSafe};

use gatehouse_domain::{SecretStore, SecretStoreError};
use keyring::Entry;
use secrecy::{ExposeSecret, SecretString};

/// The service name every Gatehouse secret is filed under.
pub const SERVICE: &str = "gatehouse";

/// What to do when there is no usable keychain, per platform.
const INSTALL_HINT: &str = if cfg!(target_os = "linux") {
    "No OS keychain is available: install and unlock gnome-keyring (or KeePassXC's \
     Secret Service) in your desktop session, e.g. `sudo apt install gnome-keyring`, \
     then sign in to the desktop again. Gatehouse does not write secrets to disk instead."
} else if cfg!(target_os = "macos") {
    "The macOS Keychain is not available: unlock your login keychain in Keychain \
     Access and try again. Gatehouse does not write secrets to disk instead."
} else {
    "The OS credential store is not available: make sure Windows Credential Manager \
     is running and try again. Gatehouse does not write secrets to disk instead."
};

/// The OS keychain, holding secrets under service [`SERVICE`] (or another service,
/// so tests keep out of the real entries).
#[derive(Clone, Debug)]
pub struct Keychain {
    service: String,
}

impl Default for Keychain {
    fn default() -> Self {
        Keychain::new(SERVICE)
    }
}

impl Keychain {
    pub fn new(service: impl Into<String>) -> Self {
        Keychain {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Checks that the keychain can be reached, by reading an entry that need not
    /// exist. Returns the message to show if it cannot.
    pub fn probe(&self) -> Result<(), SecretStoreError> {
        self.get("gatehouse.probe").map(|_| ())
    }

    fn with_entry<T>(
        &self,
        name: &str,
        action: &'static str,
        op: impl FnOnce(&Entry) -> keyring::Result<T>,
    ) -> Result<T, SecretStoreError> {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let entry = Entry::new(&self.service, name)?;
            op(&entry)
        }));
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(explain(action, &error)),
            Err(_) => {
                tracing::warn!(action, "the keychain library panicked");
                Err(SecretStoreError::new(INSTALL_HINT))
            }
        }
    }
}

/// Turns a keyring error into a message a person can act on. The error text of the
/// platform library is kept for the log only: it never holds the secret.
fn explain(action: &'static str, error: &keyring::Error) -> SecretStoreError {
    tracing::warn!(action, error = %error, "keychain access failed");
    let message = match error {
        keyring::Error::NoStorageAccess(_) => format!(
            "The OS keychain is locked or refused access. Unlock it (e.g. in \
             Passwords and Keys / Seahorse, or KeePassXC) and try again. {INSTALL_HINT}"
        ),
        keyring::Error::PlatformFailure(_) => INSTALL_HINT.to_owned(),
        keyring::Error::TooLong(..) | keyring::Error::Invalid(..) => {
            "The OS keychain refused this entry's name or value.".to_owned()
        }
        keyring::Error::BadEncoding(_) => {
            "The secret saved in the OS keychain is not valid text; delete it and save it again."
                .to_owned()
        }
        _ => format!("The OS keychain could not {action} the secret. {INSTALL_HINT}"),
    };
    SecretStoreError::new(message)
}

impl SecretStore for Keychain {
    fn get(&self, name: &str) -> Result<Option<SecretString>, SecretStoreError> {
        self.with_entry(name, "read", |entry| match entry.get_password() {
            Ok(secret) => Ok(Some(SecretString::from(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(error),
        })
    }

    fn set(&self, name: &str, secret: &SecretString) -> Result<(), SecretStoreError> {
        self.with_entry(name, "save", |entry| {
            entry.set_password(secret.expose_secret())
        })
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        self.with_entry(name, "delete", |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(error),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_platform_failure_says_what_to_install_and_that_nothing_goes_to_disk() {
        let error = explain("read", &keyring::Error::PlatformFailure("no bus".into()));
        assert!(error.message.contains("keychain"), "{}", error.message);
        assert!(error.message.contains("not write secrets to disk"));
        if cfg!(target_os = "linux") {
            assert!(error.message.contains("gnome-keyring"));
        }
    }

    #[test]
    fn a_locked_keychain_asks_to_unlock_it() {
        let error = explain("read", &keyring::Error::NoStorageAccess("locked".into()));
        assert!(error.message.contains("locked"), "{}", error.message);
    }
}
