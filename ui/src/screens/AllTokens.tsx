import { useState } from "react";
import { api } from "../api/client";
import type { AllTokensQuery } from "../bindings/AllTokensQuery";
import type { ApiTokenView } from "../bindings/ApiTokenView";
import type { TokenState } from "../bindings/TokenState";
import { TOKEN_STATES } from "../bindings/constants";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { FormError } from "../components/Field";
import { useLoad } from "../hooks/useLoad";
import { useSubmit } from "../hooks/useSubmit";
import { formatDate, formatDateTime } from "../lib/format";

const PAGE_SIZE = 50;

/** Admins' view of every user's tokens: working ones by default, filtered by account and state. */
export function AllTokens() {
  const [state, setState] = useState<TokenState | "any">("active");
  const [accountId, setAccountId] = useState<string>("");
  const [offset, setOffset] = useState(0);
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const revocation = useSubmit();
  const accounts = useLoad(() => api.listAccounts({ limit: 200, offset: 0 }).then((p) => p.items), []);
  const query: AllTokensQuery = {
    user_id: null,
    account_id: accountId === "" ? null : accountId,
    state: state === "any" ? null : state,
    any_state: state === "any" ? true : null,
    limit: PAGE_SIZE,
    offset,
  };
  const list = useLoad(() => api.listAllApiTokens(query), [query]);
  const items = list.data?.items ?? [];
  const total = list.data ? Number(list.data.total) : 0;
  const accountName = (id: string) => accounts.data?.find((a) => a.id === id)?.name ?? "—";

  async function revoke(t: ApiTokenView) {
    setFlash(null);
    const updated = await revocation.run(() => api.revokeApiToken(t.id));
    setRevoking(null);
    if (!updated) return;
    list.reload();
    setFlash(`Token "${updated.name}" of ${updated.owner_username} revoked.`);
  }

  return (
    <section aria-labelledby="all-tokens-h" className="stack">
      <h2 id="all-tokens-h">Every user's tokens</h2>
      <div className="filters">
        <div className="field">
          <label htmlFor="all-tokens-state">State</label>
          <select
            id="all-tokens-state"
            value={state}
            data-testid="all-tokens-state"
            onChange={(e) => {
              setOffset(0);
              setState(e.target.value as TokenState | "any");
            }}
          >
            {TOKEN_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="any">any state</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="all-tokens-account">Account</label>
          <select
            id="all-tokens-account"
            value={accountId}
            data-testid="all-tokens-account"
            onChange={(e) => {
              setOffset(0);
              setAccountId(e.target.value);
            }}
          >
            <option value="">every account</option>
            {(accounts.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        {(state !== "active" || accountId !== "") && (
          <button
            type="button"
            className="link"
            data-testid="all-tokens-clear"
            onClick={() => {
              setOffset(0);
              setState("active");
              setAccountId("");
            }}
          >
            Clear filters
          </button>
        )}
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="all-tokens-flash">
          {flash}
        </p>
      )}
      <FormError problem={revocation.problem ?? list.problem} />
      <div className="table-wrap">
        <table data-testid="all-tokens-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Owner</th>
              <th scope="col">Account</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id} data-testid="all-token-row">
                <td>
                  {t.name} <code>{t.prefix}…</code>
                </td>
                <td>{t.owner_username}</td>
                <td>{accountName(t.account_id)}</td>
                <td className="nowrap" title={t.expires_at ? formatDateTime(t.expires_at) : undefined}>
                  {t.expires_at ? formatDate(t.expires_at) : "Never"}
                </td>
                <td>
                  <span className={`badge state-${t.state}`}>{t.state}</span>
                </td>
                <td className="right">
                  {t.state === "active" && (
                    <button type="button" className="danger-outline small-btn" onClick={() => setRevoking(t)} data-testid="all-token-revoke" aria-label={`Revoke ${t.name} of ${t.owner_username}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {list.data && items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No tokens match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <span className="muted small" data-testid="all-tokens-count">
          {items.length > 0 ? `${offset + 1}–${offset + items.length} of ${total}` : ""}
        </span>
        <button type="button" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}>
          Previous
        </button>
        <button type="button" disabled={offset + items.length >= total} onClick={() => setOffset((o) => o + PAGE_SIZE)}>
          Next
        </button>
      </div>
      {revoking && (
        <ConfirmDialog
          title={`Revoke “${revoking.name}” of ${revoking.owner_username}?`}
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
