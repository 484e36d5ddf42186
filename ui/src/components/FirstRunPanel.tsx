import { useState } from "react";

/** Where the dismissal is kept: this window's storage, per instance (another instance shows it again). */
function firstRunKey(instanceId: string): string {
  return `gatehouse.first-run-dismissed.${instanceId}`;
}

function dismissed(instanceId: string): boolean {
  try {
    return window.localStorage.getItem(firstRunKey(instanceId)) === "1";
  } catch {
    return false;
  }
}

type Props = {
  /** The instance the panel is about; null shows nothing. */
  instanceId: string | null;
  /** Only while the instance has just its first admin (nothing else done yet). */
  fresh: boolean;
  onNewUser: () => void;
  onNewAdmin: () => void;
};

/** After setup, on Users: what to do next. Dismissed once, it stays away for this instance. */
export function FirstRunPanel({ instanceId, fresh, onNewUser, onNewAdmin }: Props) {
  const [hidden, setHidden] = useState(() => instanceId === null || dismissed(instanceId));
  if (hidden || !fresh || instanceId === null) return null;
  const dismiss = () => {
    try {
      window.localStorage.setItem(firstRunKey(instanceId), "1");
    } catch {
      // Without storage it comes back next time; nothing else depends on it.
    }
    setHidden(true);
  };
  return (
    <section className="card first-run" aria-labelledby="first-run-h" data-testid="first-run">
      <h2 id="first-run-h">Next steps</h2>
      <ol>
        <li>
          <button type="button" className="link" onClick={onNewUser} data-testid="first-run-new-user">
            Create users
          </button>
          : each signs in with a username or email and a password that meets your policy; accounts (Accounts) group them with an API token.
        </li>
        <li>
          Bring in existing users: there is no file import in the app; script them against the HTTP API of <code>gatehouse serve</code> (
          <code>POST /api/v1/users</code>), which checks them by the same rules.
        </li>
        <li>
          <button type="button" className="link" onClick={onNewAdmin} data-testid="first-run-new-admin">
            Connect other admins
          </button>
          : create them here, then each connects their own Gatehouse to this database (PostgreSQL) or to a Gatehouse server and signs in.
        </li>
      </ol>
      <div className="actions">
        <button type="button" onClick={dismiss} data-testid="first-run-dismiss">
          Got it, hide this
        </button>
      </div>
    </section>
  );
}
