import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PolicyReport } from "../bindings/PolicyReport";
import { NewUserForm } from "../screens/NewUser";
import { ALL_PASS, deferred, problem, report, user } from "../test/fixtures";
import { calls, candidateOf, onInvoke, resetInvoke } from "../test/tauri-mock";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

/** A fake core: passwords of 12+ characters pass everything, shorter ones fail length and strength. */
function fakeEvaluate(candidate: string): PolicyReport {
  if (candidate.length >= 12) return ALL_PASS;
  return report({ uppercase: /[A-Z]/.test(candidate), digit: /\d/.test(candidate), not_common: candidate !== "password" }, 1);
}

function rules() {
  return screen.getAllByTestId("password-rule").map((li) => [li.getAttribute("data-rule"), li.getAttribute("data-passed")]);
}

function renderForm() {
  const onCreated = vi.fn();
  render(<NewUserForm admin={false} onCreated={onCreated} onCancel={() => undefined} />);
  return { onCreated };
}

describe("password feedback", () => {
  beforeEach(() => resetInvoke());

  it("lists the rules as to-dos, without a verdict, before anything is typed", async () => {
    onInvoke((cmd, args) =>
      cmd === "evaluate_password" ? Promise.resolve(fakeEvaluate(candidateOf(args))) : Promise.reject(problem()),
    );
    renderForm();
    await waitFor(() => expect(screen.getAllByTestId("password-rule").length).toBeGreaterThan(0));
    for (const li of screen.getAllByTestId("password-rule")) expect(li.className).toBe("rule todo");
    expect(screen.getByTestId("strength-meter").getAttribute("data-score")).toBe("");
    expect(screen.getByText("Type a password to see how strong it is.")).toBeTruthy();
    await userEvent.type(screen.getByTestId("user-password"), "Abc1");
    await waitFor(() => expect(screen.getByTestId("strength-meter").getAttribute("data-score")).toBe("1"));
    expect(screen.getAllByTestId("password-rule").some((li) => li.className === "rule fail")).toBe(true);
  });

  it("renders every rule with its state, the strength meter, crack time and advice", async () => {
    onInvoke((cmd, args) =>
      cmd === "evaluate_password" ? Promise.resolve(fakeEvaluate(candidateOf(args))) : Promise.reject(problem()),
    );
    renderForm();
    await userEvent.type(screen.getByTestId("user-password"), "Abc1");

    await waitFor(() =>
      expect(rules()).toEqual([
        ["min_length", "false"],
        ["uppercase", "true"],
        ["digit", "true"],
        ["not_common", "true"],
        ["min_strength", "false"],
      ]),
    );
    expect(screen.getByText("At least 12 characters")).toBeInTheDocument();
    const meter = screen.getByTestId("strength-meter");
    expect(meter).toHaveAttribute("data-score", "1");
    expect(meter).toHaveAttribute("aria-valuenow", "1");
    expect(screen.getByText(/cracked in 3 minutes/)).toBeInTheDocument();
    expect(screen.getByText("This is similar to a commonly used password.")).toBeInTheDocument();
    expect(screen.getByText("Add another word or two.")).toBeInTheDocument();
    // The form's own context goes along, so personal-info rules can apply.
    const last = calls.filter((c) => c.command === "evaluate_password").at(-1);
    expect(last?.args).toMatchObject({ candidate: { password: "Abc1", policy: null, context: { username: null, email: null } } });
  });

  it("says when the strength was judged on the first characters only", async () => {
    const bounded = report({ min_length: true, uppercase: true, digit: true, not_common: true, min_strength: true }, 3);
    bounded.strength.bounded = true;
    onInvoke((cmd) => (cmd === "evaluate_password" ? Promise.resolve(bounded) : Promise.reject(problem())));
    renderForm();
    await userEvent.type(screen.getByTestId("user-password"), "p@ssw0rd4@8<3691!");
    await waitFor(() => expect(screen.getByTestId("strength-bounded")).toHaveTextContent(/first characters only/));
    expect(screen.getByTestId("strength-meter")).toHaveAttribute("data-score", "3");
  });

  it("ignores out-of-order replies and keeps the previous result while a new one is pending", async () => {
    const pending = new Map<string, ReturnType<typeof deferred<PolicyReport>>>();
    onInvoke((cmd, args) => {
      if (cmd !== "evaluate_password") return Promise.reject(problem());
      const d = deferred<PolicyReport>();
      pending.set(candidateOf(args), d);
      return d.promise;
    });
    renderForm();
    await waitFor(() => expect(pending.has("")).toBe(true));
    await act(async () => pending.get("")!.resolve(fakeEvaluate("")));
    await waitFor(() => expect(screen.getAllByTestId("password-rule")).toHaveLength(5));

    const input = screen.getByTestId("user-password");
    await userEvent.type(input, "short");
    await waitFor(() => expect(pending.has("short")).toBe(true));
    // Still pending: the previous rules stay on screen, marked as updating.
    expect(screen.getAllByTestId("password-rule")).toHaveLength(5);
    expect(screen.getByTestId("password-rules")).toHaveAttribute("aria-busy", "true");
    expect(screen.getByTestId("password-updating")).toHaveTextContent("updating");

    await userEvent.type(input, "-but-now-long");
    await waitFor(() => expect(pending.has("short-but-now-long")).toBe(true));

    // The newer reply arrives first, then the stale one.
    await act(async () => pending.get("short-but-now-long")!.resolve(ALL_PASS));
    await waitFor(() => expect(rules().every(([, p]) => p === "true")).toBe(true));
    await act(async () => pending.get("short")!.resolve(fakeEvaluate("short")));
    await act(async () => new Promise((r) => setTimeout(r, 20)));

    expect(rules().every(([, p]) => p === "true")).toBe(true);
    expect(screen.getByTestId("strength-meter")).toHaveAttribute("data-score", "4");
    // Current again: no longer marked.
    expect(screen.getByTestId("password-rules")).not.toHaveAttribute("aria-busy");
    expect(screen.queryByTestId("password-updating")).toBeNull();
  });

  it("keeps submit disabled until the policy passes", async () => {
    onInvoke((cmd, args) =>
      cmd === "evaluate_password" ? Promise.resolve(fakeEvaluate(candidateOf(args))) : Promise.reject(problem()),
    );
    renderForm();
    const submit = screen.getByTestId("user-submit");
    await userEvent.type(screen.getByTestId("user-username"), "jdoe");
    await userEvent.type(screen.getByTestId("user-email"), "jdoe@example.org");
    await userEvent.type(screen.getByTestId("user-password"), "password");
    await waitFor(() => expect(rules().some(([, p]) => p === "false")).toBe(true));
    expect(submit).toBeDisabled();

    // Enter does not submit either while the policy fails.
    await userEvent.type(screen.getByTestId("user-password"), "{Enter}");
    expect(calls.some((c) => c.command === "create_user")).toBe(false);

    await userEvent.type(screen.getByTestId("user-password"), "-Grows-Long-7");
    await waitFor(() => expect(submit).toBeEnabled());
  });

  it("shows each field's message from a server-side Problem beside its field", async () => {
    onInvoke((cmd, args) => {
      if (cmd === "evaluate_password") return Promise.resolve(fakeEvaluate(candidateOf(args)));
      if (cmd === "create_user")
        return Promise.reject(
          problem({
            detail: "The password policy changed meanwhile.",
            errors: [
              { field: "password", code: "min_length", message: "At least 16 characters" },
              { field: "username", code: "taken", message: "This username is taken." },
            ],
          }),
        );
      return Promise.reject(new Error("unexpected"));
    });
    const { onCreated } = renderForm();
    await userEvent.type(screen.getByTestId("user-username"), "jdoe");
    await userEvent.type(screen.getByTestId("user-email"), "jdoe@example.org");
    await userEvent.type(screen.getByTestId("user-password"), "Correct-Horse-9");
    await waitFor(() => expect(screen.getByTestId("user-submit")).toBeEnabled());
    await userEvent.click(screen.getByTestId("user-submit"));

    const pwError = await screen.findByTestId("user-password-error");
    expect(pwError).toHaveTextContent("At least 16 characters");
    expect(screen.getByTestId("user-password").getAttribute("aria-describedby")).toContain(pwError.id);
    expect(screen.getByTestId("user-password")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("user-username-error")).toHaveTextContent("This username is taken.");
    expect(within(screen.getByTestId("form-error")).getByText(/policy changed meanwhile/)).toBeInTheDocument();
    expect(screen.queryByTestId("user-email-error")).toBeNull();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it("creates the user once the policy passes", async () => {
    onInvoke((cmd, args) => {
      if (cmd === "evaluate_password") return Promise.resolve(fakeEvaluate(candidateOf(args)));
      if (cmd === "create_user") return Promise.resolve(user());
      return Promise.reject(problem());
    });
    const { onCreated } = renderForm();
    await userEvent.type(screen.getByTestId("user-username"), "jdoe");
    await userEvent.type(screen.getByTestId("user-email"), "jdoe@example.org");
    await userEvent.type(screen.getByTestId("user-password"), "Correct-Horse-9");
    await waitFor(() => expect(screen.getByTestId("user-submit")).toBeEnabled());
    await userEvent.type(screen.getByTestId("user-password"), "{Enter}");
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(user()));
    const req = calls.find((c) => c.command === "create_user")?.args?.request;
    expect(req).toMatchObject({ username: "jdoe", email: "jdoe@example.org", password: "Correct-Horse-9", first_name: null, roles: ["viewer"] });
  });
});
