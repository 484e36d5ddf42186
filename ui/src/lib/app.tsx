import { createContext, useContext } from "react";
import type { AppState } from "../bindings/AppState";
import type { SessionView } from "../bindings/SessionView";

export type AppCtx = {
  state: AppState;
  /** Replaces the app state (after a command that returns one). */
  setState: (s: AppState) => void;
  /** Reloads the app state from the shell. */
  refresh: () => Promise<void>;
  /** The signed-in session (main screens only). */
  session: SessionView | null;
};

export const AppContext = createContext<AppCtx | null>(null);

export function useApp(): AppCtx {
  const c = useContext(AppContext);
  if (!c) throw new Error("useApp outside AppContext");
  return c;
}
