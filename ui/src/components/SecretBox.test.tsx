import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ClipboardProvider } from "../lib/clipboard";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { SecretDialog } from "./SecretBox";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

describe("secret dialog", () => {
  beforeEach(() => resetInvoke());

  it("copies through the shell, counts down, and closes only once saving is confirmed", async () => {
    onInvoke((cmd) =>
      cmd === "copy_secret" ? Promise.resolve({ clears_at: new Date(Date.now() + 30_000).toISOString(), seconds: 30 }) : Promise.resolve(null),
    );
    const onClose = vi.fn();
    render(
      <ClipboardProvider>
        <SecretDialog title="API token" what="API token" secret="gth_secret_value" onClose={onClose} />
      </ClipboardProvider>,
    );
    expect(screen.getByTestId("token-value")).toHaveTextContent("gth_secret_value");
    // Focus moves into the dialog, on Copy.
    expect(screen.getByTestId("copy-button")).toHaveFocus();

    await userEvent.click(screen.getByTestId("copy-button"));
    expect(calls).toContainEqual({ command: "copy_secret", args: { text: "gth_secret_value" } });
    await waitFor(() => expect(screen.getByTestId("clipboard-countdown")).toHaveTextContent(/Clipboard clears in (30|29) s/));

    expect(screen.getByTestId("close-dialog")).toBeDisabled();
    await userEvent.keyboard("{Escape}");
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent(/Confirm that you have saved/);

    await userEvent.click(screen.getByTestId("confirm-saved"));
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("closes with Enter from its checkbox once saving is confirmed, not before", async () => {
    const onClose = vi.fn();
    render(
      <ClipboardProvider>
        <SecretDialog title="API token" what="API token" secret="gth_secret_value" onClose={onClose} />
      </ClipboardProvider>,
    );
    const saved = screen.getByTestId("confirm-saved");
    saved.focus();
    await userEvent.keyboard("{Enter}");
    expect(onClose).not.toHaveBeenCalled();
    await userEvent.keyboard(" ");
    expect(saved).toBeChecked();
    await userEvent.keyboard("{Enter}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("shows the shell's problem when copying fails", async () => {
    onInvoke(() => Promise.reject({ title: "Clipboard unavailable", detail: "No clipboard on this display.", code: "internal", status: 500 }));
    render(
      <ClipboardProvider>
        <SecretDialog title="Temporary password" what="temporary password" secret="Tmp-1" onClose={() => undefined} />
      </ClipboardProvider>,
    );
    await userEvent.click(screen.getByTestId("copy-button"));
    expect(await screen.findByTestId("form-error")).toHaveTextContent("No clipboard on this display.");
    expect(screen.queryByText(/Clipboard clears/)).toBeNull();
  });
});
