import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { AppState } from "../bindings/AppState";
import type { Theme } from "../bindings/Theme";
import { onInvoke, resetInvoke } from "../test/tauri-mock";
import { shownTheme } from "./theme";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

/** A system colour scheme the test can change, as matchMedia reports it. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    get matches() {
      return dark;
    },
    media: "(prefers-color-scheme: dark)",
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  window.matchMedia = vi.fn(() => query as unknown as MediaQueryList);
  return {
    set(next: boolean) {
      dark = next;
      for (const l of listeners) l();
    },
    listeners,
  };
}

function shellWith(theme: Theme) {
  const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme } };
  onInvoke((cmd) => Promise.resolve(cmd === "app_state" ? state : []));
}

const shown = () => document.documentElement.dataset.theme;

describe("theme", () => {
  const original = window.matchMedia;
  beforeEach(() => {
    resetInvoke();
    delete document.documentElement.dataset.theme;
  });
  afterEach(() => {
    window.matchMedia = original;
  });

  it("shows the preference, or the system's choice for system", () => {
    expect(shownTheme("light", true)).toBe("light");
    expect(shownTheme("dark", false)).toBe("dark");
    expect(shownTheme("system", true)).toBe("dark");
    expect(shownTheme("system", false)).toBe("light");
  });

  it("applies the saved preference on the root element, whatever the system says", async () => {
    const system = fakeSystem(false);
    shellWith("dark");
    render(<App />);
    expect(await screen.findByTestId("connect-local")).toBeInTheDocument();
    await waitFor(() => expect(shown()).toBe("dark"));
    system.set(false);
    expect(shown()).toBe("dark");
    // Not following the system: nothing listens to it.
    expect(system.listeners.size).toBe(0);
  });

  it("follows the system while the preference is system, also when the system changes", async () => {
    const system = fakeSystem(true);
    shellWith("system");
    render(<App />);
    expect(await screen.findByTestId("connect-local")).toBeInTheDocument();
    expect(shown()).toBe("dark");
    system.set(false);
    expect(shown()).toBe("light");
    system.set(true);
    expect(shown()).toBe("dark");
  });

  it("shows light without a matchMedia (as jsdom) and a light preference", async () => {
    shellWith("light");
    render(<App />);
    expect(await screen.findByTestId("connect-local")).toBeInTheDocument();
    expect(shown()).toBe("light");
  });
});
