import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import { AppContext } from "../lib/app";
import { problem, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
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

  it("asks for a code after a right password of a user with two-step sign-in, and signs in with it or a recovery code", async () => {
    const challenged = problem({
      code: "second_factor_required",
      status: 401,
      title: "Second factor required",
      detail: "Enter the code.",
      second_factor: { challenge: "ch-1", expires_at: "2099-01-01T00:00:00Z" },
    });
    let attempts = 0;
    onInvoke((cmd) => {
      if (cmd === "sign_in") return Promise.reject(challenged);
      if (cmd === "complete_sign_in") {
        attempts += 1;
        return attempts === 1
          ? Promise.reject(problem({ code: "invalid_credentials", status: 401, title: "Sign-in failed", detail: "Sign-in failed: wrong username or password." }))
          : Promise.resolve({ user: user(), must_change_password: false, must_enroll_second_factor: false, expires_at: "2099-01-01T00:00:00Z" });
      }
      return Promise.reject(problem());
    });
    renderSignIn();
    await userEvent.type(t("signin-login"), "ada");
    await userEvent.type(t("signin-password"), "right{Enter}");
    // The code step, focused, with no error shown for the challenge itself.
    expect(await screen.findByTestId("signin-code")).toHaveFocus();
    expect(screen.queryByTestId("form-error")).toBeNull();
    await userEvent.type(t("signin-code"), "000000{Enter}");
    // The password was right: the refusal is about the code, not the password.
    expect(await screen.findByTestId("form-error")).toHaveTextContent("This code was not accepted");
    expect(screen.getByTestId("form-error")).not.toHaveTextContent("password");
    await userEvent.click(t("signin-use-recovery"));
    expect(screen.getByLabelText("Recovery code")).toBeInTheDocument();
    await userEvent.type(t("signin-code"), "abcd-efgh-jkmn-pqrs{Enter}");
    await waitFor(() => expect(attempts).toBe(2));
    const sent = calls.filter((c) => c.command === "complete_sign_in").map((c) => c.args?.request);
    expect(sent).toEqual([
      { challenge: "ch-1", code: "000000", recovery_code: null },
      { challenge: "ch-1", code: null, recovery_code: "abcd-efgh-jkmn-pqrs" },
    ]);
  });

  it("goes back to the password when the challenge expired", async () => {
    onInvoke((cmd) => {
      if (cmd === "sign_in")
        return Promise.reject(problem({ code: "second_factor_required", status: 401, second_factor: { challenge: "ch-1", expires_at: "2099-01-01T00:00:00Z" } }));
      return Promise.reject(problem({ errors: [{ field: "challenge", code: "expired", message: "This sign-in took too long: enter your password again." }] }));
    });
    renderSignIn();
    await userEvent.type(t("signin-login"), "ada");
    await userEvent.type(t("signin-password"), "right{Enter}");
    await userEvent.type(await screen.findByTestId("signin-code"), "123456{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("took too long");
    await userEvent.click(t("signin-back"));
    expect(t("signin-password")).toBeInTheDocument();
  });
});
