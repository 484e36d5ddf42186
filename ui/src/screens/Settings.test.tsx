import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import type { Settings } from "../bindings/Settings";
import { AppContext } from "../lib/app";
import { ALL_PASS, problem } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { SettingsScreen } from "./Settings";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const settings: Settings = {
  password_policy: {
    min_length: 12, max_length: 128, require_uppercase: false, require_lowercase: false, require_digit: false, require_special: false,
    min_character_classes: 0, forbid_whitespace: false, forbid_personal_info: true, min_strength_score: 3, forbid_common: true,
  },
  access_token_minutes: 60, api_token_days: 90, lockout_threshold: 5, lockout_minutes: 15, blocked_email_domains: ["gmail.com"],
};
const state: AppState = { connection: null, instance: null, session: null, preferences: { clipboard_clear_seconds: 30 } };

describe("settings", () => {
  beforeEach(() => resetInvoke());

  it("previews the edited policy live and shows the server's field errors beside their fields", async () => {
    onInvoke((cmd) => {
      switch (cmd) {
        case "get_settings":
          return Promise.resolve(settings);
        case "get_preferences":
          return Promise.resolve({ clipboard_clear_seconds: 30 });
        case "policy_presets":
          return Promise.resolve([{ preset: "recommended", label: "Recommended", policy: settings.password_policy }]);
        case "evaluate_password":
          return Promise.resolve(ALL_PASS);
        case "update_settings":
          return Promise.reject(
            problem({
              errors: [
                { field: "password_policy.min_length", code: "range", message: "Must not exceed the maximum length." },
                { field: "lockout_threshold", code: "range", message: "From 3 to 100." },
              ],
            }),
          );
        default:
          return Promise.reject(problem());
      }
    });
    render(
      <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session: null }}>
        <SettingsScreen />
      </AppContext.Provider>,
    );
    const min = await screen.findByTestId("policy-min_length");
    await userEvent.clear(min);
    await userEvent.type(min, "200");
    await userEvent.type(screen.getByTestId("settings-preview"), "abc");
    await waitFor(() => {
      const last = calls.filter((c) => c.command === "evaluate_password").at(-1);
      expect(last?.args).toMatchObject({ candidate: "abc", policy: { min_length: 200 } });
    });
    expect(screen.getByTestId("settings-policy-preset")).toHaveValue("custom");

    await userEvent.click(screen.getByTestId("settings-save"));
    expect(await screen.findByText("Must not exceed the maximum length.")).toBeInTheDocument();
    expect(screen.getByTestId("settings-lockout-threshold-error")).toHaveTextContent("From 3 to 100.");
    expect(screen.getByTestId("form-error")).toBeInTheDocument();
    expect(calls.some((c) => c.command === "set_preferences")).toBe(false);
  });
});
