import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ApiTokenView } from "../bindings/ApiTokenView";
import type { AppState } from "../bindings/AppState";
import type { UserView } from "../bindings/UserView";
import { AppContext } from "../lib/app";
import { ClipboardProvider } from "../lib/clipboard";
import { problem, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { UserDetail } from "./UserDetail";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };
function wrap(ui: React.ReactNode) {
  return render(
    <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session: null }}>
      <ClipboardProvider>{ui}</ClipboardProvider>
    </AppContext.Provider>,
  );
}

const token: ApiTokenView = {
  id: "t1", name: "CI", prefix: "gth_Ab3x", user_id: "u1", owner_username: "jdoe", account_id: "a1", created_at: "2026-01-01T00:00:00Z",
  created_by: "u1", created_by_username: "jdoe", expires_at: null, last_used_at: null, revoked_at: null, state: "active",
};

/** The fake shell for one user's detail; `over` answers some commands differently. */
function shell(u: UserView, over: Record<string, (args: Record<string, unknown> | undefined) => Promise<unknown>> = {}) {
  onInvoke((cmd, args) => {
    const custom = over[cmd];
    if (custom) return custom(args);
    switch (cmd) {
      case "get_user":
        return Promise.resolve(u);
      case "get_account":
        return Promise.resolve({ id: "a1", name: "Zydro", plan: "oem", metadata: {}, created_at: u.created_at, created_by: null, status: "active" });
      case "list_api_tokens":
        return Promise.resolve({ items: [token, { ...token, id: "t0", name: "Old", state: "revoked" }] });
      default:
        return Promise.reject(problem());
    }
  });
}

describe("user detail", () => {
  beforeEach(() => resetInvoke());

  it("shows the last sign-in, the account, and a locked user's badge says locked", async () => {
    const lockedUntil = new Date(Date.now() + 3600_000).toISOString();
    shell(user({ last_sign_in_at: null, locked_until: lockedUntil, failed_sign_ins: 100 }));
    wrap(<UserDetail id="u1" onBack={() => undefined} />);
    expect(await screen.findByTestId("user-badge")).toHaveTextContent("locked");
    expect(screen.getByTestId("last-sign-in")).toHaveTextContent("Never");
    await waitFor(() => expect(screen.getByTestId("user-account")).toHaveTextContent("Zydro (oem)"));
  });

  it("edits the profile from the version shown and shows the saved user", async () => {
    shell(user({ version: 3 }), {
      update_user: (args) => Promise.resolve(user({ version: 4, first_name: (args?.update as { first_name: string }).first_name })),
    });
    wrap(<UserDetail id="u1" onBack={() => undefined} />);
    const ue = userEvent.setup();
    await ue.click(await screen.findByTestId("user-edit"));
    const first = screen.getByTestId("edit-first-name");
    await ue.clear(first);
    await ue.type(first, "Janet{Enter}");
    expect(await screen.findByText("Profile saved.")).toBeInTheDocument();
    const update = calls.find((c) => c.command === "update_user")?.args?.update;
    expect(update).toMatchObject({ version: 3, first_name: "Janet", username: "jdoe", email: "jdoe@example.org" });
    expect(screen.queryByTestId("edit-save")).toBeNull();
  });

  it("shows each field's error beside it and drops it when the field changes", async () => {
    shell(user(), {
      update_user: () => Promise.reject(problem({ errors: [{ field: "email", code: "invalid", message: "Enter a valid email address." }] })),
    });
    wrap(<UserDetail id="u1" onBack={() => undefined} />);
    const ue = userEvent.setup();
    await ue.click(await screen.findByTestId("user-edit"));
    await ue.click(screen.getByTestId("edit-save"));
    expect(await screen.findByTestId("edit-email-error")).toHaveTextContent("Enter a valid email address.");
    await ue.type(screen.getByTestId("edit-email"), "x");
    expect(screen.queryByTestId("edit-email-error")).toBeNull();
  });

  it("says when someone else changed the user meanwhile, and reloads on request", async () => {
    shell(user({ version: 1 }), {
      update_user: () => Promise.reject(problem({ status: 409, code: "stale_version", title: "Changed meanwhile", detail: "Someone else changed this user." })),
    });
    wrap(<UserDetail id="u1" onBack={() => undefined} />);
    const ue = userEvent.setup();
    await ue.click(await screen.findByTestId("user-edit"));
    await ue.click(screen.getByTestId("edit-save"));
    expect(await screen.findByTestId("edit-stale")).toHaveTextContent("Someone else changed this user since you opened it.");
    const loads = calls.filter((c) => c.command === "get_user").length;
    await ue.click(screen.getByTestId("edit-reload"));
    await waitFor(() => expect(calls.filter((c) => c.command === "get_user").length).toBe(loads + 1));
    expect(screen.queryByTestId("edit-save")).toBeNull();
  });

  it("deletes only once the username is typed, then goes back", async () => {
    const onBack = vi.fn();
    const onDeleted = vi.fn();
    shell(user(), { delete_user: () => Promise.resolve({ id: "u1", username: "jdoe", deleted_api_tokens: 1 }) });
    wrap(<UserDetail id="u1" onBack={onBack} onDeleted={onDeleted} />);
    const ue = userEvent.setup();
    await ue.click(await screen.findByTestId("user-delete"));
    const dialog = screen.getByRole("dialog");
    const ok = within(dialog).getByTestId("confirm-ok");
    expect(ok).toBeDisabled();
    await ue.type(within(dialog).getByTestId("delete-confirm-username"), "jdo");
    expect(ok).toBeDisabled();
    await ue.type(within(dialog).getByTestId("delete-confirm-username"), "e");
    await ue.click(ok);
    await waitFor(() => expect(onBack).toHaveBeenCalled());
    expect(onDeleted).toHaveBeenCalledWith("jdoe");
    expect(calls.filter((c) => c.command === "delete_user")).toHaveLength(1);
  });

  it("lists the user's working tokens and revokes one after confirmation", async () => {
    shell(user(), { revoke_api_token: () => Promise.resolve({ ...token, state: "revoked", revoked_at: "2026-02-01T00:00:00Z" }) });
    wrap(<UserDetail id="u1" onBack={() => undefined} />);
    const ue = userEvent.setup();
    await waitFor(() => expect(screen.getAllByTestId("user-token")).toHaveLength(1));
    await ue.click(screen.getByTestId("user-token-revoke"));
    await ue.click(within(screen.getByRole("dialog")).getByTestId("confirm-ok"));
    expect(await screen.findByText('Token "CI" revoked.')).toBeInTheDocument();
    expect(screen.getByTestId("user-no-tokens")).toBeInTheDocument();
  });
});
