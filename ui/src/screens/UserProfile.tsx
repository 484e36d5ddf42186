import { useState } from "react";
import { api } from "../api/client";
import type { UserView } from "../bindings/UserView";
import { Field, FormError } from "../components/Field";
import { Form } from "../components/Form";
import { useSubmit } from "../hooks/useSubmit";

type Props = {
  user: UserView;
  onSaved: (user: UserView) => void;
  onCancel: () => void;
  /** Load the user again (after a stale edit). */
  onReload: () => void;
};

/** The profile's edit form: the same fields and rules as "New user", saved from the version shown. */
export function UserProfileEditor({ user, onSaved, onCancel, onReload }: Props) {
  const submit = useSubmit();
  const { busy, problem, errors, onEdit } = submit;
  const [username, setUsername] = useState(user.username);
  const [email, setEmail] = useState(user.email ?? "");
  const [firstName, setFirstName] = useState(user.first_name ?? "");
  const [lastName, setLastName] = useState(user.last_name ?? "");
  const [businessRole, setBusinessRole] = useState(user.business_role ?? "");
  const stale = problem?.code === "stale_version";

  async function save() {
    if (busy) return;
    const saved = await submit.run(() =>
      api.updateUser(user.id, {
        version: user.version,
        username,
        email,
        first_name: firstName,
        last_name: lastName,
        business_role: businessRole,
        preferences: null,
      }),
    );
    if (saved) onSaved(saved);
  }

  return (
    <Form
      className="card"
      aria-labelledby="profile-edit-h"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="profile-edit-h">Edit profile</h2>
      <Field label="Username" value={username} onChange={onEdit("username", setUsername)} error={errors.username} testId="edit-username" autoComplete="off" spellCheck={false} autoFocus />
      <Field
        label={user.roles.includes("admin") ? "Email" : "Email (optional)"}
        type="email"
        value={email}
        onChange={onEdit("email", setEmail)}
        error={errors.email}
        testId="edit-email"
        autoComplete="off"
        hint={email.trim() !== (user.email ?? "") ? "A new address is not confirmed." : undefined}
      />
      <Field label="First name (optional)" value={firstName} onChange={onEdit("first_name", setFirstName)} error={errors.first_name} testId="edit-first-name" autoComplete="off" />
      <Field label="Last name (optional)" value={lastName} onChange={onEdit("last_name", setLastName)} error={errors.last_name} testId="edit-last-name" autoComplete="off" />
      <Field label="Business role (optional)" value={businessRole} onChange={onEdit("business_role", setBusinessRole)} error={errors.business_role} testId="edit-business-role" autoComplete="off" />
      {stale ? (
        <div className="form-error" role="alert" data-testid="edit-stale">
          <strong>Someone else changed this user since you opened it.</strong> Nothing was saved. Reload to see their changes, then edit again.{" "}
          <button type="button" className="link" onClick={onReload} data-testid="edit-reload">
            Reload
          </button>
        </div>
      ) : (
        <FormError problem={problem} />
      )}
      <div className="actions">
        <button type="button" onClick={onCancel} disabled={busy} data-testid="edit-cancel">
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="edit-save">
          Save
        </button>
      </div>
    </Form>
  );
}
