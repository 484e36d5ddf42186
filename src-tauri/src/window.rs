//! The window operations (`gatehouse_operations::window_operations!`): what only the
//! desktop shell does, each a [`Shell`] method named like its command.

use std::time::Duration;

use gatehouse_domain::instance::suggested_blocked_domains as suggested_domains;
use gatehouse_domain::{
    Error, FieldCheck, FieldReport, PasswordCandidate, PolicyPreset, PolicyReport, Problem,
    SecretString,
};

use crate::shell::Shell;
use crate::types::{
    AppPreferences, AppState, ClipboardReceipt, ConnectionTest, PresetInfo, RemoteProfile,
    RemoteProfileView, ServerContact, ServerProfile,
};

type Reply<T> = Result<T, Problem>;

impl Shell {
    pub async fn app_state(&self) -> Reply<AppState> {
        self.state().await
    }

    pub async fn connect_local(&self) -> Reply<AppState> {
        self.open_local().await?;
        self.state().await
    }

    pub async fn test_remote(&self, profile: RemoteProfile) -> Reply<ConnectionTest> {
        self.check_remote(&profile).await
    }

    pub async fn connect_remote(&self, profile: RemoteProfile) -> Reply<AppState> {
        self.open_remote(profile).await?;
        self.state().await
    }

    pub async fn contact_server(&self, profile: ServerProfile) -> Reply<ServerContact> {
        self.check_server(&profile).await
    }

    pub async fn connect_server(&self, profile: ServerProfile) -> Reply<AppState> {
        self.open_server(profile).await?;
        self.state().await
    }

    pub async fn saved_servers(&self) -> Reply<Vec<ServerProfile>> {
        Ok(self.dirs.load_servers())
    }

    /// "Change database": also forgotten as the one to open at the next start.
    pub async fn disconnect(&self) -> Reply<AppState> {
        self.close_connection().await;
        self.dirs.forget_last_connection();
        self.state().await
    }

    /// Reads the profiles file (a command is async, so the read stays off the main thread).
    pub async fn saved_profiles(&self) -> Reply<Vec<RemoteProfileView>> {
        Ok(self.dirs.load_profiles())
    }

    pub async fn policy_presets(&self) -> Reply<Vec<PresetInfo>> {
        Ok(PolicyPreset::ALL
            .into_iter()
            .map(|preset| PresetInfo {
                preset,
                label: preset.label().to_owned(),
                policy: preset.policy(),
            })
            .collect())
    }

    pub async fn suggested_blocked_domains(&self) -> Reply<Vec<String>> {
        Ok(suggested_domains())
    }

    pub async fn sign_out(&self) -> Reply<AppState> {
        self.end_session();
        self.state().await
    }

    /// The preferences held in memory (read from disk once, at start).
    pub async fn get_preferences(&self) -> Reply<AppPreferences> {
        Ok(self.preferences())
    }

    /// Writes the preferences file.
    pub async fn set_preferences(&self, preferences: AppPreferences) -> Reply<AppPreferences> {
        self.save_preferences(preferences)
    }

    /// Copies a secret and clears it after the configured delay if it is still there.
    pub async fn copy_secret(&self, text: String) -> Reply<ClipboardReceipt> {
        let seconds = self.preferences().clipboard_clear_seconds;
        let copy = self.clipboard.copy(SecretString::from(text))?;
        let clipboard = self.clipboard.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_secs(u64::from(seconds))).await;
            let _ = tauri::async_runtime::spawn_blocking(move || clipboard.clear_copy(copy)).await;
        });
        let clears_at = chrono::Utc::now() + chrono::Duration::seconds(i64::from(seconds));
        Ok(ClipboardReceipt {
            clears_at: clears_at.to_rfc3339(),
            seconds,
        })
    }

    /// Live password feedback, evaluated here by the core linked into the app (it is
    /// one function on every side, so this window and the server's checks on submit
    /// cannot disagree): against the candidate's own policy (a preview), else the
    /// policy in force, asked of the backend at most every ten seconds. No request per
    /// keystroke reaches a server, where they would be throttled as any client's.
    pub async fn evaluate_password(&self, candidate: PasswordCandidate) -> Reply<PolicyReport> {
        candidate.check().map_err(gatehouse_api::problem)?;
        let in_force = match &candidate.policy {
            Some(_) => None,
            None => Some(self.policy_in_force().await?),
        };
        tauri::async_runtime::spawn_blocking(move || candidate.evaluate(in_force))
            .await
            .map_err(|e| gatehouse_api::problem(Error::Internal(Box::new(e))))
    }

    /// One field checked as the submit would, by the core linked into the app: at once
    /// when the check holds all it needs (every field but an email, and an email with
    /// its own blocked domains, as in the setup wizard); an email against the
    /// instance's blocked domains is the backend's to answer (they are its settings).
    pub async fn check_field(&self, check: FieldCheck) -> Reply<FieldReport> {
        if check.needs_instance_domains() {
            return self.backend().await?.check_field(check).await;
        }
        Ok(check.report(&[]))
    }

    /// Clears the clipboard now, if it still holds what we copied (on a blocking
    /// thread: reading and clearing the system clipboard may wait on the display server).
    pub async fn clear_clipboard(&self) -> Reply<()> {
        let clipboard = self.clipboard.clone();
        tauri::async_runtime::spawn_blocking(move || clipboard.clear_ours())
            .await
            .map_err(|e| gatehouse_api::problem(Error::Internal(Box::new(e))))?;
        Ok(())
    }
}
