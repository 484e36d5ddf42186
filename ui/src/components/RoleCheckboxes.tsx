import { ROLES } from "../bindings/constants";
import type { Role } from "../bindings/Role";

/** Every role an admin can give, offered from the least privileged up (Rust lists admin first). */
const ROLE_CHOICES: readonly Role[] = [...ROLES].reverse();

type Props = {
  roles: Role[];
  onChange: (roles: Role[]) => void;
  /** Each checkbox gets `data-testid="<prefix>-<role>"`. */
  testIdPrefix: string;
};

/** One checkbox per role; checking adds the role, unchecking removes it. */
export function RoleCheckboxes({ roles, onChange, testIdPrefix }: Props) {
  return (
    <>
      {ROLE_CHOICES.map((r) => (
        <label key={r} className="check inline">
          <input
            type="checkbox"
            checked={roles.includes(r)}
            onChange={(e) => onChange(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
            data-testid={`${testIdPrefix}-${r}`}
          />
          {r}
        </label>
      ))}
    </>
  );
}
