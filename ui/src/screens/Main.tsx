import { useState, type MouseEvent } from "react";
import { api } from "../api/client";
import { SessionRenewal } from "../components/SessionRenewal";
import { useApp } from "../lib/app";
import { useClipboard } from "../lib/clipboard";
import { focusHeading, useFocusLanding } from "../lib/focus";
import { fullName } from "../lib/format";
import { AccountsScreen } from "./Accounts";
import { AuditScreen, type AuditSubject } from "./Audit";
import { ChangePasswordScreen } from "./ChangePassword";
import { SettingsScreen } from "./Settings";
import { TokensScreen } from "./Tokens";
import { TwoStepScreen } from "./TwoStep";
import { UsersScreen } from "./Users";

/** The sidebar's screens, and the own-password screen reached from the user block. */
type Tab = "users" | "accounts" | "tokens" | "audit" | "settings" | "password" | "two-step";

const TABS: { id: Tab; label: string }[] = [
  { id: "users", label: "Users" },
  { id: "accounts", label: "Accounts" },
  { id: "tokens", label: "API tokens" },
  { id: "audit", label: "Audit" },
  { id: "settings", label: "Settings" },
];

/** Moves the focus to the screen's heading (or the content itself), past the sidebar. */
function skipToContent(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  const content = document.getElementById("content");
  if (content?.querySelector("h1")) focusHeading(content);
  else content?.focus();
}

export function MainScreen() {
  const { state, setState, refresh } = useApp();
  const { secondsLeft, clearNow } = useClipboard();
  const [tab, setTab] = useState<Tab>("users");
  const [signingOut, setSigningOut] = useState(false);
  // The user whose history the Audit screen opens with (from a user's detail).
  const [auditSubject, setAuditSubject] = useState<AuditSubject | null>(null);
  const user = state.session?.user;
  useFocusLanding(tab);

  async function signOut() {
    setSigningOut(true);
    if (secondsLeft !== null) await clearNow();
    try {
      setState(await api.signOut());
    } catch {
      // Whatever happened, show what the shell now says.
      await refresh();
      setSigningOut(false);
    }
  }

  return (
    <div className="shell">
      <a href="#content" className="skip-link" onClick={skipToContent} data-testid="skip-to-content">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <div>
            <strong>Gatehouse</strong>
            <span className="small muted block">{state.instance?.organization}</span>
          </div>
        </div>
        <nav aria-label="Main">
          <ul>
            {TABS.map((t) => (
              <li key={t.id}>
                <button
                  type="button"
                  className={tab === t.id ? "nav-item active" : "nav-item"}
                  aria-current={tab === t.id ? "page" : undefined}
                  data-testid={`nav-${t.id}`}
                  onClick={() => {
                    if (t.id === "audit") setAuditSubject(null);
                    setTab(t.id);
                  }}
                >
                  {t.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          {secondsLeft !== null && secondsLeft > 0 && (
            <p className="clip-pill" role="status">
              Clipboard clears in {secondsLeft} s.
            </p>
          )}
          <p className="small">
            <strong>{user ? fullName(user) || user.username : ""}</strong>
            <span className="muted block">{user?.username}</span>
          </p>
          <p className="small muted" title={state.connection?.detail}>
            {state.connection?.label}
          </p>
          <button type="button" className="link-button" data-testid="nav-change-password" onClick={() => setTab("password")}>
            Change password
          </button>
          <button type="button" className="link-button" data-testid="nav-two-step" onClick={() => setTab("two-step")}>
            Two-step sign-in
          </button>
          <button type="button" data-testid="sign-out" onClick={() => void signOut()} disabled={signingOut}>
            Sign out
          </button>
        </div>
      </aside>
      <main className="content" id="content" tabIndex={-1}>
        {tab === "users" && (
          <UsersScreen
            onHistory={(subject) => {
              setAuditSubject(subject);
              setTab("audit");
            }}
          />
        )}
        {tab === "accounts" && <AccountsScreen />}
        {tab === "tokens" && <TokensScreen />}
        {tab === "audit" && <AuditScreen key={auditSubject?.id ?? "all"} subject={auditSubject} onClearSubject={() => setAuditSubject(null)} />}
        {tab === "settings" && <SettingsScreen />}
        {tab === "password" && <ChangePasswordScreen forced={false} onClose={() => setTab("users")} />}
        {tab === "two-step" && <TwoStepScreen forced={false} />}
      </main>
      <SessionRenewal />
    </div>
  );
}
