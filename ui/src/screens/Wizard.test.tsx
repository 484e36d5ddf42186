import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import type { PresetInfo } from "../bindings/PresetInfo";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import { AppContext } from "../lib/app";
import { ClipboardProvider } from "../lib/clipboard";
import { ALL_PASS, fakeCheckField, problem, report, user } from "../test/fixtures";
import { calls, candidateOf, onInvoke, resetInvoke } from "../test/tauri-mock";
import { SetupWizard } from "./Wizard";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const recommended: PasswordPolicy = {
  min_length: 12, max_length: 128, require_uppercase: false, require_lowercase: false, require_digit: false, require_special: false,
  min_character_classes: 0, forbid_whitespace: false, forbid_personal_info: true, min_strength_score: 3, forbid_common: true,
};
const presets: PresetInfo[] = [
  { preset: "recommended", label: "Recommended", policy: recommended },
  { preset: "seed000", label: "Seed 000", policy: { ...recommended, min_length: 8, require_special: true, min_strength_score: 0 } },
];
const state: AppState = {
  connection: { kind: "local", label: "Local database", detail: "/tmp/g.db" },
  instance: { initialized: false, instance_id: null, organization: null, created_at: null },
  connection_problem: null,
  session: null,
  preferences: { clipboard_clear_seconds: 30, theme: "system" },
};

function renderWizard(refresh = vi.fn(() => Promise.resolve()), shown: AppState = state) {
  render(
    <AppContext.Provider value={{ state: shown, setState: () => undefined, refresh, session: null }}>
      <ClipboardProvider>
        <SetupWizard />
      </ClipboardProvider>
    </AppContext.Provider>,
  );
  return refresh;
}

const t = (id: string) => screen.getByTestId(id);

describe("setup wizard", () => {
  beforeEach(() => resetInvoke());

  it("walks organization → admin → policy → review → done, and shows the token once", async () => {
    onInvoke((cmd, args) => {
      switch (cmd) {
        case "policy_presets":
          return Promise.resolve(presets);
        case "suggested_blocked_domains":
          return Promise.resolve(["gmail.com"]);
        case "evaluate_password":
          return Promise.resolve(candidateOf(args).length >= 12 ? ALL_PASS : report({}));
        case "setup":
          return Promise.resolve({
            data: { accessToken: "eyJ.secret.token", tokenType: "Bearer", expiresAt: "2026-01-01T01:00:00Z" },
            admin: user({ username: "jlopez", roles: ["admin"] }),
            account: { id: "a1", name: "Acme", plan: "standard", metadata: {}, created_at: "2026-01-01T00:00:00Z", created_by: null },
            instance_id: "i1",
          });
        case "copy_secret":
          return Promise.resolve({ clears_at: "2026-01-01T00:00:30Z", seconds: 30 });
        default:
          return Promise.reject(problem());
      }
    });
    const refresh = renderWizard();

    expect(t("wizard-next")).toBeDisabled();
    await userEvent.type(t("wizard-org-name"), "Acme{Enter}");

    await userEvent.type(t("wizard-first-name"), "Julia");
    await userEvent.type(t("wizard-last-name"), "Lopez");
    await userEvent.type(t("wizard-username"), "jlopez");
    await userEvent.type(t("wizard-email"), "julia@acme.test");
    await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
    await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-4");
    expect(await screen.findByText("The passwords do not match.")).toBeInTheDocument();
    expect(t("wizard-next")).toBeDisabled();
    await userEvent.type(t("wizard-password-confirm"), "2");
    await waitFor(() => expect(t("wizard-next")).toBeEnabled());
    await userEvent.click(t("wizard-next"));

    const preset = await screen.findByTestId("wizard-policy-preset");
    expect(preset).toHaveValue("recommended");
    await userEvent.selectOptions(preset, "seed000");
    await userEvent.selectOptions(preset, "recommended");
    await userEvent.click(t("wizard-next"));

    await waitFor(() => expect(t("wizard-finish")).toBeEnabled());
    await userEvent.click(t("wizard-finish"));

    expect(await screen.findByTestId("token-value")).toHaveTextContent("eyJ.secret.token");
    const setup = calls.find((c) => c.command === "setup")?.args?.request;
    expect(setup).toEqual({
      organization: "Acme", first_name: "Julia", last_name: "Lopez", username: "jlopez", email: "julia@acme.test",
      password: "Harbour-Lantern-42", password_policy: recommended, blocked_email_domains: [], plan: null,
    });

    await userEvent.click(t("copy-button"));
    expect(calls).toContainEqual({ command: "copy_secret", args: { text: "eyJ.secret.token" } });
    expect(t("close-dialog")).toBeDisabled();
    await userEvent.click(t("confirm-saved"));
    await userEvent.click(t("close-dialog"));
    expect(refresh).toHaveBeenCalled();
    expect(screen.queryByTestId("token-value")).toBeNull();
  });

  it("takes the admin back to the step of a field the server refused", async () => {
    onInvoke((cmd) => {
      switch (cmd) {
        case "policy_presets":
          return Promise.resolve(presets);
        case "suggested_blocked_domains":
          return Promise.resolve([]);
        case "evaluate_password":
          return Promise.resolve(ALL_PASS);
        case "setup":
          return Promise.reject(problem({ errors: [{ field: "email", code: "blocked_domain", message: "This email domain is not allowed." }] }));
        default:
          return Promise.reject(problem());
      }
    });
    renderWizard();
    await userEvent.type(t("wizard-org-name"), "Acme{Enter}");
    await userEvent.type(t("wizard-first-name"), "Julia");
    await userEvent.type(t("wizard-email"), "julia@gmail.com");
    await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
    await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-42");
    await waitFor(() => expect(t("wizard-next")).toBeEnabled());
    await userEvent.click(t("wizard-next"));
    await userEvent.click(await screen.findByTestId("wizard-next"));
    await waitFor(() => expect(t("wizard-finish")).toBeEnabled());
    await userEvent.click(t("wizard-finish"));

    expect(await screen.findByTestId("wizard-email-error")).toHaveTextContent("This email domain is not allowed.");
    expect(t("wizard-email")).toHaveValue("julia@gmail.com");
  });

  it("keeps Next disabled on the policy step while a policy number is out of range, with the reason beside it", async () => {
    onInvoke((cmd) => {
      switch (cmd) {
        case "policy_presets":
          return Promise.resolve(presets);
        case "suggested_blocked_domains":
          return Promise.resolve([]);
        case "evaluate_password":
          return Promise.resolve(ALL_PASS);
        default:
          return Promise.reject(problem());
      }
    });
    renderWizard();
    await userEvent.type(t("wizard-org-name"), "Acme{Enter}");
    await userEvent.type(t("wizard-first-name"), "Julia");
    await userEvent.type(t("wizard-email"), "julia@acme.test");
    await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
    await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-42");
    await waitFor(() => expect(t("wizard-next")).toBeEnabled());
    await userEvent.click(t("wizard-next"));

    const max = await screen.findByTestId("policy-max_length");
    expect(t("wizard-next")).toBeEnabled();
    await userEvent.clear(max);
    await userEvent.type(max, "2000");
    expect(t("policy-max_length-error")).toHaveTextContent("Enter a whole number from 1 to 1024.");
    expect(t("wizard-next")).toBeDisabled();
    await userEvent.clear(max);
    expect(t("wizard-next")).toBeDisabled();
    await userEvent.type(max, "{Enter}");
    expect(screen.queryByTestId("wizard-finish")).toBeNull();

    await userEvent.type(max, "128");
    expect(screen.queryByTestId("policy-max_length-error")).toBeNull();
    await userEvent.click(t("wizard-next"));
    expect(await screen.findByTestId("wizard-finish")).toBeInTheDocument();
    // Passwords were checked against a valid policy meanwhile (a value typed on the way,
    // such as 200 while typing 2000, may be evaluated when the machine is slow), never an
    // empty or too large maximum.
    const maxima = calls.filter((c) => c.command === "evaluate_password").map((c) => (c.args?.candidate as { policy: PasswordPolicy | null }).policy?.max_length);
    expect(maxima).toContain(128);
    expect(maxima.every((m) => m === undefined || (m >= 1 && m <= 1024))).toBe(true);
  });

  it("advances every step with Enter, the focus on each new step's first field", async () => {
    onInvoke((cmd, args) => {
      switch (cmd) {
        case "policy_presets":
          return Promise.resolve(presets);
        case "suggested_blocked_domains":
          return Promise.resolve(["gmail.com"]);
        case "evaluate_password":
          return Promise.resolve(candidateOf(args).length >= 12 ? ALL_PASS : report({}));
        case "setup":
          return Promise.resolve({
            data: { accessToken: "eyJ.secret.token", tokenType: "Bearer", expiresAt: "2026-01-01T01:00:00Z" },
            admin: user({ username: "jlopez", roles: ["admin"] }),
            account: { id: "a1", name: "Acme", plan: "standard", metadata: {}, created_at: "2026-01-01T00:00:00Z", created_by: null },
            instance_id: "i1",
          });
        default:
          return Promise.reject(problem());
      }
    });
    const refresh = renderWizard();

    // Organization: Enter in its one field.
    expect(t("wizard-org-name")).toHaveFocus();
    await userEvent.keyboard("Acme{Enter}");

    // First admin: Enter in the last field, once the password passes.
    expect(t("wizard-first-name")).toHaveFocus();
    await userEvent.keyboard("Julia");
    await userEvent.type(t("wizard-email"), "julia@acme.test");
    await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
    await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-42");
    await waitFor(() => expect(t("wizard-next")).toBeEnabled());
    await userEvent.keyboard("{Enter}");

    // Password policy: the preset first; Enter from a checkbox; in the domains, Enter is a new line and Ctrl+Enter goes on.
    expect(await screen.findByTestId("wizard-policy-preset")).toHaveFocus();
    const domains = t("wizard-blocked-domains");
    await userEvent.type(domains, "example.net{Enter}example.org");
    expect(domains).toHaveValue("example.net\nexample.org");
    expect(screen.queryByTestId("wizard-finish")).toBeNull();
    await userEvent.keyboard("{Control>}{Enter}{/Control}");
    expect(await screen.findByTestId("wizard-finish")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Back" }));
    expect(t("wizard-policy-preset")).toHaveFocus();
    // A policy changed back and forth: the password is checked again before it can be used.
    await userEvent.selectOptions(t("wizard-policy-preset"), "seed000");
    await userEvent.selectOptions(t("wizard-policy-preset"), "recommended");
    expect(t("wizard-policy-preset")).toHaveFocus();
    await userEvent.keyboard("{Enter}");

    // Review: the focus on "Create instance" as soon as it can be used, so Enter creates it.
    await waitFor(() => expect(t("wizard-finish")).toHaveFocus());
    await userEvent.keyboard("{Enter}");

    // Done: Copy first; Enter on "I have saved it" continues.
    expect(await screen.findByTestId("token-value")).toBeInTheDocument();
    expect(t("copy-button")).toHaveFocus();
    await userEvent.click(t("confirm-saved"));
    expect(refresh).not.toHaveBeenCalled();
    await userEvent.keyboard("{Enter}");
    expect(refresh).toHaveBeenCalled();
    expect(calls.filter((c) => c.command === "setup")).toHaveLength(1);
    expect(calls.find((c) => c.command === "setup")?.args?.request).toMatchObject({ organization: "Acme", blocked_email_domains: ["example.net", "example.org"] });
  });

  it("after a refused setup, puts the focus on the refused field; its error goes once it changes", async () => {
    onInvoke((cmd) => {
      switch (cmd) {
        case "policy_presets":
          return Promise.resolve(presets);
        case "suggested_blocked_domains":
          return Promise.resolve([]);
        case "evaluate_password":
          return Promise.resolve(ALL_PASS);
        case "setup":
          return Promise.reject(problem({ errors: [{ field: "email", code: "blocked_domain", message: "This email domain is not allowed." }] }));
        default:
          return Promise.reject(problem());
      }
    });
    renderWizard();
    await userEvent.type(t("wizard-org-name"), "Acme{Enter}");
    await userEvent.type(t("wizard-first-name"), "Julia");
    await userEvent.type(t("wizard-email"), "julia@gmail.com");
    await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
    await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-42");
    await waitFor(() => expect(t("wizard-next")).toBeEnabled());
    await userEvent.keyboard("{Enter}");
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(t("wizard-finish")).toHaveFocus());
    await userEvent.keyboard("{Enter}");

    expect(await screen.findByTestId("wizard-email-error")).toHaveTextContent("This email domain is not allowed.");
    await waitFor(() => expect(t("wizard-email")).toHaveFocus());
    await userEvent.keyboard("x");
    expect(screen.queryByTestId("wizard-email-error")).toBeNull();
    expect(t("wizard-email")).not.toHaveAttribute("aria-invalid");
  });

  it("asks a Gatehouse server's setup code on the review step and says so beside it when it is wrong", async () => {
    let codeTried: unknown[] = [];
    onInvoke((cmd, args) => {
      switch (cmd) {
        case "policy_presets":
          return Promise.resolve(presets);
        case "suggested_blocked_domains":
          return Promise.resolve([]);
        case "evaluate_password":
          return Promise.resolve(ALL_PASS);
        case "setup":
          codeTried = [...codeTried, args?.setup_code];
          return Promise.reject(problem({ code: "unauthenticated", status: 401, title: "Unauthenticated", detail: "Send the setup code." }));
        default:
          return Promise.reject(problem());
      }
    });
    renderWizard(undefined, { ...state, connection: { kind: "server", label: "Team", detail: "https://gh.test/" } });
    await userEvent.type(t("wizard-org-name"), "Acme{Enter}");
    await userEvent.type(t("wizard-first-name"), "Julia");
    await userEvent.type(t("wizard-email"), "julia@acme.test");
    await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
    await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-42");
    await waitFor(() => expect(t("wizard-next")).toBeEnabled());
    await userEvent.click(t("wizard-next"));
    await userEvent.click(await screen.findByTestId("wizard-next"));

    expect(await screen.findByTestId("wizard-setup-code")).toHaveFocus();
    expect(t("wizard-finish")).toBeDisabled();
    await userEvent.type(t("wizard-setup-code"), " abc123 ");
    await userEvent.click(t("wizard-finish"));
    expect(await screen.findByText("This is not the server's setup code.")).toBeInTheDocument();
    expect(codeTried).toEqual(["abc123"]);
  });

  describe("checks each field as it is left", () => {
    const answer = (cmd: string, args: Record<string, unknown> | undefined) => {
      switch (cmd) {
        case "policy_presets":
          return Promise.resolve(presets);
        case "suggested_blocked_domains":
          return Promise.resolve(["gmail.com", "yahoo.com"]);
        case "evaluate_password":
          return Promise.resolve(ALL_PASS);
        case "check_field":
          return Promise.resolve(fakeCheckField(args));
        default:
          return Promise.reject(problem());
      }
    };

    async function toAdminStep(mail: string) {
      await userEvent.type(t("wizard-org-name"), "Acme{Enter}");
      await userEvent.type(t("wizard-first-name"), "Julia");
      await userEvent.type(t("wizard-email"), mail);
      await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
      await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-42");
    }

    it("reports a bad email on the admin's step, by the core's check, and does not go on", async () => {
      onInvoke(answer);
      renderWizard();
      await toAdminStep("julia@acme");
      // Leaving the email (the password fields came after) checked it.
      expect(await screen.findByTestId("wizard-email-error")).toHaveTextContent("Enter a valid email address.");
      const check = calls.find((c) => c.command === "check_field" && (c.args?.check as { field: string }).field === "required_email");
      // The wizard's own (empty) list of blocked domains, not the instance's: there is none yet.
      expect(check?.args?.check).toEqual({ field: "required_email", value: "julia@acme", blocked_email_domains: [] });
      await waitFor(() => expect(t("wizard-next")).toBeEnabled());
      await userEvent.click(t("wizard-next"));
      await waitFor(() => expect(t("wizard-email")).toHaveFocus());
      expect(screen.queryByTestId("wizard-policy-preset")).toBeNull();

      // The error goes as soon as the field changes; the fixed address goes on.
      await userEvent.type(t("wizard-email"), ".test");
      expect(screen.queryByTestId("wizard-email-error")).toBeNull();
      expect(t("wizard-email")).toHaveValue("julia@acme.test");
      // (The password's report is asked again for the new email first.)
      await waitFor(() => expect(t("wizard-next")).toBeEnabled());
      await userEvent.click(t("wizard-next"));
      expect(await screen.findByTestId("wizard-policy-preset")).toBeInTheDocument();
    });

    it("checks the organization on Next and a first name when it is left", async () => {
      onInvoke(answer);
      renderWizard();
      await userEvent.type(t("wizard-org-name"), "   {Enter}");
      expect(screen.queryByTestId("wizard-first-name")).toBeNull();
      await userEvent.clear(t("wizard-org-name"));
      await userEvent.type(t("wizard-org-name"), "Acme{Enter}");
      await userEvent.type(t("wizard-first-name"), "Jo");
      await userEvent.tab();
      expect(await screen.findByText("Use at least 3 characters.")).toBeInTheDocument();
      expect(t("wizard-first-name")).toHaveAttribute("aria-invalid", "true");
    });

    it("blocks no domain unless asked, says which it blocks, and sends the admin back when her own domain is", async () => {
      onInvoke(answer);
      renderWizard();
      await toAdminStep("julia@gmail.com");
      await waitFor(() => expect(t("wizard-next")).toBeEnabled());
      await userEvent.click(t("wizard-next"));

      expect(await screen.findByTestId("wizard-blocked-summary")).toHaveTextContent("No email domain is blocked");
      const consumer = t("wizard-block-consumer");
      expect(consumer).not.toBeChecked();
      expect(t("wizard-blocked-domains")).toHaveValue("");
      await userEvent.click(consumer);
      expect(t("wizard-blocked-domains")).toHaveValue("gmail.com\nyahoo.com");
      expect(t("wizard-blocked-summary")).toHaveTextContent("Blocked: gmail.com, yahoo.com");

      // Julia's own address is at gmail.com: Next takes her back to it, with the reason.
      await userEvent.click(t("wizard-next"));
      expect(await screen.findByTestId("wizard-email-error")).toHaveTextContent("This email domain is not allowed.");
      await waitFor(() => expect(t("wizard-email")).toHaveFocus());

      // Unticked again, nothing is blocked and setup sends an empty list.
      await userEvent.clear(t("wizard-email"));
      await userEvent.type(t("wizard-email"), "julia@acme.test");
      await waitFor(() => expect(t("wizard-next")).toBeEnabled());
      await userEvent.click(t("wizard-next"));
      await userEvent.click(await screen.findByTestId("wizard-block-consumer"));
      expect(t("wizard-blocked-summary")).toHaveTextContent("No email domain is blocked");
    });

    it("reports a blocked domain while the address is typed, before it is left", async () => {
      onInvoke(answer);
      renderWizard();
      await userEvent.type(t("wizard-org-name"), "Acme{Enter}");
      await userEvent.type(t("wizard-first-name"), "Julia");
      // Go to the policy step and block gmail.com first, then come back to the email.
      await userEvent.type(t("wizard-email"), "julia@acme.test");
      await userEvent.type(t("wizard-password"), "Harbour-Lantern-42");
      await userEvent.type(t("wizard-password-confirm"), "Harbour-Lantern-42");
      await waitFor(() => expect(t("wizard-next")).toBeEnabled());
      await userEvent.click(t("wizard-next"));
      await userEvent.type(await screen.findByTestId("wizard-blocked-domains"), "gmail.com");
      await userEvent.click(screen.getByRole("button", { name: "Back" }));

      const mail = t("wizard-email");
      await userEvent.clear(mail);
      await userEvent.type(mail, "julia@gmail.co");
      // "gmail.co" is not blocked; one more letter and, after a pause, it is: still in the field.
      await new Promise((r) => setTimeout(r, 400));
      expect(screen.queryByTestId("wizard-email-error")).toBeNull();
      await userEvent.type(mail, "m");
      expect(await screen.findByTestId("wizard-email-error")).toHaveTextContent("This email domain is not allowed.");
      expect(mail).toHaveFocus();
    });
  });
});
