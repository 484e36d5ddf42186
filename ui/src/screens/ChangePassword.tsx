import { useState, type FormEvent } from "react";
import { api, fieldErrors, toProblem } from "../api/client";
import type { Problem } from "../bindings/Problem";
import { Field, FormError } from "../components/Field";
import { PasswordField } from "../components/PasswordField";
import { passwordReady } from "../lib/password";
import { usePasswordReport } from "../hooks/usePasswordReport";
import { useApp } from "../lib/app";

/** Shown instead of everything else while the signed-in user's password is temporary. */
export function ChangePasswordScreen() {
  const { state, refresh, setState } = useApp();
  const user = state.session?.user;
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const report = usePasswordReport(
    next,
    { username: user?.username ?? null, email: user?.email ?? null, first_name: user?.first_name ?? null, last_name: user?.last_name ?? null },
    null,
  );
  const errs = fieldErrors(problem);
  const ready = current !== "" && passwordReady(report, next, confirm);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setProblem(null);
    try {
      const session = await api.changePassword({ current_password: current, new_password: next });
      setCurrent("");
      setNext("");
      setConfirm("");
      setState({ ...state, session });
      void refresh();
    } catch (err) {
      setProblem(toProblem(err));
      setBusy(false);
    }
  }

  async function signOut() {
    try {
      setState(await api.signOut());
    } catch (err) {
      setProblem(toProblem(err));
    }
  }

  return (
    <main className="center-page">
      <div className="card medium">
        <h1>Choose a new password</h1>
        <p className="muted">
          Your password was set by an administrator and is temporary. Choose your own before you continue.
        </p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field
            label="Temporary password"
            type="password"
            value={current}
            onChange={setCurrent}
            testId="change-current"
            error={errs.current_password}
            autoComplete="current-password"
            autoFocus
          />
          <PasswordField
            label="New password"
            value={next}
            onChange={setNext}
            report={report}
            testId="change-new"
            error={errs.new_password ?? errs.password}
            confirm={{ value: confirm, onChange: setConfirm, testId: "change-confirm" }}
          />
          <FormError problem={problem} />
          <div className="actions">
            <button type="button" onClick={() => void signOut()} data-testid="sign-out">
              Sign out
            </button>
            <button type="submit" className="primary" data-testid="change-submit" disabled={!ready || busy}>
              {busy ? "Saving…" : "Change password"}
            </button>
          </div>
        </form>
      </div>
    </main>
  );
}
