// Replies recorded from the real Rust core, for the mock shell: the mock looks answers up
// here and never evaluates a password rule (or any other rule) itself.
//
// Re-record, from the repository root, after a change to the core's rules, presets or
// messages, or to the passwords the screenshot walk types (listed in
// recorded/candidates.json):
//
//   cargo run -p gatehouse-api --example record_ui_fixtures
//
// (crates/gatehouse-api/examples/record_ui_fixtures.rs: the core on a temporary SQLite
// database, every operation called through gatehouse_api::dispatch.)
import type { PasswordContext } from "../../src/bindings/PasswordContext";
import type { PasswordPolicy } from "../../src/bindings/PasswordPolicy";
import type { PolicyReport } from "../../src/bindings/PolicyReport";
import type { PresetInfo } from "../../src/bindings/PresetInfo";
import type { Problem } from "../../src/bindings/Problem";
import type { Settings } from "../../src/bindings/Settings";
import evaluationsJson from "./recorded/evaluations.json";
import presetsJson from "./recorded/presets.json";
import problemsJson from "./recorded/problems.json";
import settingsJson from "./recorded/settings.json";
import suggestedJson from "./recorded/suggested-blocked-domains.json";

type Evaluation = {
  what: string;
  candidate: { password: string; context: PasswordContext; policy: PasswordPolicy };
  report: PolicyReport;
};

/** The core's problem documents as recorded (without `errors` when it had none). */
type RecordedProblem = Omit<Problem, "errors"> & { errors?: Problem["errors"] };

/** `policy_presets`: every preset with its label and policy. */
export const PRESETS = presetsJson as PresetInfo[];
/** `suggested_blocked_domains`. */
export const SUGGESTED_BLOCKED_DOMAINS = suggestedJson as string[];
/** `get_settings` of a freshly set-up instance. */
export const DEFAULT_SETTINGS = settingsJson as Settings;

const EVALUATIONS = evaluationsJson as Evaluation[];
const PROBLEMS = problemsJson as Record<
  "sign_in_failed" | "username_taken" | "weak_password" | "not_signed_in" | "no_such_user",
  RecordedProblem
>;

/** A recorded problem document, as the shell would reject with it. */
export function recordedProblem(name: keyof typeof PROBLEMS, errors?: Problem["errors"]): Problem {
  const p = PROBLEMS[name];
  return { ...structuredClone(p), errors: errors ?? structuredClone(p.errors ?? []) };
}

const NO_CONTEXT: PasswordContext = { username: null, email: null, first_name: null, last_name: null };

function samePolicy(a: PasswordPolicy, b: PasswordPolicy): boolean {
  return (Object.keys(a) as (keyof PasswordPolicy)[]).every((k) => a[k] === b[k]);
}

function sameContext(a: PasswordContext, b: PasswordContext): boolean {
  return (Object.keys(NO_CONTEXT) as (keyof PasswordContext)[]).every((k) => (a[k] ?? null) === (b[k] ?? null));
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The core's report for a candidate, looked up: the recording for this password, policy
 * and context; else the same password and policy in another context; else, under the
 * same policy, the recorded password nearest to it (longest common start, then closest
 * length); else the recorded report for an empty password (every rule not yet met).
 */
export function recordedReport(password: string, context: PasswordContext | null, policy: PasswordPolicy): PolicyReport {
  const ctx = context ?? NO_CONTEXT;
  const underPolicy = EVALUATIONS.filter((e) => samePolicy(e.candidate.policy, policy));
  const recorded =
    underPolicy.find((e) => e.candidate.password === password && sameContext(e.candidate.context, ctx)) ??
    underPolicy.find((e) => e.candidate.password === password);
  if (!recorded) console.warn("mock shell: no recorded report for this password and policy; showing the nearest (add it to recorded/candidates.json)");
  const found =
    recorded ??
    [...underPolicy].sort(
      (x, y) =>
        commonPrefix(y.candidate.password, password) - commonPrefix(x.candidate.password, password) ||
        Math.abs(x.candidate.password.length - password.length) - Math.abs(y.candidate.password.length - password.length),
    )[0] ??
    EVALUATIONS.find((e) => e.candidate.password === "" && samePolicy(e.candidate.policy, DEFAULT_SETTINGS.password_policy)) ??
    EVALUATIONS[0];
  if (!found) throw new Error("no recorded password evaluations: re-record (see scripts/mock/recorded.ts)");
  return structuredClone(found.report);
}

/** The problem the core answers a refused password with: one field error per failed rule. */
export function passwordRefusal(report: PolicyReport): Problem | null {
  const failed = report.rules.filter((r) => !r.passed);
  if (failed.length === 0) return null;
  return recordedProblem(
    "weak_password",
    failed.map((r) => ({ field: "password", code: r.rule, message: r.message })),
  );
}
