import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, toProblem } from "../api/client";
import type { PresetInfo } from "../bindings/PresetInfo";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { Problem } from "../bindings/Problem";
import type { SetupDone } from "../bindings/SetupDone";
import { Field, FormError } from "../components/Field";
import { PasswordField } from "../components/PasswordField";
import { changedPolicyFields, localPolicyErrors, passwordReady, policyErrors } from "../lib/password";
import { PasswordFeedback } from "../components/PasswordFeedback";
import { PolicyEditor } from "../components/PolicyEditor";
import { SecretBox } from "../components/SecretBox";
import { useLoad } from "../hooks/useLoad";
import { usePasswordReport } from "../hooks/usePasswordReport";
import { useSubmit } from "../hooks/useSubmit";
import { useFieldChecks } from "../hooks/useFieldChecks";
import { useApp } from "../lib/app";
import { formatDateTime, orNull } from "../lib/format";
import { Form } from "../components/Form";

const STEPS = ["Organization", "First admin", "Password policy", "Review", "Done"] as const;
const ADMIN_FIELDS = new Set(["first_name", "last_name", "username", "email", "password"]);
const NO_CONTEXT = { username: null, email: null, first_name: null, last_name: null };
const NO_PRESETS: PresetInfo[] = [];
const NO_DOMAINS: string[] = [];

/** The domains of the blocked-domains field: one per line (or separated by commas or spaces). */
function domainList(text: string): string[] {
  return text.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean);
}

export function SetupWizard() {
  const { refresh, state, setState } = useApp();
  const [step, setStep] = useState(0);
  const [org, setOrg] = useState("");
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [policy, setPolicy] = useState<PasswordPolicy | null>(null);
  // The last policy without a local error: what passwords are checked against meanwhile.
  const [checkedPolicy, setCheckedPolicy] = useState<PasswordPolicy | null>(null);
  // No domain is blocked unless the admin asks: the consumer ones are a tick away.
  const [domains, setDomains] = useState("");
  const blocked = domainList(domains);
  const [preview, setPreview] = useState("");
  // A Gatehouse server asks for the one-time code it printed; the in-process core none.
  const needsCode = state.connection?.kind === "server";
  const [setupCode, setSetupCode] = useState("");
  const { busy, problem, errors: errs, run, setProblem, clearFields, onEdit } = useSubmit();
  const [done, setDone] = useState<SetupDone | null>(null);
  const [saved, setSaved] = useState(false);
  // Bumped after a failed setup, to move the focus to what failed once it is shown.
  const [failures, setFailures] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const { data: presetList, problem: presetsProblem } = useLoad(() => api.policyPresets(), [], {
    onLoad: (p) => {
      const rec = p.find((x) => x.preset === "recommended") ?? p[0];
      if (rec) {
        setPolicy((cur) => cur ?? { ...rec.policy });
        setCheckedPolicy((cur) => cur ?? { ...rec.policy });
      }
    },
  });
  const presets = presetList ?? NO_PRESETS;
  // Failing to load them only hides the shortcut: the field takes any domain.
  const { data: suggestedList } = useLoad(() => api.suggestedBlockedDomains(), []);
  const suggested = suggestedList ?? NO_DOMAINS;
  const blocksSuggested = suggested.length > 0 && suggested.every((d) => blocked.includes(d));
  // Fields are checked as they are left, by the core's parsers; the email against the
  // domains chosen here (there is no instance yet to have any).
  const checks = useFieldChecks(blocked);

  function toggleSuggested(on: boolean) {
    const rest = blocked.filter((d) => !suggested.includes(d));
    setDomains((on ? [...rest, ...suggested] : rest).join("\n"));
    clearFields("blocked_email_domains");
  }

  // On a new step (or after a failed setup), focus goes to a field the core refused, else
  // to what the step marks (data-autofocus) or autoFocus already chose, else to its first
  // field, else to its enabled submit button, else to its heading: never to the page.
  const cardRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const card = cardRef.current;
    if (!card) return;
    const pick = (selector: string) => card.querySelector<HTMLElement>(selector);
    const active = document.activeElement;
    const keep = active instanceof HTMLElement && active !== headingRef.current && card.contains(active) ? active : null;
    const target =
      pick('[aria-invalid="true"]') ??
      pick("[data-autofocus]") ??
      keep ??
      pick("form input:not([disabled]), form select:not([disabled]), form textarea:not([disabled])") ??
      pick('form button[type="submit"]:not([disabled])') ??
      headingRef.current;
    target?.focus();
  }, [step, failures]);

  const context = { username: orNull(username), email: orNull(email), first_name: orNull(firstName), last_name: orNull(lastName) };
  const adminReport = usePasswordReport(password, context, checkedPolicy);
  const previewReport = usePasswordReport(preview, NO_CONTEXT, checkedPolicy);

  // On Review, "Create instance" waits for the password's report against the chosen policy:
  // once it can be used, the focus goes to it (unless the admin has moved it meanwhile).
  const finishRef = useRef<HTMLButtonElement>(null);
  const canFinish = step === 3 && !busy && adminReport.passed && !(needsCode && setupCode.trim() === "");
  useEffect(() => {
    if (canFinish && document.activeElement === headingRef.current) finishRef.current?.focus();
  }, [canFinish]);

  const pErrs = policyErrors(errs);
  const adminOk = firstName.trim() !== "" && email.trim() !== "" && passwordReady(adminReport, password, confirm);
  // A first line of defence; the core checks the policy again at setup.
  const policyOk = policy === null || Object.keys(localPolicyErrors(policy)).length === 0;
  const policyStepOk = (policy !== null || presetsProblem !== null) && policyOk;

  function changePolicy(p: PasswordPolicy) {
    if (policy) clearFields(...changedPolicyFields(policy, p));
    setPolicy(p);
    if (Object.keys(localPolicyErrors(p)).length === 0) setCheckedPolicy(p);
  }

  async function next(e: FormEvent) {
    e.preventDefault();
    if (step === 0 && (org.trim() === "" || !(await checks.checkAll([["organization", org]])))) return;
    if (step === 1) {
      if (!adminOk) return;
      const fields = [
        ["setup_first_name", firstName],
        ["last_name", lastName],
        ["optional_username", username],
        ["required_email", email],
      ] as const;
      // A refused field stays on this step, with its error and the focus on it.
      if (!(await checks.checkAll(fields))) return setFailures((n) => n + 1);
    }
    if (step === 2) {
      if (!policyStepOk) return;
      // The first admin's own address in a domain just blocked: back to it, with the reason.
      if (!(await checks.checkAll([["required_email", email]]))) {
        setStep(1);
        return;
      }
    }
    setStep((s) => s + 1);
  }

  /** Goes back to the first step with a field the core refused. */
  function showProblem(p: Problem) {
    const fields = p.errors.map((x) => x.field);
    if (fields.includes("organization")) setStep(0);
    else if (fields.some((f) => ADMIN_FIELDS.has(f))) setStep(1);
    else if (fields.some((f) => f.startsWith("password_policy") || f === "blocked_email_domains")) setStep(2);
  }

  async function finish(e: FormEvent) {
    e.preventDefault();
    if (!adminReport.passed || !policyOk) return;
    const result = await run(() =>
      api
        .setup(needsCode ? setupCode.trim() : null, {
          organization: org.trim(),
          first_name: firstName.trim(),
          last_name: orNull(lastName),
          username: orNull(username),
          email: email.trim(),
          password,
          password_policy: policy,
          blocked_email_domains: blocked,
          plan: null,
        })
        .catch((err: unknown) => {
          showProblem(toProblem(err));
          throw err;
        }),
    );
    if (!result) {
      setFailures((n) => n + 1);
      return;
    }
    setPassword("");
    setConfirm("");
    setPreview("");
    setDone(result);
    setStep(4);
  }

  function finishSetup() {
    setDone(null);
    void refresh();
  }

  const back = (
    <button type="button" onClick={() => setStep((s) => s - 1)}>
      Back
    </button>
  );

  return (
    <main className="wizard-page">
      <div className="card wizard" ref={cardRef}>
        <header>
          <p className="eyebrow">Set up Gatehouse · {state.connection?.label}</p>
          <ol className="steps" aria-label="Setup steps">
            {STEPS.map((s, i) => (
              <li key={s} className={i === step ? "current" : i < step ? "past" : ""} aria-current={i === step ? "step" : undefined}>
                <span className="num">{i + 1}</span> {s}
              </li>
            ))}
          </ol>
          <h1 ref={headingRef} tabIndex={-1}>
            {
              [
                "Your organization",
                "The first administrator",
                "Password policy for everyone else",
                "Review",
                "Gatehouse is ready",
              ][step]
            }
          </h1>
        </header>

        {step === 0 && (
          <Form onSubmit={(e) => void next(e)}>
            <p className="muted">The organization becomes the first account. You can add more accounts later.</p>
            <Field label="Organization name" {...checks.field("organization", org, onEdit("organization", setOrg), errs.organization)} testId="wizard-org-name" autoFocus required />
            <FormError problem={problem && problem.errors.length === 0 ? problem : null} />
            <div className="actions">
              <button
                type="button"
                className="link push-left"
                data-testid="disconnect"
                onClick={() => {
                  api.disconnect().then(setState, (e: unknown) => setProblem(toProblem(e)));
                }}
              >
                Use another database
              </button>
              <button type="submit" className="primary" data-testid="wizard-next" disabled={org.trim() === ""}>
                Next
              </button>
            </div>
          </Form>
        )}

        {step === 1 && (
          <Form onSubmit={(e) => void next(e)}>
            <div className="grid-2">
              <Field label="First name" {...checks.field("setup_first_name", firstName, onEdit("first_name", setFirstName), errs.first_name)} testId="wizard-first-name" autoComplete="given-name" autoFocus required />
              <Field label="Last name" {...checks.field("last_name", lastName, onEdit("last_name", setLastName), errs.last_name)} testId="wizard-last-name" autoComplete="family-name" />
              <Field label="Username" {...checks.field("optional_username", username, onEdit("username", setUsername), errs.username)} testId="wizard-username" autoComplete="username" hint="Made from the email if left empty." />
              <Field label="Email" type="email" {...checks.field("required_email", email, onEdit("email", setEmail), errs.email)} testId="wizard-email" autoComplete="email" required />
            </div>
            <PasswordField
              label="Password"
              value={password}
              onChange={onEdit("password", setPassword)}
              report={adminReport}
              testId="wizard-password"
              error={errs.password}
              confirm={{ value: confirm, onChange: setConfirm, testId: "wizard-password-confirm" }}
            />
            <div className="actions">
              {back}
              <button type="submit" className="primary" data-testid="wizard-next" disabled={!adminOk}>
                Next
              </button>
            </div>
          </Form>
        )}

        {step === 2 && (
          <Form onSubmit={(e) => void next(e)}>
            <p className="muted">These rules apply to every new or reset password, including yours. You can change them later in Settings.</p>
            {policy ? (
              <PolicyEditor policy={policy} onChange={changePolicy} presets={presets} errors={pErrs} presetTestId="wizard-policy-preset" />
            ) : presetsProblem ? (
              <p className="notice bad" role="alert">
                The presets could not be loaded ({presetsProblem.detail || presetsProblem.title}). Gatehouse will use its recommended policy; you can
                change it later in Settings.
              </p>
            ) : (
              <p className="muted">Loading presets…</p>
            )}
            <div className="preview">
              <Field label="Try a password against these rules" type="password" value={preview} onChange={setPreview} testId="policy-preview" autoComplete="off" />
              <PasswordFeedback state={previewReport} id="wizard-preview-feedback" empty={preview === ""} />
            </div>
            <div className="field">
              <label htmlFor="wizard-domains">Blocked email domains (one per line; optional)</label>
              {suggested.length > 0 && (
                <label className="check">
                  <input type="checkbox" checked={blocksSuggested} onChange={(e) => toggleSuggested(e.target.checked)} data-testid="wizard-block-consumer" />
                  Block the common consumer email domains ({suggested.join(", ")})
                </label>
              )}
              <textarea
                id="wizard-domains"
                rows={3}
                value={domains}
                onChange={(e) => {
                  setDomains(e.target.value);
                  clearFields("blocked_email_domains");
                }}
                aria-invalid={errs.blocked_email_domains ? true : undefined}
                aria-describedby={errs.blocked_email_domains ? "wizard-domains-err wizard-domains-summary" : "wizard-domains-summary wizard-domains-hint"}
                data-testid="wizard-blocked-domains"
              />
              <p className="hint" id="wizard-domains-summary" data-testid="wizard-blocked-summary" aria-live="polite">
                {blocked.length === 0
                  ? "No email domain is blocked: addresses at any domain are accepted."
                  : `Blocked: ${blocked.join(", ")} (and their subdomains). Users and admins with addresses there are refused.`}
              </p>
              <p className="hint" id="wizard-domains-hint">
                Press Ctrl+Enter to go on from here.
              </p>
              {errs.blocked_email_domains && (
                <p className="field-error" id="wizard-domains-err">
                  {errs.blocked_email_domains}
                </p>
              )}
            </div>
            <div className="actions">
              {back}
              <button type="submit" className="primary" data-testid="wizard-next" disabled={!policyStepOk}>
                Next
              </button>
            </div>
          </Form>
        )}

        {step === 3 && (
          <Form onSubmit={(e) => void finish(e)}>
            <dl className="review">
              <dt>Organization</dt>
              <dd>{org}</dd>
              <dt>Administrator</dt>
              <dd>
                {firstName} {lastName} · {username || "(from email)"} · {email}
              </dd>
              <dt>Password policy</dt>
              <dd>
                {presets.find((p) => policy && JSON.stringify(p.policy) === JSON.stringify(policy))?.label ?? "Custom"}
                {policy && ` · at least ${policy.min_length} characters · strength ≥ ${policy.min_strength_score}`}
              </dd>
              <dt>Blocked domains</dt>
              <dd>{blocked.join(", ") || "None"}</dd>
            </dl>
            {adminReport.current && !adminReport.passed && (
              <p className="notice bad" role="alert">
                Your password does not meet the policy you chose. Go back and change the password or the policy.
              </p>
            )}
            {needsCode && (
              <Field
                label="Setup code"
                value={setupCode}
                onChange={(v) => {
                  setSetupCode(v);
                  if (problem?.status === 401) setProblem(null);
                }}
                testId="wizard-setup-code"
                autoComplete="off"
                hint="The one-time code gatehouse serve printed (journalctl -u gatehouse), also in its setup code file."
                error={problem?.status === 401 ? "This is not the server's setup code." : undefined}
                autoFocus
              />
            )}
            <FormError problem={problem?.status === 401 && needsCode ? null : problem} />
            <div className="actions">
              {back}
              <button
                type="submit"
                className="primary"
                data-testid="wizard-finish"
                disabled={busy || !adminReport.passed || (needsCode && setupCode.trim() === "")}
                ref={finishRef}
              >
                {busy ? "Setting up…" : "Create instance"}
              </button>
            </div>
          </Form>
        )}

        {step === 4 && done && (
          <Form
            onSubmit={(e) => {
              e.preventDefault();
              if (saved) finishSetup();
            }}
          >
            <p>
              <strong>{done.account.name}</strong> is set up and you are signed in as <strong>{done.admin.username}</strong>.
            </p>
            <p className="muted">
              Your access token (for scripts and the API) expires {formatDateTime(done.data.expiresAt)}.
            </p>
            <SecretBox secret={done.data.accessToken} what="access token" confirmed={saved} onConfirmed={setSaved} />
            <div className="actions">
              <button type="submit" className="primary" data-testid="close-dialog" disabled={!saved}>
                Continue to Gatehouse
              </button>
            </div>
          </Form>
        )}
      </div>
    </main>
  );
}
