import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import type { SessionView } from "../bindings/SessionView";
import { AppContext } from "../lib/app";
import { user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { RENEW_BEFORE_MS, SessionRenewal } from "./SessionRenewal";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

function session(expiresInMs: number): SessionView {
  return { user: user({ username: "ada" }), must_change_password: false, must_enroll_second_factor: false, expires_at: new Date(Date.now() + expiresInMs).toISOString() };
}

function renderWith(current: SessionView, setState: (s: AppState) => void) {
  const state: AppState = {
    connection: { kind: "server", label: "Team", detail: "https://gh.test/" },
    instance: { initialized: true, instance_id: "i", organization: "Acme", created_at: null },
    connection_problem: null, session: current,
    preferences: { clipboard_clear_seconds: 30, theme: "system" },
  };
  render(
    <AppContext.Provider value={{ state, setState, refresh: () => Promise.resolve(), session: current }}>
      <SessionRenewal />
    </AppContext.Provider>,
  );
}

describe("a session near its end", () => {
  beforeEach(() => {
    resetInvoke();
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => vi.useRealTimers());

  it("asks for the password shortly before the token expires, and not earlier", () => {
    renderWith(session(10 * 60_000), () => undefined);
    expect(screen.queryByTestId("session-renewal")).toBeNull();
    act(() => vi.advanceTimersByTime(10 * 60_000 - RENEW_BEFORE_MS - 1000));
    expect(screen.queryByTestId("session-renewal")).toBeNull();
    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByTestId("session-renewal")).toBeInTheDocument();
    expect(screen.getByTestId("renew-password")).toHaveFocus();
  });

  it("signs in again as the same user and keeps the screen as it is", async () => {
    const renewed = session(60 * 60_000);
    onInvoke((cmd) => (cmd === "sign_in" ? Promise.resolve(renewed) : Promise.reject(new Error(cmd))));
    const setState = vi.fn();
    renderWith(session(30_000), setState);
    const field = await screen.findByTestId("renew-password");
    await userEvent.type(field, "Tidal-Kettle-93-orbit{Enter}");
    expect(calls).toContainEqual({ command: "sign_in", args: { request: { login: "ada", password: "Tidal-Kettle-93-orbit" } } });
    expect(setState).toHaveBeenCalledWith(expect.objectContaining({ session: renewed }));
  });
});
