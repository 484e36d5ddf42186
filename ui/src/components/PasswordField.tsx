import { useId } from "react";
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
};

/** A new-password input with its live policy feedback (and confirmation, if any). */
export function PasswordField({ label, value, onChange, report, testId, error, confirm, autoFocus }: Props) {
  const fbId = useId();
  const mismatch = confirm !== undefined && confirm.value.length > 0 && confirm.value !== value;
  return (
    <div className="password-field">
      <Field
        label={label}
        type="password"
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
          type="password"
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

