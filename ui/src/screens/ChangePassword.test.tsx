import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import type { SessionView } from "../bindings/SessionView";
import { AppContext } from "../lib/app";
import { ALL_PASS, problem, report, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { ChangePasswordScreen } from "./ChangePassword";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const session: SessionView = { user: user(), must_change_password: false, must_enroll_second_factor: false, expires_at: "2026-11-23T17:00:00Z" };
const state: AppState = { connection: null, instance: null, connection_problem: null, session, preferences: { clipboard_clear_seconds: 30, theme: "system" } };

function renderScreen(onClose = () => undefined) {
  render(
    <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session }}>
      <ChangePasswordScreen forced={false} onClose={onClose} />
    </AppContext.Provider>,
  );
}

describe("changing one's own password", () => {
  beforeEach(() => resetInvoke());

  it("asks for the current password, keeps submit disabled until the policy passes, then confirms", async () => {
    onInvoke((cmd, args) => {
      if (cmd === "evaluate_password") {
        const candidate = (args as { candidate: { password: string } }).candidate.password;
        return Promise.resolve(candidate.length >= 12 ? ALL_PASS : report({ min_length: false }));
      }
      if (cmd === "change_password") return Promise.resolve(session);
      return Promise.reject(problem());
    });
    renderScreen();
    expect(screen.getByText("Current password")).toBeTruthy();
    await userEvent.type(screen.getByTestId("change-current"), "Old-Password-123");
    await userEvent.type(screen.getByTestId("change-new"), "short");
    await waitFor(() => expect(screen.getByTestId("change-submit")).toHaveProperty("disabled", true));
    await userEvent.clear(screen.getByTestId("change-new"));
    await userEvent.type(screen.getByTestId("change-new"), "Marble-Comet-Thistle-64");
    await userEvent.type(screen.getByTestId("change-confirm"), "Marble-Comet-Thistle-64");
    await waitFor(() => expect(screen.getByTestId("change-submit")).toHaveProperty("disabled", false));
    await userEvent.click(screen.getByTestId("change-submit"));
    expect(await screen.findByTestId("change-done")).toBeTruthy();
    expect(calls.find((c) => c.command === "change_password")?.args).toEqual({
      change: { current_password: "Old-Password-123", new_password: "Marble-Comet-Thistle-64" },
    });
  });

  it("shows a wrong current password beside its field", async () => {
    onInvoke((cmd) => {
      if (cmd === "evaluate_password") return Promise.resolve(ALL_PASS);
      if (cmd === "change_password") {
        return Promise.reject(
          problem({ errors: [{ field: "current_password", code: "incorrect", message: "The current password is not right." }] }),
        );
      }
      return Promise.reject(problem());
    });
    renderScreen();
    await userEvent.type(screen.getByTestId("change-current"), "wrong-one");
    await userEvent.type(screen.getByTestId("change-new"), "Marble-Comet-Thistle-64");
    await userEvent.type(screen.getByTestId("change-confirm"), "Marble-Comet-Thistle-64");
    await waitFor(() => expect(screen.getByTestId("change-submit")).toHaveProperty("disabled", false));
    await userEvent.click(screen.getByTestId("change-submit"));
    expect(await screen.findByText("The current password is not right.")).toBeTruthy();
    expect(screen.queryByTestId("change-done")).toBeNull();
  });
});
