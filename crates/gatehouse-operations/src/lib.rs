//! Every Gatehouse operation, defined once.
//!
//! An operation is a core method of [`Gatehouse`] named like the operation, plus one
//! entry in one of the two tables below. Everything else that an operation needs is
//! expanded from its entry by a macro of the crate that needs it:
//!
//! | what | expanded by |
//! |---|---|
//! | the `Backend` trait, its in-process and HTTP-client implementations, the list of operations | `gatehouse-api` |
//! | the Tauri command, its registration and the TypeScript client function | the desktop app (`src-tauri/src/commands.rs`) |
//! | the command's `allow-…` permission and the main window's capability | the desktop app's build script |
//! | the HTTP route, its handler and its OpenAPI entry | `gatehouse-server` (unless marked `custom`) |
//!
//! Each table is a macro that hands its entries to a macro of the caller's choosing
//! (`backend_operations!(my_macro)` expands to `my_macro! { …entries… }`, and
//! `backend_operations!(my_macro, tokens…)` to `my_macro! { tokens… …entries… }`, to
//! pass something along), so each crate reads the same entries in its own way. The
//! grammar below is parsed here, once: the caller receives each entry as one group in
//! a fixed order (see [`__backend_entries!`] and [`__window_entries!`]). The names in an entry (types, paths)
//! are resolved where it is expanded. See docs/decisions/0008-operations-defined-once.md.
//!
//! [`Gatehouse`]: ../gatehouse_domain/struct.Gatehouse.html
//!
//! # Backend operations
//!
//! What the core does, whatever the transport: in-process in the desktop app, or over
//! HTTP to `gatehouse serve`. Every entry has every field, in this order:
//!
//! ```text
//! /// What it does (the first line is the OpenAPI summary).
//! name {
//!     access: public | setup_code | sign_in | caller,
//!     args: { place name: Type, … },
//!     output: Type,
//!     http: method "/path/{name}" tag "tag" [flags],
//!     window: backend | session | local,
//! }
//! ```
//!
//! - `access`: who may call. `public` needs nothing; `setup_code` needs the one-time
//!   setup code over HTTP (`X-Setup-Code`; whoever holds the database in-process needs
//!   none); `sign_in` is public and tells the core where the attempt comes from (the
//!   desktop app, or the client's address); `caller` needs the caller's access or API
//!   token (`Authorization: Bearer`). The core method takes the caller's credential
//!   first when `caller`, the source last when `sign_in`, then the args in order.
//! - `args`, each with its place over HTTP: `path` (`{name}` in the path), `query`
//!   (a struct of optional fields, as the query string), `body` (JSON),
//!   `optional_body` (JSON that may be left out: its type's `Default`), or
//!   `header("Name")` (an optional text value).
//! - `output`: what the core returns; the same type is the HTTP response body.
//! - `http`: the route, the OpenAPI tag, and flags: `created` (201 Created, with a
//!   `Location` when the output names one), `hashes` (argon2 work: waits for a turn
//!   in the server's hashing queue), `custom` (the server's handler is written by hand,
//!   e.g. to throttle before reading the body; it must still serve this route).
//! - `window`: `backend` (the window's command returns the output), `session` (the
//!   output starts the window's session: the shell keeps the access token and returns
//!   what the window may see) or `local` (the window's command runs the core's function
//!   in the app itself, the shell method of the same name, whatever the backend: live
//!   password feedback answers at once, and a server is asked only for its policy).
//!
//! # Window operations
//!
//! What only the desktop shell does (connections, the clipboard, its own
//! preferences), each with the reason it has no HTTP counterpart:
//!
//! ```text
//! /// What it does.
//! name { args: { name: Type, … }, output: Type, why: "reason" }
//! ```

/// The backend operations (see the crate docs): `backend_operations!(then)` expands
/// to `then! { …entries… }`.
#[macro_export]
macro_rules! backend_operations {
    ($then:ident $(, $($prefix:tt)*)?) => {
        $crate::__backend_entries! {
            [$then $($($prefix)*)?]
            // ---- instance ----

            /// Whether the database holds a set-up instance, and of which organization.
            instance_status {
                access: public,
                args: {},
                output: InstanceStatus,
                http: get "/api/v1/instance" tag "instance" [],
                window: backend,
            }

            /// Set up the instance: organization, first account and first admin (seed 000).
            /// Returns the first admin's access token, this once.
            setup {
                access: setup_code,
                args: { body request: Setup },
                output: SetupDone,
                http: post "/api/v1/setup" tag "instance" [custom, hashes],
                window: session,
            }

            /// The instance's settings (admins).
            get_settings {
                access: caller,
                args: {},
                output: Settings,
                http: get "/api/v1/settings" tag "instance" [],
                window: backend,
            }

            /// Replace the instance's settings: password policy, token lifetimes, lockout,
            /// blocked email domains (admins).
            update_settings {
                access: caller,
                args: { body settings: Settings },
                output: Settings,
                http: put "/api/v1/settings" tag "instance" [],
                window: backend,
            }

            /// The audit trail, newest first, filtered by actor, action, target, time range
            /// and target name, a page at a time by cursor (admins).
            list_audit_events {
                access: caller,
                args: { query query: AuditQuery },
                output: AuditPage,
                http: get "/api/v1/audit-events" tag "audit" [],
                window: backend,
            }

            /// Verify the audit trail's hash chain: the first broken link (an edited,
            /// deleted or inserted event), or that all events verify (admins; audited).
            verify_audit_trail {
                access: caller,
                args: {},
                output: AuditVerification,
                http: post "/api/v1/audit-events/verify" tag "audit" [],
                window: backend,
            }

            // ---- sessions and the caller ----

            /// Sign in with username or email and password; returns an access token (seed
            /// 000's "Create Admin JWT"). Throttled per source and per login.
            sign_in {
                access: sign_in,
                args: { body request: SignIn },
                output: SignedIn,
                http: post "/api/v1/sessions" tag "sessions" [custom, created, hashes],
                window: session,
            }

            /// Finish a sign-in that answered `second_factor_required`: its challenge with a
            /// `code` of the authenticator app or a `recovery_code`; returns the access token.
            /// Each code works once; wrong ones count toward the sign-in throttle.
            complete_sign_in {
                access: sign_in,
                args: { body request: SecondFactorSignIn },
                output: SignedIn,
                http: post "/api/v1/sessions/second-factor" tag "sessions" [custom, created],
                window: session,
            }

            /// Begin setting up two-step sign-in: a new TOTP secret, its otpauth URI and that
            /// as an SVG QR code, shown this once. Nothing changes until it is confirmed.
            start_totp_enrollment {
                access: caller,
                args: {},
                output: TotpEnrollment,
                http: post "/api/v1/me/totp" tag "sessions" [],
                window: backend,
            }

            /// Confirm two-step sign-in with a current code; returns ten single-use recovery
            /// codes, this once.
            confirm_totp_enrollment {
                access: caller,
                args: { body confirmation: TotpConfirmation },
                output: RecoveryCodes,
                http: post "/api/v1/me/totp/confirm" tag "sessions" [],
                window: session,
            }

            /// Turn one's own two-step sign-in off, with the password and a current code (or
            /// a recovery code); not while the instance's policy requires it.
            remove_totp {
                access: caller,
                args: { body removal: TotpRemoval },
                output: UserView,
                http: delete "/api/v1/me/totp" tag "sessions" [hashes],
                window: backend,
            }

            /// The signed-in user.
            me {
                access: caller,
                args: {},
                output: UserView,
                http: get "/api/v1/me" tag "sessions" [],
                window: backend,
            }

            /// Change one's own password (seed 000's "Reset Admin Password"); required
            /// while the password is temporary. Every earlier session ends, this one too:
            /// continue with the new access token returned.
            change_password {
                access: caller,
                args: { body change: PasswordChange },
                output: SignedIn,
                http: put "/api/v1/me/password" tag "sessions" [hashes],
                window: session,
            }

            // ---- users and admins ----

            /// Search, filter and page the users (admins).
            list_users {
                access: caller,
                args: { query query: UserQuery },
                output: Page<UserView>,
                http: get "/api/v1/users" tag "users" [],
                window: backend,
            }

            /// One user (admins).
            get_user {
                access: caller,
                args: { path id: Uuid },
                output: UserView,
                http: get "/api/v1/users/{id}" tag "users" [],
                window: backend,
            }

            /// Create a user (seeds 002, 004; admins).
            create_user {
                access: caller,
                args: { body request: NewUser },
                output: UserView,
                http: post "/api/v1/users" tag "users" [created, hashes] => "/api/v1/users/{id}",
                window: backend,
            }

            /// Create an admin: role admin, email confirmed (seed 003; admins).
            create_admin {
                access: caller,
                args: { body request: NewAdmin },
                output: UserView,
                http: post "/api/v1/admins" tag "users" [created, hashes] => "/api/v1/users/{id}",
                window: backend,
            }

            /// Edit a user's username, email, names, business role or preferences
            /// (admins), from the `version` the admin saw: a user changed since is
            /// refused with `stale_version`, and nothing is saved.
            update_user {
                access: caller,
                args: { path id: Uuid, body update: UserUpdate },
                output: UserView,
                http: patch "/api/v1/users/{id}" tag "users" [],
                window: backend,
            }

            /// Delete a user with their API tokens; their sessions end (admins). Not
            /// oneself, never the last active admin; the audit trail keeps their events.
            delete_user {
                access: caller,
                args: { path id: Uuid },
                output: UserDeleted,
                http: delete "/api/v1/users/{id}" tag "users" [],
                window: backend,
            }

            /// Change a user's status: active, pending, suspended, deactivated (admins).
            /// Not one's own, and never leaving no active admin.
            set_user_status {
                access: caller,
                args: { path id: Uuid, body change: StatusChange },
                output: UserView,
                http: put "/api/v1/users/{id}/status" tag "users" [],
                window: backend,
            }

            /// Replace a user's roles (admins). Not one's own admin role, and never
            /// leaving no active admin.
            set_user_roles {
                access: caller,
                args: { path id: Uuid, body change: RolesChange },
                output: UserView,
                http: put "/api/v1/users/{id}/roles" tag "users" [],
                window: backend,
            }

            /// Set a temporary password the user must change at next sign-in (admins);
            /// without one, one is generated and returned this once. Ends the user's
            /// sessions and revokes their API tokens (`revoked_api_tokens` says how many).
            reset_user_password {
                access: caller,
                args: { path id: Uuid, optional_body request: PasswordResetRequest },
                output: PasswordReset,
                http: post "/api/v1/users/{id}/password-reset" tag "users" [hashes],
                window: backend,
            }

            /// Lift a sign-in lock and every source's wait (admins).
            unlock_user {
                access: caller,
                args: { path id: Uuid },
                output: UserView,
                http: post "/api/v1/users/{id}/unlock" tag "users" [],
                window: backend,
            }

            /// Remove another user's two-step sign-in, e.g. for a lost phone (admins); ends
            /// their sessions. They sign in with their password and set it up again.
            reset_second_factor {
                access: caller,
                args: { path id: Uuid },
                output: UserView,
                http: delete "/api/v1/users/{id}/second-factor" tag "users" [],
                window: backend,
            }

            // ---- accounts ----

            /// Accounts, newest first (admins).
            list_accounts {
                access: caller,
                args: { query query: AccountQuery },
                output: Page<AccountView>,
                http: get "/api/v1/accounts" tag "accounts" [],
                window: backend,
            }

            /// One account (admins).
            get_account {
                access: caller,
                args: { path id: Uuid },
                output: AccountView,
                http: get "/api/v1/accounts/{id}" tag "accounts" [],
                window: backend,
            }

            /// One account with its members and their working API tokens, and how many
            /// of each a deletion would remove (admins).
            get_account_detail {
                access: caller,
                args: { path id: Uuid },
                output: AccountDetail,
                http: get "/api/v1/accounts/{id}/detail" tag "accounts" [],
                window: backend,
            }

            /// Rename an account or change its plan (admins).
            update_account {
                access: caller,
                args: { path id: Uuid, body update: AccountUpdate },
                output: AccountView,
                http: patch "/api/v1/accounts/{id}" tag "accounts" [],
                window: backend,
            }

            /// Suspend or reactivate an account: a suspended account's users cannot
            /// sign in or use their tokens (admins). Not one's own account.
            set_account_status {
                access: caller,
                args: { path id: Uuid, body change: AccountStatusChange },
                output: AccountView,
                http: put "/api/v1/accounts/{id}/status" tag "accounts" [],
                window: backend,
            }

            /// Delete an account with its users and their API tokens (admins). Not
            /// one's own account; the audit trail keeps its events.
            delete_account {
                access: caller,
                args: { path id: Uuid },
                output: AccountDeleted,
                http: delete "/api/v1/accounts/{id}" tag "accounts" [],
                window: backend,
            }

            /// The plans accounts have, with how many accounts have each: what an
            /// account's plan is chosen from (admins).
            list_plans {
                access: caller,
                args: {},
                output: List<PlanInUse>,
                http: get "/api/v1/plans" tag "accounts" [],
                window: backend,
            }

            /// Create an account with its primary user and default API token, atomically
            /// (seed 001; admins). A retry with the same `Idempotency-Key` returns the first
            /// result (200, `replayed: true`, without the token secret).
            create_account {
                access: caller,
                args: { body request: NewAccount, header("Idempotency-Key") idempotency_key: Option<String> },
                output: AccountCreated,
                http: post "/api/v1/accounts" tag "accounts" [custom, created, hashes],
                window: backend,
            }

            // ---- API tokens ----

            /// API tokens of the caller, or (admins) of `user_id`, newest first. Never
            /// their secrets.
            list_api_tokens {
                access: caller,
                args: { query query: TokenQuery },
                output: List<ApiTokenView>,
                http: get "/api/v1/tokens" tag "tokens" [],
                window: backend,
            }

            /// Create an API token (seed 000's service token); its secret is shown this
            /// once. It lives at most the instance's `api_token_max_days`; one that never
            /// expires (only without such a limit) needs the caller's `current_password`.
            /// One made for another user (`user_id`, admins) is audited as such.
            create_api_token {
                access: caller,
                args: { body request: NewApiToken },
                output: IssuedApiToken,
                http: post "/api/v1/tokens" tag "tokens" [created, hashes],
                window: backend,
            }

            /// Every user's API tokens, newest first, filtered by owner, account and
            /// state; only working ones unless asked for (admins). Never their secrets.
            list_all_api_tokens {
                access: caller,
                args: { query query: AllTokensQuery },
                output: Page<ApiTokenView>,
                http: get "/api/v1/admin/tokens" tag "tokens" [],
                window: backend,
            }

            /// Revoke an API token. Revoking twice is harmless.
            revoke_api_token {
                access: caller,
                args: { path id: Uuid },
                output: ApiTokenView,
                http: delete "/api/v1/tokens/{id}" tag "tokens" [],
                window: backend,
            }

            // ---- password policy and keys ----

            /// The password policy in force. No credential needed (setup and sign-up forms
            /// show it).
            password_policy {
                access: public,
                args: {},
                output: PasswordPolicy,
                http: get "/api/v1/password-policy" tag "password policy" [],
                window: backend,
            }

            /// Evaluate a candidate password for live feedback: every rule's verdict and a
            /// strength estimate, against the policy in force or one to preview. No
            /// credential needed; nothing stored; throttled per client.
            evaluate_password {
                access: public,
                args: { body candidate: PasswordCandidate },
                output: PolicyReport,
                http: post "/api/v1/password-policy/evaluate" tag "password policy" [custom],
                window: local,
            }

            /// A random password that passes the policy in force, for a form to fill
            /// in (admins). Nothing is stored.
            generate_password {
                access: caller,
                args: {},
                output: GeneratedPassword,
                http: post "/api/v1/password-policy/generate" tag "password policy" [],
                window: backend,
            }

            // ---- fields ----

            /// Check one field's value as the submit would (the same parser), for feedback
            /// as the field is left or, for a blocked email domain, typed. An email without
            /// blocked domains of its own is checked against the instance's. No credential
            /// needed; nothing stored.
            check_field {
                access: public,
                args: { body check: FieldCheck },
                output: FieldReport,
                http: post "/api/v1/fields/check" tag "fields" [],
                window: local,
            }

            /// The public keys that verify Gatehouse's access tokens (RFC 7517 JWKS,
            /// Ed25519).
            verification_keys {
                access: public,
                args: {},
                output: Jwks,
                http: get "/.well-known/jwks.json" tag "operations" [custom],
                window: backend,
            }
        }
    };
}

/// The window operations (see the crate docs): `window_operations!(then)` expands to
/// `then! { …entries… }`.
#[macro_export]
macro_rules! window_operations {
    ($then:ident $(, $($prefix:tt)*)?) => {
        $crate::__window_entries! {
            [$then $($($prefix)*)?]
            /// What the window shows first: the connection, the instance, the session.
            app_state {
                args: {},
                output: AppState,
                why: "the shell's own state",
            }

            /// Open (creating it if needed) the local database in the app data dir.
            connect_local {
                args: {},
                output: AppState,
                why: "chooses the backend",
            }

            /// Connect to a remote database, read whether it is set up, and disconnect.
            test_remote {
                args: { profile: RemoteProfile },
                output: ConnectionTest,
                why: "chooses the backend",
            }

            /// Connect to a remote database; remember the profile (without its password)
            /// and keep the password in the keychain if asked to.
            connect_remote {
                args: { profile: RemoteProfile },
                output: AppState,
                why: "chooses the backend",
            }

            /// First contact with a Gatehouse server: its certificate's fingerprint (to
            /// compare with what `gatehouse serve` printed before trusting it) and its
            /// instance. Trusts nothing yet.
            contact_server {
                args: { profile: ServerProfile },
                output: ServerContact,
                why: "chooses the backend",
            }

            /// Connect to a Gatehouse server, trusting the profile's pinned fingerprint
            /// (or the system's roots), and remember the profile.
            connect_server {
                args: { profile: ServerProfile },
                output: AppState,
                why: "chooses the backend",
            }

            /// The Gatehouse servers saved on this desktop.
            saved_servers {
                args: {},
                output: Vec<ServerProfile>,
                why: "a file of this desktop",
            }

            /// Close the connection and end the session.
            disconnect {
                args: {},
                output: AppState,
                why: "chooses the backend",
            }

            /// The remote profiles saved on this desktop (never a password).
            saved_profiles {
                args: {},
                output: Vec<RemoteProfileView>,
                why: "a file of this desktop",
            }

            /// The password policy presets with their labels.
            policy_presets {
                args: {},
                output: Vec<PresetInfo>,
                why: "constants of the core linked into the app, the same for every backend",
            }

            /// The consumer email domains the wizard suggests blocking.
            suggested_blocked_domains {
                args: {},
                output: Vec<String>,
                why: "constants of the core linked into the app, the same for every backend",
            }

            /// Forget the session's token and clear the clipboard if it holds our copy.
            sign_out {
                args: {},
                output: AppState,
                why: "the token lives in the shell's memory; signing out forgets it",
            }

            /// This desktop's preferences.
            get_preferences {
                args: {},
                output: AppPreferences,
                why: "a file of this desktop",
            }

            /// Save this desktop's preferences.
            set_preferences {
                args: { preferences: AppPreferences },
                output: AppPreferences,
                why: "a file of this desktop",
            }

            /// Copy a secret and clear it after the configured delay if it is still there.
            copy_secret {
                args: { text: String },
                output: ClipboardReceipt,
                why: "this desktop's clipboard",
            }

            /// Clear the clipboard now if it still holds what we copied.
            clear_clipboard {
                args: {},
                output: (),
                why: "this desktop's clipboard",
            }
        }
    };
}

/// Reads the backend table's entries, in the grammar of the crate docs, once for all
/// callers, and hands `then` each entry as one group:
/// `{ name access [docs] (place name: Type, …) -> Output, method "path" "tag" [flags] (location) window }`.
#[doc(hidden)]
#[macro_export]
macro_rules! __backend_entries {
    ([$then:ident $($prefix:tt)*] $(
        $(#[doc = $doc:literal])*
        $name:ident {
            access: $access:ident,
            args: { $( $place:ident $( ($header:literal) )? $arg:ident : $ty:ty ),* $(,)? },
            output: $out:ty,
            http: $method:ident $path:literal tag $tag:literal [ $( $flag:ident ),* ] $( => $location:literal )?,
            window: $window:ident,
        }
    )*) => {
        $then! { $($prefix)* $(
            { $name $access [$($doc),*] ($($place $(($header))? $arg: $ty),*) -> $out,
                $method $path $tag [$($flag),*] ($($location)?) $window }
        )* }
    };
}

/// The window table's counterpart of [`__backend_entries!`]:
/// `{ name [docs] (name: Type, …) -> Output, "why" }`.
#[doc(hidden)]
#[macro_export]
macro_rules! __window_entries {
    ([$then:ident $($prefix:tt)*] $(
        $(#[doc = $doc:literal])*
        $name:ident {
            args: { $( $arg:ident : $ty:ty ),* $(,)? },
            output: $out:ty,
            why: $why:literal,
        }
    )*) => {
        $then! { $($prefix)* $( { $name [$($doc),*] ($($arg: $ty),*) -> $out, $why } )* }
    };
}

/// `None`, or `Some` of the one literal given: an entry's optional parts (the
/// `Location` of a `created` operation, a header's name) as an `Option`.
#[macro_export]
macro_rules! optional {
    () => {
        None
    };
    ($value:literal) => {
        Some($value)
    };
}

/// Expands to the names of every operation, backend and window ones, as a
/// `Vec<&'static str>`: for the desktop's build script, which generates a permission
/// per command.
#[macro_export]
macro_rules! operation_names {
    () => {{
        #[allow(unused_imports)] // already in scope inside this crate
        use $crate::__operation_names;
        let backend: &[&str] = $crate::backend_operations!(__operation_names);
        let window: &[&str] = $crate::window_operations!(__operation_names);
        [backend, window].concat()
    }};
}

/// The names of a table's entries (see [`operation_names!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_names {
    ($({ $name:ident $($entry:tt)* })*) => {
        &[$(stringify!($name)),*]
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_has_a_unique_name() {
        let names = operation_names!();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(names.contains(&"create_user") && names.contains(&"copy_secret"));
    }
}
