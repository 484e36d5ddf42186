import { useRef, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { PresetInfo } from "../bindings/PresetInfo";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { SecondFactorPolicy } from "../bindings/SecondFactorPolicy";
import type { Settings } from "../bindings/Settings";
import type { Theme } from "../bindings/Theme";
import { Field, FormError } from "../components/Field";
import { PasswordFeedback } from "../components/PasswordFeedback";
import { PolicyEditor } from "../components/PolicyEditor";
import { useLoad } from "../hooks/useLoad";
import { usePasswordReport } from "../hooks/usePasswordReport";
import { useSubmit } from "../hooks/useSubmit";
import { useApp } from "../lib/app";
import { changedPolicyFields, localPolicyErrors, policyErrors, rangeError } from "../lib/password";
import { Form } from "../components/Form";

type Numbers = {
  access_token_minutes: string;
  api_token_days: string;
  api_token_max_days: string;
  lockout_threshold: string;
  lockout_minutes: string;
  clipboard_clear_seconds: string;
};

/** The ranges the core (instance settings) and the shell (clipboard delay) accept; they stay the judges. */
const RANGES: Record<keyof Numbers, { min: number; max: number }> = {
  access_token_minutes: { min: 5, max: 1440 },
  api_token_days: { min: 1, max: 3650 },
  api_token_max_days: { min: 1, max: 3650 },
  lockout_threshold: { min: 3, max: 100 },
  lockout_minutes: { min: 1, max: 1440 },
  clipboard_clear_seconds: { min: 5, max: 600 },
};

/** How each theme (every one Rust has: the Theme type) is offered. */
const THEME_LABELS: Record<Theme, string> = {
  system: "As the system",
  light: "Light",
  dark: "Dark",
};
const THEMES = Object.keys(THEME_LABELS) as Theme[];

const SECOND_FACTOR_POLICIES: [SecondFactorPolicy, string][] = [
  ["off", "No one (each user may turn it on)"],
  ["admins", "Admins"],
  ["everyone", "Everyone"],
];

const NO_CONTEXT = { username: null, email: null, first_name: null, last_name: null };
const NO_PRESETS: PresetInfo[] = [];

function localNumberErrors(nums: Numbers, unlimited: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const value = (k: keyof Numbers) => (/^\d+$/.test(nums[k].trim()) ? Number(nums[k].trim()) : Number.NaN);
  for (const k of Object.keys(RANGES) as (keyof Numbers)[]) {
    if (k === "api_token_max_days" && unlimited) continue;
    const err = rangeError(value(k), RANGES[k].min, RANGES[k].max);
    if (err) out[k] = err;
  }
  // New tokens' default lifetime must fit within the limit, as the core checks.
  if (!unlimited && !out.api_token_days && !out.api_token_max_days && value("api_token_days") > value("api_token_max_days")) {
    out.api_token_days = `Enter at most the longest lifetime (${value("api_token_max_days")} days).`;
  }
  return out;
}

export function SettingsScreen() {
  const { refresh, state, setState } = useApp();
  // This computer's colours: applied and saved as soon as one is chosen.
  const [theme, setTheme] = useState<Theme>(state.preferences.theme);
  const themeSaving = useSubmit();
  // Arrow keys go through the choices quickly: only the latest one's reply counts.
  const themeRound = useRef(0);
  const [loaded, setLoaded] = useState<Settings | null>(null);
  const [policy, setPolicy] = useState<PasswordPolicy | null>(null);
  // The last policy without a local error: what the preview is checked against meanwhile.
  const [checkedPolicy, setCheckedPolicy] = useState<PasswordPolicy | null>(null);
  const [nums, setNums] = useState<Numbers | null>(null);
  // No limit on API token lifetime: tokens that never expire may be made.
  const [unlimited, setUnlimited] = useState(false);
  const [secondFactor, setSecondFactor] = useState<SecondFactorPolicy>("off");
  const [domains, setDomains] = useState("");
  const [preview, setPreview] = useState("");
  const [saved, setSaved] = useState(false);
  const { busy, problem, errors: errs, run, clearFields } = useSubmit();

  const load = useLoad(() => Promise.all([api.getSettings(), api.getPreferences(), api.policyPresets()]), [], {
    onLoad: ([s, prefs]) => {
      setLoaded(s);
      setPolicy(s.password_policy);
      setCheckedPolicy(s.password_policy);
      setDomains(s.blocked_email_domains.join("\n"));
      setUnlimited(s.api_token_max_days === null);
      setSecondFactor(s.second_factor);
      setTheme(prefs.theme);
      setNums({
        access_token_minutes: String(s.access_token_minutes),
        api_token_days: String(s.api_token_days),
        api_token_max_days: String(s.api_token_max_days ?? 365),
        lockout_threshold: String(s.lockout_threshold),
        lockout_minutes: String(s.lockout_minutes),
        clipboard_clear_seconds: String(prefs.clipboard_clear_seconds),
      });
    },
  });
  const presets = load.data?.[2] ?? NO_PRESETS;

  const previewReport = usePasswordReport(preview, NO_CONTEXT, checkedPolicy);
  const pErrs = policyErrors(errs);

  // First line of defence only: nothing the shell would refuse unexplained is sent.
  const localErrors = nums ? localNumberErrors(nums, unlimited) : {};
  const policyOk = policy !== null && Object.keys(localPolicyErrors(policy)).length === 0;
  const localOk = Object.keys(localErrors).length === 0 && policyOk;

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!nums || !policy || !loaded || !localOk) return;
    setSaved(false);
    await run(async () => {
      // This computer's preference first: its range is checked above, so it is not what
      // fails; if the instance's settings are then refused, saving again repeats it harmlessly.
      await api.setPreferences({ clipboard_clear_seconds: Number(nums.clipboard_clear_seconds), theme });
      const updated = await api.updateSettings({
        password_policy: policy,
        access_token_minutes: Number(nums.access_token_minutes),
        api_token_days: Number(nums.api_token_days),
        api_token_max_days: unlimited ? null : Number(nums.api_token_max_days),
        lockout_threshold: Number(nums.lockout_threshold),
        lockout_minutes: Number(nums.lockout_minutes),
        blocked_email_domains: domains.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean),
        second_factor: secondFactor,
      });
      setLoaded(updated);
      setPolicy(updated.password_policy);
      setCheckedPolicy(updated.password_policy);
      setDomains(updated.blocked_email_domains.join("\n"));
      setSaved(true);
      await refresh();
    });
  }

  async function chooseTheme(next: Theme) {
    const round = ++themeRound.current;
    setTheme(next);
    // Only the theme changes here: the clipboard delay stays as saved until "Save settings".
    const saved = await themeSaving.run(() => api.setPreferences({ ...state.preferences, theme: next }));
    if (round !== themeRound.current) return;
    if (saved) setState({ ...state, preferences: saved });
    else setTheme(state.preferences.theme);
  }

  if (!nums || !policy) {
    return (
      <section>
        <h1>Settings</h1>
        {load.problem ? <FormError problem={load.problem} /> : <p className="muted">Loading…</p>}
      </section>
    );
  }

  const num = (k: keyof Numbers, label: string, hint: string) => (
    <Field
      label={label}
      type="number"
      min={RANGES[k].min}
      max={RANGES[k].max}
      step={1}
      value={nums[k]}
      onChange={(v) => {
        setNums({ ...nums, [k]: v });
        clearFields(k);
        setSaved(false);
      }}
      error={localErrors[k] ?? errs[k]}
      hint={hint}
      testId={`settings-${k.replaceAll("_", "-")}`}
    />
  );

  return (
    <section aria-labelledby="settings-h">
      <header className="page-head">
        <h1 id="settings-h">Settings</h1>
      </header>
      <Form onSubmit={(e) => void save(e)} className="settings">
        <div className="card">
          <h2>Password policy</h2>
          <p className="muted small">Applies to every new or reset password. Existing passwords keep working.</p>
          <div className="policy-layout">
          <PolicyEditor
            policy={policy}
            onChange={(p) => {
              clearFields(...changedPolicyFields(policy, p));
              setPolicy(p);
              if (Object.keys(localPolicyErrors(p)).length === 0) setCheckedPolicy(p);
              setSaved(false);
            }}
            presets={presets}
            errors={pErrs}
            presetTestId="settings-policy-preset"
          />
          <div className="preview">
            <Field label="Try a password against these rules" type="password" value={preview} onChange={setPreview} testId="settings-preview" autoComplete="off" />
            <PasswordFeedback state={previewReport} id="settings-preview-feedback" empty={preview === ""} />
          </div>
          </div>
        </div>
        <div className="settings-grid">
          <div className="card">
            <h2>Sessions and tokens</h2>
            {num("access_token_minutes", "Sign-in session (minutes)", "5–1440 minutes.")}
            {num("api_token_days", "New API tokens last (days)", "1–3650 days and within the longest lifetime, unless chosen otherwise.")}
            <label className="check">
              <input
                type="checkbox"
                checked={unlimited}
                onChange={(e) => {
                  setUnlimited(e.target.checked);
                  clearFields("api_token_max_days");
                  setSaved(false);
                }}
                data-testid="settings-api-token-unlimited"
              />
              No limit on API token lifetime (tokens that never expire are allowed, with the creator's password)
            </label>
            {!unlimited && num("api_token_max_days", "Longest API token lifetime (days)", "1–3650 days. No token may be made to live longer, nor to never expire.")}
            {unlimited && errs.api_token_max_days && <p className="field-error">{errs.api_token_max_days}</p>}
          </div>
          <div className="card">
            <h2>Failed sign-ins</h2>
            {num("lockout_threshold", "Failures from one source before it must wait", "3–100 from one address (or this app). The wait starts at 1 minute and doubles with each further failure, up to an hour; other sources are not affected.")}
            {num("lockout_minutes", "Failures are forgotten after (minutes)", "1–1440 minutes without a failure or wait. 100 failures in a row from anywhere lock the user for a day, except in this app.")}
          </div>
          <div className="card">
            <h2>Two-step sign-in</h2>
            <fieldset className="theme-choice" aria-describedby="settings-second-factor-hint">
              <legend>Required of</legend>
              {SECOND_FACTOR_POLICIES.map(([value, label]) => (
                <label key={value} className="check">
                  <input
                    type="radio"
                    name="settings-second-factor"
                    value={value}
                    checked={secondFactor === value}
                    onChange={() => {
                      setSecondFactor(value);
                      clearFields("second_factor");
                      setSaved(false);
                    }}
                    data-testid={`settings-second-factor-${value}`}
                  />
                  {label}
                </label>
              ))}
            </fieldset>
            <p className="hint small muted" id="settings-second-factor-hint">
              Those required to use it who have not set it up are asked to right after their password. Set it up for yourself first.
            </p>
            {errs.second_factor && <p className="field-error">{errs.second_factor}</p>}
          </div>
          <div className="card">
            <h2>This computer</h2>
            {num("clipboard_clear_seconds", "Clear copied secrets after (seconds)", "5–600 seconds. Copied tokens and passwords leave the clipboard after this delay.")}
            <fieldset className="theme-choice" aria-describedby="settings-theme-hint">
              <legend>Colours</legend>
              {THEMES.map((t) => (
                <label key={t} className="check">
                  <input
                    type="radio"
                    name="settings-theme"
                    value={t}
                    checked={theme === t}
                    onChange={() => void chooseTheme(t)}
                    data-testid={`settings-theme-${t}`}
                  />
                  {THEME_LABELS[t]}
                </label>
              ))}
              <p className="hint" id="settings-theme-hint">
                Applies at once, on this computer only.
              </p>
              <FormError problem={themeSaving.problem} />
            </fieldset>
          </div>
        </div>
        <div className="card">
          <div className="field">
            <label htmlFor="settings-domains">
              <h2 className="inline-h">Blocked email domains</h2>
            </label>
            <p className="hint">One per line; subdomains are blocked too. New users cannot use these addresses.</p>
            <textarea
              id="settings-domains"
              rows={4}
              value={domains}
              onChange={(e) => {
                setDomains(e.target.value);
                clearFields("blocked_email_domains");
                setSaved(false);
              }}
              data-testid="settings-blocked-domains"
            />
            {errs.blocked_email_domains && <p className="field-error">{errs.blocked_email_domains}</p>}
          </div>
        </div>
        <FormError problem={problem} />
        <div className="actions sticky-actions">
          {saved && (
            <span className="saved" role="status">
              ✓ Settings saved.
            </span>
          )}
          <button type="submit" className="primary" disabled={busy || !localOk} data-testid="settings-save">
            {busy ? "Saving…" : "Save settings"}
          </button>
        </div>
      </Form>
    </section>
  );
}
