import type { FieldCheck } from "../bindings/FieldCheck";
import type { FieldReport } from "../bindings/FieldReport";
import type { PolicyReport } from "../bindings/PolicyReport";
import type { Problem } from "../bindings/Problem";
import type { UserView } from "../bindings/UserView";

/** A report as the core would give it: every rule, in the policy's order. */
export function report(passed: Partial<Record<"min_length" | "uppercase" | "digit" | "not_common" | "min_strength", boolean>>, score = 1): PolicyReport {
  const rules = [
    { rule: "min_length", message: "At least 12 characters" },
    { rule: "uppercase", message: "An uppercase letter" },
    { rule: "digit", message: "A digit" },
    { rule: "not_common", message: "Not a commonly used password" },
    { rule: "min_strength", message: "Strength at least 3 of 4" },
  ] as const;
  const outcomes = rules.map((r) => ({ rule: r.rule, message: r.message, passed: passed[r.rule] ?? false }));
  return {
    passed: outcomes.every((o) => o.passed),
    rules: outcomes,
    strength: { score, crack_time: score >= 3 ? "centuries" : "3 minutes", warning: score < 3 ? "This is similar to a commonly used password." : null, suggestions: score < 3 ? ["Add another word or two."] : [], bounded: false },
  };
}

export const ALL_PASS = report({ min_length: true, uppercase: true, digit: true, not_common: true, min_strength: true }, 4);

export function problem(over: Partial<Problem> = {}): Problem {
  return {
    type: "https://gatehouse.dev/problems/validation_failed",
    title: "Validation failed",
    status: 422,
    detail: "Some fields are not valid.",
    code: "validation_failed",
    errors: [],
    ...over,
  };
}

export function user(over: Partial<UserView> = {}): UserView {
  return {
    id: "u1",
    account_id: "a1",
    username: "jdoe",
    email: "jdoe@example.org",
    first_name: "Jane",
    last_name: "Doe",
    business_role: null,
    roles: ["viewer"],
    status: "active",
    is_active: true,
    email_confirmed_at: null,
    preferences: {},
    must_change_password: false,
    failed_sign_ins: 0,
    locked_until: null,
    created_at: "2026-01-01T00:00:00Z",
    created_by: null,
    updated_at: "2026-01-01T00:00:00Z",
    version: 1,
    last_sign_in_at: null,
    second_factor: false,
    ...over,
  };
}

/** A promise with its resolve/reject exposed. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A stand-in for the core's `check_field` (tests of the UI, not of the parsers): an
 * email needs a local part and a dotted domain, and is refused at a blocked domain (the
 * check's own list, else `instanceDomains`); an organization or account name is needed.
 */
export function fakeCheckField(args: Record<string, unknown> | undefined, instanceDomains: string[] = []): FieldReport {
  const check = args?.check as FieldCheck;
  const err = (field: string, code: string, message: string): FieldReport => ({ errors: [{ field, code, message }] });
  const value = check.value.trim();
  switch (check.field) {
    case "email":
    case "required_email": {
      if (value === "") return check.field === "required_email" ? err("email", "required", "Enter an email address.") : { errors: [] };
      const match = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(value);
      if (!match) return err("email", "invalid", "Enter a valid email address.");
      const domain = (match[1] ?? "").toLowerCase();
      const blocked = check.blocked_email_domains ?? instanceDomains;
      return blocked.some((d) => domain === d || domain.endsWith(`.${d}`)) ? err("email", "blocked_domain", "This email domain is not allowed.") : { errors: [] };
    }
    case "organization":
      return value === "" ? err("organization", "required", "Enter a name.") : { errors: [] };
    case "setup_first_name":
      return value.length < 3 ? err("first_name", "too_short", "Use at least 3 characters.") : { errors: [] };
    default:
      return { errors: [] };
  }
}
