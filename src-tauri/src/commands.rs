//! The Tauri commands, expanded from the operation table (`gatehouse-operations`):
//! one command per operation, registered by [`handler`], permitted by the capability
//! the build script generates, and typed for the UI by `ui/src/bindings/commands.ts`.
//!
//! A backend operation's command decodes its arguments ([`Arg`]: a malformed one is
//! the same 400 problem as over HTTP), hands them with the session's credential to the
//! connection's [`Backend`](gatehouse_api::Backend), and returns its reply; a window
//! operation's calls the [`Shell`] method of the same name. Spans record the command's
//! name and outcome, never an argument (passwords, tokens and personal data stay out
//! of the log).

use gatehouse_api::{Arg, Reply};
use gatehouse_domain::{
    AccountCreated, AccountDeleted, AccountDetail, AccountQuery, AccountStatusChange,
    AccountUpdate, AccountView, AllTokensQuery, ApiTokenView, AuditPage, AuditQuery,
    AuditVerification, FieldCheck, FieldReport, GeneratedPassword, InstanceStatus, IssuedApiToken,
    Jwks, List, NewAccount, NewAdmin, NewApiToken, NewUser, Page, PasswordCandidate,
    PasswordChange, PasswordPolicy, PasswordReset, PasswordResetRequest, PlanInUse, PolicyReport,
    RecoveryCodes, RolesChange, SecondFactorSignIn, SecretString, Settings, Setup, SetupDone,
    SignIn, SignedIn, StatusChange, TokenQuery, TotpConfirmation, TotpEnrollment, TotpRemoval,
    UserDeleted, UserQuery, UserUpdate, UserView,
};
use tauri::State;
use uuid::Uuid;

use crate::shell::{Shell, StartsSession};
use crate::types::{
    AppPreferences, AppState, ClipboardReceipt, ConnectionTest, PresetInfo, RemoteProfile,
    RemoteProfileView, ServerContact, ServerProfile,
};

/// One backend operation's command, by what the window does with its output
/// (`backend`: returns it; `session`: starts the session with it) and by `access`.
macro_rules! backend_command {
    (@backend $access:ident $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        #[tauri::command(rename_all = "snake_case")]
        #[tracing::instrument(skip_all, err(Debug))]
        pub async fn $name(state: State<'_, Shell>, $($arg: Arg<$ty>),*) -> Reply<$out> {
            backend_command!(@call $access state $name ($($arg),*))
        }
    };
    // Run in the app itself (the Shell method of the same name), whatever the backend.
    (@local $access:ident $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        #[tauri::command(rename_all = "snake_case")]
        #[tracing::instrument(skip_all, err(Debug))]
        pub async fn $name(state: State<'_, Shell>, $($arg: Arg<$ty>),*) -> Reply<$out> {
            $(let $arg = $arg.decode(stringify!($arg))?;)*
            state.$name($($arg),*).await
        }
    };
    (@session $access:ident $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        backend_command!(@session_fn $access $name ($($arg: $ty),*) -> $out);
    };
    (@session_fn setup_code $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        #[tauri::command(rename_all = "snake_case")]
        #[tracing::instrument(skip_all, err(Debug))]
        pub async fn $name(
            state: State<'_, Shell>,
            setup_code: Arg<Option<SecretString>>,
            $($arg: Arg<$ty>),*
        ) -> Reply<<$out as StartsSession>::Seen> {
            let setup_code = setup_code.decode("setup_code")?;
            $(let $arg = $arg.decode(stringify!($arg))?;)*
            let output = state.backend().await?.$name(setup_code, $($arg),*).await?;
            Ok(state.start_session(output))
        }
    };
    (@session_fn $access:ident $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        #[tauri::command(rename_all = "snake_case")]
        #[tracing::instrument(skip_all, err(Debug))]
        pub async fn $name(
            state: State<'_, Shell>,
            $($arg: Arg<$ty>),*
        ) -> Reply<<$out as StartsSession>::Seen> {
            let output = backend_command!(@call $access state $name ($($arg),*))?;
            Ok(state.start_session(output))
        }
    };
    // Who calls comes first (as over HTTP: 401 before 400), then the arguments.
    (@call public $state:ident $name:ident ($($arg:ident),*)) => {{
        $(let $arg = $arg.decode(stringify!($arg))?;)*
        $state.backend().await?.$name($($arg),*).await
    }};
    (@call sign_in $state:ident $name:ident ($($arg:ident),*)) => {
        backend_command!(@call public $state $name ($($arg),*))
    };
    (@call caller $state:ident $name:ident ($($arg:ident),*)) => {{
        let (backend, caller) = $state.authed().await?;
        $(let $arg = $arg.decode(stringify!($arg))?;)*
        backend
            .$name(&caller, $($arg),*)
            .await
            .map_err(|problem| $state.session_problem(problem))
    }};
}

macro_rules! commands {
    (
        backend: [$({ $name:ident $access:ident [$($doc:literal),*]
            ($( $place:ident $( ($header:literal) )? $arg:ident : $ty:ty ),*) -> $out:ty,
            $method:ident $path:literal $tag:literal [$($flag:ident),*] ($($location:literal)?) $window:ident
        })*],
        $({ $wname:ident [$($wdoc:literal),*] ($( $warg:ident : $wty:ty ),*) -> $wout:ty, $why:literal })*
    ) => {
        $( backend_command!(@$window $access $name ($($arg: $ty),*) -> $out); )*

        $(
            #[tauri::command(rename_all = "snake_case")]
            #[tracing::instrument(skip_all, err(Debug))]
            pub async fn $wname(state: State<'_, Shell>, $($warg: Arg<$wty>),*) -> Reply<$wout> {
                $(let $warg = $warg.decode(stringify!($warg))?;)*
                state.$wname($($warg),*).await
            }
        )*

        /// The invoke handler: every command of the table, and only those.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name,)* $($wname),*]
        }

        /// Every command's TypeScript function (see `gatehouse_api::ts`).
        #[cfg(feature = "ts")]
        pub fn ts_commands() -> Vec<gatehouse_api::ts::TsCommand> {
            use gatehouse_api::ts::{TsCommand, TsParam};
            vec![
                $(ts_command!(@$window $access $name [$($doc),*] ($($arg: $ty),*) -> $out),)*
                $(TsCommand::new::<$wout>(
                    stringify!($wname),
                    &[$($wdoc),*],
                    vec![$(TsParam::of::<$wty>(stringify!($warg))),*],
                    true,
                ),)*
            ]
        }
    };
}

/// One backend operation's TypeScript function: the setup code first when the access
/// needs one; the session's credential never (the shell holds it).
#[cfg(feature = "ts")]
macro_rules! ts_command {
    (@$window:ident $access:ident $name:ident [$($doc:literal),*] ($($arg:ident: $ty:ty),*) -> $out:ty) => {{
        #[allow(unused_mut)]
        let mut params = Vec::new();
        if stringify!($access) == "setup_code" {
            params.push(TsParam::with_type("setup_code", "string | null"));
        }
        $(params.push(TsParam::of::<$ty>(stringify!($arg)));)*
        TsCommand::new::<ts_command!(@output $window $out)>(
            stringify!($name),
            &[$($doc),*],
            params,
            stringify!($access) != "caller",
        )
    }};
    (@output backend $out:ty) => { $out };
    (@output local $out:ty) => { $out };
    (@output session $out:ty) => { <$out as StartsSession>::Seen };
}

/// Hands both tables to [`commands!`] at once (the handler lists every command).
macro_rules! with_window_operations {
    ($($backend:tt)*) => {
        gatehouse_api::window_operations!(commands, backend: [$($backend)*],);
    };
}

gatehouse_api::backend_operations!(with_window_operations);

#[cfg(test)]
mod table {
    use gatehouse_api::catalog::{OPERATIONS, WINDOW_OPERATIONS};

    fn every_command() -> Vec<&'static str> {
        OPERATIONS
            .iter()
            .map(|op| op.name)
            .chain(WINDOW_OPERATIONS.iter().map(|op| op.name))
            .collect()
    }

    #[test]
    fn the_window_may_call_every_command_of_the_table_and_nothing_else() {
        let capability: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("OUT_DIR"),
            "/capabilities/main.json"
        )))
        .unwrap();
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
        let granted: Vec<&str> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let expected: Vec<String> = every_command()
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        assert_eq!(granted, expected);
    }

    #[test]
    fn every_command_has_its_typescript_function() {
        let client = include_str!("../../ui/src/bindings/commands.ts");
        for command in every_command() {
            assert!(
                client.contains(&format!("(\"{command}\", ")),
                "ui/src/bindings/commands.ts lacks {command}: regenerate the bindings"
            );
        }
    }
}

#[cfg(all(test, feature = "ts"))]
mod tests {
    use gatehouse_api::ts::{render_commands, render_constants, TsConstant};
    use gatehouse_domain::{
        AuditAction, ErrorCode, PolicyPreset, Role, TlsMode, TokenState, UserStatus,
    };

    /// Writes `commands.ts` and `constants.ts` beside the ts-rs bindings (named like
    /// ts-rs's own export tests, so `--lib export_bindings` runs it with them).
    #[test]
    fn export_bindings_commands_and_constants() {
        let dir = std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| "./bindings".into());
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("commands.ts"),
            render_commands(&super::ts_commands()),
        )
        .unwrap();
        let constants = [
            TsConstant::of(
                "ERROR_CODES",
                "Every error code a problem carries.",
                ErrorCode::ALL,
            ),
            TsConstant::of(
                "ROLES",
                "Every role, in the order the UI lists them.",
                Role::ALL,
            ),
            TsConstant::of("USER_STATUSES", "Every user status.", UserStatus::ALL),
            TsConstant::of("TLS_MODES", "Every PostgreSQL TLS mode.", TlsMode::ALL),
            TsConstant::of("TOKEN_STATES", "Every API token state.", TokenState::ALL),
            TsConstant::of(
                "AUDIT_ACTIONS",
                "Every audit action, in the order the Audit screen lists them.",
                AuditAction::ALL,
            ),
            TsConstant::of(
                "POLICY_PRESETS",
                "Every password policy preset.",
                &PolicyPreset::ALL,
            ),
        ];
        std::fs::write(dir.join("constants.ts"), render_constants(&constants)).unwrap();
    }
}
