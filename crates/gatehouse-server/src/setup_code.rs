//! The one-time setup code: while the instance is not set up, `gatehouse serve`
//! prints a random code on its console and writes it to a file only its user can
//! read; the setup endpoint refuses any request without it, so a stranger who
//! reaches the port first cannot claim the instance. The code dies with the setup.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_domain::{ErrorCode, Gatehouse};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The request header that carries the code.
pub const HEADER: &str = "x-setup-code";
/// Random bytes in a code: 192 bits.
const CODE_BYTES: usize = 24;

/// The live code (kept as its SHA-256 only) and the file it was written to.
#[derive(Default)]
pub struct SetupCode {
    state: Mutex<Option<Live>>,
}

struct Live {
    digest: [u8; 32],
    file: Option<PathBuf>,
}

impl SetupCode {
    /// No code: the instance is set up (or setup over HTTP is closed).
    pub fn none() -> Self {
        SetupCode::default()
    }

    /// A fresh random code; the returned secret is for the console, once.
    pub fn generate() -> (Self, SecretString) {
        let mut bytes = [0u8; CODE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let code = URL_SAFE_NO_PAD.encode(bytes);
        let live = Live {
            digest: Sha256::digest(code.as_bytes()).into(),
            file: None,
        };
        (
            SetupCode {
                state: Mutex::new(Some(live)),
            },
            SecretString::from(code),
        )
    }

    /// Issues a code if the instance is not set up yet, writing it to `file` (mode
    /// 0600). Returns the code to print, or `None` when the instance is set up.
    pub async fn issue(
        core: &Gatehouse,
        file: &Path,
    ) -> anyhow::Result<(SetupCode, Option<SecretString>)> {
        if core.instance_status().await?.initialized {
            remove_file(file);
            return Ok((SetupCode::none(), None));
        }
        let (setup_code, code) = SetupCode::generate();
        crate::private_file::write(file, code.expose_secret())?;
        if let Some(live) = setup_code.lock().as_mut() {
            live.file = Some(file.to_owned());
        }
        Ok((setup_code, Some(code)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Live>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a setup request may go on: 400 `already_initialized` once the code is
    /// dead, 401 without the right code.
    pub fn check(&self, presented: Option<&str>) -> Result<(), ApiError> {
        let state = self.lock();
        let Some(live) = state.as_ref() else {
            return Err(gatehouse_domain::Error::AlreadyInitialized.into());
        };
        // Comparing digests: timing tells nothing about the code itself.
        let matches = presented
            .map(|code| <[u8; 32]>::from(Sha256::digest(code.trim().as_bytes())) == live.digest)
            .unwrap_or(false);
        if matches {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "Send the setup code that `gatehouse serve` printed on its console (and wrote \
                 to its setup code file) in the X-Setup-Code header.",
            ))
        }
    }

    /// Kills the code (setup done) and deletes its file.
    pub fn retire(&self) {
        if let Some(live) = self.lock().take() {
            if let Some(file) = live.file {
                remove_file(&file);
            }
        }
    }

    pub fn is_live(&self) -> bool {
        self.lock().is_some()
    }
}

fn remove_file(file: &Path) {
    match std::fs::remove_file(file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(file = %file.display(), error = %e, "could not delete the setup code file")
        }
    }
}
