import { useState } from "react";
import { api } from "../api/client";
import type { AccountDetail } from "../bindings/AccountDetail";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { Field, FormError } from "../components/Field";
import { Form } from "../components/Form";
import { useLoad } from "../hooks/useLoad";
import { useSubmit } from "../hooks/useSubmit";
import { formatDateTime, fullName } from "../lib/format";
import { badgeOf } from "../lib/users";

type Props = { id: string; onBack: () => void; onDeleted: (name: string) => void };

/** One account: its members and their working tokens; rename, plan, suspend, delete. */
export function AccountDetailScreen({ id, onBack, onDeleted }: Props) {
  const detail = useLoad(() => api.getAccountDetail(id), [id], { onLoad: (d) => seed(d) });
  const plans = useLoad(() => api.listPlans().then((p) => p.items), []);
  const action = useSubmit();
  const { busy, errors, onEdit } = action;
  const [name, setName] = useState("");
  const [plan, setPlan] = useState("");
  const [flash, setFlash] = useState<string | null>(null);
  const [pending, setPending] = useState<"suspend" | "delete" | null>(null);
  const d = detail.data;

  function seed(loaded: AccountDetail) {
    setName(loaded.account.name);
    setPlan(loaded.account.plan);
  }

  async function save() {
    if (!d || busy) return;
    setFlash(null);
    const saved = await action.run(() => api.updateAccount(id, { name, plan }));
    if (!saved) return;
    detail.setData({ ...d, account: saved });
    setFlash("Account saved.");
  }

  async function setStatus(status: "active" | "suspended") {
    if (!d) return;
    setFlash(null);
    const saved = await action.run(() => api.setAccountStatus(id, { status }));
    setPending(null);
    if (!saved) return;
    detail.setData({ ...d, account: saved });
    setFlash(status === "active" ? "Account reactivated." : "Account suspended: its users cannot sign in.");
  }

  async function remove() {
    const deleted = await action.run(() => api.deleteAccount(id));
    setPending(null);
    if (!deleted) return;
    onBack();
    onDeleted(`Account ${deleted.name} deleted with ${count(deleted.deleted_users, "user")} and ${count(deleted.deleted_api_tokens, "API token")}.`);
  }

  const planChoices = [...new Set([...(plans.data ?? []).map((p) => p.plan), d?.account.plan ?? ""].filter((p) => p !== ""))].sort();
  const changed = d !== null && (name.trim() !== d.account.name || plan !== d.account.plan);

  return (
    <section aria-labelledby="account-h">
      <header className="page-head">
        <div>
          <button type="button" className="link back" onClick={onBack} data-testid="back-to-accounts">
            ← Accounts
          </button>
          <h1 id="account-h">{d ? d.account.name : "Account"}</h1>
        </div>
        {d && (
          <span className={`badge big status-${d.account.status}`} data-testid="account-badge">
            {d.account.status}
          </span>
        )}
      </header>
      <FormError problem={action.problem ?? detail.problem} />
      {flash && (
        <p className="notice ok" role="status">
          {flash}
        </p>
      )}
      {!d && !detail.problem && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {d && (
        <div className="detail-grid">
          <div className="stack">
            <Form
              className="card"
              onSubmit={(e) => {
                e.preventDefault();
                if (changed) void save();
              }}
            >
              <h2>Account</h2>
              <Field label="Name" value={name} onChange={onEdit("name", setName)} error={errors.name} testId="account-name" autoComplete="off" />
              <div className={errors.plan ? "field has-error" : "field"}>
                <label htmlFor="account-plan">Plan</label>
                <select id="account-plan" value={plan} onChange={(e) => onEdit("plan", setPlan)(e.target.value)} data-testid="account-plan">
                  {planChoices.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
                {errors.plan && <p className="field-error">{errors.plan}</p>}
              </div>
              <p className="small muted">Created {formatDateTime(d.account.created_at)}</p>
              <div className="actions">
                <button type="submit" className="primary" disabled={busy || !changed} data-testid="account-save">
                  Save
                </button>
              </div>
            </Form>
            <div className="card">
              <h2>Status</h2>
              <div className="button-row">
                {d.account.status === "active" ? (
                  <button type="button" disabled={busy} onClick={() => setPending("suspend")} data-testid="account-suspend">
                    Suspend
                  </button>
                ) : (
                  <button type="button" disabled={busy} onClick={() => void setStatus("active")} data-testid="account-reactivate">
                    Reactivate
                  </button>
                )}
                <button type="button" className="danger-outline" disabled={busy} onClick={() => setPending("delete")} data-testid="account-delete">
                  Delete account
                </button>
              </div>
            </div>
          </div>
          <div className="stack">
            <div className="card">
              <h2>
                Members <span className="muted small">({d.member_count})</span>
              </h2>
              <ul className="plain-list" data-testid="account-members">
                {d.members.map((m) => (
                  <li key={m.id} data-testid="account-member">
                    <span>
                      {m.username}
                      <span className="small muted block">{[fullName(m), m.email].filter(Boolean).join(" · ") || "—"}</span>
                    </span>
                    <span className={`badge ${badgeOf(m).className}`}>{badgeOf(m).label}</span>
                  </li>
                ))}
              </ul>
            </div>
            <div className="card">
              <h2>
                Working API tokens <span className="muted small">({d.live_api_token_count})</span>
              </h2>
              {d.api_tokens.length === 0 ? (
                <p className="muted small">None.</p>
              ) : (
                <ul className="plain-list" data-testid="account-tokens">
                  {d.api_tokens.map((t) => (
                    <li key={t.id}>
                      <span>
                        {t.name} <code>{t.prefix}…</code>
                        <span className="small muted block">
                          {t.owner_username} · {t.expires_at ? `expires ${formatDateTime(t.expires_at)}` : "never expires"}
                        </span>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        </div>
      )}
      {pending === "suspend" && d && (
        <ConfirmDialog title={`Suspend ${d.account.name}?`} confirmLabel="Suspend" busy={busy} onCancel={() => setPending(null)} onConfirm={() => void setStatus("suspended")}>
          <p>
            Its {count(d.member_count, "user")} cannot sign in and its {count(d.live_api_token_count, "working API token")} stop working until you reactivate it. Nothing is deleted.
          </p>
        </ConfirmDialog>
      )}
      {pending === "delete" && d && <DeleteAccountDialog detail={d} busy={busy} onCancel={() => setPending(null)} onConfirm={() => void remove()} />}
    </section>
  );
}

/** "1 user", "3 users". */
function count(n: number | bigint, noun: string): string {
  const k = Number(n);
  return `${k} ${noun}${k === 1 ? "" : "s"}`;
}

/** Deleting says how much goes, and asks for the account's name, typed. */
function DeleteAccountDialog({ detail, busy, onCancel, onConfirm }: { detail: AccountDetail; busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  const [typed, setTyped] = useState("");
  const matches = typed.trim() === detail.account.name;
  return (
    <Dialog title={`Delete ${detail.account.name}?`} onEscape={onCancel}>
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          if (matches && !busy) onConfirm();
        }}
      >
        <p data-testid="account-delete-counts">
          This deletes the account with its {count(detail.member_count, "user")} and {count(detail.live_api_token_count, "working API token")}. It cannot be undone; the audit trail keeps their events.
        </p>
        <Field label={`Type ${detail.account.name} to confirm`} value={typed} onChange={setTyped} testId="delete-confirm-account" autoComplete="off" data-autofocus />
        <div className="actions">
          <button type="button" onClick={onCancel} data-testid="confirm-cancel">
            Cancel
          </button>
          <button type="submit" className="danger" disabled={!matches || busy} data-testid="confirm-ok">
            Delete account
          </button>
        </div>
      </Form>
    </Dialog>
  );
}
