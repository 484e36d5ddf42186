import type { UserView } from "../bindings/UserView";

/** Whether the sign-in throttle's username-wide lock holds at `now`. */
export function isLocked(user: Pick<UserView, "locked_until">, now: Date = new Date()): boolean {
  return user.locked_until !== null && new Date(user.locked_until).getTime() > now.getTime();
}

/** What a user's badge says: "locked" while locked, else the status. */
export function badgeOf(user: Pick<UserView, "locked_until" | "status">, now: Date = new Date()): { label: string; className: string } {
  if (isLocked(user, now)) return { label: "locked", className: "status-locked" };
  return { label: user.status, className: `status-${user.status}` };
}
