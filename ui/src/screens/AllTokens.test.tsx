import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AllTokensQuery } from "../bindings/AllTokensQuery";
import type { ApiTokenView } from "../bindings/ApiTokenView";
import { problem } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { AllTokens } from "./AllTokens";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const token: ApiTokenView = {
  id: "t1", name: "CI", prefix: "gth_Ab3x", user_id: "u1", owner_username: "wile", account_id: "a1", created_at: "2026-01-01T00:00:00Z",
  created_by: "u1", created_by_username: "wile", expires_at: null, last_used_at: null, revoked_at: null, state: "active",
};
const queries = () => calls.filter((c) => c.command === "list_all_api_tokens").map((c) => c.args?.query as AllTokensQuery);

describe("every user's tokens", () => {
  beforeEach(() => {
    resetInvoke();
    onInvoke((cmd) => {
      switch (cmd) {
        case "list_accounts":
          return Promise.resolve({ items: [{ id: "a1", name: "Acme", plan: "gold", metadata: {}, created_at: token.created_at, created_by: null, status: "active" }], total: 1, next_cursor: null });
        case "list_all_api_tokens":
          return Promise.resolve({ items: [token], total: 1, next_cursor: null });
        case "revoke_api_token":
          return Promise.resolve({ ...token, state: "revoked", revoked_at: "2026-02-01T00:00:00Z" });
        default:
          return Promise.reject(problem());
      }
    });
  });

  it("shows working tokens by default, filters by state and account, and clears the filters", async () => {
    render(<AllTokens />);
    const ue = userEvent.setup();
    await waitFor(() => expect(screen.getAllByTestId("all-token-row")).toHaveLength(1));
    expect(queries()[0]).toMatchObject({ state: "active", any_state: null, account_id: null });
    await waitFor(() => expect(within(screen.getByTestId("all-token-row")).getByText("Acme")).toBeInTheDocument());
    await ue.selectOptions(screen.getByTestId("all-tokens-state"), "any");
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ state: null, any_state: true }));
    await ue.selectOptions(screen.getByTestId("all-tokens-account"), "a1");
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ account_id: "a1", any_state: true }));
    await ue.click(screen.getByTestId("all-tokens-clear"));
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ state: "active", any_state: null, account_id: null }));
    expect(screen.queryByTestId("all-tokens-clear")).toBeNull();
  });

  it("revokes a token after confirmation and says so", async () => {
    render(<AllTokens />);
    const ue = userEvent.setup();
    await ue.click(await screen.findByTestId("all-token-revoke"));
    await ue.click(within(screen.getByRole("dialog")).getByTestId("confirm-ok"));
    expect(await screen.findByTestId("all-tokens-flash")).toHaveTextContent('Token "CI" of wile revoked.');
  });
});
