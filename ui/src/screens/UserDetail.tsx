import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { Role } from "../bindings/Role";
import type { UserStatus } from "../bindings/UserStatus";
import type { UserView } from "../bindings/UserView";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { FormError } from "../components/Field";
import { PasswordField } from "../components/PasswordField";
import { useLoad } from "../hooks/useLoad";
import { usePasswordReport } from "../hooks/usePasswordReport";
import { useSubmit, type Submit } from "../hooks/useSubmit";
import { passwordReady } from "../lib/password";
import { SecretDialog } from "../components/SecretBox";
import { useApp } from "../lib/app";
import { formatDateTime, fullName } from "../lib/format";
import { RoleCheckboxes } from "../components/RoleCheckboxes";
import { Form } from "../components/Form";
import { Field } from "../components/Field";
import { badgeOf } from "../lib/users";
import type { ApiTokenView } from "../bindings/ApiTokenView";
import { UserProfileEditor } from "./UserProfile";
import type { AuditSubject } from "./Audit";


type Pending =
  | { kind: "status"; status: UserStatus; label: string }
  | { kind: "reset" }
  | { kind: "delete" }
  | { kind: "revoke"; token: ApiTokenView }
  | null;

export function UserDetail({
  id,
  onBack,
  onDeleted,
  onHistory,
}: {
  id: string;
  onBack: () => void;
  onDeleted?: (username: string) => void;
  onHistory?: (subject: AuditSubject) => void;
}) {
  const { session } = useApp();
  const [roles, setRoles] = useState<Role[]>([]);
  const [editing, setEditing] = useState(false);
  const { data: user, setData: setUser, problem: loadProblem, reload } = useLoad(() => api.getUser(id), [id], { onLoad: (u) => setRoles(u.roles) });
  const account = useLoad(() => api.getAccount(user?.account_id ?? ""), [user?.account_id], { enabled: user !== null });
  const tokens = useLoad(() => api.listApiTokens({ user_id: id }).then((t) => t.items), [id]);
  const action = useSubmit();
  // The reset dialog's own submission: its problem shows in the dialog.
  const resetting = useSubmit();
  const busy = action.busy || resetting.busy;
  const problem = action.problem ?? loadProblem;
  const [pending, setPending] = useState<Pending>(null);
  const [temp, setTemp] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<number | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  async function run(fn: () => Promise<UserView>, done: string) {
    setFlash(null);
    const u = await action.run(fn);
    setPending(null);
    if (!u) return;
    setUser(u);
    setRoles(u.roles);
    setFlash(done);
  }

  /** Resets to `chosen`, or to a generated password when null (a failure shows in the dialog). */
  async function reset(chosen: string | null) {
    action.setProblem(null);
    setFlash(null);
    const r = await resetting.run(() => api.resetUserPassword(id, { temporary_password: chosen }));
    if (!r) return;
    setUser(r.user);
    setRevoked(r.revoked_api_tokens);
    if (r.temporary_password) setTemp(r.temporary_password);
    setFlash(`Password reset. The user must choose a new one at the next sign-in. ${revokedText(r.revoked_api_tokens)}`);
    setPending(null);
  }

  function askReset() {
    resetting.setProblem(null);
    setPending({ kind: "reset" });
  }

  async function revoke(token: ApiTokenView) {
    setFlash(null);
    const updated = await action.run(() => api.revokeApiToken(token.id));
    setPending(null);
    if (!updated) return;
    tokens.setData((cur) => cur?.map((t) => (t.id === updated.id ? updated : t)) ?? null);
    setFlash(`Token "${updated.name}" revoked.`);
  }

  async function remove() {
    const deleted = await action.run(() => api.deleteUser(id));
    setPending(null);
    if (!deleted) return;
    // Back first: going back clears the list's notice, which then tells of the deletion.
    onBack();
    onDeleted?.(deleted.username);
  }

  const self = session?.user.id === id;
  const badge = user ? badgeOf(user) : null;
  const onRoles = action.onEdit("roles", setRoles);
  const rolesChanged = user !== null && [...roles].sort().join() !== [...user.roles].sort().join();

  return (
    <section aria-labelledby="user-h">
      <header className="page-head">
        <div>
          <button type="button" className="link back" onClick={onBack} data-testid="back-to-users">
            ← Users
          </button>
          <h1 id="user-h">{user ? user.username : "User"}</h1>
        </div>
        <div className="head-actions">
          {user && onHistory && (
            <button type="button" className="link" onClick={() => onHistory({ id: user.id, name: user.username })} data-testid="user-history">
              This user&apos;s history
            </button>
          )}
          {badge && (
            <span className={`badge big ${badge.className}`} data-testid="user-badge">
              {badge.label}
            </span>
          )}
        </div>
      </header>
      <FormError problem={problem} />
      {flash && (
        <p className="notice ok" role="status">
          {flash}
        </p>
      )}
      {!user && !problem && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {user && (
        <div className="detail-grid">
          {editing ? (
            <UserProfileEditor
              user={user}
              onCancel={() => setEditing(false)}
              onReload={() => {
                setEditing(false);
                reload();
              }}
              onSaved={(u) => {
                setUser(u);
                setEditing(false);
                setFlash("Profile saved.");
              }}
            />
          ) : (
          <div className="card">
            <div className="card-head">
              <h2>Profile</h2>
              <button type="button" onClick={() => { setFlash(null); setEditing(true); }} disabled={busy} data-testid="user-edit">
                Edit
              </button>
            </div>
            <dl className="facts">
              <dt>Name</dt>
              <dd>{fullName(user) || "—"}</dd>
              <dt>Email</dt>
              <dd>
                {user.email === null ? (
                  "—"
                ) : (
                  <>
                    {user.email} {user.email_confirmed_at ? <span className="badge ok">confirmed</span> : <span className="badge">unconfirmed</span>}
                  </>
                )}
              </dd>
              <dt>Business role</dt>
              <dd>{user.business_role ?? "—"}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(user.created_at)}</dd>
              <dt>Updated</dt>
              <dd>{formatDateTime(user.updated_at)}</dd>
              <dt>Failed sign-ins in a row</dt>
              <dd data-testid="failed-sign-ins">{user.failed_sign_ins}</dd>
              <dt>Locked until</dt>
              <dd data-testid="locked-until">{user.locked_until ? formatDateTime(user.locked_until) : "Not locked"}</dd>
              <dt>Password</dt>
              <dd>{user.must_change_password ? "Temporary: must be changed at next sign-in" : "Set by the user"}</dd>
              <dt>Last sign-in</dt>
              <dd data-testid="last-sign-in">{user.last_sign_in_at ? formatDateTime(user.last_sign_in_at) : "Never"}</dd>
              <dt>Account</dt>
              <dd data-testid="user-account">{account.data ? `${account.data.name} (${account.data.plan})` : "…"}</dd>
            </dl>
          </div>
          )}
          <div className="stack">
            <div className="card">
              <h2>Status</h2>
              <div className="button-row">
                {user.status === "active" && (
                  <button type="button" disabled={busy || self} onClick={() => setPending({ kind: "status", status: "suspended", label: "Suspend" })} data-testid="user-suspend">
                    Suspend
                  </button>
                )}
                {user.status !== "deactivated" && (
                  <button type="button" className="danger-outline" disabled={busy || self} onClick={() => setPending({ kind: "status", status: "deactivated", label: "Deactivate" })} data-testid="user-deactivate">
                    Deactivate
                  </button>
                )}
                {user.status !== "active" && (
                  <button type="button" disabled={busy} onClick={() => void run(() => api.setUserStatus(id, { status: "active" }), "User reactivated.")} data-testid="user-reactivate">
                    Reactivate
                  </button>
                )}
                {(user.locked_until || user.failed_sign_ins > 0) && (
                  <button type="button" disabled={busy} onClick={() => void run(() => api.unlockUser(id), "User unlocked.")} data-testid="user-unlock">
                    Unlock
                  </button>
                )}
              </div>
              {self && <p className="small muted">You cannot suspend or deactivate yourself.</p>}
            </div>
            <Form
              className="card"
              onSubmit={(e) => {
                e.preventDefault();
                if (!busy && rolesChanged && roles.length > 0) void run(() => api.setUserRoles(id, { roles }), "Roles saved.");
              }}
            >
              <h2>Roles</h2>
              <fieldset className="roles">
                <legend className="sr-only">Roles</legend>
                <RoleCheckboxes roles={roles} onChange={onRoles} testIdPrefix="detail-role" />
              </fieldset>
              <div className="actions">
                <button type="submit" className="primary" disabled={busy || !rolesChanged || roles.length === 0} data-testid="user-save-roles">
                  Save roles
                </button>
              </div>
            </Form>
            <div className="card">
              <h2>Password</h2>
              <p className="small muted">
                {self
                  ? "This is you: change your own password with Change password in the sidebar."
                  : "Sets a temporary password, shown to you once. The user's sessions end, their API tokens are revoked, and they must choose a new password."}
              </p>
              <button type="button" disabled={busy || self} onClick={askReset} data-testid="user-reset-password">
                Reset to a temporary password
              </button>
            </div>
            <div className="card">
              <h2>Two-step sign-in</h2>
              <p className="small muted" data-testid="user-second-factor">
                {user?.second_factor ? "On: signing in asks for a code from an authenticator app." : "Off."}{" "}
                {user?.second_factor && !self && "Resetting it (for a lost phone) ends the user's sessions; they sign in with their password and may set it up again."}
              </p>
              {user?.second_factor && !self && (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void run(() => api.resetSecondFactor(id), "Two-step sign-in reset; the user's sessions ended.")}
                  data-testid="user-reset-second-factor"
                >
                  Reset two-step sign-in
                </button>
              )}
            </div>
            <div className="card" aria-labelledby="user-tokens-h">
              <h2 id="user-tokens-h">API tokens</h2>
              {tokens.data === null ? (
                <p className="muted small">{tokens.problem ? "The tokens could not be loaded." : "Loading…"}</p>
              ) : tokens.data.filter((t) => t.state === "active").length === 0 ? (
                <p className="muted small" data-testid="user-no-tokens">No working API tokens.</p>
              ) : (
                <ul className="plain-list" data-testid="user-tokens">
                  {tokens.data
                    .filter((t) => t.state === "active")
                    .map((t) => (
                      <li key={t.id} data-testid="user-token">
                        <span>
                          {t.name} <code>{t.prefix}…</code>
                          <span className="small muted block">{t.expires_at ? `Expires ${formatDateTime(t.expires_at)}` : "Never expires"}</span>
                        </span>
                        <button type="button" className="danger-outline small-btn" disabled={busy} onClick={() => setPending({ kind: "revoke", token: t })} data-testid="user-token-revoke" aria-label={`Revoke ${t.name}`}>
                          Revoke
                        </button>
                      </li>
                    ))}
                </ul>
              )}
            </div>
            <div className="card">
              <h2>Delete</h2>
              <p className="small muted">
                {self ? "You cannot delete yourself; another admin can." : "Removes the user and their API tokens; their sessions end. The audit trail keeps their events."}
              </p>
              <button type="button" className="danger-outline" disabled={busy || self} onClick={() => setPending({ kind: "delete" })} data-testid="user-delete">
                Delete user
              </button>
            </div>
          </div>
        </div>
      )}
      {pending?.kind === "status" && (
        <ConfirmDialog
          title={`${pending.label} ${user?.username ?? "user"}?`}
          confirmLabel={pending.label}
          danger={pending.status === "deactivated"}
          busy={busy}
          onCancel={() => setPending(null)}
          onConfirm={() => void run(() => api.setUserStatus(id, { status: pending.status }), `User ${pending.status}.`)}
        >
          <p>
            {pending.status === "suspended"
              ? "The user cannot sign in until reactivated."
              : "The user cannot sign in any more; their tokens stop working."}
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === "delete" && user && (
        <DeleteUserDialog username={user.username} busy={busy} onCancel={() => setPending(null)} onConfirm={() => void remove()} />
      )}
      {pending?.kind === "revoke" && (
        <ConfirmDialog
          title={`Revoke the token "${pending.token.name}"?`}
          confirmLabel="Revoke"
          danger
          busy={busy}
          onCancel={() => setPending(null)}
          onConfirm={() => void revoke(pending.token)}
        >
          <p>Scripts using it stop working at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === "reset" && user && (
        <ResetPasswordDialog user={user} submit={resetting} onCancel={() => setPending(null)} onReset={reset} />
      )}
      {temp !== null && (
        <SecretDialog title="Temporary password" what="temporary password" secret={temp} onClose={() => setTemp(null)}>
          <p>
            Give this password to <strong>{user?.username}</strong> through a safe channel. They must change it when they sign in.
          </p>
          {revoked !== null && <p data-testid="reset-revoked-tokens">{revokedText(revoked)}</p>}
        </SecretDialog>
      )}
    </section>
  );
}

/** Deleting asks for the username, typed: a slip of the mouse deletes nobody. */
export function DeleteUserDialog({ username, busy, onCancel, onConfirm }: { username: string; busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  const [typed, setTyped] = useState("");
  const matches = typed.trim() === username;
  return (
    <Dialog title={`Delete ${username}?`} onEscape={onCancel}>
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          if (matches && !busy) onConfirm();
        }}
      >
        <p>The user and their API tokens are removed and their sessions end. This cannot be undone; the audit trail keeps their events.</p>
        <Field label={`Type ${username} to confirm`} value={typed} onChange={setTyped} testId="delete-confirm-username" autoComplete="off" spellCheck={false} data-autofocus />
        <div className="actions">
          <button type="button" onClick={onCancel} data-testid="confirm-cancel">
            Cancel
          </button>
          <button type="submit" className="danger" disabled={!matches || busy} data-testid="confirm-ok">
            Delete user
          </button>
        </div>
      </Form>
    </Dialog>
  );
}

/** What a reset did to the user's API tokens. */
function revokedText(count: number): string {
  if (count === 0) return "They had no working API tokens.";
  return count === 1 ? "1 API token was revoked." : `${count} API tokens were revoked.`;
}

type ResetProps = {
  user: UserView;
  /** The reset's submission, run by `onReset`. */
  submit: Submit;
  onCancel: () => void;
  onReset: (chosen: string | null) => Promise<void>;
};

/** Reset to a generated temporary password (shown once afterwards) or to one the admin types. */
function ResetPasswordDialog({ user, submit: { busy, problem, errors: errs, onEdit }, onCancel, onReset }: ResetProps) {
  const [mode, setMode] = useState<"generate" | "choose">("generate");
  const [chosen, setChosen] = useState("");
  const report = usePasswordReport(
    mode === "choose" ? chosen : "",
    { username: user.username, email: user.email, first_name: user.first_name, last_name: user.last_name },
    null,
  );
  const ready = mode === "generate" || passwordReady(report, chosen);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready || busy) return;
    await onReset(mode === "choose" ? chosen : null);
  }

  return (
    <Dialog title={`Reset the password of ${user.username}?`} onEscape={onCancel}>
      <Form onSubmit={(e) => void submit(e)}>
        <p>Their current password stops working, their sessions end and their API tokens are revoked. They must choose a new password when they next sign in.</p>
        <fieldset>
          <legend className="sr-only">Temporary password</legend>
          <label className="check">
            <input type="radio" name="reset-mode" checked={mode === "generate"} onChange={() => setMode("generate")} data-testid="reset-generate" data-autofocus />
            Generate a temporary password (shown to you once)
          </label>
          <label className="check">
            <input type="radio" name="reset-mode" checked={mode === "choose"} onChange={() => setMode("choose")} data-testid="reset-choose" />
            Choose the temporary password
          </label>
        </fieldset>
        {mode === "choose" && (
          <PasswordField
            label="Temporary password"
            value={chosen}
            onChange={onEdit(["temporary", "temporary_password", "password"], setChosen)}
            report={report}
            testId="reset-password"
            error={errs.temporary_password ?? errs.temporary ?? errs.password}
            autoFocus
          />
        )}
        <FormError problem={problem} />
        <div className="actions">
          <button type="button" onClick={onCancel} data-testid="confirm-cancel">
            Cancel
          </button>
          <button type="submit" className="danger" disabled={!ready || busy} data-testid="confirm-ok">
            Reset password
          </button>
        </div>
      </Form>
    </Dialog>
  );
}
