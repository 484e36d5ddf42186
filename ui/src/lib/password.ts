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
