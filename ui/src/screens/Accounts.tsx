import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { AccountCreated } from "../bindings/AccountCreated";
import { Field, FormError } from "../components/Field";
import { PasswordField } from "../components/PasswordField";
import { SecretDialog } from "../components/SecretBox";
import { useLoad } from "../hooks/useLoad";
import { usePasswordReport } from "../hooks/usePasswordReport";
import { useSubmit } from "../hooks/useSubmit";
import { useFieldChecks } from "../hooks/useFieldChecks";
import { useFocusLanding } from "../lib/focus";
import { formatDateTime, fullName, newKey, orNull } from "../lib/format";
import { passwordReady } from "../lib/password";
import { Form } from "../components/Form";
import { AccountDetailScreen } from "./AccountDetail";

const PAGE_SIZE = 25;

export function AccountsScreen() {
  const [creating, setCreating] = useState(false);
  const [offset, setOffset] = useState(0);
  const [created, setCreated] = useState<AccountCreated | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  useFocusLanding(creating ? "new" : openId ? `account-${openId}` : "list");
  const { data: page, problem, reload } = useLoad(() => api.listAccounts({ limit: PAGE_SIZE, offset }), [offset], { enabled: !creating && openId === null });

  if (openId !== null) {
    return (
      <AccountDetailScreen
        id={openId}
        onBack={() => {
          setFlash(null);
          setOpenId(null);
        }}
        onDeleted={setFlash}
      />
    );
  }

  if (creating) {
    return (
      <NewAccountForm
        onCancel={() => setCreating(false)}
        onCreated={(r) => {
          // The secret lives only in `secret`, dropped when its dialog closes.
          setCreated({ ...r, initial_token_secret: null });
          setSecret(r.initial_token_secret);
          setCreating(false);
          setOffset(0);
          reload();
        }}
      />
    );
  }

  const items = page?.items ?? [];
  const total = page ? Number(page.total) : 0;
  return (
    <section aria-labelledby="accounts-h">
      <header className="page-head">
        <h1 id="accounts-h">Accounts</h1>
        <button type="button" className="primary" data-testid="new-account" onClick={() => setCreating(true)}>
          New account
        </button>
      </header>
      {created && (
        <div className="card result" data-testid="account-result">
          <h2>Account {created.account.name} created</h2>
          <dl className="facts">
            <dt>Primary user</dt>
            <dd data-testid="account-result-user">
              {created.user.username}
              {created.user.email && <> · {created.user.email}</>}
              {fullName(created.user) && ` · ${fullName(created.user)}`}
            </dd>
            <dt>API token</dt>
            <dd>
              {created.initial_token.name} <code>{created.initial_token.prefix}…</code> · expires {formatDateTime(created.initial_token.expires_at)}
            </dd>
          </dl>
          {created.replayed && created.initial_token_secret === null && (
            <p className="notice bad">This account had already been created by the same request; its token secret was shown then and cannot be shown again.</p>
          )}
        </div>
      )}
      {flash && (
        <p className="notice ok" role="status" data-testid="accounts-flash">
          {flash}
        </p>
      )}
      <FormError problem={problem} />
      {page === null && !problem && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {page !== null && (
        <>
          <div className="table-wrap">
            <table data-testid="accounts-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Plan</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id} data-testid="account-row">
                    <td>
                      <button
                        type="button"
                        className="link"
                        data-testid="open-account"
                        onClick={() => {
                          setCreated(null);
                          setFlash(null);
                          setOpenId(a.id);
                        }}
                      >
                        {a.name}
                      </button>
                    </td>
                    <td>{a.plan}</td>
                    <td>
                      <span className={`badge status-${a.status}`}>{a.status}</span>
                    </td>
                    <td className="nowrap">{formatDateTime(a.created_at)}</td>
                  </tr>
                ))}
                {items.length === 0 && (
                  <tr>
                    <td colSpan={4} className="empty">
                      No accounts yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <span className="muted small">{items.length > 0 ? `${offset + 1}–${offset + items.length} of ${total}` : ""}</span>
            <button type="button" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}>
              Previous
            </button>
            <button type="button" disabled={offset + items.length >= total} onClick={() => setOffset((o) => o + PAGE_SIZE)}>
              Next
            </button>
          </div>
        </>
      )}
      {created && secret !== null && (
        <SecretDialog title="Default API token" what="API token" secret={secret} onClose={() => setSecret(null)}>
          <p>
            Account <strong>{created.account.name}</strong> and its primary user <strong>{created.user.username}</strong> were created, with the API
            token <strong>{created.initial_token.name}</strong>.
          </p>
        </SecretDialog>
      )}
    </section>
  );
}

function NewAccountForm({ onCreated, onCancel }: { onCreated: (r: AccountCreated) => void; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [plan, setPlan] = useState("");
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [password, setPassword] = useState("");
  const [tokenName, setTokenName] = useState("");
  const { busy, problem, errors: errs, run, onEdit } = useSubmit();
  // Each field checked as it is left, by the core's parsers (the email against the instance's blocked domains).
  const checks = useFieldChecks();
  // One key per form: a retry after a lost reply gets the same account back, not a second one.
  const [key] = useState(newKey);

  const report = usePasswordReport(
    password,
    { username: orNull(username), email: orNull(email), first_name: orNull(firstName), last_name: orNull(lastName) },
    null,
  );
  const ready = name.trim() !== "" && username.trim() !== "" && passwordReady(report, password);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready || busy) return;
    const r = await run(() =>
      api.createAccount(
        {
          name: name.trim(),
          plan: orNull(plan),
          metadata: null,
          username: username.trim(),
          email: orNull(email),
          password,
          first_name: orNull(firstName),
          last_name: orNull(lastName),
          token_name: orNull(tokenName),
        },
        key,
      ),
    );
    if (!r) return;
    setPassword("");
    onCreated(r);
  }

  return (
    <section aria-labelledby="new-account-h">
      <header className="page-head">
        <div>
          <button type="button" className="link back" onClick={onCancel}>
            ← Accounts
          </button>
          <h1 id="new-account-h">New account</h1>
        </div>
      </header>
      <Form className="card form-card" onSubmit={(e) => void submit(e)}>
        <p className="muted">Creates the account, its primary user and the user's default API token.</p>
        <div className="grid-2">
          <Field label="Account name" {...checks.field("account_name", name, onEdit("name", setName), errs.name)} testId="account-name" autoFocus />
          <Field label="Plan (optional)" {...checks.field("plan", plan, onEdit("plan", setPlan), errs.plan)} testId="account-plan" hint="Defaults to your own account's plan." />
        </div>
        <h2 className="section-title">Primary user</h2>
        <div className="grid-2">
          <Field label="Username" value={username} onChange={onEdit("username", setUsername)} testId="account-username" error={errs.username} autoComplete="off" hint="An email address works too." />
          <Field label="Email (optional)" type="email" {...checks.field("email", email, onEdit("email", setEmail), errs.email)} testId="account-email" autoComplete="off" />
          <Field label="First name" {...checks.field("first_name", firstName, onEdit("first_name", setFirstName), errs.first_name)} testId="account-first-name" autoComplete="off" />
          <Field label="Last name" {...checks.field("last_name", lastName, onEdit("last_name", setLastName), errs.last_name)} testId="account-last-name" autoComplete="off" />
        </div>
        <PasswordField label="Password" value={password} onChange={onEdit("password", setPassword)} report={report} testId="account-password" error={errs.password} />
        <Field label="API token name (optional)" value={tokenName} onChange={onEdit("token_name", setTokenName)} testId="account-token-name" error={errs.token_name} placeholder="Default" />
        <FormError problem={problem} />
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="account-submit" disabled={!ready || busy}>
            {busy ? "Creating…" : "Create account"}
          </button>
        </div>
      </Form>
    </section>
  );
}
