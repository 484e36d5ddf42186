import type { PasswordReportState } from "../hooks/usePasswordReport";

const SCORE_LABELS = ["Very weak", "Weak", "Fair", "Strong", "Very strong"] as const;

type Props = {
  state: PasswordReportState;
  /** id for aria-describedby from the password input. */
  id: string;
};

/** Every rule with pass/fail, a strength meter, crack time, and zxcvbn's advice. */
export function PasswordFeedback({ state, id }: Props) {
  const { report, problem } = state;
  const score = report ? Math.max(0, Math.min(4, report.strength.score)) : 0;
  return (
    <div className="pw-feedback" id={id} aria-live="polite" data-current={state.current ? "true" : "false"}>
      <div className="strength">
        <div
          className={`strength-meter score-${score}`}
          data-testid="strength-meter"
          data-score={report ? String(score) : ""}
          role="meter"
          aria-label="Password strength"
          aria-valuemin={0}
          aria-valuemax={4}
          aria-valuenow={score}
          aria-valuetext={report ? SCORE_LABELS[score] : "Not rated yet"}
        >
          {[0, 1, 2, 3].map((i) => (
            <span key={i} className={report && i < Math.max(1, score) ? "seg on" : "seg"} />
          ))}
        </div>
        <span className="strength-label">
          {report ? (
            <>
              <strong>{SCORE_LABELS[score]}</strong>
              <span className="muted"> · cracked in {report.strength.crack_time}</span>
            </>
          ) : (
            <span className="muted">Checking…</span>
          )}
        </span>
      </div>
      {report && (
        <ul className="rules">
          {report.rules.map((r) => (
            <li
              key={r.rule}
              data-testid="password-rule"
              data-rule={r.rule}
              data-passed={r.passed ? "true" : "false"}
              className={r.passed ? "rule pass" : "rule fail"}
            >
              <span className="rule-icon" aria-hidden="true">
                {r.passed ? "✓" : "✗"}
              </span>
              <span className="sr-only">{r.passed ? "Passed: " : "Not yet: "}</span>
              {r.message}
            </li>
          ))}
        </ul>
      )}
      {report && (report.strength.warning || report.strength.suggestions.length > 0) && (
        <div className="advice">
          {report.strength.warning && <p className="warning">{report.strength.warning}</p>}
          {report.strength.suggestions.map((s) => (
            <p key={s} className="suggestion">
              {s}
            </p>
          ))}
        </div>
      )}
      {problem && <p className="field-error">Could not check the password: {problem.detail || problem.title}</p>}
    </div>
  );
}
