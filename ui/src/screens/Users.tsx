import { useEffect, useState } from "react";
import { api } from "../api/client";
import { ROLES, USER_STATUSES } from "../bindings/constants";
import type { Role } from "../bindings/Role";
import type { UserStatus } from "../bindings/UserStatus";
import { FormError } from "../components/Field";
import { FirstRunPanel } from "../components/FirstRunPanel";
import { useApp } from "../lib/app";
import { useLoad } from "../hooks/useLoad";
import { useFocusLanding } from "../lib/focus";
import { formatDateTime, fullName } from "../lib/format";
import { NewUserForm } from "./NewUser";
import type { AuditSubject } from "./Audit";
import { UserDetail } from "./UserDetail";
import { badgeOf } from "../lib/users";

const PAGE_SIZES = [10, 25, 50, 100] as const;
/** How long "User X created." stays when the admin does nothing else. */
const FLASH_MS = 8000;

type View = { kind: "list" } | { kind: "new-user" } | { kind: "new-admin" } | { kind: "detail"; id: string };

export function UsersScreen({ onHistory }: { onHistory?: (subject: AuditSubject) => void } = {}) {
  const { state } = useApp();
  const [view, setView] = useState<View>({ kind: "list" });
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [status, setStatus] = useState<UserStatus | "">("");
  // Cursors of the pages before the current one; the current page's own cursor last.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [flash, setFlash] = useState<string | null>(null);
  const [pageSize, setPageSize] = useState<number>(25);
  // For the account column: names by id (the first 200 accounts; others show as "—").
  const accounts = useLoad(() => api.listAccounts({ limit: 200, offset: 0 }).then((p) => new Map(p.items.map((a) => [a.id, a.name]))), []);
  useFocusLanding(view.kind === "detail" ? `detail:${view.id}` : view.kind);

  // Search as one types, lightly debounced.
  // Only a real change of the search text goes back to the first page.
  useEffect(() => {
    const next = search.trim();
    if (next === query) return;
    const t = setTimeout(() => {
      setQuery(next);
      setCursors([null]);
    }, 250);
    return () => clearTimeout(t);
  }, [search, query]);

  // The notice of a creation goes after a while, or as soon as the admin moves on.
  useEffect(() => {
    if (!flash) return;
    const t = setTimeout(() => setFlash(null), FLASH_MS);
    return () => clearTimeout(t);
  }, [flash]);
  const go = (next: View) => {
    setFlash(null);
    setView(next);
  };

  const after = cursors[cursors.length - 1] ?? null;
  const {
    data: page,
    problem,
    loading,
    reload,
  } = useLoad(() => api.listUsers({ search: query || null, role: role || null, status: status || null, after, limit: pageSize }), [query, role, status, after, pageSize], {
    enabled: view.kind === "list",
  });

  if (view.kind === "new-user" || view.kind === "new-admin") {
    return (
      <NewUserForm
        admin={view.kind === "new-admin"}
        onCancel={() => go({ kind: "list" })}
        onCreated={(u) => {
          setFlash(`${view.kind === "new-admin" ? "Admin" : "User"} ${u.username} created.`);
          setCursors([null]);
          setView({ kind: "list" });
        }}
      />
    );
  }
  if (view.kind === "detail") {
    return (
      <UserDetail
        id={view.id}
        onDeleted={(username) => setFlash(`User ${username} deleted.`)}
        onHistory={onHistory}
        onBack={() => {
          reload();
          go({ kind: "list" });
        }}
      />
    );
  }

  const items = page?.items ?? [];
  const total = page ? Number(page.total) : 0;
  // Lists count up to a cap: past it the total is a lower bound.
  const of = page && !page.total_exact ? `more than ${total.toLocaleString("en")}` : String(total);
    const first = (cursors.length - 1) * pageSize + 1;
  const filtered = search !== "" || role !== "" || status !== "";
  function clearFilters() {
    setSearch("");
    setQuery("");
    setRole("");
    setStatus("");
    setCursors([null]);
    setFlash(null);
  }

  return (
    <section aria-labelledby="users-h">
      <header className="page-head">
        <h1 id="users-h">Users</h1>
        <div className="head-actions">
          <button type="button" onClick={() => go({ kind: "new-admin" })} data-testid="new-admin">
            New admin
          </button>
          <button type="button" className="primary" onClick={() => go({ kind: "new-user" })} data-testid="new-user">
            New user
          </button>
        </div>
      </header>
      {flash && (
        <p className="notice ok" role="status" data-testid="flash">
          {flash}
        </p>
      )}
      <FirstRunPanel
        instanceId={state.instance?.instance_id ?? null}
        fresh={page !== null && query === "" && role === "" && status === "" && Number(page.total) <= 1}
        onNewUser={() => go({ kind: "new-user" })}
        onNewAdmin={() => go({ kind: "new-admin" })}
      />
      <div className="filters" role="search">
        <div className="field grow">
          <label htmlFor="users-search">Search</label>
          <input
            id="users-search"
            type="search"
            placeholder="Username, email or name"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setFlash(null);
            }}
            data-testid="users-search"
          />
        </div>
        <div className="field">
          <label htmlFor="users-role">Role</label>
          <select
            id="users-role"
            value={role}
            onChange={(e) => {
              setRole(e.target.value as Role | "");
              setCursors([null]);
              setFlash(null);
            }}
            data-testid="users-role"
          >
            <option value="">Any role</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="users-status">Status</label>
          <select
            id="users-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as UserStatus | "");
              setCursors([null]);
              setFlash(null);
            }}
            data-testid="users-status"
          >
            <option value="">Any status</option>
            {USER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <button type="button" className="link clear-filters" onClick={clearFilters} data-testid="users-clear-filters">
            Clear filters
          </button>
        )}
      </div>
      <p className="muted small" data-testid="users-count" aria-live="polite">
        {page ? `${of} ${total === 1 && page.total_exact ? "user" : "users"}${filtered ? " match" : ""}` : ""}
      </p>
      <FormError problem={problem} />
      <div className="table-wrap">
        <table data-testid="users-table" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Account</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id} data-testid="user-row" data-username={u.username} onClick={() => go({ kind: "detail", id: u.id })}>
                <td className="name-cell">
                  <button
                    type="button"
                    className="link"
                    onClick={(e) => {
                      e.stopPropagation();
                      go({ kind: "detail", id: u.id });
                    }}
                  >
                    {u.username}
                  </button>
                </td>
                <td className="name-cell">{fullName(u)}</td>
                <td>{u.email ?? <span className="muted">no email</span>}</td>
                <td data-testid="user-account-cell">{accounts.data?.get(u.account_id) ?? "—"}</td>
                <td>{u.roles.join(", ")}</td>
                <td>
                  <span className={`badge ${badgeOf(u).className}`}>{badgeOf(u).label}</span>
                </td>
                <td className="nowrap">{formatDateTime(u.created_at)}</td>
              </tr>
            ))}
            {page && items.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  No users match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <span className="muted small" aria-live="polite">
          {page && items.length > 0 ? `${first}–${first + items.length - 1} of ${of}` : loading ? "Loading…" : ""}
        </span>
        <label className="small muted" htmlFor="users-page-size">
          Per page
        </label>
        <select
          id="users-page-size"
          value={pageSize}
          onChange={(e) => {
            setPageSize(Number(e.target.value));
            setCursors([null]);
          }}
          data-testid="users-page-size"
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={cursors.length <= 1 || loading}
          onClick={() => {
            setFlash(null);
            setCursors((c) => c.slice(0, -1));
          }}
          data-testid="users-prev"
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!page?.next_cursor || loading}
          onClick={() => {
            const n = page?.next_cursor;
            setFlash(null);
            if (n) setCursors((c) => [...c, n]);
          }}
          data-testid="users-next"
        >
          Next
        </button>
      </div>
    </section>
  );
}
