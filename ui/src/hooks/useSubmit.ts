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
  /**
   * These fields changed: their errors go at once. When the problem had field errors and
   * none is left, the whole problem goes (its banner had no other cause).
   */
  clearFields: (...fields: string[]) => void;
  /** `set`, then `clearFields(...fields)`: an input's onChange that also drops its stale error. */
  onEdit: <V>(fields: string | readonly string[], set: (value: V) => void) => (value: V) => void;
};

/** `problem` without the errors of `fields`; null when only those fields had made it. */
export function withoutFields(problem: Problem | null, fields: readonly string[]): Problem | null {
  if (!problem || fields.length === 0) return problem;
  const left = problem.errors.filter((e) => !fields.includes(e.field));
  if (left.length === problem.errors.length) return problem;
  return left.length === 0 ? null : { ...problem, errors: left };
}

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

  const clearFields = useCallback((...fields: string[]) => setProblem((p) => withoutFields(p, fields)), []);
  const onEdit = useCallback(
    <V,>(fields: string | readonly string[], set: (value: V) => void) =>
      (value: V) => {
        set(value);
        clearFields(...(typeof fields === "string" ? [fields] : fields));
      },
    [clearFields],
  );

  const errors = useMemo(() => fieldErrors(problem), [problem]);
  return { busy, problem, errors, run, setProblem, clearFields, onEdit };
}
