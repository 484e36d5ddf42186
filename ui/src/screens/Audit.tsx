import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { AuditAction } from "../bindings/AuditAction";
import type { AuditEvent } from "../bindings/AuditEvent";
import type { AuditVerification } from "../bindings/AuditVerification";
import type { BreakReason } from "../bindings/BreakReason";
import { AUDIT_ACTIONS } from "../bindings/constants";
import { Dialog } from "../components/Dialog";
import { FormError } from "../components/Field";
import { useLoad } from "../hooks/useLoad";
import { useSubmit } from "../hooks/useSubmit";
import { formatDateTime } from "../lib/format";

const PAGE_SIZE = 50;

/** A filter on one user, account or token (by id), with the name it is shown by. */
export type AuditSubject = { id: string; name: string };

/** What each break reason means, for the verification's result. */
const REASONS: Record<BreakReason, string> = {
  altered: "its content no longer matches its hash (edited)",
  missing: "the event at this place is gone (deleted)",
  unlinked: "it does not follow the event before it (inserted or moved)",
  inserted: "it lies beyond the chain's head (not written by Gatehouse)",
  unchained: "it has no place in the chain (written by hand)",
  head_mismatch: "the chain's head does not match the last event",
};

/** A `datetime-local` value (local time) as RFC 3339, or null when empty. */
function toRfc3339(local: string): string | null {
  if (local === "") return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function describe(v: AuditVerification): string {
  if (!v.broken_at) return `All ${v.verified} events verify.`;
  const b = v.broken_at;
  const place = b.seq === null ? "An event without a place in the chain" : `Event #${b.seq}`;
  const what = b.event ? ` (${b.event.action}, ${formatDateTime(b.event.at)})` : "";
  return `${place}${what} does not verify: ${REASONS[b.reason]}. ${v.verified} events before it verify.`;
}

/** The result of the last verification recorded in the trail. */
function lastVerification(event: AuditEvent | undefined): string | null {
  if (!event) return null;
  const d = event.detail as { verified?: number; broken_at_seq?: number | null; reason?: BreakReason | null };
  const result =
    d.reason && d.reason in REASONS ? `broken at event #${d.broken_at_seq ?? "?"}: ${REASONS[d.reason]}` : `all ${d.verified ?? 0} events verified`;
  return `Last verified ${formatDateTime(event.at)} by ${event.actor_name ?? "an admin"}: ${result}.`;
}

export function AuditScreen({ subject, onClearSubject }: { subject?: AuditSubject | null; onClearSubject?: () => void }) {
  const [action, setAction] = useState<AuditAction | "">("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [actor, setActor] = useState<AuditSubject | null>(null);
  const [target, setTarget] = useState<AuditSubject | null>(subject ?? null);
  // Cursors of the pages before the current one; the current page's own cursor last.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const verify = useSubmit();

  useEffect(() => {
    const next = search.trim();
    if (next === q) return;
    const t = setTimeout(() => {
      setQ(next);
      setCursors([null]);
    }, 250);
    return () => clearTimeout(t);
  }, [search, q]);

  const cursor = cursors[cursors.length - 1] ?? null;
  const query = {
    actor: actor?.id ?? null,
    action: action || null,
    target: target?.id ?? null,
    from: toRfc3339(from),
    to: toRfc3339(to),
    q: q || null,
    cursor,
    limit: PAGE_SIZE,
  };
  const { data: page, problem, loading, reload } = useLoad(() => api.listAuditEvents(query), [query]);
  const last = useLoad(
    () => api.listAuditEvents({ actor: null, action: "audit.verified", target: null, from: null, to: null, q: null, cursor: null, limit: 1 }),
    [verification],
  );
  const restart = () => setCursors([null]);

  async function runVerify() {
    await verify.run(async () => {
      setVerification(await api.verifyAuditTrail());
      reload();
    });
  }

  const items = page?.items ?? [];
  const lastText = lastVerification(last.data?.items[0]);
  return (
    <section aria-labelledby="audit-h">
      <header className="page-head">
        <h1 id="audit-h">Audit</h1>
        <div className="head-actions">
          <button type="button" className="primary" onClick={() => void runVerify()} disabled={verify.busy} data-testid="audit-verify">
            {verify.busy ? "Verifying…" : "Verify trail"}
          </button>
        </div>
      </header>
      <FormError problem={verify.problem} />
      <div role="status" aria-live="polite">
        {verification && (
          <p className={verification.broken_at ? "notice bad" : "notice ok"} data-testid="audit-verification">
            {describe(verification)}
          </p>
        )}
        {!verification && lastText && (
          <p className="muted small" data-testid="audit-last-verification">
            {lastText}
          </p>
        )}
      </div>
      <div className="filters" role="search">
        <div className="field grow">
          <label htmlFor="audit-search">Target name</label>
          <input
            id="audit-search"
            type="search"
            placeholder="Username, account or token name"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="audit-search"
          />
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select
            id="audit-action"
            value={action}
            onChange={(e) => {
              setAction(e.target.value as AuditAction | "");
              restart();
            }}
            data-testid="audit-action"
          >
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input
            id="audit-from"
            type="datetime-local"
            value={from}
            onChange={(e) => {
              setFrom(e.target.value);
              restart();
            }}
            data-testid="audit-from"
          />
        </div>
        <div className="field">
          <label htmlFor="audit-to">Until</label>
          <input
            id="audit-to"
            type="datetime-local"
            value={to}
            onChange={(e) => {
              setTo(e.target.value);
              restart();
            }}
            data-testid="audit-to"
          />
        </div>
      </div>
      {(actor || target) && (
        <p className="chips" data-testid="audit-chips">
          {actor && (
            <button
              type="button"
              className="chip"
              onClick={() => {
                setActor(null);
                restart();
              }}
              aria-label={`Remove filter: by ${actor.name}`}
            >
              By {actor.name} ✕
            </button>
          )}
          {target && (
            <button
              type="button"
              className="chip"
              data-testid="audit-target-chip"
              onClick={() => {
                setTarget(null);
                onClearSubject?.();
                restart();
              }}
              aria-label={`Remove filter: about ${target.name}`}
            >
              About {target.name} ✕
            </button>
          )}
        </p>
      )}
      <FormError problem={problem} />
      <div className="table-wrap">
        <table data-testid="audit-table" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">By</th>
              <th scope="col">About</th>
              <th scope="col">#</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action} onClick={() => setOpen(e)}>
                <td className="nowrap">
                  <button
                    type="button"
                    className="link"
                    onClick={(ev) => {
                      ev.stopPropagation();
                      setOpen(e);
                    }}
                    aria-label={`Details of ${e.action} at ${formatDateTime(e.at)}`}
                  >
                    {formatDateTime(e.at)}
                  </button>
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  {e.actor_id ? (
                    <button
                      type="button"
                      className="link"
                      title="Only this actor's events"
                      onClick={(ev) => {
                        ev.stopPropagation();
                        setActor({ id: e.actor_id!, name: e.actor_name ?? e.actor_id! });
                        restart();
                      }}
                    >
                      {e.actor_name ?? e.actor_id}
                    </button>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  {e.target_id && e.target_type !== "instance" && e.target_type !== "signing_key" ? (
                    <button
                      type="button"
                      className="link"
                      title="Only events about this"
                      onClick={(ev) => {
                        ev.stopPropagation();
                        setTarget({ id: e.target_id!, name: e.target_name ?? e.target_id! });
                        restart();
                      }}
                    >
                      {e.target_type} {e.target_name ?? e.target_id}
                    </button>
                  ) : (
                    <span>
                      {e.target_type} {e.target_name ?? ""}
                    </span>
                  )}
                </td>
                <td className="muted small">{e.seq}</td>
              </tr>
            ))}
            {page && items.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  No events match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <span className="muted small" aria-live="polite">
          {loading ? "Loading…" : ""}
        </span>
        <button type="button" disabled={cursors.length <= 1 || loading} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="audit-newer">
          Newer
        </button>
        <button
          type="button"
          disabled={!page?.next_cursor || loading}
          onClick={() => {
            const n = page?.next_cursor;
            if (n) setCursors((c) => [...c, n]);
          }}
          data-testid="audit-older"
        >
          Older
        </button>
      </div>
      {open && (
        <Dialog title={`Event #${open.seq ?? "?"}: ${open.action}`} onEscape={() => setOpen(null)} wide>
          <dl className="facts">
            <dt>When</dt>
            <dd>{formatDateTime(open.at)}</dd>
            <dt>By</dt>
            <dd>{open.actor_name ?? open.actor_id ?? "—"}</dd>
            <dt>About</dt>
            <dd>
              {open.target_type} {open.target_name ?? open.target_id ?? ""}
            </dd>
          </dl>
          <pre className="json" data-testid="audit-detail" tabIndex={0} aria-label="The event as JSON">
            {JSON.stringify(open, null, 2)}
          </pre>
          <div className="actions">
            <button type="button" onClick={() => setOpen(null)} data-testid="audit-detail-close">
              Close
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
