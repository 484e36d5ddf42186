import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import { AppContext } from "../lib/app";
import { problem } from "../test/fixtures";
import { onInvoke, resetInvoke } from "../test/tauri-mock";
import { SignInScreen } from "./SignIn";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const state: AppState = {
  connection: { kind: "local", label: "Local database", detail: "/tmp/g.db" },
  instance: { initialized: true, instance_id: "i1", organization: "Acme", created_at: "2026-01-01T00:00:00Z" },
  connection_problem: null,
  session: null,
  preferences: { clipboard_clear_seconds: 30, theme: "system" },
};

function renderSignIn() {
  render(
    <AppContext.Provider value={{ state, setState: () => undefined, refresh: () => Promise.resolve(), session: null }}>
      <SignInScreen />
    </AppContext.Provider>,
  );
}

const t = (id: string) => screen.getByTestId(id);

describe("sign in", () => {
  beforeEach(() => resetInvoke());

  it("after a failed sign-in, empties the password and puts the focus on it, also when the button was clicked", async () => {
    onInvoke((cmd) =>
      cmd === "sign_in"
        ? Promise.reject(problem({ code: "invalid_credentials", status: 401, title: "Sign-in failed", detail: "Wrong username or password.", errors: [] }))
        : Promise.reject(problem()),
    );
    renderSignIn();
    expect(t("signin-login")).toHaveFocus();
    await userEvent.type(t("signin-login"), "jlopez");
    await userEvent.type(t("signin-password"), "wrong{Enter}");
    expect(await screen.findByTestId("form-error")).toHaveTextContent("Wrong username or password.");
    expect(t("signin-password")).toHaveValue("");
    expect(t("signin-password")).toHaveFocus();

    await userEvent.type(t("signin-password"), "again");
    await userEvent.click(t("signin-submit"));
    await waitFor(() => expect(t("signin-password")).toHaveValue(""));
    expect(t("signin-password")).toHaveFocus();
  });

  it("drops a field's error as soon as the field changes, and the banner with the last one", async () => {
    onInvoke((cmd) =>
      cmd === "sign_in"
        ? Promise.reject(problem({ errors: [{ field: "login", code: "invalid", message: "Enter a username or an email address." }] }))
        : Promise.reject(problem()),
    );
    renderSignIn();
    await userEvent.type(t("signin-login"), "@");
    await userEvent.type(t("signin-password"), "secret{Enter}");
    expect(await screen.findByText("Enter a username or an email address.")).toBeInTheDocument();
    expect(t("signin-login")).toHaveAttribute("aria-invalid", "true");
    expect(t("form-error")).toBeInTheDocument();

    await userEvent.type(t("signin-login"), "j");
    expect(screen.queryByText("Enter a username or an email address.")).toBeNull();
    expect(t("signin-login")).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByTestId("form-error")).toBeNull();
  });
});
