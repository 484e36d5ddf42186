/** A date-time for people, in the local time zone; "—" when absent. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function fullName(u: { first_name: string | null; last_name: string | null }): string {
  return [u.first_name, u.last_name].filter(Boolean).join(" ");
}

/** null for an empty or blank string. */
export function orNull(s: string): string | null {
  const t = s.trim();
  return t === "" ? null : t;
}

/** A fresh idempotency key. */
export function newKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** A date only, for tight tables; "—" when absent. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { dateStyle: "medium" });
}
