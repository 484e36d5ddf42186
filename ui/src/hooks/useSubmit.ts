import { useCallback, useMemo, useState } from "react";
import type { Problem } from "../bindings/Problem";
import { fieldErrors, toProblem } from "../api/client";

export type Submit = {
  /** An action started by `run` is on its way. */
  busy: boolean;
  /** Why the latest action failed; cleared when the next one starts. */
  problem: Problem | null;
  /** `problem`'s messages by field name (`fieldErrors`). */
  errors: Record<string, string>;
  /**
   * Runs `fn`: busy meanwhile, the problem cleared first. Returns its result, or null
   * when it failed (the problem is then set; nothing is thrown).
   */
  run: <T>(fn: () => Promise<T>) => Promise<T | null>;
  /** Shows a problem that did not come from `run` (or clears it with null). */
  setProblem: (problem: Problem | null) => void;
};

/** The busy flag and problem of a form's submission (or any action a screen runs). */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setProblem(null);
    try {
      return await fn();
    } catch (e) {
      setProblem(toProblem(e));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);

  const errors = useMemo(() => fieldErrors(problem), [problem]);
  return { busy, problem, errors, run, setProblem };
}
