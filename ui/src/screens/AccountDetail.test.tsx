import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AccountDetail } from "../bindings/AccountDetail";
import type { AccountView } from "../bindings/AccountView";
import { problem, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { AccountDetailScreen } from "./AccountDetail";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const account: AccountView = { id: "a1", name: "Acme", plan: "gold", metadata: {}, created_at: "2026-01-01T00:00:00Z", created_by: null, status: "active" };
const detail: AccountDetail = { account, members: [user({ id: "u1", username: "owner" }), user({ id: "u2", username: "wile" })], member_count: 2, api_tokens: [], live_api_token_count: 3 };

function shell(over: Record<string, (args: Record<string, unknown> | undefined) => Promise<unknown>> = {}) {
  onInvoke((cmd, args) => {
    const custom = over[cmd];
    if (custom) return custom(args);
    switch (cmd) {
      case "get_account_detail":
        return Promise.resolve(detail);
      case "list_plans":
        return Promise.resolve({ items: [{ plan: "gold", accounts: 1 }, { plan: "oem", accounts: 4 }] });
      default:
        return Promise.reject(problem());
    }
  });
}

describe("account detail", () => {
  beforeEach(() => resetInvoke());

  it("lists the members and renames the account with a plan chosen from those in use", async () => {
    shell({ update_account: (args) => Promise.resolve({ ...account, ...(args?.update as object) }) });
    render(<AccountDetailScreen id="a1" onBack={() => undefined} onDeleted={() => undefined} />);
    const ue = userEvent.setup();
    await waitFor(() => expect(screen.getAllByTestId("account-member")).toHaveLength(2));
    await waitFor(() => expect(within(screen.getByTestId("account-plan")).getAllByRole("option").map((o) => o.textContent)).toEqual(["gold", "oem"]));
    await ue.clear(screen.getByTestId("account-name"));
    await ue.type(screen.getByTestId("account-name"), "Acme Rockets");
    await ue.selectOptions(screen.getByTestId("account-plan"), "oem");
    await ue.click(screen.getByTestId("account-save"));
    expect(await screen.findByText("Account saved.")).toBeInTheDocument();
    expect(calls.find((c) => c.command === "update_account")?.args?.update).toEqual({ name: "Acme Rockets", plan: "oem" });
  });

  it("says how many users and tokens a deletion removes, and deletes only once the name is typed", async () => {
    const onDeleted = vi.fn();
    shell({ delete_account: () => Promise.resolve({ id: "a1", name: "Acme", deleted_users: 2, deleted_api_tokens: 3 }) });
    render(<AccountDetailScreen id="a1" onBack={() => undefined} onDeleted={onDeleted} />);
    const ue = userEvent.setup();
    await ue.click(await screen.findByTestId("account-delete"));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByTestId("account-delete-counts")).toHaveTextContent("2 users and 3 working API tokens");
    expect(within(dialog).getByTestId("confirm-ok")).toBeDisabled();
    await ue.type(within(dialog).getByTestId("delete-confirm-account"), "Acme");
    await ue.click(within(dialog).getByTestId("confirm-ok"));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledWith("Account Acme deleted with 2 users and 3 API tokens."));
  });

  it("suspends after a confirmation that says what stops", async () => {
    shell({ set_account_status: () => Promise.resolve({ ...account, status: "suspended" }) });
    render(<AccountDetailScreen id="a1" onBack={() => undefined} onDeleted={() => undefined} />);
    const ue = userEvent.setup();
    await ue.click(await screen.findByTestId("account-suspend"));
    expect(screen.getByRole("dialog")).toHaveTextContent("2 users cannot sign in");
    await ue.click(within(screen.getByRole("dialog")).getByTestId("confirm-ok"));
    await waitFor(() => expect(screen.getByTestId("account-badge")).toHaveTextContent("suspended"));
    expect(screen.getByTestId("account-reactivate")).toBeInTheDocument();
  });
});
