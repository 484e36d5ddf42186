import { useCallback, useEffect, useRef, useState } from "react";
import type { FieldKind } from "../bindings/FieldKind";
import { api } from "../api/client";

/** How long typing in an email pauses before its domain is checked. */
export const TYPING_CHECK_DELAY_MS = 300;

/** The request field a kind's errors name (as the core's `FieldKind::field`). */
const FIELD_OF: Record<FieldKind, string> = {
  organization: "organization",
  account_name: "name",
  plan: "plan",
  username: "username",
  optional_username: "username",
  email: "email",
  required_email: "email",
  first_name: "first_name",
  setup_first_name: "first_name",
  last_name: "last_name",
  business_role: "business_role",
};

const isEmail = (kind: FieldKind) => kind === "email" || kind === "required_email";

export type FieldChecks = {
  /**
   * Props for a `Field`: `onBlur` checks the value by the core's parser (check_field);
   * `onChange` calls `set` (e.g. useSubmit's onEdit, which drops the submit's stale
   * error) and drops the check's; while an email is typed, its domain is checked after
   * a pause and only a blocked domain is reported. `error`: the check's message, else
   * `submitError`.
   */
  field: (
    kind: FieldKind,
    value: string,
    set: (value: string) => void,
    submitError?: string,
  ) => { value: string; onChange: (value: string) => void; onBlur: () => void; error: string | undefined };
  /** Checks these fields now (e.g. before a wizard step is left); true when none has an error. */
  checkAll: (fields: readonly (readonly [FieldKind, string])[]) => Promise<boolean>;
  /** The check errors by request field. */
  errors: Record<string, string>;
};

/**
 * Blur (and, for an email's domain, typing) validation by the core's own parsers,
 * through the window's `check_field`. `blockedDomains`: the domains an email is checked
 * against (the setup wizard's own choice); undefined = the instance's.
 *
 * A reply for a value that is no longer the field's is dropped; a failed check shows
 * nothing (the submit still checks everything).
 */
export function useFieldChecks(blockedDomains?: readonly string[] | null): FieldChecks {
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The value each field holds now, so late replies about an older one are dropped.
  const latest = useRef<Record<string, string>>({});
  const timers = useRef<Record<string, ReturnType<typeof setTimeout>>>({});
  const domains = useRef(blockedDomains);
  useEffect(() => {
    domains.current = blockedDomains;
  });

  useEffect(() => {
    const pending = timers.current;
    return () => Object.values(pending).forEach(clearTimeout);
  }, []);

  const setError = useCallback((name: string, message: string | null) => {
    setErrors((prev) => {
      if ((prev[name] ?? null) === message) return prev;
      const next = { ...prev };
      if (message === null) delete next[name];
      else next[name] = message;
      return next;
    });
  }, []);

  /** The core's first error for the value, null when it passes, undefined when unknown. */
  const ask = useCallback(async (kind: FieldKind, value: string): Promise<{ message: string; code: string } | null | undefined> => {
    const own = domains.current;
    try {
      const report = await api.checkField({
        field: kind,
        value,
        blocked_email_domains: isEmail(kind) && own !== undefined ? [...(own ?? [])] : null,
      });
      const first = report.errors[0];
      return first ? { message: first.message, code: first.code } : null;
    } catch {
      return undefined;
    }
  }, []);

  const check = useCallback(
    async (kind: FieldKind, value: string, onlyBlocked: boolean): Promise<boolean> => {
      const name = FIELD_OF[kind];
      const found = await ask(kind, value);
      if (latest.current[name] !== value || found === undefined) return true;
      if (found === null) {
        setError(name, null);
        return true;
      }
      if (onlyBlocked && found.code !== "blocked_domain") return true;
      setError(name, found.message);
      return false;
    },
    [ask, setError],
  );

  const field = useCallback<FieldChecks["field"]>(
    (kind, value, set, submitError) => {
      const name = FIELD_OF[kind];
      return {
        value,
        onChange: (next: string) => {
          latest.current[name] = next;
          set(next);
          setError(name, null);
          if (isEmail(kind)) {
            clearTimeout(timers.current[name]);
            // Only once the domain is there to check: "jo@gm" is no address yet.
            if (/@[^@\s]+\.[^@\s]+$/.test(next.trim())) {
              timers.current[name] = setTimeout(() => void check(kind, next, true), TYPING_CHECK_DELAY_MS);
            }
          }
        },
        onBlur: () => {
          clearTimeout(timers.current[name]);
          latest.current[name] = value;
          void check(kind, value, false);
        },
        error: errors[name] ?? submitError,
      };
    },
    [check, errors, setError],
  );

  const checkAll = useCallback(
    async (fields: readonly (readonly [FieldKind, string])[]) => {
      fields.forEach(([kind, value]) => (latest.current[FIELD_OF[kind]] = value));
      const results = await Promise.all(fields.map(([kind, value]) => check(kind, value, false)));
      return results.every(Boolean);
    },
    [check],
  );

  return { field, checkAll, errors };
}
