import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, toProblem } from "../api/client";
import type { Problem } from "../bindings/Problem";

type ClipboardState = {
  /** Seconds left before the shell clears the clipboard; null when nothing is pending. */
  secondsLeft: number | null;
  /** Copies a secret through the shell (which clears it later if unchanged). */
  copySecret: (text: string) => Promise<Problem | null>;
  clearNow: () => Promise<void>;
};

const Ctx = createContext<ClipboardState | null>(null);

export function ClipboardProvider({ children }: { children: ReactNode }) {
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (deadline === null) return;
    const t = setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= deadline) setDeadline(null);
    }, 250);
    return () => clearInterval(t);
  }, [deadline]);

  const copySecret = useCallback(async (text: string) => {
    try {
      const r = await api.copySecret(text);
      const start = Date.now();
      setNow(start);
      setDeadline(start + r.seconds * 1000);
      return null;
    } catch (e) {
      return toProblem(e);
    }
  }, []);

  const clearNow = useCallback(async () => {
    setDeadline(null);
    try {
      await api.clearClipboard();
    } catch {
      // Nothing useful to show: the shell clears on its own timer too.
    }
  }, []);

  const secondsLeft = deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
  const value = useMemo(() => ({ secondsLeft, copySecret, clearNow }), [secondsLeft, copySecret, clearNow]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useClipboard(): ClipboardState {
  const c = useContext(Ctx);
  if (!c) throw new Error("useClipboard outside ClipboardProvider");
  return c;
}
