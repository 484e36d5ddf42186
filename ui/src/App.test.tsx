import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import type { AppPreferences } from "./bindings/AppPreferences";
import type { AppState } from "./bindings/AppState";
import { ALL_PASS, user } from "./test/fixtures";
import { onInvoke, resetInvoke } from "./test/tauri-mock";

vi.mock("@tauri-apps/api/core", () => import("./test/tauri-mock"));

const local = { kind: "local" as const, label: "Local database", detail: "/tmp/g.db" };
const ready = { initialized: true, instance_id: "i1", organization: "Acme", created_at: "2026-01-01T00:00:00Z" };
const session = { user: user(), must_change_password: false, must_enroll_second_factor: false, expires_at: "2099-01-01T01:00:00Z" };

function shellWith(state: AppState) {
  onInvoke((cmd) => {
    switch (cmd) {
      case "app_state":
        return Promise.resolve(state);
      case "evaluate_password":
        return Promise.resolve(ALL_PASS);
      case "list_users":
        return Promise.resolve({ items: [user()], total: 1, total_exact: true, next_cursor: null });
      case "policy_presets":
      case "saved_profiles":
      case "suggested_blocked_domains":
        return Promise.resolve([]);
      default:
        return Promise.reject({ title: "Unknown", code: "internal" });
    }
  });
}
const prefs: AppPreferences = { clipboard_clear_seconds: 30, theme: "system" };

describe("app routing", () => {
  beforeEach(() => resetInvoke());

  it("says why when the connection does not answer, and offers to change it", async () => {
    const problem = { type: "about:blank", title: "Certificate changed", status: 502, detail: "The certificate of gh.test is not the one this profile trusts.", code: "certificate_changed" as const, errors: [] };
    shellWith({ connection: { kind: "server", label: "Team", detail: "https://gh.test/" }, instance: null, connection_problem: problem, session: null, preferences: prefs });
    render(<App />);
    expect(await screen.findByText("The server does not answer as expected")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("not the one this profile trusts");
    expect(screen.getByTestId("change-connection")).toBeEnabled();
    expect(screen.queryByTestId("wizard-org-name")).toBeNull();
  });

  it("offers a connection first", async () => {
    shellWith({ connection: null, instance: null, connection_problem: null, session: null, preferences: prefs });
    render(<App />);
    expect(await screen.findByTestId("connect-local")).toBeInTheDocument();
  });

  it("runs the setup wizard while the instance is not set up", async () => {
    shellWith({ connection: local, instance: { ...ready, initialized: false }, connection_problem: null, session: null, preferences: prefs });
    render(<App />);
    expect(await screen.findByTestId("wizard-org-name")).toBeInTheDocument();
  });

  it("asks to sign in without a session", async () => {
    shellWith({ connection: local, instance: ready, connection_problem: null, session: null, preferences: prefs });
    render(<App />);
    expect(await screen.findByTestId("signin-login")).toBeInTheDocument();
  });

  it("forces a password change when the password is temporary", async () => {
    shellWith({ connection: local, instance: ready, connection_problem: null, session: { ...session, must_change_password: true }, preferences: prefs });
    render(<App />);
    expect(await screen.findByText("Choose a new password")).toBeInTheDocument();
    expect(screen.queryByTestId("nav-users")).toBeNull();
  });

  it("shows the users screen when signed in", async () => {
    shellWith({ connection: local, instance: ready, connection_problem: null, session, preferences: prefs });
    render(<App />);
    expect(await screen.findByTestId("user-row")).toHaveTextContent("jdoe");
    expect(screen.getByTestId("nav-users")).toHaveAttribute("aria-current", "page");
  });

  it("offers Skip to content as the first stop of the main layout, which moves the focus past the sidebar", async () => {
    shellWith({ connection: local, instance: ready, connection_problem: null, session, preferences: prefs });
    render(<App />);
    expect(await screen.findByTestId("user-row")).toBeInTheDocument();
    await userEvent.tab();
    const skip = screen.getByTestId("skip-to-content");
    expect(skip).toHaveFocus();
    expect(skip).toHaveTextContent("Skip to content");
    await userEvent.keyboard("{Enter}");
    expect(screen.getByRole("heading", { level: 1, name: "Users" })).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByTestId("new-admin")).toHaveFocus();
  });

  it("explains, without a stack trace, when the shell cannot answer", async () => {
    onInvoke(() => Promise.reject(new Error("IPC failed\n    at foo (bar.js:1:1)")));
    render(<App />);
    expect(await screen.findByTestId("form-error")).toHaveTextContent("Something went wrong");
    expect(screen.getByTestId("form-error")).not.toHaveTextContent("bar.js");
  });
});
