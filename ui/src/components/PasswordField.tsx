import { useId, useState } from "react";
import type { PasswordReportState } from "../hooks/usePasswordReport";
import { Field } from "./Field";
import { PasswordFeedback } from "./PasswordFeedback";

type Props = {
  label: string;
  value: string;
  onChange: (v: string) => void;
  report: PasswordReportState;
  testId: string;
  error?: string | undefined;
  /** A confirmation field, when the form has one. */
  confirm?: { value: string; onChange: (v: string) => void; testId: string; error?: string | undefined };
  autoFocus?: boolean;
  /**
   * Offers "Generate password": fills in (and shows) a password that passes the policy,
   * from the core (`generate_password`); null when none could be made (the reason shows).
   */
  generate?: () => Promise<string | null>;
};

/** A new-password input with its live policy feedback (and confirmation, if any). */
export function PasswordField({ label, value, onChange, report, testId, error, confirm, autoFocus, generate }: Props) {
  const fbId = useId();
  const [shown, setShown] = useState(false);
  const [generating, setGenerating] = useState(false);
  const mismatch = confirm !== undefined && confirm.value.length > 0 && confirm.value !== value;

  async function fill() {
    if (!generate || generating) return;
    setGenerating(true);
    try {
      const password = await generate();
      if (password === null) return;
      onChange(password);
      confirm?.onChange(password);
      // A generated password is to be read and passed on: show it.
      setShown(true);
    } finally {
      setGenerating(false);
    }
  }

  return (
    <div className="password-field">
      <div className="password-tools">
        <button type="button" className="link small-btn" aria-pressed={shown} onClick={() => setShown((s) => !s)} data-testid={`${testId}-toggle`}>
          {shown ? "Hide password" : "Show password"}
        </button>
        {generate && (
          <button type="button" className="small-btn" onClick={() => void fill()} disabled={generating} data-testid={`${testId}-generate`}>
            Generate password
          </button>
        )}
      </div>
      <Field
        label={label}
        type={shown ? "text" : "password"}
        autoComplete="new-password"
        value={value}
        onChange={onChange}
        testId={testId}
        error={error}
        describedBy={fbId}
        autoFocus={autoFocus}
        spellCheck={false}
      />
      <PasswordFeedback state={report} id={fbId} empty={value === ""} />
      {confirm && (
        <Field
          label="Confirm password"
          type={shown ? "text" : "password"}
          autoComplete="new-password"
          value={confirm.value}
          onChange={confirm.onChange}
          testId={confirm.testId}
          error={confirm.error ?? (mismatch ? "The passwords do not match." : undefined)}
          spellCheck={false}
        />
      )}
    </div>
  );
}

