import { useRef, useState, type FormEvent } from "react";
import { api, toProblem } from "../api/client";
import { Field, FormError } from "../components/Field";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";
import { Form } from "../components/Form";
import type { SessionView } from "../bindings/SessionView";

// At the second step the password was right already: say what was not (the core's
// message is the password step's, "wrong username or password").
const CODE_REFUSED = "This code was not accepted. Enter the code the app shows now: each code works once.";
const RECOVERY_REFUSED = "This recovery code was not accepted: it is not one of yours, or it was used already.";

export function SignInScreen() {
  const { state, refresh, setState } = useApp();
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const { busy, problem, errors: errs, run, setProblem, onEdit } = useSubmit();
  const passwordRef = useRef<HTMLInputElement>(null);

  // The password was right and a code must follow: the challenge of the second step.
  const [challenge, setChallenge] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState(false);

  function started(session: SessionView) {
    // Show the signed-in app at once, then take the shell's full state.
    setState({ ...state, session });
    void refresh();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await run(async () => {
      try {
        return await api.signIn({ login: login.trim(), password });
      } catch (err) {
        const p = toProblem(err);
        if (p.code === "second_factor_required" && p.second_factor) return p.second_factor.challenge;
        throw err;
      }
    });
    setPassword("");
    if (typeof outcome === "string") {
      setChallenge(outcome);
      return;
    }
    if (!outcome) {
      // Try again from the password (emptied), whatever had the focus (the disabled button, say).
      passwordRef.current?.focus();
      return;
    }
    started(outcome);
  }

  async function submitCode(e: FormEvent) {
    e.preventDefault();
    if (!challenge) return;
    const typed = code.trim();
    const session = await run(() =>
      api.completeSignIn({ challenge, code: recovery ? null : typed, recovery_code: recovery ? typed : null }),
    );
    setCode("");
    if (session) started(session);
  }

  function backToPassword() {
    setChallenge(null);
    setCode("");
    setRecovery(false);
    setProblem(null);
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
        {challenge ? (
          <Form onSubmit={(e) => void submitCode(e)}>
            <p className="muted">
              {recovery
                ? "Enter one of the recovery codes you saved when you set up two-step sign-in. Each works once."
                : "Enter the 6-digit code your authenticator app shows for this instance."}
            </p>
            <Field
              key={recovery ? "recovery" : "code"}
              label={recovery ? "Recovery code" : "Code"}
              value={code}
              onChange={onEdit(["code", "recovery_code"], setCode)}
              testId="signin-code"
              error={errs.code ?? errs.recovery_code}
              autoComplete="one-time-code"
              inputMode={recovery ? "text" : "numeric"}
              autoFocus
              required
            />
            {errs.challenge && (
              <p className="field-error" role="alert">
                {errs.challenge}
              </p>
            )}
            {problem?.code === "invalid_credentials" ? (
              <FormError message={recovery ? RECOVERY_REFUSED : CODE_REFUSED} />
            ) : (
              <FormError problem={problem && !errs.challenge ? problem : null} />
            )}
            <div className="actions">
              <button type="button" className="link" onClick={() => setRecovery(!recovery)} data-testid="signin-use-recovery">
                {recovery ? "Use a code from the app" : "Use a recovery code"}
              </button>
              <button type="button" onClick={backToPassword} data-testid="signin-back">
                Back
              </button>
              <button type="submit" className="primary" data-testid="signin-code-submit" disabled={busy || code.trim() === ""}>
                {busy ? "Checking…" : "Verify"}
              </button>
            </div>
          </Form>
        ) : (
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
        )}
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
