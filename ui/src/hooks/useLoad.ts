import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from "react";
import type { Problem } from "../bindings/Problem";
import { toProblem } from "../api/client";

export type LoadOptions<T> = {
  /** While false nothing is loaded (and a reply still on its way is dropped). Default true. */
  enabled?: boolean;
  /** Called with each reply that is kept, e.g. to seed a form's editable copy. */
  onLoad?: (data: T) => void;
};

export type Loaded<T> = {
  /** The latest reply kept; the previous one stays while a newer load is on its way. */
  data: T | null;
  /** Why the latest load failed; cleared by the next reply kept. */
  problem: Problem | null;
  /** A load is on its way. */
  loading: boolean;
  /** Loads again with the same dependencies. */
  reload: () => void;
  /** Replaces the data locally (after an action that returned a newer copy). */
  setData: Dispatch<SetStateAction<T | null>>;
};

/**
 * Loads on mount and whenever `deps` (compared by value, as JSON) change or `reload` is
 * called. Only the reply to the latest load is kept: one that arrives after a newer load
 * started, after `enabled` turned false, or after unmount is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], options: LoadOptions<T> = {}): Loaded<T> {
  const enabled = options.enabled ?? true;
  // One state, so that a reply is one update.
  const [state, setState] = useState<{ data: T | null; problem: Problem | null; loading: boolean }>({
    data: null,
    problem: null,
    loading: enabled,
  });
  const [round, setRound] = useState(0);
  // The latest callbacks, so a caller may pass new closures on every render.
  const latest = useRef({ load, onLoad: options.onLoad });
  useEffect(() => {
    latest.current = { load, onLoad: options.onLoad };
  });
  const key = JSON.stringify(deps);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    // Starting a load is what this hook is for.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    let pending: Promise<T>;
    try {
      pending = latest.current.load();
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (data) => {
        if (!live) return;
        setState({ data, problem: null, loading: false });
        latest.current.onLoad?.(data);
      },
      (e: unknown) => {
        if (live) setState((s) => ({ ...s, problem: toProblem(e), loading: false }));
      },
    );
    return () => {
      live = false;
    };
  }, [key, enabled, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  const setData = useCallback<Dispatch<SetStateAction<T | null>>>(
    (action) =>
      setState((s) => ({ ...s, data: typeof action === "function" ? (action as (prev: T | null) => T | null)(s.data) : action })),
    [],
  );
  return { data: state.data, problem: state.problem, loading: state.loading, reload, setData };
}
