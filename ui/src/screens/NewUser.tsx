import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { Role } from "../bindings/Role";
import type { UserStatus } from "../bindings/UserStatus";
import type { UserView } from "../bindings/UserView";
import { Field, FormError } from "../components/Field";
import { PasswordField } from "../components/PasswordField";
import { passwordReady } from "../lib/password";
import { usePasswordReport } from "../hooks/usePasswordReport";
import { useSubmit } from "../hooks/useSubmit";
import { useFieldChecks } from "../hooks/useFieldChecks";
import { orNull } from "../lib/format";
import { RoleCheckboxes } from "../components/RoleCheckboxes";
import { Form } from "../components/Form";


type Props = {
  /** "New admin" (role admin, email confirmed) instead of "New user". */
  admin: boolean;
  onCreated: (u: UserView) => void;
  onCancel: () => void;
};

export function NewUserForm({ admin, onCreated, onCancel }: Props) {
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [businessRole, setBusinessRole] = useState("");
  const [roles, setRoles] = useState<Role[]>(["viewer"]);
  const [status, setStatus] = useState<UserStatus>("active");
  const [password, setPassword] = useState("");
  const { busy, problem, errors: errs, run, onEdit } = useSubmit();
  // Each field checked as it is left, by the core's parsers (the email against the instance's blocked domains).
  const checks = useFieldChecks();

  const report = usePasswordReport(
    password,
    { username: orNull(username), email: orNull(email), first_name: orNull(firstName), last_name: orNull(lastName) },
    null,
  );
  // Admins sign in by email too, so they need one; other users may go without (seed 004).
  const emailNeeded = admin || roles.includes("admin");
  const ready =
    passwordReady(report, password) &&
    (!emailNeeded || email.trim() !== "") &&
    (admin || username.trim() !== "") &&
    (admin || roles.length > 0);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready || busy) return;
    const user = await run(() =>
      admin
        ? api.createAdmin({
            email: email.trim(),
            password,
            username: orNull(username),
            first_name: orNull(firstName),
            last_name: orNull(lastName),
          })
        : api.createUser({
            username: username.trim(),
            email: orNull(email),
            password,
            first_name: orNull(firstName),
            last_name: orNull(lastName),
            business_role: orNull(businessRole),
            roles,
            status,
            preferences: null,
            account_id: null,
          }),
    );
    if (!user) return;
    setPassword("");
    onCreated(user);
  }

  const fieldNames = new Set(["username", "email", "password", "first_name", "last_name", "business_role", "roles", "status"]);
  const unplaced = problem?.errors.filter((x) => !fieldNames.has(x.field)) ?? [];

  return (
    <section aria-labelledby="new-user-h">
      <header className="page-head">
        <div>
          <button type="button" className="link back" onClick={onCancel}>
            ← Users
          </button>
          <h1 id="new-user-h">{admin ? "New admin" : "New user"}</h1>
        </div>
      </header>
      <Form className="card form-card" onSubmit={(e) => void submit(e)}>
        {admin && <p className="muted">Admins can manage users, accounts and settings. Their email counts as confirmed.</p>}
        <div className="grid-2">
          <Field
            label={admin ? "Username (optional)" : "Username"}
            {...checks.field(admin ? "optional_username" : "username", username, onEdit("username", setUsername), errs.username)}
            testId="user-username"
            autoComplete="off"
            autoFocus
            hint={admin ? "Made from the email if left empty." : undefined}
          />
          <Field
            label={emailNeeded ? "Email" : "Email (optional)"}
            type="email"
            {...checks.field(emailNeeded ? "required_email" : "email", email, onEdit("email", setEmail), errs.email)}
            testId="user-email"
            autoComplete="off"
            required={emailNeeded}
            hint={emailNeeded ? undefined : "Without one, the user signs in by username. Admins need one."}
          />
          <Field label="First name (optional)" {...checks.field("first_name", firstName, onEdit("first_name", setFirstName), errs.first_name)} testId="user-first-name" autoComplete="off" />
          <Field label="Last name (optional)" {...checks.field("last_name", lastName, onEdit("last_name", setLastName), errs.last_name)} testId="user-last-name" autoComplete="off" />
          {!admin && (
            <>
              <Field label="Business role (optional)" {...checks.field("business_role", businessRole, onEdit("business_role", setBusinessRole), errs.business_role)} testId="user-business-role" />
              <div className="field">
                <label htmlFor="new-user-status">Status</label>
                <select id="new-user-status" value={status} onChange={(e) => onEdit("status", setStatus)(e.target.value as UserStatus)} data-testid="user-status">
                  <option value="active">active</option>
                  <option value="pending">pending</option>
                </select>
                {errs.status && <p className="field-error">{errs.status}</p>}
              </div>
            </>
          )}
        </div>
        {!admin && (
          <fieldset className="roles">
            <legend>Roles</legend>
            <RoleCheckboxes roles={roles} onChange={onEdit("roles", setRoles)} testIdPrefix="user-role" />
            {errs.roles && <p className="field-error">{errs.roles}</p>}
          </fieldset>
        )}
        <PasswordField
          label="Password"
          value={password}
          onChange={onEdit("password", setPassword)}
          report={report}
          testId="user-password"
          error={errs.password}
          generate={async () => (await run(() => api.generatePassword()))?.password ?? null}
        />
        {unplaced.map((x) => (
          <p key={x.field + x.code} className="field-error">
            {x.field}: {x.message}
          </p>
        ))}
        <FormError problem={problem} />
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="user-submit" disabled={!ready || busy}>
            {busy ? "Creating…" : admin ? "Create admin" : "Create user"}
          </button>
        </div>
      </Form>
    </section>
  );
}
