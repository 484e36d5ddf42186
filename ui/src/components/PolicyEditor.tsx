import { useId } from "react";
import type { PasswordPolicy } from "../bindings/PasswordPolicy";
import type { PresetInfo } from "../bindings/PresetInfo";

type Props = {
  policy: PasswordPolicy;
  onChange: (p: PasswordPolicy) => void;
  presets: PresetInfo[];
  /** Field errors keyed by policy field name (without the `password_policy.` prefix). */
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
  const num = (k: "min_length" | "max_length" | "min_character_classes" | "min_strength_score", label: string, min: number, max: number) => (
    <div className={errors[k] ? "field has-error" : "field"}>
      <label htmlFor={`${id}-${k}`}>{label}</label>
      <input
        id={`${id}-${k}`}
        type="number"
        min={min}
        max={max}
        value={Number.isFinite(policy[k]) ? policy[k] : ""}
        onChange={(e) => set(k, e.target.value === "" ? Number.NaN : Number(e.target.value))}
        aria-invalid={errors[k] ? true : undefined}
        data-testid={`policy-${k}`}
      />
      {errors[k] && <p className="field-error">{errors[k]}</p>}
    </div>
  );
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
        {num("min_length", "Minimum length", 1, 1024)}
        {num("max_length", "Maximum length", 1, 1024)}
        {num("min_character_classes", "Character classes (0–4)", 0, 4)}
        {num("min_strength_score", "Minimum strength (0–4)", 0, 4)}
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

