import { useState, type FormEvent } from "react";
import { api, fieldErrors } from "../api/client";
import type { ServerContact } from "../bindings/ServerContact";
import type { ServerProfile } from "../bindings/ServerProfile";
import { Field, FormError } from "../components/Field";
import { useLoad } from "../hooks/useLoad";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";

const NO_SERVERS: ServerProfile[] = [];

/**
 * "Gatehouse server": the desktop signs in to `gatehouse serve`, which alone holds the
 * database. First contact shows the certificate's fingerprint; a self-signed one is
 * trusted only once the admin has compared it and ticked the box, and is then pinned in
 * the profile (as SSH does). A saved profile connects with its pin.
 */
export function ServerConnect({ disabled }: { disabled: boolean }) {
  const { setState } = useApp();
  const checking = useSubmit();
  const connecting = useSubmit();
  const servers = useLoad(() => api.savedServers(), []).data ?? NO_SERVERS;
  const [url, setUrl] = useState("https://");
  const [name, setName] = useState("");
  const [contact, setContact] = useState<ServerContact | null>(null);
  const [pinned, setPinned] = useState<string | null>(null);
  const [trusted, setTrusted] = useState(false);
  const problem = checking.problem ?? connecting.problem;
  const errs = fieldErrors(problem);
  const busy = checking.busy || connecting.busy;
  const ready = /^https?:\/\/\S+$/.test(url.trim()) && url.trim() !== "https://";

  function edit(next: string) {
    setUrl(next);
    setContact(null);
    setPinned(null);
    setTrusted(false);
    checking.setProblem(null);
    connecting.setProblem(null);
  }

  function profile(fingerprint: string | null): ServerProfile {
    const address = url.trim().replace(/\/+$/, "");
    return { name: name.trim() || address.replace(/^https?:\/\//, ""), url: address, fingerprint };
  }

  async function check() {
    connecting.setProblem(null);
    setContact(null);
    setTrusted(false);
    // A fresh look: a saved pin counts no more until this contact is trusted.
    setPinned(null);
    const result = await checking.run(() => api.contactServer(profile(null)));
    if (result) setContact(result);
  }

  /** The pin to connect with: a saved one, the one just compared, or none (system roots). */
  function pinToUse(): string | null | undefined {
    if (pinned) return pinned;
    if (!contact) return undefined;
    if (contact.trusted_by_system || contact.fingerprint === null) return null;
    return trusted ? contact.fingerprint : undefined;
  }
  const pin = pinToUse();

  async function connect(e: FormEvent) {
    e.preventDefault();
    if (pin === undefined) return;
    checking.setProblem(null);
    const next = await connecting.run(() => api.connectServer(profile(pin)));
    if (next) setState(next);
  }

  function fill(saved: ServerProfile) {
    setUrl(saved.url);
    setName(saved.name);
    setContact(null);
    setTrusted(false);
    setPinned(saved.fingerprint);
    checking.setProblem(null);
    connecting.setProblem(null);
  }

  return (
    <section className="card" aria-labelledby="server-h">
      <h2 id="server-h">Gatehouse server</h2>
      <p>
        Sign in to a team's <code>gatehouse serve</code>. The server alone holds the database: this computer keeps only
        your own sign-in. Recommended for teams.
      </p>
      {servers.length > 0 && (
        <div className="profiles">
          <p className="label">Saved servers</p>
          <ul>
            {servers.map((s) => (
              <li key={s.name}>
                <button type="button" className="link" onClick={() => fill(s)} data-testid="saved-server">
                  {s.name}
                </button>
                <span className="muted small">
                  {" "}
                  {s.url}
                  {s.fingerprint ? " · certificate pinned" : ""}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form onSubmit={(e) => void connect(e)} noValidate>
        <Field
          label="Server address"
          value={url}
          onChange={edit}
          error={errs.url}
          testId="server-url"
          placeholder="https://gatehouse.example.com:8443"
          autoComplete="url"
        />
        <Field label="Profile name (optional)" value={name} onChange={setName} testId="server-name" />
        {pinned && !contact && (
          <p className="notice ok" data-testid="server-pinned">
            This profile trusts the certificate <code className="fingerprint">{pinned}</code>.
          </p>
        )}
        {contact && (
          <div role="status" data-testid="server-contact">
            <p className="notice ok">
              {contact.initialized
                ? `✓ This server holds the Gatehouse instance of ${contact.organization ?? "an organization"}.`
                : "✓ Gatehouse is not set up on this server yet: connecting starts the setup, which asks for the setup code the server printed."}
            </p>
            {contact.fingerprint === null ? (
              <p className="notice bad">⚠ Plain HTTP: only to this computer's own loopback address.</p>
            ) : contact.trusted_by_system ? (
              <p className="notice ok">The server's certificate is vouched for by this computer's certificate roots.</p>
            ) : (
              <div className="notice warn" data-testid="server-fingerprint-box">
                <p>
                  The server's certificate is its own (self-signed). Compare its fingerprint with the one{" "}
                  <code>gatehouse serve</code> printed (<code>journalctl -u gatehouse</code>) before you trust it:
                </p>
                <p>
                  <code className="fingerprint" data-testid="server-fingerprint">
                    {contact.fingerprint}
                  </code>
                </p>
                <label className="check">
                  <input type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} data-testid="server-trust" />
                  The fingerprints are the same: trust this certificate
                </label>
              </div>
            )}
          </div>
        )}
        <FormError problem={problem} />
        <div className="actions">
          <button type="button" onClick={() => void check()} disabled={disabled || busy || !ready} data-testid="server-check">
            {checking.busy ? "Checking…" : "Check server"}
          </button>
          <button type="submit" className="primary" disabled={disabled || busy || pin === undefined} data-testid="server-connect">
            {connecting.busy ? "Connecting…" : "Connect"}
          </button>
        </div>
      </form>
    </section>
  );
}
