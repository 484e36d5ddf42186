import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from "react";
import type { Problem } from "../bindings/Problem";

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> & {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  testId?: string;
  describedBy?: string;
  /** The input itself, e.g. to move the focus to it. */
  ref?: Ref<HTMLInputElement>;
};

/** A labelled input with its hint and its own error beside it. */
export function Field({ label, value, onChange, error, hint, testId, describedBy, id, ref, ...rest }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  const errId = `${inputId}-err`;
  const hintId = `${inputId}-hint`;
  const described = [error ? errId : null, hint ? hintId : null, describedBy ?? null].filter(Boolean).join(" ");
  return (
    <div className={error ? "field has-error" : "field"}>
      <label htmlFor={inputId}>{label}</label>
      <input
        ref={ref}
        id={inputId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        data-testid={testId}
        {...rest}
      />
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errId} data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A title as a sentence: with its full stop (once). */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** The top-level error message of a form. */
export function FormError({ problem, message }: { problem?: Problem | null; message?: string | null }) {
  const text = message ?? (problem ? problem.detail || problem.title : null);
  if (!text) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      {problem && problem.detail && problem.title !== problem.detail ? (
        <>
          <strong>{sentence(problem.title)}</strong> {problem.detail}
        </>
      ) : (
        text
      )}
    </div>
  );
}
