import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { PasswordReportState } from "../hooks/usePasswordReport";

/** True when the password may be submitted: the policy passes and the confirmation matches. */
export function passwordReady(report: PasswordReportState, value: string, confirmation?: string): boolean {
  return report.passed && value.length > 0 && (confirmation === undefined || confirmation === value);
}

/** Errors whose field starts with `password_policy.`, keyed by the rest. */
export function policyErrors(all: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith("password_policy.")) out[k.slice("password_policy.".length)] = v;
  }
  return out;
}

/** The numeric rules of a password policy, with the ranges the core accepts (PasswordPolicy::check). */
export const POLICY_NUMBER_RANGES = {
  min_length: { min: 1, max: 1024 },
  max_length: { min: 1, max: 1024 },
  min_character_classes: { min: 0, max: 4 },
  min_strength_score: { min: 0, max: 4 },
} as const;

export type PolicyNumberKey = keyof typeof POLICY_NUMBER_RANGES;

/** "Enter a whole number from 1 to 1024." when `value` is not an integer in the range, else null. */
export function rangeError(value: number, min: number, max: number): string | null {
  return Number.isInteger(value) && value >= min && value <= max ? null : `Enter a whole number from ${min} to ${max}.`;
}

/**
 * Local checks of a policy's numbers, keyed like `policyErrors`: a first line of defence
 * so that an empty, negative, fractional or too large number never reaches the shell
 * (whose u8/u16 fields would refuse it without saying which). The core stays the judge.
 */
export function localPolicyErrors(policy: PasswordPolicy): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, r] of Object.entries(POLICY_NUMBER_RANGES) as [PolicyNumberKey, { min: number; max: number }][]) {
    const err = rangeError(policy[k], r.min, r.max);
    if (err) out[k] = err;
  }
  if (!out.min_length && !out.max_length && policy.max_length < policy.min_length) {
    out.max_length = "The maximum length must not be below the minimum length.";
  }
  return out;
}

/** The problem fields of the rules that differ between two policies (`password_policy.<rule>`), and the policy's own. */
export function changedPolicyFields(before: PasswordPolicy, after: PasswordPolicy): string[] {
  const keys = (Object.keys(after) as (keyof PasswordPolicy)[]).filter((k) => !Object.is(before[k], after[k]));
  return keys.length === 0 ? [] : ["password_policy", ...keys.map((k) => `password_policy.${k}`)];
}
