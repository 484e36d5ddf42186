// Generated from the operation table (crates/gatehouse-operations) by the desktop
// app's ts export: do not edit. One function per Tauri command of the window.
import type { AccountCreated } from "./AccountCreated";
import type { AccountDeleted } from "./AccountDeleted";
import type { AccountDetail } from "./AccountDetail";
import type { AccountQuery } from "./AccountQuery";
import type { AccountStatusChange } from "./AccountStatusChange";
import type { AccountUpdate } from "./AccountUpdate";
import type { AccountView } from "./AccountView";
import type { AllTokensQuery } from "./AllTokensQuery";
import type { ApiTokenView } from "./ApiTokenView";
import type { AppPreferences } from "./AppPreferences";
import type { AppState } from "./AppState";
import type { AuditPage } from "./AuditPage";
import type { AuditQuery } from "./AuditQuery";
import type { AuditVerification } from "./AuditVerification";
import type { ClipboardReceipt } from "./ClipboardReceipt";
import type { ConnectionTest } from "./ConnectionTest";
import type { FieldCheck } from "./FieldCheck";
import type { FieldReport } from "./FieldReport";
import type { GeneratedPassword } from "./GeneratedPassword";
import type { InstanceStatus } from "./InstanceStatus";
import type { IssuedApiToken } from "./IssuedApiToken";
import type { Jwks } from "./Jwks";
import type { List } from "./List";
import type { NewAccount } from "./NewAccount";
import type { NewAdmin } from "./NewAdmin";
import type { NewApiToken } from "./NewApiToken";
import type { NewUser } from "./NewUser";
import type { Page } from "./Page";
import type { PasswordCandidate } from "./PasswordCandidate";
import type { PasswordChange } from "./PasswordChange";
import type { PasswordPolicy } from "./PasswordPolicy";
import type { PasswordReset } from "./PasswordReset";
import type { PasswordResetRequest } from "./PasswordResetRequest";
import type { PlanInUse } from "./PlanInUse";
import type { PolicyReport } from "./PolicyReport";
import type { PresetInfo } from "./PresetInfo";
import type { RecoveryCodes } from "./RecoveryCodes";
import type { RemoteProfile } from "./RemoteProfile";
import type { RemoteProfileView } from "./RemoteProfileView";
import type { RolesChange } from "./RolesChange";
import type { SecondFactorSignIn } from "./SecondFactorSignIn";
import type { ServerContact } from "./ServerContact";
import type { ServerProfile } from "./ServerProfile";
import type { SessionView } from "./SessionView";
import type { Settings } from "./Settings";
import type { Setup } from "./Setup";
import type { SetupDone } from "./SetupDone";
import type { SignIn } from "./SignIn";
import type { StatusChange } from "./StatusChange";
import type { TokenQuery } from "./TokenQuery";
import type { TotpConfirmation } from "./TotpConfirmation";
import type { TotpEnrollment } from "./TotpEnrollment";
import type { TotpRemoval } from "./TotpRemoval";
import type { UserDeleted } from "./UserDeleted";
import type { UserQuery } from "./UserQuery";
import type { UserUpdate } from "./UserUpdate";
import type { UserView } from "./UserView";

/** Invokes one command with its named arguments. */
export type Call = <T>(command: string, args: Record<string, unknown>) => Promise<T>;

/** Commands for which `unauthenticated` is an answer, not the end of the session. */
export const SESSIONLESS_COMMANDS: ReadonlySet<string> = new Set([
  "instance_status",
  "setup",
  "sign_in",
  "complete_sign_in",
  "password_policy",
  "evaluate_password",
  "check_field",
  "verification_keys",
  "app_state",
  "connect_local",
  "test_remote",
  "connect_remote",
  "contact_server",
  "connect_server",
  "saved_servers",
  "disconnect",
  "saved_profiles",
  "policy_presets",
  "suggested_blocked_domains",
  "sign_out",
  "get_preferences",
  "set_preferences",
  "copy_secret",
  "clear_clipboard",
]);

/** The window's commands, each calling `call` with its arguments. */
export function commands(call: Call) {
  return {
    /** Whether the database holds a set-up instance, and of which organization. */
    instanceStatus: () => call<InstanceStatus>("instance_status", {}),
    /**
     * Set up the instance: organization, first account and first admin (seed 000).
     * Returns the first admin's access token, this once.
     */
    setup: (setupCode: string | null, request: Setup) => call<SetupDone>("setup", { setup_code: setupCode, request }),
    /** The instance's settings (admins). */
    getSettings: () => call<Settings>("get_settings", {}),
    /**
     * Replace the instance's settings: password policy, token lifetimes, lockout,
     * blocked email domains (admins).
     */
    updateSettings: (settings: Settings) => call<Settings>("update_settings", { settings }),
    /**
     * The audit trail, newest first, filtered by actor, action, target, time range
     * and target name, a page at a time by cursor (admins).
     */
    listAuditEvents: (query: AuditQuery) => call<AuditPage>("list_audit_events", { query }),
    /**
     * Verify the audit trail's hash chain: the first broken link (an edited,
     * deleted or inserted event), or that all events verify (admins; audited).
     */
    verifyAuditTrail: () => call<AuditVerification>("verify_audit_trail", {}),
    /**
     * Sign in with username or email and password; returns an access token (seed
     * 000's "Create Admin JWT"). Throttled per source and per login.
     */
    signIn: (request: SignIn) => call<SessionView>("sign_in", { request }),
    /**
     * Finish a sign-in that answered `second_factor_required`: its challenge with a
     * `code` of the authenticator app or a `recovery_code`; returns the access token.
     * Each code works once; wrong ones count toward the sign-in throttle.
     */
    completeSignIn: (request: SecondFactorSignIn) => call<SessionView>("complete_sign_in", { request }),
    /**
     * Begin setting up two-step sign-in: a new TOTP secret, its otpauth URI and that
     * as an SVG QR code, shown this once. Nothing changes until it is confirmed.
     */
    startTotpEnrollment: () => call<TotpEnrollment>("start_totp_enrollment", {}),
    /**
     * Confirm two-step sign-in with a current code; returns ten single-use recovery
     * codes, this once.
     */
    confirmTotpEnrollment: (confirmation: TotpConfirmation) => call<RecoveryCodes>("confirm_totp_enrollment", { confirmation }),
    /**
     * Turn one's own two-step sign-in off, with the password and a current code (or
     * a recovery code); not while the instance's policy requires it.
     */
    removeTotp: (removal: TotpRemoval) => call<UserView>("remove_totp", { removal }),
    /** The signed-in user. */
    me: () => call<UserView>("me", {}),
    /**
     * Change one's own password (seed 000's "Reset Admin Password"); required
     * while the password is temporary. Every earlier session ends, this one too:
     * continue with the new access token returned.
     */
    changePassword: (change: PasswordChange) => call<SessionView>("change_password", { change }),
    /** Search, filter and page the users (admins). */
    listUsers: (query: UserQuery) => call<Page<UserView>>("list_users", { query }),
    /** One user (admins). */
    getUser: (id: string) => call<UserView>("get_user", { id }),
    /** Create a user (seeds 002, 004; admins). */
    createUser: (request: NewUser) => call<UserView>("create_user", { request }),
    /** Create an admin: role admin, email confirmed (seed 003; admins). */
    createAdmin: (request: NewAdmin) => call<UserView>("create_admin", { request }),
    /**
     * Edit a user's username, email, names, business role or preferences
     * (admins), from the `version` the admin saw: a user changed since is
     * refused with `stale_version`, and nothing is saved.
     */
    updateUser: (id: string, update: UserUpdate) => call<UserView>("update_user", { id, update }),
    /**
     * Delete a user with their API tokens; their sessions end (admins). Not
     * oneself, never the last active admin; the audit trail keeps their events.
     */
    deleteUser: (id: string) => call<UserDeleted>("delete_user", { id }),
    /**
     * Change a user's status: active, pending, suspended, deactivated (admins).
     * Not one's own, and never leaving no active admin.
     */
    setUserStatus: (id: string, change: StatusChange) => call<UserView>("set_user_status", { id, change }),
    /**
     * Replace a user's roles (admins). Not one's own admin role, and never
     * leaving no active admin.
     */
    setUserRoles: (id: string, change: RolesChange) => call<UserView>("set_user_roles", { id, change }),
    /**
     * Set a temporary password the user must change at next sign-in (admins);
     * without one, one is generated and returned this once. Ends the user's
     * sessions and revokes their API tokens (`revoked_api_tokens` says how many).
     */
    resetUserPassword: (id: string, request: PasswordResetRequest) => call<PasswordReset>("reset_user_password", { id, request }),
    /** Lift a sign-in lock and every source's wait (admins). */
    unlockUser: (id: string) => call<UserView>("unlock_user", { id }),
    /**
     * Remove another user's two-step sign-in, e.g. for a lost phone (admins); ends
     * their sessions. They sign in with their password and set it up again.
     */
    resetSecondFactor: (id: string) => call<UserView>("reset_second_factor", { id }),
    /** Accounts, newest first (admins). */
    listAccounts: (query: AccountQuery) => call<Page<AccountView>>("list_accounts", { query }),
    /** One account (admins). */
    getAccount: (id: string) => call<AccountView>("get_account", { id }),
    /**
     * One account with its members and their working API tokens, and how many
     * of each a deletion would remove (admins).
     */
    getAccountDetail: (id: string) => call<AccountDetail>("get_account_detail", { id }),
    /** Rename an account or change its plan (admins). */
    updateAccount: (id: string, update: AccountUpdate) => call<AccountView>("update_account", { id, update }),
    /**
     * Suspend or reactivate an account: a suspended account's users cannot
     * sign in or use their tokens (admins). Not one's own account.
     */
    setAccountStatus: (id: string, change: AccountStatusChange) => call<AccountView>("set_account_status", { id, change }),
    /**
     * Delete an account with its users and their API tokens (admins). Not
     * one's own account; the audit trail keeps its events.
     */
    deleteAccount: (id: string) => call<AccountDeleted>("delete_account", { id }),
    /**
     * The plans accounts have, with how many accounts have each: what an
     * account's plan is chosen from (admins).
     */
    listPlans: () => call<List<PlanInUse>>("list_plans", {}),
    /**
     * Create an account with its primary user and default API token, atomically
     * (seed 001; admins). A retry with the same `Idempotency-Key` returns the first
     * result (200, `replayed: true`, without the token secret).
     */
    createAccount: (request: NewAccount, idempotencyKey: string | null) => call<AccountCreated>("create_account", { request, idempotency_key: idempotencyKey }),
    /**
     * API tokens of the caller, or (admins) of `user_id`, newest first. Never
     * their secrets.
     */
    listApiTokens: (query: TokenQuery) => call<List<ApiTokenView>>("list_api_tokens", { query }),
    /**
     * Create an API token (seed 000's service token); its secret is shown this
     * once. It lives at most the instance's `api_token_max_days`; one that never
     * expires (only without such a limit) needs the caller's `current_password`.
     * One made for another user (`user_id`, admins) is audited as such.
     */
    createApiToken: (request: NewApiToken) => call<IssuedApiToken>("create_api_token", { request }),
    /**
     * Every user's API tokens, newest first, filtered by owner, account and
     * state; only working ones unless asked for (admins). Never their secrets.
     */
    listAllApiTokens: (query: AllTokensQuery) => call<Page<ApiTokenView>>("list_all_api_tokens", { query }),
    /** Revoke an API token. Revoking twice is harmless. */
    revokeApiToken: (id: string) => call<ApiTokenView>("revoke_api_token", { id }),
    /**
     * The password policy in force. No credential needed (setup and sign-up forms
     * show it).
     */
    passwordPolicy: () => call<PasswordPolicy>("password_policy", {}),
    /**
     * Evaluate a candidate password for live feedback: every rule's verdict and a
     * strength estimate, against the policy in force or one to preview. No
     * credential needed; nothing stored; throttled per client.
     */
    evaluatePassword: (candidate: PasswordCandidate) => call<PolicyReport>("evaluate_password", { candidate }),
    /**
     * A random password that passes the policy in force, for a form to fill
     * in (admins). Nothing is stored.
     */
    generatePassword: () => call<GeneratedPassword>("generate_password", {}),
    /**
     * Check one field's value as the submit would (the same parser), for feedback
     * as the field is left or, for a blocked email domain, typed. An email without
     * blocked domains of its own is checked against the instance's. No credential
     * needed; nothing stored.
     */
    checkField: (check: FieldCheck) => call<FieldReport>("check_field", { check }),
    /**
     * The public keys that verify Gatehouse's access tokens (RFC 7517 JWKS,
     * Ed25519).
     */
    verificationKeys: () => call<Jwks>("verification_keys", {}),
    /** What the window shows first: the connection, the instance, the session. */
    appState: () => call<AppState>("app_state", {}),
    /** Open (creating it if needed) the local database in the app data dir. */
    connectLocal: () => call<AppState>("connect_local", {}),
    /** Connect to a remote database, read whether it is set up, and disconnect. */
    testRemote: (profile: RemoteProfile) => call<ConnectionTest>("test_remote", { profile }),
    /**
     * Connect to a remote database; remember the profile (without its password)
     * and keep the password in the keychain if asked to.
     */
    connectRemote: (profile: RemoteProfile) => call<AppState>("connect_remote", { profile }),
    /**
     * First contact with a Gatehouse server: its certificate's fingerprint (to
     * compare with what `gatehouse serve` printed before trusting it) and its
     * instance. Trusts nothing yet.
     */
    contactServer: (profile: ServerProfile) => call<ServerContact>("contact_server", { profile }),
    /**
     * Connect to a Gatehouse server, trusting the profile's pinned fingerprint
     * (or the system's roots), and remember the profile.
     */
    connectServer: (profile: ServerProfile) => call<AppState>("connect_server", { profile }),
    /** The Gatehouse servers saved on this desktop. */
    savedServers: () => call<Array<ServerProfile>>("saved_servers", {}),
    /** Close the connection and end the session. */
    disconnect: () => call<AppState>("disconnect", {}),
    /** The remote profiles saved on this desktop (never a password). */
    savedProfiles: () => call<Array<RemoteProfileView>>("saved_profiles", {}),
    /** The password policy presets with their labels. */
    policyPresets: () => call<Array<PresetInfo>>("policy_presets", {}),
    /** The consumer email domains the wizard suggests blocking. */
    suggestedBlockedDomains: () => call<Array<string>>("suggested_blocked_domains", {}),
    /** Forget the session's token and clear the clipboard if it holds our copy. */
    signOut: () => call<AppState>("sign_out", {}),
    /** This desktop's preferences. */
    getPreferences: () => call<AppPreferences>("get_preferences", {}),
    /** Save this desktop's preferences. */
    setPreferences: (preferences: AppPreferences) => call<AppPreferences>("set_preferences", { preferences }),
    /** Copy a secret and clear it after the configured delay if it is still there. */
    copySecret: (text: string) => call<ClipboardReceipt>("copy_secret", { text }),
    /** Clear the clipboard now if it still holds what we copied. */
    clearClipboard: () => call<null>("clear_clipboard", {}),
  };
}

export type Commands = ReturnType<typeof commands>;
