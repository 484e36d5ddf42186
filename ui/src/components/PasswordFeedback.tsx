import type { PasswordReportState } from "../hooks/usePasswordReport";

const SCORE_LABELS = ["Very weak", "Weak", "Fair", "Strong", "Very strong"] as const;

type Props = {
  state: PasswordReportState;
  /** id for aria-describedby from the password input. */
  id: string;
  /** Nothing typed yet: the rules are listed as to-dos, with no verdict or advice. */
  empty?: boolean;
};

/** Every rule with pass/fail, a strength meter, crack time, and zxcvbn's advice. */
export function PasswordFeedback({ state, id, empty = false }: Props) {
  const { problem } = state;
  const report = state.report;
  const rated = report !== null && !empty;
  const score = report ? Math.max(0, Math.min(4, report.strength.score)) : 0;
  // The list shown answers an earlier input while the current one is being checked.
  const stale = report !== null && !empty && !state.current && problem === null;
  return (
    <div className="pw-feedback" id={id} aria-live="polite" data-current={state.current ? "true" : "false"}>
      <div className="strength">
        <div
          className={`strength-meter score-${score}`}
          data-testid="strength-meter"
          data-score={rated ? String(score) : ""}
          role="meter"
          aria-label="Password strength"
          aria-valuemin={0}
          aria-valuemax={4}
          aria-valuenow={score}
          aria-valuetext={rated ? SCORE_LABELS[score] : "Not rated yet"}
        >
          {[0, 1, 2, 3].map((i) => (
            <span key={i} className={rated && i < Math.max(1, score) ? "seg on" : "seg"} />
          ))}
        </div>
        <span className="strength-label">
          {empty ? (
            <span className="muted">Type a password to see how strong it is.</span>
          ) : report ? (
            <>
              <strong>{SCORE_LABELS[score]}</strong>
              <span className="muted"> · cracked in {report.strength.crack_time}</span>
              {report.strength.bounded && (
                <span className="muted" data-testid="strength-bounded">
                  {" "}
                  · judged on its first characters only (too many symbol substitutions to try them all); it may be
                  stronger than shown
                </span>
              )}
              {stale && (
                <span className="muted updating" data-testid="password-updating">
                  {" "}
                  · updating…
                </span>
              )}
            </>
          ) : (
            <span className="muted">Checking…</span>
          )}
        </span>
      </div>
      {report && (
        <ul className={stale ? "rules stale" : "rules"} aria-busy={stale ? true : undefined} data-testid="password-rules">
          {report.rules.map((r) => (
            <li
              key={r.rule}
              data-testid="password-rule"
              data-rule={r.rule}
              data-passed={r.passed ? "true" : "false"}
              className={empty ? "rule todo" : r.passed ? "rule pass" : "rule fail"}
            >
              <span className="rule-icon" aria-hidden="true">
                {empty ? "•" : r.passed ? "✓" : "✗"}
              </span>
              <span className="sr-only">{empty ? "Required: " : r.passed ? "Passed: " : "Not yet: "}</span>
              {r.message}
            </li>
          ))}
        </ul>
      )}
      {rated && (report.strength.warning || report.strength.suggestions.length > 0) && (
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
