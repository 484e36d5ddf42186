//! Copying secrets: written from Rust (never through the webview), marked as
//! sensitive for clipboard managers, and cleared after a delay, on sign-out and on
//! quit, but only while the clipboard still holds what we put there.

use std::sync::Mutex;

use gatehouse_domain::{ErrorCode, Problem, SecretString};
use secrecy::ExposeSecret;

/// The system clipboard, as the guard needs it.
pub trait ClipboardBackend: Send + 'static {
    /// Writes text, marked as a secret where the platform has a way to say so.
    fn set_secret(&mut self, text: &str) -> Result<(), String>;
    fn text(&mut self) -> Option<String>;
    fn clear(&mut self) -> Result<(), String>;
}

/// The OS clipboard via arboard. It marks the content as sensitive where the
/// platform allows: on Linux the `x-kde-passwordManagerHint: secret` target
/// (KDE Klipper and other history managers skip it), on macOS
/// `org.nspasteboard.ConcealedType`, on Windows the
/// ExcludeClipboardContentFromMonitorProcessing / CanIncludeInClipboardHistory /
/// CanUploadToCloudClipboard formats.
pub struct SystemClipboard(Option<arboard::Clipboard>);

impl SystemClipboard {
    pub fn new() -> Self {
        SystemClipboard(None)
    }

    /// Opened on first use (it needs the display) and kept: on X11 the clipboard's
    /// content is served by this process for as long as the handle lives.
    fn handle(&mut self) -> Result<&mut arboard::Clipboard, String> {
        if self.0.is_none() {
            self.0 = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        Ok(self.0.as_mut().expect("just opened"))
    }
}

impl Default for SystemClipboard {
    fn default() -> Self {
        SystemClipboard::new()
    }
}

impl ClipboardBackend for SystemClipboard {
    fn set_secret(&mut self, text: &str) -> Result<(), String> {
        let set = self.handle()?.set();
        #[cfg(any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "openbsd",
            target_os = "netbsd"
        ))]
        let set = {
            use arboard::SetExtLinux;
            set.exclude_from_history()
        };
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple;
            set.exclude_from_history()
        };
        #[cfg(target_os = "windows")]
        let set = {
            use arboard::SetExtWindows;
            set.exclude_from_monitoring()
                .exclude_from_history()
                .exclude_from_cloud()
        };
        set.text(text.to_owned()).map_err(|e| e.to_string())
    }

    fn text(&mut self) -> Option<String> {
        self.handle().ok()?.get_text().ok()
    }

    fn clear(&mut self) -> Result<(), String> {
        self.handle()?.clear().map_err(|e| e.to_string())
    }
}

struct Held {
    backend: Box<dyn ClipboardBackend>,
    /// What we last put there, and which copy it was.
    ours: Option<(u64, SecretString)>,
    copies: u64,
}

/// Remembers what we copied so that clearing never wipes something the person
/// copied themselves afterwards.
pub struct ClipboardGuard(Mutex<Held>);

impl ClipboardGuard {
    pub fn new(backend: impl ClipboardBackend) -> Self {
        ClipboardGuard(Mutex::new(Held {
            backend: Box::new(backend),
            ours: None,
            copies: 0,
        }))
    }

    /// Puts `text` on the clipboard; returns the copy's number, for [`Self::clear_copy`].
    pub fn copy(&self, text: SecretString) -> Result<u64, Problem> {
        let mut held = self.0.lock().expect("clipboard lock");
        held.backend
            .set_secret(text.expose_secret())
            .map_err(|error| {
                tracing::warn!(%error, "could not write the clipboard");
                Problem::new(
                    ErrorCode::Internal,
                    "The clipboard is not available; select the text and copy it by hand.",
                )
            })?;
        held.copies += 1;
        let copy = held.copies;
        held.ours = Some((copy, text));
        Ok(copy)
    }

    /// Clears the clipboard if it still holds copy number `copy` (the delay ran out).
    pub fn clear_copy(&self, copy: u64) -> bool {
        let mut held = self.0.lock().expect("clipboard lock");
        if held.ours.as_ref().is_some_and(|(n, _)| *n == copy) {
            Self::clear_held(&mut held)
        } else {
            false
        }
    }

    /// Clears the clipboard if it still holds whatever we copied last (sign-out, quit).
    pub fn clear_ours(&self) -> bool {
        let mut held = self.0.lock().expect("clipboard lock");
        Self::clear_held(&mut held)
    }

    fn clear_held(held: &mut Held) -> bool {
        let Some((_, ours)) = held.ours.take() else {
            return false;
        };
        let still_ours = held.backend.text().as_deref() == Some(ours.expose_secret());
        if still_ours {
            if let Err(error) = held.backend.clear() {
                tracing::warn!(%error, "could not clear the clipboard");
                return false;
            }
        }
        still_ours
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A clipboard in memory that other "apps" can write too.
    #[derive(Clone, Default)]
    pub struct FakeClipboard {
        pub content: Arc<Mutex<Option<String>>>,
        pub marked_secret: Arc<Mutex<bool>>,
    }

    impl ClipboardBackend for FakeClipboard {
        fn set_secret(&mut self, text: &str) -> Result<(), String> {
            *self.content.lock().unwrap() = Some(text.to_owned());
            *self.marked_secret.lock().unwrap() = true;
            Ok(())
        }
        fn text(&mut self) -> Option<String> {
            self.content.lock().unwrap().clone()
        }
        fn clear(&mut self) -> Result<(), String> {
            *self.content.lock().unwrap() = None;
            Ok(())
        }
    }

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn a_copied_secret_is_marked_sensitive_and_cleared_when_its_delay_runs_out() {
        let fake = FakeClipboard::default();
        let guard = ClipboardGuard::new(fake.clone());
        let copy = guard.copy(secret("gh_token")).unwrap();
        assert_eq!(fake.content.lock().unwrap().as_deref(), Some("gh_token"));
        assert!(*fake.marked_secret.lock().unwrap());

        assert!(guard.clear_copy(copy));
        assert_eq!(*fake.content.lock().unwrap(), None);
    }

    #[test]
    fn something_the_person_copied_afterwards_is_left_alone() {
        let fake = FakeClipboard::default();
        let guard = ClipboardGuard::new(fake.clone());
        let copy = guard.copy(secret("gh_token")).unwrap();
        *fake.content.lock().unwrap() = Some("their own text".into());

        assert!(!guard.clear_copy(copy));
        assert!(!guard.clear_ours());
        assert_eq!(
            fake.content.lock().unwrap().as_deref(),
            Some("their own text")
        );
    }

    #[test]
    fn the_timer_of_an_earlier_copy_does_not_clear_a_later_one() {
        let fake = FakeClipboard::default();
        let guard = ClipboardGuard::new(fake.clone());
        let first = guard.copy(secret("first")).unwrap();
        let second = guard.copy(secret("second")).unwrap();

        assert!(!guard.clear_copy(first));
        assert_eq!(fake.content.lock().unwrap().as_deref(), Some("second"));
        assert!(guard.clear_copy(second));
    }

    #[test]
    fn sign_out_clears_our_last_copy() {
        let fake = FakeClipboard::default();
        let guard = ClipboardGuard::new(fake.clone());
        guard.copy(secret("temporary password")).unwrap();
        assert!(guard.clear_ours());
        assert_eq!(*fake.content.lock().unwrap(), None);
        assert!(!guard.clear_ours(), "nothing of ours is left to clear");
    }
}
