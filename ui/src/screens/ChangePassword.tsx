import { useState, type FormEvent } from "react";
import { api, toProblem } from "../api/client";
import { Field, FormError } from "../components/Field";
import { PasswordField } from "../components/PasswordField";
import { passwordReady } from "../lib/password";
import { usePasswordReport } from "../hooks/usePasswordReport";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";
import { Form } from "../components/Form";

/**
 * The signed-in admin's own password. `forced`: shown instead of everything else while
 * the password is temporary; otherwise a screen of the main window, with `onClose`.
 */
export function ChangePasswordScreen({ forced = true, onClose }: { forced?: boolean; onClose?: () => void }) {
  const { state, refresh, setState } = useApp();
  const user = state.session?.user;
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const { busy, problem, errors: errs, run, setProblem, onEdit } = useSubmit();
  const [done, setDone] = useState(false);
  const report = usePasswordReport(
    next,
    { username: user?.username ?? null, email: user?.email ?? null, first_name: user?.first_name ?? null, last_name: user?.last_name ?? null },
    null,
  );
  const ready = current !== "" && passwordReady(report, next, confirm);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    const session = await run(() => api.changePassword({ current_password: current, new_password: next }));
    if (!session) return;
    setCurrent("");
    setNext("");
    setConfirm("");
    setState({ ...state, session });
    setDone(!forced);
    void refresh();
  }

  async function signOut() {
    try {
      setState(await api.signOut());
    } catch (err) {
      setProblem(toProblem(err));
    }
  }

  const form = (
        <Form onSubmit={(e) => void submit(e)}>
          {done && (
            <p className="notice ok" role="status" data-testid="change-done">
              Password changed. Sessions signed in with the old password, here or elsewhere, have ended.
            </p>
          )}
          <Field
            label={forced ? "Temporary password" : "Current password"}
            type="password"
            value={current}
            onChange={onEdit("current_password", setCurrent)}
            testId="change-current"
            error={errs.current_password}
            autoComplete="current-password"
            autoFocus
          />
          <PasswordField
            label="New password"
            value={next}
            onChange={onEdit(["new_password", "password"], setNext)}
            report={report}
            testId="change-new"
            error={errs.new_password ?? errs.password}
            confirm={{ value: confirm, onChange: setConfirm, testId: "change-confirm" }}
          />
          <FormError problem={problem} />
          <div className="actions">
            {forced ? (
              <button type="button" onClick={() => void signOut()} data-testid="sign-out">
                Sign out
              </button>
            ) : (
              <button type="button" onClick={onClose} data-testid="change-cancel">
                {done ? "Back" : "Cancel"}
              </button>
            )}
            <button type="submit" className="primary" data-testid="change-submit" disabled={!ready || busy}>
              {busy ? "Saving…" : "Change password"}
            </button>
          </div>
        </Form>
  );

  if (!forced) {
    return (
      <section className="narrow-page">
        <h1>Change your password</h1>
        <p className="muted">Enter your current password, then the new one twice.</p>
        <div className="card">{form}</div>
      </section>
    );
  }
  return (
    <main className="center-page">
      <div className="card medium">
        <h1>Choose a new password</h1>
        <p className="muted">
          Your password was set by an administrator and is temporary. Choose your own before you continue.
        </p>
        {form}
      </div>
    </main>
  );
}
