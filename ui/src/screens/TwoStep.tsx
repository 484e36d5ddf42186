import { useState, type FormEvent } from "react";
import { api, toProblem } from "../api/client";
import type { TotpEnrollment } from "../bindings/TotpEnrollment";
import { Field, FormError } from "../components/Field";
import { Form } from "../components/Form";
import { SecretBox } from "../components/SecretBox";
import { useLoad } from "../hooks/useLoad";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";

/**
 * Two-step sign-in for the signed-in user: set up an authenticator app (a QR code made by
 * the core, and the secret in text), confirm it with a code, keep the recovery codes
 * shown once; or turn it off with the password and a code. `forced`: shown instead of
 * everything else while the instance's policy requires it and it is not set up.
 */
export function TwoStepScreen({ forced }: { forced: boolean }) {
  const { state, setState, refresh } = useApp();
  const me = useLoad(() => api.me(), []);
  const { busy, problem, errors: errs, run, setProblem, onEdit } = useSubmit();
  const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [saved, setSaved] = useState(false);
  const enrolled = me.data?.second_factor ?? false;

  async function start() {
    const started = await run(() => api.startTotpEnrollment());
    if (started) setEnrollment(started);
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    const confirmed = await run(() => api.confirmTotpEnrollment({ code: code.trim() }));
    setCode("");
    if (!confirmed) return;
    setEnrollment(null);
    setRecoveryCodes(confirmed.codes);
    me.setData(confirmed.user);
  }

  async function done() {
    setRecoveryCodes(null);
    setSaved(false);
    if (forced && state.session) {
      setState({ ...state, session: { ...state.session, must_enroll_second_factor: false } });
      await refresh();
    }
  }

  async function turnOff(e: FormEvent) {
    e.preventDefault();
    const user = await run(() => api.removeTotp({ current_password: password, code: code.trim() }));
    setPassword("");
    setCode("");
    if (user) me.setData(user);
  }

  async function signOut() {
    try {
      setState(await api.signOut());
    } catch (err) {
      setProblem(toProblem(err));
    }
  }

  let body;
  if (recoveryCodes) {
    body = (
      <>
        <p className="notice ok" role="status" data-testid="two-step-on">
          Two-step sign-in is on. Each sign-in now asks for a code from your authenticator app.
        </p>
        <p>If you lose your phone, sign in with one of these codes instead of a code from the app. Each works once.</p>
        <SecretBox secret={recoveryCodes.join("\n")} what="list of recovery codes" confirmed={saved} onConfirmed={setSaved} />
        <div className="actions">
          <button type="button" className="primary" data-testid="two-step-done" disabled={!saved} onClick={() => void done()}>
            Done
          </button>
        </div>
      </>
    );
  } else if (enrollment) {
    body = (
      <Form onSubmit={(e) => void confirm(e)}>
        <p>Scan this code with your authenticator app (or type the key below), then enter the code the app shows.</p>
        <div
          className="qr-code"
          role="img"
          aria-label="QR code of the authenticator key"
          data-testid="two-step-qr"
          // The core's own SVG of the otpauth URI: no script, made without network.
          dangerouslySetInnerHTML={{ __html: enrollment.qr_svg }}
        />
        <p className="small">
          Key: <code className="secret" data-testid="two-step-secret">{enrollment.secret}</code>
        </p>
        <Field
          label="Code from the app"
          value={code}
          onChange={onEdit("code", setCode)}
          testId="two-step-code"
          error={errs.code}
          autoComplete="one-time-code"
          inputMode="numeric"
          autoFocus
          required
        />
        <FormError problem={problem} />
        <div className="actions">
          <button type="button" onClick={() => setEnrollment(null)} data-testid="two-step-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="two-step-confirm" disabled={busy || code.trim() === ""}>
            {busy ? "Checking…" : "Turn on"}
          </button>
        </div>
      </Form>
    );
  } else if (enrolled) {
    body = (
      <Form onSubmit={(e) => void turnOff(e)}>
        <p data-testid="two-step-status">Two-step sign-in is on.</p>
        <p className="muted">To turn it off, enter your password and a code from the app (or a recovery code).</p>
        <Field label="Password" type="password" value={password} onChange={onEdit("current_password", setPassword)} testId="two-step-password" error={errs.current_password} autoComplete="current-password" required />
        <Field label="Code or recovery code" value={code} onChange={onEdit("code", setCode)} testId="two-step-off-code" error={errs.code} autoComplete="one-time-code" required />
        <FormError problem={problem} />
        <div className="actions">
          <button type="submit" className="danger" data-testid="two-step-off" disabled={busy || password === "" || code.trim() === ""}>
            Turn off
          </button>
        </div>
      </Form>
    );
  } else {
    body = (
      <>
        <p data-testid="two-step-status">
          {me.data ? "Two-step sign-in is off." : "Loading…"} With it on, signing in also asks for a code from an authenticator app on your phone.
        </p>
        <FormError problem={problem ?? me.problem} />
        <div className="actions">
          {forced && (
            <button type="button" onClick={() => void signOut()} data-testid="sign-out">
              Sign out
            </button>
          )}
          <button type="button" className="primary" data-testid="two-step-start" disabled={busy || !me.data} onClick={() => void start()}>
            Set up
          </button>
        </div>
      </>
    );
  }

  if (forced) {
    return (
      <main className="center-page">
        <div className="card medium">
          <h1>Set up two-step sign-in</h1>
          <p className="muted">This instance requires a second step at sign-in for you. Set it up before you continue.</p>
          {body}
        </div>
      </main>
    );
  }
  return (
    <section className="narrow-page">
      <h1>Two-step sign-in</h1>
      <div className="card">{body}</div>
    </section>
  );
}
