//! Managing users (admins only): status, roles, password resets and unlocking.
//! Admins cannot change their own status, drop their own admin role or reset their
//! own password, and the last active admin stays an active admin.

use uuid::Uuid;

use super::{
    recorded_change, temporary_password, PasswordReset, PasswordResetRequest, Role, Roles,
    RolesChange, StatusChange, UserStatus, UserView,
};
use crate::audit::{self, AuditAction};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
use crate::password::{self, Password};
use crate::policy::PasswordContext;
use crate::secrets::OneTimeSecret;
use crate::store::{transaction, ApiTokenStore, Mode, UserStore};

impl Gatehouse {
    /// Changes a user's status (admins only). Admins cannot change their own status,
    /// and the last active admin cannot be suspended or deactivated.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn set_user_status(
        &self,
        credential: &Credential,
        id: Uuid,
        change: StatusChange,
    ) -> Result<UserView> {
        let status = change.status;
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.lock_admin_changes().await?;
            let caller = self.authorize_admin(tx, credential).await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            if user.id == caller.id {
                return Err(Error::validation(
                    "status",
                    "own_account",
                    "You cannot change your own status.",
                ));
            }
            if user.roles.contains(Role::Admin)
                && user.status == UserStatus::Active
                && status != UserStatus::Active
                && tx.count_active_admins().await? <= 1
            {
                return Err(Error::validation(
                    "status",
                    "last_admin",
                    "This is the last active admin.",
                ));
            }
            tx.update_status(id, status, now).await?;
            let detail = serde_json::json!({ "from": user.status.as_str(), "to": status.as_str() });
            recorded_change(
                tx,
                now,
                caller.id,
                AuditAction::UserStatusChanged,
                id,
                detail,
            )
            .await
        })
    }

    /// Replaces a user's roles (admins only). Admins cannot drop their own admin
    /// role, and the last active admin keeps theirs.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn set_user_roles(
        &self,
        credential: &Credential,
        id: Uuid,
        change: RolesChange,
    ) -> Result<UserView> {
        let roles = change.roles;
        if roles.is_empty() {
            return Err(Error::validation(
                "roles",
                "required",
                "Give the user at least one role.",
            ));
        }
        let granted = Roles::of(&roles);
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.lock_admin_changes().await?;
            let caller = self.authorize_admin(tx, credential).await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            let drops_admin = user.roles.contains(Role::Admin) && !granted.contains(Role::Admin);
            if granted.contains(Role::Admin) && user.email.is_none() {
                return Err(Error::validation(
                    "roles",
                    "email_required",
                    "Admins need an email address; this user has none.",
                ));
            }
            if drops_admin && user.id == caller.id {
                return Err(Error::validation(
                    "roles",
                    "own_account",
                    "You cannot remove your own admin role.",
                ));
            }
            if drops_admin
                && user.status == UserStatus::Active
                && tx.count_active_admins().await? <= 1
            {
                return Err(Error::validation(
                    "roles",
                    "last_admin",
                    "This is the last active admin.",
                ));
            }
            tx.update_roles(id, granted, now).await?;
            let detail = serde_json::json!({ "from": user.roles.to_vec(), "to": roles });
            recorded_change(
                tx,
                now,
                caller.id,
                AuditAction::UserRolesChanged,
                id,
                detail,
            )
            .await
        })
    }

    /// Sets a temporary password the user must change at next sign-in (admins only).
    /// With `temporary: None` one is generated and returned, once. Ends the user's
    /// sessions and revokes their API tokens: a reset is how an admin cleans up after
    /// a stolen password or session.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn reset_user_password(
        &self,
        credential: &Credential,
        id: Uuid,
        request: PasswordResetRequest,
    ) -> Result<PasswordReset> {
        let temporary = request.temporary_password;
        let (caller, settings) = self.precheck_admin(credential).await?;
        if caller.id == id {
            // A temporary password for oneself would end one's own session and skip
            // the current-password check that changing one's own password asks for.
            return Err(Error::validation(
                "password",
                "own_account",
                "Change your own password under your profile; it asks for the current one.",
            ));
        }
        let user = transaction!(self.pool(), Mode::Read, |tx| async {
            tx.user(id).await?.ok_or(Error::NotFound("user"))
        })?;
        let generated = temporary.is_none();
        let candidate = match temporary {
            Some(chosen) => chosen,
            None => {
                let for_generator = settings.clone();
                tokio::task::spawn_blocking(move || temporary_password::generate(&for_generator))
                    .await?
                    .ok_or_else(|| {
                        Error::validation(
                            "password",
                            "policy_unsatisfiable",
                            "No generated password passes the current policy; choose one, or relax the policy in Settings.",
                        )
                    })?
            }
        };
        let shown = generated.then(|| {
            OneTimeSecret::new(secrecy::ExposeSecret::expose_secret(&candidate).to_owned())
        });
        let context = PasswordContext::of_user(&user);
        let password = Password::parse_off_thread(
            candidate,
            settings.password_policy.clone(),
            context,
            "password",
        )
        .await?
        .map_err(Error::Validation)?;
        let hash = password::hash(password).await?;
        let now = self.now();
        let (user, revoked) = transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            tx.update_password(id, &hash.0, true, now).await?;
            let revoked = tx.revoke_live_api_tokens_of(id, now).await?;
            let revoked = u32::try_from(revoked).unwrap_or(u32::MAX);
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::UserPasswordReset,
                ("user", Some(id.to_string())),
                serde_json::json!({ "revoked_api_tokens": revoked }),
            )
            .await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            Ok::<_, Error>((UserView::from(user), revoked))
        })?;
        Ok(PasswordReset {
            user,
            temporary_password: shown,
            revoked_api_tokens: revoked,
        })
    }

    /// Lifts the username-wide sign-in lock and every source's wait, and clears the
    /// failure counts (admins only).
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn unlock_user(&self, credential: &Credential, id: Uuid) -> Result<UserView> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            crate::sign_in_throttle::lift(tx, id).await?;
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::UserUnlocked,
                ("user", Some(id.to_string())),
                serde_json::json!({}),
            )
            .await?;
            Ok(UserView::from(
                tx.user(id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }
}
