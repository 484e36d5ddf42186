import { useState, type FormEvent } from "react";
import { api, fieldErrors } from "../api/client";
import { TLS_MODES } from "../bindings/constants";
import type { ConnectionTest } from "../bindings/ConnectionTest";
import type { RemoteProfile } from "../bindings/RemoteProfile";
import type { RemoteProfileView } from "../bindings/RemoteProfileView";
import type { TlsMode } from "../bindings/TlsMode";
import { Field, FormError } from "../components/Field";
import { useLoad } from "../hooks/useLoad";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";
import { ServerConnect } from "./ServerConnect";
import { Form } from "../components/Form";

/** How each TLS mode (every one Rust has: TLS_MODES) is offered. */
const TLS_LABELS: Record<TlsMode, string> = {
  "verify-full": "Require TLS and verify the server (recommended)",
  require: "Require TLS, do not verify the server",
  prefer: "Prefer TLS, fall back to none",
  disable: "No TLS",
};
const NO_PROFILES: RemoteProfileView[] = [];

/** What each mode short of verify-full leaves open, shown beside the choice. */
const TLS_WARNINGS: Partial<Record<TlsMode, string>> = {
  require:
    "The connection is encrypted but the server is not verified: anyone on the network path can pose as it and read the database password and every record.",
  prefer:
    "Anyone on the network path can turn encryption off unnoticed and read the database password and every record.",
  disable:
    "Nothing is encrypted: anyone on the network path can read the database password and every record. Use only on a network you fully trust.",
};

type Form = {
  name: string;
  host: string;
  port: string;
  database: string;
  username: string;
  password: string;
  tls: TlsMode;
  save_password: boolean;
};

const EMPTY: Form = {
  name: "",
  host: "localhost",
  port: "5432",
  database: "gatehouse",
  username: "gatehouse",
  password: "",
  tls: "verify-full",
  save_password: true,
};

export function ConnectScreen() {
  const { setState } = useApp();
  const local = useSubmit();
  // Testing and connecting share the remote form's one problem: each clears the other's.
  const testing = useSubmit();
  const connecting = useSubmit();
  const busy = local.busy ? "local" : testing.busy ? "test" : connecting.busy ? "remote" : null;
  const problem = testing.problem ?? connecting.problem;
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const profiles = useLoad(() => api.savedProfiles(), []).data ?? NO_PROFILES;
  const [form, setForm] = useState<Form>(EMPTY);
  const [savedPassword, setSavedPassword] = useState(false);

  const errs = fieldErrors(problem);
  const portNumber = Number(form.port);
  const portError = /^\d+$/.test(form.port.trim()) && portNumber >= 1 && portNumber <= 65535 ? undefined : "Enter a port from 1 to 65535.";
  const remoteReady = form.host.trim() !== "" && form.database.trim() !== "" && form.username.trim() !== "" && !portError;
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setTest(null);
    // The field changed: its error (from testing or connecting) goes.
    testing.clearFields(k);
    connecting.clearFields(k);
  };

  function profile(): RemoteProfile {
    return {
      name: form.name.trim() || `${form.username}@${form.host}/${form.database}`,
      host: form.host.trim(),
      port: Number(form.port),
      database: form.database.trim(),
      username: form.username.trim(),
      password: form.password === "" && savedPassword ? null : form.password,
      tls: form.tls,
      save_password: form.save_password,
    };
  }

  async function connectLocal() {
    const next = await local.run(() => api.connectLocal());
    if (next) setState(next);
  }

  async function testRemote() {
    connecting.setProblem(null);
    setTest(null);
    const result = await testing.run(() => api.testRemote(profile()));
    if (result) setTest(result);
  }

  async function connectRemote(e: FormEvent) {
    e.preventDefault();
    if (!remoteReady) return;
    testing.setProblem(null);
    const next = await connecting.run(() => api.connectRemote(profile()));
    if (next) setState(next);
  }

  function fillFromProfile(p: RemoteProfileView) {
    setForm({
      name: p.name,
      host: p.host,
      port: String(p.port),
      database: p.database,
      username: p.username,
      password: "",
      tls: p.tls,
      save_password: p.save_password,
    });
    setSavedPassword(p.has_saved_password);
    setTest(null);
    testing.setProblem(null);
    connecting.setProblem(null);
  }

  return (
    <main className="center-page connect">
      <header className="brand">
        <h1>Gatehouse</h1>
        <p className="muted">Choose where this instance keeps its data.</p>
      </header>
      <div className="connect-grid">
        <div className="connect-column">
        <section className="card" aria-labelledby="local-h">
          <h2 id="local-h">Local database</h2>
          <p>A database file in this computer's application data folder. Nothing to configure.</p>
          <FormError problem={local.problem} />
          <button
            type="button"
            className="primary big"
            data-testid="connect-local"
            onClick={() => void connectLocal()}
            disabled={busy !== null}
          >
            {busy === "local" ? "Opening…" : "Use local database"}
          </button>
        </section>

        <ServerConnect disabled={busy !== null} />
        </div>

        <section className="card" aria-labelledby="remote-h">
          <h2 id="remote-h">PostgreSQL (direct)</h2>
          <p className="notice warn" data-testid="direct-trust">
            Every admin's desktop holds the database password: anyone with it can change anything directly, also after
            being suspended. For a small team whose admins all trust each other; teams use a Gatehouse server.
          </p>
          <details className="trust-model">
            <summary>What each connection kind protects</summary>
            <dl>
              <dt>Local database</dt>
              <dd>A file on this computer, yours alone (0600).</dd>
              <dt>Gatehouse server</dt>
              <dd>Only the server holds the database; each admin holds only their own sign-in, and Gatehouse's rules hold for everyone.</dd>
              <dt>PostgreSQL (direct)</dt>
              <dd>
                Gatehouse's rules (roles, suspension, the password policy, the audit trail) hold for what is done through
                Gatehouse, not against someone who uses the database password directly. Rotate it when an admin leaves.
              </dd>
            </dl>
          </details>
          {profiles.length > 0 && (
            <div className="profiles">
              <p className="label">Saved connections</p>
              <ul>
                {profiles.map((p) => (
                  <li key={p.name}>
                    <button type="button" className="link" onClick={() => fillFromProfile(p)} data-testid="saved-profile">
                      {p.name}
                    </button>
                    <span className="muted small">
                      {" "}
                      {p.username}@{p.host}:{p.port}/{p.database}
                      {p.has_saved_password ? " · password in keychain" : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <Form onSubmit={(e) => void connectRemote(e)}>
            <div className="grid-2">
              <Field label="Host" value={form.host} onChange={(v) => set("host", v)} error={errs.host} testId="remote-host" required />
              <Field
                label="Port"
                type="number"
                min={1}
                max={65535}
                value={form.port}
                onChange={(v) => set("port", v)}
                error={errs.port ?? portError}
                testId="remote-port"
              />
              <Field label="Database" value={form.database} onChange={(v) => set("database", v)} error={errs.database} testId="remote-database" />
              <Field label="User" value={form.username} onChange={(v) => set("username", v)} error={errs.username} testId="remote-username" autoComplete="username" />
              <Field
                label="Password"
                type="password"
                value={form.password}
                onChange={(v) => set("password", v)}
                error={errs.password}
                testId="remote-password"
                autoComplete="current-password"
                placeholder={savedPassword ? "Saved in the keychain" : ""}
              />
              <div className="field">
                <label htmlFor="remote-tls">TLS</label>
                <select
                  id="remote-tls"
                  value={form.tls}
                  onChange={(e) => set("tls", e.target.value as TlsMode)}
                  aria-describedby={TLS_WARNINGS[form.tls] ? "remote-tls-warning" : undefined}
                  data-testid="remote-tls"
                >
                  {TLS_MODES.map((m) => (
                    <option key={m} value={m}>
                      {TLS_LABELS[m]}
                    </option>
                  ))}
                </select>
                {TLS_WARNINGS[form.tls] && (
                  <p className="notice bad" id="remote-tls-warning" data-testid="remote-tls-warning">
                    ⚠ {TLS_WARNINGS[form.tls]}
                  </p>
                )}
              </div>
            </div>
            <Field label="Profile name (optional)" value={form.name} onChange={(v) => set("name", v)} error={errs.name} testId="remote-name" />
            <label className="check">
              <input type="checkbox" checked={form.save_password} onChange={(e) => set("save_password", e.target.checked)} />
              Remember the password in the system keychain
            </label>
            {test && (
              <p className={test.ok ? "notice ok" : "notice bad"} role="status" data-testid="test-result">
                {test.ok ? "✓ " : "✗ "}
                {test.message}
              </p>
            )}
            <FormError problem={problem} />
            <div className="actions">
              <button type="button" onClick={() => void testRemote()} disabled={busy !== null || !remoteReady} data-testid="test-remote">
                {busy === "test" ? "Testing…" : "Test connection"}
              </button>
              <button type="submit" className="primary" disabled={busy !== null || !remoteReady} data-testid="connect-remote">
                {busy === "remote" ? "Connecting…" : "Connect"}
              </button>
            </div>
          </Form>
        </section>
      </div>
    </main>
  );
}
