import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ALL_PASS, fakeCheckField, problem } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { NewUserForm } from "./NewUser";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const t = (id: string) => screen.getByTestId(id);

describe("new user: each field checked as it is left", () => {
  beforeEach(() => {
    resetInvoke();
    onInvoke((cmd, args) => {
      switch (cmd) {
        case "evaluate_password":
          return Promise.resolve(ALL_PASS);
        case "check_field":
          // The instance blocks gmail.com (the shell asks the backend when the check names no domains).
          return Promise.resolve(fakeCheckField(args, ["gmail.com"]));
        default:
          return Promise.reject(problem());
      }
    });
  });

  it("reports the instance's blocked domain while the address is typed, and drops it as the field changes", async () => {
    render(<NewUserForm admin={false} onCreated={vi.fn()} onCancel={vi.fn()} />);
    await userEvent.type(t("user-email"), "jo@gmail.com");
    expect(await screen.findByTestId("user-email-error")).toHaveTextContent("This email domain is not allowed.");
    expect(t("user-email")).toHaveFocus();
    const typed = calls.filter((c) => c.command === "check_field").map((c) => c.args?.check);
    // Asked with no list of its own (the instance's), and only once the domain had a dot.
    expect(typed.every((c) => (c as { blocked_email_domains: unknown }).blocked_email_domains === null)).toBe(true);
    expect(typed.some((c) => (c as { value: string }).value === "jo@gmai")).toBe(false);

    await userEvent.type(t("user-email"), "{Backspace}{Backspace}{Backspace}{Backspace}");
    expect(screen.queryByTestId("user-email-error")).toBeNull();
  });

  it("says an invalid address only once the field is left, not while it is typed", async () => {
    render(<NewUserForm admin={false} onCreated={vi.fn()} onCancel={vi.fn()} />);
    await userEvent.type(t("user-email"), "jo@example");
    await new Promise((r) => setTimeout(r, 400));
    expect(screen.queryByTestId("user-email-error")).toBeNull();
    await userEvent.tab();
    expect(await screen.findByTestId("user-email-error")).toHaveTextContent("Enter a valid email address.");
    await waitFor(() => expect(t("user-email")).toHaveAttribute("aria-invalid", "true"));
  });
});
