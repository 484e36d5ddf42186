// Typed wrappers over the Tauri shell's commands: one function per command.
// Every rejection is normalised to a Problem, so screens never see a stack trace.
import { invoke } from "@tauri-apps/api/core";
import type { AccountCreated } from "../bindings/AccountCreated";
import type { AccountView } from "../bindings/AccountView";
import type { ApiTokenView } from "../bindings/ApiTokenView";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { FieldError } from "../bindings/FieldError";
import type { IssuedApiToken } from "../bindings/IssuedApiToken";
import type { NewAccount } from "../bindings/NewAccount";
import type { NewAdmin } from "../bindings/NewAdmin";
import type { NewApiToken } from "../bindings/NewApiToken";
import type { NewUser } from "../bindings/NewUser";
import type { Page } from "../bindings/Page";
import type { PasswordChange } from "../bindings/PasswordChange";
import type { PasswordContext } from "../bindings/PasswordContext";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { PasswordReset } from "../bindings/PasswordReset";
import type { PolicyReport } from "../bindings/PolicyReport";
import type { Problem } from "../bindings/Problem";
import type { Role } from "../bindings/Role";
import type { Settings } from "../bindings/Settings";
import type { Setup } from "../bindings/Setup";
import type { SetupDone } from "../bindings/SetupDone";
import type { SignIn } from "../bindings/SignIn";
import type { UserQuery } from "../bindings/UserQuery";
import type { UserStatus } from "../bindings/UserStatus";
import type { UserView } from "../bindings/UserView";
import type { AppPreferences } from "../bindings/AppPreferences";
import type { AppState } from "../bindings/AppState";
import type { ConnectionTest } from "../bindings/ConnectionTest";
import type { ClipboardReceipt } from "../bindings/ClipboardReceipt";
import type { PresetInfo } from "../bindings/PresetInfo";
import type { RemoteProfile } from "../bindings/RemoteProfile";
import type { RemoteProfileView } from "../bindings/RemoteProfileView";
import type { SessionView } from "../bindings/SessionView";

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "bad_request", "validation_failed", "conflict", "already_initialized", "not_initialized",
  "invalid_credentials", "unauthenticated", "token_expired", "user_inactive", "forbidden",
  "password_change_required", "not_found", "idempotency_key_reused", "keychain_unavailable",
  "payload_too_large", "unsupported_media_type", "too_many_requests", "method_not_allowed", "unavailable",
  "internal",
]);

/** Thrown by every wrapper: carries the Problem. */
export class ProblemError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ProblemError";
    this.problem = problem;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asFieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e): FieldError[] =>
    isRecord(e) && typeof e.field === "string" && typeof e.message === "string"
      ? [{ field: e.field, code: typeof e.code === "string" ? e.code : "invalid", message: e.message }]
      : [],
  );
}

/** The Problem shown when the shell failed in a way it did not describe. */
export function genericProblem(): Problem {
  return {
    type: "about:blank",
    title: "Something went wrong",
    status: 500,
    detail: "The app could not complete this action. Please try again; if it keeps failing, restart Gatehouse.",
    code: "internal",
    errors: [],
  };
}

/** Turns anything a command rejected with into a Problem (never a stack trace). */
export function toProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  let value: unknown = err;
  if (typeof value === "string") {
    // The shell may reject with a JSON string.
    try {
      value = JSON.parse(value);
    } catch {
      return genericProblem();
    }
  }
  if (isRecord(value) && typeof value.title === "string" && typeof value.code === "string") {
    const code = ERROR_CODES.has(value.code) ? (value.code as ErrorCode) : "internal";
    return {
      type: typeof value.type === "string" ? value.type : "about:blank",
      title: value.title,
      status: typeof value.status === "number" ? value.status : 500,
      detail: typeof value.detail === "string" ? value.detail : "",
      code,
      errors: asFieldErrors(value.errors),
    };
  }
  return genericProblem();
}

/** Codes after which the app must look at its state again (the session ended or must change). */
const SESSION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["unauthenticated", "token_expired", "password_change_required"]);
const sessionListeners = new Set<(p: Problem) => void>();

/** Called whenever a command fails because the session ended or needs a password change. */
export function onSessionProblem(listener: (p: Problem) => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

/**
 * Commands that answer "unauthenticated" as a normal outcome, not a lost session.
 * Not change_password: a wrong current password comes back as a field error, so its
 * "unauthenticated" or "token_expired" means the session really ended.
 */
const NO_SESSION_COMMANDS = new Set(["sign_in", "app_state", "setup"]);

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    const problem = toProblem(err);
    if (SESSION_CODES.has(problem.code) && !NO_SESSION_COMMANDS.has(command)) {
      for (const l of sessionListeners) l(problem);
    }
    throw new ProblemError(problem);
  }
}

export const api = {
  appState: () => call<AppState>("app_state"),
  connectLocal: () => call<AppState>("connect_local"),
  testRemote: (profile: RemoteProfile) => call<ConnectionTest>("test_remote", { profile }),
  connectRemote: (profile: RemoteProfile) => call<AppState>("connect_remote", { profile }),
  disconnect: () => call<AppState>("disconnect"),
  savedProfiles: () => call<RemoteProfileView[]>("saved_profiles"),

  policyPresets: () => call<PresetInfo[]>("policy_presets"),
  suggestedBlockedDomains: () => call<string[]>("suggested_blocked_domains"),
  evaluatePassword: (candidate: string, context: PasswordContext, policy: PasswordPolicy | null) =>
    call<PolicyReport>("evaluate_password", { candidate, context, policy }),

  setup: (request: Setup) => call<SetupDone>("setup", { request }),
  signIn: (request: SignIn) => call<SessionView>("sign_in", { request }),
  signOut: () => call<AppState>("sign_out"),
  changePassword: (change: PasswordChange) => call<SessionView>("change_password", { change }),

  listUsers: (query: UserQuery) => call<Page<UserView>>("list_users", { query }),
  getUser: (id: string) => call<UserView>("get_user", { id }),
  createUser: (request: NewUser) => call<UserView>("create_user", { request }),
  createAdmin: (request: NewAdmin) => call<UserView>("create_admin", { request }),
  setUserStatus: (id: string, status: UserStatus) => call<UserView>("set_user_status", { id, status }),
  setUserRoles: (id: string, roles: Role[]) => call<UserView>("set_user_roles", { id, roles }),
  resetUserPassword: (id: string, temporary: string | null) =>
    call<PasswordReset>("reset_user_password", { id, temporary }),
  unlockUser: (id: string) => call<UserView>("unlock_user", { id }),

  listAccounts: (limit: number, offset: number) => call<Page<AccountView>>("list_accounts", { limit, offset }),
  createAccount: (request: NewAccount, idempotencyKey: string | null) =>
    call<AccountCreated>("create_account", { request, idempotencyKey }),

  listApiTokens: () => call<ApiTokenView[]>("list_api_tokens"),
  createApiToken: (request: NewApiToken) => call<IssuedApiToken>("create_api_token", { request }),
  revokeApiToken: (id: string) => call<ApiTokenView>("revoke_api_token", { id }),

  getSettings: () => call<Settings>("get_settings"),
  updateSettings: (settings: Settings) => call<Settings>("update_settings", { settings }),
  getPreferences: () => call<AppPreferences>("get_preferences"),
  setPreferences: (preferences: AppPreferences) => call<unknown>("set_preferences", { preferences }),

  copySecret: (text: string) => call<ClipboardReceipt>("copy_secret", { text }),
  clearClipboard: () => call<void>("clear_clipboard"),
};

export type Api = typeof api;

/** The message of one field from a Problem, if any (exact name match). */
export function fieldErrors(problem: Problem | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!problem) return out;
  for (const e of problem.errors) {
    out[e.field] = out[e.field] ? `${out[e.field]} ${e.message}` : e.message;
  }
  return out;
}
