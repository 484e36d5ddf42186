// Generated from the Rust enums by the desktop app's ts export: do not edit.
import type { AuditAction } from "./AuditAction";
import type { ErrorCode } from "./ErrorCode";
import type { PolicyPreset } from "./PolicyPreset";
import type { Role } from "./Role";
import type { TlsMode } from "./TlsMode";
import type { TokenState } from "./TokenState";
import type { UserStatus } from "./UserStatus";

/** Every error code a problem carries. */
export const ERROR_CODES: readonly ErrorCode[] = ["bad_request", "validation_failed", "conflict", "already_initialized", "not_initialized", "invalid_credentials", "unauthenticated", "token_expired", "user_inactive", "forbidden", "password_change_required", "second_factor_required", "second_factor_enrollment_required", "not_found", "idempotency_key_reused", "stale_version", "keychain_unavailable", "payload_too_large", "unsupported_media_type", "too_many_requests", "method_not_allowed", "unavailable", "certificate_changed", "internal"];

/** Every role, in the order the UI lists them. */
export const ROLES: readonly Role[] = ["admin", "editor", "viewer"];

/** Every user status. */
export const USER_STATUSES: readonly UserStatus[] = ["active", "pending", "suspended", "deactivated"];

/** Every PostgreSQL TLS mode. */
export const TLS_MODES: readonly TlsMode[] = ["verify-full", "require", "prefer", "disable"];

/** Every API token state. */
export const TOKEN_STATES: readonly TokenState[] = ["active", "expired", "revoked"];

/** Every audit action, in the order the Audit screen lists them. */
export const AUDIT_ACTIONS: readonly AuditAction[] = ["instance.set_up", "settings.updated", "signing_key.registered", "account.created", "account.updated", "account.status_changed", "account.deleted", "user.created", "user.updated", "user.deleted", "user.status_changed", "user.roles_changed", "user.password_reset", "user.password_changed", "user.locked", "user.unlocked", "sign_in.succeeded", "sign_in.failed", "sign_in.source_throttled", "password_change.failed", "api_token.created", "api_token.created_for_other", "api_token.revoked", "api_token.password_confirmation_failed", "sign_in.second_factor_required", "second_factor.enrollment_started", "second_factor.enrolled", "second_factor.removed", "second_factor.reset", "second_factor.check_failed", "audit.verified"];

/** Every password policy preset. */
export const POLICY_PRESETS: readonly PolicyPreset[] = ["recommended", "seed000", "seed001", "seed003", "seed004", "nist80063b"];
