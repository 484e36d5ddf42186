// Types of the Tauri shell's commands that are not generated yet.
// They follow the shell contract exactly; replace them with the generated
// ones in ../bindings once the shell engineer adds them (ts-rs).
import type { InstanceStatus } from "../bindings/InstanceStatus";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { PolicyPreset } from "../bindings/PolicyPreset";
import type { TlsMode } from "../bindings/TlsMode";
import type { UserView } from "../bindings/UserView";

export type ConnectionKind = "local" | "remote";

export type ConnectionInfo = { kind: ConnectionKind; label: string; detail: string };

export type SessionView = { user: UserView; must_change_password: boolean; expires_at: string };

export type AppPreferences = { clipboard_clear_seconds: number };

export type AppState = {
  connection: ConnectionInfo | null;
  instance: InstanceStatus | null;
  session: SessionView | null;
  preferences: AppPreferences;
};

export type RemoteProfile = {
  name: string;
  host: string;
  port: number;
  database: string;
  username: string;
  /** null = use the password saved in the keychain. */
  password: string | null;
  tls: TlsMode;
  save_password: boolean;
};

export type RemoteProfileView = {
  name: string;
  host: string;
  port: number;
  database: string;
  username: string;
  tls: TlsMode;
  save_password: boolean;
  has_saved_password: boolean;
};

export type ConnectionTest = { ok: boolean; message: string };

export type PresetInfo = { preset: PolicyPreset; label: string; policy: PasswordPolicy };

export type ClipboardReceipt = { clears_at: string; seconds: number };
