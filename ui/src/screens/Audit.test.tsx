import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditEvent } from "../bindings/AuditEvent";
import type { AuditQuery } from "../bindings/AuditQuery";
import type { AuditVerification } from "../bindings/AuditVerification";
import type { AppState } from "../bindings/AppState";
import { AppContext } from "../lib/app";
import { problem, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { AuditScreen } from "./Audit";
import { UserDetail } from "./UserDetail";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

function event(over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: "e1",
    seq: 1,
    at: "2026-12-04T10:00:00Z",
    actor_id: "admin-1",
    actor_name: "ada",
    action: "user.created",
    target_type: "user",
    target_id: "u-grace",
    target_name: "grace",
    detail: { roles: ["viewer"] },
    prev_hash: "0".repeat(64),
    hash: "a".repeat(64),
    ...over,
  };
}

const queries = () => calls.filter((c) => c.command === "list_audit_events").map((c) => c.args?.query as AuditQuery);
const listed = () => queries().filter((q) => q.action !== "audit.verified" || q.limit !== 1);

function shell(pages: Record<string, { items: AuditEvent[]; next: string | null }>, verification?: AuditVerification) {
  onInvoke((cmd, args) => {
    if (cmd === "verify_audit_trail" && verification) return Promise.resolve(verification);
    if (cmd !== "list_audit_events") return Promise.reject(problem());
    const q = args?.query as AuditQuery;
    if (q.action === "audit.verified" && q.limit === 1) return Promise.resolve({ items: [], next_cursor: null });
    const p = pages[q.cursor ?? "first"]!;
    return Promise.resolve({ items: p.items, next_cursor: p.next });
  });
}

describe("the audit screen", () => {
  beforeEach(() => resetInvoke());

  it("lists newest first, pages older and newer by cursor, and filters from the first page", async () => {
    shell({
      first: { items: [event({ id: "e3", seq: 3, action: "sign_in.succeeded" }), event({ id: "e2", seq: 2 })], next: "2" },
      "2": { items: [event({ id: "e1", seq: 1, action: "instance.set_up", target_type: "instance", target_id: null })], next: null },
    });
    render(<AuditScreen />);
    const actions = () => screen.getAllByTestId("audit-row").map((r) => r.getAttribute("data-action"));
    await waitFor(() => expect(actions()).toEqual(["sign_in.succeeded", "user.created"]));
    expect(screen.getByTestId("audit-newer")).toBeDisabled();
    await userEvent.click(screen.getByTestId("audit-older"));
    await waitFor(() => expect(actions()).toEqual(["instance.set_up"]));
    expect(screen.getByTestId("audit-older")).toBeDisabled();
    await userEvent.click(screen.getByTestId("audit-newer"));
    await waitFor(() => expect(actions()).toEqual(["sign_in.succeeded", "user.created"]));
    expect(listed().map((q) => q.cursor)).toEqual([null, "2", null]);

    await userEvent.click(screen.getByTestId("audit-older"));
    await userEvent.selectOptions(screen.getByTestId("audit-action"), "user.created");
    await waitFor(() => expect(listed().at(-1)).toMatchObject({ action: "user.created", cursor: null }));
    await userEvent.type(screen.getByTestId("audit-search"), "gra");
    await waitFor(() => expect(listed().at(-1)).toMatchObject({ q: "gra", action: "user.created", cursor: null }));
  });

  it("filters by a row's actor or target and by time, sent as RFC 3339", async () => {
    shell({ first: { items: [event()], next: null } });
    render(<AuditScreen />);
    await screen.findAllByTestId("audit-row");
    await userEvent.click(screen.getByRole("button", { name: "ada" }));
    await waitFor(() => expect(listed().at(-1)).toMatchObject({ actor: "admin-1" }));
    await userEvent.click(screen.getByRole("button", { name: "user grace" }));
    await waitFor(() => expect(listed().at(-1)).toMatchObject({ actor: "admin-1", target: "u-grace" }));
    await userEvent.click(screen.getByRole("button", { name: "Remove filter: about grace" }));
    await waitFor(() => expect(listed().at(-1)).toMatchObject({ target: null }));
    await userEvent.type(screen.getByTestId("audit-from"), "2026-12-01T08:30");
    await waitFor(() => expect(listed().at(-1)?.from).toBe(new Date("2026-12-01T08:30").toISOString()));
  });

  it("opens with a user's history and shows an event's detail as pretty JSON", async () => {
    shell({ first: { items: [event()], next: null } });
    render(<AuditScreen subject={{ id: "u-grace", name: "grace" }} />);
    await screen.findAllByTestId("audit-row");
    expect(queries()[0]).toMatchObject({ target: "u-grace" });
    expect(screen.getByTestId("audit-target-chip")).toHaveTextContent("About grace");
    await userEvent.click(screen.getAllByTestId("audit-row")[0]!);
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByTestId("audit-detail").textContent).toBe(JSON.stringify(event(), null, 2));
    await userEvent.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("verifies the trail and names the first broken event", async () => {
    const broken: AuditVerification = {
      verified: 1,
      head_seq: 3,
      head_hash: "b".repeat(64),
      broken_at: { seq: 2, reason: "altered", event: event({ id: "e2", seq: 2 }) },
    };
    shell({ first: { items: [event()], next: null } }, broken);
    render(<AuditScreen />);
    await screen.findAllByTestId("audit-row");
    await userEvent.click(screen.getByTestId("audit-verify"));
    const result = await screen.findByTestId("audit-verification");
    expect(result).toHaveTextContent("Event #2");
    expect(result).toHaveTextContent("edited");
    expect(result).toHaveTextContent("1 events before it verify");
  });

  it("says when every event verifies", async () => {
    shell({ first: { items: [event()], next: null } }, { verified: 3, head_seq: 3, head_hash: "c".repeat(64), broken_at: null });
    render(<AuditScreen />);
    await userEvent.click(await screen.findByTestId("audit-verify"));
    expect(await screen.findByTestId("audit-verification")).toHaveTextContent("All 3 events verify.");
  });

  it("has no axe violations, with the list and with an event open", async () => {
    shell({ first: { items: [event(), event({ id: "e0", seq: 0, actor_id: null, actor_name: null })], next: null } });
    const { container } = render(<AuditScreen />);
    await screen.findAllByTestId("audit-row");
    const check = async () => {
      // jsdom lays nothing out: contrast is checked by the screenshots script.
      const result = await axe.run(container.ownerDocument.body, { rules: { "color-contrast": { enabled: false }, region: { enabled: false } } });
      expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" ")}`)).toEqual([]);
    };
    await check();
    await userEvent.click(screen.getAllByTestId("audit-row")[0]!);
    await screen.findByRole("dialog");
    await check();
  });
});

describe("a user's detail", () => {
  beforeEach(() => resetInvoke());

  it("links to this user's history", async () => {
    onInvoke((cmd) => {
      if (cmd === "get_user") return Promise.resolve(user({ id: "u-grace", username: "grace" }));
      if (cmd === "list_api_tokens") return Promise.resolve({ items: [], total: 0, next_cursor: null });
      return Promise.reject(problem());
    });
    const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };
    const onHistory = vi.fn();
    render(
      <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session: null }}>
        <UserDetail id="u-grace" onBack={() => undefined} onHistory={onHistory} />
      </AppContext.Provider>,
    );
    await userEvent.click(await screen.findByTestId("user-history"));
    expect(onHistory).toHaveBeenCalledWith({ id: "u-grace", name: "grace" });
  });
});
