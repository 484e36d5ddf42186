import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import { AppContext } from "../lib/app";
import { ClipboardProvider } from "../lib/clipboard";
import { problem, user } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { TwoStepScreen } from "./TwoStep";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const state: AppState = {
  connection: { kind: "local", label: "Local database", detail: "/tmp/g.db" },
  instance: { initialized: true, instance_id: "i1", organization: "Acme", created_at: "2026-01-01T00:00:00Z" },
  connection_problem: null,
  session: { user: user(), must_change_password: false, must_enroll_second_factor: true, expires_at: "2099-01-01T00:00:00Z" },
  preferences: { clipboard_clear_seconds: 30, theme: "system" },
};

const t = (id: string) => screen.getByTestId(id);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><path d="M1 1h1v1H1z"/></svg>';

describe("two-step sign-in", () => {
  beforeEach(() => resetInvoke());

  it("sets up with the QR code and the key shown, confirms with a code and shows the recovery codes once", async () => {
    const setState = vi.fn();
    const codes = Array.from({ length: 10 }, (_, i) => `aaaa-bbbb-cccc-000${i}`);
    onInvoke((cmd, args) => {
      if (cmd === "me") return Promise.resolve(user());
      if (cmd === "start_totp_enrollment") return Promise.resolve({ secret: "JBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/x", qr_svg: SVG });
      if (cmd === "confirm_totp_enrollment") {
        const code = (args?.confirmation as { code: string }).code;
        return code === "123456"
          ? Promise.resolve({ codes, user: user({ second_factor: true }) })
          : Promise.reject(problem({ errors: [{ field: "code", code: "incorrect", message: "This is not the current code." }] }));
      }
      if (cmd === "app_state") return Promise.resolve(state);
      return Promise.reject(problem());
    });
    render(
      <AppContext.Provider value={{ state, setState, refresh: () => Promise.resolve(), session: state.session }}>
        <ClipboardProvider>
          <TwoStepScreen forced />
        </ClipboardProvider>
      </AppContext.Provider>,
    );
    expect(screen.getByRole("heading", { name: "Set up two-step sign-in" })).toBeInTheDocument();
    await waitFor(() => expect(t("two-step-start")).toBeEnabled());
    await userEvent.click(t("two-step-start"));
    expect(await screen.findByRole("img", { name: /QR code/ })).toContainHTML("<svg");
    expect(t("two-step-secret")).toHaveTextContent("JBSWY3DPEHPK3PXP");
    await userEvent.type(t("two-step-code"), "000000{Enter}");
    expect(await screen.findByText("This is not the current code.")).toBeInTheDocument();
    await userEvent.clear(t("two-step-code"));
    await userEvent.type(t("two-step-code"), "123456{Enter}");
    expect(await screen.findByTestId("two-step-on")).toBeInTheDocument();
    expect(t("token-value")).toHaveTextContent("aaaa-bbbb-cccc-0009");
    // Done only once the codes are saved; then the forced screen gives way.
    expect(t("two-step-done")).toBeDisabled();
    await userEvent.click(t("confirm-saved"));
    await userEvent.click(t("two-step-done"));
    expect(setState).toHaveBeenCalledWith(expect.objectContaining({ session: expect.objectContaining({ must_enroll_second_factor: false }) }));
    expect(calls.map((c) => c.command)).toContain("confirm_totp_enrollment");
  });
});
