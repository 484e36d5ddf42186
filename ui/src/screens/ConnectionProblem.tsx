import { api } from "../api/client";
import { FormError } from "../components/Field";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";

/**
 * The connection does not answer now (the database or the server is down, or a
 * server's certificate is not the one its profile trusts): say why, and offer to try
 * again or to choose another connection. Nothing is retried behind the admin's back.
 */
export function ConnectionProblemScreen() {
  const { state, setState } = useApp();
  const retry = useSubmit();
  const leave = useSubmit();

  async function tryAgain() {
    const next = await retry.run(() => api.appState());
    if (next) setState(next);
  }

  async function change() {
    const next = await leave.run(() => api.disconnect());
    if (next) setState(next);
  }

  return (
    <main className="center-page">
      <div className="card medium">
        <p className="eyebrow">{state.connection?.label}</p>
        <h1 tabIndex={-1}>{state.connection?.kind === "server" ? "The server does not answer as expected" : "The database does not answer"}</h1>
        <p className="muted small">{state.connection?.detail}</p>
        <FormError problem={state.connection_problem} />
        <FormError problem={retry.problem ?? leave.problem} />
        <div className="actions">
          <button type="button" onClick={() => void change()} disabled={retry.busy || leave.busy} data-testid="change-connection">
            Change connection
          </button>
          <button type="button" className="primary" onClick={() => void tryAgain()} disabled={retry.busy || leave.busy} data-testid="retry-connection">
            {retry.busy ? "Trying…" : "Try again"}
          </button>
        </div>
      </div>
    </main>
  );
}
