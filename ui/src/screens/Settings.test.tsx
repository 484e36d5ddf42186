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
  access_token_minutes: 60, api_token_days: 90, api_token_max_days: 365, lockout_threshold: 5, lockout_minutes: 15, blocked_email_domains: ["gmail.com"],
  second_factor: "off",
};
const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };

/** A shell answering the settings screen's reads; `update` answers update_settings. */
function shell(update: () => Promise<unknown> = () => Promise.resolve(settings)) {
  onInvoke((cmd, args) => {
    switch (cmd) {
      case "get_settings":
        return Promise.resolve(settings);
      case "get_preferences":
        return Promise.resolve({ clipboard_clear_seconds: 30, theme: "system" });
      case "policy_presets":
        return Promise.resolve([{ preset: "recommended", label: "Recommended", policy: settings.password_policy }]);
      case "evaluate_password":
        return Promise.resolve(ALL_PASS);
      case "set_preferences":
        return Promise.resolve(args?.preferences);
      case "update_settings":
        return update();
      default:
        return Promise.reject(problem());
    }
  });
}

function renderSettings(refresh = vi.fn(() => Promise.resolve())) {
  render(
    <AppContext.Provider value={{ state, setState: () => undefined, refresh, session: null }}>
      <SettingsScreen />
    </AppContext.Provider>,
  );
  return refresh;
}

const commands = () => calls.map((c) => c.command).filter((c) => c === "set_preferences" || c === "update_settings");

describe("settings", () => {
  beforeEach(() => resetInvoke());

  it("previews the edited policy live and shows the server's field errors beside their fields", async () => {
    shell(() =>
      Promise.reject(
        problem({
          errors: [
            { field: "password_policy.min_length", code: "range", message: "Must not exceed the maximum length." },
            { field: "lockout_threshold", code: "range", message: "From 3 to 100." },
          ],
        }),
      ),
    );
    renderSettings();
    const min = await screen.findByTestId("policy-min_length");
    await userEvent.clear(min);
    await userEvent.type(min, "20");
    await userEvent.type(screen.getByTestId("settings-preview"), "abc");
    await waitFor(() => {
      const last = calls.filter((c) => c.command === "evaluate_password").at(-1);
      expect(last?.args).toMatchObject({ candidate: { password: "abc", policy: { min_length: 20 } } });
    });
    expect(screen.getByTestId("settings-policy-preset")).toHaveValue("custom");

    await userEvent.click(screen.getByTestId("settings-save"));
    expect(await screen.findByText("Must not exceed the maximum length.")).toBeInTheDocument();
    expect(screen.getByTestId("settings-lockout-threshold-error")).toHaveTextContent("From 3 to 100.");
    expect(screen.getByTestId("form-error")).toBeInTheDocument();
    // This computer's preference went first (it cannot be what failed), then the refused settings.
    expect(commands()).toEqual(["set_preferences", "update_settings"]);
  });

  it("saves this computer's preference before the instance's settings", async () => {
    shell();
    const refresh = renderSettings();
    const delay = await screen.findByTestId("settings-clipboard-clear-seconds");
    await userEvent.clear(delay);
    await userEvent.type(delay, "45");
    await userEvent.click(screen.getByTestId("settings-save"));
    expect(await screen.findByText("✓ Settings saved.")).toBeInTheDocument();
    expect(commands()).toEqual(["set_preferences", "update_settings"]);
    expect(calls.find((c) => c.command === "set_preferences")?.args).toEqual({ preferences: { clipboard_clear_seconds: 45, theme: "system" } });
    expect(refresh).toHaveBeenCalled();
  });

  it("refuses a clipboard delay outside 5–600 seconds beside its field, saving nothing", async () => {
    shell();
    renderSettings();
    const delay = await screen.findByTestId("settings-clipboard-clear-seconds");
    for (const bad of ["700", "4", "", "2.5"]) {
      await userEvent.clear(delay);
      if (bad) await userEvent.type(delay, bad);
      expect(screen.getByTestId("settings-clipboard-clear-seconds-error")).toHaveTextContent("Enter a whole number from 5 to 600.");
      expect(screen.getByTestId("settings-save")).toBeDisabled();
    }
    await userEvent.click(screen.getByTestId("settings-save"));
    await userEvent.type(delay, "{Enter}");
    expect(commands()).toEqual([]);

    await userEvent.clear(delay);
    await userEvent.type(delay, "600");
    expect(screen.queryByTestId("settings-clipboard-clear-seconds-error")).toBeNull();
    expect(screen.getByTestId("settings-save")).toBeEnabled();
  });

  it("checks each policy number locally: an empty, negative, fractional or too large one is shown beside its field and blocks Save", async () => {
    shell();
    renderSettings();
    const min = await screen.findByTestId("policy-min_length");
    const save = screen.getByTestId("settings-save");
    expect(save).toBeEnabled();

    await userEvent.clear(min);
    expect(screen.getByTestId("policy-min_length-error")).toHaveTextContent("Enter a whole number from 1 to 1024.");
    expect(min).toHaveAttribute("aria-invalid", "true");
    expect(save).toBeDisabled();
    await userEvent.type(min, "-3");
    expect(screen.getByTestId("policy-min_length-error")).toBeInTheDocument();
    expect(save).toBeDisabled();
    await userEvent.clear(min);
    await userEvent.type(min, "12");
    expect(screen.queryByTestId("policy-min_length-error")).toBeNull();
    expect(save).toBeEnabled();

    const max = screen.getByTestId("policy-max_length");
    await userEvent.clear(max);
    await userEvent.type(max, "5000");
    expect(screen.getByTestId("policy-max_length-error")).toHaveTextContent("Enter a whole number from 1 to 1024.");
    expect(save).toBeDisabled();
    await userEvent.clear(max);
    await userEvent.type(max, "10");
    expect(screen.getByTestId("policy-max_length-error")).toHaveTextContent("The maximum length must not be below the minimum length.");
    await userEvent.clear(max);
    await userEvent.type(max, "64");

    const classes = screen.getByTestId("policy-min_character_classes");
    await userEvent.clear(classes);
    await userEvent.type(classes, "1.5");
    expect(screen.getByTestId("policy-min_character_classes-error")).toHaveTextContent("Enter a whole number from 0 to 4.");
    expect(save).toBeDisabled();
    await userEvent.click(save);
    expect(commands()).toEqual([]);
    // Meanwhile the preview is checked against the last valid policy (the "1" typed before ".5").
    await userEvent.type(screen.getByTestId("settings-preview"), "abc");
    await waitFor(() => {
      const last = calls.filter((c) => c.command === "evaluate_password").at(-1);
      expect(last?.args).toMatchObject({ candidate: { password: "abc", policy: { min_length: 12, max_length: 64, min_character_classes: 1 } } });
    });

    await userEvent.clear(classes);
    await userEvent.type(classes, "2");
    expect(save).toBeEnabled();
    await userEvent.click(save);
    await waitFor(() => expect(commands()).toEqual(["set_preferences", "update_settings"]));
    expect(calls.find((c) => c.command === "update_settings")?.args?.settings).toMatchObject({
      password_policy: { min_length: 12, max_length: 64, min_character_classes: 2 },
    });
  });

  it("edits the API token lifetime limit: no default beyond it, and no limit sends null", async () => {
    shell();
    renderSettings();
    const max = await screen.findByTestId("settings-api-token-max-days");
    const save = screen.getByTestId("settings-save");
    await userEvent.clear(max);
    await userEvent.type(max, "30");
    expect(screen.getByTestId("settings-api-token-days-error")).toHaveTextContent("Enter at most the longest lifetime (30 days).");
    expect(save).toBeDisabled();

    await userEvent.click(screen.getByTestId("settings-api-token-unlimited"));
    expect(screen.queryByTestId("settings-api-token-max-days")).toBeNull();
    expect(screen.queryByTestId("settings-api-token-days-error")).toBeNull();
    await userEvent.click(save);
    await waitFor(() => expect(commands()).toEqual(["set_preferences", "update_settings"]));
    expect(calls.find((c) => c.command === "update_settings")?.args?.settings).toMatchObject({ api_token_days: 90, api_token_max_days: null });
  });

  it("drops a refused field's error when it changes, and the banner once no refused field is left", async () => {
    shell(() =>
      Promise.reject(
        problem({
          errors: [
            { field: "lockout_threshold", code: "range", message: "From 3 to 100." },
            { field: "password_policy.min_strength_score", code: "range", message: "Too weak for this instance." },
          ],
        }),
      ),
    );
    renderSettings();
    await userEvent.click(await screen.findByTestId("settings-save"));
    expect(await screen.findByTestId("settings-lockout-threshold-error")).toHaveTextContent("From 3 to 100.");
    expect(screen.getByTestId("policy-min_strength_score-error")).toHaveTextContent("Too weak for this instance.");
    expect(screen.getByTestId("form-error")).toBeInTheDocument();

    await userEvent.type(screen.getByTestId("settings-lockout-threshold"), "0");
    expect(screen.queryByTestId("settings-lockout-threshold-error")).toBeNull();
    // Another refused field is still as it was: its error and the banner stay.
    expect(screen.getByTestId("policy-min_strength_score-error")).toBeInTheDocument();
    expect(screen.getByTestId("form-error")).toBeInTheDocument();

    // Changing another rule of the policy leaves that rule's error.
    await userEvent.click(screen.getByLabelText("Require a digit"));
    expect(screen.getByTestId("policy-min_strength_score-error")).toBeInTheDocument();
    const strength = screen.getByTestId("policy-min_strength_score");
    await userEvent.clear(strength);
    await userEvent.type(strength, "4");
    expect(screen.queryByTestId("policy-min_strength_score-error")).toBeNull();
    expect(screen.queryByTestId("form-error")).toBeNull();
  });

  it("applies and saves a chosen theme at once, keeping the saved clipboard delay", async () => {
    shell();
    const setState = vi.fn();
    render(
      <AppContext.Provider value={{ state, setState, refresh: () => Promise.resolve(), session: null }}>
        <SettingsScreen />
      </AppContext.Provider>,
    );
    const dark = await screen.findByTestId("settings-theme-dark");
    expect(screen.getByTestId("settings-theme-system")).toBeChecked();
    // An unsaved edit of the delay is not saved with the theme.
    await userEvent.type(screen.getByTestId("settings-clipboard-clear-seconds"), "0");
    await userEvent.click(dark);
    await waitFor(() => expect(setState).toHaveBeenCalledWith({ ...state, preferences: { clipboard_clear_seconds: 30, theme: "dark" } }));
    expect(calls.filter((c) => c.command === "set_preferences").map((c) => c.args)).toEqual([{ preferences: { clipboard_clear_seconds: 30, theme: "dark" } }]);
    expect(dark).toBeChecked();
    expect(commands()).toEqual(["set_preferences"]);
  });
});
