import { useCallback, useEffect, useMemo, useState } from "react";
import { api, onSessionProblem, toProblem } from "./api/client";
import type { AppState } from "./bindings/AppState";
import type { Problem } from "./bindings/Problem";
import { FormError } from "./components/Field";
import { AppContext } from "./lib/app";
import { ClipboardProvider } from "./lib/clipboard";
import { useTheme } from "./lib/theme";
import { ChangePasswordScreen } from "./screens/ChangePassword";
import { ConnectScreen } from "./screens/Connect";
import { ConnectionProblemScreen } from "./screens/ConnectionProblem";
import { MainScreen } from "./screens/Main";
import { SignInScreen } from "./screens/SignIn";
import { TwoStepScreen } from "./screens/TwoStep";
import { SetupWizard } from "./screens/Wizard";

export function App() {
  const [state, setState] = useState<AppState | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // This desktop's choice once the shell has said it; the system's until then.
  useTheme(state?.preferences.theme ?? "system");

  const refresh = useCallback(async () => {
    try {
      setState(await api.appState());
      setProblem(null);
    } catch (e) {
      setProblem(toProblem(e));
    }
  }, []);

  // A command found the session gone (expired, signed out elsewhere) or a password change
  // required: show whatever the shell now says (sign-in or the change screen).
  useEffect(() => onSessionProblem(() => void refresh()), [refresh]);

  useEffect(() => {
    // Loading the app state on start is the one place this effect sets state.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh();
  }, [refresh]);

  const ctx = useMemo(
    () => (state ? { state, setState, refresh, session: state.session } : null),
    [state, refresh],
  );

  if (!ctx) {
    return (
      <main className="center-page">
        {problem ? (
          <div className="card narrow">
            <h1>Gatehouse could not start</h1>
            <FormError problem={problem} />
            <button type="button" className="primary" onClick={() => void refresh()}>
              Try again
            </button>
          </div>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </main>
    );
  }

  const s = ctx.state;
  let screen;
  if (!s.connection) screen = <ConnectScreen />;
  else if (s.connection_problem) screen = <ConnectionProblemScreen />;
  else if (!s.instance || !s.instance.initialized) screen = <SetupWizard />;
  else if (!s.session) screen = <SignInScreen />;
  else if (s.session.must_change_password) screen = <ChangePasswordScreen />;
  else if (s.session.must_enroll_second_factor) screen = <TwoStepScreen forced />;
  else screen = <MainScreen />;

  return (
    <AppContext.Provider value={ctx}>
      <ClipboardProvider>{screen}</ClipboardProvider>
    </AppContext.Provider>
  );
}
