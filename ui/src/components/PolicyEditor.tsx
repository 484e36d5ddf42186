import { useId } from "react";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { PresetInfo } from "../bindings/PresetInfo";
import { localPolicyErrors, POLICY_NUMBER_RANGES, type PolicyNumberKey } from "../lib/password";

type Props = {
  policy: PasswordPolicy;
  onChange: (p: PasswordPolicy) => void;
  presets: PresetInfo[];
  /**
   * The server's field errors keyed by policy field name (without the `password_policy.`
   * prefix). The editor adds its own range checks (see `localPolicyErrors`), shown first.
   */
  errors: Record<string, string>;
  presetTestId?: string;
};

type BoolKey = {
  [K in keyof PasswordPolicy]: PasswordPolicy[K] extends boolean ? K : never;
}[keyof PasswordPolicy];

const TOGGLES: { key: BoolKey; label: string }[] = [
  { key: "require_uppercase", label: "Require an uppercase letter" },
  { key: "require_lowercase", label: "Require a lowercase letter" },
  { key: "require_digit", label: "Require a digit" },
  { key: "require_special", label: "Require a special character" },
  { key: "forbid_whitespace", label: "Forbid spaces" },
  { key: "forbid_personal_info", label: "Forbid the username, email or names" },
  { key: "forbid_common", label: "Refuse the 10,000 most common passwords" },
];

function samePolicy(a: PasswordPolicy, b: PasswordPolicy): boolean {
  return (Object.keys(a) as (keyof PasswordPolicy)[]).every((k) => a[k] === b[k]);
}

/** Presets plus every adjustable rule of a password policy. */
export function PolicyEditor({ policy, onChange, presets, errors, presetTestId }: Props) {
  const id = useId();
  const matching = presets.find((p) => samePolicy(p.policy, policy));
  const set = <K extends keyof PasswordPolicy>(k: K, v: PasswordPolicy[K]) => onChange({ ...policy, [k]: v });
  const local = localPolicyErrors(policy);
  const num = (k: PolicyNumberKey, label: string) => {
    const error = local[k] ?? errors[k];
    const errId = `${id}-${k}-err`;
    return (
      <div className={error ? "field has-error" : "field"}>
        <label htmlFor={`${id}-${k}`}>{label}</label>
        <input
          id={`${id}-${k}`}
          type="number"
          min={POLICY_NUMBER_RANGES[k].min}
          max={POLICY_NUMBER_RANGES[k].max}
          step={1}
          value={Number.isFinite(policy[k]) ? policy[k] : ""}
          onChange={(e) => set(k, e.target.value === "" ? Number.NaN : Number(e.target.value))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errId : undefined}
          data-testid={`policy-${k}`}
        />
        {error && (
          <p className="field-error" id={errId} data-testid={`policy-${k}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };
  return (
    <fieldset className="policy-editor">
      <legend className="sr-only">Password policy</legend>
      <div className="field">
        <label htmlFor={`${id}-preset`}>Preset</label>
        <select
          id={`${id}-preset`}
          data-testid={presetTestId ?? "policy-preset"}
          value={matching?.preset ?? "custom"}
          onChange={(e) => {
            const p = presets.find((x) => x.preset === e.target.value);
            if (p) onChange({ ...p.policy });
          }}
        >
          {presets.map((p) => (
            <option key={p.preset} value={p.preset}>
              {p.label}
            </option>
          ))}
          {!matching && <option value="custom">Custom</option>}
        </select>
      </div>
      <div className="grid-4">
        {num("min_length", "Minimum length")}
        {num("max_length", "Maximum length")}
        {num("min_character_classes", "Character classes (0–4)")}
        {num("min_strength_score", "Minimum strength (0–4)")}
      </div>
      <div className="toggles">
        {TOGGLES.map((t) => (
          <label key={t.key} className="check">
            <input type="checkbox" checked={policy[t.key]} onChange={(e) => set(t.key, e.target.checked)} />
            {t.label}
            {errors[t.key] && <span className="field-error"> {errors[t.key]}</span>}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

