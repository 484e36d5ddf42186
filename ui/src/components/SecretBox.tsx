import { useState } from "react";
import type { Problem } from "../bindings/Problem";
import { useClipboard } from "../lib/clipboard";
import { Dialog } from "./Dialog";
import { FormError } from "./Field";
import { Form } from "./Form";

type BoxProps = {
  secret: string;
  /** What the secret is, e.g. "API token". */
  what: string;
  confirmed: boolean;
  onConfirmed: (v: boolean) => void;
};

/** Shows a secret once, with Copy, the clipboard countdown and the "I have saved it" confirmation. */
export function SecretBox({ secret, what, confirmed, onConfirmed }: BoxProps) {
  const { copySecret, secondsLeft } = useClipboard();
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function copy() {
    const p = await copySecret(secret);
    setProblem(p);
    setCopied(p === null);
  }

  return (
    <div className="secret-box">
      <p className="secret-warning">
        This {what} is shown <strong>only once</strong>. Copy it now and keep it somewhere safe.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="token-value" aria-label={what}>
          {secret}
        </code>
        <button type="button" className="primary" data-testid="copy-button" onClick={() => void copy()} data-autofocus>
          {copied ? "Copy again" : "Copy"}
        </button>
      </div>
      <p className="clipboard-status" aria-live="polite" data-testid="clipboard-countdown">
        {copied && secondsLeft !== null && secondsLeft > 0 && <>Copied. Clipboard clears in {secondsLeft} s.</>}
        {copied && secondsLeft === 0 && <>Clipboard cleared.</>}
        {copied && secondsLeft === null && <>Clipboard cleared.</>}
      </p>
      <FormError problem={problem} />
      <label className="check">
        <input
          type="checkbox"
          data-testid="confirm-saved"
          checked={confirmed}
          onChange={(e) => onConfirmed(e.target.checked)}
        />
        I have saved this {what}
      </label>
    </div>
  );
}

type DialogProps = {
  title: string;
  secret: string;
  what: string;
  /** Extra content above the secret (e.g. who it belongs to). */
  children?: React.ReactNode;
  onClose: () => void;
};

/** A dialog that shows a secret once; it closes only after the admin confirms it was saved. */
export function SecretDialog({ title, secret, what, children, onClose }: DialogProps) {
  const [confirmed, setConfirmed] = useState(false);
  const [nudge, setNudge] = useState(false);
  return (
    <Dialog
      title={title}
      onEscape={() => {
        if (confirmed) onClose();
        else setNudge(true);
      }}
    >
      {/* A form, so that Enter on "I have saved it" closes it once checked. */}
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          if (confirmed) onClose();
        }}
      >
        {children}
        <SecretBox secret={secret} what={what} confirmed={confirmed} onConfirmed={setConfirmed} />
        {nudge && !confirmed && (
          <p className="field-error" role="alert">
            Confirm that you have saved the {what} before closing: it cannot be shown again.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" data-testid="close-dialog" disabled={!confirmed}>
            Close
          </button>
        </div>
      </Form>
    </Dialog>
  );
}
