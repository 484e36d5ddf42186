//! Where secrets that must not sit in a file live: the OS keychain in the apps,
//! an in-process map in tests and in the headless server. The core only sees this
//! trait; the keychain implementation lives with the adapters.

use std::collections::HashMap;
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};

/// The secret store could not be used. The message says what to do.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SecretStoreError {
    pub message: String,
}

impl SecretStoreError {
    pub fn new(message: impl Into<String>) -> Self {
        SecretStoreError {
            message: message.into(),
        }
    }
}

/// A keyed store of secrets. Calls may block (D-Bus): the core calls them on the
/// blocking pool.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, name: &str) -> Result<Option<SecretString>, SecretStoreError>;
    fn set(&self, name: &str, secret: &SecretString) -> Result<(), SecretStoreError>;
    fn delete(&self, name: &str) -> Result<(), SecretStoreError>;
}

/// Secrets held only in this process's memory, gone when it exits.
#[derive(Default)]
pub struct MemorySecretStore(Mutex<HashMap<String, SecretString>>);

impl SecretStore for MemorySecretStore {
    fn get(&self, name: &str) -> Result<Option<SecretString>, SecretStoreError> {
        let map = self.0.lock().expect("secret map lock");
        Ok(map
            .get(name)
            .map(|s| SecretString::from(s.expose_secret().to_owned())))
    }

    fn set(&self, name: &str, secret: &SecretString) -> Result<(), SecretStoreError> {
        let mut map = self.0.lock().expect("secret map lock");
        map.insert(
            name.to_owned(),
            SecretString::from(secret.expose_secret().to_owned()),
        );
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        self.0.lock().expect("secret map lock").remove(name);
        Ok(())
    }
}

/// A secret handed to its owner exactly once: an issued token, a generated temporary
/// password. It serializes as its plain value (that is the one showing) but never
/// prints through `Debug`, so it cannot end up in a log by accident.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct OneTimeSecret(String);

impl OneTimeSecret {
    pub(crate) fn new(secret: String) -> Self {
        OneTimeSecret(secret)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OneTimeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneTimeSecret([REDACTED])")
    }
}

/// Serializes a secret as its plain text: for requests that carry one to where it is
/// checked (a password sent to `gatehouse serve` by the desktop's HTTP client). Use as
/// `#[serde(serialize_with = "crate::secrets::expose_secret")]`.
pub fn expose_secret<S: serde::Serializer>(
    secret: &secrecy::SecretString,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secrecy::ExposeSecret::expose_secret(secret))
}

/// [`expose_secret`] for an optional secret.
pub fn expose_optional_secret<S: serde::Serializer>(
    secret: &Option<secrecy::SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => serializer.serialize_some(secrecy::ExposeSecret::expose_secret(secret)),
        None => serializer.serialize_none(),
    }
}
