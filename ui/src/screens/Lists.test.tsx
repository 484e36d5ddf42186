import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import type { ApiTokenView } from "../bindings/ApiTokenView";
import type { UserQuery } from "../bindings/UserQuery";
import { AppContext } from "../lib/app";
import { ClipboardProvider } from "../lib/clipboard";
import { ALL_PASS, problem, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { AccountsScreen } from "./Accounts";
import { TokensScreen } from "./Tokens";
import { UserDetail } from "./UserDetail";
import { UsersScreen } from "./Users";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };
function wrap(ui: React.ReactNode) {
  return render(
    <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session: null }}>
      <ClipboardProvider>{ui}</ClipboardProvider>
    </AppContext.Provider>,
  );
}
const queries = () => calls.filter((c) => c.command === "list_users").map((c) => c.args?.query as UserQuery);

describe("users list", () => {
  beforeEach(() => resetInvoke());

  it("pages with keyset cursors forward and back, and filters from the first page", async () => {
    const pages: Record<string, { items: ReturnType<typeof user>[]; next: string | null }> = {
      first: { items: [user({ id: "1", username: "ann" })], next: "c1" },
      c1: { items: [user({ id: "2", username: "bob" })], next: "c2" },
      c2: { items: [user({ id: "3", username: "cat" })], next: null },
    };
    onInvoke((cmd, args) => {
      if (cmd !== "list_users") return Promise.reject(problem());
      const q = args?.query as UserQuery;
      const p = pages[q.after ?? "first"]!;
      return Promise.resolve({ items: p.items, total: 3, total_exact: true, next_cursor: p.next });
    });
    wrap(<UsersScreen />);
    const rowNames = () => screen.getAllByTestId("user-row").map((r) => r.getAttribute("data-username"));
    await waitFor(() => expect(rowNames()).toEqual(["ann"]));
    expect(screen.getByTestId("users-prev")).toBeDisabled();

    await userEvent.click(screen.getByTestId("users-next"));
    await waitFor(() => expect(rowNames()).toEqual(["bob"]));
    await userEvent.click(screen.getByTestId("users-next"));
    await waitFor(() => expect(rowNames()).toEqual(["cat"]));
    expect(screen.getByTestId("users-next")).toBeDisabled();
    await userEvent.click(screen.getByTestId("users-prev"));
    await waitFor(() => expect(rowNames()).toEqual(["bob"]));
    expect(queries().map((q) => q.after)).toEqual([null, "c1", "c2", "c1"]);

    await userEvent.selectOptions(screen.getByTestId("users-status"), "suspended");
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ status: "suspended", after: null, role: null, search: null }));
    await userEvent.type(screen.getByTestId("users-search"), "an");
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ search: "an", status: "suspended", after: null }));
  });

  it("says more than the total when the list counted only up to its cap", async () => {
    onInvoke((cmd) =>
      cmd === "list_users"
        ? Promise.resolve({ items: [user({ id: "1", username: "ann" })], total: 1000, total_exact: false, next_cursor: "c1" })
        : Promise.reject(problem()),
    );
    wrap(<UsersScreen />);
    await waitFor(() => expect(screen.getByText("1–1 of more than 1,000")).toBeInTheDocument());
  });

  describe("the notice of a creation", () => {
    afterEach(() => vi.useRealTimers());

    function shell() {
      onInvoke((cmd) => {
        switch (cmd) {
          case "list_users":
            return Promise.resolve({ items: [user({ id: "1", username: "ann" })], total: 1, total_exact: true, next_cursor: null });
          case "evaluate_password":
            return Promise.resolve(ALL_PASS);
          case "create_admin":
            return Promise.resolve(user({ id: "2", username: "root", roles: ["admin"] }));
          default:
            return Promise.reject(problem());
        }
      });
    }

    async function createAdmin(ue: ReturnType<typeof userEvent.setup>) {
      await ue.click(await screen.findByTestId("new-admin"));
      await ue.type(screen.getByTestId("user-email"), "root@acme.test");
      await ue.type(screen.getByTestId("user-password"), "Harbour-Lantern-42");
      await waitFor(() => expect(screen.getByTestId("user-submit")).toBeEnabled());
      await ue.click(screen.getByTestId("user-submit"));
      expect(await screen.findByTestId("flash")).toHaveTextContent("Admin root created.");
    }

    it("comes with the focus on the list's heading (the form's first field had it), not on the page", async () => {
      shell();
      wrap(<UsersScreen />);
      const ue = userEvent.setup();
      await ue.click(await screen.findByTestId("new-admin"));
      expect(screen.getByTestId("user-username")).toHaveFocus();
      await ue.type(screen.getByTestId("user-email"), "root@acme.test");
      await ue.type(screen.getByTestId("user-password"), "Harbour-Lantern-42");
      await waitFor(() => expect(screen.getByTestId("user-submit")).toBeEnabled());
      await ue.keyboard("{Enter}");
      expect(await screen.findByTestId("flash")).toHaveTextContent("Admin root created.");
      expect(screen.getByRole("heading", { level: 1, name: "Users" })).toHaveFocus();
    });

    it("goes when the admin searches", async () => {
      shell();
      wrap(<UsersScreen />);
      const ue = userEvent.setup();
      await createAdmin(ue);
      await ue.type(screen.getByTestId("users-search"), "a");
      expect(screen.queryByTestId("flash")).toBeNull();
    });

    it("goes after about eight seconds", async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      shell();
      wrap(<UsersScreen />);
      const ue = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      await createAdmin(ue);
      act(() => vi.advanceTimersByTime(7000));
      expect(screen.getByTestId("flash")).toBeInTheDocument();
      act(() => vi.advanceTimersByTime(1500));
      expect(screen.queryByTestId("flash")).toBeNull();
    });
  });
});

describe("loading", () => {
  beforeEach(() => {
    resetInvoke();
    onInvoke(() => new Promise(() => undefined));
  });

  it("shows Loading… rather than an empty table or page until the data arrives", async () => {
    const tokens = wrap(<TokensScreen />);
    expect(screen.getByText("Loading…")).toBeInTheDocument();
    expect(screen.queryByTestId("tokens-table")).toBeNull();
    tokens.unmount();

    const accounts = wrap(<AccountsScreen />);
    expect(screen.getByText("Loading…")).toBeInTheDocument();
    expect(screen.queryByTestId("accounts-table")).toBeNull();
    expect(screen.queryByText("No accounts yet.")).toBeNull();
    accounts.unmount();

    wrap(<UserDetail id="u1" onBack={() => undefined} />);
    expect(screen.getByText("Loading…")).toBeInTheDocument();
    expect(screen.queryByTestId("failed-sign-ins")).toBeNull();
  });
});

describe("API tokens", () => {
  beforeEach(() => resetInvoke());

  const token: ApiTokenView = {
    id: "t1", name: "CI", prefix: "gth_Ab3x", user_id: "u1", owner_username: "jdoe", account_id: "a1", created_at: "2026-01-01T00:00:00Z",
    created_by: "u1", created_by_username: "jdoe", expires_at: null, last_used_at: null, revoked_at: null, state: "active",
  };

  it("creates a never-expiring token with the user's password, shows its secret once, and revokes only after confirmation", async () => {
    let list = [token];
    onInvoke((cmd, args) => {
      switch (cmd) {
        case "list_api_tokens":
          return Promise.resolve({ items: list });
        case "create_api_token":
          list = [{ ...token, id: "t2", name: "Backup" }, ...list];
          return Promise.resolve({ token: list[0], secret: "gth_new_secret" });
        case "revoke_api_token":
          return Promise.resolve({ ...token, id: String(args?.id), state: "revoked", revoked_at: "2026-02-01T00:00:00Z" });
        default:
          return Promise.reject(problem());
      }
    });
    wrap(<TokensScreen />);
    await screen.findAllByTestId("token-row");

    await userEvent.click(screen.getByTestId("new-token"));
    await userEvent.type(screen.getByTestId("token-name"), "Backup");
    await userEvent.click(screen.getByTestId("token-expiry-never"));
    // "Never" asks for the password first.
    expect(screen.getByTestId("token-submit")).toBeDisabled();
    await userEvent.type(screen.getByTestId("token-current-password"), "my-password");
    await userEvent.click(screen.getByTestId("token-submit"));
    expect(await screen.findByTestId("token-value")).toHaveTextContent("gth_new_secret");
    expect(calls.find((c) => c.command === "create_api_token")?.args).toEqual({
      request: { name: "Backup", expires_in_days: null, never_expires: true, user_id: null, current_password: "my-password" },
    });
    await userEvent.click(screen.getByTestId("confirm-saved"));
    await userEvent.click(screen.getByTestId("close-dialog"));
    expect(screen.queryByText("gth_new_secret")).toBeNull();

    const rows = await screen.findAllByTestId("token-row");
    expect(rows).toHaveLength(2);
    await userEvent.click(within(rows[1]!).getByTestId("revoke-token"));
    await userEvent.keyboard("{Escape}");
    expect(calls.some((c) => c.command === "revoke_api_token")).toBe(false);

    await userEvent.click(within(rows[1]!).getByTestId("revoke-token"));
    await userEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(calls.find((c) => c.command === "revoke_api_token")?.args).toEqual({ id: "t1" }));
    await waitFor(() => expect(within(screen.getAllByTestId("token-row")[1]!).getByText("revoked")).toBeInTheDocument());
  });

  it("shows who made a token made for the user, and nothing for their own", async () => {
    const planted: ApiTokenView = { ...token, id: "t2", name: "Planted", created_by: "u9", created_by_username: "ada" };
    onInvoke((cmd) => (cmd === "list_api_tokens" ? Promise.resolve({ items: [planted, token] }) : Promise.reject(problem())));
    wrap(<TokensScreen />);
    const rows = await screen.findAllByTestId("token-row");
    expect(within(rows[0]!).getByTestId("token-created-by")).toHaveTextContent("Created by ada");
    expect(within(rows[1]!).queryByTestId("token-created-by")).toBeNull();
  });

  it("offers no never-expiring token under the instance's lifetime limit, and shows the password's field error", async () => {
    onInvoke((cmd) => {
      switch (cmd) {
        case "list_api_tokens":
          return Promise.resolve({ items: [token] });
        case "get_settings":
          return Promise.resolve({ api_token_max_days: 365 });
        default:
          return Promise.reject(problem());
      }
    });
    wrap(<TokensScreen />);
    await screen.findAllByTestId("token-row");
    await userEvent.click(screen.getByTestId("new-token"));
    await waitFor(() => expect(screen.getByTestId("token-expiry-never")).toBeDisabled());
    expect(screen.getByTestId("token-limit")).toHaveTextContent("at most 365 days");
    await userEvent.type(screen.getByTestId("token-name"), "Long");
    await userEvent.clear(screen.getByTestId("token-days"));
    await userEvent.type(screen.getByTestId("token-days"), "366");
    expect(screen.getByTestId("token-submit")).toBeDisabled();
  });

  it("shows a wrong password beside the password field", async () => {
    onInvoke((cmd) => {
      switch (cmd) {
        case "list_api_tokens":
          return Promise.resolve({ items: [token] });
        case "get_settings":
          return Promise.resolve({ api_token_max_days: null });
        case "create_api_token":
          return Promise.reject(problem({ errors: [{ field: "current_password", code: "incorrect", message: "This is not your current password." }] }));
        default:
          return Promise.reject(problem());
      }
    });
    wrap(<TokensScreen />);
    await screen.findAllByTestId("token-row");
    await userEvent.click(screen.getByTestId("new-token"));
    await userEvent.type(screen.getByTestId("token-name"), "Backup");
    await userEvent.click(screen.getByTestId("token-expiry-never"));
    await userEvent.type(screen.getByTestId("token-current-password"), "wrong");
    await userEvent.click(screen.getByTestId("token-submit"));
    expect(await screen.findByTestId("token-current-password-error")).toHaveTextContent("This is not your current password.");
  });
});

describe("password reset", () => {
  beforeEach(() => resetInvoke());

  it("says how many API tokens the reset revoked", async () => {
    onInvoke((cmd) => {
      switch (cmd) {
        case "get_user":
          return Promise.resolve(user());
        case "reset_user_password":
          return Promise.resolve({ user: user({ must_change_password: true }), temporary_password: "Temp-Pass-123", revoked_api_tokens: 2 });
        default:
          return Promise.reject(problem());
      }
    });
    wrap(<UserDetail id="u1" onBack={() => undefined} />);
    await userEvent.click(await screen.findByTestId("user-reset-password"));
    await userEvent.click(screen.getByTestId("confirm-ok"));
    expect(await screen.findByTestId("reset-revoked-tokens")).toHaveTextContent("2 API tokens were revoked.");
    expect(screen.getByText(/^Password reset\..*2 API tokens were revoked\.$/)).toBeInTheDocument();
  });
});
