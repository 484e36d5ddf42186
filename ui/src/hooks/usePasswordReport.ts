import { useEffect, useRef, useState } from "react";
import type { PasswordContext } from "../bindings/PasswordContext";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { PolicyReport } from "../bindings/PolicyReport";
import type { Problem } from "../bindings/Problem";
import { api, toProblem } from "../api/client";

export const EVALUATE_DELAY_MS = 120;

export type PasswordReportState = {
  /** The latest report received (kept while a newer one is pending, so nothing flickers). */
  report: PolicyReport | null;
  /** True when `report` answers the current candidate, context and policy. */
  current: boolean;
  /** The policy passes for the current input. */
  passed: boolean;
  problem: Problem | null;
};

type Received = { report: PolicyReport | null; key: string | null; problem: Problem | null };

/**
 * Asks the core (through the shell) how a candidate password fares against a policy,
 * lightly debounced; replies to anything but the latest request are dropped.
 * `policy` null = the instance's own policy.
 */
export function usePasswordReport(
  candidate: string,
  context: PasswordContext,
  policy: PasswordPolicy | null,
  delayMs: number = EVALUATE_DELAY_MS,
): PasswordReportState {
  const key = JSON.stringify([candidate, context, policy]);
  const seq = useRef(0);
  const [received, setReceived] = useState<Received>({ report: null, key: null, problem: null });

  useEffect(() => {
    const mine = ++seq.current;
    const [c, ctx, pol] = JSON.parse(key) as [string, PasswordContext, PasswordPolicy | null];
    const timer = setTimeout(() => {
      api.evaluatePassword({ password: c, context: ctx, policy: pol }).then(
        (report) => {
          if (mine === seq.current) setReceived({ report, key, problem: null });
        },
        (err: unknown) => {
          if (mine === seq.current) setReceived((prev) => ({ ...prev, problem: toProblem(err) }));
        },
      );
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, delayMs]);

  const current = received.key === key && received.report !== null;
  return {
    report: received.report,
    current,
    passed: current && received.report !== null && received.report.passed,
    problem: received.problem,
  };
}
