import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { ApiTokenView } from "../bindings/ApiTokenView";
import type { IssuedApiToken } from "../bindings/IssuedApiToken";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { Field, FormError } from "../components/Field";
import { SecretDialog } from "../components/SecretBox";
import { useLoad } from "../hooks/useLoad";
import { useSubmit } from "../hooks/useSubmit";
import { formatDate, formatDateTime } from "../lib/format";
import { Form } from "../components/Form";
import { useApp } from "../lib/app";
import { AllTokens } from "./AllTokens";

/** The instance's lifetime limit: days, `null` for none, `undefined` while unknown (the core judges). */
type Limit = number | null | undefined;

/** Who made a token, when it was not its owner (an admin making one for them). */
function createdByOther(t: ApiTokenView): string | null {
  if (t.created_by === null || t.created_by === t.user_id) return null;
  return t.created_by_username ?? "a deleted user";
}

export function TokensScreen() {
  const { session } = useApp();
  const admin = session?.user.roles.includes("admin") ?? false;
  const list = useLoad(() => api.listApiTokens({ user_id: null }).then((t) => t.items), []);
  // Only to offer what the core will accept; without it the core still judges.
  const limits = useLoad(() => api.getSettings(), []);
  const limit: Limit = limits.data ? limits.data.api_token_max_days : undefined;
  const revocation = useSubmit();
  const tokens = list.data;
  const problem = revocation.problem ?? list.problem;
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);

  async function revoke(t: ApiTokenView) {
    const updated = await revocation.run(() => api.revokeApiToken(t.id));
    if (updated) list.setData((cur) => cur?.map((x) => (x.id === updated.id ? updated : x)) ?? null);
    setRevoking(null);
  }

  return (
    <section aria-labelledby="tokens-h">
      <header className="page-head">
        <div>
          <h1 id="tokens-h">API tokens</h1>
          <p className="muted small">Your own tokens for scripts and the HTTP API. A token's secret is shown only when it is created.</p>
        </div>
        <button type="button" className="primary" data-testid="new-token" onClick={() => setCreating(true)}>
          New token
        </button>
      </header>
      <FormError problem={problem} />
      {tokens === null && !problem && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {tokens !== null && (
        <div className="table-wrap">
          <table data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-testid="token-row">
                  <td className="name-cell">
                    {t.name}
                    {createdByOther(t) !== null && (
                      <span className="small muted block" data-testid="token-created-by">
                        Created by {createdByOther(t)}
                      </span>
                    )}
                  </td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td className="nowrap" title={formatDateTime(t.created_at)}>{formatDate(t.created_at)}</td>
                  <td className="nowrap" title={t.last_used_at ? formatDateTime(t.last_used_at) : undefined}>{t.last_used_at ? formatDate(t.last_used_at) : "Never"}</td>
                  <td className="nowrap" title={t.expires_at ? formatDateTime(t.expires_at) : undefined}>{t.expires_at ? formatDate(t.expires_at) : "Never"}</td>
                  <td>
                    <span className={`badge state-${t.state}`}>{t.state}</span>
                  </td>
                  <td className="right">
                    {t.state === "active" && (
                      <button type="button" className="danger-outline small-btn" onClick={() => setRevoking(t)} data-testid="revoke-token">
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {tokens.length === 0 && (
                <tr>
                  <td colSpan={7} className="empty">
                    No API tokens yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {admin && <AllTokens />}
      {creating && (
        <NewTokenDialog
          limit={limit}
          onCancel={() => setCreating(false)}
          onCreated={(t) => {
            setCreating(false);
            setIssued(t);
            revocation.setProblem(null);
            list.reload();
          }}
        />
      )}
      {issued && (
        <SecretDialog title={`API token “${issued.token.name}”`} what="API token" secret={issued.secret} onClose={() => setIssued(null)}>
          <p className="muted">Expires {issued.token.expires_at ? formatDateTime(issued.token.expires_at) : "never"}.</p>
        </SecretDialog>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke token"
          danger
          busy={revocation.busy}
          onCancel={() => setRevoking(null)}
          onConfirm={() => void revoke(revoking)}
        >
          <p>
            Anything using <code>{revoking.prefix}…</code> stops working at once. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

type NewTokenProps = { limit: Limit; onCreated: (t: IssuedApiToken) => void; onCancel: () => void };

function NewTokenDialog({ limit, onCreated, onCancel }: NewTokenProps) {
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState<"default" | "days" | "never">("default");
  const [days, setDays] = useState("90");
  const [password, setPassword] = useState("");
  const { busy, problem, errors: errs, run, onEdit } = useSubmit();
  const chooseExpiry = onEdit(["expires_in_days", "never_expires"], setExpiry);
  const maxDays = typeof limit === "number" ? limit : 3650;
  const neverAllowed = limit === null || limit === undefined;
  const daysOk = expiry !== "days" || (/^\d+$/.test(days) && Number(days) >= 1 && Number(days) <= maxDays);
  const passwordOk = expiry !== "never" || password !== "";
  const ready = name.trim() !== "" && daysOk && passwordOk && !busy;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    const issued = await run(() =>
      api.createApiToken({
        name: name.trim(),
        expires_in_days: expiry === "days" ? Number(days) : null,
        never_expires: expiry === "never",
        user_id: null,
        current_password: expiry === "never" ? password : null,
      }),
    );
    if (issued) onCreated(issued);
  }

  return (
    <Dialog title="New API token" onEscape={onCancel}>
      <Form onSubmit={(e) => void submit(e)}>
        <Field label="Name" value={name} onChange={onEdit("name", setName)} testId="token-name" error={errs.name} placeholder="e.g. CI deploys" data-autofocus />
        <fieldset className="expiry">
          <legend>Expires</legend>
          <label className="check">
            <input type="radio" name="expiry" checked={expiry === "default"} onChange={() => chooseExpiry("default")} data-testid="token-expiry-default" />
            After the instance's default lifetime
          </label>
          <label className="check">
            <input type="radio" name="expiry" checked={expiry === "days"} onChange={() => chooseExpiry("days")} data-testid="token-expiry-days" />
            After
            <input
              className="inline-number"
              type="number"
              min={1}
              max={maxDays}
              value={days}
              aria-label="Days"
              onChange={(e) => {
                setDays(e.target.value);
                chooseExpiry("days");
              }}
              data-testid="token-days"
            />
            days
          </label>
          <label className="check">
            <input type="radio" name="expiry" checked={expiry === "never"} disabled={!neverAllowed} onChange={() => chooseExpiry("never")} data-testid="token-expiry-never" />
            Never
          </label>
          {typeof limit === "number" && (
            <p className="hint" data-testid="token-limit">
              Tokens live at most {limit} days here (Settings).
            </p>
          )}
          {(errs.expires_in_days || errs.never_expires) && <p className="field-error">{errs.expires_in_days ?? errs.never_expires}</p>}
        </fieldset>
        {expiry === "never" && (
          <Field
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={onEdit("current_password", setPassword)}
            error={errs.current_password}
            hint="A token that never expires outlives your sessions and password changes, so it needs your password."
            testId="token-current-password"
            autoFocus
          />
        )}
        <FormError problem={problem} />
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!ready} data-testid="token-submit">
            {busy ? "Creating…" : "Create token"}
          </button>
        </div>
      </Form>
    </Dialog>
  );
}
