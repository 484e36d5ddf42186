import { useRef, useState, type FormEvent } from "react";
import { api, toProblem } from "../api/client";
import { Field, FormError } from "../components/Field";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";
import { Form } from "../components/Form";

export function SignInScreen() {
  const { state, refresh, setState } = useApp();
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const { busy, problem, errors: errs, run, setProblem, onEdit } = useSubmit();
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const session = await run(() => api.signIn({ login: login.trim(), password }));
    setPassword("");
    if (!session) {
      // Try again from the password (emptied), whatever had the focus (the disabled button, say).
      passwordRef.current?.focus();
      return;
    }
    // Show the signed-in app at once, then take the shell's full state.
    setState({ ...state, session });
    void refresh();
  }

  async function disconnect() {
    try {
      setState(await api.disconnect());
    } catch (err) {
      setProblem(toProblem(err));
    }
  }

  return (
    <main className="center-page">
      <div className="card narrow">
        <p className="eyebrow">{state.instance?.organization ?? "Gatehouse"}</p>
        <h1>Sign in</h1>
        <Form onSubmit={(e) => void submit(e)}>
          <Field label="Username or email" value={login} onChange={onEdit("login", setLogin)} testId="signin-login" error={errs.login} autoComplete="username" autoFocus required />
          <Field
            label="Password"
            type="password"
            value={password}
            onChange={onEdit("password", setPassword)}
            ref={passwordRef}
            testId="signin-password"
            error={errs.password}
            autoComplete="current-password"
            required
          />
          <FormError problem={problem} />
          <div className="actions">
            <button type="submit" className="primary" data-testid="signin-submit" disabled={busy || login.trim() === "" || password === ""}>
              {busy ? "Signing in…" : "Sign in"}
            </button>
          </div>
        </Form>
        <p className="small muted connection-line">
          Connected to {state.connection?.label} <span className="muted">({state.connection?.detail})</span> ·{" "}
          <button type="button" className="link" onClick={() => void disconnect()} data-testid="disconnect">
            Change database
          </button>
        </p>
      </div>
    </main>
  );
}
