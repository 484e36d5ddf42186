import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import { AppContext } from "../lib/app";
import { onInvoke, resetInvoke } from "../test/tauri-mock";
import { ConnectScreen } from "./Connect";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };

function renderScreen() {
  render(
    <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session: null }}>
      <ConnectScreen />
    </AppContext.Provider>,
  );
}

describe("the remote database's TLS choice", () => {
  beforeEach(() => {
    resetInvoke();
    onInvoke((cmd) => Promise.resolve(cmd === "saved_profiles" ? [] : undefined));
  });

  it("verifies the server by default and warns of nothing", () => {
    renderScreen();
    expect((screen.getByTestId("remote-tls") as HTMLSelectElement).value).toBe("verify-full");
    expect(screen.queryByTestId("remote-tls-warning")).toBeNull();
  });

  it("warns, beside the choice, what each weaker mode leaves open", async () => {
    renderScreen();
    for (const [mode, words] of [
      ["disable", "Nothing is encrypted"],
      ["prefer", "turn encryption off"],
      ["require", "server is not verified"],
    ] as const) {
      await userEvent.selectOptions(screen.getByTestId("remote-tls"), mode);
      expect(screen.getByTestId("remote-tls-warning").textContent).toContain(words);
      expect(screen.getByTestId("remote-tls").getAttribute("aria-describedby")).toBe("remote-tls-warning");
    }
  });
});
