import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import type { UserQuery } from "../bindings/UserQuery";
import { AppContext } from "../lib/app";
import { ClipboardProvider } from "../lib/clipboard";
import { problem, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { UsersScreen } from "./Users";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };
const queries = () => calls.filter((c) => c.command === "list_users").map((c) => c.args?.query as UserQuery);

describe("users list", () => {
  beforeEach(() => {
    resetInvoke();
    onInvoke((cmd) => {
      switch (cmd) {
        case "list_users":
          return Promise.resolve({ items: [user({ id: "1", username: "ann", account_id: "a1", locked_until: new Date(Date.now() + 60_000).toISOString() })], total: 1, next_cursor: null });
        case "list_accounts":
          return Promise.resolve({ items: [{ id: "a1", name: "Acme", plan: "gold", metadata: {}, created_at: "2026-01-01T00:00:00Z", created_by: null, status: "active" }], total: 1, next_cursor: null });
        default:
          return Promise.reject(problem());
      }
    });
    render(
      <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session: null }}>
        <ClipboardProvider>
          <UsersScreen />
        </ClipboardProvider>
      </AppContext.Provider>,
    );
  });

  it("shows a count, each user's account, and a locked user as locked", async () => {
    expect(await screen.findByTestId("users-count")).toHaveTextContent("1 user");
    const row = screen.getByTestId("user-row");
    await waitFor(() => expect(within(row).getByTestId("user-account-cell")).toHaveTextContent("Acme"));
    expect(row).toHaveTextContent("locked");
  });

  it("asks for the page size chosen, from the first page", async () => {
    await screen.findByTestId("user-row");
    await userEvent.selectOptions(screen.getByTestId("users-page-size"), "50");
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ limit: 50, after: null }));
  });

  it("clears every filter at once", async () => {
    const ue = userEvent.setup();
    await screen.findByTestId("user-row");
    expect(screen.queryByTestId("users-clear-filters")).toBeNull();
    await ue.selectOptions(screen.getByTestId("users-role"), "admin");
    await ue.type(screen.getByTestId("users-search"), "an");
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ role: "admin", search: "an" }));
    await ue.click(screen.getByTestId("users-clear-filters"));
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ role: null, search: null, status: null }));
    expect(screen.getByTestId("users-search")).toHaveValue("");
    expect(screen.queryByTestId("users-clear-filters")).toBeNull();
  });
});
