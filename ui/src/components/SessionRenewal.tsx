import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";
import { formatDateTime } from "../lib/format";
import { Dialog } from "./Dialog";
import { Field, FormError } from "./Field";

/** How long before the access token expires the window asks for the password again. */
export const RENEW_BEFORE_MS = 2 * 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Asks for the password again shortly before the session's access token expires, so
 * that a form being filled in is not lost to an expired session: signing in again
 * replaces the token in the shell and leaves the screen as it is.
 */
export function SessionRenewal() {
  const { state, setState } = useApp();
  const session = state.session;
  const expiresAt = session?.expires_at ?? null;
  const [due, setDue] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const { busy, problem, errors, run } = useSubmit();

  useEffect(() => {
    if (expiresAt === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Timers hold at most 2^31 - 1 ms (a longer one fires at once): wait in steps.
    const arm = () => {
      const wait = Date.parse(expiresAt) - Date.now() - RENEW_BEFORE_MS;
      if (wait <= 0) setDue(expiresAt);
      else timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    };
    timer = setTimeout(arm, 0);
    return () => clearTimeout(timer);
  }, [expiresAt]);

  if (!session || due !== expiresAt) return null;

  async function renew(e: FormEvent) {
    e.preventDefault();
    if (!session) return;
    const next = await run(() => api.signIn({ login: session.user.username, password }));
    setPassword("");
    if (next) setState({ ...state, session: next });
  }

  async function signOut() {
    setState(await api.signOut());
  }

  return (
    <Dialog title="Stay signed in" onEscape={() => undefined}>
      <form onSubmit={(e) => void renew(e)} noValidate data-testid="session-renewal">
        <p>
          Your session ends at {formatDateTime(session.expires_at)}. Enter your password to stay signed in; what you are
          doing stays as it is.
        </p>
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          testId="renew-password"
          error={errors.password}
          autoComplete="current-password"
          autoFocus
        />
        <FormError problem={problem} />
        <div className="actions">
          <button type="button" onClick={() => void signOut()} data-testid="renew-sign-out">
            Sign out
          </button>
          <button type="submit" className="primary" disabled={busy || password === ""} data-testid="renew-submit">
            {busy ? "Signing in…" : "Stay signed in"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
