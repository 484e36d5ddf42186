//! The Tauri commands: each parses its arguments, calls the core once and maps the
//! error to an RFC 7807 problem. Spans record no argument (passwords, tokens and
//! personal data stay out of the log), only the command's name and its outcome.

use std::time::Duration;

use gatehouse_domain::instance::suggested_blocked_domains as suggested_domains;
use gatehouse_domain::{
    evaluate, AccountCreated, AccountView, ApiTokenView, IssuedApiToken, NewAccount, NewAdmin,
    NewApiToken, NewUser, Page, PasswordChange, PasswordContext, PasswordPolicy, PasswordReset,
    PolicyPreset, PolicyReport, Problem, Role, SecretString, Settings, Setup, SetupDone, SignIn,
    SignInSource, UserQuery, UserStatus, UserView,
};
use secrecy::ExposeSecret;
use tauri::State;

use crate::shell::{parse_id, problem, Shell};
use crate::types::{
    AppPreferences, AppState, ClipboardReceipt, ConnectionTest, PresetInfo, RemoteProfile,
    RemoteProfileView, SessionView,
};

type Reply<T> = Result<T, Problem>;

// ---- connection -------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn app_state(state: State<'_, Shell>) -> Reply<AppState> {
    state.state().await
}

/// Opens (creating it if needed) the local SQLite file in the app data dir.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn connect_local(state: State<'_, Shell>) -> Reply<AppState> {
    state.connect_local().await?;
    state.state().await
}

/// Connects to the profile's database, reads whether it is set up, and disconnects.
#[tauri::command]
#[tracing::instrument(skip_all, fields(host = %profile.host), err(Debug))]
pub async fn test_remote(state: State<'_, Shell>, profile: RemoteProfile) -> Reply<ConnectionTest> {
    state.test_remote(&profile).await
}

/// Connects; on success remembers the profile (without its password) and keeps the
/// password in the keychain if asked to, or forgets a saved one if not.
#[tauri::command]
#[tracing::instrument(skip_all, fields(host = %profile.host), err(Debug))]
pub async fn connect_remote(state: State<'_, Shell>, profile: RemoteProfile) -> Reply<AppState> {
    state.connect_remote(profile).await?;
    state.state().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn disconnect(state: State<'_, Shell>) -> Reply<AppState> {
    state.disconnect().await;
    state.state().await
}

/// Reads the profiles file: async so that the file read stays off the main thread.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn saved_profiles(state: State<'_, Shell>) -> Reply<Vec<RemoteProfileView>> {
    Ok(state.dirs.load_profiles())
}

// ---- password policy ----------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn policy_presets() -> Vec<PresetInfo> {
    PolicyPreset::ALL
        .into_iter()
        .map(|preset| PresetInfo {
            preset,
            label: preset.label().to_owned(),
            policy: preset.policy(),
        })
        .collect()
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn suggested_blocked_domains() -> Vec<String> {
    suggested_domains()
}

/// The core's own evaluation, against `policy` or the instance's policy in force.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn evaluate_password(
    state: State<'_, Shell>,
    candidate: String,
    context: PasswordContext,
    policy: Option<PasswordPolicy>,
) -> Reply<PolicyReport> {
    let candidate = SecretString::from(candidate);
    match state.try_core().await {
        Some(core) => core
            .evaluate_password(candidate, context, policy)
            .await
            .map_err(problem),
        // Before connecting there is no instance policy: the default one applies.
        None => tauri::async_runtime::spawn_blocking(move || {
            evaluate(
                &policy.unwrap_or_default(),
                candidate.expose_secret(),
                &context,
            )
        })
        .await
        .map_err(|e| problem(gatehouse_domain::Error::Internal(Box::new(e)))),
    }
}

// ---- setup and session ----------------------------------------------------------

/// Sets the instance up and signs its first admin in.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn setup(state: State<'_, Shell>, request: Setup) -> Reply<SetupDone> {
    let done = state.core().await?.setup(request).await.map_err(problem)?;
    state.start_session_with(
        done.access_token.access_token.expose(),
        done.admin.clone(),
        done.access_token.expires_at,
    );
    Ok(done)
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn sign_in(state: State<'_, Shell>, request: SignIn) -> Reply<SessionView> {
    let signed_in = state
        .core()
        .await?
        .sign_in(request, SignInSource::Desktop)
        .await
        .map_err(problem)?;
    Ok(state.start_session(signed_in))
}

/// Forgets the token and clears the clipboard if it still holds our copy.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn sign_out(state: State<'_, Shell>) -> Reply<AppState> {
    state.end_session();
    state.state().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn change_password(
    state: State<'_, Shell>,
    change: PasswordChange,
) -> Reply<SessionView> {
    let (core, credential) = state.authed().await?;
    let signed_in = core
        .change_password(&credential, change)
        .await
        .map_err(|e| state.authed_problem(e))?;
    Ok(state.start_session(signed_in))
}

// ---- users ------------------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn list_users(state: State<'_, Shell>, query: UserQuery) -> Reply<Page<UserView>> {
    let (core, credential) = state.authed().await?;
    core.users(&credential, query)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(%id), err(Debug))]
pub async fn get_user(state: State<'_, Shell>, id: String) -> Reply<UserView> {
    let (core, credential) = state.authed().await?;
    core.user(&credential, parse_id(&id)?)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn create_user(state: State<'_, Shell>, request: NewUser) -> Reply<UserView> {
    let (core, credential) = state.authed().await?;
    core.create_user(&credential, request)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn create_admin(state: State<'_, Shell>, request: NewAdmin) -> Reply<UserView> {
    let (core, credential) = state.authed().await?;
    core.create_admin(&credential, request)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(%id, ?status), err(Debug))]
pub async fn set_user_status(
    state: State<'_, Shell>,
    id: String,
    status: UserStatus,
) -> Reply<UserView> {
    let (core, credential) = state.authed().await?;
    core.set_user_status(&credential, parse_id(&id)?, status)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(%id, ?roles), err(Debug))]
pub async fn set_user_roles(
    state: State<'_, Shell>,
    id: String,
    roles: Vec<Role>,
) -> Reply<UserView> {
    let (core, credential) = state.authed().await?;
    core.set_user_roles(&credential, parse_id(&id)?, roles)
        .await
        .map_err(|e| state.authed_problem(e))
}

/// Without `temporary` the core generates one, returned once.
#[tauri::command]
#[tracing::instrument(skip_all, fields(%id), err(Debug))]
pub async fn reset_user_password(
    state: State<'_, Shell>,
    id: String,
    temporary: Option<String>,
) -> Reply<PasswordReset> {
    let (core, credential) = state.authed().await?;
    let temporary = temporary.filter(|t| !t.is_empty()).map(SecretString::from);
    core.reset_user_password(&credential, parse_id(&id)?, temporary)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(%id), err(Debug))]
pub async fn unlock_user(state: State<'_, Shell>, id: String) -> Reply<UserView> {
    let (core, credential) = state.authed().await?;
    core.unlock_user(&credential, parse_id(&id)?)
        .await
        .map_err(|e| state.authed_problem(e))
}

// ---- accounts ------------------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all, fields(limit, offset), err(Debug))]
pub async fn list_accounts(
    state: State<'_, Shell>,
    limit: u32,
    offset: u32,
) -> Reply<Page<AccountView>> {
    let (core, credential) = state.authed().await?;
    core.accounts(&credential, limit, offset)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn create_account(
    state: State<'_, Shell>,
    request: NewAccount,
    idempotency_key: Option<String>,
) -> Reply<AccountCreated> {
    let (core, credential) = state.authed().await?;
    core.create_account(&credential, request, idempotency_key.as_deref())
        .await
        .map_err(|e| state.authed_problem(e))
}

// ---- API tokens ------------------------------------------------------------------------

/// The signed-in admin's own tokens.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn list_api_tokens(state: State<'_, Shell>) -> Reply<Vec<ApiTokenView>> {
    let (core, credential) = state.authed().await?;
    core.api_tokens(&credential, None)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn create_api_token(
    state: State<'_, Shell>,
    request: NewApiToken,
) -> Reply<IssuedApiToken> {
    let (core, credential) = state.authed().await?;
    core.create_api_token(&credential, request)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(%id), err(Debug))]
pub async fn revoke_api_token(state: State<'_, Shell>, id: String) -> Reply<ApiTokenView> {
    let (core, credential) = state.authed().await?;
    core.revoke_api_token(&credential, parse_id(&id)?)
        .await
        .map_err(|e| state.authed_problem(e))
}

// ---- settings and preferences -------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn get_settings(state: State<'_, Shell>) -> Reply<Settings> {
    let (core, credential) = state.authed().await?;
    core.settings(&credential)
        .await
        .map_err(|e| state.authed_problem(e))
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn update_settings(state: State<'_, Shell>, settings: Settings) -> Reply<Settings> {
    let (core, credential) = state.authed().await?;
    core.update_settings(&credential, settings)
        .await
        .map_err(|e| state.authed_problem(e))
}

/// The preferences held in memory (read from disk once, at start).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn get_preferences(state: State<'_, Shell>) -> AppPreferences {
    state.preferences()
}

/// Writes the preferences file: async so that the write stays off the main thread.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn set_preferences(
    state: State<'_, Shell>,
    preferences: AppPreferences,
) -> Reply<AppPreferences> {
    state.set_preferences(preferences)
}

// ---- clipboard ------------------------------------------------------------------------

/// Copies a secret and clears it after the configured delay if it is still there.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn copy_secret(state: State<'_, Shell>, text: String) -> Reply<ClipboardReceipt> {
    let seconds = state.preferences().clipboard_clear_seconds;
    let copy = state.clipboard.copy(SecretString::from(text))?;
    let clipboard = state.clipboard.clone();
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

/// Clears the clipboard now, if it still holds what we copied (on a blocking thread:
/// reading and clearing the system clipboard may wait on the display server).
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn clear_clipboard(state: State<'_, Shell>) -> Reply<()> {
    let clipboard = state.clipboard.clone();
    tauri::async_runtime::spawn_blocking(move || clipboard.clear_ours())
        .await
        .map_err(|e| problem(gatehouse_domain::Error::Internal(Box::new(e))))?;
    Ok(())
}
